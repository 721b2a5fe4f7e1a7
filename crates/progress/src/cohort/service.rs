//! The rules of cohorts: who runs them, who joins them, what their trainer
//! sees, and the reminders they send.

use chrono::{DateTime, Duration, Utc};
use sanad_platform::FieldCode;
use sanad_platform::ReasonCode;
use sanad_platform::learning::{CourseOutline, ItemKind};
use sanad_platform::people::Person;
use sanad_platform::{Caller, Error, FieldError, Result, Role};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use uuid::Uuid;

use super::model::*;
use super::store::{self, CohortRow};
use crate::service::{Progress, percent};

/// At most this many addresses in one request.
const MAX_EMAILS: usize = 500;

fn sql(e: sqlx::Error) -> Error {
    Error::Internal(e.into())
}

/// A trimmed, lower-case address, or `None` when it cannot be one.
pub(crate) fn normalized_email(typed: &str) -> Option<String> {
    let e = typed.trim();
    (e.len() <= 254 && e.contains('.') && email_address::EmailAddress::is_valid(e)).then(|| e.to_lowercase())
}

impl Progress {
    /// Creates a cohort: trainers and admins, on a published course.
    pub async fn create_cohort(&self, caller: &Caller, input: NewCohort) -> Result<CohortView> {
        caller.require_any(&[Role::Trainer, Role::Admin])?;
        let mut errors = Vec::new();
        let title = input.title.0.trim().to_string();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(FieldError::new("title", FieldCode::TooLong, "must be 1 to 200 characters"));
        }
        if input.ends_on < input.starts_on {
            errors.push(FieldError::new("ends_on", FieldCode::OutOfRange, "must not be before starts_on"));
        }
        let outline = self.outlines.outline_by_slug(input.course_slug.0.trim()).await?;
        if outline.is_none() {
            errors.push(FieldError::new("course_slug", FieldCode::UnknownValue, "is not a published course"));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let outline = outline.expect("checked above");
        let row = CohortRow {
            id: sanad_platform::ids::new_id(),
            course_id: outline.course_id,
            trainer_id: caller.user_id,
            title,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            created_at: self.clock.now(),
        };
        store::insert(&self.db, &row).await.map_err(sql)?;
        self.cohort_view(row, &caller.locale).await
    }

    async fn cohort_view(&self, row: CohortRow, lang: &str) -> Result<CohortView> {
        let outline = self.outlines.outline_by_id(row.course_id).await?;
        Ok(view_of(row, outline.as_deref(), lang))
    }

