//! Reading the forum: a category's list of topics and a topic's pages.
//!
//! Most readers of a topic see the same page, so it is shared through this
//! instance's kept pages ([`crate::kept`]): a request reads the topic's
//! version together with the reader's own marks in one query, and builds the
//! page only when no kept one has that version. What differs between readers
//! (their read mark, their reactions, their own posts' Markdown) is laid over
//! the shared page. A moderator, and a member with posts held in the topic, see
//! posts others do not: their pages are built for them alone.

use sanad_platform::page::{self, Page};
use sanad_platform::{Caller, Error, Result};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

use super::{Forum, author_of_post, author_of_topic, can_read_topic, is_moderator, sql, status_of};
use crate::author::{Names, StoredAuthor, shown};
use crate::kept::{KeptPost, KeptTopicPage};
use crate::model::*;
use crate::store::batched::{ListAsked, TopicAsked};
use crate::store::{self, PostRow, TopicForReader, TopicListRow, TopicRow};

/// A batch that failed (logged where it failed).
fn batch_failed(e: sanad_platform::batch::Failed) -> Error {
    Error::Internal(e.into())
}

/// A page of posts read for one reader ([`Forum::posts_read`]).
struct PostsRead {
    page: Page<PostRow>,
    /// The numbers of its first and last posts (`(0, 0)` when empty).
    range: (i64, i64),
    counts: HashMap<Uuid, BTreeMap<String, i64>>,
    mine: HashMap<Uuid, Vec<ReactionKind>>,
    /// Each post's author, in the page's order.
    authors: Vec<StoredAuthor>,
    names: Names,
    topic_author: StoredAuthor,
}

/// What a post shows to every reader alike (as published, without
/// reactions); the rest is the reader's.
pub(super) fn published_view(p: PostRow, author: AuthorView) -> PostView {
    PostView {
        id: p.id,
        seq: p.seq,
        author,
        body_html: p.body_html,
        reply_to: p.reply_to,
        status: PostStatus::Published,
        created_at: p.created_at,
        edited_at: p.edited_at,
        reactions: BTreeMap::new(),
        my_reactions: Vec::new(),
        reasons: Vec::new(),
        mine: false,
        body: None,
    }
}

/// A topic's page as one reader gets it ([`Forum::topic`]).
#[derive(Debug)]
pub enum TopicAnswer {
    /// Built for this reader alone: a moderator's, or a member's with posts held in the topic.
    Own(TopicWithPosts),
    /// The page every reader shares, with this reader's own fields laid over it.
    Shared {
        /// The topic's head as this reader sees it.
        topic: TopicView,
        /// The kept page.
        page: Arc<KeptTopicPage>,
        /// Who reads: their own posts show `mine` and `body`.
        reader: Uuid,
        /// The reader's reactions, by post.
        my_reactions: HashMap<Uuid, Vec<ReactionKind>>,
    },
}

impl TopicAnswer {
    /// The cursor of the topic's next page, if any.
    pub fn next_cursor(&self) -> Option<&str> {
        match self {
            TopicAnswer::Own(page) => page.next_cursor.as_deref(),
            TopicAnswer::Shared { page, .. } => page.next_cursor.as_deref(),
        }
    }

    /// The answer as JSON: a [`TopicWithPosts`].
    pub fn json_bytes(&self) -> Result<Vec<u8>> {
        match self {
            TopicAnswer::Own(page) => serde_json::to_vec(page),
            TopicAnswer::Shared { topic, page, reader, my_reactions } => page.write_for(topic, *reader, my_reactions),
        }
        .map_err(|e| Error::Internal(e.into()))
    }
}

/// Each post's reactions by kind, and the reader's own.
type Reactions = (HashMap<Uuid, BTreeMap<String, i64>>, HashMap<Uuid, Vec<ReactionKind>>);

impl Forum {
    /// A page of a category's topics, latest activity first, with the caller's unread marks.
    pub async fn topics(&self, caller: &Caller, slug: &str, cursor: Option<&str>, limit: Option<u32>) -> Result<TopicPage> {
        let limit = page::limit(limit)?;
        if !super::is_slug(slug) {
            return Err(Error::NotFound("category"));
        }
        let after = page::decode_key::<(chrono::DateTime<chrono::Utc>, Uuid)>(cursor)?;
        let rows = self.topic_list(slug, caller.user_id, after, page::fetch_limit(limit)).await?;
        // Topics prove the category; only an empty page asks whether it exists.
        if rows.is_empty() && !store::category_exists(&self.db, slug).await.map_err(sql)? {
            return Err(Error::NotFound("category"));
        }
        let page = Page::from_rows(rows, limit, |t| page::encode_key(&(t.last_activity_at, t.id)));
        // Names as the kept topic pages show them: read again after KEPT_FOR.
        let authors: Vec<StoredAuthor> = page.items.iter().map(|t| StoredAuthor::of(t.author_id, t.anonymous, &t.pseudonym)).collect();
        let names = Names::of_kept(self.people.as_ref(), &self.kept, &authors).await?;
        let items = page
            .items
            .into_iter()
            .zip(authors.iter())
            .map(|(t, author)| TopicSummary {
                id: t.id,
                title: t.title,
                author: shown(author, &names),
                reply_count: t.reply_count,
                last_activity_at: t.last_activity_at,
                unread: t.last_published_seq > t.last_seq.unwrap_or(0),
            })
            .collect();
        Ok(TopicPage { items, next_cursor: page.next_cursor })
    }

