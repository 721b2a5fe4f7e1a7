//! HTTP endpoints of the directory: parse, authorise, call the service, map errors.

use poem::{FromRequest, IntoResponse, Request, RequestBody, Response};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, ParsePayload, Payload};
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::{ApiRequest, ApiResponse, OpenApi, Tags};
use sanad_platform::auth::caller;
use sanad_platform::responses::NoContent;
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
    /// The file, with the header `territory,kind,name,address,phone,hours,services,verified_at,notes`.
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
            verified_at: r.verified_at.map(String::from),
        }
    }
}

#[OpenApi(prefix_path = "/api/v1")]
impl DirectoryApi {
    /// Services of the directory, by territory, kind and name; `q` matches words of the name, services or address (case and accents aside). Public.
    #[oai(path = "/directory/services", method = "get", tag = "ApiTags::Directory")]
    async fn list(
        &self,
        /// A territory code (or name).
        territory: Query<Option<String>>,
        /// tribunal | hospital_unit | upe_cape | police | association | shelter | legal_aid | psychological_support
        kind: Query<Option<String>>,
        q: Query<Option<String>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> Result<Json<ServicePage>> {
        let query = ServiceQuery { territory: territory.0, kind: kind.0, q: q.0, cursor: cursor.0, limit: limit.0 };
        Ok(Json(self.directory.list(&query).await?))
    }

    /// Add a service (trainers and admins).
    #[oai(path = "/directory/services", method = "post", tag = "ApiTags::Directory")]
    async fn create(&self, req: &Request, body: Json<NewService>) -> Result<ServiceCreated> {
        Ok(ServiceCreated::Created(Json(self.directory.create(&caller(req).await?, body.0.into()).await?)))
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
    async fn get(&self, id: Path<Uuid>) -> Result<Json<DirectoryService>> {
        Ok(Json(self.directory.get(id.0).await?))
    }

    /// Change a service (trainers and admins): absent fields are kept, `null` clears an optional one.
    #[oai(path = "/directory/services/:id", method = "patch", tag = "ApiTags::Directory")]
    async fn update(&self, req: &Request, id: Path<Uuid>, body: Json<ServiceUpdate>) -> Result<Json<DirectoryService>> {
        Ok(Json(self.directory.update(&caller(req).await?, id.0, body.0.into()).await?))
    }

    /// Remove a service (trainers and admins).
    #[oai(path = "/directory/services/:id", method = "delete", tag = "ApiTags::Directory")]
    async fn delete(&self, req: &Request, id: Path<Uuid>) -> Result<NoContent> {
        self.directory.delete(&caller(req).await?, id.0).await?;
        Ok(NoContent::Done)
    }

    /// Mark a service checked today (trainers and admins): how the directory stays current when focal points change.
    #[oai(path = "/directory/services/:id/verify", method = "post", tag = "ApiTags::Directory")]
    async fn verify(&self, req: &Request, id: Path<Uuid>) -> Result<Json<DirectoryService>> {
        Ok(Json(self.directory.verify(&caller(req).await?, id.0).await?))
    }
}
