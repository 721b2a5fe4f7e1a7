//! The account types and the API's request and response objects.

use chrono::{DateTime, Utc};
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{Enum, Object};
use sanad_platform::{Change, Role, Text};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The languages of the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum, Serialize, Deserialize, Default)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// French, the default.
    #[default]
    Fr,
    /// Arabic (right to left).
    Ar,
    /// English.
    En,
}

impl Locale {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::Ar => "ar",
            Locale::En => "en",
        }
    }

    /// Parses a stored code; French for anything else.
    pub fn parse(s: &str) -> Self {
        match s {
            "ar" => Locale::Ar,
            "en" => Locale::En,
            _ => Locale::Fr,
        }
    }

    /// The language an `Accept-Language` header prefers, negotiated as
    /// everywhere else ([`sanad_platform::language::from_accept_language`]).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        sanad_platform::language::from_accept_language(header).map(Locale::parse)
    }
}

/// A stored account.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRecord {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: String,
    pub locale: String,
    pub organization: Option<String>,
    pub organization_kind: Option<String>,
    pub territory: Option<String>,
    pub profession: Option<String>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl UserRecord {
    /// The roles column, parsed (always including learner).
    pub fn role_list(&self) -> Vec<Role> {
        parse_roles(&self.roles)
    }
}

/// Parses the space-separated roles column.
pub fn parse_roles(s: &str) -> Vec<Role> {
    let mut roles: Vec<Role> = s.split_whitespace().filter_map(Role::parse).collect();
    if !roles.contains(&Role::Learner) {
        roles.push(Role::Learner);
    }
    roles.sort();
    roles.dedup();
    roles
}

/// Formats roles for the roles column.
pub fn format_roles(roles: &[Role]) -> String {
    let mut roles = roles.to_vec();
    roles.push(Role::Learner);
    roles.sort();
    roles.dedup();
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ")
}

/// `POST /auth/register`.
#[derive(Debug, Object)]
pub struct RegisterRequest {
    /// Email address; used to sign in and to receive links.
    pub email: Text,
    /// At least 10 characters.
    pub password: Text,
    /// The name other members see.
    pub display_name: Text,
    /// Preferred language (default fr).
    #[oai(nullable)]
    pub locale: Option<Locale>,
}

/// `POST /auth/login`.
#[derive(Debug, Object)]
pub struct LoginRequest {
    /// Email address.
    pub email: Text,
    /// Password.
    pub password: Text,
}

/// The signed-in account, as the SPA sees it.
#[derive(Clone, Debug, Object)]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// Always includes `learner`.
    pub roles: Vec<Role>,
    pub locale: Locale,
    /// Name of the organisation the person works for.
    #[oai(nullable)]
    pub organization: Option<String>,
    /// `association` or `institution`.
    #[oai(nullable)]
    pub organization_kind: Option<String>,
    /// Territory code (see `GET /reference/territories`).
    #[oai(nullable)]
    pub territory: Option<String>,
    #[oai(nullable)]
    pub profession: Option<String>,
    pub email_verified: bool,
    /// Echo in `X-CSRF-Token` on unsafe requests made with the session cookie;
    /// null when authenticated with an API token.
    #[oai(nullable)]
    pub csrf_token: Option<String>,
}

/// Answer to register and login: the account and the CSRF token of the new session.
#[derive(Debug, Object)]
pub struct SessionStarted {
    pub user: Me,
    pub csrf_token: String,
}

/// `PATCH /me`: only the fields present change; `null` clears an optional field.
#[derive(Debug, Object)]
pub struct ProfileUpdate {
    #[oai(nullable)]
    pub display_name: Option<Text>,
    #[oai(nullable)]
    pub locale: Option<Locale>,
    #[oai(nullable)]
    pub organization: MaybeUndefined<Text>,
    /// `association` or `institution`.
    #[oai(nullable)]
    pub organization_kind: MaybeUndefined<Text>,
    /// A territory code or name (e.g. `sale` or `Salé`).
    #[oai(nullable)]
    pub territory: MaybeUndefined<Text>,
    #[oai(nullable)]
    pub profession: MaybeUndefined<Text>,
}

/// `POST /auth/password-reset`.
#[derive(Debug, Object)]
pub struct PasswordResetRequest {
    pub email: Text,
}

/// `POST /auth/password-reset/confirm`.
#[derive(Debug, Object)]
pub struct PasswordResetConfirm {
    /// The token from the emailed link.
    pub token: Text,
    /// At least 10 characters.
    pub new_password: Text,
}

/// `POST /auth/verify-email`.
#[derive(Debug, Object)]
pub struct VerifyEmailRequest {
    /// The token from the emailed link.
    pub token: Text,
}

/// `POST /me/password`.
#[derive(Debug, Object)]
pub struct PasswordChange {
    pub current_password: Text,
    /// At least 10 characters.
    pub new_password: Text,
}

/// Answer to `POST /me/password`: what the change ended besides the old password.
#[derive(Debug, Object)]
pub struct PasswordChanged {
    /// Sessions on other devices that were signed out (this one stays).
    pub other_sessions_ended: u64,
    /// API tokens revoked: scripts need a new token.
    pub api_tokens_revoked: u64,
}

/// `POST /me/tokens`.
#[derive(Debug, Object)]
pub struct TokenRequest {
    /// What the token is for, e.g. "export script".
    pub name: Text,
}

