//! The rules of the forum: who reads and writes what, the hold decision on
//! every text written, pseudonyms, moderation, and notifications (the topic's
//! author told in the transaction of the post, watchers by the fan-out job).
//! Free of HTTP.

use chrono::Duration as ChronoDuration;
use sanad_platform::ReasonCode;
use sanad_platform::batch::{Batched, Lanes};
use sanad_platform::error::FieldCode;
use sanad_platform::page::{self, Page};
use sanad_platform::people::{PeopleDirectory, Person};
use sanad_platform::{Caller, Clock, Db, Error, Result, Role, Tx};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, OnceCell, watch};
use uuid::Uuid;

use crate::author::{StoredAuthor, new_pseudonym, with_authors};
use crate::hold::{self, Verdict};
use crate::kept::KeptPages;
use crate::limits::{self, Action, Limits};
use crate::model::*;
use crate::screening::Screener;
use crate::search::{Analyzers, PostDoc, PostIndex};
use crate::store::batched::{ListAsked, TopicAsked};
use crate::store::{self, Claim, PostRow, TopicForReader, TopicListRow, TopicRow};
use crate::unsubscribe::Signer;

mod digest;
mod live;
mod notify;
mod pages;

pub use live::{LiveCursor, LiveEvent, Resume};
pub use pages::TopicAnswer;

/// The forum service. Cheap to clone.
#[derive(Clone)]
pub struct Forum {
    pub(crate) db: Db,
    pub(crate) clock: Clock,
    pub(crate) people: Arc<dyn PeopleDirectory>,
    wake_mail: Arc<dyn Fn() + Send + Sync>,
    /// The screening pipeline, built once.
    screener: Arc<Screener>,
    /// Tells the fan-out job that a post waits for its watchers.
    fanout: Arc<Notify>,
    signer: Arc<OnceCell<Signer>>,
    /// The search index of published posts, kept by this instance's indexer.
    pub(crate) index: Arc<PostIndex>,
    /// Tells the indexer that index events wait.
    index_wake: Arc<Notify>,
    /// Index events of the re-read window already applied (and the lock of applying them).
    index_recent: Arc<tokio::sync::Mutex<BTreeSet<i64>>>,
    /// How much members may write ([`crate::limits`]).
    pub(crate) limits: Option<Limits>,
    /// Pages every reader shares ([`crate::kept`]).
    kept: Arc<KeptPages>,
    /// The reads of lists (and of topics on PostgreSQL), batched.
    batches: ReadBatches,
}

/// The forum's most frequent reads, batched ([`sanad_platform::batch`]).
#[derive(Clone, Debug)]
pub(crate) struct ReadBatches {
    /// PostgreSQL only: on SQLite a topic's read is one row, no dearer alone.
    topics: Option<Batched<TopicAsked, Option<TopicForReader>>>,
    lists: Batched<ListAsked, Vec<TopicListRow>>,
}

/// Reads in one batch at most.
const READS_PER_BATCH: usize = 64;

/// Batches of lists at once on SQLite, one a core: with one, every list
/// waits behind the batch at the database; with four, fewer lists a second
/// and a longer tail (bench/README.md, seventh session).
const SQLITE_LANES: usize = 2;

impl ReadBatches {
    fn on(db: &Db) -> Self {
        let Some(pool) = db.batch_reads() else {
            let db = db.clone();
            return Self {
                topics: None,
                lists: Batched::new(
                    "forum lists",
                    Lanes::new(SQLITE_LANES),
                    READS_PER_BATCH,
                    Arc::new(move |asked: Vec<ListAsked>| {
                        let db = db.clone();
                        Box::pin(async move { store::batched::topic_pages_in_process(&db, &asked).await })
                    }),
                ),
            };
        };
        let (p1, p2) = (pool.clone(), pool.clone());
        // Both kinds share the pool's connections: as many batches at once.
        // Fewer, larger batches cost the database less (at 64 connections,
        // two lanes read the 10,000-post topic's page in batches of 20 to
        // 63; bench/README.md, sixth session); more lanes would only wait.
        let lanes = Lanes::new(pool.options().get_max_connections() as usize);
        Self {
            topics: Some(Batched::new(
                "forum topics",
                lanes.clone(),
                READS_PER_BATCH,
                Arc::new(move |asked: Vec<TopicAsked>| {
                    let pool = p1.clone();
                    Box::pin(async move { store::batched::topics_for_readers(&pool, &asked).await })
                }),
            )),
            lists: Batched::new(
                "forum lists",
                lanes.clone(),
                READS_PER_BATCH,
                Arc::new(move |asked: Vec<ListAsked>| {
                    let pool = p2.clone();
                    Box::pin(async move { store::batched::topic_pages(&pool, &asked).await })
                }),
            ),
        }
    }
}

/// What the forum reads from other crates, and the mail worker to wake.
pub struct ForumSeams {
    pub people: Arc<dyn PeopleDirectory>,
    pub wake_mail: Arc<dyn Fn() + Send + Sync>,
    /// The library's analyzers, for the index of posts.
    pub analyzers: Analyzers,
}

impl std::fmt::Debug for Forum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Forum")
    }
}

/// A new topic, as the service takes it.
#[derive(Clone, Debug)]
pub struct TopicInput {
    pub category: String,
    pub title: String,
    pub body: String,
    pub anonymous: bool,
}

/// A new post in a topic.
#[derive(Clone, Debug)]
pub struct PostInput {
    pub body: String,
    pub reply_to: Option<Uuid>,
    pub anonymous: bool,
}

/// A moderator's decision, as the service takes it.
#[derive(Clone, Debug)]
pub struct DecisionRequest {
    pub decision: Decision,
    pub note: Option<String>,
    pub body: Option<String>,
}

/// Longest topic title, in characters.
pub(crate) const MAX_TITLE_CHARS: usize = 200;
/// How many distinct members' flags hide a post until a moderator decides.
pub const FLAGS_TO_HIDE: usize = 3;
/// Longest note of a flag, in characters.
const MAX_FLAG_NOTE_CHARS: usize = 1000;
/// Watchers told per transaction of the fan-out (two INSERTs of this many
/// rows at most: notifications, then mails).
const FANOUT_CHUNK: usize = 250;
/// How long a fan-out job is held by the instance that claimed it.
const FANOUT_LEASE_SECS: i64 = 120;

/// A post being published: what its notifications are told from.
#[derive(Clone, Copy)]
struct Publication<'a> {
    topic: &'a TopicRow,
    post: Uuid,
    /// Its author (never named to others when the post is anonymous).
    poster: Uuid,
    /// Its Markdown.
    body: &'a str,
    now: chrono::DateTime<chrono::Utc>,
}

/// Whether `slug` could name a category (lowercase letters, digits and
/// hyphens): any other text names none and is not sent to the database,
/// which refuses some (PostgreSQL: a NUL byte) with an error, not a miss.
pub(crate) fn is_slug(slug: &str) -> bool {
    (1..=64).contains(&slug.len()) && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn sql(e: sqlx::Error) -> Error {
    Error::Internal(e.into())
}

/// What became of a claimed fan-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FanOut {
    /// Every watcher was told and the job removed.
    Finished,
    /// Told to stop between two transactions: the job is still to finish.
    Stopped,
}

