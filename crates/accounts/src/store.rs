//! SQL of accounts, sessions, tokens and throttling, and only SQL. Every
//! statement here runs unchanged on SQLite and PostgreSQL (listening for
//! session changes is PostgreSQL's alone).

use chrono::{DateTime, Utc};
use sanad_platform::{Db, Tx, on_db, on_tx};
use uuid::Uuid;

use crate::model::{ReferenceRecord, TokenSummary, UserRecord};

type Sql<T> = Result<T, sqlx::Error>;

const USER_COLUMNS: &str = "id, email, display_name, password_hash, roles, locale, organization, organization_kind, \
     territory, profession, email_verified_at, disabled_at, created_at";

/// A new account's row.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub roles: &'a str,
    pub locale: &'a str,
    pub verified_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

pub async fn insert_user(tx: &mut Tx, u: &NewUser<'_>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO users (id, email, email_normalized, display_name, password_hash, roles, locale, email_verified_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)")
        .bind(u.id).bind(u.email).bind(u.email_normalized).bind(u.display_name).bind(u.password_hash)
        .bind(u.roles).bind(u.locale).bind(u.verified_at).bind(u.now)
        .execute(c).await.map(|_| ()))
}

pub async fn user_by_email(db: &Db, email_normalized: &str) -> Sql<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email_normalized = $1");
    on_db!(db, c => sqlx::query_as::<_, UserRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(email_normalized).fetch_optional(c).await)
}

pub async fn user_by_id(db: &Db, id: Uuid) -> Sql<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    on_db!(db, c => sqlx::query_as::<_, UserRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)
}

/// What other crates see of an account: only the columns a `Person` holds.
#[derive(Debug, sqlx::FromRow)]
pub struct PersonRow {
    pub id: Uuid,
    pub display_name: String,
    pub email: String,
    pub locale: String,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// The people among `ids`, in chunks small enough for either backend's bind limit.
pub async fn people_by_ids(db: &Db, ids: &[Uuid]) -> Sql<Vec<PersonRow>> {
    sanad_platform::db::fetch_by_ids(db, ids, |marks| {
        format!("SELECT id, display_name, email, locale, disabled_at FROM users WHERE id IN ({marks})")
    })
    .await
}

/// The account `id`, read inside a transaction.
pub async fn user_by_id_in(tx: &mut Tx, id: Uuid) -> Sql<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    on_tx!(tx, c => sqlx::query_as::<_, UserRecord>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)
}

/// The profile columns a person edits themselves.
#[derive(Debug)]
pub struct Profile {
    pub display_name: String,
    pub locale: String,
    pub organization: Option<String>,
    pub organization_kind: Option<String>,
    pub territory: Option<String>,
    pub profession: Option<String>,
}

pub async fn update_profile(db: &Db, id: Uuid, p: &Profile, now: DateTime<Utc>) -> Sql<()> {
    on_db!(db, c => sqlx::query(
        "UPDATE users SET display_name = $2, locale = $3, organization = $4, organization_kind = $5, territory = $6, \
         profession = $7, updated_at = $8 WHERE id = $1")
        .bind(id).bind(&p.display_name).bind(&p.locale).bind(&p.organization).bind(&p.organization_kind)
        .bind(&p.territory).bind(&p.profession).bind(now)
        .execute(c).await.map(|_| ()))
}

pub async fn set_password(tx: &mut Tx, id: Uuid, hash: &str, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(id).bind(hash).bind(now).execute(c).await.map(|_| ()))
}

pub async fn set_email_verified(tx: &mut Tx, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2), updated_at = $2 WHERE id = $1")
        .bind(id).bind(now).execute(c).await.map(|_| ()))
}

pub async fn set_roles_and_disabled(tx: &mut Tx, id: Uuid, roles: &str, disabled_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET roles = $2, disabled_at = $3, updated_at = $4 WHERE id = $1")
        .bind(id).bind(roles).bind(disabled_at).bind(now).execute(c).await.map(|_| ()))
}

