//! The directory's domain types and the API's request and response objects.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use sanad_platform::vocabulary::Language;
use sanad_platform::{Change, Text};
use uuid::Uuid;

pub use sanad_platform::vocabulary::ServiceKind;

/// A service of the directory, its texts in the reader's language: Arabic
/// for a reader of Arabic when the entry has them, French otherwise (the
/// directory is kept in French and Arabic; an English reader gets French).
#[derive(Clone, Debug, PartialEq, Eq, Object)]
pub struct DirectoryService {
    pub id: Uuid,
    /// Territory code (see `GET /reference/territories`).
    pub territory: String,
    pub kind: ServiceKind,
    pub name: String,
    /// Empty when unknown.
    pub address: String,
    /// As written (may hold several numbers); empty when unknown.
    pub phone: String,
    /// A `tel:` link to the first number, for tap-to-call; null without a phone.
    #[oai(nullable)]
    pub phone_uri: Option<String>,
    /// Opening hours, as written.
    pub hours: String,
    /// What the service offers (e.g. "écoute", "certificat médical").
    pub services: Vec<String>,
    /// Focal point, how to refer, anything a professional should know.
    pub notes: String,
    /// The language each text above is written in.
    pub text_languages: ServiceTextLanguages,
    /// The day someone last checked the entry.
    pub verified_at: NaiveDate,
    /// True when the entry was last checked more than twelve months ago.
    pub stale: bool,
    pub updated_at: DateTime<Utc>,
}

/// The language of each text of a [`DirectoryService`]: the reader's when
/// the entry has the text in it, the other one's otherwise (`fr` for a
/// text empty in both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Object)]
pub struct ServiceTextLanguages {
    pub name: Language,
    pub address: Language,
    pub hours: Language,
    pub services: Language,
    pub notes: Language,
}

/// `GET /directory/services`.
#[derive(Debug, Object)]
pub struct ServicePage {
    pub items: Vec<DirectoryService>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// What a list of the directory asks for (`GET /directory/services`), as typed.
#[derive(Debug, Default)]
pub struct ServiceQuery {
    /// A territory code or name.
    pub territory: Option<String>,
    pub kind: Option<String>,
    /// Words to find in the name, services or address.
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// `POST /directory/services`.
#[derive(Debug, Object)]
pub struct NewService {
    /// Territory code (`sale`, `kenitra`, `skhirat-temara`, `rabat`) or name.
    pub territory: Text,
    /// tribunal | hospital_unit | upe_cape | police | association | shelter | legal_aid | psychological_support
    pub kind: Text,
    pub name: Text,
    #[oai(nullable)]
    pub address: Option<Text>,
    /// Digits, spaces and `+ - . ( ) /`; several numbers separated by `/`.
    #[oai(nullable)]
    pub phone: Option<Text>,
    #[oai(nullable)]
    pub hours: Option<Text>,
    #[oai(nullable)]
    pub services: Option<Vec<Text>>,
    #[oai(nullable)]
    pub notes: Option<Text>,
    /// The name in Arabic; the other `*_ar` fields likewise.
    #[oai(nullable)]
    pub name_ar: Option<Text>,
    #[oai(nullable)]
    pub address_ar: Option<Text>,
    #[oai(nullable)]
    pub hours_ar: Option<Text>,
    #[oai(nullable)]
    pub services_ar: Option<Vec<Text>>,
    #[oai(nullable)]
    pub notes_ar: Option<Text>,
    /// `YYYY-MM-DD` (or `DD/MM/YYYY`); today when absent.
    #[oai(nullable)]
    pub verified_at: Option<Text>,
}

/// `PATCH /directory/services/{id}`: absent fields are kept; `null` clears an optional one.
#[derive(Debug, Object)]
pub struct ServiceUpdate {
    #[oai(nullable)]
    pub territory: Option<Text>,
    #[oai(nullable)]
    pub kind: Option<Text>,
    #[oai(nullable)]
    pub name: Option<Text>,
    #[oai(nullable)]
    pub address: MaybeUndefined<Text>,
    #[oai(nullable)]
    pub phone: MaybeUndefined<Text>,
    #[oai(nullable)]
    pub hours: MaybeUndefined<Text>,
    #[oai(nullable)]
    pub services: MaybeUndefined<Vec<Text>>,
    #[oai(nullable)]
    pub notes: MaybeUndefined<Text>,
    #[oai(nullable)]
    pub name_ar: MaybeUndefined<Text>,
    #[oai(nullable)]
    pub address_ar: MaybeUndefined<Text>,
    #[oai(nullable)]
    pub hours_ar: MaybeUndefined<Text>,
    #[oai(nullable)]
    pub services_ar: MaybeUndefined<Vec<Text>>,
    #[oai(nullable)]
    pub notes_ar: MaybeUndefined<Text>,
    /// `YYYY-MM-DD` (or `DD/MM/YYYY`).
    #[oai(nullable)]
    pub verified_at: Option<Text>,
}

/// `POST /directory/services/import`: what the CSV changed.
#[derive(Debug, PartialEq, Eq, Object)]
pub struct ImportReport {
    /// Services that were not in the directory.
    pub created: u32,
    /// Services found by territory, kind and name whose fields changed.
    pub updated: u32,
    /// Services found whose fields were already as in the file.
    pub unchanged: u32,
}

/// A service as typed, from JSON or a CSV row, before any check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceInput {
    pub territory: String,
    pub kind: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    pub services: Vec<String>,
    pub notes: String,
    /// The Arabic texts (empty when the entry has none).
    pub arabic: ArabicTexts,
    /// `None` (or empty) keeps the stored date, or means today for a new service.
    pub verified_at: Option<String>,
}

/// A change to a service (parsed from [`ServiceUpdate`]): `None` and
/// [`Change::Keep`] leave a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceChange {
    pub territory: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub address: Change<String>,
    pub phone: Change<String>,
    pub hours: Change<String>,
    pub services: Change<Vec<String>>,
    pub notes: Change<String>,
    pub name_ar: Change<String>,
    pub address_ar: Change<String>,
    pub hours_ar: Change<String>,
    pub services_ar: Change<Vec<String>>,
    pub notes_ar: Change<String>,
    /// `None` keeps the stored date.
    pub verified_at: Option<String>,
}

