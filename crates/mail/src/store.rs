//! SQL of the mail outbox, and only SQL.

use chrono::{DateTime, Utc};
use sanad_platform::db::Backend;
use sanad_platform::{Db, Tx, ids::new_id, on_db, on_tx};
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

/// Mails written by one statement of [`insert_all`]: five bound values a
/// row, well within either backend's limit.
const ROWS_PER_INSERT: usize = 250;

/// Writes `mails` to the outbox, [`ROWS_PER_INSERT`] to a statement.
pub(crate) async fn insert_all(tx: &mut Tx, mails: &[OutgoingMail], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for chunk in mails.chunks(ROWS_PER_INSERT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let at = 2 + 5 * i;
                format!("(${}, ${}, ${}, ${}, ${}, $1, $1)", at, at + 1, at + 2, at + 3, at + 4)
            })
            .collect();
        let sql = format!(
            "INSERT INTO mail_outbox (id, recipient, locale, template, params, created_at, next_attempt_at) VALUES {}",
            rows.join(", ")
        );
        let params = chunk
            .iter()
            .map(|mail| serde_json::to_string(&mail.params))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        on_tx!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(now);
            for (mail, params) in chunk.iter().zip(&params) {
                q = q.bind(new_id()).bind(&mail.recipient).bind(&mail.locale).bind(mail.template.as_str()).bind(params);
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Takes up to `limit` due mails for the worker `worker` until `lease_until`,
/// stamping them with `token`, which is fresh for every claim. A row whose
/// lease ran out can be claimed again; the new token then takes it from the
/// worker that held it, whose later [`renew`], [`mark_all_sent`] and
/// [`mark_failed`] match nothing.
///
/// On PostgreSQL several instances may drain the same table: `SKIP LOCKED`
/// keeps them from claiming the same rows. SQLite has one writer at a time.
pub(crate) async fn claim_due(
    db: &Db,
    worker: &str,
    token: Uuid,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<OutboxRow>, sqlx::Error> {
    let lock = match db.backend() {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE mail_outbox SET claimed_until = $2, claim_token = $4, claimed_by = $5, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM mail_outbox \
                      WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
                        AND (claimed_until IS NULL OR claimed_until < $1) \
                      ORDER BY next_attempt_at LIMIT $3 {lock}) \
         RETURNING id, recipient, locale, template, params, attempts"
    );
    on_db!(db, pool => sqlx::query_as::<_, OutboxRow>(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(now).bind(lease_until).bind(limit).bind(token).bind(worker)
        .fetch_all(pool).await)
}

/// Extends to `lease_until` the lease of every unsent row still held under
/// `token`, and returns their ids: a row missing from the answer was claimed
/// by another worker and must not be sent.
pub(crate) async fn renew(db: &Db, token: Uuid, lease_until: DateTime<Utc>) -> Result<Vec<Uuid>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar::<_, Uuid>(
        "UPDATE mail_outbox SET claimed_until = $2 \
         WHERE claim_token = $1 AND sent_at IS NULL AND failed_at IS NULL RETURNING id")
        .bind(token).bind(lease_until).fetch_all(pool).await)
}

/// Gives back the mails of `ids` still held under `token` and not tried:
/// another worker may claim them at once instead of after the lease (an
/// instance stopping hands its batch over). Their claim's attempt is not
/// counted. Returns how many were given back.
pub(crate) async fn release(db: &Db, ids: &[Uuid], token: Uuid) -> Result<u64, sqlx::Error> {
    let mut released = 0;
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "UPDATE mail_outbox SET claimed_until = NULL, claim_token = NULL, claimed_by = NULL, attempts = attempts - 1 \
             WHERE claim_token = $1 AND sent_at IS NULL AND failed_at IS NULL AND id IN ({})",
            marks.join(", ")
        );
        released += on_db!(db, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(token);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(pool).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(released)
}

