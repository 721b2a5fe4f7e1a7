//! SQL of cohorts, and only SQL.

use chrono::{DateTime, NaiveDate, Utc};
use sanad_platform::{Db, Tx, on_db, on_tx};
use uuid::Uuid;

type Sql<T> = Result<T, sqlx::Error>;

/// A cohort as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CohortRow {
    pub id: Uuid,
    pub course_id: Uuid,
    pub trainer_id: Uuid,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

const COHORT_COLUMNS: &str = "id, course_id, trainer_id, title, starts_on, ends_on, created_at";

pub async fn insert(db: &Db, c: &CohortRow) -> Sql<()> {
    let sql = format!("INSERT INTO cohorts ({COHORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)");
    on_db!(db, x => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(c.id).bind(c.course_id).bind(c.trainer_id).bind(&c.title).bind(c.starts_on).bind(c.ends_on).bind(c.created_at)
        .execute(x).await.map(|_| ()))
}

pub async fn cohort(db: &Db, id: Uuid) -> Sql<Option<CohortRow>> {
    let sql = format!("SELECT {COHORT_COLUMNS} FROM cohorts WHERE id = $1");
    on_db!(db, x => sqlx::query_as::<_, CohortRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(x).await)
}

/// Cohorts run by `trainer` (every cohort when `trainer` is `None`), newest first, after the keyset `before`.
pub async fn cohorts(db: &Db, trainer: Option<Uuid>, before: Option<Uuid>, limit: i64) -> Sql<Vec<CohortRow>> {
    let sql = format!(
        "SELECT {COHORT_COLUMNS} FROM cohorts WHERE ($1 IS NULL OR trainer_id = $1) AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
    );
    on_db!(db, x => sqlx::query_as::<_, CohortRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(trainer).bind(before).bind(limit).fetch_all(x).await)
}

/// Adds a member; false when already one.
pub async fn add_member(tx: &mut Tx, cohort: Uuid, user: Uuid, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, x => sqlx::query(
        "INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES ($1, $2, $3) ON CONFLICT (cohort_id, user_id) DO NOTHING")
        .bind(cohort).bind(user).bind(now).execute(x).await.map(|r| r.rows_affected() == 1))
}

/// Records an invitation; false when the address was already invited.
pub async fn invite(tx: &mut Tx, cohort: Uuid, email: &str, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, x => sqlx::query(
        "INSERT INTO cohort_invitations (cohort_id, email_normalized, invited_at) VALUES ($1, $2, $3) \
         ON CONFLICT (cohort_id, email_normalized) DO NOTHING")
        .bind(cohort).bind(email).bind(now).execute(x).await.map(|r| r.rows_affected() == 1))
}

/// Turns the invitations of `email` into memberships of `user`; returns how many.
pub async fn claim_invitations(tx: &mut Tx, user: Uuid, email: &str, now: DateTime<Utc>) -> Sql<u64> {
    let added = on_tx!(tx, x => sqlx::query(
        "INSERT INTO cohort_members (cohort_id, user_id, added_at) \
         SELECT cohort_id, $1, $3 FROM cohort_invitations WHERE email_normalized = $2 \
         ON CONFLICT (cohort_id, user_id) DO NOTHING")
        .bind(user).bind(email).bind(now).execute(x).await.map(|r| r.rows_affected()))?;
    on_tx!(tx, x => sqlx::query("DELETE FROM cohort_invitations WHERE email_normalized = $1").bind(email).execute(x).await.map(|_| ()))?;
    Ok(added)
}

/// Addresses invited and not registered yet.
pub async fn pending_invitations(db: &Db, cohort: Uuid) -> Sql<Vec<String>> {
    on_db!(db, x => sqlx::query_scalar::<_, String>(
        "SELECT email_normalized FROM cohort_invitations WHERE cohort_id = $1 ORDER BY email_normalized")
        .bind(cohort).fetch_all(x).await)
}

/// A member with what the dashboard shows of their progress in the cohort's course.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub added_at: DateTime<Utc>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub idle_reminded_at: Option<DateTime<Utc>>,
}

/// The members of a cohort with their last activity in `course`.
pub async fn members(db: &Db, cohort: Uuid, course: Uuid) -> Sql<Vec<MemberRow>> {
    on_db!(db, x => sqlx::query_as::<_, MemberRow>(
        "SELECT m.user_id, m.added_at, e.last_activity_at, m.idle_reminded_at FROM cohort_members m \
         LEFT JOIN enrolments e ON e.user_id = m.user_id AND e.course_id = $2 \
         WHERE m.cohort_id = $1 ORDER BY m.added_at, m.user_id")
        .bind(cohort).bind(course).fetch_all(x).await)
}

/// A member with their progress in the cohort's course, counted in the database.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberCountRow {
    pub user_id: Uuid,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub idle_reminded_at: Option<DateTime<Utc>>,
    /// How many of `items` the member has finished.
    pub done: i64,
}

/// At most this many items are counted in the database, one bound value each
/// ([`members_counted`]); a longer course counts in memory.
pub const MAX_COUNTED_ITEMS: usize = 500;

