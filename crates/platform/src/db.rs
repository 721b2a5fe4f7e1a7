//! The database handle: a native SQLite or PostgreSQL pool, chosen at run
//! time from the URL scheme. `sqlx::Any` is not used because it carries no
//! uuid or timestamp types; instead the two pools sit behind one enum and the
//! [`on_db!`](crate::on_db) / [`on_tx!`](crate::on_tx) macros run the same
//! query code against whichever one is live.

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Postgres, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// A pool on one of the two supported backends. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    /// A SQLite file, and the turns its transactions take in this process.
    Sqlite(SqlitePool, WriteTurns),
    /// A PostgreSQL pool, and the few connections of the batched reads.
    Postgres(PgPool, BatchReads),
}

/// The connections that serve batched reads ([`crate::batch`]) on
/// PostgreSQL, on which every statement is planned once
/// (`plan_cache_mode = force_generic_plan`). PostgreSQL plans a prepared
/// statement anew on each run while a plan for the values at hand looks
/// cheaper than the generic one, and a batch's arrays always make it look so
/// (the row count is read off the arrays): the forum's batch of topics took
/// 0.65 ms to plan and 0.14 ms to run, every time. A batched statement reads
/// each row through its keys, so the generic plan is the one wanted.
#[derive(Clone, Debug)]
pub struct BatchReads(pub PgPool);

/// Of an instance's `connections` to PostgreSQL, those of the batched
/// reads: two, or one below eight (so that of the fewest allowed, four, the
/// pool keeps three: one listens for session changes, two serve the rest).
pub fn batch_connections(connections: u32) -> u32 {
    if connections >= 8 { 2 } else { 1 }
}

/// An open transaction on either backend; commit it or it rolls back on drop.
#[derive(Debug)]
pub enum Tx {
    /// A SQLite transaction, holding this process's turn until it ends (the
    /// transaction is declared first, so it ends before the turn passes on).
    Sqlite(Transaction<'static, Sqlite>, Turn),
    Postgres(Transaction<'static, Postgres>),
}

/// Transactions on one SQLite file take turns in this process, first come
/// first served. SQLite lets one writer in at a time; a writer that finds the
/// file locked sleeps in SQLite's busy handler for 1, then 2, then 5 ms
/// (and longer) before it looks again, so a member's reply that arrived while
/// the forum's fan-out wrote 250 notifications waited 8 ms for a lock freed
/// after 3. Waiting for a turn here wakes the next transaction the moment the
/// last one ends. Statements outside a transaction, and other processes
/// (`sanad` commands), still meet the busy handler.
#[derive(Clone, Debug, Default)]
pub struct WriteTurns(std::sync::Arc<tokio::sync::Mutex<()>>);

/// One transaction's turn on a SQLite file, passed on when dropped.
#[derive(Debug)]
pub struct Turn(#[allow(dead_code)] tokio::sync::OwnedMutexGuard<()>);

/// How long a SQLite writer waits for the file (busy timeout) or for its turn.
const SQLITE_WAIT: Duration = Duration::from_secs(10);

/// The database out of reach, said again to each request of a batch that
/// met it once (the cause is logged where it was met): answered as
/// `unavailable` (503) like the error it stands for.
#[derive(Clone, Copy, Debug, thiserror::Error)]
#[error("the database was out of reach (its cause logged where it was met)")]
pub struct OutOfReach;

/// Whether `e` says the database could not be reached, was going down or
/// starting up, or stayed busy past the wait: nothing is wrong with the
/// request, and the same request shortly after may well succeed (503 with
/// `Retry-After`, not 500: [`crate::Error`]).
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        // No connection within the pool's wait (the server refuses or is
        // gone; also a pool held too long by our own requests, which the
        // pool cannot tell apart), the pool closing at shutdown, a
        // connection cut mid-query.
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => match db.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
            // SQLITE_BUSY and its extended codes: another process (a `sanad`
            // command, a backup) held the file past the busy wait.
            Some(_) => db.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| c & 0xff == 5),
            // PostgreSQL: connection exceptions (class 08, but a protocol
            // violation, 08P01, is ours); shutting down, crashed or starting
            // up (57P01 to 57P03); too many connections (53300); a standby
            // not yet promoted after a failover (25006, read-only).
            None => db
                .code()
                .is_some_and(|c| (c.starts_with("08") && c != "08P01") || matches!(&*c, "57P01" | "57P02" | "57P03" | "53300" | "25006")),
        },
        _ => false,
    }
}

