//! Where mail goes: an SMTP relay, or `.eml` files in the data directory when
//! no relay is configured (development, or an offline installation).

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, Message, SinglePart, header::ContentTransferEncoding};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use uuid::Uuid;

use crate::templates::Rendered;

/// How long connecting to the SMTP relay may take (lettre's own timeout,
/// which in its async transport bounds only the connection).
pub const SMTP_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// How long one whole SMTP exchange, from connecting to the relay's answer to
/// the message, may take before it fails (and is retried). The worker's
/// lease must be longer ([`crate::WorkerSettings::lease`]).
pub const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// A configured transport.
#[derive(Clone)]
pub enum MailTransport {
    /// An SMTP relay, from `SANAD_SMTP_URL`.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per message in this folder, named by the outbox row.
    Files(PathBuf),
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Smtp(_) => f.write_str("MailTransport::Smtp"),
            MailTransport::Files(dir) => write!(f, "MailTransport::Files({})", dir.display()),
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

/// The body as 8bit text with CRLF line ends when every line fits the SMTP
/// limit of 998 bytes (RFC 5322), which the templates always do; otherwise
/// lettre's own choice (quoted-printable or base64).
///
/// 8bit keeps links whole and readable in the raw message, where
/// quoted-printable would turn `token=` into `token=3D` and fold long links.
/// lettre would pick 8bit itself only for lines under 76 bytes, and a link
/// with a token is longer than that.
fn plain_body(text: &str) -> Body {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let fits = !crlf.contains('\0') && crlf.split("\r\n").all(|line| line.len() <= 998 && !line.contains('\r'));
    if fits { Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit) } else { Body::new(text.to_string()) }
}

