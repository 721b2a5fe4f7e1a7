//! SQL of the rate limits. A member's own recent topics and posts are the
//! record of what they wrote: nothing else to store, and every instance
//! counts the same rows.

use chrono::{DateTime, Utc};
use sanad_platform::{Tx, on_tx};
use uuid::Uuid;

use super::Sql;

/// Serialises the rate-limit checks of `user` until the transaction ends, so
/// that counting their recent writing and adding to it are one step.
///
/// PostgreSQL: a transaction-scoped advisory lock on the member (the login
/// throttle's pattern, another key space). SQLite: nothing to do here, as
/// long as the transaction has already written (it then holds the
/// database's write lock, and other writers wait for it): callers call this
/// after their first write.
pub async fn lock_member(tx: &mut Tx, user: Uuid) -> Sql<()> {
    if let Tx::Postgres(c) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(7302, hashtext($1))").bind(user.to_string()).execute(&mut **c).await?;
    }
    Ok(())
}

/// When `user` opened the `nth` newest (from 1) of their topics created
/// after `since`, leaving `except` out; `None` when they opened fewer.
pub async fn nth_topic_since(tx: &mut Tx, user: Uuid, since: DateTime<Utc>, nth: i64, except: Uuid) -> Sql<Option<DateTime<Utc>>> {
    on_tx!(tx, c => sqlx::query_scalar::<_, DateTime<Utc>>(
        "SELECT created_at FROM forum_topics WHERE author_id = $1 AND created_at > $2 AND id <> $4 \
         ORDER BY created_at DESC LIMIT 1 OFFSET $3")
        .bind(user).bind(since).bind(nth - 1).bind(except).fetch_optional(c).await)
}

/// The same for their replies (every post but a topic's first).
pub async fn nth_reply_since(tx: &mut Tx, user: Uuid, since: DateTime<Utc>, nth: i64, except: Uuid) -> Sql<Option<DateTime<Utc>>> {
    on_tx!(tx, c => sqlx::query_scalar::<_, DateTime<Utc>>(
        "SELECT created_at FROM forum_posts WHERE author_id = $1 AND created_at > $2 AND seq > 1 AND id <> $4 \
         ORDER BY created_at DESC LIMIT 1 OFFSET $3")
        .bind(user).bind(since).bind(nth - 1).bind(except).fetch_optional(c).await)
}
