//! SQL of watched categories, digests and live streams, and only SQL.

use chrono::{DateTime, Utc};
use sanad_platform::{Db, Tx, on_db, on_tx};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use super::Sql;

/// Sets how `user` follows `category`.
pub async fn set_category_subscription(db: &Db, category: &str, user: Uuid, level: &str) -> Sql<()> {
    on_db!(db, c => sqlx::query(
        "INSERT INTO forum_category_subscriptions (category, user_id, level) VALUES ($1, $2, $3) \
         ON CONFLICT (category, user_id) DO UPDATE SET level = excluded.level")
        .bind(category).bind(user).bind(level).execute(c).await.map(|_| ()))
}

/// How `user` follows `category`, when they chose.
pub async fn category_subscription(db: &Db, category: &str, user: Uuid) -> Sql<Option<String>> {
    on_db!(db, c => sqlx::query_scalar::<_, String>(
        "SELECT level FROM forum_category_subscriptions WHERE category = $1 AND user_id = $2")
        .bind(category).bind(user).fetch_optional(c).await)
}

/// Who watches `category` (told of every new topic there).
pub async fn category_watchers(db: &Db, category: &str) -> Sql<Vec<Uuid>> {
    on_db!(db, c => sqlx::query_scalar::<_, Uuid>(
        "SELECT user_id FROM forum_category_subscriptions WHERE category = $1 AND level = 'watching'")
        .bind(category).fetch_all(c).await)
}

/// Everyone who wrote a published post in `topic`: (account, anonymous, pseudonym in the topic).
pub async fn participants(tx: &mut Tx, topic: Uuid) -> Sql<Vec<(Uuid, bool, Option<String>)>> {
    on_tx!(tx, c => sqlx::query_as::<_, (Uuid, bool, Option<String>)>(
        "SELECT DISTINCT p.author_id, p.anonymous, ps.pseudonym FROM forum_posts p \
         LEFT JOIN forum_pseudonyms ps ON ps.topic_id = p.topic_id AND ps.user_id = p.author_id \
         WHERE p.topic_id = $1 AND p.status = 'published'")
        .bind(topic).fetch_all(c).await)
}

/// Starts a member's digest period afresh at `at` (they have just chosen daily or weekly).
pub async fn restart_digest_period(db: &Db, user: Uuid, at: DateTime<Utc>) -> Sql<()> {
    on_db!(db, c => sqlx::query("UPDATE forum_notification_settings SET last_digest_at = $2 WHERE user_id = $1")
        .bind(user).bind(at).execute(c).await.map(|_| ()))
}

/// A member whose digest is due: their frequency and the end of their last digest's period.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueDigest {
    pub user_id: Uuid,
    pub email: String,
    pub last_digest_at: Option<DateTime<Utc>>,
}

/// Members whose daily digest period ended by `day_ends` or weekly one by
/// `week_ends` (and those whose period never started), by account.
pub async fn due_digests(db: &Db, day_ends: DateTime<Utc>, week_ends: DateTime<Utc>, fetch: i64) -> Sql<Vec<DueDigest>> {
    on_db!(db, c => sqlx::query_as::<_, DueDigest>(
        "SELECT user_id, email, last_digest_at FROM forum_notification_settings \
         WHERE (email = 'daily' AND (last_digest_at IS NULL OR last_digest_at <= $1)) \
            OR (email = 'weekly' AND (last_digest_at IS NULL OR last_digest_at <= $2)) \
         ORDER BY user_id LIMIT $3")
        .bind(day_ends).bind(week_ends).bind(fetch).fetch_all(c).await)
}

/// Takes a member's digest: moves the end of their last period from `was`
/// to `to`, only if nobody moved it since (and the frequency is still
/// `email`). The first write of the digest's transaction: false when another
/// instance took it first.
pub async fn claim_digest(tx: &mut Tx, user: Uuid, email: &str, was: Option<DateTime<Utc>>, to: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE forum_notification_settings SET last_digest_at = $4 \
         WHERE user_id = $1 AND email = $2 AND (last_digest_at = $3 OR (last_digest_at IS NULL AND $3 IS NULL))")
        .bind(user).bind(email).bind(was).bind(to).execute(c).await.map(|r| r.rows_affected() == 1))
}

/// A topic in a digest: how many unread notifications it has in the period.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DigestRow {
    pub topic_id: Uuid,
    pub title: String,
    pub sensitive: bool,
    pub posts: i64,
}

/// The topics of `user`'s unread notifications made in `(after, until]`,
/// about published posts of published topics, latest first (at most `fetch`).
pub async fn digest_rows(tx: &mut Tx, user: Uuid, after: DateTime<Utc>, until: DateTime<Utc>, fetch: i64) -> Sql<Vec<DigestRow>> {
    on_tx!(tx, c => sqlx::query_as::<_, DigestRow>(
        "SELECT n.topic_id, t.title, cat.sensitive, COUNT(*) AS posts \
         FROM forum_notifications n JOIN forum_posts p ON p.id = n.post_id \
         JOIN forum_topics t ON t.id = n.topic_id JOIN forum_categories cat ON cat.slug = t.category \
         WHERE n.user_id = $1 AND n.read_at IS NULL AND n.created_at > $2 AND n.created_at <= $3 \
           AND p.status = 'published' AND t.status = 'published' \
         GROUP BY n.topic_id, t.title, cat.sensitive ORDER BY MAX(n.created_at) DESC LIMIT $4")
        .bind(user).bind(after).bind(until).bind(fetch).fetch_all(c).await)
}

/// What a live stream polls of a topic: its status, its last post number and its last publication number.
pub async fn topic_head(db: &Db, topic: Uuid) -> Sql<Option<(String, i64, i64)>> {
    on_db!(db, c => sqlx::query_as::<_, (String, i64, i64)>("SELECT status, post_seq, publish_seq FROM forum_topics WHERE id = $1")
        .bind(topic).fetch_optional(c).await)
}

/// A post for a live stream, with its publication number.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LivePostRow {
    #[sqlx(flatten)]
    pub post: super::PostRow,
    pub published_seq: i64,
}

/// The published posts of `topic` numbered after `after` or published after
/// publication number `published_after`, by number (at most `fetch`).
pub async fn live_posts(db: &Db, topic: Uuid, after: i64, published_after: i64, fetch: i64) -> Sql<Vec<LivePostRow>> {
    let select = super::POST_SELECT.replacen("SELECT ", "SELECT p.published_seq, ", 1);
    let sql = format!(
        "{select} WHERE p.topic_id = $1 AND p.status = 'published' AND (p.seq > $2 OR p.published_seq > $3) ORDER BY p.seq LIMIT $4"
    );
    on_db!(db, c => sqlx::query_as::<_, LivePostRow>(AssertSqlSafe(sql.as_str()))
        .bind(topic).bind(after).bind(published_after).bind(fetch).fetch_all(c).await)
}

/// The members already told of `post`, with the kind each was told by.
pub async fn told_of(tx: &mut Tx, post: Uuid) -> Sql<Vec<(Uuid, String)>> {
    on_tx!(tx, c => sqlx::query_as::<_, (Uuid, String)>("SELECT user_id, kind FROM forum_notifications WHERE post_id = $1")
        .bind(post).fetch_all(c).await)
}
