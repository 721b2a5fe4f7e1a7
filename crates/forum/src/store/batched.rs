//! The forum's two most frequent reads (a topic with one reader's marks, a
//! category's list) for many readers in one statement, on PostgreSQL: each
//! question is a row of `unnest`ed arrays, each answer is tagged with its
//! question's number ([`sanad_platform::batch`]). SQLite runs in this
//! process, where a statement costs no round trip: it reads one at a time.

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, PgPool};
use uuid::Uuid;

use super::{Sql, TopicForReader, TopicListRow};

/// One reader's question about a topic ([`super::topic_for_reader`]).
#[derive(Clone, Copy, Debug)]
pub struct TopicAsked {
    /// The topic read.
    pub topic: Uuid,
    /// Who reads it.
    pub reader: Uuid,
    /// The posts whose reactions by the reader are wanted (`from..=to`).
    pub range: (i64, i64),
}

#[derive(sqlx::FromRow)]
struct NumberedTopic {
    n: i64,
    #[sqlx(flatten)]
    row: TopicForReader,
}

/// [`super::topic_for_reader`] for each question, in order (`None` where the topic does not exist).
pub async fn topics_for_readers(pool: &PgPool, asked: &[TopicAsked]) -> Sql<Vec<Option<TopicForReader>>> {
    let sql = concat!(
        "SELECT q.n, ",
        topic_columns!(),
        ", (SELECT last_seq FROM forum_read_state WHERE user_id = q.reader AND topic_id = t.id) AS last_seq, \
           (SELECT level FROM forum_subscriptions WHERE topic_id = t.id AND user_id = q.reader) AS level, \
           EXISTS (SELECT 1 FROM forum_posts h WHERE h.topic_id = t.id AND h.author_id = q.reader AND h.status = 'held') AS holds_posts, \
           (SELECT string_agg(p.seq || ':' || r.kind, ',') FROM forum_posts p \
              JOIN forum_reactions r ON r.post_id = p.id AND r.user_id = q.reader \
             WHERE p.topic_id = t.id AND p.seq BETWEEN q.from_seq AND q.to_seq) AS my_reactions \
         FROM unnest($1::uuid[], $2::uuid[], $3::int8[], $4::int8[]) WITH ORDINALITY AS q(topic, reader, from_seq, to_seq, n) \
         JOIN forum_topics t ON t.id = q.topic JOIN forum_categories c ON c.slug = t.category \
         LEFT JOIN forum_pseudonyms ps ON ps.topic_id = t.id AND ps.user_id = t.author_id"
    );
    let topics: Vec<Uuid> = asked.iter().map(|a| a.topic).collect();
    let readers: Vec<Uuid> = asked.iter().map(|a| a.reader).collect();
    let from: Vec<i64> = asked.iter().map(|a| a.range.0).collect();
    let to: Vec<i64> = asked.iter().map(|a| a.range.1).collect();
    let rows = sqlx::query_as::<_, NumberedTopic>(sql).bind(topics).bind(readers).bind(from).bind(to).fetch_all(pool).await?;
    let mut answers: Vec<Option<TopicForReader>> = asked.iter().map(|_| None).collect();
    for r in rows {
        if let Some(slot) = usize::try_from(r.n - 1).ok().and_then(|i| answers.get_mut(i)) {
            *slot = Some(r.row);
        }
    }
    Ok(answers)
}

/// One reader's question about a category's list ([`super::topic_page`]).
#[derive(Clone, Debug)]
pub struct ListAsked {
    /// The category's slug.
    pub category: String,
    /// Who reads it (their read marks).
    pub reader: Uuid,
    /// After which (activity, topic) the page starts (`None`: the first page).
    pub after: Option<(DateTime<Utc>, Uuid)>,
    /// Rows wanted: the page's size and one more (2 to 101).
    pub fetch: i64,
}

#[derive(sqlx::FromRow)]
struct NumberedListRow {
    n: i64,
    #[sqlx(flatten)]
    row: TopicListRow,
}

/// [`super::topic_page`] for each question, in order.
pub async fn topic_pages(pool: &PgPool, asked: &[ListAsked]) -> Sql<Vec<Vec<TopicListRow>>> {
    // One statement per limit asked (almost always one: the default page).
    // The limit is written, for the reason given at `topic_page`; the first
    // page starts after (infinity, the highest uuid).
    let mut answers: Vec<Vec<TopicListRow>> = asked.iter().map(|_| Vec::new()).collect();
    let mut limits: Vec<i64> = asked.iter().map(|a| super::written_limit(a.fetch)).collect();
    limits.sort_unstable();
    limits.dedup();
    for written in limits {
        let these: Vec<usize> = (0..asked.len()).filter(|i| super::written_limit(asked[*i].fetch) == written).collect();
        let sql = format!(
            "SELECT q.n, x.* FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::uuid[]) WITH ORDINALITY AS q(category, reader, at, after_id, n) \
             CROSS JOIN LATERAL ( \
               SELECT t.id, t.title, t.author_id, t.anonymous, \
                 CASE WHEN t.anonymous THEN (SELECT ps.pseudonym FROM forum_pseudonyms ps WHERE ps.topic_id = t.id AND ps.user_id = t.author_id) END AS pseudonym, \
                 t.reply_count, t.last_activity_at, t.post_seq, \
                 (SELECT r.last_seq FROM forum_read_state r WHERE r.topic_id = t.id AND r.user_id = q.reader) AS last_seq \
               FROM forum_topics t \
               WHERE t.category = q.category AND t.status = 'published' \
                 AND (t.last_activity_at, t.id) < (COALESCE(q.at, 'infinity'), COALESCE(q.after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff')) \
               ORDER BY t.last_activity_at DESC, t.id DESC LIMIT {written}) x \
             ORDER BY q.n, x.last_activity_at DESC, x.id DESC"
        );
        let categories: Vec<&str> = these.iter().map(|i| asked[*i].category.as_str()).collect();
        let readers: Vec<Uuid> = these.iter().map(|i| asked[*i].reader).collect();
        let at: Vec<Option<DateTime<Utc>>> = these.iter().map(|i| asked[*i].after.map(|a| a.0)).collect();
        let after_id: Vec<Option<Uuid>> = these.iter().map(|i| asked[*i].after.map(|a| a.1)).collect();
        let rows = sqlx::query_as::<_, NumberedListRow>(AssertSqlSafe(sql))
            .bind(categories)
            .bind(readers)
            .bind(at)
            .bind(after_id)
            .fetch_all(pool)
            .await?;
        for r in rows {
            if let Some(slot) = usize::try_from(r.n - 1).ok().and_then(|k| these.get(k)).and_then(|i| answers.get_mut(*i)) {
                slot.push(r.row);
            }
        }
    }
    Ok(answers)
}
