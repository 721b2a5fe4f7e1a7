//! The rules of progress: enrolment, completion, resume, prerequisites and
//! attestations. Free of HTTP.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lru::LruCache;
use sanad_platform::learning::{self, Activity, CourseOutline, CourseOutlines, LearningEvent, LearningRecord, Sent};
use sanad_platform::people::PeopleDirectory;
use sanad_platform::resources::ResourceTitles;
use sanad_platform::{Caller, Clock, Db, Error, Result, Tx};
use std::collections::{HashMap, HashSet};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

use crate::attestation::code::AttestationCode;
use crate::cohort::dashboards::Dashboards;
use crate::group_commit::GroupCommit;
use crate::model::*;
use crate::store::{self, CertificateRow, Completion, EventRow};

/// The progress service. Cheap to clone.
#[derive(Clone)]
pub struct Progress {
    pub(crate) db: Db,
    pub(crate) clock: Clock,
    pub(crate) outlines: Arc<dyn CourseOutlines>,
    pub(crate) people: Arc<dyn PeopleDirectory>,
    pub(crate) resources: Arc<dyn ResourceTitles>,
    /// Tells the mail worker that the outbox has new mail.
    pub(crate) wake_mail: Arc<dyn Fn() + Send + Sync>,
    /// The address of the public verification page, printed on attestations.
    public_url: String,
    /// (learner, course) pairs that opened an item lately: reading is not a
    /// write on every page, only the first of a while.
    recently_opened: Arc<Mutex<LruCache<(Uuid, Uuid), Instant>>>,
    /// Where the events of progress's own transactions are written, several to a transaction.
    group_commit: GroupCommit,
    /// Cohort dashboards made a moment ago.
    pub(crate) dashboards: Dashboards,
}

/// How long an opening spares the next ones their write.
const OPENED_MEMORY: Duration = Duration::from_secs(600);

/// Everything progress reads from other crates, and the mail worker to wake.
pub struct ProgressSeams {
    pub outlines: Arc<dyn CourseOutlines>,
    pub people: Arc<dyn PeopleDirectory>,
    pub resources: Arc<dyn ResourceTitles>,
    pub wake_mail: Arc<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

fn sql(e: sqlx::Error) -> Error {
    Error::Internal(e.into())
}

/// Whole percent done, rounded down so that 100 means every item.
pub(crate) fn percent(done: usize, total: usize) -> u32 {
    (done * 100).checked_div(total).map_or(0, |p| u32::try_from(p).unwrap_or(100))
}

/// Whole hours of training, rounded to the nearest (0 reads "less than an hour").
fn hours(minutes: i64) -> u32 {
    u32::try_from((minutes.max(0) + 30) / 60).unwrap_or(u32::MAX)
}

impl Progress {
    /// A progress service over `db`; `public_url` is printed on attestations.
    pub fn new(db: Db, clock: Clock, seams: ProgressSeams, public_url: &str) -> Self {
        let ProgressSeams { outlines, people, resources, wake_mail } = seams;
        let recently_opened = Arc::new(Mutex::new(LruCache::new(NonZeroUsize::new(10_000).expect("non-zero"))));
        Self {
            db,
            clock,
            outlines,
            people,
            resources,
            wake_mail,
            public_url: public_url.trim_end_matches('/').to_string(),
            recently_opened,
            group_commit: GroupCommit::default(),
            dashboards: Dashboards::default(),
        }
    }

    /// The same service without its group commit queue: what a writer task holds.
    pub(crate) fn without_group_commit(&self) -> Self {
        Self { group_commit: GroupCommit::default(), ..self.clone() }
    }

    async fn outline(&self, slug: &str) -> Result<Arc<CourseOutline>> {
        self.outlines.outline_by_slug(slug).await?.ok_or(Error::NotFound("course"))
    }

