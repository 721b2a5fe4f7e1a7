//! Naming library resources from other crates without reading the library's
//! tables: the library implements [`ResourceTitles`]; field sessions use it.

use async_trait::async_trait;
use std::collections::HashMap;
use uuid::Uuid;

use crate::error::Result;

/// Titles of published resources.
#[async_trait]
pub trait ResourceTitles: Send + Sync {
    /// The title of each resource among `ids` that exists and is published (others are left out).
    async fn titles(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, String>>;
}