impl MailTransport {
    /// SMTP when `smtp_url` is set (`smtp://`, `smtps://`, with `?tls=required`
    /// for STARTTLS, as lettre reads it), otherwise files under `mail_dir`.
    pub fn from_config(smtp_url: Option<&str>, mail_dir: PathBuf) -> Result<Self, SendError> {
        match smtp_url {
            Some(url) => {
                let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| SendError::Transport(format!("invalid SANAD_SMTP_URL: {e}")))?
                    .timeout(Some(SMTP_CONNECT_TIMEOUT))
                    .build();
                Ok(MailTransport::Smtp(smtp))
            }
            None => {
                std::fs::create_dir_all(&mail_dir)
                    .map_err(|e| SendError::Transport(format!("cannot create {}: {e}", mail_dir.display())))?;
                Ok(MailTransport::Files(mail_dir))
            }
        }
    }

    /// Builds and sends one message, the outbox row `id`.
    ///
    /// A worker that stops between sending a mail and marking it sent (a
    /// crash, a kill) leaves it to be sent again once its lease runs out.
    /// The message is then the same one: its `Message-ID` comes from the
    /// row, so mail systems that keep one copy per Message-ID show it once,
    /// and the file transport writes it over the first (`<id>.eml`).
    pub async fn send(&self, id: Uuid, from: &str, to: &str, rendered: &Rendered) -> Result<(), SendError> {
        let from: Mailbox = from.parse().map_err(|e| SendError::Address(format!("sender: {e}")))?;
        let to: Mailbox = to.parse().map_err(|e| SendError::Address(format!("recipient: {e}")))?;
        let part = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(plain_body(&rendered.body));
        let mut builder = Message::builder().message_id(Some(format!("<{id}@sanad>"))).from(from).to(to).subject(rendered.subject.clone());
        if let Some(address) = &rendered.unsubscribe {
            // RFC 2369 and RFC 8058: a one-click unsubscribe the mail client may offer.
            let header = |name: &'static str, value: String| HeaderValue::new(HeaderName::new_from_ascii_str(name), value);
            builder = builder
                .raw_header(header("List-Unsubscribe", format!("<{address}>")))
                .raw_header(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into()));
        }
        let message = builder.singlepart(part).map_err(|e| SendError::Build(e.to_string()))?;
        match self {
            MailTransport::Smtp(t) => match tokio::time::timeout(SMTP_TIMEOUT, t.send(message)).await {
                Ok(sent) => sent.map(|_| ()).map_err(|e| SendError::Transport(e.to_string())),
                Err(_) => Err(SendError::Transport(format!("no answer from the SMTP relay within {} s", SMTP_TIMEOUT.as_secs()))),
            },
            MailTransport::Files(dir) => {
                // Written whole, then renamed: a reader never sees half a mail.
                let path = dir.join(format!("{id}.eml"));
                let part = dir.join(format!("{id}.eml.part"));
                let written = async {
                    tokio::fs::write(&part, message.formatted()).await?;
                    tokio::fs::rename(&part, &path).await
                };
                written.await.map_err(|e| SendError::Transport(format!("{}: {e}", path.display())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn file_transport_writes_readable_eml_in_every_language() {
        let dir = tempfile::tempdir().unwrap();
        let t = MailTransport::from_config(None, dir.path().to_path_buf()).unwrap();
        let params = crate::MailParams { display_name: "Amina".into(), token: Some("abc_DEF-123".into()), ..Default::default() };
        for locale in ["fr", "ar", "en"] {
            let r = crate::templates::render(crate::Template::PasswordReset, locale, &params, "http://x");
            t.send(Uuid::now_v7(), "Sanad <no-reply@sanad.invalid>", "amina@example.org", &r).await.unwrap();
        }
        let files: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
        assert_eq!(files.len(), 3);
        for f in &files {
            assert!(f.contains("http://x/reset-password?token=abc_DEF-123"), "{f}");
            assert!(f.contains("Content-Transfer-Encoding: 8bit"));
        }
        assert!(files.iter().any(|f| f.contains("كلمة المرور")));
    }

    #[tokio::test]
    async fn an_unsubscribe_address_becomes_one_click_headers() {
        let dir = tempfile::tempdir().unwrap();
        let t = MailTransport::from_config(None, dir.path().to_path_buf()).unwrap();
        let params = crate::MailParams { unsubscribe: Some("/api/v1/forum/unsubscribe/tok".into()), ..Default::default() };
        let r = crate::templates::render(crate::Template::ForumPostLinkOnly, "fr", &params, "http://x");
        t.send(Uuid::now_v7(), "Sanad <no-reply@sanad.invalid>", "amina@example.org", &r).await.unwrap();
        let file = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
        let mail = std::fs::read_to_string(file).unwrap();
        assert!(mail.contains("List-Unsubscribe: <http://x/api/v1/forum/unsubscribe/tok>"), "{mail}");
        assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{mail}");
    }

    #[tokio::test]
    async fn a_mail_sent_again_is_the_same_message() {
        let dir = tempfile::tempdir().unwrap();
        let t = MailTransport::from_config(None, dir.path().to_path_buf()).unwrap();
        let r = crate::templates::render(crate::Template::VerifyEmail, "fr", &crate::MailParams::default(), "http://x");
        let id = Uuid::now_v7();
        // As after a worker killed between the send and the mark: the next claim sends it again.
        for _ in 0..2 {
            t.send(id, "Sanad <no-reply@sanad.invalid>", "amina@example.org", &r).await.unwrap();
        }
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let mail = std::fs::read_to_string(&files[0]).unwrap();
        assert!(mail.contains(&format!("Message-ID: <{id}@sanad>")), "{mail}");
    }

    #[tokio::test]
    async fn bad_addresses_are_permanent_failures() {
        let dir = tempfile::tempdir().unwrap();
        let t = MailTransport::from_config(None, dir.path().to_path_buf()).unwrap();
        let r = crate::templates::render(crate::Template::VerifyEmail, "fr", &crate::MailParams::default(), "http://x");
        let err = t.send(Uuid::now_v7(), "Sanad <no-reply@sanad.invalid>", "not an address", &r).await.unwrap_err();
        assert!(err.is_permanent());
        assert!(MailTransport::from_config(Some("ftp://nope"), dir.path().to_path_buf()).is_err());
    }
}
