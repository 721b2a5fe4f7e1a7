//! The worker that drains the outbox: it wakes when told a mail was queued or
//! every poll interval, sends what is due, and backs off exponentially on
//! failure.
//!
//! Several workers (instances) may drain one outbox. Each claim takes a batch
//! of rows under a fresh token and a lease; the worker renews the lease once
//! half of it has gone, gives a send up when the lease runs out (half a lease
//! is longer than a whole SMTP exchange may take, so only a stalled worker
//! gets there), and marks sent, one statement for the mails sent in a batch
//! (or in a second), only rows still held under its token. So a mail is
//! handed to SMTP by one worker at a time and marked once.
//!
//! What is not guaranteed: the SMTP relay may have accepted a mail whose
//! worker never learnt it, because the worker crashed or lost the database
//! before marking it (at most a second's sends of a batch), or the exchange timed out or was given up after the
//! message went over. The mail is then sent again by a later attempt.
//! Delivery is at least once at the SMTP level; the outbox records each mail
//! as sent once. Instances' clocks must agree well within the lease (NTP).

use chrono::{DateTime, Duration, Utc};
use sanad_platform::telemetry::Metrics;
use sanad_platform::{Clock, Db, ids::new_id};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use crate::MailParams;
use crate::store::{self, OutboxCounts};
use crate::templates::{Template, render};
use crate::transport::MailTransport;

/// Timing of the worker.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// How often the outbox is checked without a wake-up.
    pub poll: std::time::Duration,
    /// First retry delay; doubled after each failure.
    pub first_retry: Duration,
    /// Longest delay between two attempts.
    pub max_retry: Duration,
    /// Attempts before a mail is given up.
    pub max_attempts: i64,
    /// Mails taken per claim (and marked sent together).
    pub batch: i64,
    /// How long a claim holds a mail, renewed before each send. Longer than
    /// a whole SMTP exchange may take ([`crate::transport::SMTP_TIMEOUT`]),
    /// so a live worker's lease does not run out mid-send; a send that
    /// outlives it all the same is given up. It is also how long a crashed
    /// worker's mails wait before another worker takes them.
    pub lease: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll: std::time::Duration::from_secs(2),
            first_retry: Duration::seconds(30),
            max_retry: Duration::hours(1),
            max_attempts: 12,
            batch: 50,
            lease: Duration::minutes(2),
        }
    }
}

/// The longest a sent mail waits to be marked sent: the most a worker that
/// dies mid-batch leaves to be sent twice is what it sent in this time.
const MARK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Mails sent and not yet marked, and since when the first of them waits.
#[derive(Default)]
struct Delivered {
    ids: Vec<Uuid>,
    since: Option<Instant>,
}

impl Delivered {
    fn push(&mut self, id: Uuid) {
        if self.ids.is_empty() {
            self.since = Some(Instant::now());
        }
        self.ids.push(id);
    }

    fn waited(&self) -> std::time::Duration {
        self.since.map(|t| t.elapsed()).unwrap_or_default()
    }
}

/// Drains the mail outbox. Cheap to clone; clones share the wake-up signal.
#[derive(Clone)]
pub struct MailWorker {
    db: Db,
    clock: Clock,
    transport: MailTransport,
    from: String,
    public_url: String,
    settings: WorkerSettings,
    metrics: Metrics,
    wake: Arc<Notify>,
    /// Names this worker in the rows it claims (`claimed_by`), for operators.
    name: Arc<str>,
}

impl std::fmt::Debug for MailWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailWorker").field("name", &self.name).field("transport", &self.transport).finish()
    }
}

impl MailWorker {
    /// A worker sending through `transport` as `from`, with links under `public_url`.
    pub fn new(db: Db, clock: Clock, transport: MailTransport, from: String, public_url: String, metrics: Metrics) -> Self {
        Self {
            db,
            clock,
            transport,
            from,
            public_url,
            settings: WorkerSettings::default(),
            metrics,
            wake: Arc::new(Notify::new()),
            name: format!("{}/{}", std::process::id(), new_id()).into(),
        }
    }

