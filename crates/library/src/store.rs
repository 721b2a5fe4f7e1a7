//! SQL of the library, and only SQL.

use chrono::{DateTime, Utc};
use sanad_platform::{Db, Tx, on_db, on_tx};
use uuid::Uuid;

use crate::model::{FileRecord, MyRating, RatingComment, ResourceRecord};

type Sql<T> = Result<T, sqlx::Error>;

const RESOURCE_COLUMNS: &str = "id, title, description, kind, audience, language, territory, themes, tags, links, review_by, published, \
     deleted_at, view_count, download_count, created_at, updated_at";

/// A resource's row as written.
#[derive(Debug)]
pub struct ResourceRow<'a> {
    pub id: Uuid,
    pub title: &'a str,
    pub description: &'a str,
    pub kind: &'a str,
    pub audience: &'a str,
    pub language: &'a str,
    pub territory: Option<&'a str>,
    pub themes: &'a str,
    pub tags: &'a str,
    pub links: &'a str,
    pub review_by: Option<DateTime<Utc>>,
    /// Always set on insert; `None` on update keeps the stored value.
    pub published: Option<bool>,
    pub created_by: Option<Uuid>,
    pub now: DateTime<Utc>,
}

pub async fn insert_resource(tx: &mut Tx, r: &ResourceRow<'_>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO resources (id, title, description, kind, audience, language, territory, themes, tags, links, review_by, published, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)")
        .bind(r.id).bind(r.title).bind(r.description).bind(r.kind).bind(r.audience).bind(r.language).bind(r.territory).bind(r.themes)
        .bind(r.tags).bind(r.links).bind(r.review_by).bind(r.published).bind(r.created_by).bind(r.now)
        .execute(c).await.map(|_| ()))
}

pub async fn update_resource(tx: &mut Tx, r: &ResourceRow<'_>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE resources SET title = $2, description = $3, kind = $4, audience = $5, language = $6, territory = $7, themes = $8, tags = $9, \
         links = $10, review_by = $11, published = COALESCE($12, published), updated_at = $13 WHERE id = $1 AND deleted_at IS NULL")
        .bind(r.id).bind(r.title).bind(r.description).bind(r.kind).bind(r.audience).bind(r.language).bind(r.territory).bind(r.themes)
        .bind(r.tags).bind(r.links).bind(r.review_by).bind(r.published).bind(r.now)
        .execute(c).await.map(|r| r.rows_affected() == 1))
}

pub async fn delete_resource(tx: &mut Tx, id: Uuid, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query("UPDATE resources SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL")
        .bind(id).bind(now).execute(c).await.map(|r| r.rows_affected() == 1))
}

pub async fn resource(db: &Db, id: Uuid) -> Sql<Option<ResourceRecord>> {
    let sql = format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE id = $1 AND deleted_at IS NULL");
    on_db!(db, c => sqlx::query_as::<_, ResourceRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)
}

/// Every resource including deleted ones (for indexing), in id order after `after`.
pub async fn resources_after(db: &Db, after: Option<Uuid>, limit: i64) -> Sql<Vec<ResourceRecord>> {
    let sql = format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2");
    on_db!(db, c => sqlx::query_as::<_, ResourceRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(after).bind(limit).fetch_all(c).await)
}

/// Published resources whose review date is before `now`.
pub async fn review_due(db: &Db, now: DateTime<Utc>) -> Sql<Vec<ResourceRecord>> {
    let sql = format!(
        "SELECT {RESOURCE_COLUMNS} FROM resources WHERE deleted_at IS NULL AND review_by IS NOT NULL AND review_by < $1 ORDER BY review_by"
    );
    on_db!(db, c => sqlx::query_as::<_, ResourceRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(now).fetch_all(c).await)
}

/// All live resources (for the evaluation CSV), oldest first.
pub async fn all_resources(db: &Db) -> Sql<Vec<ResourceRecord>> {
    let sql = format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE deleted_at IS NULL ORDER BY id");
    on_db!(db, c => sqlx::query_as::<_, ResourceRecord>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(c).await)
}

pub async fn count_resources(db: &Db) -> Sql<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM resources").fetch_one(c).await)
}

/// A file row as written.
#[derive(Debug)]
pub struct FileRow<'a> {
    pub id: Uuid,
    pub resource_id: Uuid,
    pub name: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub extracted_text: &'a str,
    pub now: DateTime<Utc>,
}

pub async fn insert_file(tx: &mut Tx, f: &FileRow<'_>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO resource_files (id, resource_id, name, size, content_type, sha256, extracted_text, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(f.id).bind(f.resource_id).bind(f.name).bind(f.size).bind(f.content_type).bind(f.sha256).bind(f.extracted_text).bind(f.now)
        .execute(c).await.map(|_| ()))
}

pub async fn files(db: &Db, resource: Uuid) -> Sql<Vec<FileRecord>> {
    on_db!(db, c => sqlx::query_as::<_, FileRecord>(
        "SELECT id, resource_id, name, size, content_type, sha256 FROM resource_files WHERE resource_id = $1 ORDER BY id")
        .bind(resource).fetch_all(c).await)
}

