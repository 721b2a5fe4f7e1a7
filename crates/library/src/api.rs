//! HTTP endpoints of the library's resources: parse, authorise, call the service.

use poem::{Body, Request};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, AttachmentType, Json, PlainText};
use poem_openapi::registry::MetaSchemaRef;
use poem_openapi::types::multipart::Upload;
use poem_openapi::types::{ParseError, ParseFromMultipartField, ParseResult, Type};
use poem_openapi::{ApiResponse, Multipart, OpenApi, Tags};
use sanad_platform::auth::{caller, optional_caller};
use sanad_platform::responses::NoContent;
use sanad_platform::{Error, Result};
use uuid::Uuid;

use crate::model::*;
use crate::service::{IncomingFile, Library, SearchParams};

#[derive(Tags)]
enum ApiTags {
    /// Resources, search, files, ratings and tool evaluation.
    Library,
}

/// `POST /library/resources`: a `metadata` part (JSON) and zero or more `files` parts.
#[derive(Debug, Multipart)]
pub struct UploadForm {
    /// JSON: `{title, description, type, audience[], language, territory?, themes[], tags[], links[], review_by?, published?}`.
    pub metadata: String,
    pub files: UploadedFiles,
}

/// Zero or more `files` parts. (A plain `Vec` would be documented as
/// required, and `#[oai(default)]` needs a JSON form of a file.)
#[derive(Debug, Default)]
pub struct UploadedFiles(pub Vec<Upload>);

impl Type for UploadedFiles {
    const IS_REQUIRED: bool = false;
    type RawValueType = Self;
    type RawElementValueType = Upload;

    fn name() -> std::borrow::Cow<'static, str> {
        "[string_binary]".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        Vec::<Upload>::schema_ref()
    }

    fn as_raw_value(&self) -> Option<&Self> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Upload> + 'a> {
        Box::new(self.0.iter())
    }
}

impl ParseFromMultipartField for UploadedFiles {
    async fn parse_from_multipart(field: Option<poem::web::Field>) -> ParseResult<Self> {
        let files = Vec::<Upload>::parse_from_multipart(field).await.map_err(ParseError::propagate)?;
        Ok(UploadedFiles(files))
    }

    async fn parse_from_repeated_field(self, field: poem::web::Field) -> ParseResult<Self> {
        let files = self.0.parse_from_repeated_field(field).await.map_err(ParseError::propagate)?;
        Ok(UploadedFiles(files))
    }
}

/// `201` with the new resource's id.
#[derive(ApiResponse)]
pub enum ResourceCreated {
    /// Published; searchable within seconds.
    #[oai(status = 201)]
    Created(Json<Created>),
}

/// Answer to a rating.
#[derive(ApiResponse)]
pub enum Rated {
    /// A new rating.
    #[oai(status = 201)]
    Created(Json<RatingSummary>),
    /// The caller's rating was changed.
    #[oai(status = 200)]
    Updated(Json<RatingSummary>),
}

/// A stored file, streamed.
#[derive(ApiResponse)]
pub enum FileResponse {
    /// The file, as an attachment.
    #[oai(status = 200)]
    File(Attachment<Body>, #[oai(header = "Content-Length")] u64),
}

/// A CSV download.
#[derive(ApiResponse)]
pub enum CsvFile {
    /// The file.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>, #[oai(header = "Content-Disposition")] String),
}

/// The library endpoints.
#[derive(Clone, Debug)]
pub struct LibraryApi {
    library: Library,
}

impl LibraryApi {
    /// Endpoints over `library`.
    pub fn new(library: Library) -> Self {
        Self { library }
    }
}

#[OpenApi(prefix_path = "/api/v1")]
impl LibraryApi {
    /// Search published resources in French, Arabic and English; filters and facets with counts; newest first without a query.
    #[oai(path = "/library/resources", method = "get", tag = "ApiTags::Library")]
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        q: Query<Option<String>>,
        #[oai(name = "type")] kind: Query<Option<String>>,
        audience: Query<Option<String>>,
        language: Query<Option<String>>,
        territory: Query<Option<String>>,
        theme: Query<Option<String>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> Result<Json<SearchPage>> {
        let params = SearchParams {
            q: q.0,
            kind: kind.0,
            audience: audience.0,
            language: language.0,
            territory: territory.0,
            theme: theme.0,
            cursor: cursor.0,
            limit: limit.0,
        };
        Ok(Json(self.library.search(params).await?))
    }

