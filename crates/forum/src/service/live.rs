//! What a live stream (server-sent events, see `crate::events`) tells an
//! open page, read from the database so that it works across instances:
//! the member's unread count when it changes, and the posts published in
//! the open topic since the page's last one, as members see them (held and
//! hidden posts never; anonymous authors by their pseudonym only).

use sanad_platform::{Caller, Error, Result};
use std::collections::BTreeMap;
use uuid::Uuid;

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
    /// The topic's last post number when the stream last read its posts to the end.
    seen_seq: i64,
    /// The unread count last told.
    unread: Option<i64>,
}

impl LiveCursor {
    /// The number of the last post told (or that the page had), for `Last-Event-ID`.
    pub fn after(&self) -> i64 {
        self.after
    }
}

/// Something a live stream tells.
#[derive(Clone, Debug)]
pub enum LiveEvent {
    /// The caller's unread notifications now.
    Unread(i64),
    /// A post newly published in the open topic.
    Post(Box<PostView>),
    /// The topic can no longer be read (held, deleted): no more posts of it.
    TopicGone,
}

impl Forum {
    /// Opens a live stream for `caller`, on `topic` when given (a topic they
    /// may read: 404 otherwise; a held one streams no posts), telling posts
    /// after number `after` (by default, only posts published from now on).
    pub async fn live_cursor(&self, caller: &Caller, topic: Option<Uuid>, after: Option<i64>) -> Result<LiveCursor> {
        if after.is_some_and(|a| a < 0) {
            return Err(Error::invalid("after", sanad_platform::error::FieldCode::InvalidValue, "a post number, from 0"));
        }
        let Some(id) = topic else { return Ok(LiveCursor { topic: None, after: 0, seen_seq: 0, unread: None }) };
        let row = self.readable_topic(caller, id).await?;
        if status_of(&row.status) != PostStatus::Published {
            // Its author's or a moderator's held topic: nothing of it is published to stream yet.
            return Ok(LiveCursor { topic: None, after: 0, seen_seq: 0, unread: None });
        }
        let (_, last) = store::notify::topic_head(&self.db, id).await.map_err(sql)?.ok_or(Error::NotFound("topic"))?;
        let after = after.map_or(last, |a| a.min(last));
        // seen_seq below `last` when the page is behind: its first poll reads the posts it lacks.
        Ok(LiveCursor { topic: Some(id), after, seen_seq: after, unread: None })
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
        let last = match head {
            Some((status, last)) if status_of(&status) == PostStatus::Published => last,
            _ => {
                cursor.topic = None;
                events.push(LiveEvent::TopicGone);
                return Ok(events);
            }
        };
        if last <= cursor.seen_seq {
            return Ok(events);
        }
        let rows = store::posts_page(&self.db, topic, cursor.after, caller.user_id, false, POSTS_PER_POLL).await.map_err(sql)?;
        if (rows.len() as i64) < POSTS_PER_POLL {
            cursor.seen_seq = last;
        }
        if let Some(tail) = rows.last() {
            cursor.after = tail.seq;
        }
        // Only published posts: the caller's own held ones were answered to them when sent.
        let published: Vec<_> = rows.into_iter().filter(|p| status_of(&p.status) == PostStatus::Published).collect();
        for (p, author) in with_authors(self.people.as_ref(), published, author_of_post).await? {
            // As in the topic view: the Markdown to edit from for its author and moderators only.
            let own = p.author_id == caller.user_id;
            events.push(LiveEvent::Post(Box::new(PostView {
                mine: own,
                body: (own || is_moderator(caller)).then_some(p.body),
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
            })));
        }
        Ok(events)
    }
}