/// Runs `$body` with `$c` bound to the live pool (`&SqlitePool` or `&PgPool`).
/// The body is compiled once per backend, so it must only use SQL that both accept.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($c, _) => $body,
            $crate::db::Db::Postgres($c, _) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's connection.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite($c, _) => {
                let $c = &mut **$c;
                $body
            }
            $crate::db::Tx::Postgres($c) => {
                let $c = &mut **$c;
                $body
            }
        }
    };
}

/// Which dialect a handle speaks, for the few statements that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How long a PostgreSQL connection may sit idle in the pool before it is
/// pinged on its way out (a database restart or a cut link shows there).
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);

/// A PostgreSQL pool of at most `connections`. sqlx pings every connection
/// it hands out by default, a round trip on the request's path (it pings
/// again when the connection comes back, in a task of its own, which cannot
/// be turned off). Only one that sat idle for a while is pinged here (a dead
/// one is then dropped and a new one opened); one in steady use proves itself
/// with every query.
fn pg_pool(connections: u32) -> PgPoolOptions {
    PgPoolOptions::new().max_connections(connections).acquire_timeout(Duration::from_secs(10)).test_before_acquire(false).before_acquire(
        |conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_WHEN_IDLE_FOR {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        },
    )
}

impl Db {
    /// Opens a pool for `url` (`sqlite://path` or `postgres://...`). SQLite runs
    /// in WAL mode with foreign keys on and a busy timeout, and the file is
    /// created when missing.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        Self::connect_with(url, crate::config::DATABASE_CONNECTIONS).await
    }

    /// The same, holding at most `connections` connections to PostgreSQL
    /// (`Config::database_connections`, [`batch_connections`] of them for
    /// the batched reads; SQLite keeps its own eight).
    pub async fn connect_with(url: &str, connections: u32) -> Result<Self, sqlx::Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // The batched reads' connections are part of the number asked
            // for. One is opened now, so that a server or pooler refusing the
            // setting stops the start rather than failing the forum's reads.
            let options = PgConnectOptions::from_str(url)?;
            let batch = batch_connections(connections);
            let pool = pg_pool(connections.saturating_sub(batch).max(1)).connect_with(options.clone()).await?;
            let batch = pg_pool(batch).connect_with(options.options([("plan_cache_mode", "force_generic_plan")])).await?;
            Ok(Db::Postgres(pool, BatchReads(batch)))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(SQLITE_WAIT)
                // Checkpoints run beside the requests (see `checkpoints`), not
                // inside whichever commit crosses the threshold.
                .pragma("wal_autocheckpoint", "0");
            // No ping before each use: a connection to a local file does not
            // drop like a network one, and the ping is a round trip to the
            // connection's thread on every acquire.
            let pool =
                SqlitePoolOptions::new().max_connections(8).min_connections(1).test_before_acquire(false).connect_with(options).await?;
            tokio::spawn(checkpoints(pool.clone()));
            Ok(Db::Sqlite(pool, WriteTurns::default()))
        } else {
            Err(sqlx::Error::Configuration(
                format!("unsupported database URL scheme in {:?}: use sqlite:// or postgres://", redact(url)).into(),
            ))
        }
    }

    /// The dialect of this handle.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(..) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Db::Sqlite(..) => &SQLITE_MIGRATIONS,
            Db::Postgres(..) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        let migrator = self.migrator();
        on_db!(self, pool => migrator.run(pool).await)
    }

    /// True when the database answers and every migration this binary knows
    /// has been applied successfully (used by `/readyz`).
    pub async fn is_ready(&self) -> bool {
        let applied: Result<Vec<i64>, sqlx::Error> = on_db!(self, pool => {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE ORDER BY version")
                .fetch_all(pool)
                .await
        });
        match applied {
            Ok(applied) => self.migrator().iter().filter(|m| m.migration_type.is_up_migration()).all(|m| applied.contains(&m.version)),
            Err(_) => false,
        }
    }

    /// Starts a transaction (on SQLite, once it is this transaction's turn:
    /// see [`WriteTurns`]).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool, turns) => {
                let turn = tokio::time::timeout(SQLITE_WAIT, turns.0.clone().lock_owned()).await.map_err(|_| sqlx::Error::PoolTimedOut)?;
                Tx::Sqlite(pool.begin().await?, Turn(turn))
            }
            Db::Postgres(pool, _) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// The connections of the batched reads, PostgreSQL only (SQLite's
    /// batches read through its pool: in this process, a statement costs no
    /// round trip to save, only hand-offs and copies); as many batches may
    /// run at once as the pool has connections.
    pub fn batch_reads(&self) -> Option<&PgPool> {
        match self {
            Db::Sqlite(..) => None,
            Db::Postgres(_, BatchReads(pool)) => Some(pool),
        }
    }

    /// Closes the pools, waiting for connections to be returned.
    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await);
        if let Some(batch) = self.batch_reads() {
            batch.close().await;
        }
    }
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx, _turn) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    /// The dialect of this transaction.
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(..) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

