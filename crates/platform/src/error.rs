//! One error type for every domain crate, answered as RFC 9457
//! `application/problem+json` with a stable `type`, a human `title`, and for
//! validation the offending fields. Internal failures are logged with the
//! request id and shown to the user only as that id. Problem types and
//! field codes are listed once, in [`crate::problem`].

use poem::http::{HeaderValue, StatusCode, header};
use poem::{IntoResponse, Response};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::{ApiResponse, Object, types::Type};
use serde::{Deserialize, Serialize};

pub use crate::problem::{FieldCode, ProblemType, Reason, ReasonCode};

use std::collections::BTreeMap;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Result alias used by services and stores.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A field that failed validation and why, in words a user can act on.
#[derive(Clone, Debug, PartialEq, Eq, Object, Serialize, Deserialize)]
pub struct FieldError {
    /// The JSON field (or query parameter) at fault.
    pub field: String,
    /// A stable code for what is wrong, for clients to translate
    /// (listed in docs/problems.md).
    pub code: FieldCode,
    /// What is wrong with it, in English.
    pub message: String,
    /// For `invalid_content`: what is wrong, and where in the course it is.
    #[oai(flatten)]
    #[serde(flatten)]
    pub because: Because,
}

/// Why, as a stable code (`reason`, listed in docs/problems.md) with the
/// values its sentence names (`params`), for clients to say in the reader's
/// language; part of a problem and of a field error, both absent when there
/// is no such reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Object, Serialize, Deserialize)]
pub struct Because {
    /// Why, as a stable code (listed in docs/problems.md); its English
    /// sentence is a problem's `detail`, a field error's `message`.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonCode>,
    /// The values the reason names (for content, where in the course it is).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<BTreeMap<String, String>>,
}

impl From<&Reason> for Because {
    fn from(reason: &Reason) -> Self {
        Self { reason: Some(reason.code), params: (!reason.params.is_empty()).then(|| reason.params.clone()) }
    }
}

impl FieldError {
    /// A field error with its code and message.
    pub fn new(field: &str, code: FieldCode, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, message: message.into(), because: Because::default() }
    }

    /// A field error whose message is a reason's English sentence.
    pub fn with_reason(field: &str, code: FieldCode, reason: Reason) -> Self {
        Self { field: field.into(), code, message: reason.english(), because: Because::from(&reason) }
    }
}

/// The body of every error response (RFC 9457).
#[derive(Clone, Debug, Object, Serialize, Deserialize)]
pub struct Problem {
    /// Stable identifier of the kind of problem.
    #[oai(rename = "type")]
    #[serde(rename = "type")]
    pub kind: String,
    /// Short human summary.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// More about this occurrence, when there is something useful to say.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For validation problems: each offending field.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// For refusals: why (`detail` is its English sentence).
    #[oai(flatten)]
    #[serde(flatten)]
    pub because: Because,
    /// The request id, to quote when reporting an internal error.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Everything that can go wrong in a request, by what the client should do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is well-formed but some fields are wrong (422).
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    /// The request cannot be understood (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No valid session or token (401).
    #[error("authentication required")]
    Unauthenticated,
    /// Authenticated, but not allowed (403).
    #[error("forbidden: {0}")]
    Forbidden(Reason),
    /// A module whose prerequisites the caller has not finished (403): names the module to finish first.
    #[error("locked until module {module} is finished")]
    Locked { module: uuid::Uuid, title: String },
    /// Nothing here, or nothing the caller may know about (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change clashes with the current state (409).
    #[error("conflict: {0}")]
    Conflict(Reason),
    /// A one-time link that was used or has expired (410).
    #[error("gone: {0}")]
    Gone(Reason),
    /// The body or a file is larger than allowed (413).
    #[error("too large: {0}")]
    TooLarge(Reason),
    /// A file of a type that is not accepted (415).
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(Reason),
    /// Too many attempts; try again after this many seconds (429).
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// Too many of something within a while (429): `detail` says what and
    /// when to try again, in the caller's language (the forum's rate limits).
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64, detail: String },
    /// A failure of ours, not the client's (500); the cause is logged, never
    /// shown. When the cause, or any cause under it, is the database out of
    /// reach or busy ([`crate::db::is_unavailable`], [`crate::batch::Failed`]),
    /// it is answered as `unavailable` (503, `Retry-After`): a store's error
    /// keeps its cause on its way here (`e.into()`, `.context(..)`).
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// A single-field validation error.
    pub fn invalid(field: &str, code: FieldCode, message: &str) -> Self {
        Error::Invalid(vec![FieldError::new(field, code, message)])
    }

    /// The kind of problem this error is answered as.
    pub fn problem_type(&self) -> ProblemType {
        match self {
            Error::Invalid(_) => ProblemType::Validation,
            Error::BadRequest(_) => ProblemType::BadRequest,
            Error::Unauthenticated => ProblemType::Unauthenticated,
            Error::Forbidden(_) => ProblemType::Forbidden,
            Error::Locked { .. } => ProblemType::ModuleLocked,
            Error::NotFound(_) => ProblemType::NotFound,
            Error::Conflict(_) => ProblemType::Conflict,
            Error::Gone(_) => ProblemType::Gone,
            Error::TooLarge(_) => ProblemType::PayloadTooLarge,
            Error::UnsupportedMediaType(_) => ProblemType::UnsupportedMediaType,
            Error::TooManyRequests { .. } | Error::RateLimited { .. } => ProblemType::TooManyRequests,
            Error::Internal(cause) if database_unavailable(cause) => ProblemType::Unavailable,
            Error::Internal(_) => ProblemType::Internal,
        }
    }

    /// Whether this is the database out of reach or busy (503 `unavailable`):
    /// the same request may succeed shortly.
    pub fn is_unavailable(&self) -> bool {
        self.problem_type() == ProblemType::Unavailable
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        self.problem_type().status()
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let detail = match self {
            Error::Invalid(_) | Error::Unauthenticated | Error::Internal(_) => None,
            Error::BadRequest(d) => Some(d.clone()),
            Error::Forbidden(r) | Error::Conflict(r) | Error::Gone(r) | Error::TooLarge(r) | Error::UnsupportedMediaType(r) => {
                Some(r.english())
            }
            Error::NotFound(what) => Some(format!("{what} not found")),
            Error::Locked { title, .. } => Some(format!("finish the module \u{201c}{title}\u{201d} first")),
            Error::TooManyRequests { retry_after_secs } => Some(format!("try again in {retry_after_secs} seconds")),
            Error::RateLimited { detail, .. } => Some(detail.clone()),
        };
        let mut problem = self.problem_type().problem(detail);
        match self {
            Error::Invalid(errors) => problem.errors = Some(errors.clone()),
            Error::Forbidden(r) | Error::Conflict(r) | Error::Gone(r) | Error::TooLarge(r) | Error::UnsupportedMediaType(r) => {
                problem.because = Because::from(r);
            }
            _ => {}
        }
        problem
    }
}

