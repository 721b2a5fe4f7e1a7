//! Reads that many requests make at the same moment, sent to the database
//! together: one statement answers a whole batch, in one round trip.
//!
//! On PostgreSQL every statement costs a round trip, a turn of the server's
//! process and sqlx's ping of the connection on its way back to the pool,
//! whatever it reads; on two cores shared with the web server that cost, not
//! the reading, set the forum's p99 (bench/README.md). So the most frequent
//! reads wait here for a free lane (at most [`Batched::new`]'s `lanes` batches
//! at the database at once): a read that finds one free goes at once, alone;
//! reads that arrive while every lane is busy go together with the next one
//! free. Nothing waits on a timer, so a quiet instance answers as fast as
//! before, and a busy one sends fewer, larger statements.
//!
//! Every read of a batch is sent after it was asked for, so it sees every
//! write committed before that (a member reads what they just wrote, through
//! any instance). Reads are not merged: two members asking the same thing
//! are two rows of the statement.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// What runs one batch: the questions in, one answer per question out, in
/// the same order (`None` where there is nothing to answer).
pub type Run<Q, A> = Arc<dyn Fn(Vec<Q>) -> Pin<Box<dyn Future<Output = Result<Vec<A>, sqlx::Error>> + Send>> + Send + Sync>;

/// A read waiting for its batch.
struct Waiting<Q, A> {
    question: Q,
    answer: oneshot::Sender<Result<A, Failed>>,
}

/// A batch's statement failed (its error is logged once, with the batch's size).
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("a batch of reads failed at the database")]
pub struct Failed;

/// One kind of read, batched ([`crate::batch`]). Cheap to clone.
pub struct Batched<Q, A> {
    shared: Arc<Shared<Q, A>>,
}

struct Shared<Q, A> {
    name: &'static str,
    lanes: usize,
    most: usize,
    run: Run<Q, A>,
    /// The queue of the task that forms the batches, started by the first
    /// read (inside the runtime that serves it).
    queue: OnceLock<mpsc::UnboundedSender<Waiting<Q, A>>>,
}

impl<Q, A> Clone for Batched<Q, A> {
    fn clone(&self) -> Self {
        Self { shared: self.shared.clone() }
    }
}

impl<Q, A> std::fmt::Debug for Batched<Q, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batched").field("name", &self.shared.name).finish_non_exhaustive()
    }
}

impl<Q: Send + 'static, A: Send + 'static> Batched<Q, A> {
    /// Batches of at most `most` reads, at most `lanes` at the database at
    /// once (each takes a connection of the pool while it runs).
    pub fn new(name: &'static str, lanes: usize, most: usize, run: Run<Q, A>) -> Self {
        Self { shared: Arc::new(Shared { name, lanes: lanes.max(1), most: most.max(1), run, queue: OnceLock::new() }) }
    }

    /// The answer to `question`, read with whatever batch it joins.
    pub async fn read(&self, question: Q) -> Result<A, Failed> {
        let s = &self.shared;
        let queue = s.queue.get_or_init(|| {
            let (queue, waiting) = mpsc::unbounded_channel();
            // The task ends when this queue is dropped with the last handle.
            tokio::spawn(form_batches(s.name, Arc::new(Semaphore::new(s.lanes)), s.most, s.run.clone(), waiting));
            queue
        });
        let (answer, answered) = oneshot::channel();
        queue.send(Waiting { question, answer }).map_err(|_| Failed)?;
        answered.await.map_err(|_| Failed)?
    }
}

