//! What other crates may know of the library's resources: their titles, by id
//! (field sessions name the resources they used), without reading its tables.

use async_trait::async_trait;
use sanad_platform::Result;
use sanad_platform::resources::ResourceTitles;
use std::collections::HashMap;
use uuid::Uuid;

use crate::service::Library;
use crate::store;

#[async_trait]
impl ResourceTitles for Library {
    async fn titles(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, String>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(store::published_titles(&self.db, ids).await?.into_iter().collect())
    }
}
