//! SQL of progress, and only SQL.

use chrono::{DateTime, Utc};
use sanad_platform::{Db, Tx, on_db, on_tx};
use uuid::Uuid;

type Sql<T> = Result<T, sqlx::Error>;

/// A learner's enrolment in a course.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub course_id: Uuid,
    pub enrolled_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
    pub last_activity_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_version: Option<i64>,
}

const ENROLMENT_COLUMNS: &str = "course_id, enrolled_at, left_at, last_activity_at, completed_at, completed_version";

/// Enrols `user` (again) in `course`, or marks activity; true when the row is new.
///
/// The first write of every progress transaction: on PostgreSQL it locks the
/// enrolment row, so two completions of one learner in one course queue
/// behind each other and the second sees what the first committed; SQLite
/// holds one writer at a time from here on.
pub async fn touch_enrolment(tx: &mut Tx, user: Uuid, course: Uuid, now: DateTime<Utc>) -> Sql<bool> {
    let created = on_tx!(tx, c => sqlx::query(
        "INSERT INTO enrolments (user_id, course_id, enrolled_at, last_activity_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (user_id, course_id) DO NOTHING")
        .bind(user).bind(course).bind(now).execute(c).await.map(|r| r.rows_affected() == 1))?;
    // Always an UPDATE as well: it takes the row lock on PostgreSQL even when the row is new.
    on_tx!(tx, c => sqlx::query("UPDATE enrolments SET last_activity_at = $3, left_at = NULL WHERE user_id = $1 AND course_id = $2")
        .bind(user).bind(course).bind(now).execute(c).await.map(|_| ()))?;
    Ok(created)
}

/// Marks activity on the enrolment of `user` in `course` (enrolling them
/// again if need be) and returns the version the course was last completed in.
///
/// The first write of every transaction that records a learning event, with
/// the same effect as [`touch_enrolment`] in one statement: it takes the
/// enrolment row's lock on PostgreSQL (an upsert locks the row it updates or
/// inserts), and the write lock on SQLite, before anything is read.
pub async fn note_activity(tx: &mut Tx, user: Uuid, course: Uuid, now: DateTime<Utc>) -> Sql<Option<i64>> {
    on_tx!(tx, c => sqlx::query_scalar::<_, Option<i64>>(
        "INSERT INTO enrolments (user_id, course_id, enrolled_at, last_activity_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (user_id, course_id) DO UPDATE SET left_at = NULL, last_activity_at = \
         CASE WHEN enrolments.last_activity_at > $3 THEN enrolments.last_activity_at ELSE $3 END RETURNING completed_version")
        .bind(user).bind(course).bind(now).fetch_one(c).await)
}

/// Notes `key` as used by `user`; false when it already was.
pub async fn claim_key(tx: &mut Tx, user: Uuid, key: Uuid, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO progress_idempotency_keys (user_id, idempotency_key, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, idempotency_key) DO NOTHING")
        .bind(user).bind(key).bind(now).execute(c).await.map(|r| r.rows_affected() == 1))
}

/// Forgets the idempotency keys first used before `before`; how many.
pub async fn delete_keys_before(db: &Db, before: DateTime<Utc>) -> Sql<u64> {
    on_db!(db, c => sqlx::query("DELETE FROM progress_idempotency_keys WHERE created_at < $1")
        .bind(before).execute(c).await.map(|r| r.rows_affected()))
}

/// Marks the enrolment left (progress is kept); false when there was none.
pub async fn leave(tx: &mut Tx, user: Uuid, course: Uuid, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query("UPDATE enrolments SET left_at = $3 WHERE user_id = $1 AND course_id = $2")
        .bind(user).bind(course).bind(now).execute(c).await.map(|r| r.rows_affected() > 0))
}

/// One enrolment.
pub async fn enrolment(db: &Db, user: Uuid, course: Uuid) -> Sql<Option<EnrolmentRow>> {
    let sql = format!("SELECT {ENROLMENT_COLUMNS} FROM enrolments WHERE user_id = $1 AND course_id = $2");
    on_db!(db, c => sqlx::query_as::<_, EnrolmentRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(user).bind(course).fetch_optional(c).await)
}