    /// A topic and one page of its posts; the caller's read mark moves to the page's last post.
    pub async fn topic(&self, caller: &Caller, id: Uuid, cursor: Option<&str>, limit: Option<u32>) -> Result<TopicAnswer> {
        let limit = page::limit(limit)?;
        let after = page::decode_key::<i64>(cursor)?.unwrap_or(0);
        let key = (id, after, limit);
        let kept = self.kept.topic_page(&key);
        // The reader's reactions are read with the topic, on the kept page's posts.
        let range = kept.as_ref().map_or((1, 0), |k| k.range);
        let found = self
            .topic_for_reader(TopicAsked { topic: id, reader: caller.user_id, range })
            .await?
            .filter(|r| can_read_topic(&r.topic, caller))
            .ok_or(Error::NotFound("topic"))?;
        if is_moderator(caller) || found.holds_posts {
            return Ok(TopicAnswer::Own(self.own_topic_page(caller, found, after, limit).await?));
        }
        let (shared, my_reactions) = match kept.filter(|k| k.version == found.topic.version) {
            Some(kept) => {
                let by_seq: HashMap<i64, Uuid> = kept.posts.iter().map(|p| (p.seq, p.id)).collect();
                let mine = reactions_listed(found.my_reactions.as_deref(), &by_seq);
                (kept, mine)
            }
            None => {
                let built = Arc::new(self.build_topic_page(&found.topic, after, limit).await?);
                self.kept.keep_topic_page(key, built.clone());
                let (_, mine) = self.reactions(id, built.range, caller.user_id).await?;
                (built, mine)
            }
        };
        let last_read_seq = found.last_seq.unwrap_or(0);
        self.mark_read(caller, id, last_read_seq, shared.range.1).await?;
        let topic = topic_view(&found, shared.topic_author.clone(), caller);
        Ok(TopicAnswer::Shared { topic, page: shared, reader: caller.user_id, my_reactions })
    }

    /// A category's list for one reader ([`store::topic_page`]), batched
    /// with other readers' (PostgreSQL: [`store::batched::topic_pages`];
    /// SQLite: [`store::batched::topic_pages_in_process`]).
    async fn topic_list(
        &self,
        slug: &str,
        reader: Uuid,
        after: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
        fetch: i64,
    ) -> Result<Vec<TopicListRow>> {
        self.batches.lists.read(ListAsked { category: slug.to_string(), reader, after, fetch }).await.map_err(batch_failed)
    }

    /// A topic with one reader's marks ([`store::topic_for_reader`]), batched
    /// with other readers' on PostgreSQL.
    async fn topic_for_reader(&self, asked: TopicAsked) -> Result<Option<TopicForReader>> {
        match &self.batches.topics {
            Some(topics) => topics.read(asked).await.map_err(batch_failed),
            None => store::topic_for_reader(&self.db, asked.topic, asked.reader, asked.range).await.map_err(sql),
        }
    }

    /// The page of published posts every reader without held posts sees.
    async fn build_topic_page(&self, topic: &TopicRow, after: i64, limit: u32) -> Result<KeptTopicPage> {
        let read = self.posts_read(topic, after, limit, Uuid::nil(), false).await?;
        let PostsRead { page, range, mut counts, authors, names, topic_author, .. } = read;
        let posts = page
            .items
            .into_iter()
            .zip(authors.iter())
            .map(|(mut p, a)| {
                let (author_id, body) = (p.author_id, std::mem::take(&mut p.body));
                let view = PostView {
                    reactions: counts.remove(&p.id).unwrap_or_default(),
                    status: status_of(&p.status),
                    ..published_view(p, shown(a, &names))
                };
                KeptPost::new(&view, author_id, body)
            })
            .collect::<serde_json::Result<Vec<_>>>()
            .map_err(|e| Error::Internal(e.into()))?;
        Ok(KeptTopicPage {
            version: topic.version,
            built: Instant::now(),
            topic_author: shown(&topic_author, &names),
            posts,
            next_cursor: page.next_cursor,
            range,
        })
    }