/// The members of a cohort with their last activity in `course` and how many
/// of `items` (the current version's, at most [`MAX_COUNTED_ITEMS`]) each has finished.
pub async fn members_counted(db: &Db, cohort: Uuid, course: Uuid, items: &[Uuid]) -> Sql<Vec<MemberCountRow>> {
    let done = if items.is_empty() {
        "0".to_string()
    } else {
        let marks: Vec<String> = (3..3 + items.len()).map(|i| format!("${i}")).collect();
        format!(
            "(SELECT COUNT(*) FROM item_completions c WHERE c.user_id = m.user_id AND c.course_id = $2 AND c.item_id IN ({}))",
            marks.join(", ")
        )
    };
    let sql = format!(
        "SELECT m.user_id, e.last_activity_at, m.idle_reminded_at, CAST({done} AS BIGINT) AS done FROM cohort_members m \
         LEFT JOIN enrolments e ON e.user_id = m.user_id AND e.course_id = $2 \
         WHERE m.cohort_id = $1 ORDER BY m.added_at, m.user_id"
    );
    on_db!(db, x => {
        let mut q = sqlx::query_as::<_, MemberCountRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(cohort).bind(course);
        for item in items {
            q = q.bind(*item);
        }
        q.fetch_all(x).await
    })
}

/// Items of `course` each member of `cohort` has finished, as (user, item).
pub async fn member_completions(db: &Db, cohort: Uuid, course: Uuid) -> Sql<Vec<(Uuid, Uuid)>> {
    on_db!(db, x => sqlx::query_as::<_, (Uuid, Uuid)>(
        "SELECT c.user_id, c.item_id FROM item_completions c JOIN cohort_members m ON m.user_id = c.user_id \
         WHERE m.cohort_id = $1 AND c.course_id = $2")
        .bind(cohort).bind(course).fetch_all(x).await)
}

/// Best quiz scores of the members, as (user, quiz, best, max, attempts).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BestRow {
    pub user_id: Uuid,
    pub quiz_id: Uuid,
    pub best_score: i64,
    pub max_score: i64,
    pub attempts: i64,
}

pub async fn member_bests(db: &Db, cohort: Uuid, course: Uuid) -> Sql<Vec<BestRow>> {
    on_db!(db, x => sqlx::query_as::<_, BestRow>(
        "SELECT b.user_id, b.quiz_id, b.best_score, b.max_score, b.attempts FROM quiz_bests b \
         JOIN cohort_members m ON m.user_id = b.user_id WHERE m.cohort_id = $1 AND b.course_id = $2")
        .bind(cohort).bind(course).fetch_all(x).await)
}

/// Answers of the members per question.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QuestionRow {
    pub quiz_id: Uuid,
    pub question_id: Uuid,
    pub attempts: i64,
    pub correct: i64,
}

pub async fn question_totals(db: &Db, cohort: Uuid, course: Uuid) -> Sql<Vec<QuestionRow>> {
    on_db!(db, x => sqlx::query_as::<_, QuestionRow>(
        "SELECT o.quiz_id, o.question_id, CAST(SUM(o.attempts) AS BIGINT) AS attempts, CAST(SUM(o.correct) AS BIGINT) AS correct \
         FROM question_outcomes o JOIN cohort_members m ON m.user_id = o.user_id \
         WHERE m.cohort_id = $1 AND o.course_id = $2 GROUP BY o.quiz_id, o.question_id")
        .bind(cohort).bind(course).fetch_all(x).await)
}

/// Marks a member reminded of their idleness unless reminded since `since`; true when this call did it.
pub async fn mark_idle_reminded(tx: &mut Tx, cohort: Uuid, user: Uuid, since: DateTime<Utc>, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, x => sqlx::query(
        "UPDATE cohort_members SET idle_reminded_at = $4 WHERE cohort_id = $1 AND user_id = $2 \
         AND (idle_reminded_at IS NULL OR idle_reminded_at < $3)")
        .bind(cohort).bind(user).bind(since).bind(now).execute(x).await.map(|r| r.rows_affected() == 1))
}

/// A member of a cohort that ended before `ended_before` who recorded no field
/// session since its end and was never reminded.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowUpDue {
    pub cohort_id: Uuid,
    pub user_id: Uuid,
    pub title: String,
}

pub async fn follow_ups_due(db: &Db, ended_before: NaiveDate, limit: i64) -> Sql<Vec<FollowUpDue>> {
    on_db!(db, x => sqlx::query_as::<_, FollowUpDue>(
        "SELECT m.cohort_id, m.user_id, c.title FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id \
         WHERE c.ends_on < $1 AND m.followup_reminded_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM field_sessions f WHERE f.user_id = m.user_id AND f.held_on >= c.ends_on) \
         ORDER BY c.ends_on, m.cohort_id, m.user_id LIMIT $2")
        .bind(ended_before).bind(limit).fetch_all(x).await)
}

/// Claims one follow-up reminder: true for exactly one caller across instances.
pub async fn claim_follow_up(tx: &mut Tx, cohort: Uuid, user: Uuid, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, x => sqlx::query(
        "UPDATE cohort_members SET followup_reminded_at = $3 WHERE cohort_id = $1 AND user_id = $2 AND followup_reminded_at IS NULL")
        .bind(cohort).bind(user).bind(now).execute(x).await.map(|r| r.rows_affected() == 1))
}