/// The same, inside a transaction.
pub async fn enrolment_in(tx: &mut Tx, user: Uuid, course: Uuid) -> Sql<Option<EnrolmentRow>> {
    let sql = format!("SELECT {ENROLMENT_COLUMNS} FROM enrolments WHERE user_id = $1 AND course_id = $2");
    on_tx!(tx, c => sqlx::query_as::<_, EnrolmentRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(user).bind(course).fetch_optional(c).await)
}

/// The courses `user` follows (not left), most recent activity first.
pub async fn enrolments(db: &Db, user: Uuid) -> Sql<Vec<EnrolmentRow>> {
    let sql = format!(
        "SELECT {ENROLMENT_COLUMNS} FROM enrolments WHERE user_id = $1 AND left_at IS NULL ORDER BY last_activity_at DESC, course_id"
    );
    on_db!(db, c => sqlx::query_as::<_, EnrolmentRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(user).fetch_all(c).await)
}

/// Records the course complete for `version`.
pub async fn mark_course_complete(tx: &mut Tx, user: Uuid, course: Uuid, version: i64, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE enrolments SET completed_at = $3, completed_version = $4 WHERE user_id = $1 AND course_id = $2")
        .bind(user).bind(course).bind(now).bind(version).execute(c).await.map(|_| ()))
}

/// A finished item.
#[derive(Debug)]
pub struct Completion {
    pub user: Uuid,
    pub course: Uuid,
    pub item: Uuid,
    pub version: i64,
    pub at: DateTime<Utc>,
}

/// Records an item finished; false when it already was.
pub async fn complete_item(tx: &mut Tx, done: &Completion) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO item_completions (user_id, course_id, item_id, course_version, completed_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, item_id) DO NOTHING")
        .bind(done.user).bind(done.course).bind(done.item).bind(done.version).bind(done.at)
        .execute(c).await.map(|r| r.rows_affected() == 1))
}

/// The items of `course` that `user` has finished.
pub async fn completed_items(db: &Db, user: Uuid, course: Uuid) -> Sql<Vec<Uuid>> {
    on_db!(db, c => sqlx::query_scalar::<_, Uuid>("SELECT item_id FROM item_completions WHERE user_id = $1 AND course_id = $2")
        .bind(user).bind(course).fetch_all(c).await)
}

/// The same, inside a transaction (after the enrolment lock).
pub async fn completed_items_in(tx: &mut Tx, user: Uuid, course: Uuid) -> Sql<Vec<Uuid>> {
    on_tx!(tx, c => sqlx::query_scalar::<_, Uuid>("SELECT item_id FROM item_completions WHERE user_id = $1 AND course_id = $2")
        .bind(user).bind(course).fetch_all(c).await)
}

/// The items `user` has finished in any of `courses`, as (course, item).
pub async fn completed_items_of(db: &Db, user: Uuid) -> Sql<Vec<(Uuid, Uuid)>> {
    on_db!(db, c => sqlx::query_as::<_, (Uuid, Uuid)>("SELECT course_id, item_id FROM item_completions WHERE user_id = $1")
        .bind(user).fetch_all(c).await)
}

/// A learning event as stored.
#[derive(Debug)]
pub struct EventRow<'a> {
    pub id: Uuid,
    pub user: Uuid,
    pub course: Uuid,
    pub version: i64,
    pub item: Option<Uuid>,
    pub verb: &'a str,
    pub result: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
}

/// Appends one event to the log.
pub async fn append_event(tx: &mut Tx, e: &EventRow<'_>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO learning_events (id, user_id, course_id, course_version, item_id, verb, result, occurred_at, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(e.id).bind(e.user).bind(e.course).bind(e.version).bind(e.item).bind(e.verb).bind(e.result.as_deref())
        .bind(e.occurred_at).bind(e.recorded_at)
        .execute(c).await.map(|_| ()))
}

