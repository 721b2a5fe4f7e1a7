//! SQL of courses, and only SQL.

use chrono::{DateTime, Utc};
use sanad_platform::{Db, Tx, on_db, on_tx};
use uuid::Uuid;

use crate::content::Part;

type Sql<T> = Result<T, sqlx::Error>;

/// A course row (without the draft document).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CourseRow {
    pub id: Uuid,
    pub slug: String,
    pub owner_id: Option<Uuid>,
    pub theme: String,
    pub revision: i64,
    pub published_version: Option<i64>,
    pub published_revision: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

const COURSE_COLUMNS: &str = "id, slug, owner_id, theme, revision, published_version, published_revision, published_at, updated_at";

pub async fn course_by_slug(db: &Db, slug: &str) -> Sql<Option<CourseRow>> {
    let sql = format!("SELECT {COURSE_COLUMNS} FROM courses WHERE slug = $1");
    on_db!(db, c => sqlx::query_as::<_, CourseRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(slug).fetch_optional(c).await)
}

pub async fn course_by_id(db: &Db, id: Uuid) -> Sql<Option<CourseRow>> {
    let sql = format!("SELECT {COURSE_COLUMNS} FROM courses WHERE id = $1");
    on_db!(db, c => sqlx::query_as::<_, CourseRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)
}

/// The courses among `ids` (missing ones are left out), in one query per 500 ids.
pub async fn courses_by_ids(db: &Db, ids: &[Uuid]) -> Sql<Vec<CourseRow>> {
    sanad_platform::db::fetch_by_ids(db, ids, |marks| format!("SELECT {COURSE_COLUMNS} FROM courses WHERE id IN ({marks})")).await
}

pub async fn count_courses(db: &Db) -> Sql<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM courses").fetch_one(c).await)
}

/// Published courses, oldest first after `after`, optionally of a theme and matching a folded search text.
pub async fn published_courses(
    db: &Db,
    theme: Option<&str>,
    pattern: Option<&str>,
    after: Option<Uuid>,
    limit: i64,
) -> Sql<Vec<CourseRow>> {
    let sql = format!(
        "SELECT {COURSE_COLUMNS} FROM courses WHERE published_version IS NOT NULL \
         AND ($1 IS NULL OR theme = $1) AND ($2 IS NULL OR search_text LIKE $2) AND ($3 IS NULL OR id > $3) \
         ORDER BY id LIMIT $4"
    );
    on_db!(db, c => sqlx::query_as::<_, CourseRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(theme).bind(pattern).bind(after).bind(limit).fetch_all(c).await)
}

/// Courses `user` owns or co-authors (every course when `all`).
pub async fn editable_courses(db: &Db, user: Uuid, all: bool) -> Sql<Vec<CourseRow>> {
    let sql = format!(
        "SELECT {COURSE_COLUMNS} FROM courses WHERE $2 OR owner_id = $1 \
         OR id IN (SELECT course_id FROM course_coauthors WHERE user_id = $1) ORDER BY updated_at DESC"
    );
    on_db!(db, c => sqlx::query_as::<_, CourseRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(user).bind(all).fetch_all(c).await)
}

pub async fn draft(db: &Db, course: Uuid) -> Sql<Option<String>> {
    on_db!(db, c => sqlx::query_scalar::<_, String>("SELECT draft FROM courses WHERE id = $1").bind(course).fetch_optional(c).await)
}

pub async fn version_content(db: &Db, course: Uuid, version: i64) -> Sql<Option<String>> {
    on_db!(db, c => sqlx::query_scalar::<_, String>("SELECT content FROM course_versions WHERE course_id = $1 AND version = $2")
        .bind(course).bind(version).fetch_optional(c).await)
}

/// A new course's row.
#[derive(Debug)]
pub struct NewCourseRow<'a> {
    pub id: Uuid,
    pub slug: &'a str,
    pub owner_id: Option<Uuid>,
    pub theme: &'a str,
    pub draft: &'a str,
    pub now: DateTime<Utc>,
}

pub async fn insert_course(tx: &mut Tx, row: &NewCourseRow<'_>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO courses (id, slug, owner_id, theme, draft, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)")
        .bind(row.id).bind(row.slug).bind(row.owner_id).bind(row.theme).bind(row.draft).bind(row.now)
        .execute(c).await.map(|_| ()))
}

/// Saves a draft if nobody saved another since `revision`; false when someone did.
pub async fn save_draft(tx: &mut Tx, course: Uuid, revision: i64, theme: &str, draft: &str, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE courses SET draft = $3, theme = $4, revision = revision + 1, updated_at = $5 WHERE id = $1 AND revision = $2")
        .bind(course).bind(revision).bind(draft).bind(theme).bind(now)
        .execute(c).await.map(|r| r.rows_affected() == 1))
}

