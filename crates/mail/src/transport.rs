//! Where mail goes: an SMTP relay, or `.eml` files in the data directory when
//! no relay is configured (development, or an offline installation).

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message, SinglePart, header::ContentTransferEncoding};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;

use crate::templates::Rendered;

/// A configured transport.
#[derive(Clone)]
pub enum MailTransport {
    /// An SMTP relay, from `SANAD_SMTP_URL`.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per message in this folder.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Smtp(_) => f.write_str("MailTransport::Smtp"),
            MailTransport::Files(_, dir) => write!(f, "MailTransport::Files({})", dir.display()),
        }
    }
}

/// Why a mail could not be built or handed over.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("transport: {0}")]
    Transport(String),
}

impl SendError {
    /// Whether retrying later could help (a bad address never will).
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Address(_) | SendError::Build(_))
    }
}

impl MailTransport {
    /// SMTP when `smtp_url` is set (`smtp://`, `smtps://`, with `?tls=required`
    /// for STARTTLS, as lettre reads it), otherwise files under `mail_dir`.
    pub fn from_config(smtp_url: Option<&str>, mail_dir: PathBuf) -> Result<Self, SendError> {
        match smtp_url {
            Some(url) => {
                let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| SendError::Transport(format!("invalid SANAD_SMTP_URL: {e}")))?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build();
                Ok(MailTransport::Smtp(smtp))
            }
            None => {
                std::fs::create_dir_all(&mail_dir).map_err(|e| SendError::Transport(format!("cannot create {}: {e}", mail_dir.display())))?;
                Ok(MailTransport::Files(AsyncFileTransport::new(&mail_dir), mail_dir))
            }
        }
    }

    /// Builds and sends one message.
    pub async fn send(&self, from: &str, to: &str, rendered: &Rendered) -> Result<(), SendError> {
        let from: Mailbox = from.parse().map_err(|e| SendError::Address(format!("sender: {e}")))?;
        let to: Mailbox = to.parse().map_err(|e| SendError::Address(format!("recipient: {e}")))?;
        // Quoted-printable keeps links readable in the raw message and safe on
        // relays without 8BITMIME.
        let part = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(rendered.body.clone());
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(rendered.subject.clone())
            .singlepart(part)
            .map_err(|e| SendError::Build(e.to_string()))?;
        match self {
            MailTransport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| SendError::Transport(e.to_string())),
            MailTransport::Files(t, _) => t.send(message).await.map(|_| ()).map_err(|e| SendError::Transport(e.to_string())),
        }
    }
}