    /// One search over published lessons and library resources, best first; each hit has its `kind` (`lesson`, `resource`) and id. Keyset-paged by `cursor`.
    #[oai(path = "/search", method = "get", tag = "ApiTags::Library")]
    async fn search_all(
        &self,
        q: Query<Option<String>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> Result<Json<SearchAllPage>> {
        Ok(Json(self.library.search_all(q.0, cursor.0, limit.0).await?))
    }

    /// Publish a resource with its files (trainers and admins). Files are typed by content; PDFs' text is indexed.
    #[oai(path = "/library/resources", method = "post", tag = "ApiTags::Library")]
    async fn create(&self, req: &Request, form: UploadForm) -> Result<ResourceCreated> {
        let who = caller(req).await?;
        let mut files = Vec::with_capacity(form.files.0.len());
        for f in form.files.0 {
            let name = f.file_name().unwrap_or("fichier").to_string();
            let bytes = f.into_vec().await.map_err(|e| Error::BadRequest(format!("a file could not be read: {e}")))?;
            files.push(IncomingFile { name, bytes });
        }
        Ok(ResourceCreated::Created(Json(self.library.create(&who, &form.metadata, files).await?)))
    }

    /// A resource with its files and rating (counted as a view).
    #[oai(path = "/library/resources/:id", method = "get", tag = "ApiTags::Library")]
    async fn resource(&self, req: &Request, id: Path<Uuid>) -> Result<Json<ResourceView>> {
        let who = optional_caller(req).await?;
        Ok(Json(self.library.resource(who.as_ref(), id.0).await?))
    }

    /// Replace a resource's metadata (same JSON as the upload's `metadata`); without `published` the resource keeps its published state.
    #[oai(path = "/library/resources/:id", method = "put", tag = "ApiTags::Library")]
    async fn update(&self, req: &Request, id: Path<Uuid>, body: Json<serde_json::Value>) -> Result<Json<ResourceView>> {
        Ok(Json(self.library.update(&caller(req).await?, id.0, body.0).await?))
    }

    /// Delete a resource (trainers and admins); it leaves search at once.
    #[oai(path = "/library/resources/:id", method = "delete", tag = "ApiTags::Library")]
    async fn delete(&self, req: &Request, id: Path<Uuid>) -> Result<NoContent> {
        self.library.delete(&caller(req).await?, id.0).await?;
        Ok(NoContent::Done)
    }

    /// Download a file (counted as a use of the resource).
    #[oai(path = "/library/resources/:id/files/:file_id", method = "get", tag = "ApiTags::Library")]
    async fn download(&self, req: &Request, id: Path<Uuid>, file_id: Path<Uuid>) -> Result<FileResponse> {
        let who = optional_caller(req).await?;
        let file = self.library.download(who.as_ref(), id.0, file_id.0).await?;
        let len = file.content.len;
        // Streamed from the store as it is read: a large video is never held whole in memory.
        let body = Body::from_bytes_stream(file.content.stream);
        // Served as an attachment with nosniff (set for every response): never rendered in the page.
        Ok(FileResponse::File(Attachment::new(body).attachment_type(AttachmentType::Attachment).filename(file.name), len))
    }

    /// Rate a resource, 1 to 5 stars with an optional comment; one rating per person, changeable.
    #[oai(path = "/library/resources/:id/ratings", method = "post", tag = "ApiTags::Library")]
    async fn rate(&self, req: &Request, id: Path<Uuid>, body: Json<RatingRequest>) -> Result<Rated> {
        let who = caller(req).await?;
        let created = self.library.rate(&who, id.0, body.0.stars, body.0.comment.as_deref()).await?;
        let rating = self.library.rating(id.0).await?;
        Ok(if created { Rated::Created(Json(rating)) } else { Rated::Updated(Json(rating)) })
    }

    /// Tool evaluation: views, downloads, ratings and comments (trainers and admins).
    #[oai(path = "/library/resources/:id/evaluation", method = "get", tag = "ApiTags::Library")]
    async fn evaluation(&self, req: &Request, id: Path<Uuid>) -> Result<Json<Evaluation>> {
        Ok(Json(self.library.evaluation(&caller(req).await?, id.0).await?))
    }

    /// Tool evaluation of every resource as CSV (trainers and admins).
    #[oai(path = "/library/evaluation.csv", method = "get", tag = "ApiTags::Library")]
    async fn evaluation_csv(&self, req: &Request) -> Result<CsvFile> {
        let csv = self.library.evaluation_csv(&caller(req).await?).await?;
        Ok(CsvFile::Csv(PlainText(csv), "attachment; filename=\"evaluation-des-outils.csv\"".into()))
    }

    /// Resources past their review date (trainers and admins), oldest date first.
    /// The whole list unless `limit` or `cursor` asks for a page (then `next_cursor` leads on).
    #[oai(path = "/library/review-due", method = "get", tag = "ApiTags::Library")]
    async fn review_due(&self, req: &Request, cursor: Query<Option<String>>, limit: Query<Option<u32>>) -> Result<Json<ReviewDueList>> {
        Ok(Json(self.library.review_due(&caller(req).await?, cursor.0.as_deref(), limit.0).await?))
    }
}