    /// Enrols the caller; the second return is true the first time.
    pub async fn enrol(&self, caller: &Caller, slug: &str) -> Result<(Enrolment, bool)> {
        let outline = self.outline(slug).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await.map_err(sql)?;
        let created = store::touch_enrolment(&mut tx, caller.user_id, outline.course_id, now).await.map_err(sql)?;
        if created {
            append(&mut tx, caller.user_id, &outline, None, "enrolled", None, now, now).await?;
        }
        let row =
            store::enrolment_in(&mut tx, caller.user_id, outline.course_id).await.map_err(sql)?.ok_or(Error::NotFound("enrolment"))?;
        tx.commit().await.map_err(sql)?;
        Ok((Enrolment { course_slug: outline.slug.clone(), enrolled_at: row.enrolled_at }, created))
    }

    /// Leaves a course; what was done is kept and counts again on return.
    pub async fn leave(&self, caller: &Caller, slug: &str) -> Result<()> {
        let outline = self.outline(slug).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await.map_err(sql)?;
        if store::leave(&mut tx, caller.user_id, outline.course_id, now).await.map_err(sql)? {
            append(&mut tx, caller.user_id, &outline, None, "left", None, now, now).await?;
        }
        tx.commit().await.map_err(sql)?;
        // The next opening enrols again.
        self.recently_opened.lock().unwrap_or_else(|p| p.into_inner()).pop(&(caller.user_id, outline.course_id));
        Ok(())
    }

    /// Marks a lesson read (idempotent); enrols the caller. A completion sent
    /// late from a device's outbox carries its key and the time it was made
    /// (checked by [`Sent::of`]): a key already used records nothing.
    pub async fn complete_lesson(&self, caller: &Caller, lesson: Uuid, lang: &str, receipt: Option<CompletionReceipt>) -> Result<()> {
        let CompletionReceipt { idempotency_key, completed_at } = receipt.unwrap_or_default();
        let sent = Sent::of(idempotency_key, "idempotency_key", completed_at, "completed_at", self.clock.now())?;
        let outline = self.outlines.outline_of_item(lesson).await?.ok_or(Error::NotFound("lesson"))?;
        let is_lesson = outline.items().any(|i| i.id == lesson && i.kind == sanad_platform::learning::ItemKind::Lesson);
        if !is_lesson {
            return Err(Error::NotFound("lesson"));
        }
        self.check_open(caller.user_id, &outline, lesson, lang).await?;
        let event = LearningEvent { user: caller.user_id, item: lesson, activity: Activity::LessonRead, at: sent.at };
        self.group_commit.write(self, outline, event, sent.key).await
    }

    /// Forgets the idempotency keys of completions older than any a device
    /// may still send ([`learning::LATE_AT_MOST`], and a day more for clocks
    /// and sendings under way): such a completion is refused for its time
    /// before its key is looked at, so a key forgotten can never let it count
    /// twice. Every sending now carries a key, so without this the table would
    /// grow by a row per lesson read. Run periodically; how many were forgotten.
    pub async fn prune_idempotency_keys(&self) -> Result<u64> {
        let before = self.clock.now() - learning::LATE_AT_MOST - chrono::TimeDelta::days(1);
        store::delete_keys_before(&self.db, before).await.map_err(sql)
    }

    /// Every course the caller follows, most recent activity first.
    pub async fn mine(&self, caller: &Caller, lang: &str) -> Result<MyProgress> {
        let enrolments = store::enrolments(&self.db, caller.user_id).await.map_err(sql)?;
        let mut done: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
        for (course, item) in store::completed_items_of(&self.db, caller.user_id).await.map_err(sql)? {
            done.entry(course).or_default().insert(item);
        }
        let certificates: HashMap<Uuid, String> =
            store::certificate_codes(&self.db, caller.user_id).await.map_err(sql)?.into_iter().collect();
        let courses: Vec<Uuid> = enrolments.iter().map(|e| e.course_id).collect();
        let outlines: HashMap<Uuid, Arc<CourseOutline>> =
            self.outlines.outlines_by_id(&courses).await?.into_iter().map(|o| (o.course_id, o)).collect();
        let empty = HashSet::new();
        let mut items = Vec::with_capacity(enrolments.len());
        for e in enrolments {
            // A course unpublished since is left out rather than shown empty.
            let Some(outline) = outlines.get(&e.course_id) else { continue };
            let done = done.get(&e.course_id).unwrap_or(&empty);
            items.push(CourseProgressSummary {
                course_slug: outline.slug.clone(),
                course_title: outline.title.pick(lang).to_string(),
                last_activity_at: e.last_activity_at,
                standing: standing(outline, done, e.completed_at, certificates.get(&e.course_id).cloned()),
            });
        }
        Ok(MyProgress { items, next_cursor: None })
    }

