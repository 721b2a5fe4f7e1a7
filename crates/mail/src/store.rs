//! SQL of the mail outbox, and only SQL.

use chrono::{DateTime, Utc};
use sanad_platform::db::Backend;
use sanad_platform::{Db, Tx, on_db, on_tx};
use uuid::Uuid;

use crate::OutgoingMail;

/// One claimed row of the outbox.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OutboxRow {
    pub id: Uuid,
    pub recipient: String,
    pub locale: String,
    pub template: String,
    pub params: String,
    pub attempts: i64,
}

pub(crate) async fn insert(tx: &mut Tx, id: Uuid, mail: &OutgoingMail, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let params = serde_json::to_string(&mail.params).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    on_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO mail_outbox (id, recipient, locale, template, params, created_at, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(id)
        .bind(&mail.recipient)
        .bind(&mail.locale)
        .bind(mail.template.as_str())
        .bind(params)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Takes up to `limit` due mails for this worker until `lease_until`. On
/// PostgreSQL several instances may drain the same table: `SKIP LOCKED` keeps
/// them from claiming the same rows. SQLite has one writer at a time anyway.
pub(crate) async fn claim_due(db: &Db, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: i64) -> Result<Vec<OutboxRow>, sqlx::Error> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE mail_outbox SET claimed_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM mail_outbox \
                      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
                        AND (claimed_until IS NULL OR claimed_until < $1) \
                      ORDER BY next_attempt_at LIMIT $3 {lock}) \
         RETURNING id, recipient, locale, template, params, attempts"
    );
    on_db!(db, pool => sqlx::query_as::<_, OutboxRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(lease_until).bind(limit).fetch_all(pool).await)
}

/// Marks a mail sent and wipes its parameters (they may hold a one-time token).
pub(crate) async fn mark_sent(db: &Db, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, pool => {
        sqlx::query("UPDATE mail_outbox SET sent_at = $2, claimed_until = NULL, params = '{}', last_error = NULL WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Schedules another attempt, or gives up (and wipes the parameters) when `give_up`.
pub(crate) async fn mark_failed(
    db: &Db,
    id: Uuid,
    error: &str,
    retry_at: DateTime<Utc>,
    give_up: Option<DateTime<Utc>>,
) -> Result<(), sqlx::Error> {
    on_db!(db, pool => {
        sqlx::query(
            "UPDATE mail_outbox SET claimed_until = NULL, last_error = $2, next_attempt_at = $3, failed_at = $4, \
             params = CASE WHEN $4 IS NULL THEN params ELSE '{}' END WHERE id = $1",
        )
        .bind(id)
        .bind(error)
        .bind(retry_at)
        .bind(give_up)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Counts of the outbox by state, for tests and operators.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Not yet sent and not given up.
    pub pending: i64,
    /// Sent.
    pub sent: i64,
    /// Given up after the last retry.
    pub failed: i64,
}

pub(crate) async fn counts(db: &Db) -> Result<OutboxCounts, sqlx::Error> {
    let (pending, sent, failed): (i64, i64, i64) = on_db!(db, pool => {
        sqlx::query_as(
            "SELECT \
               COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
             FROM mail_outbox",
        )
        .fetch_one(pool)
        .await
    })?;
    Ok(OutboxCounts { pending, sent, failed })
}

/// Mails due at `now` or claimed by a worker, not yet sent nor given up.
pub(crate) async fn in_flight(db: &Db, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL \
         AND (next_attempt_at <= $1 OR claimed_until IS NOT NULL)")
        .bind(now).fetch_one(pool).await)
}
