//! The rules of accounts, free of HTTP: registration, sign-in and its
//! throttling, sessions, one-time links, API tokens, profiles and roles.

use chrono::{DateTime, Duration, Utc};
use email_address::EmailAddress;
use sanad_mail::{MailParams, OutgoingMail, Template};
use sanad_platform::FieldCode;
use sanad_platform::auth::{Caller, Credential, SessionRef};
use sanad_platform::db::Backend;
use sanad_platform::db::is_unique_violation;
use sanad_platform::ids::new_id;
use sanad_platform::page::{self, Page};
use sanad_platform::secret::{constant_time_eq, hash_token, random_token};
use sanad_platform::{Change, Clock, Db, Error, FieldError, Result, Role, Tx};
use sanad_platform::{Reason, ReasonCode};
use uuid::Uuid;

use crate::kept::KeptSessions;
use crate::model::*;
use crate::password;
use crate::store::{self, NewUser, Profile};

/// How long a session lives without being used.
pub const SESSION_IDLE: Duration = Duration::days(14);
/// How long an email verification link stays valid.
pub const VERIFY_EMAIL_TTL: Duration = Duration::hours(48);
/// How long a password reset link stays valid.
pub const PASSWORD_RESET_TTL: Duration = Duration::hours(1);
/// Window over which failed logins are counted.
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// Failed logins allowed per account *from one client address* within the
/// window: the lock a stranger can cause stays on the stranger's address.
pub const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: i64 = 5;
/// Failed logins allowed per account from all addresses together within the
/// window: a ceiling on guessing spread over many addresses. Reaching it needs
/// many addresses; the owner then gets in through a reset link, which clears it.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 50;
/// Failed logins allowed per client address within the window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
/// Window over which registrations are counted per client address.
pub const REGISTRATION_WINDOW: Duration = Duration::hours(1);
/// Registrations (including ones refused for a known email) per client
/// address within the window, unless configured otherwise
/// (`SANAD_REGISTRATIONS_PER_HOUR`): a training room of 30 people on one
/// Wi-Fi must all be able to sign up in the same hour.
pub const MAX_REGISTRATIONS_PER_ADDRESS: i64 = 30;
/// "Someone tried to register with your address" mails per account per day.
const MAX_REGISTRATION_NOTICES_PER_DAY: i64 = 3;
/// Links of one kind mailed per account per hour, whatever is asked.
const MAX_LINKS_PER_HOUR: i64 = 3;

/// A single-use link mailed to an account's owner. What it is for decides
/// the purpose it is stored under, how long it stays valid and the mail
/// that carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OneTimeLink {
    /// Confirms the address (at registration, or sent again on request).
    VerifyEmail,
    /// Lets the owner choose a new password.
    PasswordReset,
}

impl OneTimeLink {
    /// The purpose it is stored under.
    fn purpose(self) -> &'static str {
        match self {
            OneTimeLink::VerifyEmail => "verify_email",
            OneTimeLink::PasswordReset => "password_reset",
        }
    }

    /// How long it stays valid.
    fn ttl(self) -> Duration {
        match self {
            OneTimeLink::VerifyEmail => VERIFY_EMAIL_TTL,
            OneTimeLink::PasswordReset => PASSWORD_RESET_TTL,
        }
    }

    /// The mail that carries it.
    fn template(self) -> Template {
        match self {
            OneTimeLink::VerifyEmail => Template::VerifyEmail,
            OneTimeLink::PasswordReset => Template::PasswordReset,
        }
    }
}

/// Who a mail is for, and in which language.
#[derive(Debug)]
struct Addressee {
    email: String,
    locale: String,
    display_name: String,
}

impl From<UserRecord> for Addressee {
    fn from(u: UserRecord) -> Self {
        Self { email: u.email, locale: u.locale, display_name: u.display_name }
    }
}

/// Queues `template` for `to` in `tx`: it goes out only if `tx` commits.
async fn queue_mail(tx: &mut Tx, to: Addressee, template: Template, token: Option<String>, now: DateTime<Utc>) -> Result<()> {
    let mail = OutgoingMail {
        recipient: to.email,
        locale: to.locale,
        template,
        params: MailParams { display_name: to.display_name, token, ..MailParams::default() },
    };
    sanad_mail::enqueue(tx, &mail, now).await?;
    Ok(())
}

/// A session just opened: the cookie value to set and its CSRF token.
#[derive(Debug)]
pub struct NewSession {
    /// The secret session id, for the cookie only.
    pub id: String,
    /// The CSRF token the SPA must echo.
    pub csrf_token: String,
    /// The account, as the SPA sees it.
    pub user: Me,
}

/// Called after a change committed mail to the outbox, so it goes out promptly.
pub type MailWaker = std::sync::Arc<dyn Fn() + Send + Sync>;

