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
//! before, and a busy one sends fewer, larger statements. SQLite costs no
//! round trip, but a hand-off to the connection's thread and a copy of every
//! value read: the forum batches its lists there too.
//!
//! Every read of a batch is sent after it was asked for, so it sees every
//! write committed before that (a member reads what they just wrote, through
//! any instance). A batch's runner may read once what several of its
//! questions share (the forum reads a category's list once for all its
//! readers in the batch): every one of them was asked before it was sent.
//! Nothing is kept from one batch to the next.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc, oneshot};

/// What runs one batch: the questions in, one answer per question out, in
/// the same order (`None` where there is nothing to answer).
pub type Run<Q, A> = Arc<dyn Fn(Vec<Q>) -> Pin<Box<dyn Future<Output = Result<Vec<A>, sqlx::Error>> + Send>> + Send + Sync>;

/// How long a batch may take before its reads fail (a lane is then free
/// again): as long as a request waits for a pooled connection (two
/// seconds in this crate's unit tests, which wait for it).
const BATCH_TIMEOUT: Duration = if cfg!(test) { Duration::from_secs(2) } else { Duration::from_secs(10) };

/// A read waiting for its batch.
struct Waiting<Q, A> {
    question: Q,
    answer: oneshot::Sender<Result<A, Failed>>,
}

/// A read's batch failed (the error is logged where it happened).
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("a batch of reads failed at the database")]
pub struct Failed {
    /// The database was out of reach or busy ([`crate::db::is_unavailable`]):
    /// the request is answered 503, to be tried again, not 500.
    pub unavailable: bool,
}

impl Failed {
    /// Failed for `why`.
    fn of(why: &Why) -> Self {
        let unavailable = match why {
            Why::Database(e) => crate::db::is_unavailable(e),
            // No answer in time: the database is out of reach or swamped. Or
            // the instance is stopping: another may answer.
            Why::TimedOut | Why::Gone => true,
            Why::WrongCount => false,
        };
        Self { unavailable }
    }
}

/// Why a batch failed.
enum Why {
    /// sqlx's error: a statement refused, or the database out of reach.
    Database(sqlx::Error),
    /// No answer within [`BATCH_TIMEOUT`].
    TimedOut,
    /// Not one answer per question: our bug.
    WrongCount,
    /// The batches' task ended (the instance is stopping).
    Gone,
}

/// The batches that may be at the database at once, shared by the kinds of
/// read that use the same connections. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Lanes(Arc<Semaphore>);

impl Lanes {
    /// `n` lanes (at least one): as many as the connections the batches use.
    pub fn new(n: usize) -> Self {
        Self(Arc::new(Semaphore::new(n.max(1))))
    }
}

/// One kind of read, batched ([`crate::batch`]). Cheap to clone.
pub struct Batched<Q, A> {
    shared: Arc<Shared<Q, A>>,
}

struct Shared<Q, A> {
    name: &'static str,
    lanes: Lanes,
    most: usize,
    run: Run<Q, A>,
    /// The queue of the task that forms the batches, started by the first
    /// read (inside the runtime that serves it), and again if that task
    /// ended (its runtime stopped).
    queue: Mutex<Option<mpsc::UnboundedSender<Waiting<Q, A>>>>,
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

impl<Q: Clone + Send + 'static, A: Send + 'static> Batched<Q, A> {
    /// Batches of at most `most` reads, run on one of `lanes` each.
    pub fn new(name: &'static str, lanes: Lanes, most: usize, run: Run<Q, A>) -> Self {
        Self { shared: Arc::new(Shared { name, lanes, most: most.max(1), run, queue: Mutex::new(None) }) }
    }

