//! Sessions kept in this instance's memory, so that a signed-in request
//! reads its page in one round trip to the database instead of two.
//!
//! A kept session never outlives a change that ends or alters it: triggers
//! (migration 0023) announce every update or deletion of a session and every
//! change of an account's roles, language or disabled state on the
//! `sanad_sessions` channel, whichever instance made it, and
//! [`KeptSessions::follow`] drops what each notification names. The instance
//! that makes a change also drops it at once, before it answers. Nothing is
//! kept while the instance is not listening: when the listening connection
//! is lost, everything kept goes, and keeping starts again only once a new
//! connection listens and has heard its own probe come back (a pooler that
//! accepts LISTEN and never delivers would otherwise go unnoticed). A
//! session read from the database before then is not kept (the generation
//! it was read under has passed), since a change made in between was
//! announced to nobody. An entry is also read again after [`KEPT_FOR`],
//! whatever happens.
//!
//! On SQLite the instance is alone ([`KeptSessions::alone`]): every change of
//! a session or an account is made by this process, which drops what it
//! changes before it answers, so sessions are kept from the start and
//! [`KeptSessions::follow`] returns at once. That spares every signed-in
//! request a read of the file, and its round trip to sqlx's worker thread:
//! the topic page served 10-30% more requests a second (two alternating
//! pairs). A session or an account changed by hand in the file may take up
//! to [`KEPT_FOR`] to count (docs/operations.md).

use lru::LruCache;
use sanad_platform::Db;
use sqlx::postgres::PgListener;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

use crate::store::{self, SessionOwner};

/// How long a kept session is used before it is read again.
pub const KEPT_FOR: Duration = Duration::from_secs(60);
/// Sessions kept at most (some 300 bytes each).
const SESSIONS: usize = 50_000;
/// How long to wait before listening again after the connection was lost.
const RELISTEN_AFTER: Duration = Duration::from_secs(1);
/// How long a listener waits for its own probe to come back.
const PROBE_WAIT: Duration = Duration::from_secs(5);
/// How often a listener checks that its probes still come back.
const PROBE_EVERY: Duration = Duration::from_secs(10);
/// How long before trying again when the probe did not come back.
const PROBE_AGAIN_AFTER: Duration = Duration::from_secs(60);

/// The sessions this instance has read lately, by the hash of their id.
#[derive(Debug)]
pub struct KeptSessions {
    sessions: Mutex<LruCache<String, (SessionOwner, Instant)>>,
    /// Moves whenever everything kept is dropped: a session read under an
    /// earlier generation is not kept.
    generation: AtomicU64,
    /// Whether changes reach this instance now.
    listening: AtomicBool,
}

impl Default for KeptSessions {
    fn default() -> Self {
        Self {
            sessions: Mutex::new(LruCache::new(NonZeroUsize::new(SESSIONS).unwrap_or(NonZeroUsize::MIN))),
            generation: AtomicU64::new(0),
            listening: AtomicBool::new(false),
        }
    }
}

/// What a [`Forgetting`] drops.
#[derive(Debug)]
enum Forgotten {
    Session(String),
    Account(Uuid),
}

/// Drops a session or an account's sessions when it goes out of scope:
/// after the write it guards has committed, or when the request is cut off.
#[derive(Debug)]
#[must_use = "the sessions are dropped when this guard goes: bind it for the whole write"]
pub struct Forgetting<'a> {
    kept: &'a KeptSessions,
    what: Forgotten,
}

impl Drop for Forgetting<'_> {
    fn drop(&mut self) {
        match &self.what {
            Forgotten::Session(id_hash) => self.kept.forget_session(id_hash),
            Forgotten::Account(user_id) => self.kept.forget_account(*user_id),
        }
    }
}