/// The accounts service. Cheap to clone.
#[derive(Clone)]
pub struct Accounts {
    db: Db,
    clock: Clock,
    wake_mail: MailWaker,
    /// Held (shared) by each piece of work done after answering; [`Accounts::settle`] waits for all of them.
    background: std::sync::Arc<tokio::sync::RwLock<()>>,
    /// Registrations allowed per client address and hour.
    registrations_per_hour: i64,
    /// Told when an address is confirmed (cohort invitations waiting for it).
    confirmations: Option<std::sync::Arc<dyn sanad_platform::people::AddressConfirmations>>,
    /// Sessions read lately, kept while changes reach this instance (always on SQLite).
    kept: std::sync::Arc<KeptSessions>,
}

/// One throttle counter: at most `max` attempts under `key` within `window`.
#[derive(Debug)]
struct Limit {
    key: String,
    max: i64,
    window: Duration,
}

impl Limit {
    fn new(key: String, max: i64, window: Duration) -> Self {
        Self { key, max, window }
    }
}

/// Attempts counted by [`Accounts::admit`], by key.
#[derive(Debug)]
struct Admitted(Vec<(String, Uuid)>);

fn account_key(normalized: &str) -> String {
    format!("account:{normalized}")
}

/// The prefix of every per-(account, address) key of an account; the address follows.
fn pair_prefix(normalized: &str) -> String {
    format!("pair:{normalized} ")
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Accounts")
    }
}

fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn check_email(email: &str) -> Option<FieldError> {
    let e = email.trim();
    if e.len() > 254 || !EmailAddress::is_valid(e) || !e.contains('.') {
        return Some(FieldError::new("email", FieldCode::InvalidFormat, "is not a valid email address"));
    }
    None
}

fn check_text(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = value.trim().to_string();
    if v.is_empty() {
        errors.push(FieldError::new(field, FieldCode::Required, "must not be empty"));
    } else if v.chars().count() > max {
        errors.push(FieldError::new(field, FieldCode::TooLong, format!("must be at most {max} characters")));
    } else if v.chars().any(|c| c.is_control()) {
        errors.push(FieldError::new(field, FieldCode::ControlCharacters, "must not contain control characters"));
    }
    v
}

fn fail_if_any(errors: Vec<FieldError>) -> Result<()> {
    if errors.is_empty() { Ok(()) } else { Err(Error::Invalid(errors)) }
}

fn me_of(u: UserRecord, csrf_token: Option<String>) -> Me {
    Me {
        roles: u.role_list(),
        locale: Locale::parse(&u.locale),
        email_verified: u.email_verified_at.is_some(),
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        organization: u.organization,
        organization_kind: u.organization_kind,
        territory: u.territory,
        profession: u.profession,
        csrf_token,
    }
}

impl Accounts {
    /// The service over `db`; `wake_mail` nudges the mail worker after commits.
    pub fn new(db: Db, clock: Clock, wake_mail: MailWaker) -> Self {
        let kept = match db.backend() {
            Backend::Sqlite => KeptSessions::alone(),
            Backend::Postgres => KeptSessions::default(),
        };
        Self {
            db,
            clock,
            wake_mail,
            background: Default::default(),
            registrations_per_hour: MAX_REGISTRATIONS_PER_ADDRESS,
            confirmations: None,
            kept: std::sync::Arc::new(kept),
        }
    }

    /// Whether this instance keeps sessions now (SQLite always; PostgreSQL once it hears their changes).
    pub fn keeps_sessions(&self) -> bool {
        self.kept.keeping()
    }

    /// Keeps sessions in memory while it listens for their changes, until
    /// `shutdown` turns true (PostgreSQL; on SQLite, alone, it keeps them
    /// without listening and this returns at once).
    pub async fn follow_session_changes(self, shutdown: tokio::sync::watch::Receiver<bool>) {
        self.kept.follow(self.db.clone(), shutdown).await
    }

    /// Allows `per_hour` registrations per client address and hour instead of the default.
    pub fn with_registration_limit(mut self, per_hour: u32) -> Self {
        self.registrations_per_hour = i64::from(per_hour);
        self
    }

    /// The same service, telling `confirmations` when an address is confirmed.
    pub fn with_address_confirmations(mut self, confirmations: std::sync::Arc<dyn sanad_platform::people::AddressConfirmations>) -> Self {
        self.confirmations = Some(confirmations);
        self
    }

    /// Waits until the work started after answering earlier requests (password
    /// reset mails) is done. For tests; requests never wait on it.
    pub async fn settle(&self) {
        drop(self.background.write().await);
    }

