//! The rules of the directory: anyone may read it (professionals orient
//! families from it, often before they have an account); trainers and admins
//! keep it up to date, by hand, by verifying entries, or by CSV.

use chrono::{DateTime, NaiveDate, Utc};
use sanad_platform::FieldCode;
use sanad_platform::ids::new_id;
use sanad_platform::page::{self, Page};
use sanad_platform::{Caller, Clock, Db, Error, FieldError, Result};
use sanad_platform::{Reason, ReasonCode};
use std::collections::HashMap;
use uuid::Uuid;

use super::csv::{self as csv_file, CsvRow, line_error};
use super::model::*;
use super::store::{self, After, ListFilter, ServiceRow, ServiceWrite};
use super::validate::{self, Territories};
use sanad_platform::vocabulary::Language;

/// Most words of `?q=` that are matched; more would not narrow a directory.
const MAX_QUERY_WORDS: usize = 8;

/// The directory service. Cheap to clone.
#[derive(Clone)]
pub struct Directory {
    db: Db,
    clock: Clock,
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Directory")
    }
}

/// The part of the directory a list or an export covers: checked filters.
#[derive(Debug)]
struct Scope {
    /// A known territory code.
    territory: Option<String>,
    kind: Option<ServiceKind>,
}

/// A CSV row that passed every check.
#[derive(Debug)]
struct CheckedRow<'a> {
    fields: ServiceFields,
    /// The columns the file left out, whose stored values are kept.
    absent: &'a [&'static str],
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

fn stored_services(row: &ServiceRow) -> Result<Vec<String>> {
    stored_list(row, &row.services)
}

fn stored_services_ar(row: &ServiceRow) -> Result<Vec<String>> {
    stored_list(row, &row.services_ar)
}

fn stored_list(row: &ServiceRow, json: &str) -> Result<Vec<String>> {
    serde_json::from_str(json)
        .map_err(|e| Error::Internal(anyhow::anyhow!("stored services of directory entry {} do not parse: {e}", row.id)))
}

/// The Arabic texts of a stored row.
fn stored_arabic(row: &ServiceRow) -> Result<ArabicTexts> {
    Ok(ArabicTexts {
        name: row.name_ar.clone(),
        address: row.address_ar.clone(),
        hours: row.hours_ar.clone(),
        services: stored_services_ar(row)?,
        notes: row.notes_ar.clone(),
    })
}

/// The text of one field in the reader's language, with the language it is
/// in: the Arabic text to a reader of Arabic when there is one, and to
/// anyone when the French one is empty; the French text otherwise (an
/// English reader reads French: the directory is kept in French and Arabic).
fn pick<T: Default + PartialEq>(reader: Language, french: T, arabic: T) -> (T, Language) {
    let empty = T::default();
    if arabic != empty && (reader == Language::Ar || french == empty) { (arabic, Language::Ar) } else { (french, Language::Fr) }
}

/// The fields of a stored row, as an input that keeps its date.
fn input_of(row: &ServiceRow) -> Result<ServiceInput> {
    Ok(ServiceInput {
        territory: row.territory.clone(),
        kind: row.kind.clone(),
        name: row.name.clone(),
        address: row.address.clone(),
        phone: row.phone.clone(),
        hours: row.hours.clone(),
        services: stored_services(row)?,
        notes: row.notes.clone(),
        arabic: stored_arabic(row)?,
        verified_at: None,
    })
}

/// Whether writing `fields` (dated `verified_at`) would change `row`.
fn differs(row: &ServiceRow, fields: &ServiceFields, verified_at: DateTime<Utc>) -> Result<bool> {
    Ok(row.territory != fields.territory
        || row.kind != fields.kind.as_str()
        || row.name != fields.name
        || row.address != fields.address
        || row.phone != fields.phone
        || row.hours != fields.hours
        || stored_services(row)? != fields.services
        || row.notes != fields.notes
        || stored_arabic(row)? != fields.arabic
        || row.verified_at != verified_at)
}

/// `fields` with the stored values of the columns a CSV left out.
fn keep_absent(mut fields: ServiceFields, row: &ServiceRow, absent: &[&str]) -> Result<ServiceFields> {
    for column in absent {
        match *column {
            "address" => fields.address.clone_from(&row.address),
            "phone" => fields.phone.clone_from(&row.phone),
            "hours" => fields.hours.clone_from(&row.hours),
            "services" => fields.services = stored_services(row)?,
            "notes" => fields.notes.clone_from(&row.notes),
            "name_ar" => fields.arabic.name.clone_from(&row.name_ar),
            "address_ar" => fields.arabic.address.clone_from(&row.address_ar),
            "hours_ar" => fields.arabic.hours.clone_from(&row.hours_ar),
            "services_ar" => fields.arabic.services = stored_services_ar(row)?,
            "notes_ar" => fields.arabic.notes.clone_from(&row.notes_ar),
            _ => {}
        }
    }
    Ok(fields)
}

