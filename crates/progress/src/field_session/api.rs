//! HTTP endpoints of field sessions.

use poem::Request;
use poem_openapi::param::Query;
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, OpenApi, Tags};
use sanad_platform::Result;
use sanad_platform::auth::caller;

use super::model::*;
use super::service::ReportFilter;
use crate::cohort::api::CsvFile;
use crate::service::Progress;

#[derive(Tags)]
enum ApiTags {
    /// Sessions professionals ran after their training, and their totals.
    FieldSessions,
}

/// `201` with the recorded session.
#[derive(ApiResponse)]
pub enum SessionRecorded {
    /// The session.
    #[oai(status = 201)]
    Created(Json<FieldSessionView>),
}

/// The field-sessions API.
#[derive(Clone, Debug)]
pub struct FieldSessionApi {
    progress: Progress,
}

impl FieldSessionApi {
    /// The API over `progress`.
    pub fn new(progress: Progress) -> Self {
        Self { progress }
    }
}

fn filter(territory: Query<Option<String>>, from: Query<Option<String>>, to: Query<Option<String>>) -> ReportFilter {
    ReportFilter { territory: territory.0, from: from.0, to: to.0 }
}

#[OpenApi(prefix_path = "/api/v1")]
impl FieldSessionApi {
    /// Record a session you ran (date, territory, audience, participants, resources used, notes).
    #[oai(path = "/me/field-sessions", method = "post", tag = "ApiTags::FieldSessions")]
    async fn record(&self, req: &Request, body: Json<NewFieldSession>) -> Result<SessionRecorded> {
        let who = caller(req).await?;
        Ok(SessionRecorded::Created(Json(self.progress.record_field_session(&who, body.0).await?)))
    }

    /// Your own sessions, most recent first.
    #[oai(path = "/me/field-sessions", method = "get", tag = "ApiTags::FieldSessions")]
    async fn mine(&self, req: &Request, cursor: Query<Option<String>>, limit: Query<Option<u32>>) -> Result<Json<FieldSessionPage>> {
        let who = caller(req).await?;
        Ok(Json(self.progress.my_field_sessions(&who, cursor.0.as_deref(), limit.0).await?))
    }

    /// Totals by territory, audience, month and resource: trainers and admins.
    #[oai(path = "/reports/field-sessions", method = "get", tag = "ApiTags::FieldSessions")]
    async fn report(
        &self,
        req: &Request,
        territory: Query<Option<String>>,
        from: Query<Option<String>>,
        to: Query<Option<String>>,
    ) -> Result<Json<FieldReport>> {
        let who = caller(req).await?;
        Ok(Json(self.progress.field_report(&who, &filter(territory, from, to)).await?))
    }

    /// The same totals as CSV.
    #[oai(path = "/reports/field-sessions.csv", method = "get", tag = "ApiTags::FieldSessions")]
    async fn report_csv(
        &self,
        req: &Request,
        territory: Query<Option<String>>,
        from: Query<Option<String>>,
        to: Query<Option<String>>,
    ) -> Result<CsvFile> {
        let who = caller(req).await?;
        let csv = self.progress.field_report_csv(&who, &filter(territory, from, to)).await?;
        Ok(CsvFile::Csv(PlainText(csv), "attachment; filename=\"field-sessions.csv\"".into()))
    }
}
