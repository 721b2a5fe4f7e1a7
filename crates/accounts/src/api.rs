//! HTTP endpoints of accounts: parse, authorise, call the service, map errors.

use poem::Request;
use poem::web::cookie::{Cookie, CookieJar, SameSite};
use poem_openapi::param::{Header, Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi, Tags};
use sanad_platform::auth::{caller, optional_caller};
use sanad_platform::client::ClientAddress;
use sanad_platform::responses::{Accepted, NoContent};
use sanad_platform::{Error, Result, Role};
use uuid::Uuid;

use crate::model::*;
use crate::service::{Accounts, NewSession, SESSION_IDLE};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "sanad_session";

#[derive(Tags)]
enum ApiTags {
    /// Registration, sign-in, email verification and password reset.
    Auth,
    /// The signed-in person's own account and API tokens.
    Me,
    /// Account administration.
    Admin,
    /// Territories and organisation kinds.
    Reference,
}

/// `201` with the new session.
#[derive(ApiResponse)]
pub enum Registered {
    /// Account created and signed in; the session cookie is set.
    #[oai(status = 201)]
    Created(Json<SessionStarted>),
}

/// `201` with a new API token.
#[derive(ApiResponse)]
pub enum TokenIssued {
    /// The token, shown this once.
    #[oai(status = 201)]
    Created(Json<TokenCreated>),
}

/// The accounts endpoints.
#[derive(Clone, Debug)]
pub struct AccountsApi {
    accounts: Accounts,
    secure_cookies: bool,
}

impl AccountsApi {
    /// Endpoints over `accounts`; cookies get `Secure` when `secure_cookies`.
    pub fn new(accounts: Accounts, secure_cookies: bool) -> Self {
        Self { accounts, secure_cookies }
    }

    fn set_session_cookie(&self, jar: &CookieJar, session: &NewSession) {
        let mut cookie = Cookie::new_with_str(SESSION_COOKIE, &session.id);
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure_cookies);
        cookie.set_path("/");
        cookie.set_max_age(std::time::Duration::from_secs(SESSION_IDLE.num_seconds() as u64));
        jar.add(cookie);
    }
}

/// The client's address as the outermost middleware resolved it (through trusted proxies).
fn client_address(req: &Request) -> Option<String> {
    req.extensions().get::<ClientAddress>().map(|a| a.0.to_string())
}

fn locale_of(lang: Option<Locale>, accept_language: Option<&str>) -> Locale {
    lang.or_else(|| accept_language.and_then(Locale::from_accept_language)).unwrap_or_default()
}

// Requests become the service's plain inputs here, at the edge.

impl From<RegisterRequest> for Registration {
    fn from(r: RegisterRequest) -> Self {
        Self { email: r.email.into(), password: r.password.into(), display_name: r.display_name.into(), locale: r.locale }
    }
}

impl From<LoginRequest> for Credentials {
    fn from(r: LoginRequest) -> Self {
        Self { email: r.email.into(), password: r.password.into() }
    }
}

impl From<ProfileUpdate> for ProfileChange {
    fn from(r: ProfileUpdate) -> Self {
        Self {
            display_name: r.display_name.map(String::from),
            locale: r.locale,
            organization: r.organization.into(),
            organization_kind: r.organization_kind.into(),
            territory: r.territory.into(),
            profession: r.profession.into(),
        }
    }
}

impl From<PasswordResetConfirm> for PasswordResetByLink {
    fn from(r: PasswordResetConfirm) -> Self {
        Self { token: r.token.into(), new_password: r.new_password.into() }
    }
}

impl From<PasswordChange> for PasswordReplacement {
    fn from(r: PasswordChange) -> Self {
        Self { current_password: r.current_password.into(), new_password: r.new_password.into() }
    }
}

impl From<AdminUserUpdate> for AccountChange {
    fn from(r: AdminUserUpdate) -> Self {
        Self { roles: r.roles, disabled: r.disabled }
    }
}

#[OpenApi(prefix_path = "/api/v1")]
impl AccountsApi {
    /// Create an account (learner) and sign in.
    ///
    /// An email that already has an account is answered 409 and its owner is
    /// mailed that someone tried. Throttled per client address (429 with Retry-After).
    #[oai(path = "/auth/register", method = "post", tag = "ApiTags::Auth")]
    async fn register(&self, req: &Request, jar: &CookieJar, body: Json<RegisterRequest>) -> Result<Registered> {
        let session = self.accounts.register(body.0.into(), client_address(req)).await?;
        self.set_session_cookie(jar, &session);
        Ok(Registered::Created(Json(SessionStarted { csrf_token: session.csrf_token, user: session.user })))
    }