    /// The caller's progress in one course (empty when not enrolled).
    pub async fn in_course(&self, caller: &Caller, slug: &str, lang: &str) -> Result<CourseProgress> {
        let outline = self.outline(slug).await?;
        let enrolment = store::enrolment(&self.db, caller.user_id, outline.course_id).await.map_err(sql)?;
        let done: HashSet<Uuid> =
            store::completed_items(&self.db, caller.user_id, outline.course_id).await.map_err(sql)?.into_iter().collect();
        let locked = outline.locked_modules(&done);
        let certificate = store::certificate_code(&self.db, caller.user_id, outline.course_id).await.map_err(sql)?;
        Ok(CourseProgress {
            course_slug: outline.slug.clone(),
            enrolled: enrolment.as_ref().is_some_and(|e| e.left_at.is_none()),
            completed_item_ids: outline.items().filter(|i| done.contains(&i.id)).map(|i| i.id).collect(),
            locked_module_ids: locked.iter().map(|l| l.module).collect(),
            locked_modules: locked
                .iter()
                .map(|l| LockedModuleView {
                    module_id: l.module,
                    requires_module_id: l.waits_for,
                    requires_module_title: outline.module(l.waits_for).map(|m| m.title.pick(lang).to_string()).unwrap_or_default(),
                })
                .collect(),
            standing: standing(&outline, &done, enrolment.and_then(|e| e.completed_at), certificate),
        })
    }

    /// The caller's attestations, newest first.
    pub async fn certificates(&self, caller: &Caller, lang: &str) -> Result<CertificateList> {
        let rows = store::certificates_of(&self.db, caller.user_id).await.map_err(sql)?;
        let items = rows
            .into_iter()
            .map(|c| CertificateSummary {
                course_title: title_of(&c, lang).to_string(),
                code: c.code,
                course_slug: c.course_slug,
                issued_at: c.issued_at,
            })
            .collect();
        Ok(CertificateList { items, next_cursor: None })
    }

    async fn certificate(&self, typed: &str) -> Result<CertificateRow> {
        // A code that cannot be one is as unknown as one never issued.
        let code = AttestationCode::parse(typed).map_err(|_| Error::NotFound("certificate"))?;
        store::certificate(&self.db, code.as_str()).await.map_err(sql)?.ok_or(Error::NotFound("certificate"))
    }

    /// What anyone may check about an attestation, without signing in.
    pub async fn verify(&self, typed: &str, lang: &str) -> Result<CertificateCheck> {
        let c = self.certificate(typed).await?;
        Ok(CertificateCheck {
            course_title: title_of(&c, lang).to_string(),
            code: c.code,
            holder_name: c.holder_name,
            course_title_fr: c.title_fr,
            course_title_ar: c.title_ar,
            course_slug: c.course_slug,
            hours: hours(c.minutes),
            issued_at: c.issued_at,
            valid: c.revoked_at.is_none(),
        })
    }

    /// The attestation as a PDF in French and Arabic, rendered on the blocking pool.
    pub async fn certificate_pdf(&self, typed: &str) -> Result<(String, Vec<u8>)> {
        let c = self.certificate(typed).await?;
        let document = crate::attestation::pdf::AttestationDocument {
            holder_name: c.holder_name.clone(),
            course_title_fr: Some(c.title_fr.clone()),
            course_title_ar: c.title_ar.clone(),
            hours: hours(c.minutes),
            completed_on: c.issued_at.date_naive(),
            code: AttestationCode::parse(&c.code).map_err(|e| Error::Internal(anyhow::anyhow!("stored attestation code: {e:?}")))?,
            verification_url: format!("{}/certificates/{}", self.public_url, c.code),
        };
        let bytes = tokio::task::spawn_blocking(move || crate::attestation::pdf::render(&document))
            .await
            .map_err(|e| Error::Internal(e.into()))?
            .map_err(|e| Error::Internal(anyhow::anyhow!("attestation PDF: {e}")))?;
        Ok((c.code, bytes))
    }