impl KeptSessions {
    /// Sessions kept by the only instance (SQLite): every change is made
    /// here, and dropped here, so nothing needs to be heard.
    pub fn alone() -> Self {
        let kept = Self::default();
        kept.listening.store(true, Ordering::SeqCst);
        kept
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, LruCache<String, (SessionOwner, Instant)>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The generation to pass to [`KeptSessions::keep`] for a session read from now on.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The kept session with this id hash, if young and not expired at `now`.
    pub fn get(&self, id_hash: &str, now: chrono::DateTime<chrono::Utc>) -> Option<SessionOwner> {
        if !self.listening.load(Ordering::SeqCst) {
            return None;
        }
        let mut sessions = self.sessions();
        match sessions.get(id_hash) {
            Some((owner, read)) if read.elapsed() < KEPT_FOR && owner.expires_at > now => Some(owner.clone()),
            Some(_) => {
                sessions.pop(id_hash);
                None
            }
            None => None,
        }
    }

    /// Keeps a session read from the database under `generation`, unless
    /// everything kept was dropped since (or this instance is not listening).
    pub fn keep(&self, id_hash: &str, owner: &SessionOwner, generation: u64) {
        if !self.keeping() {
            // No notifications now: no lock taken on the request's path.
            return;
        }
        let mut sessions = self.sessions();
        // Checked under the lock that `forget_all` also takes: no entry read
        // before a drop can land after it.
        if self.listening.load(Ordering::SeqCst) && self.generation() == generation {
            sessions.put(id_hash.to_owned(), (owner.clone(), Instant::now()));
        }
    }

    /// Drops one session when the returned guard goes, however the request
    /// ends: take it before the write, so that a request cut off between
    /// its commit and its answer (a client gone) still drops what it changed.
    pub fn forgetting_session(&self, id_hash: &str) -> Forgetting<'_> {
        Forgetting { kept: self, what: Forgotten::Session(id_hash.to_owned()) }
    }

