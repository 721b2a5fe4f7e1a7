//! The API objects of progress.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

/// A learner's enrolment in a course.
#[derive(Clone, Debug, Object)]
pub struct Enrolment {
    pub course_slug: String,
    pub enrolled_at: DateTime<Utc>,
}

/// How far a learner is in a course's current version: shared by "my
/// learning" and the course page (flattened into both answers).
#[derive(Clone, Debug, Object)]
pub struct Standing {
    pub completed_items: u32,
    pub total_items: u32,
    /// 0 to 100, rounded down (100 only when every item is done).
    pub percent: u32,
    /// The first item not finished in a module that is open; null when all are done.
    #[oai(nullable)]
    pub resume_item_id: Option<Uuid>,
    /// `lesson`, `quiz` or `case_study`: which page opens the resume item.
    #[oai(nullable)]
    pub resume_item_kind: Option<String>,
    /// When every item of the current version was done; null while some are open.
    #[oai(nullable)]
    pub completed_at: Option<DateTime<Utc>>,
    /// The attestation earned in this course, if any (it stays valid when new items are added).
    #[oai(nullable)]
    pub certificate_code: Option<String>,
}

/// Where a learner stands in one course, for "my learning".
#[derive(Clone, Debug, Object)]
pub struct CourseProgressSummary {
    pub course_slug: String,
    /// In the language asked for, else French.
    pub course_title: String,
    pub last_activity_at: DateTime<Utc>,
    #[oai(flatten)]
    pub standing: Standing,
}

/// The courses a learner follows.
#[derive(Clone, Debug, Object)]
pub struct MyProgress {
    pub items: Vec<CourseProgressSummary>,
    /// Always null: a learner's courses come in one page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// A module the caller cannot open yet.
#[derive(Clone, Debug, Object)]
pub struct LockedModuleView {
    pub module_id: Uuid,
    /// The module to finish first.
    pub requires_module_id: Uuid,
    /// Its title, in the language asked for.
    pub requires_module_title: String,
}

/// The caller's progress in one course.
#[derive(Clone, Debug, Object)]
pub struct CourseProgress {
    pub course_slug: String,
    pub enrolled: bool,
    pub completed_item_ids: Vec<Uuid>,
    pub locked_module_ids: Vec<Uuid>,
    /// Why each locked module is locked.
    pub locked_modules: Vec<LockedModuleView>,
    #[oai(flatten)]
    pub standing: Standing,
}

/// An attestation the caller holds.
#[derive(Clone, Debug, Object)]
pub struct CertificateSummary {
    pub code: String,
    pub course_slug: String,
    pub course_title: String,
    pub issued_at: DateTime<Utc>,
}

/// The caller's attestations.
#[derive(Clone, Debug, Object)]
pub struct CertificateList {
    pub items: Vec<CertificateSummary>,
    /// Always null: one page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// What anyone may check about an attestation.
#[derive(Clone, Debug, Object)]
pub struct CertificateCheck {
    pub code: String,
    pub holder_name: String,
    /// In the language asked for, else French.
    pub course_title: String,
    pub course_title_fr: String,
    #[oai(nullable)]
    pub course_title_ar: Option<String>,
    pub course_slug: String,
    /// Whole hours of training (0: less than an hour).
    pub hours: u32,
    pub issued_at: DateTime<Utc>,
    /// False once revoked.
    pub valid: bool,
}

/// What a device sends with a lesson completion it queued offline.
#[derive(Clone, Debug, Default, Object)]
pub struct CompletionReceipt {
    /// Chosen by the device (a random UUID) when the learner finished the
    /// lesson, and the same at every sending: a key already used records
    /// nothing and is answered 204 again. Required with `completed_at`; an
    /// empty object is the same as no body.
    #[oai(nullable)]
    pub idempotency_key: Option<Uuid>,
    /// When the learner finished the lesson (RFC 3339); now when absent.
    /// Refused (422 `out_of_range`) more than 5 minutes ahead of the
    /// server's clock or more than 30 days ago.
    #[oai(nullable)]
    pub completed_at: Option<DateTime<Utc>>,
}
