//! SQL of the edit history: the earlier texts of a post, and their redaction.

use chrono::{DateTime, Utc};
use sanad_platform::{Db, Tx, on_db, on_tx};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::Sql;

/// An earlier text of a post: `body` was replaced at `created_at` by an
/// edit of `edited_by` (with the edit's `note`), and may since have been
/// redacted.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RevisionRow {
    pub id: Uuid,
    pub post_id: Uuid,
    pub body: String,
    /// The topic's earlier title, on a revision kept by a title edit.
    pub title: Option<String>,
    pub edited_by: Uuid,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub redacted_by: Option<Uuid>,
    pub redacted_at: Option<DateTime<Utc>>,
    pub redaction_note: Option<String>,
}

const REVISION_SELECT: &str =
    "SELECT id, post_id, body, title, edited_by, note, created_at, redacted_by, redacted_at, redaction_note FROM forum_revisions";

/// A post's revisions after `after`, oldest first.
pub async fn revisions_page(db: &Db, post: Uuid, after: Option<Uuid>, fetch: i64) -> Sql<Vec<RevisionRow>> {
    let sql = format!("{REVISION_SELECT} WHERE post_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3");
    on_db!(db, c => sqlx::query_as::<_, RevisionRow>(AssertSqlSafe(sql.as_str())).bind(post).bind(after).bind(fetch).fetch_all(c).await)
}

/// The revision of `post` just before `id` (whose edit wrote the text of `id`).
pub async fn revision_before(db: &Db, post: Uuid, id: Uuid) -> Sql<Option<RevisionRow>> {
    let sql = format!("{REVISION_SELECT} WHERE post_id = $1 AND id < $2 ORDER BY id DESC LIMIT 1");
    on_db!(db, c => sqlx::query_as::<_, RevisionRow>(AssertSqlSafe(sql.as_str())).bind(post).bind(id).fetch_optional(c).await)
}

/// One revision, inside a transaction.
pub async fn revision_in(tx: &mut Tx, id: Uuid) -> Sql<Option<RevisionRow>> {
    let sql = format!("{REVISION_SELECT} WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as::<_, RevisionRow>(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)
}

/// Replaces the text of a revision (and its title, on a revision of a title
/// edit), keeping who redacted it, when and why.
pub async fn redact(tx: &mut Tx, id: Uuid, body: &str, title: &str, by: Uuid, note: &str, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE forum_revisions SET body = $2, redacted_by = $3, redaction_note = $4, redacted_at = $5, \
         title = CASE WHEN title IS NULL THEN NULL ELSE $6 END WHERE id = $1")
        .bind(id).bind(body).bind(by).bind(note).bind(now).bind(title).execute(c).await.map(|r| r.rows_affected() == 1))
}

/// Writes a line of the audit log about a revision.
pub async fn audit_revision(tx: &mut Tx, actor: Uuid, action: &str, post: Uuid, revision: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO forum_audit (id, actor_id, action, post_id, revision_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(sanad_platform::ids::new_id()).bind(actor).bind(action).bind(post).bind(revision).bind(now)
        .execute(c).await.map(|_| ()))
}
