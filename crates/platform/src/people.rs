//! Looking people up across crates without reading another crate's tables:
//! the accounts crate implements [`PeopleDirectory`], and crates that need to
//! name a colleague (course co-authors, cohort members) take it as a dependency.

use async_trait::async_trait;
use uuid::Uuid;

use crate::error::Result;

/// Finds accounts by what people type.
#[async_trait]
pub trait PeopleDirectory: Send + Sync {
    /// The enabled account with this email address, if any.
    async fn find_by_email(&self, email: &str) -> Result<Option<Uuid>>;
    /// The name the account goes by, if it exists.
    async fn display_name(&self, id: Uuid) -> Result<Option<String>>;
}