    /// [`LearningRecord::record`], once per `key` when there is one: a key
    /// already used writes nothing.
    pub(crate) async fn record_once(&self, tx: &mut Tx, outline: &CourseOutline, event: &LearningEvent, key: Option<Uuid>) -> Result<()> {
        let Some(key) = key else { return self.record(tx, outline, event).await };
        // The key is claimed after the enrolment's lock, the first write of
        // every progress transaction (nothing is read before it: on SQLite a
        // read first would make the write fail when another writer committed
        // in between), so that two sendings of one key racing each other
        // queue there and the second finds it taken. A key seen again costs
        // that write (last_activity_at never moves back) and nothing else.
        store::note_activity(tx, event.user, outline.course_id, event.at).await.map_err(sql)?;
        if !store::claim_key(tx, event.user, key, self.clock.now()).await.map_err(sql)? {
            return Ok(());
        }
        self.record(tx, outline, event).await
    }

    /// Issues the attestation of a course just completed (once per learner and course).
    async fn issue(&self, tx: &mut Tx, user: Uuid, outline: &CourseOutline) -> Result<()> {
        let holder_name = self.people.people(&[user]).await?.pop().map(|p| p.display_name).unwrap_or_default();
        let row = CertificateRow {
            code: AttestationCode::generate().as_str().to_string(),
            user_id: user,
            course_id: outline.course_id,
            course_version: outline.version,
            course_slug: outline.slug.clone(),
            holder_name,
            title_fr: outline.title.fr.clone(),
            title_ar: outline.title.ar.clone(),
            title_en: outline.title.en.clone(),
            minutes: i64::from(outline.estimated_minutes),
            issued_at: self.clock.now(),
            revoked_at: None,
        };
        store::issue_certificate(tx, &row).await.map_err(sql)?;
        Ok(())
    }
}

/// Where a learner stands, given the items `done`: `completed_at` counts only
/// while every item of the current version is done.
fn standing(outline: &CourseOutline, done: &HashSet<Uuid>, completed_at: Option<DateTime<Utc>>, certificate: Option<String>) -> Standing {
    let total = outline.items().count();
    let completed = outline.done_count(done);
    let resume = outline.resume_item(done);
    Standing {
        completed_items: completed as u32,
        total_items: total as u32,
        percent: percent(completed, total),
        resume_item_id: resume,
        resume_item_kind: resume.and_then(|i| outline.kind_of(i)).map(|k| k.as_str().to_string()),
        completed_at: if outline.complete(done) { completed_at } else { None },
        certificate_code: certificate,
    }
}

fn title_of<'a>(c: &'a CertificateRow, lang: &str) -> &'a str {
    let other = match lang {
        "ar" => c.title_ar.as_deref(),
        "en" => c.title_en.as_deref(),
        _ => None,
    };
    other.filter(|t| !t.is_empty()).unwrap_or(&c.title_fr)
}

#[allow(clippy::too_many_arguments)]
async fn append(
    tx: &mut Tx,
    user: Uuid,
    outline: &CourseOutline,
    item: Option<Uuid>,
    verb: &str,
    result: Option<serde_json::Value>,
    occurred_at: chrono::DateTime<chrono::Utc>,
    recorded_at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let row = EventRow {
        id: sanad_platform::ids::new_id(),
        user,
        course: outline.course_id,
        version: outline.version,
        item,
        verb,
        result: result.map(|r| r.to_string()),
        occurred_at,
        recorded_at,
    };
    store::append_event(tx, &row).await.map_err(sql)
}

/// The verb of the log, the result it carries, and whether it finishes the item.
fn describe(activity: &Activity) -> (&'static str, Option<serde_json::Value>, bool) {
    match activity {
        Activity::Opened => ("opened", None, false),
        Activity::LessonRead => ("completed", None, true),
        Activity::QuizAttempted { score, max_score, passed, questions } => (
            if *passed { "passed" } else { "failed" },
            Some(serde_json::json!({
                "score": score, "max_score": max_score, "success": passed,
                "questions": questions.iter().map(|q| serde_json::json!({"id": q.question, "correct": q.correct})).collect::<Vec<_>>(),
            })),
            *passed,
        ),
        Activity::RunStarted => ("launched", None, false),
        Activity::RunEnded { score, max_score } => ("completed", Some(serde_json::json!({"score": score, "max_score": max_score})), true),
    }
}