/// Newest accounts first, strictly older than `before`; `pattern` is a
/// lower-cased `LIKE` pattern matched against email and name, with `\` as
/// its escape character; `role` is `% name %`, matched against the
/// space-separated roles; `status` is `active`, `disabled` or `unverified`.
pub async fn list_users(
    db: &Db,
    before: Option<Uuid>,
    pattern: Option<&str>,
    role: Option<&str>,
    status: Option<&str>,
    limit: i64,
) -> Sql<Vec<UserRecord>> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users \
         WHERE ($1 IS NULL OR id < $1) AND ($2 IS NULL OR LOWER(email) LIKE $2 ESCAPE '\\' OR LOWER(display_name) LIKE $2 ESCAPE '\\') \
         AND ($4 IS NULL OR (' ' || roles || ' ') LIKE $4) \
         AND ($5 IS NULL OR ($5 = 'active' AND disabled_at IS NULL) OR ($5 = 'disabled' AND disabled_at IS NOT NULL) \
              OR ($5 = 'unverified' AND email_verified_at IS NULL)) \
         ORDER BY id DESC LIMIT $3"
    );
    on_db!(db, c => sqlx::query_as::<_, UserRecord>(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(before).bind(pattern).bind(limit).bind(role).bind(status).fetch_all(c).await)
}

pub async fn insert_session(
    tx: &mut Tx,
    id_hash: &str,
    user_id: Uuid,
    csrf: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)")
        .bind(id_hash).bind(user_id).bind(csrf).bind(now).bind(expires_at).execute(c).await.map(|_| ()))
}

/// What authenticating a session yields.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionOwner {
    pub user_id: Uuid,
    pub roles: String,
    pub locale: String,
    pub csrf_token: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The live session with this hash, if its account is enabled.
pub async fn session_owner(db: &Db, id_hash: &str, now: DateTime<Utc>) -> Sql<Option<SessionOwner>> {
    on_db!(db, c => sqlx::query_as::<_, SessionOwner>(
        "SELECT s.user_id, u.roles, u.locale, s.csrf_token, s.last_seen_at, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL")
        .bind(id_hash).bind(now).fetch_optional(c).await)
}

/// Slides the idle expiry of a session forward.
pub async fn touch_session(db: &Db, id_hash: &str, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> Sql<()> {
    on_db!(db, c => sqlx::query("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1")
        .bind(id_hash).bind(now).bind(expires_at).execute(c).await.map(|_| ()))
}

/// The channel on which migration 0023's triggers announce session changes.
pub const SESSION_CHANGES: &str = "sanad_sessions";

/// A connection listening for session changes ([`SESSION_CHANGES`]); None on
/// SQLite, which announces nothing.
pub async fn listen_for_session_changes(db: &Db) -> Sql<Option<sqlx::postgres::PgListener>> {
    match db {
        Db::Sqlite(..) => Ok(None),
        Db::Postgres(pool, _) => {
            let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
            // A lost connection is told at once (not after connecting again),
            // so that the instance stops keeping sessions first.
            listener.eager_reconnect(false);
            listener.listen(SESSION_CHANGES).await?;
            Ok(Some(listener))
        }
    }
}

/// Sends `payload` on [`SESSION_CHANGES`] (PostgreSQL; nothing on SQLite):
/// the probe by which a listener checks that notifications reach it.
pub async fn announce_session_change(db: &Db, payload: &str) -> Sql<()> {
    match db {
        Db::Sqlite(..) => Ok(()),
        Db::Postgres(pool, _) => {
            sqlx::query("SELECT pg_notify($1, $2)").bind(SESSION_CHANGES).bind(payload).execute(pool).await.map(|_| ())
        }
    }
}

pub async fn delete_session(db: &Db, id_hash: &str) -> Sql<()> {
    on_db!(db, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(c).await.map(|_| ()))
}

/// Ends every session of the account; returns how many there were.
pub async fn delete_user_sessions(tx: &mut Tx, user_id: Uuid) -> Sql<u64> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()))
}