    /// Counts one attempt under every limit, or none if any limit is reached,
    /// as one atomic step per key: parallel requests cannot all pass a check
    /// made before any of them was counted. The attempt is counted *before* the
    /// work it guards (verifying a password), so at most `max` are ever done.
    async fn admit(&self, limits: &[Limit]) -> Result<Admitted> {
        let now = self.clock.now();
        let keys: Vec<String> = limits.iter().map(|l| l.key.clone()).collect();
        let longest = limits.iter().map(|l| l.window).max().unwrap_or(THROTTLE_WINDOW);
        let mut tx = self.db.begin().await?;
        store::lock_throttle_keys(&mut tx, &keys, now - longest).await?;
        let mut wait: Option<Duration> = None;
        for limit in limits {
            let (count, oldest) = store::attempts_since(&mut tx, &limit.key, now - limit.window).await?;
            if count >= limit.max {
                let free_in = oldest.unwrap_or(now) + limit.window - now;
                wait = Some(wait.map_or(free_in, |w| w.max(free_in)));
            }
        }
        if let Some(wait) = wait {
            // Refused attempts are not counted: waiting is enough to get through.
            return Err(Error::TooManyRequests { retry_after_secs: wait.num_seconds().max(1) as u64 });
        }
        let mut admitted = Vec::with_capacity(limits.len());
        for limit in limits {
            let id = new_id();
            store::insert_attempt(&mut tx, id, &limit.key, now).await?;
            admitted.push((limit.key.clone(), id));
        }
        tx.commit().await?;
        Ok(Admitted(admitted))
    }

    async fn open_session(&self, tx: &mut Tx, user_id: Uuid) -> Result<(String, String)> {
        let id = random_token();
        let csrf = random_token();
        let now = self.clock.now();
        store::insert_session(tx, &hash_token(&id), user_id, &csrf, now, now + SESSION_IDLE).await?;
        Ok((id, csrf))
    }

    async fn user(&self, id: Uuid) -> Result<UserRecord> {
        store::user_by_id(&self.db, id).await?.ok_or(Error::NotFound("account"))
    }

    /// Mints `link` for `user_id` and queues the mail that carries it, both in
    /// `tx`: a link exists exactly when its mail is on the way.
    async fn queue_link(&self, tx: &mut Tx, user_id: Uuid, to: Addressee, link: OneTimeLink, now: DateTime<Utc>) -> Result<()> {
        let token = random_token();
        store::insert_one_time(tx, &hash_token(&token), user_id, link.purpose(), now, now + link.ttl()).await?;
        queue_mail(tx, to, link.template(), Some(token), now).await
    }

    /// Whether another `link` may be mailed to `user_id`: a few an hour at
    /// most, which bounds the mail a stranger can make us send to someone.
    async fn may_send_link(&self, user_id: Uuid, link: OneTimeLink, now: DateTime<Utc>) -> Result<bool> {
        Ok(store::count_one_time_since(&self.db, user_id, link.purpose(), now - Duration::hours(1)).await? < MAX_LINKS_PER_HOUR)
    }

    /// Commits `tx` and wakes the mail worker, so the mail queued in it goes out promptly.
    async fn commit_and_wake(&self, tx: Tx) -> Result<()> {
        tx.commit().await?;
        (self.wake_mail)();
        Ok(())
    }

    /// Creates a learner account, opens its first session and mails a
    /// verification link, all in one transaction. Throttled per client address
    /// (valid requests count, accepted or not). An email that already has an
    /// account is answered 409 (the API contract says so) and its owner is
    /// mailed that someone tried.
    pub async fn register(&self, req: Registration, client: Option<String>) -> Result<NewSession> {
        let mut errors = Vec::new();
        errors.extend(check_email(&req.email));
        errors.extend(password::check_strength("password", &req.password, &req.email));
        let display_name = check_text("display_name", &req.display_name, 100, &mut errors);
        fail_if_any(errors)?;
        if let Some(address) = &client {
            self.admit(&[Limit::new(format!("register:{address}"), self.registrations_per_hour, REGISTRATION_WINDOW)]).await?;
        }
        let email = req.email.trim().to_string();
        let normalized = normalize_email(&email);
        if let Some(owner) = store::user_by_email(&self.db, &normalized).await? {
            self.notify_registration_attempt(owner).await?;
            return Err(Error::Conflict(Reason::from(ReasonCode::EmailTaken).with("email", req.email.trim())));
        }
        let hash = password::hash(req.password).await?;
        let locale = req.locale.unwrap_or_default();
        let now = self.clock.now();
        let id = new_id();
        let mut tx = self.db.begin().await?;
        let new_user = NewUser {
            id,
            email: &email,
            email_normalized: &normalized,
            display_name: &display_name,
            password_hash: &hash,
            roles: "learner",
            locale: locale.as_str(),
            verified_at: None,
            now,
        };
        if let Err(e) = store::insert_user(&mut tx, &new_user).await {
            // Two registrations raced past the check above.
            return Err(if is_unique_violation(&e) {
                Error::Conflict(Reason::from(ReasonCode::EmailTaken).with("email", req.email.trim()))
            } else {
                e.into()
            });
        }
        let (session_id, csrf) = self.open_session(&mut tx, id).await?;
        let to = Addressee { email, locale: locale.as_str().into(), display_name };
        self.queue_link(&mut tx, id, to, OneTimeLink::VerifyEmail, now).await?;
        self.commit_and_wake(tx).await?;
        let user = me_of(self.user(id).await?, Some(csrf.clone()));
        Ok(NewSession { id: session_id, csrf_token: csrf, user })
    }