/// A newly created API token: the secret is shown this once.
#[derive(Debug, Object)]
pub struct TokenCreated {
    pub id: Uuid,
    pub name: String,
    /// Send as `Authorization: Bearer <token>`. Not retrievable later.
    pub token: String,
    pub created_at: DateTime<Utc>,
}

/// An API token as listed (without its secret).
#[derive(Debug, Object, sqlx::FromRow)]
pub struct TokenSummary {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    #[oai(nullable)]
    pub last_used_at: Option<DateTime<Utc>>,
}

/// `GET /me/tokens`: newest first; every token unless `limit` or `cursor` asks for a page.
#[derive(Debug, Object)]
pub struct TokenList {
    pub items: Vec<TokenSummary>,
    /// Pass as `?cursor=` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// An account as administrators see it.
#[derive(Debug, Object)]
pub struct AdminUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub email_verified: bool,
    #[oai(nullable)]
    pub organization: Option<String>,
    #[oai(nullable)]
    pub territory: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<UserRecord> for AdminUser {
    fn from(u: UserRecord) -> Self {
        AdminUser {
            roles: u.role_list(),
            disabled: u.disabled_at.is_some(),
            email_verified: u.email_verified_at.is_some(),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            organization: u.organization,
            territory: u.territory,
            created_at: u.created_at,
        }
    }
}

/// `GET /session`: who is signed in on this device.
#[derive(Debug, Object)]
pub struct SessionState {
    /// The signed-in account, or null for a visitor.
    #[oai(nullable)]
    pub user: Option<Me>,
}

/// Which accounts the administrators' list shows, by their state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Not disabled.
    Active,
    /// Disabled by an administrator.
    Disabled,
    /// The e-mail address is not confirmed yet.
    Unverified,
}

impl AccountStatus {
    /// The word the store filters on.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::Unverified => "unverified",
        }
    }
}

/// What the administrators' list of accounts is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct AccountFilter {
    /// Words of the name or e-mail address.
    pub q: Option<String>,
    /// Accounts holding this role.
    pub role: Option<Role>,
    /// Accounts in this state.
    pub status: Option<AccountStatus>,
}

/// `GET /admin/users`: newest first.
#[derive(Debug, Object)]
pub struct AdminUserPage {
    pub items: Vec<AdminUser>,
    /// Pass as `?cursor=` for the next page; null on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `PATCH /admin/users/{id}`.
#[derive(Debug, Object)]
pub struct AdminUserUpdate {
    /// The complete set of roles (learner is always kept).
    #[oai(nullable)]
    pub roles: Option<Vec<Role>>,
    /// Disabling ends every session of the account and refuses its API tokens.
    #[oai(nullable)]
    pub disabled: Option<bool>,
}

/// A registration as the service takes it (parsed from [`RegisterRequest`]).
#[derive(Debug)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
    /// `None` for the default language.
    pub locale: Option<Locale>,
}

/// An email and password to sign in with (parsed from [`LoginRequest`]).
#[derive(Debug)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// A change of profile (parsed from [`ProfileUpdate`]): `None` and
/// [`Change::Keep`] leave a field as it is.
#[derive(Debug, Default)]
pub struct ProfileChange {
    pub display_name: Option<String>,
    pub locale: Option<Locale>,
    pub organization: Change<String>,
    /// A kind's code or name.
    pub organization_kind: Change<String>,
    /// A territory's code or name.
    pub territory: Change<String>,
    pub profession: Change<String>,
}

/// A new password and the token of the reset link that allows it (parsed from [`PasswordResetConfirm`]).
#[derive(Debug)]
pub struct PasswordResetByLink {
    pub token: String,
    pub new_password: String,
}

/// A new password and the current one that allows it (parsed from [`PasswordChange`]).
#[derive(Debug)]
pub struct PasswordReplacement {
    pub current_password: String,
    pub new_password: String,
}

/// What an administrator changes on an account (parsed from [`AdminUserUpdate`]); `None` keeps.
#[derive(Debug, Default)]
pub struct AccountChange {
    /// The complete set of roles (learner is always kept).
    pub roles: Option<Vec<Role>>,
    pub disabled: Option<bool>,
}

/// A territory or organisation kind, named in the requested language.
#[derive(Debug, Object, Clone)]
pub struct ReferenceItem {
    pub code: String,
    pub name: String,
}

/// Reference data list.
#[derive(Debug, Object)]
pub struct ReferenceList {
    pub items: Vec<ReferenceItem>,
    /// The language the names are in.
    pub language: Locale,
}

/// A row of reference data in the three languages.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferenceRecord {
    pub code: String,
    pub name_fr: String,
    pub name_ar: String,
    pub name_en: String,
}

impl ReferenceRecord {
    /// The name in `locale`.
    pub fn name(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.name_fr,
            Locale::Ar => &self.name_ar,
            Locale::En => &self.name_en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_always_include_learner() {
        assert_eq!(parse_roles(""), vec![Role::Learner]);
        assert_eq!(parse_roles("admin bogus"), vec![Role::Learner, Role::Admin]);
        assert_eq!(format_roles(&[Role::Trainer, Role::Trainer]), "learner trainer");
    }

    #[test]
    fn accept_language_picks_the_first_known() {
        assert_eq!(Locale::from_accept_language("de-DE, ar-MA;q=0.8, fr;q=0.5"), Some(Locale::Ar));
        assert_eq!(Locale::from_accept_language("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("de"), None);
    }
}