/// Marks every mail of `ids` still held under `token` sent, and wipes their
/// parameters, in one statement: one write for a batch rather than one per
/// mail (on SQLite every write waits for the only write lock). Returns how
/// many were marked; a mail missing from the count was claimed by another
/// worker since. `ids` go in statements of at most 500.
pub(crate) async fn mark_all_sent(db: &Db, ids: &[Uuid], token: Uuid, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let mut marked = 0;
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (3..chunk.len() + 3).map(|i| format!("${i}")).collect();
        let sql = format!(
            "UPDATE mail_outbox SET sent_at = $2, claimed_until = NULL, claim_token = NULL, claimed_by = NULL, \
             params = '{{}}', last_error = NULL WHERE claim_token = $1 AND id IN ({})",
            marks.join(", ")
        );
        marked += on_db!(db, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(token).bind(now);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(pool).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(marked)
}

/// Schedules another attempt, or gives up (and wipes the parameters) when
/// `give_up`, if the mail is still held under `token`. False when another
/// worker has claimed it since.
pub(crate) async fn mark_failed(
    db: &Db,
    id: Uuid,
    token: Uuid,
    error: &str,
    retry_at: DateTime<Utc>,
    give_up: Option<DateTime<Utc>>,
) -> Result<bool, sqlx::Error> {
    let changed = on_db!(db, pool => {
        sqlx::query(
            "UPDATE mail_outbox SET claimed_until = NULL, claim_token = NULL, claimed_by = NULL, \
             last_error = $3, next_attempt_at = $4, failed_at = $5, \
             params = CASE WHEN $5 IS NULL THEN params ELSE '{}' END WHERE id = $1 AND claim_token = $2",
        )
        .bind(id)
        .bind(token)
        .bind(error)
        .bind(retry_at)
        .bind(give_up)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(changed == 1)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MailParams, OutgoingMail, Template};
    use chrono::Duration;

    async fn outbox_with_one_mail() -> (tempfile::TempDir, Db, Uuid, DateTime<Utc>) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display())).await.unwrap();
        db.migrate().await.unwrap();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mail = OutgoingMail {
            recipient: "a@example.org".into(),
            locale: "fr".into(),
            template: Template::VerifyEmail,
            params: MailParams::default(),
        };
        let id = sanad_platform::ids::new_id();
        let mut tx = db.begin().await.unwrap();
        insert(&mut tx, id, &mail, now).await.unwrap();
        tx.commit().await.unwrap();
        (dir, db, id, now)
    }

    #[tokio::test]
    async fn a_worker_that_lost_its_claim_neither_renews_nor_marks() {
        let (_dir, db, id, now) = outbox_with_one_mail().await;
        let (first, second) = (sanad_platform::ids::new_id(), sanad_platform::ids::new_id());
        assert_eq!(claim_due(&db, "a", first, now, now + Duration::minutes(2), 5).await.unwrap().len(), 1);
        // Held: nobody else can take it before the lease ends.
        assert!(claim_due(&db, "b", second, now + Duration::minutes(1), now + Duration::minutes(3), 5).await.unwrap().is_empty());
        // The lease ran out: another worker claims it, and the first one's token no longer matches.
        let later = now + Duration::minutes(3);
        assert_eq!(claim_due(&db, "b", second, later, later + Duration::minutes(2), 5).await.unwrap().len(), 1);
        assert!(renew(&db, first, later + Duration::minutes(2)).await.unwrap().is_empty());
        assert_eq!(mark_all_sent(&db, &[id], first, later).await.unwrap(), 0);
        assert!(!mark_failed(&db, id, first, "late", later, Some(later)).await.unwrap());
        assert_eq!(counts(&db).await.unwrap(), OutboxCounts { pending: 1, sent: 0, failed: 0 });
        // The holder's marks count.
        assert_eq!(renew(&db, second, later + Duration::minutes(2)).await.unwrap(), vec![id]);
        assert_eq!(mark_all_sent(&db, &[id], second, later).await.unwrap(), 1);
        assert_eq!(counts(&db).await.unwrap(), OutboxCounts { pending: 0, sent: 1, failed: 0 });
        assert_eq!(mark_all_sent(&db, &[id], second, later).await.unwrap(), 0, "a sent mail is held by nobody");
    }

    #[tokio::test]
    async fn a_batch_is_written_and_marked_sent_by_its_holder_only_once() {
        let (_dir, db, _, now) = outbox_with_one_mail().await;
        // More mails than one statement writes or marks.
        let mails: Vec<OutgoingMail> = (0..600)
            .map(|i| OutgoingMail {
                recipient: format!("m{i}@example.org"),
                locale: "ar".into(),
                template: Template::VerifyEmail,
                params: MailParams { display_name: format!("M{i}"), token: Some(format!("t{i}")), ..MailParams::default() },
            })
            .collect();
        let mut tx = db.begin().await.unwrap();
        insert_all(&mut tx, &mails, now).await.unwrap();
        tx.commit().await.unwrap();
        let (mine, other) = (sanad_platform::ids::new_id(), sanad_platform::ids::new_id());
        let batch = claim_due(&db, "a", mine, now, now + Duration::minutes(2), 1000).await.unwrap();
        assert_eq!(batch.len(), 601);
        let m7 = batch.iter().find(|r| r.recipient == "m7@example.org").expect("written with its fields");
        assert_eq!((m7.locale.as_str(), m7.template.as_str()), ("ar", "verify_email"));
        assert!(m7.params.contains("\"t7\""), "{}", m7.params);
        let ids: Vec<Uuid> = batch.iter().map(|r| r.id).collect();
        // Another worker's token marks nothing; the holder marks each once.
        assert_eq!(mark_all_sent(&db, &ids, other, now).await.unwrap(), 0);
        assert_eq!(mark_all_sent(&db, &ids[..550], mine, now).await.unwrap(), 550);
        assert_eq!(mark_all_sent(&db, &ids, mine, now).await.unwrap(), 51, "the ones already marked are held by nobody");
        assert_eq!(counts(&db).await.unwrap(), OutboxCounts { pending: 0, sent: 601, failed: 0 });
        assert!(claim_due(&db, "b", other, now + Duration::minutes(5), now + Duration::minutes(7), 1000).await.unwrap().is_empty());
        let wiped: i64 =
            on_db!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE params = '{}'").fetch_one(pool).await).unwrap();
        assert_eq!(wiped, 601, "the one-time tokens are gone");
    }
}