    /// Tells the owner of an address that someone tried to register with it, in
    /// their language; a few times a day at most, so it cannot be used to flood them.
    async fn notify_registration_attempt(&self, owner: UserRecord) -> Result<()> {
        let notice = Limit::new(format!("registration-notice:{}", owner.id), MAX_REGISTRATION_NOTICES_PER_DAY, Duration::days(1));
        match self.admit(&[notice]).await {
            Ok(_) => {}
            Err(Error::TooManyRequests { .. }) => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut tx = self.db.begin().await?;
        queue_mail(&mut tx, owner.into(), Template::RegistrationAttempt, None, self.clock.now()).await?;
        self.commit_and_wake(tx).await
    }

    /// The right password is no failure. Its attempt is forgotten under the
    /// address (colleagues behind one office router all sign in) and the account;
    /// under the (account, address) pair only when it is the sole attempt on
    /// record. Otherwise it keeps counting, like the failures before it, until
    /// the window passes: a success must not hand fresh guesses to requests
    /// racing beside it, so at most the pair's limit is ever verified.
    async fn forget_successful_attempt(&self, admitted: &Admitted, pair_key: &str) -> Result<()> {
        let (pair, others): (Vec<_>, Vec<_>) = admitted.0.iter().partition(|(key, _)| key == pair_key);
        store::delete_attempts(&self.db, &others.iter().map(|(_, id)| *id).collect::<Vec<_>>()).await?;
        if let Some((_, id)) = pair.first() {
            let now = self.clock.now();
            let mut tx = self.db.begin().await?;
            store::lock_throttle_keys(&mut tx, &[pair_key.to_string()], now - THROTTLE_WINDOW).await?;
            let (count, _) = store::attempts_since(&mut tx, pair_key, now - THROTTLE_WINDOW).await?;
            if count <= 1 {
                store::delete_attempt(&mut tx, *id).await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    /// Checks credentials, throttled per (account, client address) pair, per
    /// account across all addresses (a higher ceiling) and per client address.
    /// The attempt is counted before the password is verified, so parallel
    /// guesses cannot outrun the count.
    pub async fn login(&self, req: Credentials, client: Option<String>) -> Result<NewSession> {
        let normalized = normalize_email(&req.email);
        // Without a known address every request shares one pair: the strict limit still holds.
        let pair_key = format!("{}{}", pair_prefix(&normalized), client.as_deref().unwrap_or("unknown"));
        let mut limits = vec![
            Limit::new(pair_key.clone(), MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, THROTTLE_WINDOW),
            Limit::new(account_key(&normalized), MAX_FAILURES_PER_ACCOUNT, THROTTLE_WINDOW),
        ];
        if let Some(address) = &client {
            limits.push(Limit::new(format!("address:{address}"), MAX_FAILURES_PER_ADDRESS, THROTTLE_WINDOW));
        }
        let admitted = self.admit(&limits).await?;
        let user = store::user_by_email(&self.db, &normalized).await?;
        let stored = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| password::decoy_hash().to_string());
        let matches = password::verify(req.password, stored).await?;
        let Some(user) = user.filter(|_| matches) else {
            // The attempt stays counted: it was a failure.
            return Err(Error::Unauthenticated);
        };
        self.forget_successful_attempt(&admitted, &pair_key).await?;
        if user.disabled_at.is_some() {
            return Err(Error::Forbidden(ReasonCode::AccountDisabled.into()));
        }
        let mut tx = self.db.begin().await?;
        let (session_id, csrf) = self.open_session(&mut tx, user.id).await?;
        tx.commit().await?;
        Ok(NewSession { id: session_id, csrf_token: csrf.clone(), user: me_of(user, Some(csrf)) })
    }

    /// Ends the caller's session (API tokens have none to end).
    pub async fn logout(&self, caller: &Caller) -> Result<()> {
        if let Some(session) = &caller.session {
            let _forgetting = self.kept.forgetting_session(&session.id_hash);
            store::delete_session(&self.db, &session.id_hash).await?;
        }
        Ok(())
    }

    /// Authenticates a bearer token or a session cookie. `csrf_header` is the
    /// `X-CSRF-Token` sent, and `unsafe_method` whether the method changes state.
    pub async fn authenticate(
        &self,
        bearer: Option<&str>,
        session_id: Option<&str>,
        csrf_header: Option<&str>,
        unsafe_method: bool,
    ) -> Result<Option<Caller>> {
        let now = self.clock.now();
        if let Some(token) = bearer {
            let owner = store::token_owner(&self.db, &hash_token(token)).await?.ok_or(Error::Unauthenticated)?;
            // Record use at most once a minute: a write per request would cost more than the request.
            if owner.last_used_at.is_none_or(|t| now - t > Duration::minutes(1)) {
                store::touch_token(&self.db, owner.token_id, now).await?;
            }
            return Ok(Some(Caller {
                user_id: owner.user_id,
                roles: parse_roles(&owner.roles),
                locale: owner.locale,
                credential: Credential::ApiToken,
                session: None,
            }));
        }
        let Some(session_id) = session_id else {
            return Ok(None);
        };
        let id_hash = hash_token(session_id);
        let owner = match self.kept.get(&id_hash, now) {
            Some(owner) => owner,
            None => {
                let generation = self.kept.generation();
                let Some(owner) = store::session_owner(&self.db, &id_hash, now).await? else {
                    // An expired or ended session is just no session.
                    return Ok(None);
                };
                self.kept.keep(&id_hash, &owner, generation);
                owner
            }
        };
        if unsafe_method && !csrf_header.is_some_and(|h| constant_time_eq(h.as_bytes(), owner.csrf_token.as_bytes())) {
            return Err(Error::Forbidden(ReasonCode::CsrfTokenMissing.into()));
        }
        if now - owner.last_seen_at > Duration::minutes(10) {
            store::touch_session(&self.db, &id_hash, now, now + SESSION_IDLE).await?;
            self.kept.forget_session(&id_hash);
        }
        Ok(Some(Caller {
            user_id: owner.user_id,
            roles: parse_roles(&owner.roles),
            locale: owner.locale,
            credential: Credential::Session,
            session: Some(SessionRef { id_hash, csrf_token: owner.csrf_token }),
        }))
    }

    /// Who is signed in: the caller's account, or nobody.
    pub async fn session(&self, caller: Option<&Caller>) -> Result<SessionState> {
        Ok(SessionState {
            user: match caller {
                Some(caller) => Some(self.me(caller).await?),
                None => None,
            },
        })
    }

    /// The caller's account, with the session's CSRF token.
    pub async fn me(&self, caller: &Caller) -> Result<Me> {
        let user = self.user(caller.user_id).await?;
        Ok(me_of(user, caller.session.as_ref().map(|s| s.csrf_token.clone())))
    }

    /// Changes the caller's profile; absent fields stay, `null` clears.
    pub async fn update_profile(&self, caller: &Caller, req: ProfileChange) -> Result<Me> {
        let user = self.user(caller.user_id).await?;
        let mut errors = Vec::new();
        let display_name = match &req.display_name {
            Some(n) => check_text("display_name", n, 100, &mut errors),
            None => user.display_name.clone(),
        };
        // An empty value clears, like `null`.
        let mut optional = |field: &str, change: Change<String>, current: &Option<String>, max: usize| -> Option<String> {
            match change {
                Change::Keep => current.clone(),
                Change::Clear => None,
                Change::Set(v) if v.trim().is_empty() => None,
                Change::Set(v) => Some(check_text(field, &v, max, &mut errors)),
            }
        };
        let organization = optional("organization", req.organization, &user.organization, 200);
        let profession = optional("profession", req.profession, &user.profession, 200);
        let kind_input = optional("organization_kind", req.organization_kind, &user.organization_kind, 100);
        let territory_input = optional("territory", req.territory, &user.territory, 100);
        let organization_kind = match kind_input {
            Some(k) => match resolve(&store::organization_kinds(&self.db).await?, &k) {
                Some(code) => Some(code),
                None => {
                    errors.push(FieldError::new("organization_kind", FieldCode::UnknownValue, "must be association or institution"));
                    None
                }
            },
            None => None,
        };
        let territory = match territory_input {
            Some(t) => match resolve(&store::territories(&self.db).await?, &t) {
                Some(code) => Some(code),
                None => {
                    errors.push(FieldError::new(
                        "territory",
                        FieldCode::UnknownValue,
                        "is not a known territory (see /api/v1/reference/territories)",
                    ));
                    None
                }
            },
            None => None,
        };
        fail_if_any(errors)?;
        let stored_locale = user.locale.clone();
        let profile = Profile {
            display_name,
            locale: req.locale.map(|l| l.as_str().to_string()).unwrap_or(user.locale),
            organization,
            organization_kind,
            territory,
            profession,
        };
        let language_changed = profile.locale != stored_locale || profile.locale != caller.locale;
        // The language is part of a kept session: the next request reads it again.
        let forgetting = language_changed.then(|| self.kept.forgetting_account(caller.user_id));
        store::update_profile(&self.db, caller.user_id, &profile, self.clock.now()).await?;
        drop(forgetting);
        self.me(caller).await
    }

    /// Mails a single-use reset link when the account exists and is enabled;
    /// answers the same either way so that nobody learns who has an account.
    /// A malformed address is refused (422): its shape tells nothing about who has an account.
    /// The lookup and the mail are done after answering, so a known address is
    /// answered exactly as fast as an unknown one.
    pub async fn request_password_reset(&self, email: &str) -> Result<()> {
        if let Some(e) = check_email(email) {
            return Err(Error::Invalid(vec![e]));
        }
        let normalized = normalize_email(email);
        let guard = self.background.clone().read_owned().await;
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(e) = this.send_password_reset(&normalized).await {
                // The address stays out of the log.
                tracing::error!(error = %e, "password reset mail not queued");
            }
            drop(guard);
        });
        Ok(())
    }

    async fn send_password_reset(&self, normalized: &str) -> Result<()> {
        let Some(user) = store::user_by_email(&self.db, normalized).await? else {
            return Ok(());
        };
        if user.disabled_at.is_some() {
            return Ok(());
        }
        let now = self.clock.now();
        if !self.may_send_link(user.id, OneTimeLink::PasswordReset, now).await? {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        self.queue_link(&mut tx, user.id, user.into(), OneTimeLink::PasswordReset, now).await?;
        self.commit_and_wake(tx).await
    }

    async fn consume(&self, tx: &mut Tx, token: &str, link: OneTimeLink) -> Result<Uuid> {
        let now = self.clock.now();
        match store::consume_one_time(tx, &hash_token(token.trim()), link.purpose(), now).await? {
            None => Err(Error::BadRequest("this link is not valid".into())),
            Some(t) if t.used_at.is_some() => Err(Error::Gone(ReasonCode::LinkUsed.into())),
            Some(t) if t.expires_at <= now => Err(Error::Gone(ReasonCode::LinkExpired.into())),
            Some(t) => Ok(t.user_id),
        }
    }

    /// Sets a new password from a reset link; every session of the account
    /// ends, every API token is revoked, and the account's sign-in counters are
    /// cleared (the way in for an owner whose account others have been guessing at).
    pub async fn confirm_password_reset(&self, req: PasswordResetByLink) -> Result<()> {
        if let Some(e) = password::check_strength("new_password", &req.new_password, "") {
            return Err(Error::Invalid(vec![e]));
        }
        let hash = password::hash(req.new_password).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let user_id = self.consume(&mut tx, &req.token, OneTimeLink::PasswordReset).await?;
        // Read in the transaction: a second connection while holding one
        // could wait for the pool's last connection forever.
        let user = store::user_by_id_in(&mut tx, user_id).await?.ok_or(Error::NotFound("user"))?;
        let forgetting = self.kept.forgetting_account(user_id);
        store::set_password(&mut tx, user_id, &hash, now).await?;
        store::retire_one_time(&mut tx, user_id, OneTimeLink::PasswordReset.purpose(), now).await?;
        // Receiving the link proves the address.
        store::set_email_verified(&mut tx, user_id, now).await?;
        store::delete_user_sessions(&mut tx, user_id).await?;
        store::delete_user_tokens(&mut tx, user_id).await?;
        let normalized = normalize_email(&user.email);
        queue_mail(&mut tx, user.into(), Template::PasswordChanged, None, now).await?;
        self.commit_and_wake(tx).await?;
        drop(forgetting);
        store::clear_attempts(&self.db, &account_key(&normalized)).await?;
        store::clear_attempts_with_prefix(&self.db, &pair_prefix(&normalized)).await?;
        Ok(())
    }

    /// Confirms an email address from its link.
    pub async fn verify_email(&self, token: &str) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let user_id = self.consume(&mut tx, token, OneTimeLink::VerifyEmail).await?;
        store::set_email_verified(&mut tx, user_id, now).await?;
        if let Some(confirmations) = &self.confirmations {
            let user = store::user_by_id_in(&mut tx, user_id).await?.ok_or(Error::NotFound("account"))?;
            confirmations.confirmed(&mut tx, user_id, &user.email).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sends a fresh verification link, unless the address is already confirmed.
    pub async fn resend_verification(&self, caller: &Caller) -> Result<()> {
        let user = self.user(caller.user_id).await?;
        let now = self.clock.now();
        if user.email_verified_at.is_some() || !self.may_send_link(user.id, OneTimeLink::VerifyEmail, now).await? {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        self.queue_link(&mut tx, user.id, user.into(), OneTimeLink::VerifyEmail, now).await?;
        self.commit_and_wake(tx).await
    }

    /// Changes the caller's password after checking the current one; other
    /// sessions end and every API token is revoked (a token is a password too).
    pub async fn change_password(&self, caller: &Caller, req: PasswordReplacement) -> Result<PasswordChanged> {
        let user = self.user(caller.user_id).await?;
        if let Some(e) = password::check_strength("new_password", &req.new_password, &user.email) {
            return Err(Error::Invalid(vec![e]));
        }
        if !password::verify(req.current_password, user.password_hash.clone()).await? {
            return Err(Error::invalid("current_password", FieldCode::Mismatch, "is not your current password"));
        }
        let hash = password::hash(req.new_password).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let forgetting = self.kept.forgetting_account(user.id);
        store::set_password(&mut tx, user.id, &hash, now).await?;
        let mut other_sessions_ended = store::delete_user_sessions(&mut tx, user.id).await?;
        if let Some(session) = &caller.session {
            // Keep this device signed in: re-create its session row under the same id hash.
            store::insert_session(&mut tx, &session.id_hash, user.id, &session.csrf_token, now, now + SESSION_IDLE).await?;
            other_sessions_ended = other_sessions_ended.saturating_sub(1);
        }
        let api_tokens_revoked = store::delete_user_tokens(&mut tx, user.id).await?;
        queue_mail(&mut tx, user.into(), Template::PasswordChanged, None, now).await?;
        self.commit_and_wake(tx).await?;
        drop(forgetting);
        Ok(PasswordChanged { other_sessions_ended, api_tokens_revoked })
    }

    /// Creates a personal API token; the secret is returned this once.
    pub async fn create_token(&self, caller: &Caller, name: &str) -> Result<TokenCreated> {
        let mut errors = Vec::new();
        let name = check_text("name", name, 100, &mut errors);
        fail_if_any(errors)?;
        let token = format!("sanad_{}", random_token());
        let id = new_id();
        let now = self.clock.now();
        store::insert_api_token(&self.db, id, caller.user_id, &name, &hash_token(&token), now).await?;
        Ok(TokenCreated { id, name, token, created_at: now })
    }

    /// The caller's API tokens, without their secrets, newest first: all of
    /// them unless a `limit` or a `cursor` asks for a page (the list was whole before it was paged).
    pub async fn list_tokens(&self, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> Result<TokenList> {
        let limit = page::optional_limit(limit, cursor)?;
        let before = page::decode_cursor(cursor)?;
        let rows = store::list_tokens(&self.db, caller.user_id, before, limit.map(page::fetch_limit)).await?;
        let page = match limit {
            Some(limit) => Page::from_rows(rows, limit, |t| page::encode_cursor(t.id)),
            None => Page { items: rows, next_cursor: None },
        };
        Ok(TokenList { items: page.items, next_cursor: page.next_cursor })
    }

    /// Revokes one of the caller's tokens.
    pub async fn revoke_token(&self, caller: &Caller, id: Uuid) -> Result<()> {
        if store::delete_token(&self.db, caller.user_id, id).await? { Ok(()) } else { Err(Error::NotFound("token")) }
    }

    /// Admin: accounts, newest first, optionally filtered by email or name.
    pub async fn list_users(
        &self,
        caller: &Caller,
        filter: &AccountFilter,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<AdminUserPage> {
        caller.require(Role::Admin)?;
        let limit = page::limit(limit)?;
        let before = page::decode_cursor(cursor)?;
        let pattern = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| format!("%{}%", escape_like(&q.to_lowercase())));
        // Roles are stored as words separated by spaces (`format_roles`).
        let role = filter.role.map(|r| format!("% {} %", r.as_str()));
        let status = filter.status.map(AccountStatus::as_str);
        let rows = store::list_users(&self.db, before, pattern.as_deref(), role.as_deref(), status, page::fetch_limit(limit)).await?;
        let page = Page::from_rows(rows, limit, |u| page::encode_cursor(u.id)).map(AdminUser::from);
        Ok(AdminUserPage { items: page.items, next_cursor: page.next_cursor })
    }

    /// Admin: sets roles and/or disables an account. Disabling ends its sessions.
    /// An administrator cannot demote or disable themselves, so there is always one left.
    pub async fn update_user(&self, caller: &Caller, id: Uuid, req: AccountChange) -> Result<AdminUser> {
        caller.require(Role::Admin)?;
        let user = self.user(id).await?;
        let roles = req.roles.clone().unwrap_or_else(|| user.role_list());
        if id == caller.user_id && (!roles.contains(&Role::Admin) || req.disabled == Some(true)) {
            return Err(Error::Conflict(ReasonCode::OwnAdminRole.into()));
        }
        let now = self.clock.now();
        let disabled_at = match req.disabled {
            Some(true) => user.disabled_at.or(Some(now)),
            Some(false) => None,
            None => user.disabled_at,
        };
        let mut tx = self.db.begin().await?;
        let forgetting = self.kept.forgetting_account(id);
        store::set_roles_and_disabled(&mut tx, id, &format_roles(&roles), disabled_at, now).await?;
        if disabled_at.is_some() {
            store::delete_user_sessions(&mut tx, id).await?;
        }
        tx.commit().await?;
        drop(forgetting);
        Ok(self.user(id).await?.into())
    }

    /// CLI: creates an account with a role, its address taken as verified.
    pub async fn add_user(&self, email: &str, display_name: &str, role: Role, password_text: String) -> Result<Uuid> {
        let mut errors = Vec::new();
        errors.extend(check_email(email));
        errors.extend(password::check_strength("password", &password_text, email));
        let display_name = check_text("name", display_name, 100, &mut errors);
        fail_if_any(errors)?;
        let normalized = normalize_email(email);
        if store::user_by_email(&self.db, &normalized).await?.is_some() {
            return Err(Error::Conflict(Reason::from(ReasonCode::EmailTaken).with("email", email.trim())));
        }
        let hash = password::hash(password_text).await?;
        let now = self.clock.now();
        let id = new_id();
        let roles = format_roles(&[role]);
        let mut tx = self.db.begin().await?;
        let new_user = NewUser {
            id,
            email: email.trim(),
            email_normalized: &normalized,
            display_name: &display_name,
            password_hash: &hash,
            roles: &roles,
            locale: "fr",
            verified_at: Some(now),
            now,
        };
        store::insert_user(&mut tx, &new_user).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The id of the enabled account with this email, if any.
    pub async fn find_enabled_by_email(&self, email: &str) -> Result<Option<Uuid>> {
        Ok(store::user_by_email(&self.db, &normalize_email(email)).await?.filter(|u| u.disabled_at.is_none()).map(|u| u.id))
    }

    /// The accounts among `ids`, as other crates may see them (cohort members, attestation holders).
    pub async fn people_by_id(&self, ids: &[Uuid]) -> Result<Vec<sanad_platform::people::Person>> {
        Ok(store::people_by_ids(&self.db, ids)
            .await?
            .into_iter()
            .map(|u| sanad_platform::people::Person {
                id: u.id,
                enabled: u.disabled_at.is_none(),
                display_name: u.display_name,
                email: u.email,
                locale: u.locale,
            })
            .collect())
    }

    /// When account `id` was created, if it exists.
    pub async fn joined_at(&self, id: Uuid) -> Result<Option<DateTime<Utc>>> {
        Ok(store::user_by_id(&self.db, id).await?.map(|u| u.created_at))
    }

    /// Territories, named in `locale`.
    pub async fn territories(&self, locale: Locale) -> Result<ReferenceList> {
        let items = store::territories(&self.db)
            .await?
            .iter()
            .map(|r| ReferenceItem { code: r.code.clone(), name: r.name(locale).to_string() })
            .collect();
        Ok(ReferenceList { items, language: locale })
    }

    /// Organisation kinds, named in `locale`.
    pub async fn organization_kinds(&self, locale: Locale) -> Result<ReferenceList> {
        let items = store::organization_kinds(&self.db)
            .await?
            .iter()
            .map(|r| ReferenceItem { code: r.code.clone(), name: r.name(locale).to_string() })
            .collect();
        Ok(ReferenceList { items, language: locale })
    }

    /// Deletes sessions past their expiry; run periodically.
    pub async fn prune_sessions(&self) -> Result<u64> {
        Ok(store::delete_expired_sessions(&self.db, self.clock.now()).await?)
    }
}

/// Escapes `LIKE` wildcards so they match themselves (`\` is the escape character).
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Finds the code of a reference row by code or by its name in any language, ignoring case.
fn resolve(rows: &[ReferenceRecord], input: &str) -> Option<String> {
    let wanted = input.trim().to_lowercase();
    rows.iter().find(|r| [&r.code, &r.name_fr, &r.name_ar, &r.name_en].iter().any(|n| n.to_lowercase() == wanted)).map(|r| r.code.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_match_themselves() {
        assert_eq!(escape_like("jean_dupont"), "jean\\_dupont");
        assert_eq!(escape_like("100%"), "100\\%");
        assert_eq!(escape_like("a\\b"), "a\\\\b");
    }
}
