//! SQL of the forum, and only SQL.

use chrono::{DateTime, Utc};
use sanad_platform::db::Backend;
use sanad_platform::{Db, Tx, on_db, on_tx};
use sqlx::AssertSqlSafe;
use uuid::Uuid;

type Sql<T> = Result<T, sqlx::Error>;

pub mod limits;
pub mod notify;
pub mod revisions;
pub mod upkeep;

/// A category with its count of published topics.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CategoryRow {
    pub slug: String,
    pub territory: Option<String>,
    pub title_fr: String,
    pub title_ar: String,
    pub title_en: String,
    pub description_fr: String,
    pub description_ar: String,
    pub description_en: String,
    pub anonymous_allowed: bool,
    pub sensitive: bool,
    pub topic_count: i64,
}

const CATEGORY_SELECT: &str = "SELECT c.slug, c.territory, c.title_fr, c.title_ar, c.title_en, c.description_fr, c.description_ar, \
     c.description_en, c.anonymous_allowed, c.sensitive, \
     (SELECT COUNT(*) FROM forum_topics t WHERE t.category = c.slug AND t.status = 'published') AS topic_count \
     FROM forum_categories c";

/// Every category, in their order.
pub async fn categories(db: &Db) -> Sql<Vec<CategoryRow>> {
    let sql = format!("{CATEGORY_SELECT} ORDER BY c.position");
    on_db!(db, c => sqlx::query_as::<_, CategoryRow>(AssertSqlSafe(sql.as_str())).fetch_all(c).await)
}

/// One category.
pub async fn category(db: &Db, slug: &str) -> Sql<Option<CategoryRow>> {
    let sql = format!("{CATEGORY_SELECT} WHERE c.slug = $1");
    on_db!(db, c => sqlx::query_as::<_, CategoryRow>(AssertSqlSafe(sql.as_str())).bind(slug).fetch_optional(c).await)
}

/// Whether a category exists: what the topic list needs, without counting its topics.
pub async fn category_exists(db: &Db, slug: &str) -> Sql<bool> {
    on_db!(db, c => sqlx::query_scalar::<_, String>("SELECT slug FROM forum_categories WHERE slug = $1")
        .bind(slug).fetch_optional(c).await.map(|found| found.is_some()))
}

/// A new topic (its first post is inserted beside it).
#[derive(Debug)]
pub struct NewTopicRow<'a> {
    pub id: Uuid,
    pub category: &'a str,
    pub author: Uuid,
    pub anonymous: bool,
    pub title: &'a str,
    pub status: &'a str,
    pub now: DateTime<Utc>,
}

/// Inserts a topic with no post yet.
pub async fn insert_topic(tx: &mut Tx, t: &NewTopicRow<'_>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO forum_topics (id, category, author_id, anonymous, title, status, created_at, last_activity_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
        .bind(t.id).bind(t.category).bind(t.author).bind(t.anonymous).bind(t.title).bind(t.status).bind(t.now)
        .execute(c).await.map(|_| ()))
}

/// A topic and its category's flags.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TopicRow {
    pub id: Uuid,
    pub category: String,
    pub author_id: Uuid,
    pub anonymous: bool,
    pub pseudonym: Option<String>,
    pub title: String,
    pub status: String,
    pub reply_count: i64,
    pub answer_post_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    pub sensitive: bool,
    pub anonymous_allowed: bool,
    /// Moves with every change of its posts and their reactions (migration 0017).
    pub version: i64,
    /// The number of its last published post (migration 0024).
    pub last_published_seq: i64,
}

// The columns of a `TopicRow` and where they come from, as macros so that
// both can be spliced into literals with `concat!`.
macro_rules! topic_columns {
    () => {
        "t.id, t.category, t.author_id, t.anonymous, ps.pseudonym, t.title, t.status, t.reply_count, \
         t.answer_post_id, t.created_at, t.last_activity_at, c.sensitive, c.anonymous_allowed, t.version, t.last_published_seq"
    };
}
macro_rules! topic_from {
    () => {
        "FROM forum_topics t JOIN forum_categories c ON c.slug = t.category \
         LEFT JOIN forum_pseudonyms ps ON ps.topic_id = t.id AND ps.user_id = t.author_id"
    };
}
// After the macros it uses.
pub mod batched;

const TOPIC_SELECT: &str = concat!("SELECT ", topic_columns!(), " ", topic_from!(), " WHERE t.id = $1");

/// One topic.
pub async fn topic(db: &Db, id: Uuid) -> Sql<Option<TopicRow>> {
    on_db!(db, c => sqlx::query_as::<_, TopicRow>(TOPIC_SELECT).bind(id).fetch_optional(c).await)
}

/// A topic with what one reader needs beside its shared page, in one read.
#[derive(Debug, sqlx::FromRow)]
pub struct TopicForReader {
    #[sqlx(flatten)]
    pub topic: TopicRow,
    /// The highest post number the reader has seen.
    pub last_seq: Option<i64>,
    /// How the reader follows the topic.
    pub level: Option<String>,
    /// Whether posts of the reader's are held there (only they see those).
    pub holds_posts: bool,
    /// The reader's reactions on the posts numbered in the range asked for,
    /// as `seq:kind` separated by commas.
    pub my_reactions: Option<String>,
}