/// Keeps the best score of a quiz and counts the attempt.
pub async fn record_quiz_best(tx: &mut Tx, user: Uuid, course: Uuid, quiz: Uuid, score: i64, max: i64) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO quiz_bests (user_id, course_id, quiz_id, best_score, max_score, attempts) VALUES ($1, $2, $3, $4, $5, 1) \
         ON CONFLICT (user_id, quiz_id) DO UPDATE SET attempts = quiz_bests.attempts + 1, max_score = $5, \
         best_score = CASE WHEN $4 > quiz_bests.best_score THEN $4 ELSE quiz_bests.best_score END")
        .bind(user).bind(course).bind(quiz).bind(score).bind(max).execute(c).await.map(|_| ()))
}

/// Counts one answer to a question, right or not.
pub async fn record_question_outcome(tx: &mut Tx, user: Uuid, course: Uuid, quiz: Uuid, question: Uuid, correct: bool) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO question_outcomes (user_id, course_id, quiz_id, question_id, attempts, correct) VALUES ($1, $2, $3, $4, 1, $5) \
         ON CONFLICT (user_id, question_id) DO UPDATE SET attempts = question_outcomes.attempts + 1, \
         correct = question_outcomes.correct + $5")
        .bind(user).bind(course).bind(quiz).bind(question).bind(i64::from(correct)).execute(c).await.map(|_| ()))
}

/// An attestation as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CertificateRow {
    pub code: String,
    pub user_id: Uuid,
    pub course_id: Uuid,
    pub course_version: i64,
    pub course_slug: String,
    pub holder_name: String,
    pub title_fr: String,
    pub title_ar: Option<String>,
    pub title_en: Option<String>,
    pub minutes: i64,
    pub issued_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const CERTIFICATE_COLUMNS: &str = "code, user_id, course_id, course_version, course_slug, holder_name, title_fr, title_ar, title_en, \
                                   minutes, issued_at, revoked_at";

/// Issues an attestation unless `user` already holds one for the course; true when issued.
pub async fn issue_certificate(tx: &mut Tx, cert: &CertificateRow) -> Sql<bool> {
    let sql = format!(
        "INSERT INTO certificates ({CERTIFICATE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (user_id, course_id) DO NOTHING"
    );
    on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(&cert.code).bind(cert.user_id).bind(cert.course_id).bind(cert.course_version).bind(&cert.course_slug)
        .bind(&cert.holder_name).bind(&cert.title_fr).bind(cert.title_ar.as_deref()).bind(cert.title_en.as_deref())
        .bind(cert.minutes).bind(cert.issued_at).bind(cert.revoked_at)
        .execute(c).await.map(|r| r.rows_affected() == 1))
}

/// The attestation with this code.
pub async fn certificate(db: &Db, code: &str) -> Sql<Option<CertificateRow>> {
    let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE code = $1");
    on_db!(db, c => sqlx::query_as::<_, CertificateRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(code).fetch_optional(c).await)
}

/// The code of the attestation `user` holds for `course`, if any.
pub async fn certificate_code(db: &Db, user: Uuid, course: Uuid) -> Sql<Option<String>> {
    on_db!(db, c => sqlx::query_scalar::<_, String>("SELECT code FROM certificates WHERE user_id = $1 AND course_id = $2")
        .bind(user).bind(course).fetch_optional(c).await)
}

/// The codes of the attestations `user` holds, as (course, code).
pub async fn certificate_codes(db: &Db, user: Uuid) -> Sql<Vec<(Uuid, String)>> {
    on_db!(db, c => sqlx::query_as::<_, (Uuid, String)>("SELECT course_id, code FROM certificates WHERE user_id = $1")
        .bind(user).fetch_all(c).await)
}

/// The attestations `user` holds, newest first.
pub async fn certificates_of(db: &Db, user: Uuid) -> Sql<Vec<CertificateRow>> {
    let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE user_id = $1 ORDER BY issued_at DESC, code");
    on_db!(db, c => sqlx::query_as::<_, CertificateRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(user).fetch_all(c).await)
}
