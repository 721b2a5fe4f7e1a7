//! HTTP endpoints of cohorts.

use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, OpenApi, Tags};
use sanad_platform::Result;
use sanad_platform::auth::caller;
use uuid::Uuid;

use super::model::*;
use crate::service::Progress;

#[derive(Tags)]
enum ApiTags {
    /// Cohorts and their trainers' dashboards.
    Cohorts,
}

/// `201` with the new cohort.
#[derive(ApiResponse)]
pub enum CohortCreated {
    /// The cohort.
    #[oai(status = 201)]
    Created(Json<CohortView>),
}

/// A CSV download.
#[derive(ApiResponse)]
pub enum CsvFile {
    /// UTF-8 CSV, one row per member.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Csv(PlainText<String>, #[oai(header = "Content-Disposition")] String),
}

/// The cohorts API.
#[derive(Clone, Debug)]
pub struct CohortApi {
    progress: Progress,
}

impl CohortApi {
    /// The API over `progress`.
    pub fn new(progress: Progress) -> Self {
        Self { progress }
    }
}

#[OpenApi(prefix_path = "/api/v1")]
impl CohortApi {
    /// Create a cohort on a published course: trainers and admins.
    #[oai(path = "/cohorts", method = "post", tag = "ApiTags::Cohorts")]
    async fn create(&self, req: &Request, body: Json<NewCohort>) -> Result<CohortCreated> {
        let who = caller(req).await?;
        Ok(CohortCreated::Created(Json(self.progress.create_cohort(&who, body.0).await?)))
    }

    /// The cohorts the caller runs (an admin sees all), newest first.
    #[oai(path = "/cohorts", method = "get", tag = "ApiTags::Cohorts")]
    async fn list(&self, req: &Request, cursor: Query<Option<String>>, limit: Query<Option<u32>>) -> Result<Json<CohortPage>> {
        let who = caller(req).await?;
        Ok(Json(self.progress.cohorts(&who, cursor.0.as_deref(), limit.0).await?))
    }

    /// Add members by email; addresses with no account are invited by mail.
    #[oai(path = "/cohorts/:id/members", method = "post", tag = "ApiTags::Cohorts")]
    async fn add_members(&self, req: &Request, id: Path<Uuid>, body: Json<MemberEmails>) -> Result<Json<MembersAdded>> {
        let who = caller(req).await?;
        Ok(Json(self.progress.add_members(&who, id.0, body.0).await?))
    }

    /// The dashboard: members' progress, best scores, last activity, per-question success rates.
    #[oai(path = "/cohorts/:id/progress", method = "get", tag = "ApiTags::Cohorts")]
    async fn progress(&self, req: &Request, id: Path<Uuid>, inactive_days: Query<Option<u32>>) -> Result<Json<CohortProgress>> {
        let who = caller(req).await?;
        Ok(Json(self.progress.cohort_progress(&who, id.0, inactive_days.0).await?))
    }

    /// The dashboard as CSV.
    #[oai(path = "/cohorts/:id/progress.csv", method = "get", tag = "ApiTags::Cohorts")]
    async fn progress_csv(&self, req: &Request, id: Path<Uuid>, inactive_days: Query<Option<u32>>) -> Result<CsvFile> {
        let who = caller(req).await?;
        let csv = self.progress.cohort_progress_csv(&who, id.0, inactive_days.0).await?;
        Ok(CsvFile::Csv(PlainText(csv), format!("attachment; filename=\"cohort-{}.csv\"", id.0)))
    }

    /// Mail the members idle for `inactive_days` (at most once a day each).
    #[oai(path = "/cohorts/:id/reminders", method = "post", tag = "ApiTags::Cohorts")]
    async fn remind(&self, req: &Request, id: Path<Uuid>, body: Json<IdleReminder>) -> Result<Json<RemindersSent>> {
        let who = caller(req).await?;
        Ok(Json(self.progress.remind_idle(&who, id.0, body.0).await?))
    }
}