/// Records which course each draft part belongs to (replacing the previous list).
pub async fn set_draft_parts(tx: &mut Tx, course: Uuid, parts: &[Part]) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM course_draft_parts WHERE course_id = $1").bind(course).execute(&mut *c).await.map(|_| ()))?;
    for part in parts {
        on_tx!(tx, c => sqlx::query("INSERT INTO course_draft_parts (part_id, course_id, kind) VALUES ($1, $2, $3)")
            .bind(part.id).bind(course).bind(part.kind).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

pub async fn course_of_part(db: &Db, part: Uuid) -> Sql<Option<Uuid>> {
    on_db!(db, c => sqlx::query_scalar::<_, Uuid>("SELECT course_id FROM course_draft_parts WHERE part_id = $1").bind(part).fetch_optional(c).await)
}

/// A version to publish.
#[derive(Debug)]
pub struct NewVersion<'a> {
    pub course: Uuid,
    pub version: i64,
    /// The draft revision it was made from.
    pub revision: i64,
    pub content: &'a str,
    /// Folded title and summary, for the catalogue's search.
    pub search_text: &'a str,
    pub items: &'a [Part],
    pub by: Option<Uuid>,
    pub now: DateTime<Utc>,
}

/// Stores a new published version and makes it current.
pub async fn publish(tx: &mut Tx, v: &NewVersion<'_>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO course_versions (course_id, version, content, published_at, published_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(v.course).bind(v.version).bind(v.content).bind(v.now).bind(v.by).execute(&mut *c).await.map(|_| ()))?;
    on_tx!(tx, c => sqlx::query(
        "UPDATE courses SET published_version = $2, published_revision = $3, published_at = $4, search_text = $5 WHERE id = $1")
        .bind(v.course).bind(v.version).bind(v.revision).bind(v.now).bind(v.search_text).execute(&mut *c).await.map(|_| ()))?;
    on_tx!(tx, c => sqlx::query("DELETE FROM published_items WHERE course_id = $1").bind(v.course).execute(&mut *c).await.map(|_| ()))?;
    for item in v.items {
        on_tx!(tx, c => sqlx::query("INSERT INTO published_items (item_id, course_id, version, kind) VALUES ($1, $2, $3, $4)")
            .bind(item.id).bind(v.course).bind(v.version).bind(item.kind).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Where a published item lives.
#[derive(Debug, sqlx::FromRow)]
pub struct PublishedItem {
    pub course_id: Uuid,
    pub version: i64,
    /// `lesson`, `quiz` or `case_study`.
    pub kind: String,
}

/// The course and version where a published item lives.
pub async fn published_item(db: &Db, item: Uuid) -> Sql<Option<PublishedItem>> {
    on_db!(db, c => sqlx::query_as::<_, PublishedItem>("SELECT course_id, version, kind FROM published_items WHERE item_id = $1")
        .bind(item).fetch_optional(c).await)
}

pub async fn coauthors(db: &Db, course: Uuid) -> Sql<Vec<Uuid>> {
    on_db!(db, c => sqlx::query_scalar::<_, Uuid>("SELECT user_id FROM course_coauthors WHERE course_id = $1 ORDER BY user_id")
        .bind(course).fetch_all(c).await)
}

pub async fn is_coauthor(db: &Db, course: Uuid, user: Uuid) -> Sql<bool> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM course_coauthors WHERE course_id = $1 AND user_id = $2")
        .bind(course).bind(user).fetch_one(c).await.map(|n| n > 0))
}

pub async fn add_coauthor(db: &Db, course: Uuid, user: Uuid) -> Sql<()> {
    on_db!(db, c => sqlx::query("INSERT INTO course_coauthors (course_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(course).bind(user).execute(c).await.map(|_| ()))
}

pub async fn remove_coauthor(db: &Db, course: Uuid, user: Uuid) -> Sql<bool> {
    on_db!(db, c => sqlx::query("DELETE FROM course_coauthors WHERE course_id = $1 AND user_id = $2")
        .bind(course).bind(user).execute(c).await.map(|r| r.rows_affected() > 0))
}

pub async fn count_attempts(db: &Db, quiz: Uuid, user: Uuid) -> Sql<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM quiz_attempts WHERE quiz_id = $1 AND user_id = $2")
        .bind(quiz).bind(user).fetch_one(c).await)
}

/// A stored quiz attempt.
#[derive(Debug)]
pub struct AttemptRow<'a> {
    pub id: Uuid,
    pub quiz_id: Uuid,
    pub user_id: Uuid,
    pub course_id: Uuid,
    pub version: i64,
    pub score: i64,
    pub max_score: i64,
    pub passed: bool,
    pub answers: &'a str,
    /// The key a device's outbox sent it with, if any.
    pub idempotency_key: Option<Uuid>,
    pub now: DateTime<Utc>,
}

/// What became of an attempt to record.
pub enum AttemptRecorded {
    /// Recorded: the attempts used with it.
    Counted(i64),
    /// None was left.
    NoneLeft,
    /// The learner's device sent this key before (the transaction must be rolled back).
    KeyTaken,
}

/// An attempt a learner's device sent with an idempotency key.
#[derive(Debug, sqlx::FromRow)]
pub struct KeyedAttempt {
    pub id: Uuid,
    pub quiz_id: Uuid,
    pub score: i64,
    pub max_score: i64,
    pub passed: bool,
    pub answers: String,
}

/// The attempt `user`'s device sent with `key`, if any.
pub async fn attempt_by_key(db: &Db, user: Uuid, key: Uuid) -> Sql<Option<KeyedAttempt>> {
    on_db!(db, c => sqlx::query_as::<_, KeyedAttempt>(
        "SELECT id, quiz_id, score, max_score, passed <> 0 AS passed, answers FROM quiz_attempts WHERE user_id = $1 AND idempotency_key = $2")
        .bind(user).bind(key).fetch_optional(c).await)
}

/// Whether `user` has passed this quiz in some attempt.
pub async fn has_passed(db: &Db, quiz: Uuid, user: Uuid) -> Sql<bool> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM quiz_attempts WHERE quiz_id = $1 AND user_id = $2 AND passed = 1")
        .bind(quiz).bind(user).fetch_one(c).await.map(|n| n > 0))
}

