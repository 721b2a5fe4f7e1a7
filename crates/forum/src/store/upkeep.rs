//! SQL of the forum's clean-up: pruning what has served its purpose.

use chrono::{DateTime, Utc};
use sanad_platform::{Db, on_db};

use super::Sql;

/// Rows deleted per statement, so that a large backlog never holds a long lock.
const BATCH: i64 = 5_000;

/// Deletes index events written before `before`, except the newest event of
/// all (kept so that an instance back after a long absence sees what it
/// missed: the first event left is far after its own last one). Returns how
/// many went. Idempotent: instances may run it at once.
pub async fn prune_index_events(db: &Db, before: DateTime<Utc>) -> Sql<u64> {
    let mut total = 0;
    loop {
        let deleted = on_db!(db, c => sqlx::query(
            "DELETE FROM forum_index_events WHERE seq IN (SELECT seq FROM forum_index_events \
             WHERE created_at < $1 AND seq < (SELECT MAX(seq) FROM forum_index_events) ORDER BY seq LIMIT $2)")
            .bind(before).bind(BATCH).execute(c).await.map(|r| r.rows_affected()))?;
        total += deleted;
        if deleted < BATCH as u64 {
            return Ok(total);
        }
    }
}

/// The oldest index event kept, if any.
pub async fn first_index_event(db: &Db) -> Sql<Option<i64>> {
    on_db!(db, c => sqlx::query_scalar::<_, Option<i64>>("SELECT MIN(seq) FROM forum_index_events").fetch_one(c).await)
}