    /// Replaces the timing (tests use short delays).
    pub fn with_settings(mut self, settings: WorkerSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Tells the worker that mail was just committed to the outbox.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs until `shutdown` turns true, finishing the batch in hand.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            // Drained in a task of its own so that even a panic while sending
            // one mail cannot stop the worker for good.
            let worker = self.clone();
            let stop = shutdown.clone();
            match tokio::spawn(async move { worker.drain(Some(stop)).await }).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "mail outbox could not be read; will retry")
                }
                Err(e) => tracing::error!(error = %e, "mail worker task failed; will retry"),
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.settings.poll) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }

    /// Sends every mail that is due now; returns how many were sent (and
    /// marked so by this worker).
    ///
    /// A claimed batch is sent, then marked sent with one statement: on
    /// SQLite, one write a mail (and one more to renew the lease before each)
    /// kept the only write lock so busy that a forum reply waited seconds
    /// behind a fan-out's thousand mails. The lease is renewed only once half
    /// of it has gone (so each send starts with at least half a lease, longer
    /// than an SMTP exchange may take), and what went out is marked first.
    /// Marks also wait at most [`MARK_EVERY`]: a worker that dies between
    /// sending and marking leaves its mails to be sent again once its lease
    /// runs out, so the marks are not held back longer than that.
    pub async fn drain_once(&self) -> Result<usize, sqlx::Error> {
        self.drain(None).await
    }

    /// [`drain_once`](Self::drain_once), stopping early when `stop` turns
    /// true: what went out is marked, the rest of the batch is given back
    /// for another instance to claim at once (an instance told to stop hands
    /// its work over rather than holding it for a lease).
    async fn drain(&self, stop: Option<watch::Receiver<bool>>) -> Result<usize, sqlx::Error> {
        let stopping = || stop.as_ref().is_some_and(|s| *s.borrow());
        let mut sent = 0;
        loop {
            if stopping() {
                return Ok(sent);
            }
            let now = self.clock.now();
            let token = new_id();
            let mut lease_until = now + self.settings.lease;
            let batch = store::claim_due(&self.db, &self.name, token, now, lease_until, self.settings.batch).await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            let mut held: HashSet<Uuid> = batch.iter().map(|row| row.id).collect();
            let mut delivered = Delivered::default();
            let ids: Vec<Uuid> = batch.iter().map(|row| row.id).collect();
            for (at, row) in batch.into_iter().enumerate() {
                if stopping() {
                    sent += self.mark_sent(token, &mut delivered).await?;
                    let released = store::release(&self.db, &ids[at..], token).await?;
                    tracing::info!(mails = released, "stopping: the rest of the batch is given back");
                    return Ok(sent);
                }
                if lease_until - self.clock.now() < self.settings.lease / 2 {
                    sent += self.mark_sent(token, &mut delivered).await?;
                    lease_until = self.clock.now() + self.settings.lease;
                    // Renewing the whole batch keeps the mails still waiting in it
                    // held; a row missing from the answer went to another worker.
                    held = store::renew(&self.db, token, lease_until).await?.into_iter().collect();
                }
                if !held.contains(&row.id) {
                    tracing::info!(mail_id = %row.id, "mail claimed by another worker; not sending it");
                    continue;
                }
                let outcome = tokio::select! {
                    outcome = self.send_row(&row) => outcome,
                    () = self.lease_runs_out(lease_until) => {
                        // Dropping the send closes the SMTP connection: unless the
                        // relay had already taken the message, nothing went out,
                        // and the next claim sends it.
                        tracing::warn!(mail_id = %row.id, "mail send outlived its lease; given up for the next claim");
                        continue;
                    }
                };
                let now = self.clock.now();
                match outcome {
                    Ok(()) => {
                        delivered.push(row.id);
                        if delivered.waited() >= MARK_EVERY {
                            sent += self.mark_sent(token, &mut delivered).await?;
                        }
                    }
                    Err((error, permanent)) => {
                        self.metrics.mails_failed.inc();
                        let give_up = (permanent || row.attempts >= self.settings.max_attempts).then_some(now);
                        let retry_at = now + self.backoff(row.attempts);
                        // The recipient's address is personal data: log the mail id,
                        // and the error without the addresses an SMTP server may quote.
                        tracing::warn!(mail_id = %row.id, attempts = row.attempts, gave_up = give_up.is_some(),
                            error = %without_addresses(&error), "mail not sent");
                        if !store::mark_failed(&self.db, row.id, token, &error, retry_at, give_up).await? {
                            tracing::info!(mail_id = %row.id, "mail failure not recorded: another worker holds it now");
                        }
                    }
                }
            }
            sent += self.mark_sent(token, &mut delivered).await?;
        }
    }

    /// Marks the mails `delivered` sent (one statement) and empties the list;
    /// returns how many this worker still held.
    async fn mark_sent(&self, token: Uuid, delivered: &mut Delivered) -> Result<usize, sqlx::Error> {
        let Delivered { ids, .. } = std::mem::take(delivered);
        if ids.is_empty() {
            return Ok(0);
        }
        let marked = store::mark_all_sent(&self.db, &ids, token, self.clock.now()).await? as usize;
        self.metrics.mails_sent.inc_by(marked as u64);
        if marked < ids.len() {
            tracing::warn!(mails = ids.len() - marked, "mails sent after their claim was taken over; they may go out twice");
        }
        Ok(marked)
    }

    /// Returns once this worker's clock passes `lease_until`. It reads the
    /// clock rather than setting one timer, so a clock moved forward (tests)
    /// is seen within a quarter of a second.
    async fn lease_runs_out(&self, lease_until: DateTime<Utc>) {
        const CHECK: std::time::Duration = std::time::Duration::from_millis(250);
        loop {
            let left = (lease_until - self.clock.now()).to_std().unwrap_or_default();
            if left.is_zero() {
                return;
            }
            tokio::time::sleep(left.min(CHECK)).await;
        }
    }

    async fn send_row(&self, row: &store::OutboxRow) -> Result<(), (String, bool)> {
        let template = Template::parse(&row.template).ok_or_else(|| (format!("unknown template {}", row.template), true))?;
        let params: MailParams = serde_json::from_str(&row.params).map_err(|e| (format!("bad parameters: {e}"), true))?;
        let rendered = render(template, &row.locale, &params, &self.public_url);
        self.transport.send(row.id, &self.from, &row.recipient, &rendered).await.map_err(|e| (e.to_string(), e.is_permanent()))
    }

    fn backoff(&self, attempts: i64) -> Duration {
        let exp = attempts.clamp(1, 20) as u32 - 1;
        let delay = self.settings.first_retry * 2i32.saturating_pow(exp);
        delay.min(self.settings.max_retry)
    }

    /// How many mails are due at `now` or being sent by some worker.
    pub async fn in_flight(&self, now: chrono::DateTime<chrono::Utc>) -> Result<i64, sqlx::Error> {
        store::in_flight(&self.db, now).await
    }

    /// How many mails are pending, sent and given up.
    pub async fn counts(&self) -> Result<OutboxCounts, sqlx::Error> {
        store::counts(&self.db).await
    }
}

/// `text` with every word that holds an `@` replaced by `<address>`: SMTP
/// servers quote the recipient in their refusals (`550 <a@b.ma>: unknown`).
fn without_addresses(text: &str) -> String {
    text.split(' ').map(|word| if word.contains('@') { "<address>" } else { word }).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_errors_carry_no_address() {
        let error = "transport: permanent error (550): 5.1.1 <amina@example.org>: Recipient address rejected";
        let logged = without_addresses(error);
        assert!(!logged.contains("amina"), "{logged}");
        assert_eq!(logged, "transport: permanent error (550): 5.1.1 <address> Recipient address rejected");
        assert_eq!(without_addresses("connection refused"), "connection refused");
    }

    #[test]
    fn the_lease_outlasts_an_smtp_exchange() {
        let settings = WorkerSettings::default();
        assert!(settings.lease.to_std().unwrap() >= crate::transport::SMTP_TIMEOUT * 2);
    }
}