#[async_trait]
impl LearningRecord for Progress {
    async fn check_open(&self, user: Uuid, outline: &CourseOutline, item: Uuid, lang: &str) -> Result<()> {
        let Some(module) = outline.module_of(item) else { return Ok(()) };
        if module.requires.is_empty() {
            return Ok(());
        }
        let done: HashSet<Uuid> = store::completed_items(&self.db, user, outline.course_id).await.map_err(sql)?.into_iter().collect();
        match outline.locked_modules(&done).into_iter().find(|l| l.module == module.id) {
            None => Ok(()),
            Some(locked) => {
                let first = outline.module(locked.waits_for).map(|m| m.title.pick(lang).to_string()).unwrap_or_default();
                Err(Error::Locked { module: locked.waits_for, title: first })
            }
        }
    }

    async fn opened(&self, user: Uuid, outline: &CourseOutline, item: Uuid) -> Result<()> {
        let key = (user, outline.course_id);
        {
            let mut seen = self.recently_opened.lock().unwrap_or_else(|p| p.into_inner());
            if seen.get(&key).is_some_and(|at| at.elapsed() < OPENED_MEMORY) {
                return Ok(());
            }
            seen.put(key, Instant::now());
        }
        let event = LearningEvent { user, item, activity: Activity::Opened, at: self.clock.now() };
        self.group_commit.write(self, Arc::new(outline.clone()), event, None).await
    }

    async fn record(&self, tx: &mut Tx, outline: &CourseOutline, event: &LearningEvent) -> Result<()> {
        let now = self.clock.now();
        let completed_version = store::note_activity(tx, event.user, outline.course_id, event.at).await.map_err(sql)?;
        // Before the commit, which is the caller's: the group commit forgets again after its own.
        self.dashboards.forget_member(event.user, outline.course_id);
        let (verb, result, finishes) = describe(&event.activity);
        append(tx, event.user, outline, Some(event.item), verb, result, event.at, now).await?;
        if let Activity::QuizAttempted { score, max_score, questions, .. } = &event.activity {
            store::record_quiz_best(tx, event.user, outline.course_id, event.item, i64::from(*score), i64::from(*max_score))
                .await
                .map_err(sql)?;
            for q in questions {
                store::record_question_outcome(tx, event.user, outline.course_id, event.item, q.question, q.correct).await.map_err(sql)?;
            }
        }
        if !finishes {
            return Ok(());
        }
        let done = Completion { user: event.user, course: outline.course_id, item: event.item, version: outline.version, at: event.at };
        let first_time = store::complete_item(tx, &done).await.map_err(sql)?;
        // The course was completed in this version and this item was already
        // done: nothing the rest could change (completions are never removed).
        if !first_time && completed_version == Some(outline.version) {
            return Ok(());
        }
        let finished: HashSet<Uuid> =
            store::completed_items_in(tx, event.user, outline.course_id).await.map_err(sql)?.into_iter().collect();
        // `completed_version` was read under the enrolment's lock, taken by this transaction's first write.
        if !outline.complete(&finished) || completed_version == Some(outline.version) {
            return Ok(());
        }
        store::mark_course_complete(tx, event.user, outline.course_id, outline.version, event.at).await.map_err(sql)?;
        append(tx, event.user, outline, None, "completed_course", None, event.at, now).await?;
        self.issue(tx, event.user, outline).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_100_only_when_all_is_done_and_hours_round_to_the_nearest() {
        assert_eq!(percent(2, 3), 66);
        assert_eq!(percent(3, 3), 100);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(hours(45), 1);
        assert_eq!(hours(89), 1);
        assert_eq!(hours(90), 2);
        assert_eq!(hours(20), 0);
        assert_eq!(hours(360), 6);
    }
}
