//! The forum's two most frequent reads (a topic with one reader's marks, a
//! category's list) for many readers at once ([`sanad_platform::batch`]).
//! On PostgreSQL both in one statement: each question is a row of
//! `unnest`ed arrays, each answer is tagged with its question's number. On
//! SQLite, which reads in this process without a round trip, only the lists
//! are batched: a list costs its hand-offs and copies per row there
//! ([`topic_pages_in_process`]), a topic's one row does not.

use chrono::{DateTime, Utc};
use sanad_platform::Db;
use sqlx::{AssertSqlSafe, PgPool};
use std::collections::HashMap;
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

/// One reader's question about a category's list.
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

/// A row of [`topic_pages`]: a topic of one list asked (`n` = 0, the
/// columns of [`TopicListRow`] but the mark), or one reader's mark on a
/// topic of the list they asked (`n` = their question's number, `id` and
/// `last_seq` only).
#[derive(sqlx::FromRow)]
struct ListOrMark {
    n: i64,
    list: i64,
    id: Uuid,
    title: Option<String>,
    author_id: Option<Uuid>,
    anonymous: Option<bool>,
    pseudonym: Option<String>,
    reply_count: Option<i64>,
    last_activity_at: Option<DateTime<Utc>>,
    last_published_seq: Option<i64>,
    last_seq: Option<i64>,
}

/// Which list a question asks: its category and where it starts.
type ListKey<'a> = (&'a str, Option<(DateTime<Utc>, Uuid)>);

/// The questions by the limit their statement writes ([`super::written_limit`]):
/// one statement per limit asked (almost always one: the default page).
fn by_written_limit(asked: &[ListAsked]) -> Vec<(i64, Vec<usize>)> {
    let mut limits: Vec<(i64, Vec<usize>)> = Vec::new();
    for (i, a) in asked.iter().enumerate() {
        let written = super::written_limit(a.fetch);
        match limits.iter_mut().find(|(w, _)| *w == written) {
            Some((_, these)) => these.push(i),
            None => limits.push((written, vec![i])),
        }
    }
    limits
}

/// The distinct lists among `asked`, and which of them each asks.
fn distinct_lists<'a>(asked: impl Iterator<Item = &'a ListAsked>) -> (Vec<ListKey<'a>>, Vec<usize>) {
    let mut lists: Vec<ListKey> = Vec::new();
    let list_of = asked
        .map(|a| {
            let key = (a.category.as_str(), a.after);
            lists.iter().position(|k| *k == key).unwrap_or_else(|| {
                lists.push(key);
                lists.len() - 1
            })
        })
        .collect();
    (lists, list_of)
}

/// A category's list with its reader's marks for each question, in order.
///
/// Readers mostly ask the same lists (a category's first page): each list
/// asked in a batch is read once, and each reader's marks on its topics
/// beside it, rather than the list once per reader (bench/README.md: the
/// database's time per list fell from 51 to 28 µs at 64 readers).
pub async fn topic_pages(pool: &PgPool, asked: &[ListAsked]) -> Sql<Vec<Vec<TopicListRow>>> {
    // The limit is written, as at `topic_page` (and so PostgreSQL keeps one
    // plan though the rows asked for vary); the first
    // page starts after (infinity, the highest uuid).
    let mut answers: Vec<Vec<TopicListRow>> = asked.iter().map(|_| Vec::new()).collect();
    for (written, these) in by_written_limit(asked) {
        let (lists, list_of) = distinct_lists(these.iter().map(|i| &asked[*i]));
        let sql = format!(
            "WITH l AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::uuid[]) WITH ORDINALITY AS l(category, at, after_id, list)), \
             page AS MATERIALIZED (SELECT l.list, x.* FROM l CROSS JOIN LATERAL ( \
               SELECT t.id, t.title, t.author_id, t.anonymous, \
                 CASE WHEN t.anonymous THEN (SELECT ps.pseudonym FROM forum_pseudonyms ps WHERE ps.topic_id = t.id AND ps.user_id = t.author_id) END AS pseudonym, \
                 t.reply_count, t.last_activity_at, t.last_published_seq \
               FROM forum_topics t \
               WHERE t.category = l.category AND t.status = 'published' \
                 AND (t.last_activity_at, t.id) < (COALESCE(l.at, 'infinity'), COALESCE(l.after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff')) \
               ORDER BY t.last_activity_at DESC, t.id DESC LIMIT {written}) x) \
             SELECT 0::int8 AS n, list, id, title, author_id, anonymous, pseudonym, reply_count, last_activity_at, last_published_seq, NULL::int8 AS last_seq FROM page \
             UNION ALL \
             SELECT q.n, q.list, r.topic_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, r.last_seq \
               FROM unnest($4::uuid[], $5::int8[]) WITH ORDINALITY AS q(reader, list, n) \
               JOIN page p ON p.list = q.list \
               JOIN forum_read_state r ON r.topic_id = p.id AND r.user_id = q.reader"
        );
        let categories: Vec<&str> = lists.iter().map(|(c, _)| *c).collect();
        let at: Vec<Option<DateTime<Utc>>> = lists.iter().map(|(_, a)| a.map(|a| a.0)).collect();
        let after_id: Vec<Option<Uuid>> = lists.iter().map(|(_, a)| a.map(|a| a.1)).collect();
        let readers: Vec<Uuid> = these.iter().map(|i| asked[*i].reader).collect();
        let rows = sqlx::query_as::<_, ListOrMark>(AssertSqlSafe(sql))
            .bind(categories)
            .bind(at)
            .bind(after_id)
            .bind(readers)
            .bind(list_of.iter().map(|l| *l as i64 + 1).collect::<Vec<i64>>())
            .fetch_all(pool)
            .await?;
        let mut pages: Vec<Vec<TopicListRow>> = lists.iter().map(|_| Vec::new()).collect();
        // Each mark by (question's place in `these`, topic).
        let mut marks: HashMap<(usize, Uuid), i64> = HashMap::new();
        for r in rows {
            let Some(list) = usize::try_from(r.list - 1).ok().filter(|l| *l < pages.len()) else { continue };
            if r.n == 0 {
                pages[list].push(TopicListRow {
                    id: r.id,
                    title: r.title.unwrap_or_default(),
                    author_id: r.author_id.unwrap_or_default(),
                    // A row without it is shown as anonymous: never names by mistake.
                    anonymous: r.anonymous.unwrap_or(true),
                    pseudonym: r.pseudonym,
                    reply_count: r.reply_count.unwrap_or_default(),
                    last_activity_at: r.last_activity_at.unwrap_or_default(),
                    last_published_seq: r.last_published_seq.unwrap_or_default(),
                    last_seq: None,
                });
            } else if let (Ok(k), Some(seq)) = (usize::try_from(r.n - 1), r.last_seq) {
                marks.insert((k, r.id), seq);
            }
        }
        for page in &mut pages {
            // Latest activity first, as the list is read.
            page.sort_unstable_by_key(|t| std::cmp::Reverse((t.last_activity_at, t.id)));
        }
        for (k, (i, l)) in these.iter().zip(list_of).enumerate() {
            answers[*i] = with_marks(&pages[l], |topic| marks.get(&(k, topic)).copied());
        }
    }
    Ok(answers)
}