fn is_moderator(caller: &Caller) -> bool {
    caller.has_any(&[Role::Moderator, Role::Admin])
}

fn require_moderator(caller: &Caller) -> Result<()> {
    caller.require_any(&[Role::Moderator, Role::Admin])
}

fn status_of(stored: &str) -> PostStatus {
    PostStatus::parse(stored).unwrap_or(PostStatus::Deleted)
}

/// Whether `caller` may read a topic: published, or held and theirs (or a moderator's to review).
fn can_read_topic(topic: &TopicRow, caller: &Caller) -> bool {
    match status_of(&topic.status) {
        PostStatus::Published => true,
        PostStatus::Held => topic.author_id == caller.user_id || is_moderator(caller),
        PostStatus::Rejected | PostStatus::Deleted => false,
    }
}

/// Whether `caller` may read a post of a topic they may read.
fn can_read_post(post: &PostRow, caller: &Caller) -> bool {
    match status_of(&post.status) {
        PostStatus::Published => true,
        PostStatus::Held => post.author_id == caller.user_id || is_moderator(caller),
        PostStatus::Rejected | PostStatus::Deleted => false,
    }
}

fn author_of_post(p: &PostRow) -> StoredAuthor {
    StoredAuthor::of(p.author_id, p.anonymous, &p.pseudonym)
}

fn author_of_topic(t: &TopicRow) -> StoredAuthor {
    StoredAuthor::of(t.author_id, t.anonymous, &t.pseudonym)
}

fn reasons_json(reasons: &[Reason]) -> String {
    serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into())
}

fn reasons_from(json: Option<&str>) -> Vec<Reason> {
    json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default()
}

/// A body of Markdown: something written, within the size of one field.
/// A note for the moderators (a flag's, a decision's, a redaction's):
/// trimmed, `None` when empty, at most [`MAX_FLAG_NOTE_CHARS`] characters,
/// and text only: a control character other than a line break or a tab is
/// refused (PostgreSQL cannot store a NUL, and nobody types one).
pub(crate) fn checked_note<'a>(note: Option<&'a str>, field: &str) -> Result<Option<&'a str>> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else { return Ok(None) };
    if note.chars().count() > MAX_FLAG_NOTE_CHARS {
        return Err(Error::invalid(field, FieldCode::TooLong, "at most 1000 characters"));
    }
    if note.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Error::invalid(field, FieldCode::ControlCharacters, "must not contain control characters"));
    }
    Ok(Some(note))
}

fn checked_body(body: &str, field: &str) -> Result<String> {
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::invalid(field, FieldCode::Required, "must not be empty"));
    }
    if !sanad_platform::markdown::fits(body) {
        return Err(Error::invalid(field, FieldCode::TooLong, "is longer than 100 KiB"));
    }
    if body.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Error::invalid(field, FieldCode::ControlCharacters, "must not contain control characters"));
    }
    Ok(body.to_string())
}

fn checked_title(title: &str) -> Result<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::invalid("title", FieldCode::Required, "must not be empty"));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(Error::invalid("title", FieldCode::TooLong, "is longer than 200 characters"));
    }
    if title.chars().any(char::is_control) {
        return Err(Error::invalid("title", FieldCode::ControlCharacters, "must be one line of text"));
    }
    Ok(title.to_string())
}

impl Forum {
    /// A forum over `db`, with an empty index of posts in memory (the indexer fills it).
    pub fn new(db: Db, clock: Clock, seams: ForumSeams) -> anyhow::Result<Self> {
        let ForumSeams { people, wake_mail, analyzers } = seams;
        let index = Arc::new(PostIndex::in_ram(&analyzers)?);
        Ok(Self {
            clock,
            people,
            wake_mail,
            screener: Arc::new(Screener::standard()),
            fanout: Arc::new(Notify::new()),
            signer: Arc::new(OnceCell::new()),
            index,
            index_wake: Arc::new(Notify::new()),
            index_recent: Arc::new(tokio::sync::Mutex::new(BTreeSet::new())),
            limits: Some(Limits::STANDARD),
            kept: Arc::new(KeptPages::default()),
            batches: ReadBatches::on(&db),
            db,
        })
    }

    /// The same forum with another screening pipeline (one with a deployment's own detectors).
    pub fn with_screener(mut self, screener: Screener) -> Self {
        self.screener = Arc::new(screener);
        self
    }

    async fn signer(&self) -> Result<&Signer> {
        self.signer
            .get_or_try_init(|| async {
                let fresh = sanad_platform::secret::random_bytes::<32>();
                store::signing_key(&self.db, &fresh).await.map(Signer::new).map_err(sql)
            })
            .await
    }

    async fn person(&self, user: Uuid) -> Result<Option<Person>> {
        Ok(self.people.people(&[user]).await?.pop())
    }

    /// Every category with its count of published topics.
    pub async fn categories(&self, lang: &str) -> Result<CategoryList> {
        let rows = store::categories(&self.db).await.map_err(sql)?;
        Ok(CategoryList { items: rows.into_iter().map(|c| category_view(c, lang)).collect() })
    }

    /// Opens a topic: its first post is screened like any other.
    pub async fn create_topic(&self, caller: &Caller, input: TopicInput, lang: &str) -> Result<Submission> {
        let title = checked_title(&input.title)?;
        let body = checked_body(&input.body, "body")?;
        let found = if is_slug(&input.category) { store::category(&self.db, &input.category).await.map_err(sql)? } else { None };
        let category = found.ok_or_else(|| Error::invalid("category", FieldCode::UnknownValue, "is not a forum category"))?;
        if input.anonymous && !category.anonymous_allowed {
            return Err(Error::invalid("anonymous", FieldCode::InvalidValue, "this category does not take anonymous posts"));
        }
        let verdict = hold::decide(hold::findings(&self.screener, &title, &body, lang));
        let html = sanad_platform::markdown::to_safe_html_off_thread(body.clone()).await;
        let now = self.clock.now();
        let topic_id = sanad_platform::ids::new_id();
        let post_id = sanad_platform::ids::new_id();
        let status = if verdict == Verdict::Publish { PostStatus::Published } else { PostStatus::Held };
        let allowance = self.allowance(caller, Action::Topic).await?;
        let signer = self.signer().await?.clone();
        let mut tx = self.db.begin().await.map_err(sql)?;
        let row = store::NewTopicRow {
            id: topic_id,
            category: &category.slug,
            author: caller.user_id,
            anonymous: input.anonymous,
            title: &title,
            status: status.as_str(),
            now,
        };
        store::insert_topic(&mut tx, &row).await.map_err(sql)?;
        limits::admit(&mut tx, allowance, caller.user_id, topic_id, now, lang).await?;
        let seq = store::next_seq(&mut tx, topic_id).await.map_err(sql)?;
        self.write_post(&mut tx, topic_id, post_id, seq, caller.user_id, input.anonymous, &body, &html, None, &verdict, now).await?;
        store::refresh_topic(&mut tx, topic_id).await.map_err(sql)?;
        let topic = if verdict == Verdict::Publish { store::topic_in(&mut tx, topic_id).await.map_err(sql)? } else { None };
        // Mentions, and the category's watchers by the fan-out.
        let news = topic.as_ref().map(|topic| Publication { topic, post: post_id, poster: caller.user_id, body: &body, now });
        self.commit_announcing(tx, &signer, news, None).await?;
        Ok(submission(topic_id, topic_id, post_id, verdict))
    }