    /// A page for a moderator (every held post) or for a member with held
    /// posts in the topic (theirs, with the reasons): nobody else's to share.
    async fn own_topic_page(&self, caller: &Caller, found: TopicForReader, after: i64, limit: u32) -> Result<TopicWithPosts> {
        let moderator = is_moderator(caller);
        let read = self.posts_read(&found.topic, after, limit, caller.user_id, moderator).await?;
        let PostsRead { page, range, mut counts, mut mine, authors, names, topic_author } = read;
        self.mark_read(caller, found.topic.id, found.last_seq.unwrap_or(0), range.1).await?;
        let posts = page
            .items
            .into_iter()
            .zip(authors.iter())
            .map(|(mut p, a)| {
                let status = status_of(&p.status);
                let own = p.author_id == caller.user_id;
                let body = std::mem::take(&mut p.body);
                PostView {
                    mine: own,
                    // The Markdown to edit from: the author's own, and moderators' to redact.
                    body: (own || moderator).then_some(body),
                    reactions: counts.remove(&p.id).unwrap_or_default(),
                    my_reactions: mine.remove(&p.id).unwrap_or_default(),
                    reasons: if status == PostStatus::Held { super::reasons_from(p.reasons.as_deref()) } else { Vec::new() },
                    status,
                    ..published_view(p, shown(a, &names))
                }
            })
            .collect();
        let topic = topic_view(&found, shown(&topic_author, &names), caller);
        Ok(TopicWithPosts { topic, posts, next_cursor: page.next_cursor })
    }

    /// A page of a topic's posts as `reader` may read them (`Uuid::nil()`:
    /// published posts only, as any member), with their reactions (the
    /// reader's own apart) and their authors' names as members see them.
    async fn posts_read(&self, topic: &TopicRow, after: i64, limit: u32, reader: Uuid, all_held: bool) -> Result<PostsRead> {
        let rows = store::posts_page(&self.db, topic.id, after, reader, all_held, page::fetch_limit(limit)).await.map_err(sql)?;
        let page = Page::from_rows(rows, limit, |p| page::encode_key(&p.seq));
        let range = (page.items.first().map_or(0, |p| p.seq), page.items.last().map_or(0, |p| p.seq));
        let (counts, mine) = self.reactions(topic.id, range, reader).await?;
        let topic_author = author_of_topic(topic);
        let authors: Vec<StoredAuthor> = page.items.iter().map(author_of_post).collect();
        let names = Names::of(self.people.as_ref(), authors.iter().chain(std::iter::once(&topic_author))).await?;
        Ok(PostsRead { page, range, counts, mine, authors, names, topic_author })
    }

    /// The reactions on the posts numbered `from..=to`: counts, and `reader`'s own.
    async fn reactions(&self, topic: Uuid, (from, to): (i64, i64), reader: Uuid) -> Result<Reactions> {
        let mut counts: HashMap<Uuid, BTreeMap<String, i64>> = HashMap::new();
        let mut mine: HashMap<Uuid, Vec<ReactionKind>> = HashMap::new();
        if to == 0 {
            return Ok((counts, mine));
        }
        for (post, kind, n, by_reader) in store::reactions_on(&self.db, topic, from, to, reader).await.map_err(sql)? {
            if by_reader && let Some(kind) = ReactionKind::parse(&kind) {
                mine.entry(post).or_default().push(kind);
            }
            counts.entry(post).or_default().insert(kind, n);
        }
        mine.values_mut().for_each(|kinds| kinds.sort_unstable());
        Ok((counts, mine))
    }

    /// Moves the reader's mark to `to`: only forward, so a page read again writes nothing.
    async fn mark_read(&self, caller: &Caller, topic: Uuid, last_read_seq: i64, to: i64) -> Result<()> {
        if to > last_read_seq {
            store::mark_read_to(&self.db, caller.user_id, topic, to).await.map_err(sql)?;
        }
        Ok(())
    }
}

/// The reader's reactions as [`store::topic_for_reader`] lists them (`seq:kind,...`), by post.
fn reactions_listed(listed: Option<&str>, by_seq: &HashMap<i64, Uuid>) -> HashMap<Uuid, Vec<ReactionKind>> {
    let mut mine: HashMap<Uuid, Vec<ReactionKind>> = HashMap::new();
    for (seq, kind) in listed.unwrap_or_default().split(',').filter_map(|pair| pair.split_once(':')) {
        if let (Some(post), Some(kind)) = (seq.parse().ok().and_then(|s: i64| by_seq.get(&s)), ReactionKind::parse(kind)) {
            mine.entry(*post).or_default().push(kind);
        }
    }
    mine.values_mut().for_each(|kinds| kinds.sort_unstable());
    mine
}

/// The topic's head as `caller` sees it.
fn topic_view(found: &TopicForReader, author: AuthorView, caller: &Caller) -> TopicView {
    let topic = &found.topic;
    TopicView {
        id: topic.id,
        category: topic.category.clone(),
        title: topic.title.clone(),
        author,
        status: status_of(&topic.status),
        reply_count: topic.reply_count,
        created_at: topic.created_at,
        last_activity_at: topic.last_activity_at,
        answer_post_id: topic.answer_post_id,
        // Only the caller's own topic says so: it names nobody to anyone else.
        mine: topic.author_id == caller.user_id,
        subscription: found.level.as_deref().and_then(SubscriptionLevel::parse).unwrap_or(SubscriptionLevel::Normal),
        last_read_seq: found.last_seq.unwrap_or(0),
        last_published_seq: topic.last_published_seq,
    }
}