/// A category's list for each question, on SQLite: each list asked is
/// read once ([`super::topic_page`], without marks), then every reader's marks on
/// those lists' topics in one statement. SQLite reads in this process, but
/// each statement is a hand-off to its connection's thread and a copy of
/// every value read, which cost the list far more than the reading
/// (bench/README.md, seventh session).
pub async fn topic_pages_in_process(db: &Db, asked: &[ListAsked]) -> Sql<Vec<Vec<TopicListRow>>> {
    let mut pages: Vec<Vec<TopicListRow>> = Vec::new();
    // Which of `pages` each question asks.
    let mut list_of: Vec<usize> = vec![0; asked.len()];
    for (written, these) in by_written_limit(asked) {
        let (lists, of) = distinct_lists(these.iter().map(|i| &asked[*i]));
        let first = pages.len();
        for (category, after) in lists {
            pages.push(super::topic_page(db, category, after, written).await?);
        }
        for (i, l) in these.iter().zip(of) {
            list_of[*i] = first + l;
        }
    }
    let mut readers: Vec<String> = asked.iter().map(|a| a.reader.simple().to_string()).collect();
    readers.sort_unstable();
    readers.dedup();
    let mut topics: Vec<String> = pages.iter().flatten().map(|t| t.id.simple().to_string()).collect();
    topics.sort_unstable();
    topics.dedup();
    let marks: Vec<(Uuid, Uuid, i64)> = if topics.is_empty() {
        Vec::new()
    } else {
        // Ids go as JSON arrays of hex (SQLite has no arrays; its ids are blobs).
        let (readers, topics) = (serde_json::to_string(&readers).unwrap_or_default(), serde_json::to_string(&topics).unwrap_or_default());
        let Db::Sqlite(pool, _) = db else {
            // PostgreSQL reads its lists with the marks in one statement ([`topic_pages`]).
            return Err(sqlx::Error::Configuration("the in-process batch of lists is SQLite's".into()));
        };
        sqlx::query_as(
            "SELECT r.user_id, r.topic_id, r.last_seq FROM json_each($1) u \
             JOIN forum_read_state r ON r.user_id = unhex(u.value) \
             WHERE r.topic_id IN (SELECT unhex(value) FROM json_each($2))",
        )
        .bind(&readers)
        .bind(&topics)
        .fetch_all(pool)
        .await?
    };
    let marks: HashMap<(Uuid, Uuid), i64> = marks.into_iter().map(|(reader, topic, seq)| ((reader, topic), seq)).collect();
    Ok(asked.iter().zip(list_of).map(|(a, l)| with_marks(&pages[l], |topic| marks.get(&(a.reader, topic)).copied())).collect())
}

/// One reader's answer: a list read once for the batch, with their marks.
fn with_marks(page: &[TopicListRow], mark: impl Fn(Uuid) -> Option<i64>) -> Vec<TopicListRow> {
    page.iter().map(|t| TopicListRow { last_seq: mark(t.id), ..t.clone() }).collect()
}