    /// The cohorts the caller runs (every cohort for an admin), newest first.
    pub async fn cohorts(&self, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> Result<CohortPage> {
        caller.require_any(&[Role::Trainer, Role::Admin])?;
        let limit = sanad_platform::page::limit(limit)?;
        let before = sanad_platform::page::decode_cursor(cursor)?;
        let trainer = (!caller.has(Role::Admin)).then_some(caller.user_id);
        let mut rows = store::cohorts(&self.db, trainer, before, i64::from(limit) + 1).await.map_err(sql)?;
        let next_cursor = (rows.len() > limit as usize).then(|| {
            rows.truncate(limit as usize);
            sanad_platform::page::encode_cursor(rows[rows.len() - 1].id)
        });
        let courses: Vec<Uuid> = rows.iter().map(|r| r.course_id).collect();
        let outlines: HashMap<Uuid, Arc<CourseOutline>> =
            self.outlines.outlines_by_id(&courses).await?.into_iter().map(|o| (o.course_id, o)).collect();
        let items = rows
            .into_iter()
            .map(|row| {
                let outline = outlines.get(&row.course_id).map(|o| &**o);
                view_of(row, outline, &caller.locale)
            })
            .collect();
        Ok(CohortPage { items, next_cursor })
    }

    /// The cohort, if the caller runs it or is an admin; 403 for anyone else who may not know more.
    async fn run_by(&self, caller: &Caller, id: Uuid) -> Result<CohortRow> {
        caller.require_any(&[Role::Trainer, Role::Admin])?;
        let row = store::cohort(&self.db, id).await.map_err(sql)?.ok_or(Error::NotFound("cohort"))?;
        if row.trainer_id != caller.user_id && !caller.has(Role::Admin) {
            return Err(Error::Forbidden(ReasonCode::CohortTrainerOnly.into()));
        }
        Ok(row)
    }

    /// Adds members by address; an address with no account is invited by mail.
    pub async fn add_members(&self, caller: &Caller, id: Uuid, input: MemberEmails) -> Result<MembersAdded> {
        let cohort = self.run_by(caller, id).await?;
        if input.emails.is_empty() || input.emails.len() > MAX_EMAILS {
            return Err(Error::invalid("emails", FieldCode::TooLong, "give 1 to 500 addresses"));
        }
        let mut seen = HashSet::new();
        let mut outcome = MembersAdded { added: vec![], invited: vec![], rejected: vec![] };
        let mut to_add = Vec::new();
        let mut to_invite = Vec::new();
        for typed in &input.emails {
            let Some(email) = normalized_email(typed) else {
                outcome.rejected.push(RejectedEmail { email: typed.chars().take(254).collect(), reason: "invalid_email".into() });
                continue;
            };
            if !seen.insert(email.clone()) {
                outcome.rejected.push(RejectedEmail { email, reason: "duplicate".into() });
                continue;
            }
            match self.people.find_by_email(&email).await? {
                Some(user) => to_add.push((email, user)),
                None => to_invite.push(email),
            }
        }
        let now = self.clock.now();
        let course_title = self.cohort_view(cohort.clone(), &caller.locale).await?.course_title;
        let mut tx = self.db.begin().await.map_err(sql)?;
        for (email, user) in to_add {
            store::add_member(&mut tx, cohort.id, user, now).await.map_err(sql)?;
            outcome.added.push(email);
        }
        for email in to_invite {
            if store::invite(&mut tx, cohort.id, &email, now).await.map_err(sql)? {
                let mail = crate::mail::cohort_invitation(&email, &caller.locale, &cohort.title, &course_title);
                sanad_mail::enqueue(&mut tx, &mail, now).await?;
            }
            outcome.invited.push(email);
        }
        tx.commit().await.map_err(sql)?;
        self.dashboards.forget_cohort(cohort.id);
        (self.wake_mail)();
        Ok(outcome)
    }

    /// The dashboard: each member's progress, best scores, last activity,
    /// and how each question went; `inactive_days` keeps members idle that long.
    ///
    /// Made for everyone who may read it, at most
    /// [`DASHBOARD_TTL`](super::dashboards::DASHBOARD_TTL) ago (see
    /// [`super::dashboards`]); the caller's right to read it is checked every time.
    pub async fn cohort_progress(&self, caller: &Caller, id: Uuid, inactive_days: Option<u32>) -> Result<CohortProgress> {
        let cohort = self.run_by(caller, id).await?;
        let idle_since = self.idle_since(inactive_days)?;
        let made = self.dashboards.get_or_make(&cohort, &caller.locale, || self.dashboard(&cohort, &caller.locale)).await?;
        Ok(keep_idle(&made.dashboard, idle_since))
    }

    fn idle_since(&self, inactive_days: Option<u32>) -> Result<Option<DateTime<Utc>>> {
        if inactive_days.is_some_and(|d| d > 3650) {
            return Err(Error::invalid("inactive_days", FieldCode::OutOfRange, "must be between 0 and 3650"));
        }
        Ok(inactive_days.map(|d| self.clock.now() - Duration::days(i64::from(d))))
    }

    /// The whole dashboard, read from the database in a handful of set-based
    /// queries: members with their counts, their names, best scores, question
    /// totals and pending invitations.
    async fn dashboard(&self, cohort: &CohortRow, lang: &str) -> Result<CohortProgress> {
        let outline = self.outlines.outline_by_id(cohort.course_id).await?.ok_or(Error::NotFound("course"))?;
        let items: Vec<Uuid> = outline.items().map(|i| i.id).collect();
        let rows = if items.len() <= store::MAX_COUNTED_ITEMS {
            store::members_counted(&self.db, cohort.id, cohort.course_id, &items).await.map_err(sql)?
        } else {
            self.members_counted_here(cohort, &outline).await?
        };
        let ids: Vec<Uuid> = rows.iter().map(|m| m.user_id).collect();
        let (people, best_rows, question_rows, pending_invitations) = tokio::try_join!(
            self.people.people(&ids),
            async { store::member_bests(&self.db, cohort.id, cohort.course_id).await.map_err(sql) },
            async { store::question_totals(&self.db, cohort.id, cohort.course_id).await.map_err(sql) },
            async { store::pending_invitations(&self.db, cohort.id).await.map_err(sql) },
        )?;
        let mut names: HashMap<Uuid, String> = people.into_iter().map(|p| (p.id, p.display_name)).collect();
        let quiz_titles: HashMap<Uuid, String> =
            outline.items().filter(|i| i.kind == ItemKind::Quiz).map(|i| (i.id, i.title.pick(lang).to_string())).collect();
        let mut bests: HashMap<Uuid, Vec<QuizScore>> = HashMap::new();
        for b in best_rows {
            let Some(title) = quiz_titles.get(&b.quiz_id) else { continue };
            bests.entry(b.user_id).or_default().push(QuizScore {
                quiz_id: b.quiz_id,
                quiz_title: title.clone(),
                best_score: u32::try_from(b.best_score).unwrap_or(0),
                max_score: u32::try_from(b.max_score).unwrap_or(0),
                attempts: u32::try_from(b.attempts).unwrap_or(0),
            });
        }
        let total = items.len();
        let members = rows
            .into_iter()
            .map(|m| {
                let completed = usize::try_from(m.done).unwrap_or(0);
                MemberProgress {
                    user_id: m.user_id,
                    display_name: names.remove(&m.user_id).unwrap_or_default(),
                    completed_items: completed as u32,
                    total_items: total as u32,
                    percent: percent(completed, total),
                    last_activity_at: m.last_activity_at,
                    best_quiz_scores: bests.remove(&m.user_id).unwrap_or_default(),
                    idle_reminded_at: m.idle_reminded_at,
                }
            })
            .collect();
        let questions = question_rows
            .into_iter()
            .filter(|q| q.attempts > 0)
            .map(|q| QuestionRate {
                quiz_id: q.quiz_id,
                question_id: q.question_id,
                attempts: u32::try_from(q.attempts).unwrap_or(u32::MAX),
                success_rate: q.correct as f64 / q.attempts as f64,
            })
            .collect();
        Ok(CohortProgress { cohort: view_of(cohort.clone(), Some(&outline), lang), members, pending_invitations, questions })
    }

    /// The members with their counts, for a course with more items than the
    /// database is asked to count: every completion of the members is read.
    async fn members_counted_here(&self, cohort: &CohortRow, outline: &CourseOutline) -> Result<Vec<store::MemberCountRow>> {
        let members = store::members(&self.db, cohort.id, cohort.course_id).await.map_err(sql)?;
        let mut done: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
        for (user, item) in store::member_completions(&self.db, cohort.id, cohort.course_id).await.map_err(sql)? {
            done.entry(user).or_default().insert(item);
        }
        let empty = HashSet::new();
        Ok(members
            .into_iter()
            .map(|m| store::MemberCountRow {
                done: outline.done_count(done.get(&m.user_id).unwrap_or(&empty)) as i64,
                user_id: m.user_id,
                last_activity_at: m.last_activity_at,
                idle_reminded_at: m.idle_reminded_at,
            })
            .collect())
    }

    /// The dashboard as CSV, one row per member, cells a spreadsheet would run neutralised.
    pub async fn cohort_progress_csv(&self, caller: &Caller, id: Uuid, inactive_days: Option<u32>) -> Result<String> {
        let dashboard = self.cohort_progress(caller, id, inactive_days).await?;
        let mut quizzes: Vec<(Uuid, String)> = Vec::new();
        for m in &dashboard.members {
            for q in &m.best_quiz_scores {
                if !quizzes.iter().any(|(id, _)| *id == q.quiz_id) {
                    quizzes.push((q.quiz_id, q.quiz_title.clone()));
                }
            }
        }
        let mut header =
            vec!["member".to_string(), "completed_items".into(), "total_items".into(), "percent".into(), "last_activity_at".into()];
        header.extend(quizzes.iter().map(|(_, title)| format!("best score: {title}")));
        let mut rows = vec![header];
        for m in &dashboard.members {
            let mut row = vec![
                m.display_name.clone(),
                m.completed_items.to_string(),
                m.total_items.to_string(),
                m.percent.to_string(),
                m.last_activity_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            ];
            row.extend(quizzes.iter().map(|(id, _)| {
                m.best_quiz_scores
                    .iter()
                    .find(|q| q.quiz_id == *id)
                    .map(|q| format!("{}/{}", q.best_score, q.max_score))
                    .unwrap_or_default()
            }));
            rows.push(row);
        }
        Ok(sanad_platform::spreadsheet::csv(&rows))
    }

    /// Mails members idle for `inactive_days` (once a day at most per member).
    pub async fn remind_idle(&self, caller: &Caller, id: Uuid, input: IdleReminder) -> Result<RemindersSent> {
        if !(1..=365).contains(&input.inactive_days) {
            return Err(Error::invalid("inactive_days", FieldCode::OutOfRange, "must be between 1 and 365"));
        }
        let cohort = self.run_by(caller, id).await?;
        let idle_since = self.idle_since(Some(input.inactive_days))?;
        // Who is idle is read now, not from a dashboard made a moment ago.
        let dashboard = keep_idle(&self.dashboard(&cohort, &caller.locale).await?, idle_since);
        let ids: Vec<Uuid> = dashboard.members.iter().map(|m| m.user_id).collect();
        let people = self.people.people(&ids).await?;
        let now = self.clock.now();
        let since = now - Duration::hours(24);
        let mut sent = RemindersSent { reminded: 0, skipped: 0 };
        let mut tx = self.db.begin().await.map_err(sql)?;
        for person in people.iter().filter(|p| p.enabled) {
            if store::mark_idle_reminded(&mut tx, id, person.id, since, now).await.map_err(sql)? {
                let mail = crate::mail::idle_reminder(
                    person,
                    &dashboard.cohort.title,
                    &dashboard.cohort.course_title,
                    &dashboard.cohort.course_slug,
                );
                sanad_mail::enqueue(&mut tx, &mail, now).await?;
                sent.reminded += 1;
            } else {
                sent.skipped += 1;
            }
        }
        tx.commit().await.map_err(sql)?;
        self.dashboards.forget_cohort(id);
        (self.wake_mail)();
        Ok(sent)
    }

    /// Mails, once, each member of a cohort that ended 30 days ago or more and
    /// who recorded no field session since: run by a background job on every
    /// instance; the claim in the database makes each reminder go once.
    pub async fn send_follow_up_reminders(&self) -> Result<u32> {
        let today = self.clock.now().date_naive();
        let ended_before = today - Duration::days(30);
        let mut sent = 0;
        loop {
            let due = store::follow_ups_due(&self.db, ended_before, 100).await.map_err(sql)?;
            if due.is_empty() {
                return Ok(sent);
            }
            let ids: Vec<Uuid> = due.iter().map(|d| d.user_id).collect();
            let people: HashMap<Uuid, Person> = self.people.people(&ids).await?.into_iter().map(|p| (p.id, p)).collect();
            let now = self.clock.now();
            let mut tx = self.db.begin().await.map_err(sql)?;
            for d in &due {
                if !store::claim_follow_up(&mut tx, d.cohort_id, d.user_id, now).await.map_err(sql)? {
                    continue;
                }
                if let Some(person) = people.get(&d.user_id).filter(|p| p.enabled) {
                    sanad_mail::enqueue(&mut tx, &crate::mail::field_session_reminder(person, &d.title), now).await?;
                    sent += 1;
                }
            }
            tx.commit().await.map_err(sql)?;
            (self.wake_mail)();
        }
    }
}

/// A cohort as shown, with its course's slug and title when it is published.
fn view_of(row: CohortRow, outline: Option<&CourseOutline>, lang: &str) -> CohortView {
    CohortView {
        id: row.id,
        course_slug: outline.map(|o| o.slug.clone()).unwrap_or_default(),
        course_title: outline.map(|o| o.title.pick(lang).to_string()).unwrap_or_default(),
        title: row.title,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        trainer_id: row.trainer_id,
        created_at: row.created_at,
    }
}

/// The dashboard with only the members idle since `since` (all of them without).
fn keep_idle(made: &CohortProgress, since: Option<DateTime<Utc>>) -> CohortProgress {
    let Some(since) = since else { return made.clone() };
    CohortProgress {
        cohort: made.cohort.clone(),
        members: made.members.iter().filter(|m| m.last_activity_at.is_none_or(|at| at < since)).cloned().collect(),
        pending_invitations: made.pending_invitations.clone(),
        questions: made.questions.clone(),
    }
}

/// A confirmed address joins the cohorts it was invited to.
#[async_trait::async_trait]
impl sanad_platform::people::AddressConfirmations for Progress {
    async fn confirmed(&self, tx: &mut sanad_platform::Tx, user: Uuid, email: &str) -> Result<()> {
        let Some(email) = normalized_email(email) else { return Ok(()) };
        if store::claim_invitations(tx, user, &email, self.clock.now()).await.map_err(sql)? > 0 {
            // Which cohorts is not worth a query: joining is rare.
            self.dashboards.forget_all();
        }
        Ok(())
    }
}