    /// Drops an account's sessions when the returned guard goes (see [`KeptSessions::forgetting_session`]).
    pub fn forgetting_account(&self, user_id: Uuid) -> Forgetting<'_> {
        Forgetting { kept: self, what: Forgotten::Account(user_id) }
    }

    /// Drops one session (ended or changed), and any read of it under way.
    pub fn forget_session(&self, id_hash: &str) {
        let mut sessions = self.sessions();
        self.generation.fetch_add(1, Ordering::SeqCst);
        sessions.pop(id_hash);
    }

    /// Drops every session of an account (roles, language or state
    /// changed), and any read of one under way.
    pub fn forget_account(&self, user_id: Uuid) {
        let mut sessions = self.sessions();
        self.generation.fetch_add(1, Ordering::SeqCst);
        let hashes: Vec<String> = sessions.iter().filter(|(_, (owner, _))| owner.user_id == user_id).map(|(h, _)| h.clone()).collect();
        for hash in hashes {
            sessions.pop(&hash);
        }
    }

    /// Drops everything, and whatever is being read now.
    fn forget_all(&self) {
        self.clear(&mut self.sessions());
    }

    /// Empties `sessions` (held locked) and passes over the reads under way.
    fn clear(&self, sessions: &mut LruCache<String, (SessionOwner, Instant)>) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        sessions.clear();
    }

    /// Whether this instance keeps sessions now (it hears their changes).
    pub fn keeping(&self) -> bool {
        self.listening.load(Ordering::SeqCst)
    }

    /// Whether changes reach this instance; dropping everything either way
    /// (what was kept before listening may have changed unannounced).
    fn set_listening(&self, listening: bool) {
        let mut sessions = self.sessions();
        self.listening.store(listening, Ordering::SeqCst);
        self.clear(&mut sessions);
    }

    /// Drops what one notification names: `user:<id>` an account, `probe:…`
    /// nothing (an instance checking its connection), else a session's id
    /// hash. Sessions being read as it arrives are not kept either: their
    /// read may have come before the change.
    pub fn announced(&self, payload: &str) {
        if payload.starts_with("probe:") {
            // Another instance checking its own connection: nothing changed.
            return;
        }
        match payload.strip_prefix("user:") {
            Some(id) => match id.parse() {
                Ok(id) => self.forget_account(id),
                // Never expected; dropping everything is always safe.
                Err(_) => self.forget_all(),
            },
            None => self.forget_session(payload),
        }
    }

    /// Listens for changes of sessions and accounts until `shutdown` turns
    /// true, listening again whenever the connection is lost (PostgreSQL;
    /// on SQLite, where [`KeptSessions::alone`] keeps without listening, it returns at once).
    pub async fn follow(&self, db: Db, mut shutdown: watch::Receiver<bool>) {
        loop {
            let pause = match store::listen_for_session_changes(&db).await {
                Ok(None) => return,
                Ok(Some(listener)) => {
                    let ended = self.listen(&db, listener, &mut shutdown).await;
                    self.set_listening(false);
                    match ended {
                        Ended::Shutdown => return,
                        Ended::Lost => RELISTEN_AFTER,
                        Ended::Unheard => PROBE_AGAIN_AFTER,
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not listen for session changes: sessions are read from the database until it can");
                    RELISTEN_AFTER
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { return; },
            }
        }
    }

    /// Follows one listening connection. Keeping starts once a probe sent
    /// on the channel comes back (a pooler may accept LISTEN and never
    /// deliver), and a probe every [`PROBE_EVERY`] must keep coming back
    /// within [`PROBE_WAIT`]: a connection dropped without a word (a
    /// firewall's idle timeout) would otherwise leave the instance keeping
    /// sessions while it hears nothing.
    async fn listen(&self, db: &Db, mut listener: PgListener, shutdown: &mut watch::Receiver<bool>) -> Ended {
        // The connection is read by a task of its own, so that waiting on
        // it is never cut short mid-message by the probes' timer.
        let (heard, mut notifications) = mpsc::unbounded_channel::<String>();
        let reader = tokio::spawn(async move {
            while let Ok(Some(notification)) = listener.try_recv().await {
                if heard.send(notification.payload().to_owned()).is_err() {
                    return;
                }
            }
        });
        let _stop_reading = AbortOnDrop(reader);
        let mut probe = match self.probe(db).await {
            Some(probe) => Some(probe),
            None => return Ended::Lost,
        };
        let mut due = Instant::now() + PROBE_WAIT;
        let mut keeping = false;
        loop {
            tokio::select! {
                received = notifications.recv() => match received {
                    Some(payload) if probe.as_deref() == Some(payload.as_str()) => {
                        probe = None;
                        due = Instant::now() + PROBE_EVERY;
                        if !keeping {
                            keeping = true;
                            self.set_listening(true);
                        }
                    }
                    Some(payload) => self.announced(&payload),
                    None => {
                        tracing::warn!("the connection telling session changes was lost: sessions are read from the database until it is back");
                        return Ended::Lost;
                    }
                },
                _ = tokio::time::sleep_until(due.into()) => {
                    if probe.is_some() {
                        if keeping {
                            tracing::warn!("the connection telling session changes went silent: sessions are read from the database until it is back");
                            return Ended::Lost;
                        }
                        // E.g. a pooler in transaction mode between the instance and PostgreSQL.
                        tracing::warn!("notifications of session changes do not come back to this instance: sessions are read from the database at every request");
                        return Ended::Unheard;
                    }
                    match self.probe(db).await {
                        Some(sent) => probe = Some(sent),
                        None => return Ended::Lost,
                    }
                    due = Instant::now() + PROBE_WAIT;
                }
                changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { return Ended::Shutdown; },
            }
        }
    }

    /// Sends a probe on the channel; its payload, or None when it could not be sent.
    async fn probe(&self, db: &Db) -> Option<String> {
        let probe = format!("probe:{}", Uuid::new_v4());
        match store::announce_session_change(db, &probe).await {
            Ok(()) => Some(probe),
            Err(e) => {
                tracing::warn!(error = %e, "could not send the probe of session changes");
                None
            }
        }
    }
}

/// Why following one listening connection ended.
enum Ended {
    Shutdown,
    /// The connection was lost or went silent: listen again soon.
    Lost,
    /// Notifications never came back on it: try again later.
    Unheard,
}

/// Stops the task reading a listening connection (and so closes it) when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration as Span, Utc};
    use std::future::Future;

    fn owner(user_id: Uuid) -> SessionOwner {
        let now = Utc::now();
        SessionOwner {
            user_id,
            roles: "learner".into(),
            locale: "fr".into(),
            csrf_token: "csrf".into(),
            last_seen_at: now,
            expires_at: now + Span::days(1),
        }
    }

    #[test]
    fn nothing_is_kept_while_not_listening() {
        let kept = KeptSessions::default();
        let user = Uuid::new_v4();
        kept.keep("a", &owner(user), kept.generation());
        assert!(kept.get("a", Utc::now()).is_none());
        kept.set_listening(true);
        kept.keep("a", &owner(user), kept.generation());
        assert_eq!(kept.get("a", Utc::now()).map(|o| o.user_id), Some(user));
        kept.set_listening(false);
        assert!(kept.get("a", Utc::now()).is_none());
    }

    #[test]
    fn a_write_cut_off_after_its_commit_still_drops_what_it_changed() {
        let kept = KeptSessions::alone();
        let (amina, badr) = (Uuid::new_v4(), Uuid::new_v4());
        kept.keep("amina", &owner(amina), kept.generation());
        kept.keep("badr", &owner(badr), kept.generation());
        // A request's future holds the guards over its write and is dropped
        // (the client went away) after the commit, before it answers.
        let cut_off = async {
            let _session = kept.forgetting_session("amina");
            let _account = kept.forgetting_account(badr);
            std::future::pending::<()>().await;
        };
        let mut cut_off = Box::pin(cut_off);
        let waker = std::task::Waker::noop();
        assert!(cut_off.as_mut().poll(&mut std::task::Context::from_waker(waker)).is_pending());
        assert!(kept.get("amina", Utc::now()).is_some(), "kept while the write is under way");
        drop(cut_off);
        assert!(kept.get("amina", Utc::now()).is_none());
        assert!(kept.get("badr", Utc::now()).is_none());
    }

    #[test]
    fn a_session_read_before_a_drop_is_not_kept_after_it() {
        let kept = KeptSessions::default();
        kept.set_listening(true);
        let read_under = kept.generation();
        // The connection is lost and found again while the read is under way.
        kept.set_listening(false);
        kept.set_listening(true);
        kept.keep("a", &owner(Uuid::new_v4()), read_under);
        assert!(kept.get("a", Utc::now()).is_none());
    }

    #[test]
    fn notifications_drop_a_session_or_every_session_of_an_account() {
        let kept = KeptSessions::default();
        kept.set_listening(true);
        let (ana, badr) = (Uuid::new_v4(), Uuid::new_v4());
        for (hash, user) in [("a1", ana), ("a2", ana), ("b1", badr)] {
            kept.keep(hash, &owner(user), kept.generation());
        }
        kept.announced("b1");
        assert!(kept.get("b1", Utc::now()).is_none());
        kept.announced(&format!("user:{ana}"));
        assert!(kept.get("a1", Utc::now()).is_none() && kept.get("a2", Utc::now()).is_none());
        kept.keep("b1", &owner(badr), kept.generation());
        kept.announced("user:not-a-uuid");
        assert!(kept.get("b1", Utc::now()).is_none(), "an unreadable notification drops everything");
    }

    #[test]
    fn a_session_read_before_a_change_is_announced_is_not_kept_after_it() {
        let kept = KeptSessions::default();
        kept.set_listening(true);
        let read_under = kept.generation();
        kept.announced("another session's hash");
        kept.keep("a", &owner(Uuid::new_v4()), read_under);
        assert!(kept.get("a", Utc::now()).is_none());
    }

    #[test]
    fn an_expired_session_is_not_served() {
        let kept = KeptSessions::default();
        kept.set_listening(true);
        let o = owner(Uuid::new_v4());
        kept.keep("a", &o, kept.generation());
        assert!(kept.get("a", o.expires_at).is_none());
    }
}