/// Revokes every API token of the account; returns how many there were.
pub async fn delete_user_tokens(tx: &mut Tx, user_id: Uuid) -> Sql<u64> {
    on_tx!(tx, c => sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()))
}

pub async fn delete_expired_sessions(db: &Db, now: DateTime<Utc>) -> Sql<u64> {
    on_db!(db, c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(c).await.map(|r| r.rows_affected()))
}

pub async fn insert_api_token(db: &Db, id: Uuid, user_id: Uuid, name: &str, token_hash: &str, now: DateTime<Utc>) -> Sql<()> {
    on_db!(db, c => sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(user_id).bind(name).bind(token_hash).bind(now).execute(c).await.map(|_| ()))
}

/// What authenticating an API token yields.
#[derive(Debug, sqlx::FromRow)]
pub struct TokenOwner {
    pub token_id: Uuid,
    pub user_id: Uuid,
    pub roles: String,
    pub locale: String,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn token_owner(db: &Db, token_hash: &str) -> Sql<Option<TokenOwner>> {
    on_db!(db, c => sqlx::query_as::<_, TokenOwner>(
        "SELECT t.id AS token_id, t.user_id, u.roles, u.locale, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND u.disabled_at IS NULL")
        .bind(token_hash).fetch_optional(c).await)
}

pub async fn touch_token(db: &Db, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
    on_db!(db, c => sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1").bind(id).bind(now).execute(c).await.map(|_| ()))
}

/// A person's tokens, newest first, before the token `before`; `limit` rows at most (`None`: all).
pub async fn list_tokens(db: &Db, user_id: Uuid, before: Option<Uuid>, limit: Option<i64>) -> Sql<Vec<TokenSummary>> {
    on_db!(db, c => sqlx::query_as::<_, TokenSummary>(
        "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 AND ($2 IS NULL OR id < $2) \
         ORDER BY id DESC LIMIT $3")
        .bind(user_id).bind(before).bind(limit.unwrap_or(i64::MAX)).fetch_all(c).await)
}

pub async fn delete_token(db: &Db, user_id: Uuid, id: Uuid) -> Sql<bool> {
    on_db!(db, c => sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
        .bind(id).bind(user_id).execute(c).await.map(|r| r.rows_affected() > 0))
}

pub async fn insert_one_time(
    tx: &mut Tx,
    token_hash: &str,
    user_id: Uuid,
    purpose: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Sql<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO one_time_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash).bind(user_id).bind(purpose).bind(now).bind(expires_at).execute(c).await.map(|_| ()))
}

/// A one-time token as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct OneTime {
    pub user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Marks the token used and returns it as it was, in one statement, so two
/// concurrent uses cannot both succeed.
pub async fn consume_one_time(tx: &mut Tx, token_hash: &str, purpose: &str, now: DateTime<Utc>) -> Sql<Option<OneTime>> {
    let found: Option<OneTime> = on_tx!(tx, c => sqlx::query_as::<_, OneTime>(
        "SELECT user_id, expires_at, used_at FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2")
        .bind(token_hash).bind(purpose).fetch_optional(&mut *c).await)?;
    if let Some(t) = &found
        && t.used_at.is_none()
        && t.expires_at > now
    {
        let claimed = on_tx!(tx, c => sqlx::query(
            "UPDATE one_time_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL")
            .bind(token_hash).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        if claimed == 0 {
            // Another request used it between our read and our write.
            return Ok(Some(OneTime { user_id: t.user_id, expires_at: t.expires_at, used_at: Some(now) }));
        }
    }
    Ok(found)
}

/// Ends every other pending token of this purpose for the account.
pub async fn retire_one_time(tx: &mut Tx, user_id: Uuid, purpose: &str, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("UPDATE one_time_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
        .bind(user_id).bind(purpose).bind(now).execute(c).await.map(|_| ()))
}

pub async fn count_one_time_since(db: &Db, user_id: Uuid, purpose: &str, since: DateTime<Utc>) -> Sql<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM one_time_tokens WHERE user_id = $1 AND purpose = $2 AND created_at > $3")
        .bind(user_id).bind(purpose).bind(since).fetch_one(c).await)
}

