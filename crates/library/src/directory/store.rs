//! SQL of the directory, and only SQL.

use chrono::{DateTime, Utc};
use sanad_platform::{Db, Tx, on_db, on_tx};
use uuid::Uuid;

use super::model::ServiceFields;

type Sql<T> = Result<T, sqlx::Error>;

/// A stored service.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ServiceRow {
    pub id: Uuid,
    pub territory: String,
    pub kind: String,
    pub name: String,
    pub name_key: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    /// JSON array of strings.
    pub services: String,
    pub notes: String,
    pub name_ar: String,
    pub address_ar: String,
    pub hours_ar: String,
    /// JSON array of strings.
    pub services_ar: String,
    pub notes_ar: String,
    /// Midnight UTC of the day it was checked.
    pub verified_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, territory, kind, name, name_key, address, phone, hours, services, notes, \
     name_ar, address_ar, hours_ar, services_ar, notes_ar, verified_at, updated_at";

/// What an insert or an update writes: the checked fields, and what is
/// stored beside them in another form.
#[derive(Debug)]
pub struct ServiceWrite<'a> {
    pub fields: &'a ServiceFields,
    /// `fields.services` as a JSON array.
    pub services_json: &'a str,
    /// `fields.arabic.services` as a JSON array.
    pub services_ar_json: &'a str,
    pub search_text: &'a str,
    pub verified_at: DateTime<Utc>,
}

/// A territory: its code and its names.
#[derive(Debug, sqlx::FromRow)]
pub struct TerritoryRow {
    pub code: String,
    pub name_fr: String,
    pub name_ar: String,
    pub name_en: String,
}

/// The territories, in display order.
/// Shared reference data of the programme (migration 0001), read only.
pub async fn territories(db: &Db) -> Sql<Vec<TerritoryRow>> {
    on_db!(db, c => sqlx::query_as::<_, TerritoryRow>(
        "SELECT code, name_fr, name_ar, name_en FROM territories ORDER BY position")
        .fetch_all(c).await)
}

pub async fn count(db: &Db) -> Sql<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM directory_services").fetch_one(c).await)
}

pub async fn get(db: &Db, id: Uuid) -> Sql<Option<ServiceRow>> {
    let sql = format!("SELECT {COLUMNS} FROM directory_services WHERE id = $1");
    on_db!(db, c => sqlx::query_as::<_, ServiceRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(c).await)
}

/// The service with this identity, inside an import's transaction.
pub async fn by_identity(tx: &mut Tx, territory: &str, kind: &str, name_key: &str) -> Sql<Option<ServiceRow>> {
    let sql = format!("SELECT {COLUMNS} FROM directory_services WHERE territory = $1 AND kind = $2 AND name_key = $3");
    on_tx!(tx, c => sqlx::query_as::<_, ServiceRow>(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(territory).bind(kind).bind(name_key).fetch_optional(c).await)
}

/// The last row of the previous page, in list order.
#[derive(Debug)]
pub struct After {
    pub territory: String,
    pub kind: String,
    pub name_key: String,
    pub id: Uuid,
}

/// What a list page asks for.
#[derive(Debug, Default)]
pub struct ListFilter<'a> {
    pub territory: Option<&'a str>,
    pub kind: Option<&'a str>,
    /// Groups of `LIKE` patterns on the search text: every group must have a pattern that matches.
    pub patterns: &'a [Vec<String>],
    pub after: Option<&'a After>,
    /// `None` for every row (CSV export).
    pub limit: Option<i64>,
}

