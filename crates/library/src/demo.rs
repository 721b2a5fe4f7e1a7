//! The demo library (`crates/library/demo/resources.toml`), embedded in the binary.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::model::{ResourceLink, ResourceMetadata};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    resources: Vec<DemoEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoEntry {
    key: String,
    title: String,
    description: String,
    #[serde(rename = "type")]
    kind: String,
    audience: Vec<String>,
    language: String,
    territory: Option<String>,
    themes: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    review_by: Option<NaiveDate>,
    #[serde(default)]
    published_year: Option<i32>,
    #[serde(default)]
    links: Vec<ResourceLink>,
    document: Option<DemoDocument>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoDocument {
    pages: Vec<String>,
}

/// A demo resource: metadata, and the pages of its PDF when it has one.
#[derive(Debug)]
pub struct DemoResource {
    pub key: String,
    pub metadata: ResourceMetadata,
    pub pages: Option<Vec<String>>,
}

/// The demo resources.
pub fn resources() -> Result<Vec<DemoResource>, toml::de::Error> {
    let file: DemoFile = toml::from_str(include_str!("../demo/resources.toml"))?;
    Ok(file
        .resources
        .into_iter()
        .map(|e| {
            let _ = e.published_year;
            DemoResource {
                key: e.key,
                metadata: ResourceMetadata {
                    title: e.title,
                    description: e.description,
                    kind: e.kind,
                    audience: e.audience,
                    language: e.language,
                    territory: e.territory,
                    themes: e.themes,
                    tags: e.tags,
                    links: e.links,
                    review_by: e.review_by,
                    published: Some(true),
                },
                pages: e.document.map(|d| d.pages),
            }
        })
        .collect())
}
