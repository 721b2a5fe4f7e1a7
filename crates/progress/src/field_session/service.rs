//! The rules of field sessions: what a valid record is, and the totals
//! trainers follow the training's reach with.

use chrono::{Datelike, NaiveDate};
use sanad_platform::FieldCode;
use sanad_platform::vocabulary::{FieldAudience, Territory};
use sanad_platform::{Caller, Error, FieldError, Result, Role};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

use super::model::*;
use super::store::{self, SessionRow};
use crate::service::Progress;

const MAX_RESOURCES: usize = 20;
const MAX_NOTES: usize = 4000;
const MAX_PARTICIPANTS: i64 = 10_000;

fn sql(e: sqlx::Error) -> Error {
    Error::Internal(e.into())
}

/// The selection of a report: one territory or all, between two days.
#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    pub territory: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

fn parse_day(field: &str, typed: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let day = NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        errors.push(FieldError::new(field, FieldCode::InvalidFormat, "must be a date as YYYY-MM-DD"));
    }
    day
}

impl Progress {
    /// Records a session the caller ran; every bad field is named.
    pub async fn record_field_session(&self, caller: &Caller, input: NewFieldSession) -> Result<FieldSessionView> {
        let mut errors = Vec::new();
        let today = self.clock.now().date_naive();
        let held_on = parse_day("held_on", &input.held_on, &mut errors);
        if let Some(day) = held_on {
            if day > today {
                errors.push(FieldError::new("held_on", FieldCode::OutOfRange, "must not be in the future"));
            } else if day.year() < 2000 {
                errors.push(FieldError::new("held_on", FieldCode::OutOfRange, "must be after 2000"));
            }
        }
        if Territory::parse(input.territory.trim()).is_none() {
            errors.push(FieldError::new("territory", FieldCode::UnknownValue, "is not a territory of the platform"));
        }
        if FieldAudience::parse(input.audience.trim()).is_none() {
            errors.push(FieldError::new("audience", FieldCode::UnknownValue, "must be children, parents, professionals or community"));
        }
        if !(1..=MAX_PARTICIPANTS).contains(&input.participants) {
            errors.push(FieldError::new("participants", FieldCode::OutOfRange, "must be between 1 and 10000"));
        }
        let notes = input.notes.unwrap_or_default().trim().to_string();
        if notes.chars().count() > MAX_NOTES {
            errors.push(FieldError::new("notes", FieldCode::TooLong, "must be at most 4000 characters"));
        }
        let mut resource_ids = input.resource_ids.clone();
        resource_ids.sort();
        resource_ids.dedup();
        if resource_ids.len() > MAX_RESOURCES {
            errors.push(FieldError::new("resource_ids", FieldCode::TooLong, "name at most 20 resources"));
        }
        let titles = self.resources.titles(&resource_ids).await?;
        if let Some(unknown) = resource_ids.iter().find(|id| !titles.contains_key(id)) {
            errors.push(FieldError::new("resource_ids", FieldCode::UnknownValue, format!("{unknown} is not a published resource")));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let row = SessionRow {
            id: sanad_platform::ids::new_id(),
            user_id: caller.user_id,
            held_on: held_on.expect("checked above"),
            territory: input.territory.trim().to_string(),
            audience: input.audience.trim().to_string(),
            participants: input.participants,
            notes,
            created_at: self.clock.now(),
        };
        let mut tx = self.db.begin().await.map_err(sql)?;
        store::insert(&mut tx, &row, &resource_ids).await.map_err(sql)?;
        tx.commit().await.map_err(sql)?;
        Ok(view(row, &resource_ids, &titles))
    }

    /// The caller's own sessions, most recent first.
    pub async fn my_field_sessions(&self, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> Result<FieldSessionPage> {
        let limit = sanad_platform::page::limit(limit)?;
        let before = sanad_platform::page::decode_cursor(cursor)?;
        let mut rows = store::sessions_of(&self.db, caller.user_id, before, i64::from(limit) + 1).await.map_err(sql)?;
        let next_cursor = (rows.len() > limit as usize).then(|| {
            rows.truncate(limit as usize);
            sanad_platform::page::encode_cursor(rows[rows.len() - 1].id)
        });
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut used: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (session, resource) in store::resources_of(&self.db, &ids).await.map_err(sql)? {
            used.entry(session).or_default().push(resource);
        }
        let all: Vec<Uuid> = used.values().flatten().copied().collect();
        let titles = self.resources.titles(&all).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let resources = used.remove(&r.id).unwrap_or_default();
                view(r, &resources, &titles)
            })
            .collect();
        Ok(FieldSessionPage { items, next_cursor })
    }

