//! The database handle: a native SQLite or PostgreSQL pool, chosen at run
//! time from the URL scheme. `sqlx::Any` is not used because it carries no
//! uuid or timestamp types; instead the two pools sit behind one enum and the
//! [`on_db!`](crate::on_db) / [`on_tx!`](crate::on_tx) macros run the same
//! query code against whichever one is live.

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Postgres, Sqlite, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../../migrations/postgres");

/// A pool on one of the two supported backends. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool, WriterQueue),
    Postgres(PgPool),
}

/// An open transaction on either backend; commit it or it rolls back on drop.
/// On SQLite it holds its place at the head of the [`WriterQueue`] until then
/// (the fields drop in order: the transaction, then the place).
#[derive(Debug)]
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>, OwnedMutexGuard<()>),
    Postgres(Transaction<'static, Postgres>),
}

/// The queue of one process's SQLite transactions, first come first served.
///
/// SQLite has one writer at a time, and a writer that finds the lock taken
/// sleeps in its busy handler and tries again (up to 100 ms a try): it does not
/// queue. Back-to-back background transactions (the forum's fan-out to a
/// thousand watchers) then kept a member's reply waiting for seconds. In this
/// queue a reply waits for the one transaction ahead of it at most.
#[derive(Clone, Debug, Default)]
pub struct WriterQueue(Arc<Mutex<()>>);

/// How long a transaction waits for its turn: long enough for a queue of a
/// busy minute's writes, and a transaction opened inside another on the same
/// task fails instead of hanging.
const WRITER_QUEUE_WAIT: Duration = Duration::from_secs(30);

impl WriterQueue {
    async fn turn(&self) -> Result<OwnedMutexGuard<()>, sqlx::Error> {
        tokio::time::timeout(WRITER_QUEUE_WAIT, self.0.clone().lock_owned()).await.map_err(|_| sqlx::Error::PoolTimedOut)
    }
}

/// Runs `$body` with `$c` bound to the live pool (`&SqlitePool` or `&PgPool`).
/// The body is compiled once per backend, so it must only use SQL that both accept.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($c, _) => $body,
            $crate::db::Db::Postgres($c) => $body,
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

impl Db {
    /// Opens a pool for `url` (`sqlite://path` or `postgres://...`). SQLite runs
    /// in WAL mode with foreign keys on and a busy timeout, and the file is
    /// created when missing.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            // No ping before each use: a connection to a local file does not
            // drop like a network one, and the ping is a round trip to the
            // connection's thread on every acquire.
            let pool =
                SqlitePoolOptions::new().max_connections(8).min_connections(1).test_before_acquire(false).connect_with(options).await?;
            Ok(Db::sqlite(pool))
        } else {
            Err(sqlx::Error::Configuration(
                format!("unsupported database URL scheme in {:?}: use sqlite:// or postgres://", redact(url)).into(),
            ))
        }
    }

    /// A handle on an SQLite pool, with its own queue of writers.
    pub fn sqlite(pool: SqlitePool) -> Self {
        Db::Sqlite(pool, WriterQueue::default())
    }

    /// The dialect of this handle.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Db::Sqlite(..) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
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

    /// Starts a transaction; on SQLite once the transactions ahead of it in
    /// this process have ended (see [`WriterQueue`]).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool, queue) => {
                let turn = queue.turn().await?;
                Tx::Sqlite(pool.begin().await?, turn)
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
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
    async fn sqlite_transactions_take_turns_first_come_first_served() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/turns.db", dir.path().display())).await.unwrap();
        let first = db.begin().await.unwrap();
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut waiting = Vec::new();
        for n in 1..=3 {
            let (db, order) = (db.clone(), order.clone());
            waiting.push(tokio::spawn(async move {
                let tx = db.begin().await.unwrap();
                order.lock().unwrap().push(n);
                tx.commit().await.unwrap();
            }));
            // Each one in the queue before the next.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(order.lock().unwrap().is_empty(), "nobody begins while the first transaction is open");
        first.commit().await.unwrap();
        for w in waiting {
            w.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![1, 2, 3]);
    }
}