/// Services in list order (territory, kind, name), after the cursor.
pub async fn list(db: &Db, f: &ListFilter<'_>) -> Sql<Vec<ServiceRow>> {
    // Only placeholders are added to the text; every value is bound.
    let mut sql = format!("SELECT {COLUMNS} FROM directory_services WHERE 1 = 1");
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    if f.territory.is_some() {
        sql.push_str(&format!(" AND territory = ${}", next()));
    }
    if f.kind.is_some() {
        sql.push_str(&format!(" AND kind = ${}", next()));
    }
    for group in f.patterns {
        let any: Vec<String> = group.iter().map(|_| format!("search_text LIKE ${}", next())).collect();
        sql.push_str(&format!(" AND ({})", any.join(" OR ")));
    }
    if f.after.is_some() {
        let (a, b, c, d) = (next(), next(), next(), next());
        sql.push_str(&format!(" AND (territory, kind, name_key, id) > (${a}, ${b}, ${c}, ${d})"));
    }
    sql.push_str(" ORDER BY territory, kind, name_key, id");
    if f.limit.is_some() {
        sql.push_str(&format!(" LIMIT ${}", next()));
    }
    on_db!(db, c => {
        let mut q = sqlx::query_as::<_, ServiceRow>(sqlx::AssertSqlSafe(sql.as_str()));
        if let Some(t) = f.territory {
            q = q.bind(t);
        }
        if let Some(k) = f.kind {
            q = q.bind(k);
        }
        for p in f.patterns.iter().flatten() {
            q = q.bind(p.as_str());
        }
        if let Some(a) = f.after {
            q = q.bind(a.territory.as_str()).bind(a.kind.as_str()).bind(a.name_key.as_str()).bind(a.id);
        }
        if let Some(l) = f.limit {
            q = q.bind(l);
        }
        q.fetch_all(c).await
    })
}

pub async fn insert(tx: &mut Tx, id: Uuid, w: &ServiceWrite<'_>, now: DateTime<Utc>) -> Sql<()> {
    const SQL: &str = "INSERT INTO directory_services (id, territory, kind, name, name_key, address, phone, hours, services, notes, \
         search_text, verified_at, created_at, updated_at, name_ar, address_ar, hours_ar, services_ar, notes_ar) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18)";
    write(tx, SQL, id, w, now).await.map(|_| ())
}

/// Replaces a service's fields; false when it is gone.
pub async fn update(tx: &mut Tx, id: Uuid, w: &ServiceWrite<'_>, now: DateTime<Utc>) -> Sql<bool> {
    const SQL: &str = "UPDATE directory_services SET territory = $2, kind = $3, name = $4, name_key = $5, address = $6, phone = $7, \
         hours = $8, services = $9, notes = $10, search_text = $11, verified_at = $12, updated_at = $13, \
         name_ar = $14, address_ar = $15, hours_ar = $16, services_ar = $17, notes_ar = $18 WHERE id = $1";
    write(tx, SQL, id, w, now).await.map(|affected| affected == 1)
}

/// Runs an insert or an update whose placeholders are, in order: the id,
/// the French columns of `w`, the time of the change, then the Arabic
/// columns. Rows affected.
async fn write(tx: &mut Tx, sql: &'static str, id: Uuid, w: &ServiceWrite<'_>, now: DateTime<Utc>) -> Sql<u64> {
    let f = w.fields;
    on_tx!(tx, c => sqlx::query(sql)
        .bind(id).bind(f.territory.as_str()).bind(f.kind.as_str()).bind(f.name.as_str()).bind(f.name_key.as_str())
        .bind(f.address.as_str()).bind(f.phone.as_str()).bind(f.hours.as_str()).bind(w.services_json).bind(f.notes.as_str())
        .bind(w.search_text).bind(w.verified_at).bind(now)
        .bind(f.arabic.name.as_str()).bind(f.arabic.address.as_str()).bind(f.arabic.hours.as_str()).bind(w.services_ar_json)
        .bind(f.arabic.notes.as_str())
        .execute(c).await.map(|r| r.rows_affected()))
}

/// Marks a service checked on `verified_at`; false when it is gone.
pub async fn verify(db: &Db, id: Uuid, verified_at: DateTime<Utc>, now: DateTime<Utc>) -> Sql<bool> {
    on_db!(db, c => sqlx::query("UPDATE directory_services SET verified_at = $2, updated_at = $3 WHERE id = $1")
        .bind(id).bind(verified_at).bind(now)
        .execute(c).await.map(|r| r.rows_affected() == 1))
}

/// Deletes a service; false when it was already gone.
pub async fn delete(db: &Db, id: Uuid) -> Sql<bool> {
    on_db!(db, c => sqlx::query("DELETE FROM directory_services WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected() == 1))
}