/// [`topic`] with the reader's marks, held posts and reactions on posts `from..=to`.
pub async fn topic_for_reader(db: &Db, id: Uuid, reader: Uuid, (from, to): (i64, i64)) -> Sql<Option<TopicForReader>> {
    let join = match db.backend() {
        Backend::Sqlite => "group_concat",
        Backend::Postgres => "string_agg",
    };
    let sql = format!(
        "SELECT {}, \
           (SELECT last_seq FROM forum_read_state WHERE user_id = $2 AND topic_id = t.id) AS last_seq, \
           (SELECT level FROM forum_subscriptions WHERE topic_id = t.id AND user_id = $2) AS level, \
           EXISTS (SELECT 1 FROM forum_posts h WHERE h.topic_id = t.id AND h.author_id = $2 AND h.status = 'held') AS holds_posts, \
           (SELECT {join}(p.seq || ':' || r.kind, ',') FROM forum_posts p \
              JOIN forum_reactions r ON r.post_id = p.id AND r.user_id = $2 \
             WHERE p.topic_id = t.id AND p.seq BETWEEN $3 AND $4) AS my_reactions \
         {} WHERE t.id = $1",
        topic_columns!(),
        topic_from!()
    );
    on_db!(db, c => sqlx::query_as::<_, TopicForReader>(AssertSqlSafe(sql.as_str()))
        .bind(id).bind(reader).bind(from).bind(to).fetch_optional(c).await)
}

/// The same, inside a transaction.
pub async fn topic_in(tx: &mut Tx, id: Uuid) -> Sql<Option<TopicRow>> {
    on_tx!(tx, c => sqlx::query_as::<_, TopicRow>(TOPIC_SELECT).bind(id).fetch_optional(c).await)
}

/// A topic in a category's list, with the caller's read mark.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TopicListRow {
    pub id: Uuid,
    pub title: String,
    pub author_id: Uuid,
    pub anonymous: bool,
    pub pseudonym: Option<String>,
    pub reply_count: i64,
    pub last_activity_at: DateTime<Utc>,
    /// The number of its last published post: unread beyond the reader's mark.
    pub last_published_seq: i64,
    pub last_seq: Option<i64>,
}

/// A page of a category's published topics, latest activity first, after
/// `after` (activity, id), without anyone's read marks (`last_seq` empty):
/// at least `fetch` rows when there are so many (a few more at times:
/// [`sanad_platform::page::Page::from_rows`] keeps the page). SQLite's
/// batches of lists read each list this way, the readers' marks beside it
/// ([`batched::topic_pages_in_process`]); PostgreSQL's in one statement
/// ([`batched::topic_pages`]).
pub async fn topic_page(db: &Db, category: &str, after: Option<(DateTime<Utc>, Uuid)>, fetch: i64) -> Sql<Vec<TopicListRow>> {
    let keyset = if after.is_some() { "AND (t.last_activity_at < $2 OR (t.last_activity_at = $2 AND t.id < $3))" } else { "" };
    // Only three limits are written (the caller keeps the rows it asked
    // for), so that clients asking for other page sizes add three statements
    // to each connection's cache of 100, not a hundred; on PostgreSQL a
    // written limit also lets a generic plan be kept (`batched`). A
    // pseudonym is looked up only for an anonymous topic, the only kind that
    // shows one.
    let written = written_limit(fetch);
    let sql = format!(
        "SELECT t.id, t.title, t.author_id, t.anonymous, \
           CASE WHEN t.anonymous THEN (SELECT ps.pseudonym FROM forum_pseudonyms ps WHERE ps.topic_id = t.id AND ps.user_id = t.author_id) END AS pseudonym, \
           t.reply_count, t.last_activity_at, t.last_published_seq, CAST(NULL AS BIGINT) AS last_seq \
         FROM forum_topics t \
         WHERE t.category = $1 AND t.status = 'published' {keyset} \
         ORDER BY t.last_activity_at DESC, t.id DESC LIMIT {written}"
    );
    let (at, id) = after.map_or((None, None), |(a, i)| (Some(a), Some(i)));
    on_db!(db, c => {
        let q = sqlx::query_as::<_, TopicListRow>(AssertSqlSafe(sql.as_str())).bind(category);
        let q = if after.is_some() { q.bind(at).bind(id) } else { q };
        q.fetch_all(c).await
    })
}

/// The limits a category's list writes into its statement ([`topic_page`]).
const WRITTEN_LIMITS: [i64; 3] = [21, 51, 101];

/// The limit written for a list that wants `fetch` rows: the smallest of
/// [`WRITTEN_LIMITS`] that holds them (the caller keeps what it asked for).
fn written_limit(fetch: i64) -> i64 {
    WRITTEN_LIMITS.into_iter().find(|n| *n >= fetch).unwrap_or(fetch)
}

/// Takes the next post number of a topic. The first write of every
/// transaction that adds a post: it locks the topic row (PostgreSQL) or the
/// database (SQLite), so numbers never repeat.
pub async fn next_seq(tx: &mut Tx, topic: Uuid) -> Sql<i64> {
    on_tx!(tx, c => sqlx::query_scalar::<_, i64>("UPDATE forum_topics SET post_seq = post_seq + 1 WHERE id = $1 RETURNING post_seq")
        .bind(topic).fetch_one(c).await)
}

/// Sets the topic's reply count and last published post from its published
/// posts, and its status from its first post's.
pub async fn refresh_topic(tx: &mut Tx, topic: Uuid) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE forum_topics SET \
           reply_count = (SELECT COUNT(*) FROM forum_posts p WHERE p.topic_id = $1 AND p.status = 'published' AND p.seq > 1), \
           last_published_seq = COALESCE((SELECT MAX(p.seq) FROM forum_posts p WHERE p.topic_id = $1 AND p.status = 'published'), 0), \
           status = COALESCE((SELECT p.status FROM forum_posts p WHERE p.topic_id = $1 AND p.seq = 1), status) \
         WHERE id = $1")
        .bind(topic).execute(c).await.map(|_| ()))
}