/// The cursor after `row`: its sort key (territory, kind, name, id).
fn cursor_after(row: &ServiceRow) -> String {
    page::encode_key(&(&row.territory, &row.kind, &row.name_key, row.id))
}

fn decode_cursor(cursor: Option<&str>) -> Result<Option<After>> {
    let key: Option<(String, String, String, Uuid)> = page::decode_key(cursor)?;
    Ok(key.map(|(territory, kind, name_key, id)| After { territory, kind, name_key, id }))
}

/// The `LIKE` patterns of `?q=`: one group per word, each word as the
/// library's analyzers see it (stem, surface form, the thesaurus' other
/// names of the notion); common words never count. Folding leaves only
/// letters, digits and spaces, so no `LIKE` wildcard survives.
fn word_patterns(q: &str) -> Vec<Vec<String>> {
    crate::search::query::word_variants(q)
        .into_iter()
        .take(MAX_QUERY_WORDS)
        .map(|variants| {
            let mut group: Vec<String> =
                variants.iter().map(|v| validate::fold(v)).filter(|v| !v.is_empty()).map(|v| format!("%{v}%")).collect();
            group.dedup();
            group
        })
        .filter(|g| !g.is_empty())
        .collect()
}

impl Directory {
    /// The service over `db`; `clock` dates verifications and decides staleness.
    pub fn new(db: Db, clock: Clock) -> Self {
        Self { db, clock }
    }

    fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    async fn territories(&self) -> Result<Territories> {
        let rows = store::territories(&self.db).await?;
        Ok(Territories::new(rows.into_iter().map(|t| (t.code, vec![t.name_fr, t.name_ar, t.name_en]))))
    }

