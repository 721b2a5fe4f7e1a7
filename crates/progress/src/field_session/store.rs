//! SQL of field sessions, and only SQL.

use chrono::{DateTime, NaiveDate, Utc};
use sanad_platform::{Db, Tx, on_db, on_tx};
use uuid::Uuid;

type Sql<T> = Result<T, sqlx::Error>;

/// A field session as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub held_on: NaiveDate,
    pub territory: String,
    pub audience: String,
    pub participants: i64,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, user_id, held_on, territory, audience, participants, notes, created_at";

pub async fn insert(tx: &mut Tx, s: &SessionRow, resources: &[Uuid]) -> Sql<()> {
    let sql = format!("INSERT INTO field_sessions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    on_tx!(tx, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(s.id).bind(s.user_id).bind(s.held_on).bind(&s.territory).bind(&s.audience).bind(s.participants).bind(&s.notes).bind(s.created_at)
        .execute(c).await.map(|_| ()))?;
    for r in resources {
        on_tx!(tx, c => sqlx::query("INSERT INTO field_session_resources (session_id, resource_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(s.id).bind(*r).execute(c).await.map(|_| ()))?;
    }
    Ok(())
}

/// A person's sessions, most recent first, after the keyset `before` (an id).
pub async fn sessions_of(db: &Db, user: Uuid, before: Option<Uuid>, limit: i64) -> Sql<Vec<SessionRow>> {
    let sql = format!("SELECT {COLUMNS} FROM field_sessions WHERE user_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3");
    on_db!(db, c => sqlx::query_as::<_, SessionRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(user).bind(before).bind(limit).fetch_all(c).await)
}

/// The resources used in each of `sessions`, as (session, resource).
pub async fn resources_of(db: &Db, sessions: &[Uuid]) -> Sql<Vec<(Uuid, Uuid)>> {
    sanad_platform::db::fetch_by_ids(db, sessions, |marks| {
        format!("SELECT session_id, resource_id FROM field_session_resources WHERE session_id IN ({marks})")
    })
    .await
}

/// One session as the report counts it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CountedSession {
    pub held_on: NaiveDate,
    pub territory: String,
    pub audience: String,
    pub participants: i64,
}

/// Sessions held between `from` and `to` (inclusive), of one territory or all.
pub async fn report_rows(db: &Db, territory: Option<&str>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Sql<Vec<CountedSession>> {
    on_db!(db, c => sqlx::query_as::<_, CountedSession>(
        "SELECT held_on, territory, audience, participants FROM field_sessions \
         WHERE ($1 IS NULL OR territory = $1) AND ($2 IS NULL OR held_on >= $2) AND ($3 IS NULL OR held_on <= $3)")
        .bind(territory).bind(from).bind(to).fetch_all(c).await)
}

/// Sessions per resource over the same selection, most used first.
pub async fn report_resources(db: &Db, territory: Option<&str>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Sql<Vec<(Uuid, i64)>> {
    on_db!(db, c => sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT r.resource_id, COUNT(*) FROM field_session_resources r JOIN field_sessions f ON f.id = r.session_id \
         WHERE ($1 IS NULL OR f.territory = $1) AND ($2 IS NULL OR f.held_on >= $2) AND ($3 IS NULL OR f.held_on <= $3) \
         GROUP BY r.resource_id ORDER BY COUNT(*) DESC, r.resource_id LIMIT 50")
        .bind(territory).bind(from).bind(to).fetch_all(c).await)
}
