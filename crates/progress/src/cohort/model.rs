//! The API objects of cohorts.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use sanad_platform::Text;
use uuid::Uuid;

/// `POST /cohorts`.
#[derive(Clone, Debug, Object)]
pub struct NewCohort {
    pub course_slug: Text,
    pub title: Text,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// A cohort.
#[derive(Clone, Debug, Object)]
pub struct CohortView {
    pub id: Uuid,
    pub course_slug: String,
    pub course_title: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub trainer_id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// One page of cohorts.
#[derive(Clone, Debug, Object)]
pub struct CohortPage {
    pub items: Vec<CohortView>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `POST /cohorts/{id}/members`.
#[derive(Clone, Debug, Object)]
pub struct MemberEmails {
    /// Up to 500 addresses.
    pub emails: Vec<String>,
}

/// An address that could not be added, and why.
#[derive(Clone, Debug, Object)]
pub struct RejectedEmail {
    pub email: String,
    /// `invalid_email`, `duplicate` or `disabled_account`.
    pub reason: String,
}

/// What became of each address.
#[derive(Clone, Debug, Object)]
pub struct MembersAdded {
    /// Accounts that are members now (or were already).
    pub added: Vec<String>,
    /// Addresses with no account: an invitation was mailed; registering with it joins the cohort.
    pub invited: Vec<String>,
    pub rejected: Vec<RejectedEmail>,
}

/// A quiz's best score.
#[derive(Clone, Debug, Object)]
pub struct QuizScore {
    pub quiz_id: Uuid,
    pub quiz_title: String,
    pub best_score: u32,
    pub max_score: u32,
    pub attempts: u32,
}

/// One member's progress.
#[derive(Clone, Debug, Object)]
pub struct MemberProgress {
    pub user_id: Uuid,
    pub display_name: String,
    pub completed_items: u32,
    pub total_items: u32,
    pub percent: u32,
    /// Null when the member has done nothing in the course yet.
    #[oai(nullable)]
    pub last_activity_at: Option<DateTime<Utc>>,
    pub best_quiz_scores: Vec<QuizScore>,
    #[oai(nullable)]
    pub idle_reminded_at: Option<DateTime<Utc>>,
}

/// How a question went for the cohort.
#[derive(Clone, Debug, Object)]
pub struct QuestionRate {
    pub quiz_id: Uuid,
    pub question_id: Uuid,
    pub attempts: u32,
    /// From 0 to 1.
    pub success_rate: f64,
}

/// A cohort's dashboard.
#[derive(Clone, Debug, Object)]
pub struct CohortProgress {
    pub cohort: CohortView,
    pub members: Vec<MemberProgress>,
    /// Addresses invited that have not joined yet.
    pub pending_invitations: Vec<String>,
    pub questions: Vec<QuestionRate>,
}

/// `POST /cohorts/{id}/reminders`.
#[derive(Clone, Debug, Object)]
pub struct IdleReminder {
    /// Members idle for at least this many days are reminded (1 to 365).
    pub inactive_days: u32,
}

/// How many reminders were queued.
#[derive(Clone, Debug, Object)]
pub struct RemindersSent {
    pub reminded: u32,
    /// Idle members already reminded in the last 24 hours.
    pub skipped: u32,
}