pub async fn extracted_text(db: &Db, resource: Uuid) -> Sql<Vec<String>> {
    on_db!(db, c => sqlx::query_scalar::<_, String>("SELECT extracted_text FROM resource_files WHERE resource_id = $1 ORDER BY id")
        .bind(resource).fetch_all(c).await)
}

/// Counts a view: once per signed-in person per day; every view of someone not signed in.
pub async fn count_view(db: &Db, id: Uuid, viewer: Option<Uuid>, day: chrono::NaiveDate) -> Sql<()> {
    if let Some(user) = viewer {
        let first_today = on_db!(db, c => sqlx::query("INSERT INTO resource_views (resource_id, user_id, day) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(id).bind(user).bind(day).execute(c).await.map(|r| r.rows_affected() == 1))?;
        if !first_today {
            return Ok(());
        }
    }
    on_db!(db, c => sqlx::query("UPDATE resources SET view_count = view_count + 1 WHERE id = $1").bind(id).execute(c).await.map(|_| ()))
}

pub async fn count_download(db: &Db, resource: Uuid, file: Uuid) -> Sql<()> {
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE resources SET download_count = download_count + 1 WHERE id = $1").bind(resource).execute(&mut *c).await.map(|_| ()))?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE resource_files SET download_count = download_count + 1 WHERE id = $1").bind(file).execute(c).await.map(|_| ()))?;
    tx.commit().await
}

pub async fn upsert_rating(db: &Db, resource: Uuid, user: Uuid, stars: i64, comment: Option<&str>, now: DateTime<Utc>) -> Sql<bool> {
    on_db!(db, c => sqlx::query_scalar::<_, bool>(
        "INSERT INTO resource_ratings (resource_id, user_id, stars, comment, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (resource_id, user_id) DO UPDATE SET stars = excluded.stars, comment = excluded.comment, updated_at = excluded.updated_at \
         RETURNING created_at = updated_at")
        .bind(resource).bind(user).bind(stars).bind(comment).bind(now).fetch_one(c).await)
}

/// Number of ratings per star (index 0 = one star).
pub async fn rating_distribution(db: &Db, resource: Uuid) -> Sql<[i64; 5]> {
    let rows: Vec<(i64, i64)> = on_db!(db, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT stars, COUNT(*) FROM resource_ratings WHERE resource_id = $1 GROUP BY stars")
        .bind(resource).fetch_all(c).await)?;
    let mut out = [0; 5];
    for (stars, n) in rows {
        if (1..=5).contains(&stars) {
            out[(stars - 1) as usize] = n;
        }
    }
    Ok(out)
}

pub async fn my_rating(db: &Db, resource: Uuid, user: Uuid) -> Sql<Option<MyRating>> {
    on_db!(db, c => sqlx::query_as::<_, MyRating>("SELECT stars, comment FROM resource_ratings WHERE resource_id = $1 AND user_id = $2")
        .bind(resource).bind(user).fetch_optional(c).await)
}

pub async fn rating_comments(db: &Db, resource: Uuid) -> Sql<Vec<RatingComment>> {
    on_db!(db, c => sqlx::query_as::<_, RatingComment>(
        "SELECT stars, comment, updated_at FROM resource_ratings WHERE resource_id = $1 AND comment IS NOT NULL AND comment <> '' ORDER BY updated_at DESC")
        .bind(resource).fetch_all(c).await)
}

/// Writes an index event in the caller's transaction.
pub async fn index_event(tx: &mut Tx, entity: &str, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO index_events (entity, entity_id, created_at) VALUES ($1, $2, $3)")
        .bind(entity).bind(id).bind(now).execute(c).await.map(|_| ()))
}

/// A change to apply to the search index.
#[derive(Debug, sqlx::FromRow)]
pub struct IndexEvent {
    /// Its number, in the order events were written.
    pub seq: i64,
    /// What changed: `resource`.
    pub entity: String,
    pub entity_id: Uuid,
}

/// Events after `seq`, plus those written in the last `lookback` (a
/// transaction that committed late may have taken a lower number than one
/// already applied on PostgreSQL; applying an event twice is harmless).
pub async fn index_events_since(db: &Db, seq: i64, since: DateTime<Utc>, limit: i64) -> Sql<Vec<IndexEvent>> {
    on_db!(db, c => sqlx::query_as::<_, IndexEvent>(
        "SELECT seq, entity, entity_id FROM index_events WHERE seq > $1 OR created_at > $2 ORDER BY seq LIMIT $3")
        .bind(seq).bind(since).bind(limit).fetch_all(c).await)
}

pub async fn last_index_event(db: &Db) -> Sql<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM index_events").fetch_one(c).await.map(|v| v.unwrap_or(0)))
}

/// Titles of the published, not deleted resources among `ids`, in chunks
/// small enough for either backend's bind limit.
pub async fn published_titles(db: &Db, ids: &[Uuid]) -> Sql<Vec<(Uuid, String)>> {
    sanad_platform::db::fetch_by_ids(db, ids, |marks| {
        format!("SELECT id, title FROM resources WHERE published = TRUE AND deleted_at IS NULL AND id IN ({marks})")
    })
    .await
}