/// Locks the topic's row until the transaction ends, so that the writers of
/// one topic (a reply taking its number, an edit, a deletion, a flag, a
/// moderator's decision) go one at a time, and every statement after the
/// lock sees what the writer before committed (PostgreSQL reads each
/// statement's rows as they were when it started, even after waiting for a
/// lock). `NO KEY`, as an UPDATE of the row takes: inserts that refer to
/// the topic (a reader's first mark, notifications) need not wait. SQLite:
/// nothing to do, its transactions take turns from their start (`Db::begin`).
pub async fn lock_topic(tx: &mut Tx, topic: Uuid) -> Sql<()> {
    if let Tx::Postgres(c) = tx {
        sqlx::query("SELECT 1 FROM forum_topics WHERE id = $1 FOR NO KEY UPDATE").bind(topic).execute(&mut **c).await?;
    }
    Ok(())
}

/// Marks new activity in a topic (a post published).
pub async fn touch_topic(tx: &mut Tx, topic: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE forum_topics SET last_activity_at = $2 WHERE id = $1")
        .bind(topic).bind(now).execute(c).await.map(|_| ()))
}

/// Changes a topic's title.
pub async fn set_title(tx: &mut Tx, topic: Uuid, title: &str) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE forum_topics SET title = $2 WHERE id = $1")
        .bind(topic).bind(title).execute(c).await.map(|_| ()))
}

/// Gives `post` the topic's next publication number (see `publish_seq` in
/// migration 0016): called in the transaction that publishes it, after the
/// topic row is locked, so the numbers of one topic commit in order.
pub async fn mark_published(tx: &mut Tx, topic: Uuid, post: Uuid) -> Sql<()> {
    let n = on_tx!(tx, c => sqlx::query_scalar::<_, i64>(
        "UPDATE forum_topics SET publish_seq = publish_seq + 1 WHERE id = $1 RETURNING publish_seq")
        .bind(topic).fetch_one(c).await)?;
    on_tx!(tx, c => sqlx::query("UPDATE forum_posts SET published_seq = $2 WHERE id = $1")
        .bind(post).bind(n).execute(c).await.map(|_| ()))
}

/// Marks (or clears) the topic's most helpful answer.
pub async fn set_answer(db: &Db, topic: Uuid, post: Option<Uuid>) -> Sql<()> {
    on_db!(db, c => sqlx::query("UPDATE forum_topics SET answer_post_id = $2 WHERE id = $1")
        .bind(topic).bind(post).execute(c).await.map(|_| ()))
}

/// A new post.
#[derive(Debug)]
pub struct NewPostRow<'a> {
    pub id: Uuid,
    pub topic: Uuid,
    pub seq: i64,
    pub author: Uuid,
    pub anonymous: bool,
    pub body: &'a str,
    pub body_html: &'a str,
    pub reply_to: Option<Uuid>,
    pub status: &'a str,
    pub now: DateTime<Utc>,
}

/// Inserts a post.
pub async fn insert_post(tx: &mut Tx, p: &NewPostRow<'_>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO forum_posts (id, topic_id, seq, author_id, anonymous, body, body_html, reply_to, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(p.id).bind(p.topic).bind(p.seq).bind(p.author).bind(p.anonymous).bind(p.body).bind(p.body_html)
        .bind(p.reply_to).bind(p.status).bind(p.now)
        .execute(c).await.map(|_| ()))
}

/// A post as stored, with the author's pseudonym in its topic and the open screening reasons.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PostRow {
    pub id: Uuid,
    pub topic_id: Uuid,
    pub seq: i64,
    pub author_id: Uuid,
    pub anonymous: bool,
    pub pseudonym: Option<String>,
    pub body: String,
    pub body_html: String,
    pub reply_to: Option<Uuid>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// JSON reasons of the open screening item, for a held post.
    pub reasons: Option<String>,
}

const POST_SELECT: &str = "SELECT p.id, p.topic_id, p.seq, p.author_id, p.anonymous, ps.pseudonym, p.body, p.body_html, p.reply_to, \
     p.status, p.created_at, p.edited_at, \
     (SELECT m.reasons FROM forum_moderation_items m WHERE m.post_id = p.id AND m.cause = 'screening' AND m.decided_at IS NULL \
      ORDER BY m.id LIMIT 1) AS reasons \
     FROM forum_posts p LEFT JOIN forum_pseudonyms ps ON ps.topic_id = p.topic_id AND ps.user_id = p.author_id";

