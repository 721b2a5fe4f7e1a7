//! HTTP endpoints of the directory: parse, authorise, call the service, map errors.

use poem::{FromRequest, IntoResponse, Request, RequestBody, Response};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, ParsePayload, Payload};
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::{ApiRequest, ApiResponse, OpenApi, Tags};
use sanad_platform::Caller;
use sanad_platform::auth::{caller, optional_caller};
use sanad_platform::language::Asked;
use sanad_platform::responses::NoContent;
use sanad_platform::vocabulary::Language;
use sanad_platform::{Change, Result, Text};
use uuid::Uuid;

use super::model::*;
use super::service::Directory;

#[derive(Tags)]
enum ApiTags {
    /// The directory of services of each territory (annuaire), to orient families.
    Directory,
}

/// A CSV file as the body of a request or a response, in UTF-8.
#[derive(Debug)]
pub struct Csv(pub Vec<u8>);

impl Payload for Csv {
    const CONTENT_TYPE: &'static str = "text/csv; charset=utf-8";

    /// `text/csv` with any parameters; also `text/plain`, which some
    /// clients send for a file they do not recognise.
    fn check_content_type(content_type: &str) -> bool {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        essence == "text/csv" || essence == "text/plain"
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema { format: Some("binary"), ..MetaSchema::new("string") }))
    }
}

impl ParsePayload for Csv {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Self(Vec::<u8>::from_request(request, body).await?))
    }
}

impl IntoResponse for Csv {
    fn into_response(self) -> Response {
        Response::builder().content_type(Self::CONTENT_TYPE).body(self.0)
    }
}

/// The body of `POST /directory/services/import`.
#[derive(Debug, ApiRequest)]
pub enum CsvUpload {
    /// The file, with the header `territory,kind,name,address,phone,hours,services,verified_at,notes,name_ar,address_ar,hours_ar,services_ar,notes_ar` (only `territory,kind,name` required; the `*_ar` columns are the Arabic texts).
    Csv(Csv),
}

/// `200` with a CSV file to save.
#[derive(ApiResponse)]
pub enum CsvDownload {
    /// The directory as CSV (`Content-Disposition: attachment`).
    #[oai(status = 200)]
    File(Csv, #[oai(header = "Content-Disposition")] String),
}

/// `201` with the added service.
#[derive(ApiResponse)]
pub enum ServiceCreated {
    /// The service.
    #[oai(status = 201)]
    Created(Json<DirectoryService>),
}

/// The directory endpoints.
#[derive(Clone, Debug)]
pub struct DirectoryApi {
    directory: Directory,
}

impl DirectoryApi {
    /// Endpoints over `directory`.
    pub fn new(directory: Directory) -> Self {
        Self { directory }
    }
}

// Requests become the service's plain inputs here, at the edge.

fn text(t: Option<Text>) -> String {
    t.map(String::from).unwrap_or_default()
}

fn texts(t: Vec<Text>) -> Vec<String> {
    t.into_iter().map(String::from).collect()
}

impl From<NewService> for ServiceInput {
    fn from(r: NewService) -> Self {
        ServiceInput {
            territory: r.territory.into(),
            kind: r.kind.into(),
            name: r.name.into(),
            address: text(r.address),
            phone: text(r.phone),
            hours: text(r.hours),
            services: texts(r.services.unwrap_or_default()),
            notes: text(r.notes),
            arabic: ArabicTexts {
                name: text(r.name_ar),
                address: text(r.address_ar),
                hours: text(r.hours_ar),
                services: texts(r.services_ar.unwrap_or_default()),
                notes: text(r.notes_ar),
            },
            verified_at: r.verified_at.map(String::from),
        }
    }
}

impl From<ServiceUpdate> for ServiceChange {
    fn from(r: ServiceUpdate) -> Self {
        ServiceChange {
            territory: r.territory.map(String::from),
            kind: r.kind.map(String::from),
            name: r.name.map(String::from),
            address: r.address.into(),
            phone: r.phone.into(),
            hours: r.hours.into(),
            services: Change::from(r.services).map(texts),
            notes: r.notes.into(),
            name_ar: r.name_ar.into(),
            address_ar: r.address_ar.into(),
            hours_ar: r.hours_ar.into(),
            services_ar: Change::from(r.services_ar).map(texts),
            notes_ar: r.notes_ar.into(),
            verified_at: r.verified_at.map(String::from),
        }
    }
}

/// The reader's language: `?lang=`, then `Accept-Language`, then the account's locale, then French.
fn in_language(lang: Asked, caller: Option<&Caller>) -> Language {
    Language::parse(lang.for_caller(caller)).unwrap_or(Language::Fr)
}

/// The language of a public read: the caller (a database round trip for a
/// session) is looked up only when the request names no language.
async fn reader(req: &Request, lang: Asked) -> Result<Language> {
    let who = match lang.0 {
        Some(_) => None,
        None => optional_caller(req).await?,
    };
    Ok(in_language(lang, who.as_ref()))
}

#[OpenApi(prefix_path = "/api/v1")]
impl DirectoryApi {
    /// Services of the directory, by territory, kind and name; `q` matches words of the name, services or address, in French or Arabic (case, accents and Arabic letter forms aside). Texts in the reader's language (`lang`, `Accept-Language`, the account's locale) where the entry has them; `text_languages` says which. Public.
    #[oai(path = "/directory/services", method = "get", tag = "ApiTags::Directory")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        req: &Request,
        /// A territory code (or name).
        territory: Query<Option<String>>,
        /// tribunal | hospital_unit | upe_cape | police | association | shelter | legal_aid | psychological_support
        kind: Query<Option<String>>,
        q: Query<Option<String>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
        lang: Asked,
    ) -> Result<Json<ServicePage>> {
        let reader = reader(req, lang).await?;
        let query = ServiceQuery { territory: territory.0, kind: kind.0, q: q.0, cursor: cursor.0, limit: limit.0 };
        Ok(Json(self.directory.list(&query, reader).await?))
    }