    /// Inserts a post (and its pseudonym, its moderation item when held, and
    /// its author's read mark).
    #[allow(clippy::too_many_arguments)]
    async fn write_post(
        &self,
        tx: &mut Tx,
        topic: Uuid,
        post: Uuid,
        seq: i64,
        author: Uuid,
        anonymous: bool,
        body: &str,
        html: &str,
        reply_to: Option<Uuid>,
        verdict: &Verdict,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        if anonymous {
            ensure_pseudonym(tx, topic, author).await?;
        }
        let status = if *verdict == Verdict::Publish { PostStatus::Published } else { PostStatus::Held };
        let row =
            store::NewPostRow { id: post, topic, seq, author, anonymous, body, body_html: html, reply_to, status: status.as_str(), now };
        store::insert_post(tx, &row).await.map_err(sql)?;
        store::mark_own_post_read(tx, author, topic, seq).await.map_err(sql)?;
        store::insert_index_event(tx, post, now).await.map_err(sql)?;
        if let Verdict::Hold(reasons) = verdict {
            store::insert_item(tx, post, "screening", &reasons_json(reasons), now).await.map_err(sql)?;
        }
        Ok(())
    }

    /// Replies in a topic.
    pub async fn create_post(&self, caller: &Caller, topic_id: Uuid, input: PostInput, lang: &str) -> Result<Submission> {
        let body = checked_body(&input.body, "body")?;
        let topic = self.readable_topic(caller, topic_id).await?;
        if status_of(&topic.status) != PostStatus::Published {
            return Err(Error::Conflict(ReasonCode::TopicNotPublished.into()));
        }
        if input.anonymous && !topic.anonymous_allowed {
            return Err(Error::invalid("anonymous", FieldCode::InvalidValue, "this category does not take anonymous posts"));
        }
        if let Some(reply_to) = input.reply_to {
            let target = store::post(&self.db, reply_to).await.map_err(sql)?;
            if !target.is_some_and(|p| p.topic_id == topic_id && can_read_post(&p, caller)) {
                return Err(Error::invalid("reply_to", FieldCode::InvalidValue, "is not a post of this topic"));
            }
        }
        let verdict = hold::decide(hold::findings(&self.screener, "", &body, lang));
        let html = sanad_platform::markdown::to_safe_html_off_thread(body.clone()).await;
        let topic_author = self.person(topic.author_id).await?;
        let signer = self.signer().await?.clone();
        let now = self.clock.now();
        let post_id = sanad_platform::ids::new_id();
        let allowance = self.allowance(caller, Action::Reply).await?;
        let mut tx = self.db.begin().await.map_err(sql)?;
        let seq = store::next_seq(&mut tx, topic_id).await.map_err(sql)?;
        limits::admit(&mut tx, allowance, caller.user_id, post_id, now, lang).await?;
        self.write_post(&mut tx, topic_id, post_id, seq, caller.user_id, input.anonymous, &body, &html, input.reply_to, &verdict, now)
            .await?;
        let news =
            (verdict == Verdict::Publish).then_some(Publication { topic: &topic, post: post_id, poster: caller.user_id, body: &body, now });
        self.commit_announcing(tx, &signer, news, topic_author.as_ref()).await?;
        Ok(submission(post_id, topic_id, post_id, verdict))
    }

    /// What follows a post's publication, in its transaction: the topic's
    /// activity and counts, the topic's author told (in the app, and by mail
    /// unless they chose otherwise), and the watchers' fan-out queued.
    async fn announce(&self, tx: &mut Tx, signer: &Signer, news: &Publication<'_>, topic_author: Option<&Person>) -> Result<()> {
        let Publication { topic, post, poster, body, now } = *news;
        store::touch_topic(tx, topic.id, now).await.map_err(sql)?;
        store::refresh_topic(tx, topic.id).await.map_err(sql)?;
        // Its publication number: live pages follow these, so a late approval reaches them too.
        store::mark_published(tx, topic.id, post).await.map_err(sql)?;
        // Mentions and quotes first: a member is told once of a post, by the most particular reason.
        self.tell_named(tx, signer, news, &[]).await?;
        if topic.author_id != poster {
            let level = store::subscription_in(tx, topic.id, topic.author_id).await.map_err(sql)?;
            if level.as_deref() != Some(SubscriptionLevel::Muted.as_str())
                && store::insert_notification(tx, topic.author_id, NotificationKind::Reply.as_str(), topic.id, post, now)
                    .await
                    .map_err(sql)?
                && let Some(person) = topic_author
            {
                self.mail_if_wanted(tx, signer, person, topic, body, now).await?;
            }
        }
        store::insert_fanout(tx, post, now).await.map_err(sql)
    }

    /// Commits `tx`, announcing `news` in it first when the post was
    /// published by it, then wakes the index, and the fan-out and the mail
    /// when something was announced. Every write of a post ends here.
    async fn commit_announcing(
        &self,
        mut tx: Tx,
        signer: &Signer,
        news: Option<Publication<'_>>,
        topic_author: Option<&Person>,
    ) -> Result<()> {
        if let Some(news) = &news {
            self.announce(&mut tx, signer, news, topic_author).await?;
        }
        tx.commit().await.map_err(sql)?;
        if news.is_some() {
            self.after_announce();
        } else {
            self.index_wake.notify_one();
        }
        Ok(())
    }

    fn after_announce(&self) {
        self.index_wake.notify_one();
        self.fanout.notify_one();
        (self.wake_mail)();
    }

    /// Queues the mail of a new post to `person` when they take forum mail immediately.
    async fn mail_if_wanted(
        &self,
        tx: &mut Tx,
        signer: &Signer,
        person: &Person,
        topic: &TopicRow,
        body: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let frequency = store::email_frequency_in(tx, person.id).await.map_err(sql)?;
        // Daily and weekly members get the digest job's mail instead (service/digest.rs).
        let immediate = frequency.as_deref().is_none_or(|f| f == EmailFrequency::Immediate.as_str());
        if !immediate || !person.enabled {
            return Ok(());
        }
        let text = sanad_platform::markdown::to_plain_text(body);
        let news = crate::mail::PostNews { topic_id: topic.id, topic_title: &topic.title, text: &text, sensitive: topic.sensitive };
        let token = signer.token(person.id);
        sanad_mail::enqueue(tx, &crate::mail::new_post(person, &news, &token), now).await
    }

    async fn readable_topic(&self, caller: &Caller, id: Uuid) -> Result<TopicRow> {
        let topic = store::topic(&self.db, id).await.map_err(sql)?;
        topic.filter(|t| can_read_topic(t, caller)).ok_or(Error::NotFound("topic"))
    }

    async fn readable_post(&self, caller: &Caller, id: Uuid) -> Result<(PostRow, TopicRow)> {
        let post = store::post(&self.db, id).await.map_err(sql)?.filter(|p| can_read_post(p, caller)).ok_or(Error::NotFound("post"))?;
        // A post in a topic the caller may not read is no post to them; any
        // other failure (the database out of reach) stays what it is.
        let topic = self.readable_topic(caller, post.topic_id).await.map_err(|e| match e {
            Error::NotFound(_) => Error::NotFound("post"),
            other => other,
        })?;
        Ok((post, topic))
    }

