//! Who is calling: the authenticated caller and the roles it holds.
//!
//! The accounts crate knows how to turn a cookie or a bearer token into a
//! [`Caller`]; it is installed as request data by the server so that every
//! domain crate can ask for the caller without depending on accounts.

use async_trait::async_trait;
use poem::Request;
use poem_openapi::Enum;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;

use crate::error::{Error, Reason, ReasonCode, Result};

/// What a person may do on the platform. Everyone is a learner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Enum, Serialize, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Follows courses, reads the library, takes part in the forum.
    Learner,
    /// Writes courses and resources, follows cohorts.
    Trainer,
    /// Reviews held and flagged forum posts.
    Moderator,
    /// Manages accounts and roles.
    Admin,
}

impl Role {
    /// All roles, in order of increasing power.
    pub const ALL: [Role; 4] = [Role::Learner, Role::Trainer, Role::Moderator, Role::Admin];

    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Trainer => "trainer",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored or typed role name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Who writes content: courses, library resources, directory entries.
    pub const AUTHORS: [Role; 2] = [Role::Trainer, Role::Admin];
}

/// How the caller proved who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// The SPA's session cookie (CSRF-checked on unsafe methods).
    Session,
    /// A personal API token sent as `Authorization: Bearer`.
    ApiToken,
}

/// An authenticated, enabled account.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The account's id.
    pub user_id: Uuid,
    /// Its roles (always including learner).
    pub roles: Vec<Role>,
    /// The account's preferred language (`fr`, `ar`, `en`).
    pub locale: String,
    /// How it authenticated.
    pub credential: Credential,
    /// For session callers: which session, so logout can end it and `/me`
    /// can hand the SPA its CSRF token again.
    pub session: Option<SessionRef>,
}

/// The session a cookie-authenticated caller is using.
#[derive(Clone, Debug)]
pub struct SessionRef {
    /// SHA-256 of the session id (the id itself is never stored).
    pub id_hash: String,
    /// The token unsafe requests of this session must echo in `X-CSRF-Token`.
    pub csrf_token: String,
}

impl Caller {
    /// Whether the caller holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the caller holds at least one of `roles`.
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    /// Whether the caller writes content ([`Role::AUTHORS`]: trainers and admins).
    pub fn can_author(&self) -> bool {
        self.has_any(&Role::AUTHORS)
    }

    /// Refuses with 403 unless the caller holds `role`.
    pub fn require(&self, role: Role) -> Result<()> {
        self.require_any(&[role])
    }

    /// Refuses with 403 unless the caller holds one of `roles`; the reason
    /// names them (`role_required`, `roles`: `trainer, admin`). A request without
    /// credentials never gets here: [`caller`] answers it with 401.
    pub fn require_any(&self, roles: &[Role]) -> Result<()> {
        if self.has_any(roles) {
            return Ok(());
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(Error::Forbidden(Reason::from(ReasonCode::RoleRequired).with("roles", names.join(", "))))
    }

    /// Refuses with 403 unless the caller writes content ([`Caller::can_author`]).
    pub fn require_author(&self) -> Result<()> {
        self.require_any(&Role::AUTHORS)
    }
}

/// Turns a request's credentials into a caller; implemented by the accounts crate.
#[async_trait]
pub trait Authenticator: Send + Sync {
    /// `Ok(None)` when the request carries no credentials; an error when they
    /// are invalid, expired, or a cookie-authenticated unsafe request lacks its
    /// CSRF token.
    async fn authenticate(&self, req: &Request) -> Result<Option<Caller>>;
}

/// The authenticator installed as request data by the server.
pub type SharedAuthenticator = Arc<dyn Authenticator>;

/// The caller of this request, if it carries credentials.
pub async fn optional_caller(req: &Request) -> Result<Option<Caller>> {
    let auth = req.data::<SharedAuthenticator>().ok_or_else(|| Error::Internal(anyhow::anyhow!("no authenticator installed")))?;
    auth.authenticate(req).await
}

/// The caller of this request; 401 when it carries no credentials.
pub async fn caller(req: &Request) -> Result<Caller> {
    optional_caller(req).await?.ok_or(Error::Unauthenticated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(roles: &[Role]) -> Caller {
        Caller { user_id: Uuid::nil(), roles: roles.to_vec(), locale: "fr".into(), credential: Credential::Session, session: None }
    }

    #[test]
    fn authors_are_trainers_and_admins() {
        assert!(with(&[Role::Learner, Role::Trainer]).can_author());
        assert!(with(&[Role::Learner, Role::Admin]).can_author());
        assert!(!with(&[Role::Learner, Role::Moderator]).can_author());
        assert!(with(&[Role::Admin]).require_author().is_ok());
    }

    #[test]
    fn a_missing_role_is_a_403_naming_the_roles() {
        match with(&[Role::Learner]).require_any(&Role::AUTHORS) {
            Err(Error::Forbidden(reason)) => assert_eq!(reason.english(), "requires one of these roles: trainer, admin"),
            other => panic!("expected 403, got {other:?}"),
        }
        match with(&[Role::Trainer]).require(Role::Admin) {
            Err(Error::Forbidden(reason)) => assert_eq!(reason.params["roles"], "admin"),
            other => panic!("expected 403, got {other:?}"),
        }
    }
}
