//! The library's records and the API's request and response objects.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::Object;
use sanad_platform::Text;
use sanad_platform::vocabulary::{Audience, Language, ResourceType, Territory, Theme};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A link of a resource (a video, a printable version...).
#[derive(Clone, Debug, PartialEq, Eq, Object, Serialize, Deserialize)]
pub struct ResourceLink {
    pub label: String,
    pub url: String,
}

/// The metadata of a resource, as sent in the `metadata` part of an upload
/// (JSON) or in `PATCH`. Vocabulary values stay strings here so that the
/// service's check names each offending field (`audience[2]`), rather than
/// the JSON parser refusing the whole part at the first unknown value.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceMetadata {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub audience: Vec<String>,
    pub language: String,
    #[serde(default)]
    pub territory: Option<String>,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub links: Vec<ResourceLink>,
    /// ISO date by which the resource should be reviewed.
    #[serde(default)]
    pub review_by: Option<NaiveDate>,
    /// Whether the resource is listed and searchable. Absent: published when
    /// uploaded, unchanged by an update ([`ResourceMetadata::published_on_upload`]).
    #[serde(default)]
    pub published: Option<bool>,
}

impl ResourceMetadata {
    /// Whether a new resource is published: yes unless the upload says no.
    pub fn published_on_upload(&self) -> bool {
        self.published.unwrap_or(true)
    }
}

/// A stored resource.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResourceRecord {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub audience: String,
    pub language: String,
    pub territory: Option<String>,
    pub themes: String,
    pub tags: String,
    pub links: String,
    pub review_by: Option<DateTime<Utc>>,
    pub published: bool,
    pub deleted_at: Option<DateTime<Utc>>,
    pub view_count: i64,
    pub download_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Parses a JSON list column.
pub fn list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A stored file of a resource.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FileRecord {
    pub id: Uuid,
    pub resource_id: Uuid,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub sha256: String,
}

/// A file, as listed.
#[derive(Debug, Object)]
pub struct FileView {
    pub id: Uuid,
    pub name: String,
    pub size: i64,
    pub content_type: String,
}

/// Rating summary.
#[derive(Debug, Object)]
pub struct RatingSummary {
    #[oai(nullable)]
    pub average: Option<f64>,
    pub count: i64,
}

/// The caller's own rating.
#[derive(Debug, Object, sqlx::FromRow)]
pub struct MyRating {
    pub stars: i64,
    #[oai(nullable)]
    pub comment: Option<String>,
}

/// What kind of resource it is, for whom, in which language, where and on
/// what themes: the library's facets of one resource, flattened into its page
/// and its search hit (the same fields, at the same place, in both answers).
#[derive(Debug, Object, Serialize, Deserialize, Clone)]
pub struct Classification {
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: ResourceType,
    pub audience: Vec<Audience>,
    pub language: Language,
    #[oai(nullable)]
    pub territory: Option<Territory>,
    pub themes: Vec<Theme>,
}

/// `GET /library/resources/{id}`.
#[derive(Debug, Object)]
pub struct ResourceView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    #[oai(flatten)]
    pub classification: Classification,
    pub tags: Vec<String>,
    pub links: Vec<ResourceLink>,
    #[oai(nullable)]
    pub review_by: Option<NaiveDate>,
    /// True when the review date has passed.
    pub review_due: bool,
    pub published: bool,
    pub files: Vec<FileView>,
    pub rating: RatingSummary,
    #[oai(nullable)]
    pub my_rating: Option<MyRating>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A search hit.
#[derive(Debug, Object, Serialize, Deserialize, Clone)]
pub struct ResourceHit {
    pub id: Uuid,
    pub title: String,
    /// An extract with the matched words in `<mark>`; the start of the description otherwise.
    pub snippet_html: String,
    #[oai(flatten)]
    #[serde(flatten)]
    pub classification: Classification,
    pub file_count: u32,
}

/// Counts per value of each facet, given the other filters.
#[derive(Debug, Object, Default)]
pub struct Facets {
    #[oai(rename = "type")]
    pub kind: BTreeMap<String, u64>,
    pub audience: BTreeMap<String, u64>,
    pub language: BTreeMap<String, u64>,
    pub territory: BTreeMap<String, u64>,
    pub theme: BTreeMap<String, u64>,
}

/// `GET /library/resources`.
#[derive(Debug, Object)]
pub struct SearchPage {
    pub items: Vec<ResourceHit>,
    pub facets: Facets,
    /// How many resources match the query and the filters.
    pub total: u64,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `POST /library/resources/{id}/ratings`.
#[derive(Debug, Object)]
pub struct RatingRequest {
    /// 1 to 5.
    pub stars: i64,
    #[oai(nullable)]
    pub comment: Option<Text>,
}

/// A comment left with a rating (authors are not named in reports).
#[derive(Debug, Object, sqlx::FromRow)]
pub struct RatingComment {
    pub stars: i64,
    pub comment: String,
    pub updated_at: DateTime<Utc>,
}

/// `GET /library/resources/{id}/evaluation`: is this tool used, and does it help?
#[derive(Debug, Object)]
pub struct Evaluation {
    pub resource_id: Uuid,
    pub title: String,
    pub views: i64,
    pub downloads: i64,
    pub rating: RatingSummary,
    /// Number of ratings with 1, 2, 3, 4 and 5 stars.
    pub distribution: Vec<i64>,
    pub comments: Vec<RatingComment>,
}

/// A resource whose review date has passed.
#[derive(Debug, Object)]
pub struct ReviewDue {
    pub id: Uuid,
    pub title: String,
    #[oai(rename = "type")]
    pub kind: ResourceType,
    pub review_by: NaiveDate,
}

/// `GET /library/review-due`.
#[derive(Debug, Object)]
pub struct ReviewDueList {
    pub items: Vec<ReviewDue>,
    /// The next page's cursor; always `null` when the request asked for no page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `201` body of an upload.
#[derive(Debug, Object)]
pub struct Created {
    pub id: Uuid,
}

/// A hit of `GET /search`: a lesson of a published course or a library resource.
#[derive(Debug, Object, Serialize, Deserialize, Clone)]
pub struct SearchHit {
    /// `lesson` or `resource` (`post` once the forum is searchable).
    pub kind: String,
    /// The lesson's or resource's id.
    pub id: Uuid,
    pub title: String,
    /// An extract with the matched words in `<mark>`.
    pub snippet_html: String,
    /// The language of the text.
    pub language: String,
    /// For a lesson, its course.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_slug: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course_title: Option<String>,
}

/// `GET /search`: the best of lessons and resources, best first.
#[derive(Debug, Object)]
pub struct SearchAllPage {
    pub items: Vec<SearchHit>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}