/// Takes a free lane, then every read waiting (up to `most`), and runs them
/// together on that lane; ends when every [`Batched`] handle is dropped.
async fn form_batches<Q: Send + 'static, A: Send + 'static>(
    name: &'static str,
    lanes: Arc<Semaphore>,
    most: usize,
    run: Run<Q, A>,
    mut waiting: mpsc::UnboundedReceiver<Waiting<Q, A>>,
) {
    loop {
        let Ok(lane) = lanes.clone().acquire_owned().await else { return };
        let Some(first) = waiting.recv().await else { return };
        let mut batch = vec![first];
        while batch.len() < most {
            match waiting.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let run = run.clone();
        tokio::spawn(async move {
            let (questions, answers): (Vec<Q>, Vec<_>) = batch.into_iter().map(|w| (w.question, w.answer)).unzip();
            let size = questions.len();
            match run(questions).await {
                Ok(found) if found.len() == size => {
                    for (answer, found) in answers.into_iter().zip(found) {
                        // A request that went away has dropped its receiver.
                        let _ = answer.send(Ok(found));
                    }
                }
                Ok(found) => {
                    tracing::error!(batch = name, size, answers = found.len(), "a batch of reads got the wrong number of answers");
                    answers.into_iter().for_each(|a| drop(a.send(Err(Failed))));
                }
                Err(e) => {
                    tracing::error!(batch = name, size, error = %e, "a batch of reads failed");
                    answers.into_iter().for_each(|a| drop(a.send(Err(Failed))));
                }
            }
            drop(lane);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;

    /// A batch runner that doubles each question, slowly, and notes each batch's size.
    fn doubling(sizes: Arc<Mutex<Vec<usize>>>) -> Run<u32, u32> {
        Arc::new(move |questions: Vec<u32>| {
            let sizes = sizes.clone();
            Box::pin(async move {
                sizes.lock().unwrap().push(questions.len());
                tokio::time::sleep(Duration::from_millis(50)).await;
                Ok(questions.into_iter().map(|q| q * 2).collect())
            })
        })
    }

    #[tokio::test]
    async fn a_read_alone_goes_at_once_and_reads_arriving_meanwhile_go_together() {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let batched = Batched::new("test", 1, 100, doubling(sizes.clone()));
        let first = tokio::spawn({
            let b = batched.clone();
            async move { b.read(1).await.unwrap() }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        // The lane is busy with the first: these ten wait and go as one batch.
        let rest: Vec<_> = (2..12)
            .map(|q| {
                let b = batched.clone();
                tokio::spawn(async move { (q, b.read(q).await.unwrap()) })
            })
            .collect();
        assert_eq!(first.await.unwrap(), 2);
        for r in rest {
            let (q, a) = r.await.unwrap();
            assert_eq!(a, q * 2, "each read gets its own answer");
        }
        assert_eq!(*sizes.lock().unwrap(), vec![1, 10]);
    }

    #[tokio::test]
    async fn batches_stay_within_their_size_and_lanes() {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let batched = Batched::new("test", 2, 4, doubling(sizes.clone()));
        let reads: Vec<_> = (0..20)
            .map(|q| {
                let b = batched.clone();
                tokio::spawn(async move { (q, b.read(q).await.unwrap()) })
            })
            .collect();
        for r in reads {
            let (q, a) = r.await.unwrap();
            assert_eq!(a, q * 2);
        }
        let sizes = sizes.lock().unwrap();
        assert!(sizes.iter().all(|s| *s <= 4), "{sizes:?}");
        assert_eq!(sizes.iter().sum::<usize>(), 20);
        assert!(sizes.len() < 20, "reads went together: {sizes:?}");
    }

    #[tokio::test]
    async fn a_failed_batch_fails_each_of_its_reads_and_the_next_batch_runs() {
        let calls = Arc::new(Mutex::new(0));
        let run: Run<u32, u32> = {
            let calls = calls.clone();
            Arc::new(move |questions: Vec<u32>| {
                let first = {
                    let mut calls = calls.lock().unwrap();
                    *calls += 1;
                    *calls == 1
                };
                Box::pin(async move { if first { Err(sqlx::Error::PoolTimedOut) } else { Ok(questions) } })
            })
        };
        let batched = Batched::new("test", 1, 10, run);
        assert!(batched.read(1).await.is_err());
        assert_eq!(batched.read(2).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn a_runner_that_answers_too_few_fails_the_batch_rather_than_mismatch_answers() {
        let run: Run<u32, u32> = Arc::new(|_questions: Vec<u32>| Box::pin(async { Ok(Vec::new()) }));
        let batched = Batched::new("test", 1, 10, run);
        assert!(batched.read(1).await.is_err());
    }
}
