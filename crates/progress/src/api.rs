//! HTTP endpoints of progress: parse, authorise, call the service, map errors.

use poem::Request;
use poem_openapi::param::Path;
use poem_openapi::payload::{Attachment, AttachmentType, Json};
use poem_openapi::{ApiResponse, OpenApi, Tags};
use sanad_platform::Result;
use sanad_platform::auth::caller;
use sanad_platform::language::Asked;
use sanad_platform::payload::OptionalJson;
use sanad_platform::responses::NoContent;
use uuid::Uuid;

use crate::model::*;
use crate::service::Progress;

#[derive(Tags)]
enum ApiTags {
    /// Enrolment, completion, "my learning" and attestations.
    Progress,
}

/// `201` the first time, `200` after: enrolling is idempotent.
#[derive(ApiResponse)]
pub enum Enrolled {
    /// Enrolled now.
    #[oai(status = 201)]
    Created(Json<Enrolment>),
    /// Already enrolled.
    #[oai(status = 200)]
    Already(Json<Enrolment>),
}

/// The attestation as a PDF.
#[derive(ApiResponse)]
pub enum CertificatePdf {
    /// A one-page PDF in French and Arabic.
    #[oai(status = 200, content_type = "application/pdf")]
    Pdf(Attachment<Vec<u8>>, #[oai(header = "Cache-Control")] String),
}

/// The progress API.
#[derive(Clone, Debug)]
pub struct ProgressApi {
    progress: Progress,
}

impl ProgressApi {
    /// The API over `progress`.
    pub fn new(progress: Progress) -> Self {
        Self { progress }
    }
}

#[OpenApi(prefix_path = "/api/v1")]
impl ProgressApi {
    /// Enrol in a course (idempotent).
    #[oai(path = "/courses/:slug/enrolment", method = "post", tag = "ApiTags::Progress")]
    async fn enrol(&self, req: &Request, slug: Path<String>) -> Result<Enrolled> {
        let who = caller(req).await?;
        let (enrolment, created) = self.progress.enrol(&who, &slug.0).await?;
        Ok(if created { Enrolled::Created(Json(enrolment)) } else { Enrolled::Already(Json(enrolment)) })
    }

    /// Leave a course; what was done is kept.
    #[oai(path = "/courses/:slug/enrolment", method = "delete", tag = "ApiTags::Progress")]
    async fn leave(&self, req: &Request, slug: Path<String>) -> Result<NoContent> {
        let who = caller(req).await?;
        self.progress.leave(&who, &slug.0).await?;
        Ok(NoContent::Done)
    }

    /// Mark a lesson read (idempotent; enrols in its course).
    ///
    /// Without a body, the lesson is read now. A completion made offline and
    /// sent later from the device's outbox carries a JSON body
    /// `{"idempotency_key": uuid, "completed_at": RFC 3339}`: the same key
    /// sent again records nothing more and is answered 204 again, and the
    /// completion and its learning event keep `completed_at` (422
    /// `out_of_range` when it is more than 5 minutes ahead of the server's
    /// clock or more than 30 days ago: the device should drop it then).
    #[oai(path = "/lessons/:id/completion", method = "post", tag = "ApiTags::Progress")]
    async fn complete_lesson(
        &self,
        req: &Request,
        id: Path<Uuid>,
        lang: Asked,
        body: OptionalJson<CompletionReceipt>,
    ) -> Result<NoContent> {
        let who = caller(req).await?;
        self.progress.complete_lesson(&who, id.0, lang.for_caller(Some(&who)), body.0).await?;
        Ok(NoContent::Done)
    }

    /// The courses the caller follows, with progress and the item to resume.
    #[oai(path = "/me/progress", method = "get", tag = "ApiTags::Progress")]
    async fn mine(&self, req: &Request, lang: Asked) -> Result<Json<MyProgress>> {
        let who = caller(req).await?;
        Ok(Json(self.progress.mine(&who, lang.for_caller(Some(&who))).await?))
    }

    /// The caller's progress in one course: items done, modules locked, where to resume.
    #[oai(path = "/courses/:slug/progress", method = "get", tag = "ApiTags::Progress")]
    async fn in_course(&self, req: &Request, slug: Path<String>, lang: Asked) -> Result<Json<CourseProgress>> {
        let who = caller(req).await?;
        Ok(Json(self.progress.in_course(&who, &slug.0, lang.for_caller(Some(&who))).await?))
    }

    /// The caller's attestations.
    #[oai(path = "/me/certificates", method = "get", tag = "ApiTags::Progress")]
    async fn certificates(&self, req: &Request, lang: Asked) -> Result<Json<CertificateList>> {
        let who = caller(req).await?;
        Ok(Json(self.progress.certificates(&who, lang.for_caller(Some(&who))).await?))
    }

    /// Check an attestation: public, no sign-in. An unknown code is 404.
    #[oai(path = "/certificates/:code", method = "get", tag = "ApiTags::Progress")]
    async fn verify(&self, code: Path<String>, lang: Asked) -> Result<Json<CertificateCheck>> {
        Ok(Json(self.progress.verify(&code.0, lang.for_caller(None)).await?))
    }

    /// The attestation as a PDF in French and Arabic, with a QR code of its verification page: public.
    #[oai(path = "/certificates/:code/pdf", method = "get", tag = "ApiTags::Progress")]
    async fn pdf(&self, code: Path<String>) -> Result<CertificatePdf> {
        let (code, bytes) = self.progress.certificate_pdf(&code.0).await?;
        Ok(CertificatePdf::Pdf(
            Attachment::new(bytes).attachment_type(AttachmentType::Inline).filename(format!("attestation-{code}.pdf")),
            "public, max-age=3600".into(),
        ))
    }
}
