//! The lessons of published courses, searchable beside the resources. The
//! library does not depend on the courses crate: the server gives it a
//! [`LessonSource`] that reads published versions (drafts never reach it).

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A lesson of a course's published version in one language, as search shows
/// it: a lesson written in several languages is one of these per language.
#[derive(Clone, Debug)]
pub struct PublishedLesson {
    pub id: Uuid,
    pub course_slug: String,
    pub course_title: String,
    /// Its title in each language it has, this one's language first.
    pub titles: Vec<String>,
    /// The language of the lesson's text.
    pub language: String,
    /// The lesson's text, without Markdown markup.
    pub text: String,
    pub published_at: DateTime<Utc>,
}

/// Where the published lessons come from.
#[async_trait::async_trait]
pub trait LessonSource: Send + Sync {
    /// Every published course: its id and published version.
    async fn published_versions(&self) -> anyhow::Result<Vec<(Uuid, i64)>>;
    /// The lessons of version `version` of course `course`.
    async fn lessons(&self, course: Uuid, version: i64) -> anyhow::Result<Vec<PublishedLesson>>;
}