impl Problem {
    /// The problem as an HTTP response.
    pub fn into_http(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        Response::builder().status(status).content_type(PROBLEM_JSON).body(body)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let kind = self.problem_type();
        if let Error::Internal(cause) = &self {
            // Only the id reaches the user; the cause goes to the log.
            if kind == ProblemType::Unavailable {
                tracing::warn!(error = %format!("{cause:#}"), "database unavailable");
            } else {
                tracing::error!(error = %format!("{cause:#}"), "internal error");
            }
        }
        let mut resp = self.problem().into_http();
        let retry_after = match self {
            Error::TooManyRequests { retry_after_secs } | Error::RateLimited { retry_after_secs, .. } => Some(retry_after_secs.max(1)),
            _ if kind == ProblemType::Unavailable => Some(RETRY_WHEN_UNAVAILABLE_SECS),
            _ => None,
        };
        if let Some(secs) = retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

impl From<Error> for poem::Error {
    fn from(e: Error) -> Self {
        let status = e.status();
        let mut err = poem::Error::from_response(e.into_response());
        err.set_error_message(status.canonical_reason().unwrap_or("error"));
        err
    }
}

/// How long a client is asked to wait when the database is out of reach:
/// about as long as a PostgreSQL restart or a failover takes.
const RETRY_WHEN_UNAVAILABLE_SECS: u64 = 5;

/// Whether a failure's cause, or any cause under it, is the database out of
/// reach (a batched read's too: [`crate::batch::Failed`], [`crate::db::OutOfReach`]).
fn database_unavailable(cause: &anyhow::Error) -> bool {
    cause.chain().any(|e| {
        e.downcast_ref::<sqlx::Error>().is_some_and(crate::db::is_unavailable)
            || e.downcast_ref::<crate::batch::Failed>().is_some_and(|f| f.unavailable)
            || e.is::<crate::db::OutOfReach>()
    })
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Internal(anyhow::Error::new(e).context("database"))
    }
}

impl ApiResponse for Error {
    fn meta() -> MetaResponses {
        MetaResponses {
            // Every status an operation may answer with a problem, documented once.
            responses: ProblemType::ALL
                .iter()
                .filter(|t| t.from_operations())
                .map(|t| MetaResponse {
                    description: t.meaning(),
                    status: Some(t.status().as_u16()),
                    status_range: None,
                    content: vec![MetaMediaType { content_type: PROBLEM_JSON, schema: Problem::schema_ref() }],
                    headers: vec![],
                })
                .collect(),
        }
    }

    fn register(registry: &mut Registry) {
        Problem::register(registry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_bodies() {
        let e = Error::invalid("email", FieldCode::InvalidFormat, "is not an email address");
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let p = e.problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.errors.unwrap()[0].field, "email");
        let resp = Error::TooManyRequests { retry_after_secs: 30 }.into_response();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(resp.headers().get("retry-after").unwrap(), "30");
        assert_eq!(resp.headers().get("content-type").unwrap(), PROBLEM_JSON);
    }

    #[test]
    fn the_database_out_of_reach_is_503_with_retry_after() {
        let unavailable = [
            Error::from(sqlx::Error::PoolTimedOut),
            Error::Internal(sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into()).into()),
            Error::Internal(anyhow::Error::new(sqlx::Error::PoolClosed).context("reading a topic").context("forum")),
            Error::Internal(crate::batch::Failed { unavailable: true }.into()),
            Error::Internal(crate::db::OutOfReach.into()),
        ];
        for e in unavailable {
            let resp = e.into_response();
            assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(resp.headers().get(header::RETRY_AFTER).unwrap(), "5");
            assert_eq!(resp.headers().get(header::CONTENT_TYPE).unwrap(), PROBLEM_JSON);
        }
        let internal = [
            Error::from(sqlx::Error::RowNotFound),
            Error::from(sqlx::Error::ColumnNotFound("x".into())),
            Error::Internal(crate::batch::Failed { unavailable: false }.into()),
            Error::Internal(anyhow::anyhow!("PoolTimedOut, said as text")),
        ];
        for e in internal {
            let resp = e.into_response();
            assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert!(resp.headers().get(header::RETRY_AFTER).is_none());
        }
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let p = Error::Internal(anyhow::anyhow!("secret connection string")).problem();
        assert!(!serde_json::to_string(&p).unwrap().contains("secret"));
    }
}