/// One post.
pub async fn post(db: &Db, id: Uuid) -> Sql<Option<PostRow>> {
    let sql = format!("{POST_SELECT} WHERE p.id = $1");
    on_db!(db, c => sqlx::query_as::<_, PostRow>(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)
}

/// The same, inside a transaction.
pub async fn post_in(tx: &mut Tx, id: Uuid) -> Sql<Option<PostRow>> {
    let sql = format!("{POST_SELECT} WHERE p.id = $1");
    on_tx!(tx, c => sqlx::query_as::<_, PostRow>(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)
}

/// A page of a topic's posts after number `after`: published ones, and held
/// ones for their author (or every held one when `all_held`).
pub async fn posts_page(db: &Db, topic: Uuid, after: i64, reader: Uuid, all_held: bool, fetch: i64) -> Sql<Vec<PostRow>> {
    let sql = format!(
        "{POST_SELECT} WHERE p.topic_id = $1 AND p.seq > $2 \
         AND (p.status = 'published' OR (p.status = 'held' AND ($4 OR p.author_id = $3))) ORDER BY p.seq LIMIT $5"
    );
    on_db!(db, c => sqlx::query_as::<_, PostRow>(AssertSqlSafe(sql.as_str()))
        .bind(topic).bind(after).bind(reader).bind(all_held).bind(fetch).fetch_all(c).await)
}

/// Replaces a post's text and status.
pub async fn rewrite_post(tx: &mut Tx, id: Uuid, body: &str, body_html: &str, status: &str, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE forum_posts SET body = $2, body_html = $3, status = $4, edited_at = $5 WHERE id = $1")
        .bind(id).bind(body).bind(body_html).bind(status).bind(now).execute(c).await.map(|_| ()))
}

/// Sets a post's status.
pub async fn set_post_status(tx: &mut Tx, id: Uuid, status: &str) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE forum_posts SET status = $2 WHERE id = $1")
        .bind(id).bind(status).execute(c).await.map(|_| ()))
}

/// Keeps the earlier title of a topic, as a revision of its first post (whose text stays `body`).
pub async fn insert_title_revision(tx: &mut Tx, post: Uuid, body: &str, title: &str, by: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO forum_revisions (id, post_id, body, title, edited_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(sanad_platform::ids::new_id()).bind(post).bind(body).bind(title).bind(by).bind(now)
        .execute(c).await.map(|_| ()))
}

/// Keeps an earlier text of a post.
pub async fn insert_revision(tx: &mut Tx, post: Uuid, body: &str, by: Uuid, note: Option<&str>, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO forum_revisions (id, post_id, body, edited_by, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(sanad_platform::ids::new_id()).bind(post).bind(body).bind(by).bind(note).bind(now)
        .execute(c).await.map(|_| ()))
}

/// The pseudonym of `user` in `topic`, if they have one.
pub async fn pseudonym(tx: &mut Tx, topic: Uuid, user: Uuid) -> Sql<Option<String>> {
    on_tx!(tx, c => sqlx::query_scalar::<_, String>("SELECT pseudonym FROM forum_pseudonyms WHERE topic_id = $1 AND user_id = $2")
        .bind(topic).bind(user).fetch_optional(c).await)
}

/// Gives `user` the pseudonym `name` in `topic`; false when the name is taken there.
pub async fn insert_pseudonym(tx: &mut Tx, topic: Uuid, user: Uuid, name: &str) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query("INSERT INTO forum_pseudonyms (topic_id, user_id, pseudonym) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(topic).bind(user).bind(name).execute(c).await.map(|r| r.rows_affected() == 1))
}

/// The reactions on the posts of `topic` numbered `from..=to`, in one
/// read: (post, kind, count, whether `user` is among them).
pub async fn reactions_on(db: &Db, topic: Uuid, from: i64, to: i64, user: Uuid) -> Sql<Vec<(Uuid, String, i64, bool)>> {
    on_db!(db, c => sqlx::query_as::<_, (Uuid, String, i64, bool)>(
        "SELECT r.post_id, r.kind, COUNT(*), MAX(CASE WHEN r.user_id = $4 THEN 1 ELSE 0 END) = 1 \
         FROM forum_reactions r JOIN forum_posts p ON p.id = r.post_id \
         WHERE p.topic_id = $1 AND p.seq BETWEEN $2 AND $3 GROUP BY r.post_id, r.kind")
        .bind(topic).bind(from).bind(to).bind(user).fetch_all(c).await)
}

/// Adds a reaction; false when it was there.
pub async fn add_reaction(db: &Db, post: Uuid, user: Uuid, kind: &str, now: DateTime<Utc>) -> Sql<bool> {
    on_db!(db, c => sqlx::query("INSERT INTO forum_reactions (post_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(post).bind(user).bind(kind).bind(now).execute(c).await.map(|r| r.rows_affected() == 1))
}

/// Removes a reaction.
pub async fn remove_reaction(db: &Db, post: Uuid, user: Uuid, kind: &str) -> Sql<()> {
    on_db!(db, c => sqlx::query("DELETE FROM forum_reactions WHERE post_id = $1 AND user_id = $2 AND kind = $3")
        .bind(post).bind(user).bind(kind).execute(c).await.map(|_| ()))
}

/// The open screening item of a post, if any.
pub async fn open_screening_item(tx: &mut Tx, post: Uuid) -> Sql<Option<Uuid>> {
    on_tx!(tx, c => sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM forum_moderation_items WHERE post_id = $1 AND cause = 'screening' AND decided_at IS NULL")
        .bind(post).fetch_optional(c).await)
}

/// Puts a post in the moderation queue.
pub async fn insert_item(tx: &mut Tx, post: Uuid, cause: &str, reasons: &str, now: DateTime<Utc>) -> Sql<Uuid> {
    let id = sanad_platform::ids::new_id();
    on_tx!(tx, c => sqlx::query("INSERT INTO forum_moderation_items (id, post_id, cause, reasons, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(post).bind(cause).bind(reasons).bind(now).execute(c).await.map(|_| id))
}

/// Replaces the reasons of an open item (a held post edited and still held).
pub async fn set_item_reasons(tx: &mut Tx, id: Uuid, reasons: &str) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE forum_moderation_items SET reasons = $2 WHERE id = $1")
        .bind(id).bind(reasons).execute(c).await.map(|_| ()))
}

/// Closes an item with a decision; false when it was already decided (another moderator was first).
pub async fn decide_item(tx: &mut Tx, id: Uuid, decision: &str, note: Option<&str>, by: Option<Uuid>, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE forum_moderation_items SET decision = $2, note = $3, decided_by = $4, decided_at = $5 WHERE id = $1 AND decided_at IS NULL")
        .bind(id).bind(decision).bind(note).bind(by).bind(now).execute(c).await.map(|r| r.rows_affected() == 1))
}

/// An open item of the queue with its post and topic.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    pub id: Uuid,
    pub post_id: Uuid,
    pub cause: String,
    pub reasons: String,
    pub flags: i64,
    pub created_at: DateTime<Utc>,
    pub topic_id: Uuid,
    pub topic_title: String,
    pub body_html: String,
    /// The post's Markdown as written.
    pub body: String,
    pub author_id: Uuid,
    pub anonymous: bool,
    pub pseudonym: Option<String>,
}