/// Serialises throttling on `keys` for the rest of the transaction and drops
/// their attempts older than `prune_before`, so that counting an attempt and
/// deciding on it are one step for every request on these keys.
///
/// PostgreSQL: a transaction-scoped advisory lock per key, taken in one
/// statement in a fixed order (no deadlock between two requests sharing keys).
/// SQLite: the prune is the transaction's first statement and a write, so it
/// takes the database's write lock before anything is read (what `BEGIN
/// IMMEDIATE` would do); writers wait for each other through the busy timeout.
pub async fn lock_throttle_keys(tx: &mut Tx, keys: &[String], prune_before: DateTime<Utc>) -> Sql<()> {
    if let Tx::Postgres(c) = tx {
        sqlx::query(
            "SELECT pg_advisory_xact_lock(7301, h) FROM \
             (SELECT DISTINCT hashtext(k) AS h FROM UNNEST($1::text[]) AS k ORDER BY h) AS keys",
        )
        .bind(keys)
        .execute(&mut **c)
        .await?;
    }
    for key in keys {
        on_tx!(tx, c => sqlx::query("DELETE FROM throttle_attempts WHERE scope_key = $1 AND attempted_at <= $2")
            .bind(key).bind(prune_before).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Attempts recorded under `key` since `since`, and the oldest of them.
pub async fn attempts_since(tx: &mut Tx, key: &str, since: DateTime<Utc>) -> Sql<(i64, Option<DateTime<Utc>>)> {
    on_tx!(tx, c => sqlx::query_as::<_, (i64, Option<DateTime<Utc>>)>(
        "SELECT COUNT(*), MIN(attempted_at) FROM throttle_attempts WHERE scope_key = $1 AND attempted_at > $2")
        .bind(key).bind(since).fetch_one(c).await)
}

pub async fn insert_attempt(tx: &mut Tx, id: Uuid, key: &str, now: DateTime<Utc>) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO throttle_attempts (id, scope_key, attempted_at) VALUES ($1, $2, $3)")
        .bind(id).bind(key).bind(now).execute(c).await.map(|_| ()))
}

/// Forgets single attempts (a sign-in that turned out right is no failure).
pub async fn delete_attempts(db: &Db, ids: &[Uuid]) -> Sql<()> {
    for id in ids {
        on_db!(db, c => sqlx::query("DELETE FROM throttle_attempts WHERE id = $1").bind(id).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// Forgets one attempt inside a throttle transaction.
pub async fn delete_attempt(tx: &mut Tx, id: Uuid) -> Sql<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM throttle_attempts WHERE id = $1").bind(id).execute(c).await.map(|_| ()))
}

/// Forgets every attempt under `key`.
pub async fn clear_attempts(db: &Db, key: &str) -> Sql<()> {
    on_db!(db, c => sqlx::query("DELETE FROM throttle_attempts WHERE scope_key = $1").bind(key).execute(c).await.map(|_| ()))
}

/// Forgets every attempt whose key starts with `prefix` (compared as text, so
/// `%` and `_` in an address mean nothing special).
pub async fn clear_attempts_with_prefix(db: &Db, prefix: &str) -> Sql<()> {
    on_db!(db, c => sqlx::query("DELETE FROM throttle_attempts WHERE SUBSTR(scope_key, 1, LENGTH($1)) = $1")
        .bind(prefix).execute(c).await.map(|_| ()))
}

pub async fn territories(db: &Db) -> Sql<Vec<ReferenceRecord>> {
    on_db!(db, c => sqlx::query_as::<_, ReferenceRecord>("SELECT code, name_fr, name_ar, name_en FROM territories ORDER BY position")
        .fetch_all(c).await)
}

pub async fn organization_kinds(db: &Db) -> Sql<Vec<ReferenceRecord>> {
    on_db!(db, c => sqlx::query_as::<_, ReferenceRecord>("SELECT code, name_fr, name_ar, name_en FROM organization_kinds ORDER BY position")
        .fetch_all(c).await)
}