impl ServiceChange {
    /// `current` with this change made.
    pub fn apply(self, current: ServiceInput) -> ServiceInput {
        let text = |change: Change<String>, current: String| change.apply(Some(current)).unwrap_or_default();
        ServiceInput {
            territory: self.territory.unwrap_or(current.territory),
            kind: self.kind.unwrap_or(current.kind),
            name: self.name.unwrap_or(current.name),
            address: text(self.address, current.address),
            phone: text(self.phone, current.phone),
            hours: text(self.hours, current.hours),
            services: self.services.apply(Some(current.services)).unwrap_or_default(),
            notes: text(self.notes, current.notes),
            arabic: ArabicTexts {
                name: text(self.name_ar, current.arabic.name),
                address: text(self.address_ar, current.arabic.address),
                hours: text(self.hours_ar, current.arabic.hours),
                services: self.services_ar.apply(Some(current.arabic.services)).unwrap_or_default(),
                notes: text(self.notes_ar, current.arabic.notes),
            },
            verified_at: self.verified_at,
        }
    }
}

/// A CSV file made by an export, with the name to save it under.
#[derive(Debug)]
pub struct CsvExport {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A service that passed every check, trimmed and normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceFields {
    /// A known territory code.
    pub territory: String,
    pub kind: ServiceKind,
    pub name: String,
    /// The folded name: identity within (territory, kind) and sort key.
    pub name_key: String,
    pub address: String,
    pub phone: String,
    pub hours: String,
    pub services: Vec<String>,
    pub notes: String,
    /// The Arabic texts, checked like the French ones (empty when absent).
    pub arabic: ArabicTexts,
    /// `None` when the input had no date.
    pub verified_at: Option<NaiveDate>,
}

/// A service's texts in Arabic, beside the French ones: name, address,
/// opening hours, services and notes (`name_ar` ... `notes_ar` in the CSV
/// and the API). Each may be empty; the French text is served instead.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArabicTexts {
    pub name: String,
    pub address: String,
    pub hours: String,
    pub services: Vec<String>,
    pub notes: String,
}