    /// Totals by territory, audience, month and resource: trainers and admins.
    pub async fn field_report(&self, caller: &Caller, filter: &ReportFilter) -> Result<FieldReport> {
        caller.require_any(&[Role::Trainer, Role::Admin])?;
        let mut errors = Vec::new();
        let territory = filter.territory.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if territory.is_some_and(|t| Territory::parse(t).is_none()) {
            errors.push(FieldError::new("territory", FieldCode::UnknownValue, "is not a territory of the platform"));
        }
        let from = filter.from.as_deref().filter(|d| !d.is_empty()).and_then(|d| parse_day("from", d, &mut errors));
        let to = filter.to.as_deref().filter(|d| !d.is_empty()).and_then(|d| parse_day("to", d, &mut errors));
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.push(FieldError::new("to", FieldCode::OutOfRange, "must not be before from"));
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let rows = store::report_rows(&self.db, territory, from, to).await.map_err(sql)?;
        let mut report = FieldReport {
            sessions: rows.len() as u32,
            participants: 0,
            by_territory: BTreeMap::new(),
            by_audience: BTreeMap::new(),
            by_month: BTreeMap::new(),
            participants_by_month: BTreeMap::new(),
            by_resource: Vec::new(),
        };
        for r in &rows {
            let participants = u64::try_from(r.participants).unwrap_or(0);
            report.participants += participants;
            *report.by_territory.entry(r.territory.clone()).or_default() += 1;
            *report.by_audience.entry(r.audience.clone()).or_default() += 1;
            let month = r.held_on.format("%Y-%m").to_string();
            *report.by_month.entry(month.clone()).or_default() += 1;
            *report.participants_by_month.entry(month).or_default() += participants;
        }
        fill_months(&mut report);
        let used = store::report_resources(&self.db, territory, from, to).await.map_err(sql)?;
        let ids: Vec<Uuid> = used.iter().map(|(id, _)| *id).collect();
        let titles = self.resources.titles(&ids).await?;
        report.by_resource = used
            .into_iter()
            .map(|(id, n)| ResourceUse {
                resource_id: id,
                title: titles.get(&id).cloned().unwrap_or_default(),
                sessions: u32::try_from(n).unwrap_or(u32::MAX),
            })
            .collect();
        Ok(report)
    }

    /// The report as CSV: one section per grouping.
    pub async fn field_report_csv(&self, caller: &Caller, filter: &ReportFilter) -> Result<String> {
        let r = self.field_report(caller, filter).await?;
        let mut rows: Vec<Vec<String>> = vec![vec!["group".into(), "key".into(), "sessions".into(), "participants".into()]];
        rows.push(vec!["total".into(), String::new(), r.sessions.to_string(), r.participants.to_string()]);
        rows.extend(r.by_territory.iter().map(|(k, n)| vec!["territory".into(), k.clone(), n.to_string(), String::new()]));
        rows.extend(r.by_audience.iter().map(|(k, n)| vec!["audience".into(), k.clone(), n.to_string(), String::new()]));
        rows.extend(r.by_month.iter().map(|(k, n)| {
            vec!["month".into(), k.clone(), n.to_string(), r.participants_by_month.get(k).copied().unwrap_or(0).to_string()]
        }));
        rows.extend(r.by_resource.iter().map(|u| vec!["resource".into(), u.title.clone(), u.sessions.to_string(), String::new()]));
        Ok(sanad_platform::spreadsheet::csv(&rows))
    }
}

/// Months with no session between the first and the last still show, as 0, so a chart has no gaps.
fn fill_months(report: &mut FieldReport) {
    let (Some(first), Some(last)) = (report.by_month.keys().next().cloned(), report.by_month.keys().last().cloned()) else { return };
    let parse = |m: &str| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let (Some(mut at), Some(end)) = (parse(&first), parse(&last)) else { return };
    while at <= end {
        let key = at.format("%Y-%m").to_string();
        report.by_month.entry(key.clone()).or_insert(0);
        report.participants_by_month.entry(key).or_insert(0);
        at = at.checked_add_months(chrono::Months::new(1)).unwrap_or(end + chrono::Days::new(1));
    }
}

fn view(r: SessionRow, resources: &[Uuid], titles: &HashMap<Uuid, String>) -> FieldSessionView {
    FieldSessionView {
        id: r.id,
        held_on: r.held_on,
        territory: r.territory,
        audience: r.audience,
        participants: u32::try_from(r.participants).unwrap_or(0),
        resources: resources.iter().map(|id| UsedResource { id: *id, title: titles.get(id).cloned().unwrap_or_default() }).collect(),
        notes: r.notes,
        created_at: r.created_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_without_sessions_show_as_zero() {
        let mut r = FieldReport {
            sessions: 2,
            participants: 30,
            by_territory: BTreeMap::new(),
            by_audience: BTreeMap::new(),
            by_month: [("2026-11".to_string(), 1), ("2027-02".to_string(), 1)].into_iter().collect(),
            participants_by_month: BTreeMap::new(),
            by_resource: vec![],
        };
        fill_months(&mut r);
        assert_eq!(r.by_month.keys().cloned().collect::<Vec<_>>(), ["2026-11", "2026-12", "2027-01", "2027-02"]);
        assert_eq!(r.by_month["2026-12"], 0);
    }
}