    /// Sign in; throttled per account and per client address (429 with Retry-After).
    ///
    /// Failures are counted per account from one address (5 in 15 minutes), per
    /// account from all addresses (50) and per address (30).
    #[oai(path = "/auth/login", method = "post", tag = "ApiTags::Auth")]
    async fn login(&self, req: &Request, jar: &CookieJar, body: Json<LoginRequest>) -> Result<Json<SessionStarted>> {
        let session = self.accounts.login(body.0.into(), client_address(req)).await?;
        self.set_session_cookie(jar, &session);
        Ok(Json(SessionStarted { csrf_token: session.csrf_token, user: session.user }))
    }

    /// Sign out: ends this session and clears the cookie.
    #[oai(path = "/auth/logout", method = "post", tag = "ApiTags::Auth")]
    async fn logout(&self, req: &Request, jar: &CookieJar) -> Result<NoContent> {
        if let Some(caller) = optional_caller(req).await? {
            self.accounts.logout(&caller).await?;
        }
        let mut gone = Cookie::new_with_str(SESSION_COOKIE, "");
        gone.set_path("/");
        gone.set_http_only(true);
        gone.set_max_age(std::time::Duration::ZERO);
        jar.add(gone);
        Ok(NoContent::Done)
    }

    /// Ask for a password reset link. Always 202, whether or not the account exists.
    #[oai(path = "/auth/password-reset", method = "post", tag = "ApiTags::Auth")]
    async fn password_reset(&self, body: Json<PasswordResetRequest>) -> Result<Accepted> {
        self.accounts.request_password_reset(&body.0.email).await?;
        Ok(Accepted::Accepted)
    }

    /// Choose a new password with the emailed token (single use, one hour).
    ///
    /// Every session of the account ends and every API token is revoked.
    #[oai(path = "/auth/password-reset/confirm", method = "post", tag = "ApiTags::Auth")]
    async fn password_reset_confirm(&self, body: Json<PasswordResetConfirm>) -> Result<NoContent> {
        self.accounts.confirm_password_reset(body.0.into()).await?;
        Ok(NoContent::Done)
    }

    /// Confirm an email address with the emailed token.
    #[oai(path = "/auth/verify-email", method = "post", tag = "ApiTags::Auth")]
    async fn verify_email(&self, body: Json<VerifyEmailRequest>) -> Result<NoContent> {
        self.accounts.verify_email(&body.0.token).await?;
        Ok(NoContent::Done)
    }

    /// Send a new verification link to the signed-in person.
    #[oai(path = "/auth/verify-email/resend", method = "post", tag = "ApiTags::Auth")]
    async fn resend_verification(&self, req: &Request) -> Result<Accepted> {
        self.accounts.resend_verification(&caller(req).await?).await?;
        Ok(Accepted::Accepted)
    }

    /// Who is signed in on this device: the account (as `GET /me` gives it),
    /// or `null` for a visitor. Never 401 for a visitor, so the app's first
    /// request logs no error in the browser.
    #[oai(path = "/session", method = "get", tag = "ApiTags::Me")]
    async fn session(&self, req: &Request) -> Result<Json<SessionState>> {
        Ok(Json(self.accounts.session(optional_caller(req).await?.as_ref()).await?))
    }

    /// The signed-in account, with the session's CSRF token.
    #[oai(path = "/me", method = "get", tag = "ApiTags::Me")]
    async fn me(&self, req: &Request) -> Result<Json<Me>> {
        Ok(Json(self.accounts.me(&caller(req).await?).await?))
    }

    /// Edit the profile: name, language, organisation, territory, profession.
    #[oai(path = "/me", method = "patch", tag = "ApiTags::Me")]
    async fn update_me(&self, req: &Request, body: Json<ProfileUpdate>) -> Result<Json<Me>> {
        Ok(Json(self.accounts.update_profile(&caller(req).await?, body.0.into()).await?))
    }

    /// Change the password; other sessions end and every API token is revoked.
    ///
    /// The answer says how many sessions ended and how many tokens were revoked.
    #[oai(path = "/me/password", method = "post", tag = "ApiTags::Me")]
    async fn change_password(&self, req: &Request, body: Json<PasswordChange>) -> Result<Json<PasswordChanged>> {
        Ok(Json(self.accounts.change_password(&caller(req).await?, body.0.into()).await?))
    }