const QUEUE_SELECT: &str = "SELECT m.id, m.post_id, m.cause, m.reasons, m.flags, m.created_at, p.topic_id, t.title AS topic_title, \
     p.body_html, p.body, p.author_id, p.anonymous, ps.pseudonym \
     FROM forum_moderation_items m JOIN forum_posts p ON p.id = m.post_id JOIN forum_topics t ON t.id = p.topic_id \
     LEFT JOIN forum_pseudonyms ps ON ps.topic_id = p.topic_id AND ps.user_id = p.author_id";

/// Open items, oldest first, after `after`.
pub async fn queue_page(db: &Db, after: Option<Uuid>, fetch: i64) -> Sql<Vec<QueueRow>> {
    let sql = format!("{QUEUE_SELECT} WHERE m.decided_at IS NULL AND ($1 IS NULL OR m.id > $1) ORDER BY m.id LIMIT $2");
    on_db!(db, c => sqlx::query_as::<_, QueueRow>(AssertSqlSafe(sql.as_str())).bind(after).bind(fetch).fetch_all(c).await)
}

/// One item, decided or not.
pub async fn item_in(tx: &mut Tx, id: Uuid) -> Sql<Option<QueueRow>> {
    let sql = format!("{QUEUE_SELECT} WHERE m.id = $1");
    on_tx!(tx, c => sqlx::query_as::<_, QueueRow>(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)
}

/// Writes a line of the audit log.
pub async fn audit(tx: &mut Tx, actor: Uuid, action: &str, post: Option<Uuid>, subject: Option<Uuid>, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO forum_audit (id, actor_id, action, post_id, subject_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(sanad_platform::ids::new_id()).bind(actor).bind(action).bind(post).bind(subject).bind(now)
        .execute(c).await.map(|_| ()))
}

/// A line of the audit log.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: Uuid,
    pub actor_id: Uuid,
    pub action: String,
    pub post_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    /// The revision a redaction was about.
    pub revision_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// The audit log, newest first, before `before`.
pub async fn audit_page(db: &Db, before: Option<Uuid>, fetch: i64) -> Sql<Vec<AuditRow>> {
    on_db!(db, c => sqlx::query_as::<_, AuditRow>(
        "SELECT id, actor_id, action, post_id, subject_id, revision_id, created_at FROM forum_audit WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2")
        .bind(before).bind(fetch).fetch_all(c).await)
}

/// Sets how `user` follows `topic`.
pub async fn set_subscription(db: &Db, topic: Uuid, user: Uuid, level: &str) -> Sql<()> {
    on_db!(db, c => sqlx::query(
        "INSERT INTO forum_subscriptions (topic_id, user_id, level) VALUES ($1, $2, $3) \
         ON CONFLICT (topic_id, user_id) DO UPDATE SET level = excluded.level")
        .bind(topic).bind(user).bind(level).execute(c).await.map(|_| ()))
}

/// How `user` follows `topic`, when they chose.
pub async fn subscription(db: &Db, topic: Uuid, user: Uuid) -> Sql<Option<String>> {
    on_db!(db, c => sqlx::query_scalar::<_, String>("SELECT level FROM forum_subscriptions WHERE topic_id = $1 AND user_id = $2")
        .bind(topic).bind(user).fetch_optional(c).await)
}

/// The same, inside a transaction.
pub async fn subscription_in(tx: &mut Tx, topic: Uuid, user: Uuid) -> Sql<Option<String>> {
    on_tx!(tx, c => sqlx::query_scalar::<_, String>("SELECT level FROM forum_subscriptions WHERE topic_id = $1 AND user_id = $2")
        .bind(topic).bind(user).fetch_optional(c).await)
}

/// Who watches `topic`.
pub async fn watchers(db: &Db, topic: Uuid) -> Sql<Vec<Uuid>> {
    on_db!(db, c => sqlx::query_scalar::<_, Uuid>("SELECT user_id FROM forum_subscriptions WHERE topic_id = $1 AND level = 'watching'")
        .bind(topic).fetch_all(c).await)
}

/// Raises the caller's read mark in a topic to `seq` (never lowers it).
pub async fn mark_read_to(db: &Db, user: Uuid, topic: Uuid, seq: i64) -> Sql<()> {
    on_db!(db, c => sqlx::query(
        "INSERT INTO forum_read_state (user_id, topic_id, last_seq) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, topic_id) DO UPDATE SET last_seq = \
           CASE WHEN excluded.last_seq > forum_read_state.last_seq THEN excluded.last_seq ELSE forum_read_state.last_seq END")
        .bind(user).bind(topic).bind(seq).execute(c).await.map(|_| ()))
}

/// Moves the author's read mark to their new post `seq` when they had read
/// every published post before it: nobody's own post is unread to them, and
/// a post they have not seen stays unread. Called before the post changes
/// the topic's `last_published_seq` (store::refresh_topic).
pub async fn mark_own_post_read(tx: &mut Tx, author: Uuid, topic: Uuid, seq: i64) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO forum_read_state (user_id, topic_id, last_seq) \
         SELECT $1, $2, $3 FROM forum_topics t WHERE t.id = $2 \
           AND COALESCE((SELECT r.last_seq FROM forum_read_state r WHERE r.user_id = $1 AND r.topic_id = $2), 0) >= t.last_published_seq \
         ON CONFLICT (user_id, topic_id) DO UPDATE SET last_seq = \
           CASE WHEN excluded.last_seq > forum_read_state.last_seq THEN excluded.last_seq ELSE forum_read_state.last_seq END")
        .bind(author).bind(topic).bind(seq).execute(c).await.map(|_| ()))
}

