//! What a live stream (server-sent events, see `crate::events`) tells an
//! open page, read from the database so that it works across instances:
//! the member's unread count when it changes, and the posts published in
//! the open topic since the page's last one, as members see them (held and
//! hidden posts never; anonymous authors by their pseudonym only). A stream
//! follows both the topic's post numbers (posts after the page's last one)
//! and its publication numbers (`publish_seq`, taken by every publication in
//! the topic's transaction), so a held post approved after later posts were
//! streamed reaches the open page when it is published.

use sanad_platform::{Caller, Error, Result};
use uuid::Uuid;

use super::pages::published_view;
use super::{Forum, author_of_post, is_moderator, sql, status_of};
use crate::author::with_authors;
use crate::model::{PostStatus, PostView};
use crate::store;

/// Posts read per poll at most (the rest on the next poll).
const POSTS_PER_POLL: i64 = 50;

/// Where a live stream stands: what it has told so far.
#[derive(Clone, Debug)]
pub struct LiveCursor {
    /// The open topic, while it is readable.
    topic: Option<Uuid>,
    /// The number of the last post the page has (posts after it are new).
    after: i64,
    /// The topic's publication number when the stream opened or last told a
    /// post (posts published after it are new, whatever their number).
    published: i64,
    /// The topic's last post and publication numbers when the stream last read its posts to the end.
    seen: (i64, i64),
    /// The unread count last told.
    unread: Option<i64>,
}

impl LiveCursor {
    /// The number of the last post told (or that the page had).
    pub fn after(&self) -> i64 {
        self.after
    }
}

/// Where a stream resumes: `<post number>` (a page's last post) or
/// `<post number>.<publication number>` (a `post` event's id, which a
/// reconnection sends back as `Last-Event-ID`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Resume {
    pub after: i64,
    pub published: Option<i64>,
}

impl Resume {
    /// Reads `12` or `12.40`; None for anything else (negative numbers too).
    pub fn parse(text: &str) -> Option<Self> {
        let (after, published) = match text.split_once('.') {
            Some((a, p)) => (a.parse::<i64>().ok()?, Some(p.parse::<i64>().ok()?)),
            None => (text.parse::<i64>().ok()?, None),
        };
        (after >= 0 && published.is_none_or(|p| p >= 0)).then_some(Self { after, published })
    }

    /// As a `post` event's id.
    pub fn id(&self) -> String {
        match self.published {
            Some(p) => format!("{}.{p}", self.after),
            None => self.after.to_string(),
        }
    }
}

/// Something a live stream tells.
#[derive(Clone, Debug)]
pub enum LiveEvent {
    /// The caller's unread notifications now.
    Unread(i64),
    /// A post newly published in the open topic, and where a stream resumes after it.
    Post(Box<PostView>, Resume),
    /// The topic can no longer be read (held, deleted): no more posts of it.
    TopicGone,
}

impl Forum {
    /// Opens a live stream for `caller`, on `topic` when given (a topic they
    /// may read: 404 otherwise; a held one streams no posts), telling posts
    /// after number `after` and those published after publication number
    /// `resume.published` (by default, only posts published from now on).
    pub async fn live_cursor(&self, caller: &Caller, topic: Option<Uuid>, resume: Option<Resume>) -> Result<LiveCursor> {
        let none = LiveCursor { topic: None, after: 0, published: 0, seen: (0, 0), unread: None };
        let Some(id) = topic else { return Ok(none) };
        let row = self.readable_topic(caller, id).await?;
        if status_of(&row.status) != PostStatus::Published {
            // Its author's or a moderator's held topic: nothing of it is published to stream yet.
            return Ok(none);
        }
        let (_, last, published) = store::notify::topic_head(&self.db, id).await.map_err(sql)?.ok_or(Error::NotFound("topic"))?;
        let after = resume.map_or(last, |r| r.after.min(last));
        let published = resume.and_then(|r| r.published).map_or(published, |p| p.min(published));
        // `seen` behind the head when the page is: its first poll reads the posts it lacks.
        Ok(LiveCursor { topic: Some(id), after, published, seen: (after, published), unread: None })
    }

    /// What changed since `cursor`: the unread count (when it changed) and
    /// the newly published posts of the topic, oldest first.
    pub async fn live_changes(&self, caller: &Caller, cursor: &mut LiveCursor) -> Result<Vec<LiveEvent>> {
        let mut events = Vec::new();
        let unread = store::unread_notifications(&self.db, caller.user_id).await.map_err(sql)?;
        if cursor.unread != Some(unread) {
            cursor.unread = Some(unread);
            events.push(LiveEvent::Unread(unread));
        }
        let Some(topic) = cursor.topic else { return Ok(events) };
        // The cheap question first: has anything been written in the topic since?
        let head = store::notify::topic_head(&self.db, topic).await.map_err(sql)?;
        let head = match head {
            Some((status, last, published)) if status_of(&status) == PostStatus::Published => (last, published),
            _ => {
                cursor.topic = None;
                events.push(LiveEvent::TopicGone);
                return Ok(events);
            }
        };
        if head == cursor.seen {
            return Ok(events);
        }
        // Published posts only: the caller's own held ones were answered to them when sent.
        let rows = store::notify::live_posts(&self.db, topic, cursor.after, cursor.published, POSTS_PER_POLL).await.map_err(sql)?;
        if (rows.len() as i64) < POSTS_PER_POLL {
            cursor.seen = head;
        }
        // Each event names where a stream resumes once it is received. (By
        // post number, so a poll that stops at its bound leaves only later
        // numbers unread; more than that many approvals of older posts in a
        // second would be the only way to miss one.)
        let mut resumes = Vec::with_capacity(rows.len());
        for row in &rows {
            cursor.after = cursor.after.max(row.post.seq);
            cursor.published = cursor.published.max(row.published_seq);
            resumes.push(Resume { after: cursor.after, published: Some(cursor.published) });
        }
        let posts: Vec<_> = rows.into_iter().map(|r| r.post).collect();
        for ((mut p, author), resume) in with_authors(self.people.as_ref(), posts, author_of_post).await?.into_iter().zip(resumes) {
            // As in the topic view: the Markdown to edit from for its author and moderators only.
            let own = p.author_id == caller.user_id;
            let body = (own || is_moderator(caller)).then(|| std::mem::take(&mut p.body));
            events.push(LiveEvent::Post(Box::new(PostView { mine: own, body, ..published_view(p, author) }), resume));
        }
        Ok(events)
    }
}