    /// The answer to `question`, read with whatever batch it joins.
    pub async fn read(&self, question: Q) -> Result<A, Failed> {
        let (answer, answered) = oneshot::channel();
        let waiting = Waiting { question, answer };
        {
            let s = &self.shared;
            let mut queue = s.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let open = match queue.as_ref().filter(|q| !q.is_closed()) {
                Some(open) => open,
                None => {
                    if queue.is_some() {
                        tracing::warn!(batch = s.name, "the task forming batches had ended: started again");
                    }
                    let (sender, receiver) = mpsc::unbounded_channel();
                    // The task ends when this queue is dropped with the last handle.
                    tokio::spawn(form_batches(s.name, s.lanes.clone(), s.most, s.run.clone(), receiver));
                    queue.insert(sender)
                }
            };
            open.send(waiting).map_err(|_| Failed::of(&Why::Gone))?;
        }
        answered.await.map_err(|_| Failed::of(&Why::Gone))?
    }
}

/// Takes a free lane, then every read waiting (up to `most`; those whose
/// request went away are dropped), and runs them together on that lane;
/// ends when every [`Batched`] handle is dropped.
async fn form_batches<Q: Clone + Send + 'static, A: Send + 'static>(
    name: &'static str,
    lanes: Lanes,
    most: usize,
    run: Run<Q, A>,
    mut waiting: mpsc::UnboundedReceiver<Waiting<Q, A>>,
) {
    loop {
        let Ok(lane) = lanes.0.clone().acquire_owned().await else { return };
        let mut batch = Vec::new();
        while batch.is_empty() {
            let Some(first) = waiting.recv().await else { return };
            batch.extend(Some(first).filter(|w| !w.answer.is_closed()));
        }
        while batch.len() < most {
            match waiting.try_recv() {
                Ok(next) => batch.extend(Some(next).filter(|w| !w.answer.is_closed())),
                Err(_) => break,
            }
        }
        let run = run.clone();
        tokio::spawn(async move {
            let (questions, answers): (Vec<Q>, Vec<_>) = batch.into_iter().map(|w| (w.question, w.answer)).unzip();
            match run_batch(name, &run, questions.clone()).await {
                Ok(found) => {
                    for (answer, found) in answers.into_iter().zip(found) {
                        // A request that went away has dropped its receiver.
                        let _ = answer.send(Ok(found));
                    }
                }
                // A statement the database refused may have failed for one
                // question only: each is asked alone, so only its read fails
                // (not when the database itself is out of reach: all would).
                Err(Why::Database(e @ sqlx::Error::Database(_))) if questions.len() > 1 && !crate::db::is_unavailable(&e) => {
                    for (question, answer) in questions.into_iter().zip(answers) {
                        let alone = run_batch(name, &run, vec![question]).await;
                        let _ = answer
                            .send(alone.map_err(|why| Failed::of(&why)).and_then(|mut a| a.pop().ok_or(Failed::of(&Why::WrongCount))));
                    }
                }
                Err(why) => {
                    let failed = Failed::of(&why);
                    answers.into_iter().for_each(|a| drop(a.send(Err(failed))));
                }
            }
            drop(lane);
        });
    }
}

/// Runs one batch within [`BATCH_TIMEOUT`], checking it answered each
/// question; logs what went wrong (a warning when the database is out of
/// reach, as [`crate::Error`] logs it).
async fn run_batch<Q, A>(name: &'static str, run: &Run<Q, A>, questions: Vec<Q>) -> Result<Vec<A>, Why> {
    let size = questions.len();
    match tokio::time::timeout(BATCH_TIMEOUT, run(questions)).await {
        Ok(Ok(found)) if found.len() == size => Ok(found),
        Ok(Ok(found)) => {
            tracing::error!(batch = name, size, answers = found.len(), "a batch of reads got the wrong number of answers");
            Err(Why::WrongCount)
        }
        Ok(Err(e)) if crate::db::is_unavailable(&e) => {
            tracing::warn!(batch = name, size, error = %e, "a batch of reads failed: database unavailable");
            Err(Why::Database(e))
        }
        Ok(Err(e)) => {
            tracing::error!(batch = name, size, error = %e, "a batch of reads failed");
            Err(Why::Database(e))
        }
        Err(_) => {
            tracing::warn!(batch = name, size, "a batch of reads timed out: database unavailable");
            Err(Why::TimedOut)
        }
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
        let batched = Batched::new("test", Lanes::new(1), 100, doubling(sizes.clone()));
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
        let batched = Batched::new("test", Lanes::new(2), 4, doubling(sizes.clone()));
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
        let batched = Batched::new("test", Lanes::new(1), 10, run);
        assert!(batched.read(1).await.is_err_and(|f| f.unavailable), "no connection in time: to be tried again (503)");
        assert_eq!(batched.read(2).await.unwrap(), 2);
    }

    /// Out of reach or silent, the database makes a read unavailable (503);
    /// a refusal of the statement, or a wrong count of answers, is ours (500).
    #[tokio::test]
    async fn a_read_says_whether_the_database_was_out_of_reach() {
        // What the database does with a batch: an error, or `None`, no answer.
        type Outcome = fn() -> Option<sqlx::Error>;
        let failing = |outcome: Outcome| -> Run<u32, u32> {
            Arc::new(move |_: Vec<u32>| {
                Box::pin(async move {
                    match outcome() {
                        Some(e) => Err(e),
                        // Never answers: the batch times out.
                        None => std::future::pending::<Result<Vec<u32>, sqlx::Error>>().await,
                    }
                })
            })
        };
        let cases: [(Outcome, bool); 4] = [
            (|| Some(sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into())), true),
            (|| None, true),
            (|| Some(sqlx::Error::RowNotFound), false),
            (|| Some(sqlx::Error::ColumnNotFound("x".into())), false),
        ];
        for (outcome, unavailable) in cases {
            let batched = Batched::new("test", Lanes::new(1), 10, failing(outcome));
            let failed = batched.read(1).await.expect_err("a failed read");
            assert_eq!(failed.unavailable, unavailable);
        }
        let short: Run<u32, u32> = Arc::new(|_| Box::pin(async { Ok(vec![]) }));
        let failed = Batched::new("test", Lanes::new(1), 10, short).read(1).await.expect_err("no answer for the question");
        assert!(!failed.unavailable);
    }