    /// The author edits a post: the old text is kept as a revision, the new one screened again.
    pub async fn edit_post(&self, caller: &Caller, id: Uuid, body: &str, lang: &str) -> Result<Submission> {
        let body = checked_body(body, "body")?;
        let (post, topic) = self.readable_post(caller, id).await?;
        if post.author_id != caller.user_id {
            return Err(Error::Forbidden(ReasonCode::PostAuthorOnly.into()));
        }
        let title = if post.seq == 1 { topic.title.as_str() } else { "" };
        let verdict = hold::decide(hold::findings(&self.screener, title, &body, lang));
        let html = sanad_platform::markdown::to_safe_html_off_thread(body.clone()).await;
        let was = status_of(&post.status);
        let topic_author = self.person(topic.author_id).await?;
        let signer = self.signer().await?.clone();
        let now = self.clock.now();
        let mut tx = self.db.begin().await.map_err(sql)?;
        // The topic row first: it serialises writers of one topic.
        store::lock_topic(&mut tx, topic.id).await.map_err(sql)?;
        store::insert_revision(&mut tx, id, &post.body, caller.user_id, None, now).await.map_err(sql)?;
        let open = store::open_screening_item(&mut tx, id).await.map_err(sql)?;
        let status = match (&verdict, open) {
            (Verdict::Hold(reasons), Some(item)) => {
                store::set_item_reasons(&mut tx, item, &reasons_json(reasons)).await.map_err(sql)?;
                PostStatus::Held
            }
            (Verdict::Hold(reasons), None) => {
                store::insert_item(&mut tx, id, "screening", &reasons_json(reasons), now).await.map_err(sql)?;
                PostStatus::Held
            }
            (Verdict::Publish, open) => {
                if let Some(item) = open {
                    // The author took out what held the post.
                    store::decide_item(&mut tx, item, "edited", None, None, now).await.map_err(sql)?;
                }
                PostStatus::Published
            }
        };
        store::rewrite_post(&mut tx, id, &body, &html, status.as_str(), now).await.map_err(sql)?;
        store::insert_index_event(&mut tx, id, now).await.map_err(sql)?;
        store::refresh_topic(&mut tx, topic.id).await.map_err(sql)?;
        let newly_published = status == PostStatus::Published && was == PostStatus::Held;
        let still_published = status == PostStatus::Published && was == PostStatus::Published;
        let news = Publication { topic: &topic, post: id, poster: post.author_id, body: &body, now };
        if still_published {
            // The edit may name members the post did not: they are told now, those told before are not told again.
            let told = store::notify::told_of(&mut tx, id).await.map_err(sql)?;
            self.tell_named(&mut tx, &signer, &news, &told).await?;
        }
        self.commit_announcing(tx, &signer, newly_published.then_some(news), topic_author.as_ref()).await?;
        if still_published {
            (self.wake_mail)();
        }
        let id_shown = if post.seq == 1 { topic.id } else { id };
        Ok(submission(id_shown, topic.id, id, verdict))
    }

    /// Its author or a moderator changes a topic's title: validated and
    /// screened (with the first post's text) as when the topic was opened; a
    /// finding holds the first post, and so the topic, until a moderator
    /// decides. The earlier title is kept as a revision of the first post, a
    /// moderator's change is audited, and every post's search document follows.
    pub async fn edit_title(&self, caller: &Caller, id: Uuid, title: &str, lang: &str) -> Result<Submission> {
        let title = checked_title(title)?;
        let topic = self.readable_topic(caller, id).await?;
        let moderating = topic.author_id != caller.user_id;
        if moderating && !is_moderator(caller) {
            return Err(Error::Forbidden(ReasonCode::TopicAuthorOrModerator.into()));
        }
        let first = store::posts_page(&self.db, id, 0, caller.user_id, true, 1)
            .await
            .map_err(sql)?
            .into_iter()
            .find(|p| p.seq == 1)
            .ok_or(Error::NotFound("topic"))?;
        let verdict = hold::decide(hold::findings(&self.screener, &title, &first.body, lang));
        let was = status_of(&first.status);
        if title == topic.title {
            return Ok(Submission { id, topic_id: id, post_id: first.id, status: was, reasons: reasons_from(first.reasons.as_deref()) });
        }
        let topic_author = self.person(topic.author_id).await?;
        let signer = self.signer().await?.clone();
        let now = self.clock.now();
        let mut tx = self.db.begin().await.map_err(sql)?;
        // The topic row first: it serialises writers of one topic.
        store::lock_topic(&mut tx, id).await.map_err(sql)?;
        store::insert_title_revision(&mut tx, first.id, &first.body, &topic.title, caller.user_id, now).await.map_err(sql)?;
        store::set_title(&mut tx, id, &title).await.map_err(sql)?;
        let open = store::open_screening_item(&mut tx, first.id).await.map_err(sql)?;
        let status = match (&verdict, open) {
            (Verdict::Hold(reasons), Some(item)) => {
                store::set_item_reasons(&mut tx, item, &reasons_json(reasons)).await.map_err(sql)?;
                PostStatus::Held
            }
            (Verdict::Hold(reasons), None) => {
                store::insert_item(&mut tx, first.id, "screening", &reasons_json(reasons), now).await.map_err(sql)?;
                PostStatus::Held
            }
            (Verdict::Publish, Some(item)) => {
                // What held the topic was in its title, and it is gone.
                store::decide_item(&mut tx, item, "edited", None, None, now).await.map_err(sql)?;
                PostStatus::Published
            }
            // Published, it stays so; hidden by members' flags, only a moderator's decision publishes it.
            (Verdict::Publish, None) => was,
        };
        if status != was {
            store::set_post_status(&mut tx, first.id, status.as_str()).await.map_err(sql)?;
        }
        store::refresh_topic(&mut tx, id).await.map_err(sql)?;
        // Every post's search document carries the title.
        store::insert_topic_index_events(&mut tx, id, now).await.map_err(sql)?;
        store::insert_index_event(&mut tx, first.id, now).await.map_err(sql)?;
        if moderating {
            store::audit(&mut tx, caller.user_id, "edit_title", Some(first.id), None, now).await.map_err(sql)?;
        }
        let newly_published = status == PostStatus::Published && was == PostStatus::Held;
        let topic = if newly_published { store::topic_in(&mut tx, id).await.map_err(sql)? } else { None };
        let news = topic.as_ref().map(|topic| Publication { topic, post: first.id, poster: first.author_id, body: &first.body, now });
        self.commit_announcing(tx, &signer, news, topic_author.as_ref()).await?;
        let reasons = match verdict {
            Verdict::Hold(reasons) => reasons,
            Verdict::Publish => Vec::new(),
        };
        Ok(Submission { id, topic_id: id, post_id: first.id, status, reasons })
    }

