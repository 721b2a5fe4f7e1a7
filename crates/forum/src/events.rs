//! `GET /api/v1/forum/events`: the live stream of an open page, as
//! server-sent events (`text/event-stream`). Kept out of the OpenAPI
//! document, as a stream that never ends is no operation a contract test
//! or a generated client can call.
//!
//! - Signed in only (the session cookie an `EventSource` sends, or a token).
//! - `?topic=<id>` (a published topic the caller may read) adds its newly
//!   published posts: those after the page's last one, and older ones a
//!   moderator approves since; `?after=<n>` names the last post the page has
//!   (default: the topic's last post), and the `Last-Event-ID` header of a
//!   reconnection (the last `post` event's id) where the stream stood.
//! - Events: `unread` (`{"unread": n}`, at once and on every change), `post`
//!   (a post as `GET /forum/topics/{id}` shows it; its id is
//!   `<last post number>.<publication number>` told so far, see
//!   [`Resume`]), `gone` (the topic can no longer be read). A comment every
//!   15 s keeps proxies from closing the connection.
//! - Every stream polls the database (about once a second: the unread
//!   count, then the topic's last post number, and its posts only when that
//!   moved), so a post written through any instance reaches every open page.
//! - At most [`STREAMS_PER_MEMBER`] streams per member on an instance (429
//!   past that); each ends after [`STREAM_LIFETIME`] and the browser
//!   reconnects, authenticating again.

use poem::web::sse::{Event, SSE};
use poem::{Endpoint, IntoResponse, Request, Response};
use sanad_platform::auth::caller;
use sanad_platform::error::FieldCode;
use sanad_platform::{Caller, Error, Result};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

use crate::service::{Forum, LiveCursor, LiveEvent, Resume};

/// Open streams per member on one instance.
pub const STREAMS_PER_MEMBER: usize = 5;
/// How long a stream lasts before the client reconnects.
pub const STREAM_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// How often a stream asks the database what changed.
const POLL: Duration = Duration::from_secs(1);
/// How often a stream sends a comment when nothing happens.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How soon the browser reconnects after a stream ends (milliseconds).
const RETRY_MS: u64 = 3000;

/// The open streams of each member on this instance.
#[derive(Clone, Debug, Default)]
struct Open(Arc<Mutex<HashMap<Uuid, usize>>>);

/// One open stream, counted until it is dropped (the client went away or the stream ended).
#[derive(Debug)]
struct Slot {
    open: Open,
    user: Uuid,
}

impl Open {
    fn take(&self, user: Uuid) -> Option<Slot> {
        let mut open = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = open.entry(user).or_default();
        if *n >= STREAMS_PER_MEMBER {
            return None;
        }
        *n += 1;
        Some(Slot { open: self.clone(), user })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.user);
            }
        }
    }
}

/// The endpoint of live streams.
#[derive(Clone, Debug)]
pub struct LiveEvents {
    forum: Forum,
    open: Open,
    shutdown: watch::Receiver<bool>,
}

impl LiveEvents {
    /// The live streams of `forum`; every one ends when `shutdown` turns true.
    pub fn new(forum: Forum, shutdown: watch::Receiver<bool>) -> Self {
        Self { forum, open: Open::default(), shutdown }
    }

    async fn open(&self, req: &Request) -> Result<SSE> {
        let who = caller(req).await?;
        let query: HashMap<String, String> = req.params().map_err(|_| Error::invalid("query", FieldCode::InvalidValue, "unreadable"))?;
        let topic = match query.get("topic").filter(|t| !t.is_empty()) {
            Some(t) => Some(t.parse::<Uuid>().map_err(|_| Error::invalid("topic", FieldCode::InvalidValue, "a topic's id"))?),
            None => None,
        };
        // A reconnection names the last post it received; it wins over the page's `after`.
        let last_event = req.headers().get("last-event-id").and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty());
        let resume = match last_event.or(query.get("after").map(String::as_str)).filter(|v| !v.is_empty()) {
            Some(a) => Some(Resume::parse(a).ok_or_else(|| Error::invalid("after", FieldCode::InvalidValue, "a post number, from 0"))?),
            None => None,
        };
        let slot = self.open.take(who.user_id).ok_or(Error::TooManyRequests { retry_after_secs: 30 })?;
        let cursor = self.forum.live_cursor(&who, topic, resume).await?;
        let state = Feed {
            forum: self.forum.clone(),
            caller: who,
            cursor,
            pending: Vec::new(),
            ends: Instant::now() + STREAM_LIFETIME,
            shutdown: self.shutdown.clone(),
            first: true,
            _slot: slot,
        };
        let stream = futures_util::stream::unfold(state, Feed::next);
        Ok(SSE::new(stream).keep_alive(KEEP_ALIVE))
    }
}

impl Endpoint for LiveEvents {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        Ok(match self.open(&req).await {
            Ok(sse) => sse.into_response(),
            Err(e) => e.into_response(),
        })
    }
}

/// One open stream's state.
struct Feed {
    forum: Forum,
    caller: Caller,
    cursor: LiveCursor,
    /// Events read and not yet sent.
    pending: Vec<Event>,
    ends: Instant,
    shutdown: watch::Receiver<bool>,
    first: bool,
    _slot: Slot,
}

impl Feed {
    /// The next event: what is pending, else what the next poll finds; none once the stream's time is up.
    async fn next(mut self) -> Option<(Event, Self)> {
        if self.first {
            self.first = false;
            return Some((Event::retry(RETRY_MS), self));
        }
        loop {
            if !self.pending.is_empty() {
                let event = self.pending.remove(0);
                return Some((event, self));
            }
            if Instant::now() >= self.ends || *self.shutdown.borrow() {
                return None;
            }
            match self.forum.live_changes(&self.caller, &mut self.cursor).await {
                Ok(events) => self.pending = events.into_iter().filter_map(sse_event).collect(),
                // A passing database fault: the stream ends and the browser reconnects.
                Err(e) => {
                    tracing::warn!(error = %e, "a forum live stream could not read its changes");
                    return None;
                }
            }
            if self.pending.is_empty() {
                tokio::select! {
                    _ = tokio::time::sleep(POLL) => {}
                    // A sender gone is a server going away too.
                    changed = self.shutdown.changed() => if changed.is_err() { return None; },
                }
            }
        }
    }
}

fn sse_event(event: LiveEvent) -> Option<Event> {
    use poem_openapi::types::ToJSON;
    Some(match event {
        LiveEvent::Unread(n) => Event::message(serde_json::json!({ "unread": n }).to_string()).event_type("unread"),
        LiveEvent::Post(post, resume) => Event::message(post.to_json()?.to_string()).event_type("post").id(resume.id()),
        LiveEvent::TopicGone => Event::message("{}").event_type("gone"),
    })
}