/// How often the WAL of a SQLite database is copied back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies the WAL back into the database file every [`CHECKPOINT_EVERY`]
/// until the pool closes. SQLite's own checkpoint runs inside the commit
/// that takes the WAL past 1,000 pages: with the forum's fan-out writing
/// thousands of notifications and mails, that commit was often a member's
/// reply, which then paid for copying and syncing megabytes of other
/// writes. A passive checkpoint takes no write lock: writers go on beside it.
async fn checkpoints(pool: SqlitePool) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::warn!(error = %e, "SQLite checkpoint failed");
        }
    }
}

/// Hides the password of a database URL before it is printed.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Whether a database error is a unique-constraint violation (e.g. a duplicate email).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Rows of `sql(placeholders)` for every id of `ids`, where `placeholders` is
/// `$1, $2, ...` for an `IN (...)` list: the ids go in chunks of 500, well
/// within either backend's limit on bound values.
pub async fn fetch_by_ids<R>(db: &Db, ids: &[uuid::Uuid], sql: impl Fn(&str) -> String) -> Result<Vec<R>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let text = sql(&marks.join(", "));
        let mut rows = on_db!(db, c => {
            let mut q = sqlx::query_as::<_, R>(sqlx::AssertSqlSafe(text.as_str()));
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        })?;
        found.append(&mut rows);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_commits_never_checkpoint_and_the_wal_is_copied_back_beside_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sanad.db");
        let db = Db::connect(&format!("sqlite://{}", file.display())).await.unwrap();
        let Db::Sqlite(pool, _) = &db else { unreachable!() };
        let threshold: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint").fetch_one(pool).await.unwrap();
        assert_eq!(threshold, 0, "no commit runs a checkpoint");

        // 2 MB of rows: under SQLite's own threshold (1,000 pages, 4 MB), so
        // without the background checkpoints they would stay in the WAL.
        sqlx::query("CREATE TABLE filler (body BLOB)").execute(pool).await.unwrap();
        for _ in 0..64 {
            sqlx::query("INSERT INTO filler VALUES (randomblob(32768))").execute(pool).await.unwrap();
        }
        let before = std::fs::metadata(&file).unwrap().len();
        let mut copied = before;
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            copied = std::fs::metadata(&file).unwrap().len();
            if copied >= 2 * 1024 * 1024 {
                break;
            }
        }
        assert!(copied >= 2 * 1024 * 1024, "the database file holds the rows within 4 s ({before} then {copied} bytes)");
        db.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_transactions_take_turns_and_the_next_begins_as_the_last_ends() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("sanad.db").display())).await.unwrap();
        on_db!(&db, c => sqlx::query("CREATE TABLE replies (n INTEGER)").execute(c).await.map(|_| ())).unwrap();
        let mut first = db.begin().await.unwrap();
        on_tx!(&mut first, c => sqlx::query("INSERT INTO replies VALUES (1)").execute(c).await.map(|_| ())).unwrap();
        let (began, mut told) = tokio::sync::oneshot::channel();
        let other = db.clone();
        let second = tokio::spawn(async move {
            let mut tx = other.begin().await.unwrap();
            let _ = began.send(());
            on_tx!(&mut tx, c => sqlx::query("INSERT INTO replies VALUES (2)").execute(c).await.map(|_| ())).unwrap();
            tx.commit().await.unwrap();
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(told.try_recv().is_err(), "a second transaction began while the first was open");
        first.commit().await.unwrap();
        second.await.unwrap();
        let n: i64 = on_db!(&db, c => sqlx::query_scalar("SELECT COUNT(*) FROM replies").fetch_one(c).await).unwrap();
        assert_eq!(n, 2);
        db.close().await;
    }
}
