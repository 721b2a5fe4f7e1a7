//! The API objects of field sessions.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use std::collections::BTreeMap;
use uuid::Uuid;

/// `POST /me/field-sessions`: a session a professional ran after the training.
/// Values are checked by the service so that every bad field is named at once.
#[derive(Clone, Debug, Object)]
pub struct NewFieldSession {
    /// The day it was held (not in the future).
    pub held_on: String,
    /// A territory slug (`GET /reference/territories`).
    pub territory: String,
    /// `children`, `parents`, `professionals` or `community`.
    pub audience: String,
    /// 1 to 10,000.
    pub participants: i64,
    /// Library resources used (up to 20).
    #[oai(default)]
    pub resource_ids: Vec<Uuid>,
    /// Up to 4,000 characters.
    #[oai(nullable)]
    pub notes: Option<String>,
}

/// A resource as a session names it.
#[derive(Clone, Debug, Object)]
pub struct UsedResource {
    pub id: Uuid,
    pub title: String,
}

/// A recorded field session.
#[derive(Clone, Debug, Object)]
pub struct FieldSessionView {
    pub id: Uuid,
    pub held_on: NaiveDate,
    pub territory: String,
    pub audience: String,
    pub participants: u32,
    pub resources: Vec<UsedResource>,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

/// One page of the caller's sessions.
#[derive(Clone, Debug, Object)]
pub struct FieldSessionPage {
    pub items: Vec<FieldSessionView>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// Sessions per resource.
#[derive(Clone, Debug, Object)]
pub struct ResourceUse {
    pub resource_id: Uuid,
    pub title: String,
    pub sessions: u32,
}

/// Totals over the sessions asked for.
#[derive(Clone, Debug, Object)]
pub struct FieldReport {
    pub sessions: u32,
    pub participants: u64,
    pub by_territory: BTreeMap<String, u32>,
    pub by_audience: BTreeMap<String, u32>,
    /// `YYYY-MM` -> sessions, every month of the span (zeros included).
    pub by_month: BTreeMap<String, u32>,
    /// Participants per month, same keys.
    pub participants_by_month: BTreeMap<String, u64>,
    pub by_resource: Vec<ResourceUse>,
}