    /// Add a service (trainers and admins).
    #[oai(path = "/directory/services", method = "post", tag = "ApiTags::Directory")]
    async fn create(&self, req: &Request, body: Json<NewService>, lang: Asked) -> Result<ServiceCreated> {
        let caller = caller(req).await?;
        let reader = in_language(lang, Some(&caller));
        Ok(ServiceCreated::Created(Json(self.directory.create(&caller, body.0.into(), reader).await?)))
    }

    /// The directory as CSV, for a spreadsheet (one territory, or all). Public.
    #[oai(path = "/directory/services/export", method = "get", tag = "ApiTags::Directory")]
    async fn export(&self, territory: Query<Option<String>>) -> Result<CsvDownload> {
        let export = self.directory.export_csv(territory.0.as_deref()).await?;
        Ok(CsvDownload::File(Csv(export.bytes), format!("attachment; filename=\"{}\"", export.filename)))
    }

    /// Import a CSV in the export's format (trainers and admins): rows update the service of the same territory, kind and name (columns left out are kept), or add one. All or nothing: a bad row refuses the file with 422, naming its line and column.
    #[oai(path = "/directory/services/import", method = "post", tag = "ApiTags::Directory")]
    async fn import(&self, req: &Request, body: CsvUpload) -> Result<Json<ImportReport>> {
        let CsvUpload::Csv(Csv(bytes)) = body;
        Ok(Json(self.directory.import_csv(&caller(req).await?, &bytes).await?))
    }

    /// One service. Public.
    #[oai(path = "/directory/services/:id", method = "get", tag = "ApiTags::Directory")]
    async fn get(&self, req: &Request, id: Path<Uuid>, lang: Asked) -> Result<Json<DirectoryService>> {
        let reader = reader(req, lang).await?;
        Ok(Json(self.directory.get(id.0, reader).await?))
    }

    /// Change a service (trainers and admins): absent fields are kept, `null` clears an optional one.
    #[oai(path = "/directory/services/:id", method = "patch", tag = "ApiTags::Directory")]
    async fn update(&self, req: &Request, id: Path<Uuid>, body: Json<ServiceUpdate>, lang: Asked) -> Result<Json<DirectoryService>> {
        let caller = caller(req).await?;
        let reader = in_language(lang, Some(&caller));
        Ok(Json(self.directory.update(&caller, id.0, body.0.into(), reader).await?))
    }

    /// Remove a service (trainers and admins).
    #[oai(path = "/directory/services/:id", method = "delete", tag = "ApiTags::Directory")]
    async fn delete(&self, req: &Request, id: Path<Uuid>) -> Result<NoContent> {
        self.directory.delete(&caller(req).await?, id.0).await?;
        Ok(NoContent::Done)
    }

    /// Mark a service checked today (trainers and admins): how the directory stays current when focal points change.
    #[oai(path = "/directory/services/:id/verify", method = "post", tag = "ApiTags::Directory")]
    async fn verify(&self, req: &Request, id: Path<Uuid>, lang: Asked) -> Result<Json<DirectoryService>> {
        let caller = caller(req).await?;
        let reader = in_language(lang, Some(&caller));
        Ok(Json(self.directory.verify(&caller, id.0, reader).await?))
    }
}