/// Where `user` stopped in `topic` and how they follow it, in one read.
pub async fn reader_marks(db: &Db, user: Uuid, topic: Uuid) -> Sql<(Option<i64>, Option<String>)> {
    on_db!(db, c => sqlx::query_as::<_, (Option<i64>, Option<String>)>(
        "SELECT (SELECT last_seq FROM forum_read_state WHERE user_id = $1 AND topic_id = $2), \
                (SELECT level FROM forum_subscriptions WHERE topic_id = $2 AND user_id = $1)")
        .bind(user).bind(topic).fetch_one(c).await)
}

/// Where `user` stopped in `topic`: the highest post number they have seen.
pub async fn read_mark(db: &Db, user: Uuid, topic: Uuid) -> Sql<Option<i64>> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>("SELECT last_seq FROM forum_read_state WHERE user_id = $1 AND topic_id = $2")
        .bind(user).bind(topic).fetch_optional(c).await)
}

/// Notifies `user` of `post`; false when they already were (of this post).
pub async fn insert_notification(tx: &mut Tx, user: Uuid, kind: &str, topic: Uuid, post: Uuid, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO forum_notifications (id, user_id, kind, topic_id, post_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (user_id, post_id) DO NOTHING")
        .bind(sanad_platform::ids::new_id()).bind(user).bind(kind).bind(topic).bind(post).bind(now)
        .execute(c).await.map(|r| r.rows_affected() == 1))
}

/// Notifications written by one statement of [`insert_notifications`]: two
/// bound values a row, well within either backend's limit.
const NOTIFICATIONS_PER_INSERT: usize = 250;

/// Notifies each of `users` of `post`, [`NOTIFICATIONS_PER_INSERT`] to a
/// statement; returns those who were not notified of this post before (a
/// fan-out done twice tells nobody twice).
pub async fn insert_notifications(tx: &mut Tx, users: &[Uuid], kind: &str, topic: Uuid, post: Uuid, now: DateTime<Utc>) -> Sql<Vec<Uuid>> {
    let mut told = Vec::with_capacity(users.len());
    for chunk in users.chunks(NOTIFICATIONS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${}, $1, $2, $3, $4)", 5 + 2 * i, 6 + 2 * i)).collect();
        let sql = format!(
            "INSERT INTO forum_notifications (id, user_id, kind, topic_id, post_id, created_at) VALUES {} \
             ON CONFLICT (user_id, post_id) DO NOTHING RETURNING user_id",
            rows.join(", ")
        );
        let mut new = on_tx!(tx, c => {
            let mut q = sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(sql.as_str())).bind(kind).bind(topic).bind(post).bind(now);
            for user in chunk {
                q = q.bind(sanad_platform::ids::new_id()).bind(*user);
            }
            q.fetch_all(c).await
        })?;
        told.append(&mut new);
    }
    Ok(told)
}

/// A notification with the author of its post.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub kind: String,
    pub topic_id: Uuid,
    pub post_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub author_id: Uuid,
    pub anonymous: bool,
    pub pseudonym: Option<String>,
}

/// The notifications of `user` about published posts, newest first, before `before`.
pub async fn notifications(db: &Db, user: Uuid, before: Option<Uuid>, fetch: i64) -> Sql<Vec<NotificationRow>> {
    on_db!(db, c => sqlx::query_as::<_, NotificationRow>(
        "SELECT n.id, n.kind, n.topic_id, n.post_id, n.created_at, n.read_at, p.author_id, p.anonymous, ps.pseudonym \
         FROM forum_notifications n JOIN forum_posts p ON p.id = n.post_id \
         LEFT JOIN forum_pseudonyms ps ON ps.topic_id = p.topic_id AND ps.user_id = p.author_id \
         WHERE n.user_id = $1 AND p.status = 'published' AND ($2 IS NULL OR n.id < $2) ORDER BY n.id DESC LIMIT $3")
        .bind(user).bind(before).bind(fetch).fetch_all(c).await)
}

/// How many of them are unread.
pub async fn unread_notifications(db: &Db, user: Uuid) -> Sql<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM forum_notifications n JOIN forum_posts p ON p.id = n.post_id \
         WHERE n.user_id = $1 AND n.read_at IS NULL AND p.status = 'published'")
        .bind(user).fetch_one(c).await)
}

/// Marks one notification of `user` read.
pub async fn read_notification(tx: &mut Tx, user: Uuid, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE forum_notifications SET read_at = $3 WHERE user_id = $1 AND id = $2 AND read_at IS NULL")
        .bind(user).bind(id).bind(now).execute(c).await.map(|_| ()))
}

