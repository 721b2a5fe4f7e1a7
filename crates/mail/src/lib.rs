//! Outgoing email: templates in French, Arabic and English, a durable outbox
//! filled in the same transaction as the change that causes a mail, and a
//! worker that drains it through SMTP (or `.eml` files when no SMTP relay is
//! configured) with retries and back-off, so a mail server that is down loses
//! nothing.

pub mod store;
pub mod templates;
pub mod transport;
pub mod worker;

use chrono::{DateTime, Utc};
use sanad_platform::{Tx, ids::new_id};
use serde::{Deserialize, Serialize};

pub use templates::Template;
pub use transport::MailTransport;
pub use worker::{MailWorker, WorkerSettings};

/// What a template needs to fill itself in. Stored as JSON in the outbox and
/// wiped once the mail is sent, since it may hold a one-time token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailParams {
    /// How to greet the recipient.
    pub display_name: String,
    /// The secret of a one-time link (verification, reset), if the mail carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The course a mail is about (cohort mails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    /// The cohort a mail is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
    /// The page of the app a mail's link opens, when it depends on the mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The forum topic a mail is about (left out for sensitive categories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// The start of the post a mail is about (left out for sensitive categories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// The path of a signed one-click unsubscribe link: sent as the
    /// `List-Unsubscribe` header (with `List-Unsubscribe-Post`) and in the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
    /// The topics a forum digest lists (empty for every other mail).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub digest: Vec<DigestEntry>,
}

/// A topic in a forum digest: its title (none in a sensitive category, where
/// a digest names nothing), the page it opens, and how many new posts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    pub path: String,
    pub posts: i64,
}

/// A mail to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The recipient's address.
    pub recipient: String,
    /// The recipient's language: `fr`, `ar` or `en`.
    pub locale: String,
    /// Which message.
    pub template: Template,
    /// What fills it in.
    pub params: MailParams,
}

/// Writes `mail` into the outbox inside the caller's transaction: it is sent
/// only if that transaction commits.
pub async fn enqueue(tx: &mut Tx, mail: &OutgoingMail, now: DateTime<Utc>) -> sanad_platform::Result<()> {
    store::insert(tx, new_id(), mail, now).await?;
    Ok(())
}

/// Writes `mails` into the outbox inside the caller's transaction, several
/// to a statement (a fan-out queues a thousand): sent only if that
/// transaction commits.
pub async fn enqueue_all(tx: &mut Tx, mails: &[OutgoingMail], now: DateTime<Utc>) -> sanad_platform::Result<()> {
    store::insert_all(tx, mails, now).await?;
    Ok(())
}
