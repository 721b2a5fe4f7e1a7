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
    /// The accounts among `ids` (missing ones are left out), with what it
    /// takes to name and write to them.
    async fn people(&self, ids: &[Uuid]) -> Result<Vec<Person>>;
    /// When the account `id` was created (`None` when unknown): the forum's
    /// rate limits are stricter for new accounts. Directories that cannot
    /// tell answer `None`, which counts as new.
    async fn joined(&self, id: Uuid) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let _ = id;
        Ok(None)
    }
}

/// Told when an account confirms its email address, in the same transaction:
/// what waited for that address (a cohort invitation) may now reach the
/// account. Implemented by progress; accounts calls it.
#[async_trait]
pub trait AddressConfirmations: Send + Sync {
    /// `user` has just proved they read mail at `email`.
    async fn confirmed(&self, tx: &mut crate::db::Tx, user: Uuid, email: &str) -> Result<()>;
}

/// An account as other crates may see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: Uuid,
    pub display_name: String,
    pub email: String,
    /// `fr`, `ar` or `en`: the language of mail to them.
    pub locale: String,
    /// False for a disabled account (no mail is sent to it).
    pub enabled: bool,
}