/// Marks every notification of `user` read.
pub async fn read_all_notifications(tx: &mut Tx, user: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE forum_notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
        .bind(user).bind(now).execute(c).await.map(|_| ()))
}

/// How `user` wants forum mail, when they chose.
pub async fn email_frequency(db: &Db, user: Uuid) -> Sql<Option<String>> {
    on_db!(db, c => sqlx::query_scalar::<_, String>("SELECT email FROM forum_notification_settings WHERE user_id = $1")
        .bind(user).fetch_optional(c).await)
}

/// The same, inside a transaction.
pub async fn email_frequency_in(tx: &mut Tx, user: Uuid) -> Sql<Option<String>> {
    on_tx!(tx, c => sqlx::query_scalar::<_, String>("SELECT email FROM forum_notification_settings WHERE user_id = $1")
        .bind(user).fetch_optional(c).await)
}

/// How each of `users` who chose wants forum mail: (member, frequency).
pub async fn email_frequencies(db: &Db, users: &[Uuid]) -> Sql<Vec<(Uuid, String)>> {
    sanad_platform::db::fetch_by_ids(db, users, |ids| {
        format!("SELECT user_id, email FROM forum_notification_settings WHERE user_id IN ({ids})")
    })
    .await
}

/// Sets how `user` wants forum mail.
pub async fn set_email_frequency(db: &Db, user: Uuid, email: &str) -> Sql<()> {
    on_db!(db, c => sqlx::query(
        "INSERT INTO forum_notification_settings (user_id, email) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO UPDATE SET email = excluded.email")
        .bind(user).bind(email).execute(c).await.map(|_| ()))
}

/// Queues the fan-out of a published post to its topic's watchers.
pub async fn insert_fanout(tx: &mut Tx, post: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO forum_fanout (id, post_id, created_at) VALUES ($1, $2, $3)")
        .bind(sanad_platform::ids::new_id()).bind(post).bind(now).execute(c).await.map(|_| ()))
}

/// The outcome of a claim on the fan-out queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Nothing waits.
    Nothing,
    /// Another instance took the job first: ask again.
    Lost,
    /// This job (id, post) is ours, under the claim's token, until the lease ends.
    Job(Uuid, Uuid),
}

/// Claims the oldest fan-out nobody holds, until `until`, stamping it with
/// `token` (fresh for every claim). A conditional update, so two instances
/// never hold the same job at once.
pub async fn claim_fanout(db: &Db, token: Uuid, now: DateTime<Utc>, until: DateTime<Utc>) -> Sql<Claim> {
    let candidate = on_db!(db, c => sqlx::query_as::<_, (Uuid, Uuid)>(
        "SELECT id, post_id FROM forum_fanout WHERE claimed_until IS NULL OR claimed_until < $1 ORDER BY id LIMIT 1")
        .bind(now).fetch_optional(c).await)?;
    let Some((id, post)) = candidate else { return Ok(Claim::Nothing) };
    let claimed = on_db!(db, c => sqlx::query(
        "UPDATE forum_fanout SET claimed_until = $2, claim_token = $4 \
         WHERE id = $1 AND (claimed_until IS NULL OR claimed_until < $3)")
        .bind(id).bind(until).bind(now).bind(token).execute(c).await.map(|r| r.rows_affected() == 1))?;
    Ok(if claimed { Claim::Job(id, post) } else { Claim::Lost })
}

/// Gives back the fan-out `id` if it is still held under `token`, for
/// another instance to claim at once instead of after the lease (an
/// instance stopping hands its job over). False when the lease had run out
/// and another instance holds it now: its claim is left alone.
pub async fn release_fanout(db: &Db, id: Uuid, token: Uuid) -> Sql<bool> {
    on_db!(db, c => sqlx::query(
        "UPDATE forum_fanout SET claimed_until = NULL, claim_token = NULL WHERE id = $1 AND claim_token = $2")
        .bind(id).bind(token).execute(c).await.map(|r| r.rows_affected() == 1))
}

/// How many posts still wait for their fan-out (claimed or not).
pub async fn fanout_waiting(db: &Db) -> Sql<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM forum_fanout").fetch_one(c).await)
}

/// Removes a fan-out done.
pub async fn delete_fanout(db: &Db, id: Uuid) -> Sql<()> {
    on_db!(db, c => sqlx::query("DELETE FROM forum_fanout WHERE id = $1").bind(id).execute(c).await.map(|_| ()))
}

/// The key that signs unsubscribe links: made by the first instance that needs it.
pub async fn signing_key(db: &Db, fresh: &[u8]) -> Sql<Vec<u8>> {
    on_db!(db, c => sqlx::query("INSERT INTO forum_keys (name, key) VALUES ('unsubscribe', $1) ON CONFLICT DO NOTHING")
        .bind(fresh).execute(c).await.map(|_| ()))?;
    on_db!(db, c => sqlx::query_scalar::<_, Vec<u8>>("SELECT key FROM forum_keys WHERE name = 'unsubscribe'").fetch_one(c).await)
}

/// Records that the search document of `post` may have changed.
pub async fn insert_index_event(tx: &mut Tx, post: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO forum_index_events (post_id, created_at) VALUES ($1, $2)")
        .bind(post).bind(now).execute(c).await.map(|_| ()))
}

/// Records that the search documents of every published post of `topic` may have changed (its title did).
pub async fn insert_topic_index_events(tx: &mut Tx, topic: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO forum_index_events (post_id, created_at) \
         SELECT id, $2 FROM forum_posts WHERE topic_id = $1 AND status = 'published' ORDER BY seq")
        .bind(topic).bind(now).execute(c).await.map(|_| ()))
}