    #[tokio::test]
    async fn a_runner_that_answers_too_few_fails_the_batch_rather_than_mismatch_answers() {
        let run: Run<u32, u32> = Arc::new(|_questions: Vec<u32>| Box::pin(async { Ok(Vec::new()) }));
        let batched = Batched::new("test", Lanes::new(1), 10, run);
        assert!(batched.read(1).await.is_err());
    }

    /// A runner the database refuses whenever a batch holds the question 13
    /// (as PostgreSQL refuses a text with a NUL byte).
    fn refusing_13(calls: Arc<Mutex<Vec<Vec<u32>>>>) -> Run<u32, u32> {
        Arc::new(move |questions: Vec<u32>| {
            calls.lock().unwrap().push(questions.clone());
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                if questions.contains(&13) { Err(sqlx::Error::Database(Box::new(Refused))) } else { Ok(questions) }
            })
        })
    }

    #[derive(Debug)]
    struct Refused;
    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("refused")
        }
    }
    impl std::error::Error for Refused {}
    impl sqlx::error::DatabaseError for Refused {
        fn message(&self) -> &str {
            "refused"
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    #[tokio::test]
    async fn a_question_the_database_refuses_fails_alone_not_its_whole_batch() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let batched = Batched::new("test", Lanes::new(1), 100, refusing_13(calls.clone()));
        let first = tokio::spawn({
            let b = batched.clone();
            async move { b.read(1).await.is_ok() }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        let rest: Vec<_> = [12, 13, 14]
            .into_iter()
            .map(|q| {
                let b = batched.clone();
                tokio::spawn(async move { (q, b.read(q).await.ok()) })
            })
            .collect();
        assert!(first.await.unwrap());
        for r in rest {
            let (q, a) = r.await.unwrap();
            assert_eq!(a, (q != 13).then_some(q), "only the refused question fails");
        }
        assert_eq!(*calls.lock().unwrap(), vec![vec![1], vec![12, 13, 14], vec![12], vec![13], vec![14]]);
    }

    #[tokio::test]
    async fn a_read_whose_request_went_away_is_not_sent() {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let batched = Batched::new("test", Lanes::new(1), 100, doubling(sizes.clone()));
        let first = tokio::spawn({
            let b = batched.clone();
            async move { b.read(1).await.unwrap() }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        // Asked while the lane is busy, then given up (a client gone).
        let gone = tokio::spawn({
            let b = batched.clone();
            async move { b.read(2).await }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        gone.abort();
        let kept = tokio::spawn({
            let b = batched.clone();
            async move { b.read(3).await.unwrap() }
        });
        assert_eq!((first.await.unwrap(), kept.await.unwrap()), (2, 6));
        assert_eq!(*sizes.lock().unwrap(), vec![1, 1], "the read given up was dropped from its batch");
    }

    #[test]
    fn a_handle_outliving_its_runtime_starts_the_batches_again_in_the_next() {
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let batched = Batched::new("test", Lanes::new(1), 10, doubling(sizes.clone()));
        for q in [1, 2] {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
            assert_eq!(runtime.block_on(batched.read(q)).unwrap(), q * 2);
        }
    }
}