    /// Its author or a moderator deletes a post (the first post deletes the topic).
    pub async fn delete_post(&self, caller: &Caller, id: Uuid) -> Result<()> {
        let (post, topic) = self.readable_post(caller, id).await?;
        let moderating = post.author_id != caller.user_id;
        if moderating && !is_moderator(caller) {
            return Err(Error::Forbidden(ReasonCode::PostAuthorOrModerator.into()));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await.map_err(sql)?;
        // The topic row first: it serialises writers of one topic.
        store::lock_topic(&mut tx, topic.id).await.map_err(sql)?;
        store::set_post_status(&mut tx, id, PostStatus::Deleted.as_str()).await.map_err(sql)?;
        store::insert_index_event(&mut tx, id, now).await.map_err(sql)?;
        store::refresh_topic(&mut tx, topic.id).await.map_err(sql)?;
        if moderating {
            store::audit(&mut tx, caller.user_id, "delete", Some(id), None, now).await.map_err(sql)?;
        }
        tx.commit().await.map_err(sql)?;
        self.index_wake.notify_one();
        Ok(())
    }

    /// Reacts to a published post; true when the reaction is new.
    pub async fn react(&self, caller: &Caller, post: Uuid, kind: ReactionKind) -> Result<bool> {
        let (row, _) = self.readable_post(caller, post).await?;
        if status_of(&row.status) != PostStatus::Published {
            return Err(Error::Conflict(ReasonCode::HeldPostNoReactions.into()));
        }
        store::add_reaction(&self.db, post, caller.user_id, kind.as_str(), self.clock.now()).await.map_err(sql)
    }

    /// Takes a reaction back (idempotent).
    pub async fn unreact(&self, caller: &Caller, post: Uuid, kind: &str) -> Result<()> {
        let kind =
            ReactionKind::parse(kind).ok_or_else(|| Error::invalid("kind", FieldCode::UnknownValue, "thanks, helpful or support"))?;
        self.readable_post(caller, post).await?;
        store::remove_reaction(&self.db, post, caller.user_id, kind.as_str()).await.map_err(sql)
    }

    /// A member flags a published post (once); at [`FLAGS_TO_HIDE`] distinct
    /// flags it is hidden (held) until a moderator decides. Every flag puts
    /// the post in the moderation queue. The second return is false when the
    /// caller had flagged it already.
    pub async fn flag(&self, caller: &Caller, post_id: Uuid, reason: FlagReason, note: Option<&str>) -> Result<(FlagView, bool)> {
        let note = checked_note(note, "note")?;
        let (post, topic) = self.readable_post(caller, post_id).await?;
        if status_of(&post.status) != PostStatus::Published {
            return Err(Error::Conflict(ReasonCode::PostAwaitsModerator.into()));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await.map_err(sql)?;
        // The topic row first: it serialises writers of one topic.
        store::lock_topic(&mut tx, topic.id).await.map_err(sql)?;
        let new = store::insert_flag(&mut tx, post_id, caller.user_id, reason.as_str(), note, now).await.map_err(sql)?;
        let flags = store::flags(&mut tx, post_id).await.map_err(sql)?;
        let reasons: Vec<Reason> = flags
            .iter()
            .map(|(kind, note)| Reason {
                kind: kind.clone(),
                message: note.clone().unwrap_or_default(),
                field: String::new(),
                passage: String::new(),
            })
            .collect();
        let count = i64::try_from(flags.len()).unwrap_or(i64::MAX);
        let item = match store::open_flags_item(&mut tx, post_id).await.map_err(sql)? {
            Some(item) => item,
            None => store::insert_item(&mut tx, post_id, "flags", "[]", now).await.map_err(sql)?,
        };
        store::set_item_flags(&mut tx, item, count, &reasons_json(&reasons)).await.map_err(sql)?;
        let hidden = flags.len() >= FLAGS_TO_HIDE;
        if hidden {
            store::set_post_status(&mut tx, post_id, PostStatus::Held.as_str()).await.map_err(sql)?;
            store::insert_index_event(&mut tx, post_id, now).await.map_err(sql)?;
            store::refresh_topic(&mut tx, topic.id).await.map_err(sql)?;
        }
        tx.commit().await.map_err(sql)?;
        if hidden {
            self.index_wake.notify_one();
        }
        Ok((FlagView { post_id, reason, hidden }, new))
    }

    /// The topic's author marks the most helpful answer.
    pub async fn mark_answer(&self, caller: &Caller, topic_id: Uuid, post_id: Uuid) -> Result<()> {
        let topic = self.readable_topic(caller, topic_id).await?;
        if topic.author_id != caller.user_id {
            return Err(Error::Forbidden(ReasonCode::TopicAuthorOnly.into()));
        }
        let post = store::post(&self.db, post_id).await.map_err(sql)?;
        if !post.is_some_and(|p| p.topic_id == topic_id && p.seq > 1 && status_of(&p.status) == PostStatus::Published) {
            return Err(Error::invalid("post_id", FieldCode::InvalidValue, "is not a published reply of this topic"));
        }
        store::set_answer(&self.db, topic_id, Some(post_id)).await.map_err(sql)
    }

    /// Sets how the caller follows a topic.
    pub async fn subscribe(&self, caller: &Caller, topic: Uuid, level: SubscriptionLevel) -> Result<Subscription> {
        self.readable_topic(caller, topic).await?;
        store::set_subscription(&self.db, topic, caller.user_id, level.as_str()).await.map_err(sql)?;
        Ok(Subscription { level })
    }

    /// Tells the watchers of every waiting post, oldest first (in the app,
    /// and by mail); returns how many posts were fanned out. Every instance
    /// may run it: each post's fan-out is claimed in the database.
    pub async fn fan_out_once(&self) -> Result<usize> {
        self.fan_out_until(None).await
    }

    /// [`fan_out_once`](Self::fan_out_once), stopping early when `stop`
    /// turns true: the transaction in hand commits, no other is begun, and
    /// the post being fanned out is given back for another instance to claim
    /// at once rather than after the lease. The watchers told so far are not
    /// told again by whoever finishes it (one notification per member and
    /// post, mail only with a new one).
    async fn fan_out_until(&self, stop: Option<&watch::Receiver<bool>>) -> Result<usize> {
        let stopping = || stop.is_some_and(|s| *s.borrow());
        let mut done = 0;
        loop {
            if stopping() {
                return Ok(done);
            }
            let now = self.clock.now();
            let token = sanad_platform::ids::new_id();
            let until = now + ChronoDuration::seconds(FANOUT_LEASE_SECS);
            let (job, post_id) = match store::claim_fanout(&self.db, token, now, until).await.map_err(sql)? {
                Claim::Nothing => return Ok(done),
                Claim::Lost => continue,
                Claim::Job(job, post) => (job, post),
            };
            match self.fan_out(job, post_id, &stopping).await? {
                FanOut::Finished => done += 1,
                FanOut::Stopped => {
                    let released = store::release_fanout(&self.db, job, token).await.map_err(sql)?;
                    tracing::info!(post_id = %post_id, released, "stopping: the fan-out in hand is given back");
                    return Ok(done);
                }
            }
        }
    }

    /// How many posts still wait for their watchers to be told.
    pub async fn fanout_waiting(&self) -> Result<i64> {
        store::fanout_waiting(&self.db).await.map_err(sql)
    }

    /// Fans `post_id` out and removes its job, unless `stopping` turned true
    /// between two of its transactions.
    async fn fan_out(&self, job: Uuid, post_id: Uuid, stopping: &(dyn Fn() -> bool + Sync)) -> Result<FanOut> {
        let now = self.clock.now();
        let post = store::post(&self.db, post_id).await.map_err(sql)?;
        let published = post.as_ref().filter(|p| status_of(&p.status) == PostStatus::Published);
        let topic = match published {
            Some(p) => store::topic(&self.db, p.topic_id).await.map_err(sql)?,
            None => None,
        };
        if let (Some(post), Some(topic)) = (published, &topic) {
            // A topic's first post is news to its category's watchers only: whoever watches the topic has seen it.
            let (kind, watchers) = if post.seq == 1 {
                (NotificationKind::NewTopic, store::notify::category_watchers(&self.db, &topic.category).await.map_err(sql)?)
            } else {
                (NotificationKind::Watched, store::watchers(&self.db, topic.id).await.map_err(sql)?)
            };
            let watchers: Vec<Uuid> = watchers.into_iter().filter(|w| *w != post.author_id).collect();
            if self.tell_watchers(kind, &watchers, topic, post, now, stopping).await? == FanOut::Stopped {
                return Ok(FanOut::Stopped);
            }
        }
        store::delete_fanout(&self.db, job).await.map_err(sql)?;
        Ok(FanOut::Finished)
    }

    /// Tells `watchers` of `post` (in the app, and by mail as they chose),
    /// [`FANOUT_CHUNK`] to a transaction of two multi-row INSERTs. Everything
    /// read (names, addresses, mail settings) and every mail rendered comes
    /// before the transaction: on SQLite a write transaction holds the only
    /// write lock, and a reply waits for it. A chunk done twice (a lease run
    /// out) tells nobody twice: one notification per member and post, mail
    /// only with a new one. So when `stopping` turns true no further chunk
    /// is begun: the rest is left to whoever claims the fan-out next.
    async fn tell_watchers(
        &self,
        kind: NotificationKind,
        watchers: &[Uuid],
        topic: &TopicRow,
        post: &PostRow,
        now: chrono::DateTime<chrono::Utc>,
        stopping: &(dyn Fn() -> bool + Sync),
    ) -> Result<FanOut> {
        if watchers.is_empty() {
            return Ok(FanOut::Finished);
        }
        let signer = self.signer().await?.clone();
        let text = sanad_platform::markdown::to_plain_text(&post.body);
        let news = crate::mail::PostNews { topic_id: topic.id, topic_title: &topic.title, text: &text, sensitive: topic.sensitive };
        for chunk in watchers.chunks(FANOUT_CHUNK) {
            // Checked between transactions only: a chunk begun is written whole or not at all.
            if stopping() {
                return Ok(FanOut::Stopped);
            }
            let people = self.people.people(chunk).await?;
            let frequencies: HashMap<Uuid, String> = store::email_frequencies(&self.db, chunk).await.map_err(sql)?.into_iter().collect();
            // Daily and weekly members get the digest job's mail instead (service/digest.rs).
            let mut mails: HashMap<Uuid, sanad_mail::OutgoingMail> = people
                .iter()
                .filter(|p| p.enabled && frequencies.get(&p.id).is_none_or(|f| f == EmailFrequency::Immediate.as_str()))
                .map(|p| (p.id, crate::mail::new_post(p, &news, &signer.token(p.id))))
                .collect();
            let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
            let mut tx = self.db.begin().await.map_err(sql)?;
            let told = store::insert_notifications(&mut tx, &ids, kind.as_str(), topic.id, post.id, now).await.map_err(sql)?;
            let mails: Vec<_> = told.iter().filter_map(|id| mails.remove(id)).collect();
            sanad_mail::enqueue_all(&mut tx, &mails, now).await?;
            tx.commit().await.map_err(sql)?;
            if !mails.is_empty() {
                (self.wake_mail)();
            }
        }
        Ok(FanOut::Finished)
    }

    /// Runs the fan-out until `shutdown`: woken by each post published, and
    /// every few seconds for other instances' posts. Told to stop, it hands
    /// the post in hand over (see [`fan_out_until`](Self::fan_out_until))
    /// instead of finishing the whole queue first: a supervisor that kills
    /// after a grace period would leave that post held for the lease.
    pub async fn run_fanout(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.fan_out_until(Some(&shutdown)).await {
                tracing::warn!(error = %e, "forum fan-out failed");
            }
            tokio::select! {
                _ = self.fanout.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                _ = shutdown.changed() => break,
            }
        }
    }

    /// Applies the index events written since the last ones applied (and
    /// those of the last 30 s again); returns how many posts were re-indexed.
    pub async fn apply_index_events(&self) -> Result<usize> {
        // One application at a time; the set remembers the events of the re-read window already applied.
        let mut recent = self.index_recent.lock().await;
        let since = self.clock.now() - ChronoDuration::seconds(30);
        let events = store::index_events(&self.db, self.index.applied(), since).await.map_err(sql)?;
        if let Some((oldest, _)) = events.first() {
            let keep = recent.split_off(oldest);
            *recent = keep;
        }
        let fresh: Vec<(i64, Uuid)> = events.into_iter().filter(|(seq, _)| !recent.contains(seq)).collect();
        let Some(last) = fresh.iter().map(|(seq, _)| *seq).max() else { return Ok(0) };
        let mut posts: Vec<Uuid> = fresh.iter().map(|(_, post)| *post).collect();
        posts.sort_unstable();
        posts.dedup();
        for post in &posts {
            let row = store::index_row(&self.db, *post).await.map_err(sql)?;
            let doc = row.filter(|r| r.published).map(index_doc);
            self.index.put(*post, doc.as_ref()).map_err(|e| Error::Internal(e.into()))?;
        }
        self.index.commit(last).map_err(|e| Error::Internal(e.into()))?;
        recent.extend(fresh.iter().map(|(seq, _)| *seq));
        Ok(posts.len())
    }

    /// Fills the index from the database: every published post of a published topic.
    pub async fn rebuild_index(&self) -> Result<u64> {
        let _applying = self.index_recent.lock().await;
        let last = store::last_index_event(&self.db).await.map_err(sql)?;
        self.index.clear().map_err(|e| Error::Internal(e.into()))?;
        let (mut after, mut count) = (None, 0);
        loop {
            let rows = store::published_for_index(&self.db, after, 1000).await.map_err(sql)?;
            let Some(tail) = rows.last() else { break };
            after = Some(tail.id);
            for row in rows {
                let id = row.id;
                self.index.put(id, Some(&index_doc(row))).map_err(|e| Error::Internal(e.into()))?;
                count += 1;
            }
        }
        self.index.commit_rebuild(last).map_err(|e| Error::Internal(e.into()))?;
        Ok(count)
    }

    /// Builds the index when it needs it, then applies index events until `shutdown`: woken by each change here, every second for other instances'.
    pub async fn run_indexer(self, mut shutdown: watch::Receiver<bool>) {
        // An index on disk that is current only applies the events written since.
        if self.index_needs_rebuild().await.unwrap_or(true) {
            match self.rebuild_index().await {
                Ok(posts) => tracing::info!(posts, "forum index built"),
                Err(e) => tracing::warn!(error = %e, "could not build the forum index"),
            }
        }
        loop {
            if let Err(e) = self.apply_index_events().await {
                tracing::warn!(error = %e, "could not apply the forum's index events");
            }
            tokio::select! {
                _ = self.index_wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => break,
            }
        }
    }

    /// Searches published posts: every word, in any language, best first;
    /// each hit checked against the database, so nothing held, hidden or
    /// deleted since indexing is shown, and authors shown as everywhere else.
    pub async fn search(
        &self,
        caller: &Caller,
        q: &str,
        category: Option<&str>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<PostSearchPage> {
        let _ = caller;
        let q = q.trim();
        if q.is_empty() {
            return Err(Error::invalid("q", FieldCode::Required, "type some words"));
        }
        if q.chars().count() > 500 {
            return Err(Error::invalid("q", FieldCode::TooLong, "at most 500 characters"));
        }
        let limit = page::limit(limit)?;
        let after = page::decode_key::<(u32, Uuid)>(cursor)?;
        let (index, text, slug) = (self.index.clone(), q.to_string(), category.map(str::to_string));
        let hits = tokio::task::spawn_blocking(move || index.search(&text, slug.as_deref()))
            .await
            .map_err(|e| Error::Internal(e.into()))?
            .map_err(|e| Error::Internal(e.into()))?;
        // Best first, then by id: the rank key of the cursor.
        let mut ranked: Vec<(u32, Uuid)> = hits.into_iter().map(|(score, id)| (u32::MAX - score.max(0.0).to_bits(), id)).collect();
        ranked.sort_unstable();
        let page = Page::from_sorted(ranked, |r| *r, after.as_ref(), Some(limit), page::encode_key);
        // The page's posts and topics in one query (and their authors' names in one look-up), in rank order.
        let ids: Vec<Uuid> = page.items.iter().map(|(_, id)| *id).collect();
        let rows = if ids.is_empty() { Vec::new() } else { store::hit_rows(&self.db, &ids).await.map_err(sql)? };
        let mut by_id: HashMap<Uuid, store::HitRow> = rows.into_iter().map(|r| (r.id, r)).collect();
        let found: Vec<store::HitRow> = ids
            .iter()
            .filter_map(|id| by_id.remove(id))
            .filter(|r| status_of(&r.status) == PostStatus::Published && status_of(&r.topic_status) == PostStatus::Published)
            .collect();
        let found = with_authors(self.people.as_ref(), found, |r| StoredAuthor::of(r.author_id, r.anonymous, &r.pseudonym)).await?;
        let mut items = Vec::with_capacity(found.len());
        for (hit, author) in found {
            let text = sanad_platform::markdown::to_plain_text(&hit.body);
            let snippet_html = self.index.snippet(q, &text).map_err(|e| Error::Internal(e.into()))?;
            items.push(PostHit { topic_id: hit.topic_id, post_id: hit.id, title: hit.topic_title, snippet_html, author });
        }
        Ok(PostSearchPage { items, next_cursor: page.next_cursor })
    }

    /// The caller's notifications, newest first, and the unread count.
    pub async fn notifications(&self, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> Result<NotificationPage> {
        let limit = page::limit(limit)?;
        let before = page::decode_cursor(cursor)?;
        let rows = store::notifications(&self.db, caller.user_id, before, page::fetch_limit(limit)).await.map_err(sql)?;
        let page = Page::from_rows(rows, limit, |n| page::encode_cursor(n.id));
        let shown_rows =
            with_authors(self.people.as_ref(), page.items, |n| StoredAuthor::of(n.author_id, n.anonymous, &n.pseudonym)).await?;
        let unread = store::unread_notifications(&self.db, caller.user_id).await.map_err(sql)?;
        let items = shown_rows
            .into_iter()
            .map(|(n, actor)| NotificationView {
                id: n.id,
                kind: NotificationKind::parse(&n.kind).unwrap_or(NotificationKind::Reply),
                topic_id: n.topic_id,
                post_id: n.post_id,
                actor,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect();
        Ok(NotificationPage { items, unread, next_cursor: page.next_cursor })
    }

    /// Marks some (`ids`, up to 100) or all of the caller's notifications read.
    pub async fn mark_notifications_read(&self, caller: &Caller, ids: Option<Vec<Uuid>>, all: bool) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await.map_err(sql)?;
        match (all, ids) {
            (true, _) => store::read_all_notifications(&mut tx, caller.user_id, now).await.map_err(sql)?,
            (false, Some(ids)) if ids.len() <= 100 => {
                for id in ids {
                    store::read_notification(&mut tx, caller.user_id, id, now).await.map_err(sql)?;
                }
            }
            (false, Some(_)) => return Err(Error::invalid("ids", FieldCode::TooLong, "at most 100 at a time")),
            (false, None) => return Err(Error::invalid("ids", FieldCode::Required, "give ids, or all: true")),
        }
        tx.commit().await.map_err(sql)
    }

    /// How the caller wants forum mail (immediate unless they chose).
    pub async fn settings(&self, caller: &Caller) -> Result<NotificationSettings> {
        let stored = store::email_frequency(&self.db, caller.user_id).await.map_err(sql)?;
        Ok(NotificationSettings { email: stored.and_then(|s| EmailFrequency::parse(&s)).unwrap_or(EmailFrequency::Immediate) })
    }

    /// Sets how the caller wants forum mail.
    pub async fn set_settings(&self, caller: &Caller, email: EmailFrequency) -> Result<NotificationSettings> {
        let was = store::email_frequency(&self.db, caller.user_id).await.map_err(sql)?.and_then(|s| EmailFrequency::parse(&s));
        store::set_email_frequency(&self.db, caller.user_id, email.as_str()).await.map_err(sql)?;
        self.digest_chosen(caller.user_id, was, email).await?;
        Ok(NotificationSettings { email })
    }

    /// Follows a signed unsubscribe link: no more forum mail for its account. An unknown or forged token is 404.
    pub async fn unsubscribe(&self, token: &str) -> Result<NotificationSettings> {
        let user = self.signer().await?.verify(token).ok_or(Error::NotFound("unsubscribe link"))?;
        store::set_email_frequency(&self.db, user, EmailFrequency::Off.as_str()).await.map_err(sql)?;
        Ok(NotificationSettings { email: EmailFrequency::Off })
    }

    /// The open moderation items, oldest first (moderators).
    pub async fn queue(&self, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> Result<QueuePage> {
        require_moderator(caller)?;
        let limit = page::limit(limit)?;
        let after = page::decode_cursor(cursor)?;
        let rows = store::queue_page(&self.db, after, page::fetch_limit(limit)).await.map_err(sql)?;
        let page = Page::from_rows(rows, limit, |r| page::encode_cursor(r.id));
        let shown_rows =
            with_authors(self.people.as_ref(), page.items, |r| StoredAuthor::of(r.author_id, r.anonymous, &r.pseudonym)).await?;
        let items = shown_rows
            .into_iter()
            .map(|(r, author)| QueueItem {
                id: r.id,
                post_id: r.post_id,
                topic_id: r.topic_id,
                topic_title: r.topic_title,
                cause: r.cause,
                reasons: reasons_from(Some(&r.reasons)),
                flags: r.flags,
                body_html: r.body_html,
                body: r.body,
                author,
                created_at: r.created_at,
            })
            .collect();
        Ok(QueuePage { items, next_cursor: page.next_cursor })
    }

    /// A moderator decides on an item: approve, reject, or redact (the old
    /// text kept as a revision with the note) and publish.
    pub async fn decide(&self, caller: &Caller, item_id: Uuid, request: DecisionRequest) -> Result<DecisionOutcome> {
        require_moderator(caller)?;
        let redacted = match (request.decision, request.body.as_deref()) {
            (Decision::Redact, Some(body)) => Some(checked_body(body, "body")?),
            (Decision::Redact, None) => return Err(Error::invalid("body", FieldCode::Required, "a redaction gives the new text")),
            _ => None,
        };
        let html = match &redacted {
            Some(body) => Some(sanad_platform::markdown::to_safe_html_off_thread(body.clone()).await),
            None => None,
        };
        let note = checked_note(request.note.as_deref(), "note")?;
        let signer = self.signer().await?.clone();
        let now = self.clock.now();
        let mut tx = self.db.begin().await.map_err(sql)?;
        // The decision first: a write, and the one that tells whether another moderator was first.
        if !store::decide_item(&mut tx, item_id, request.decision.as_str(), note, Some(caller.user_id), now).await.map_err(sql)? {
            let known = store::item_in(&mut tx, item_id).await.map_err(sql)?.is_some();
            return Err(if known { Error::Conflict(ReasonCode::AlreadyDecided.into()) } else { Error::NotFound("moderation item") });
        }
        let item = store::item_in(&mut tx, item_id).await.map_err(sql)?.ok_or(Error::NotFound("moderation item"))?;
        let topic = store::topic_in(&mut tx, item.topic_id).await.map_err(sql)?.ok_or(Error::NotFound("moderation item"))?;
        // Then the topic row: it serialises writers of one topic.
        store::lock_topic(&mut tx, topic.id).await.map_err(sql)?;
        let post = store::post_in(&mut tx, item.post_id).await.map_err(sql)?.ok_or(Error::NotFound("post"))?;
        let was = status_of(&post.status);
        let status = match request.decision {
            Decision::Reject => PostStatus::Rejected,
            Decision::Approve | Decision::Redact if was == PostStatus::Deleted => PostStatus::Deleted,
            Decision::Approve | Decision::Redact => PostStatus::Published,
        };
        let mut body = post.body.clone();
        if let (Some(new_body), Some(html)) = (&redacted, &html) {
            store::insert_revision(&mut tx, post.id, &post.body, caller.user_id, note, now).await.map_err(sql)?;
            store::rewrite_post(&mut tx, post.id, new_body, html, status.as_str(), now).await.map_err(sql)?;
            body = new_body.clone();
        } else {
            store::set_post_status(&mut tx, post.id, status.as_str()).await.map_err(sql)?;
        }
        store::insert_index_event(&mut tx, post.id, now).await.map_err(sql)?;
        if item.cause == "flags" && request.decision != Decision::Reject {
            // Kept: flags from now on count afresh.
            store::clear_flags(&mut tx, post.id).await.map_err(sql)?;
        }
        store::refresh_topic(&mut tx, topic.id).await.map_err(sql)?;
        store::audit(&mut tx, caller.user_id, request.decision.as_str(), Some(post.id), None, now).await.map_err(sql)?;
        let newly_published = status == PostStatus::Published && was != PostStatus::Published;
        let topic_author = if newly_published { self.person(topic.author_id).await? } else { None };
        let news = newly_published.then_some(Publication { topic: &topic, post: post.id, poster: post.author_id, body: &body, now });
        self.commit_announcing(tx, &signer, news, topic_author.as_ref()).await?;
        Ok(DecisionOutcome { id: item_id, post_id: post.id, decision: request.decision, status })
    }

    /// The real author of a post, for a moderator; every look-up is written to the audit log first.
    pub async fn real_author(&self, caller: &Caller, post_id: Uuid) -> Result<RealAuthor> {
        require_moderator(caller)?;
        let post = store::post(&self.db, post_id).await.map_err(sql)?.ok_or(Error::NotFound("post"))?;
        let mut tx = self.db.begin().await.map_err(sql)?;
        store::audit(&mut tx, caller.user_id, "author_lookup", Some(post_id), Some(post.author_id), self.clock.now()).await.map_err(sql)?;
        tx.commit().await.map_err(sql)?;
        let display_name = self.person(post.author_id).await?.map(|p| p.display_name).unwrap_or_default();
        Ok(RealAuthor { post_id, user_id: post.author_id, display_name })
    }

    /// The audit log, newest first (administrators).
    pub async fn audit_log(&self, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> Result<AuditPage> {
        caller.require(Role::Admin)?;
        let limit = page::limit(limit)?;
        let before = page::decode_cursor(cursor)?;
        let rows = store::audit_page(&self.db, before, page::fetch_limit(limit)).await.map_err(sql)?;
        let page = Page::from_rows(rows, limit, |r| page::encode_cursor(r.id));
        let mut ids: Vec<Uuid> = page.items.iter().flat_map(|r| std::iter::once(r.actor_id).chain(r.subject_id)).collect();
        ids.sort_unstable();
        ids.dedup();
        let names: HashMap<Uuid, String> = if ids.is_empty() {
            HashMap::new()
        } else {
            self.people.people(&ids).await?.into_iter().map(|p| (p.id, p.display_name)).collect()
        };
        let items = page
            .items
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                actor_id: r.actor_id,
                actor_name: names.get(&r.actor_id).cloned().unwrap_or_default(),
                action: r.action,
                post_id: r.post_id,
                subject_name: r.subject_id.and_then(|s| names.get(&s).cloned()),
                subject_id: r.subject_id,
                revision_id: r.revision_id,
                created_at: r.created_at,
            })
            .collect();
        Ok(AuditPage { items, next_cursor: page.next_cursor })
    }
}

/// Gives `user` a pseudonym in `topic` unless they have one: random, retried until unique there.
async fn ensure_pseudonym(tx: &mut Tx, topic: Uuid, user: Uuid) -> Result<()> {
    if store::pseudonym(tx, topic, user).await.map_err(sql)?.is_some() {
        return Ok(());
    }
    for _ in 0..20 {
        if store::insert_pseudonym(tx, topic, user, &new_pseudonym()).await.map_err(sql)? {
            return Ok(());
        }
    }
    // 21,600 names: twenty clashes in a row means something else is wrong.
    Err(Error::Internal(anyhow::anyhow!("no free pseudonym in topic {topic}")))
}

fn index_doc(row: store::IndexRow) -> PostDoc {
    PostDoc { post_id: row.id, category: row.category, title: row.title, text: sanad_platform::markdown::to_plain_text(&row.body) }
}

fn submission(id: Uuid, topic_id: Uuid, post_id: Uuid, verdict: Verdict) -> Submission {
    match verdict {
        Verdict::Publish => Submission { id, topic_id, post_id, status: PostStatus::Published, reasons: Vec::new() },
        Verdict::Hold(reasons) => Submission { id, topic_id, post_id, status: PostStatus::Held, reasons },
    }
}

fn category_view(c: store::CategoryRow, lang: &str) -> CategoryView {
    let (title, description) = match lang {
        "ar" => (c.title_ar, c.description_ar),
        "en" => (c.title_en, c.description_en),
        _ => (c.title_fr, c.description_fr),
    };
    CategoryView {
        slug: c.slug,
        title,
        description,
        anonymous_allowed: c.anonymous_allowed,
        sensitive: c.sensitive,
        territory: c.territory,
        topic_count: c.topic_count,
    }
}
