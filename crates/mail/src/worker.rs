//! The worker that drains the outbox: it wakes when told a mail was queued or
//! every poll interval, sends what is due, and backs off exponentially on
//! failure. A crash mid-send leaves the row claimed only until its lease ends.

use chrono::Duration;
use sanad_platform::telemetry::Metrics;
use sanad_platform::{Clock, Db};
use std::sync::Arc;
use tokio::sync::{Notify, watch};

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
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll: std::time::Duration::from_secs(2),
            first_retry: Duration::seconds(30),
            max_retry: Duration::hours(1),
            max_attempts: 12,
        }
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
}

impl std::fmt::Debug for MailWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailWorker").field("transport", &self.transport).finish()
    }
}

impl MailWorker {
    /// A worker sending through `transport` as `from`, with links under `public_url`.
    pub fn new(db: Db, clock: Clock, transport: MailTransport, from: String, public_url: String, metrics: Metrics) -> Self {
        Self { db, clock, transport, from, public_url, settings: WorkerSettings::default(), metrics, wake: Arc::new(Notify::new()) }
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
            match tokio::spawn(async move { worker.drain_once().await }).await {
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

    /// Sends every mail that is due now; returns how many were sent.
    pub async fn drain_once(&self) -> Result<usize, sqlx::Error> {
        let mut sent = 0;
        loop {
            let now = self.clock.now();
            let batch = store::claim_due(&self.db, now, now + Duration::minutes(5), 20).await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            for row in batch {
                let outcome = self.send_row(&row).await;
                let now = self.clock.now();
                match outcome {
                    Ok(()) => {
                        store::mark_sent(&self.db, row.id, now).await?;
                        self.metrics.mails_sent.inc();
                        sent += 1;
                    }
                    Err((error, permanent)) => {
                        self.metrics.mails_failed.inc();
                        let give_up = (permanent || row.attempts >= self.settings.max_attempts).then_some(now);
                        let retry_at = now + self.backoff(row.attempts);
                        // The recipient's address is personal data: log the mail id only.
                        tracing::warn!(mail_id = %row.id, attempts = row.attempts, gave_up = give_up.is_some(), error = %error, "mail not sent");
                        store::mark_failed(&self.db, row.id, &error, retry_at, give_up).await?;
                    }
                }
            }
        }
    }

    async fn send_row(&self, row: &store::OutboxRow) -> Result<(), (String, bool)> {
        let template = Template::parse(&row.template).ok_or_else(|| (format!("unknown template {}", row.template), true))?;
        let params: MailParams = serde_json::from_str(&row.params).map_err(|e| (format!("bad parameters: {e}"), true))?;
        let rendered = render(template, &row.locale, &params, &self.public_url);
        self.transport.send(&self.from, &row.recipient, &rendered).await.map_err(|e| (e.to_string(), e.is_permanent()))
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