    /// A stored service as `reader` reads it (see [`pick`]).
    fn view(&self, row: ServiceRow, reader: Language, today: NaiveDate) -> Result<DirectoryService> {
        let kind = ServiceKind::parse_lenient(&row.kind)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("directory entry {} has an unknown kind {:?}", row.id, row.kind)))?;
        let (services, services_in) = pick(reader, stored_services(&row)?, stored_services_ar(&row)?);
        let (name, name_in) = pick(reader, row.name, row.name_ar);
        let (address, address_in) = pick(reader, row.address, row.address_ar);
        let (hours, hours_in) = pick(reader, row.hours, row.hours_ar);
        let (notes, notes_in) = pick(reader, row.notes, row.notes_ar);
        let verified_at = row.verified_at.date_naive();
        Ok(DirectoryService {
            id: row.id,
            territory: row.territory,
            kind,
            name,
            address,
            phone_uri: validate::phone_uri(&row.phone),
            phone: row.phone,
            hours,
            services,
            notes,
            text_languages: ServiceTextLanguages {
                name: name_in,
                address: address_in,
                hours: hours_in,
                services: services_in,
                notes: notes_in,
            },
            verified_at,
            stale: validate::is_stale(verified_at, today),
            updated_at: row.updated_at,
        })
    }

    /// Checks the `territory` and `kind` filters of a list or an export.
    async fn filters(&self, territory: Option<&str>, kind: Option<&str>) -> Result<Scope> {
        let mut errors = Vec::new();
        let territory = match territory.map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => {
                let known = self.territories().await?;
                let code = known.resolve(t).map(str::to_string);
                if code.is_none() {
                    errors.push(FieldError::new("territory", FieldCode::UnknownValue, format!("{t:?} is not one of {}", known.list())));
                }
                code
            }
        };
        let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => {
                let parsed = ServiceKind::parse_lenient(k);
                if parsed.is_none() {
                    errors.push(FieldError::new("kind", FieldCode::UnknownValue, format!("{k:?} is not one of {}", ServiceKind::list())));
                }
                parsed
            }
        };
        if errors.is_empty() { Ok(Scope { territory, kind }) } else { Err(Error::Invalid(errors)) }
    }

    /// A page of the directory, in territory, kind and name order, optionally
    /// of one territory and kind, matching every word of `q` in the name,
    /// services or address (case, accents, word endings and the thesaurus' other names aside).
    /// Texts in `reader`'s language where the entry has them.
    pub async fn list(&self, query: &ServiceQuery, reader: Language) -> Result<ServicePage> {
        let Scope { territory, kind } = self.filters(query.territory.as_deref(), query.kind.as_deref()).await?;
        let limit = page::limit(query.limit)?;
        let after = decode_cursor(query.cursor.as_deref())?;
        let patterns = word_patterns(query.q.as_deref().unwrap_or_default());
        let filter = ListFilter {
            territory: territory.as_deref(),
            kind: kind.map(ServiceKind::as_str),
            patterns: &patterns,
            after: after.as_ref(),
            limit: Some(page::fetch_limit(limit)),
        };
        let page = Page::from_rows(store::list(&self.db, &filter).await?, limit, cursor_after);
        let today = self.today();
        let items = page.items.into_iter().map(|r| self.view(r, reader, today)).collect::<Result<_>>()?;
        Ok(ServicePage { items, next_cursor: page.next_cursor })
    }

    /// One service, its texts in `reader`'s language where it has them.
    pub async fn get(&self, id: Uuid, reader: Language) -> Result<DirectoryService> {
        let row = store::get(&self.db, id).await?.ok_or(Error::NotFound("service"))?;
        self.view(row, reader, self.today())
    }

    /// Adds a service (trainers and admins); verified today unless a date is given.
    pub async fn create(&self, caller: &Caller, input: ServiceInput, reader: Language) -> Result<DirectoryService> {
        caller.require_author()?;
        let today = self.today();
        let fields = validate::check(&input, &self.territories().await?, today).map_err(Error::Invalid)?;
        let id = new_id();
        let mut tx = self.db.begin().await?;
        self.write(&mut tx, None, id, &fields, midnight(fields.verified_at.unwrap_or(today))).await?;
        tx.commit().await?;
        self.get(id, reader).await
    }

    /// Changes some fields of a service (trainers and admins).
    pub async fn update(&self, caller: &Caller, id: Uuid, change: ServiceChange, reader: Language) -> Result<DirectoryService> {
        caller.require_author()?;
        let row = store::get(&self.db, id).await?.ok_or(Error::NotFound("service"))?;
        let input = change.apply(input_of(&row)?);
        let fields = validate::check(&input, &self.territories().await?, self.today()).map_err(Error::Invalid)?;
        let verified_at = fields.verified_at.map_or(row.verified_at, midnight);
        let mut tx = self.db.begin().await?;
        self.write(&mut tx, Some(&row), id, &fields, verified_at).await?;
        tx.commit().await?;
        self.get(id, reader).await
    }

    /// Marks a service checked today: how the directory stays alive when
    /// focal points change (trainers and admins).
    pub async fn verify(&self, caller: &Caller, id: Uuid, reader: Language) -> Result<DirectoryService> {
        caller.require_author()?;
        let now = self.clock.now();
        if !store::verify(&self.db, id, midnight(now.date_naive()), now).await? {
            return Err(Error::NotFound("service"));
        }
        self.get(id, reader).await
    }

    /// Removes a service (trainers and admins).
    pub async fn delete(&self, caller: &Caller, id: Uuid) -> Result<()> {
        caller.require_author()?;
        if store::delete(&self.db, id).await? { Ok(()) } else { Err(Error::NotFound("service")) }
    }

    /// Inserts (`existing` is `None`) or replaces a service; a clash with
    /// another service of the same territory, kind and name is a 409.
    async fn write(
        &self,
        tx: &mut sanad_platform::Tx,
        existing: Option<&ServiceRow>,
        id: Uuid,
        fields: &ServiceFields,
        verified_at: DateTime<Utc>,
    ) -> Result<()> {
        let services = serde_json::to_string(&fields.services).map_err(|e| Error::Internal(e.into()))?;
        let services_ar = serde_json::to_string(&fields.arabic.services).map_err(|e| Error::Internal(e.into()))?;
        let search_text = validate::search_text(fields);
        let w = ServiceWrite { fields, services_json: &services, services_ar_json: &services_ar, search_text: &search_text, verified_at };
        let now = self.clock.now();
        let written = match existing {
            None => store::insert(tx, id, &w, now).await.map(|()| true),
            Some(_) => store::update(tx, id, &w, now).await,
        };
        match written {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::NotFound("service")),
            Err(e) if sanad_platform::db::is_unique_violation(&e) => Err(Error::Conflict(
                Reason::from(ReasonCode::DirectoryEntryExists)
                    .with("territory", &fields.territory)
                    .with("kind", fields.kind.as_str())
                    .with("name", &fields.name),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// The directory (or one territory's) as CSV, with its file name.
    pub async fn export_csv(&self, territory: Option<&str>) -> Result<CsvExport> {
        let Scope { territory, .. } = self.filters(territory, None).await?;
        let filter = ListFilter { territory: territory.as_deref(), ..ListFilter::default() };
        let rows = store::list(&self.db, &filter).await?;
        let mut cells = Vec::with_capacity(rows.len());
        for row in rows {
            let services = stored_services(&row)?.join(csv_file::SERVICES_SEPARATOR);
            let services_ar = stored_services_ar(&row)?.join(csv_file::SERVICES_SEPARATOR);
            cells.push([
                row.territory,
                row.kind,
                row.name,
                row.address,
                row.phone,
                row.hours,
                services,
                row.verified_at.date_naive().format("%Y-%m-%d").to_string(),
                row.notes,
                row.name_ar,
                row.address_ar,
                row.hours_ar,
                services_ar,
                row.notes_ar,
            ]);
        }
        let filename = format!("annuaire-{}.csv", territory.as_deref().unwrap_or("tous"));
        Ok(CsvExport { filename, bytes: csv_file::write(&cells) })
    }

    /// Imports a CSV (trainers and admins): each row updates the service of
    /// the same territory, kind and name (case and accents aside) or adds
    /// one. Columns the file leaves out keep their stored values; an empty
    /// cell clears. All or nothing: any bad row refuses the whole file,
    /// naming every bad line and column, and nothing is written.
    pub async fn import_csv(&self, caller: &Caller, bytes: &[u8]) -> Result<ImportReport> {
        caller.require_author()?;
        self.import(bytes).await
    }

    /// Loads the demo directory when the directory is empty (a fresh instance
    /// with demo content on); returns how many services were added.
    pub async fn load_demo(&self, csv: &str) -> Result<u32> {
        if store::count(&self.db).await? > 0 {
            return Ok(0);
        }
        match self.import(csv.as_bytes()).await {
            Ok(report) => Ok(report.created),
            // Another instance starting on the same database loaded it first.
            Err(Error::Conflict(_)) => Ok(0),
            Err(e) => Err(e),
        }
    }

    async fn import(&self, bytes: &[u8]) -> Result<ImportReport> {
        let rows = csv_file::parse(bytes).map_err(Error::Invalid)?;
        let checked = self.check_rows(&rows).await?;
        let today = self.today();
        let mut report = ImportReport { created: 0, updated: 0, unchanged: 0 };
        let mut tx = self.db.begin().await?;
        for CheckedRow { fields, absent } in &checked {
            let existing = store::by_identity(&mut tx, &fields.territory, fields.kind.as_str(), &fields.name_key).await?;
            match existing {
                None => {
                    let verified_at = midnight(fields.verified_at.unwrap_or(today));
                    self.write(&mut tx, None, new_id(), fields, verified_at).await?;
                    report.created += 1;
                }
                Some(row) => {
                    // A row without a date keeps the date of the last check.
                    let verified_at = fields.verified_at.map_or(row.verified_at, midnight);
                    let fields = keep_absent(fields.clone(), &row, absent)?;
                    if differs(&row, &fields, verified_at)? {
                        self.write(&mut tx, Some(&row), row.id, &fields, verified_at).await?;
                        report.updated += 1;
                    } else {
                        report.unchanged += 1;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Checks every row, and that no two rows are the same service; the
    /// errors name each row's line and column.
    async fn check_rows<'a>(&self, rows: &'a [CsvRow]) -> Result<Vec<CheckedRow<'a>>> {
        let territories = self.territories().await?;
        let today = self.today();
        let mut errors = Vec::new();
        let mut checked = Vec::with_capacity(rows.len());
        let mut seen: HashMap<(String, ServiceKind, String), u64> = HashMap::new();
        for row in rows {
            match validate::check(&row.input, &territories, today) {
                Ok(fields) => {
                    let identity = (fields.territory.clone(), fields.kind, fields.name_key.clone());
                    if let Some(first) = seen.insert(identity, row.line) {
                        errors.push(line_error(row.line, "name", FieldCode::Duplicate, format!("is the same service as line {first}")));
                    }
                    checked.push(CheckedRow { fields, absent: &row.absent });
                }
                Err(field_errors) => {
                    errors.extend(field_errors.into_iter().map(|e| line_error(row.line, &e.field, e.code, e.message)));
                }
            }
        }
        if errors.is_empty() {
            Ok(checked)
        } else {
            errors.truncate(csv_file::MAX_ERRORS);
            Err(Error::Invalid(errors))
        }
    }
}