/// Records an attempt if the learner has fewer than `max` (counting it and
/// inserting it in the caller's transaction, which must roll back unless
/// [`AttemptRecorded::Counted`]).
///
/// The count is a row per (quiz, learner) bumped by one conditional upsert:
/// PostgreSQL locks that row, so parallel submissions queue behind each other
/// and each sees the count the previous one left; SQLite runs one writer at a
/// time. Either way no more than `max` attempts are ever recorded, and a key
/// sent twice (unique per learner) records one.
pub async fn record_attempt(tx: &mut Tx, a: &AttemptRow<'_>, max: i64) -> Sql<AttemptRecorded> {
    let used = on_tx!(tx, c => sqlx::query_scalar::<_, i64>(
        "INSERT INTO quiz_attempt_counts (quiz_id, user_id, used) VALUES ($1, $2, 1) \
         ON CONFLICT (quiz_id, user_id) DO UPDATE SET used = quiz_attempt_counts.used + 1 \
         WHERE quiz_attempt_counts.used < $3 RETURNING used")
        .bind(a.quiz_id).bind(a.user_id).bind(max).fetch_optional(c).await)?;
    let Some(used) = used else { return Ok(AttemptRecorded::NoneLeft) };
    let inserted = on_tx!(tx, c => sqlx::query(
        "INSERT INTO quiz_attempts (id, quiz_id, user_id, course_id, version, score, max_score, passed, answers, idempotency_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(a.id).bind(a.quiz_id).bind(a.user_id).bind(a.course_id).bind(a.version).bind(a.score).bind(a.max_score)
        .bind(i64::from(a.passed)).bind(a.answers).bind(a.idempotency_key).bind(a.now)
        .execute(c).await.map(|_| ()));
    match inserted {
        Ok(_) => Ok(AttemptRecorded::Counted(used)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(AttemptRecorded::KeyTaken),
        Err(e) => Err(e),
    }
}

/// A case-study run.
#[derive(Debug, sqlx::FromRow)]
pub struct RunRow {
    pub id: Uuid,
    pub case_study_id: Uuid,
    pub user_id: Uuid,
    pub course_id: Uuid,
    pub version: i64,
    pub current_key: String,
    pub score: i64,
    pub steps: String,
    pub ending_key: Option<String>,
}

/// Inserts `run`; false when a run with its id exists already (a device's
/// outbox sending the run it started offline a second time).
pub async fn insert_run(db: &Db, run: &RunRow, now: DateTime<Utc>) -> Sql<bool> {
    on_db!(db, c => sqlx::query(
        "INSERT INTO case_study_runs (id, case_study_id, user_id, course_id, version, current_key, score, steps, started_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, '[]', $7) ON CONFLICT (id) DO NOTHING")
        .bind(run.id).bind(run.case_study_id).bind(run.user_id).bind(run.course_id).bind(run.version).bind(&run.current_key).bind(now)
        .execute(c).await.map(|r| r.rows_affected() == 1))
}

pub async fn run(db: &Db, id: Uuid) -> Sql<Option<RunRow>> {
    on_db!(db, c => sqlx::query_as::<_, RunRow>(
        "SELECT id, case_study_id, user_id, course_id, version, current_key, score, steps, ending_key FROM case_study_runs WHERE id = $1")
        .bind(id).fetch_optional(c).await)
}

/// Moves a run on from `from_key`; false when it was moved meanwhile (a double click).
#[allow(clippy::too_many_arguments)]
pub async fn advance_run(
    tx: &mut Tx,
    id: Uuid,
    from_key: &str,
    to_key: &str,
    score: i64,
    steps: &str,
    ending: Option<&str>,
    now: DateTime<Utc>,
) -> Sql<bool> {
    let ended_at = ending.map(|_| now);
    on_tx!(tx, c => sqlx::query(
        "UPDATE case_study_runs SET current_key = $3, score = $4, steps = $5, ending_key = $6, ended_at = $7 \
         WHERE id = $1 AND current_key = $2 AND ending_key IS NULL")
        .bind(id).bind(from_key).bind(to_key).bind(score).bind(steps).bind(ending).bind(ended_at)
        .execute(c).await.map(|r| r.rows_affected() == 1))
}