/// How far back (in events) the re-read of recent index events goes at most,
/// so that it stays a range scan of the key.
const REREAD_EVENTS: i64 = 10_000;

/// Index events after `after`, and every one since `since` (a PostgreSQL
/// sequence may commit out of order, so recent ones are read again): (seq, post).
pub async fn index_events(db: &Db, after: i64, since: DateTime<Utc>) -> Sql<Vec<(i64, Uuid)>> {
    on_db!(db, c => sqlx::query_as::<_, (i64, Uuid)>(
        "SELECT seq, post_id FROM forum_index_events WHERE seq > $3 AND (seq > $1 OR created_at >= $2) ORDER BY seq")
        .bind(after).bind(since).bind(after - REREAD_EVENTS).fetch_all(c).await)
}

/// The last index event written.
pub async fn last_index_event(db: &Db) -> Sql<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM forum_index_events").fetch_one(c).await)
        .map(Option::unwrap_or_default)
}

/// What the index needs of a post, and whether it and its topic are published.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IndexRow {
    pub id: Uuid,
    pub category: String,
    pub title: String,
    pub body: String,
    pub published: bool,
}

const INDEX_SELECT: &str = "SELECT p.id, t.category, t.title, p.body, \
     (p.status = 'published' AND t.status = 'published') AS published \
     FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id";

/// One post for the index.
pub async fn index_row(db: &Db, post: Uuid) -> Sql<Option<IndexRow>> {
    let sql = format!("{INDEX_SELECT} WHERE p.id = $1");
    on_db!(db, c => sqlx::query_as::<_, IndexRow>(AssertSqlSafe(sql.as_str())).bind(post).fetch_optional(c).await)
}

/// Published posts of published topics after `after`, by id, for a rebuild.
pub async fn published_for_index(db: &Db, after: Option<Uuid>, fetch: i64) -> Sql<Vec<IndexRow>> {
    // Two statements, each a range scan of the key: with `$1 IS NULL OR
    // p.id > $1` both planners read from the first post for every batch, and a
    // rebuild of a million posts never ended.
    let published = "p.status = 'published' AND t.status = 'published'";
    let sql = match after {
        Some(_) => format!("{INDEX_SELECT} WHERE {published} AND p.id > $1 ORDER BY p.id LIMIT $2"),
        None => format!("{INDEX_SELECT} WHERE {published} ORDER BY p.id LIMIT $1"),
    };
    on_db!(db, c => {
        let q = sqlx::query_as::<_, IndexRow>(AssertSqlSafe(sql.as_str()));
        let q = match after { Some(id) => q.bind(id).bind(fetch), None => q.bind(fetch) };
        q.fetch_all(c).await
    })
}

/// Records a member's flag on a post; false when they had flagged it already.
pub async fn insert_flag(tx: &mut Tx, post: Uuid, user: Uuid, reason: &str, note: Option<&str>, now: DateTime<Utc>) -> Sql<bool> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO forum_flags (post_id, user_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING")
        .bind(post).bind(user).bind(reason).bind(note).bind(now).execute(c).await.map(|r| r.rows_affected() == 1))
}

/// The flags on a post: (reason, note), oldest first.
pub async fn flags(tx: &mut Tx, post: Uuid) -> Sql<Vec<(String, Option<String>)>> {
    on_tx!(tx, c => sqlx::query_as::<_, (String, Option<String>)>(
        "SELECT reason, note FROM forum_flags WHERE post_id = $1 ORDER BY created_at, user_id")
        .bind(post).fetch_all(c).await)
}

/// The open item of a post flagged by members, if any.
pub async fn open_flags_item(tx: &mut Tx, post: Uuid) -> Sql<Option<Uuid>> {
    on_tx!(tx, c => sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM forum_moderation_items WHERE post_id = $1 AND cause = 'flags' AND decided_at IS NULL")
        .bind(post).fetch_optional(c).await)
}

/// Sets the flag count and reasons of an open item.
pub async fn set_item_flags(tx: &mut Tx, id: Uuid, flags: i64, reasons: &str) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE forum_moderation_items SET flags = $2, reasons = $3 WHERE id = $1")
        .bind(id).bind(flags).bind(reasons).execute(c).await.map(|_| ()))
}

/// Forgets the flags on a post (a moderator approved it: later flags count afresh).
pub async fn clear_flags(tx: &mut Tx, post: Uuid) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM forum_flags WHERE post_id = $1").bind(post).execute(c).await.map(|_| ()))
}

/// A search hit's post with its topic's title and status.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HitRow {
    pub id: Uuid,
    pub topic_id: Uuid,
    pub author_id: Uuid,
    pub anonymous: bool,
    pub pseudonym: Option<String>,
    pub body: String,
    pub status: String,
    pub topic_title: String,
    pub topic_status: String,
}

/// The posts of `ids` (any order, some maybe gone) with their topics: one query per 500 ids.
pub async fn hit_rows(db: &Db, ids: &[Uuid]) -> Sql<Vec<HitRow>> {
    sanad_platform::db::fetch_by_ids(db, ids, |marks| {
        format!(
            "SELECT p.id, p.topic_id, p.author_id, p.anonymous, ps.pseudonym, p.body, p.status, \
             t.title AS topic_title, t.status AS topic_status \
             FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id \
             LEFT JOIN forum_pseudonyms ps ON ps.topic_id = p.topic_id AND ps.user_id = p.author_id \
             WHERE p.id IN ({marks})"
        )
    })
    .await
}