    /// Create a personal API token for scripts (shown once).
    #[oai(path = "/me/tokens", method = "post", tag = "ApiTags::Me")]
    async fn create_token(&self, req: &Request, body: Json<TokenRequest>) -> Result<TokenIssued> {
        Ok(TokenIssued::Created(Json(self.accounts.create_token(&caller(req).await?, &body.0.name).await?)))
    }

    /// The signed-in person's API tokens (without secrets), newest first.
    ///
    /// Every token unless `limit` or `cursor` asks for a page.
    #[oai(path = "/me/tokens", method = "get", tag = "ApiTags::Me")]
    async fn list_tokens(&self, req: &Request, cursor: Query<Option<String>>, limit: Query<Option<u32>>) -> Result<Json<TokenList>> {
        Ok(Json(self.accounts.list_tokens(&caller(req).await?, cursor.0.as_deref(), limit.0).await?))
    }

    /// Revoke an API token.
    #[oai(path = "/me/tokens/:id", method = "delete", tag = "ApiTags::Me")]
    async fn revoke_token(&self, req: &Request, id: Path<Uuid>) -> Result<NoContent> {
        self.accounts.revoke_token(&caller(req).await?, id.0).await?;
        Ok(NoContent::Done)
    }

    /// Admin: accounts, newest first; `q` matches the name or e-mail address,
    /// `role` keeps the holders of a role, `status` the active, disabled or
    /// unverified accounts.
    #[oai(path = "/admin/users", method = "get", tag = "ApiTags::Admin")]
    async fn list_users(
        &self,
        req: &Request,
        q: Query<Option<String>>,
        role: Query<Option<Role>>,
        status: Query<Option<AccountStatus>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> Result<Json<AdminUserPage>> {
        let caller = caller(req).await?;
        let filter = AccountFilter { q: q.0, role: role.0, status: status.0 };
        Ok(Json(self.accounts.list_users(&caller, &filter, cursor.0.as_deref(), limit.0).await?))
    }

    /// Admin: set roles, disable or re-enable an account.
    #[oai(path = "/admin/users/:id", method = "patch", tag = "ApiTags::Admin")]
    async fn update_user(&self, req: &Request, id: Path<Uuid>, body: Json<AdminUserUpdate>) -> Result<Json<AdminUser>> {
        let caller = caller(req).await?;
        Ok(Json(self.accounts.update_user(&caller, id.0, body.0.into()).await?))
    }

    /// The territories of the programme.
    #[oai(path = "/reference/territories", method = "get", tag = "ApiTags::Reference")]
    async fn territories(
        &self,
        lang: Query<Option<Locale>>,
        #[oai(name = "Accept-Language")] accept_language: Header<Option<String>>,
    ) -> Result<Json<ReferenceList>> {
        Ok(Json(self.accounts.territories(locale_of(lang.0, accept_language.0.as_deref())).await?))
    }

    /// Kinds of organisation a professional works for.
    #[oai(path = "/reference/organization-kinds", method = "get", tag = "ApiTags::Reference")]
    async fn organization_kinds(
        &self,
        lang: Query<Option<Locale>>,
        #[oai(name = "Accept-Language")] accept_language: Header<Option<String>>,
    ) -> Result<Json<ReferenceList>> {
        Ok(Json(self.accounts.organization_kinds(locale_of(lang.0, accept_language.0.as_deref())).await?))
    }
}

/// Reads credentials from a request for the platform's [`Authenticator`](sanad_platform::auth::Authenticator).
#[async_trait::async_trait]
impl sanad_platform::auth::Authenticator for Accounts {
    async fn authenticate(&self, req: &Request) -> Result<Option<sanad_platform::Caller>> {
        let headers = req.headers();
        let bearer = match headers.get("authorization").map(|v| v.to_str()) {
            None => None,
            Some(Ok(v)) => match v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")) {
                Some(token) => Some(token.trim()),
                None => return Err(Error::Unauthenticated),
            },
            Some(Err(_)) => return Err(Error::Unauthenticated),
        };
        let session = headers
            .get_all("cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
            .map(|(_, value)| value);
        let csrf = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        let unsafe_method = !req.method().is_safe();
        self.authenticate(bearer, session, csrf, unsafe_method).await
    }
}

#[async_trait::async_trait]
impl sanad_platform::people::PeopleDirectory for Accounts {
    async fn find_by_email(&self, email: &str) -> Result<Option<Uuid>> {
        self.find_enabled_by_email(email).await
    }

    async fn people(&self, ids: &[Uuid]) -> Result<Vec<sanad_platform::people::Person>> {
        self.people_by_id(ids).await
    }

    async fn joined(&self, id: Uuid) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        self.joined_at(id).await
    }
}
