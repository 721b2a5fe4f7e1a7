//! Group commit: the learning events progress writes in transactions of its
//! own (a lesson marked read, an item opened) go to a writer task, which
//! writes every event waiting, up to [`MAX_BATCH`], in one transaction and
//! answers each request once that transaction has committed.
//!
//! Each event is still written with the state it changes, by the same
//! `record` as an event that commits with a quiz attempt, and the first write
//! for each event takes its learner's enrolment row; two events of one learner
//! in one batch are written one after the other on one connection, so the
//! second sees the first. On SQLite the writers queue here instead of in the
//! database's busy handler, which sleeps; on both backends a batch pays for
//! one commit instead of one per event.

use sanad_platform::db::Backend;
use sanad_platform::learning::{CourseOutline, LearningEvent};
use sanad_platform::{Error, Result};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::service::Progress;

/// At most this many events share a transaction.
const MAX_BATCH: usize = 64;

/// Events waiting for a writer; a request waits for room beyond this.
const QUEUE: usize = 1024;

/// One event to write, and who waits for it.
struct Job {
    outline: Arc<CourseOutline>,
    event: LearningEvent,
    /// The idempotency key the learner's device sent it with, if any.
    key: Option<Uuid>,
    done: oneshot::Sender<Result<()>>,
}

/// The queue to the writer tasks, which start on first use. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct GroupCommit {
    queue: Arc<Mutex<Option<mpsc::Sender<Job>>>>,
}

fn stopped() -> Error {
    Error::Internal(anyhow::anyhow!("the progress writer stopped"))
}

impl GroupCommit {
    /// Writes `event` with the state it changes, unless `key` was used
    /// before; returns once it is committed.
    pub(crate) async fn write(
        &self,
        progress: &Progress,
        outline: Arc<CourseOutline>,
        event: LearningEvent,
        key: Option<Uuid>,
    ) -> Result<()> {
        let (done, answer) = oneshot::channel();
        self.sender(progress).send(Job { outline, event, key, done }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The queue, with its writers started when there are none (the first
    /// time, or after a writer panicked).
    fn sender(&self, progress: &Progress) -> mpsc::Sender<Job> {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(sender) = queue.as_ref().filter(|s| !s.is_closed()) {
            return sender.clone();
        }
        let (sender, receiver) = mpsc::channel(QUEUE);
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        // SQLite has one writer at a time anyway; PostgreSQL overlaps a few
        // batches, each waiting on its commit while the next one fills.
        let writers = match progress.db.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 4,
        };
        for _ in 0..writers {
            // A writer holds a copy of the service without this queue, so it
            // ends when the last copy that can send to it is dropped.
            tokio::spawn(run(progress.without_group_commit(), receiver.clone()));
        }
        *queue = Some(sender.clone());
        sender
    }
}

/// A writer: takes what is waiting, writes it in one transaction, answers.
async fn run(progress: Progress, queue: Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        if queue.lock().await.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        let mut jobs = std::mem::take(&mut batch);
        // Rows are locked learner by learner in this order, the same in every
        // batch, so two writers' batches never wait for each other in a
        // circle (the sort is stable: one learner's events keep their order).
        jobs.sort_by_key(|job| (job.event.user, job.outline.course_id));
        tracing::debug!(events = jobs.len(), "group commit");
        match write_all(&progress, &jobs).await {
            Ok(()) => {
                for job in jobs {
                    progress.dashboards.forget_member(job.event.user, job.outline.course_id);
                    let _ = job.done.send(Ok(()));
                }
            }
            // Nothing of the batch was kept: each event alone, so that one
            // event's failure is the failure of its own request only.
            Err(e) if jobs.len() == 1 => {
                // Rolled back: nothing to forget.
                let _ = jobs.into_iter().next().map(|job| job.done.send(Err(e)));
            }
            // The database out of reach: each event alone would wait as long
            // again. Every request is told so (503), to send it again.
            Err(e) if e.is_unavailable() => {
                tracing::warn!(events = jobs.len(), error = %e, "group commit: database unavailable");
                for job in jobs {
                    let _ = job.done.send(Err(Error::Internal(sanad_platform::db::OutOfReach.into())));
                }
            }
            Err(_) => {
                for job in jobs {
                    let result = write_all(&progress, std::slice::from_ref(&job)).await;
                    progress.dashboards.forget_member(job.event.user, job.outline.course_id);
                    let _ = job.done.send(result);
                }
            }
        }
    }
}

async fn write_all(progress: &Progress, jobs: &[Job]) -> Result<()> {
    let mut tx = progress.db.begin().await.map_err(|e| Error::Internal(e.into()))?;
    for job in jobs {
        progress.record_once(&mut tx, &job.outline, &job.event, job.key).await?;
    }
    tx.commit().await.map_err(|e| Error::Internal(e.into()))
}
