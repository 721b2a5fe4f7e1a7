//! One error type for every domain crate, answered as RFC 9457
//! `application/problem+json` with a stable `type`, a human `title`, and for
//! validation the offending fields. Internal failures are logged with the
//! request id and shown to the user only as that id.

use poem::http::{HeaderValue, StatusCode, header};
use poem::{IntoResponse, Response};
use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::{ApiResponse, Object, types::Type};
use serde::{Deserialize, Serialize};

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Result alias used by services and stores.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A field that failed validation and why, in words a user can act on.
#[derive(Clone, Debug, PartialEq, Eq, Object, Serialize, Deserialize)]
pub struct FieldError {
    /// The JSON field (or query parameter) at fault.
    pub field: String,
    /// A stable code for what is wrong, for clients to translate:
    /// `required`, `too_short`, `too_long`, `invalid_format`, `unknown_value`,
    /// `out_of_range`, `control_characters`, `too_weak`, `mismatch`, `invalid_value`,
    /// `invalid_content` (a course's content; the message then says where).
    pub code: String,
    /// What is wrong with it, in English.
    pub message: String,
}

impl FieldError {
    /// A field error with its code and message.
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
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
    Forbidden(String),
    /// A module whose prerequisites the caller has not finished (403): names the module to finish first.
    #[error("locked until module {module} is finished")]
    Locked { module: uuid::Uuid, title: String },
    /// Nothing here, or nothing the caller may know about (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change clashes with the current state (409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A one-time link that was used or has expired (410).
    #[error("gone: {0}")]
    Gone(String),
    /// The body or a file is larger than allowed (413).
    #[error("too large: {0}")]
    TooLarge(String),
    /// A file of a type that is not accepted (415).
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// Too many attempts; try again after this many seconds (429).
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// A failure of ours, not the client's (500); the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// A single-field validation error.
    pub fn invalid(field: &str, code: &str, message: &str) -> Self {
        Error::Invalid(vec![FieldError::new(field, code, message)])
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthenticated => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) | Error::Locked { .. } => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Gone(_) => StatusCode::GONE,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (slug, title, detail, errors) = match self {
            Error::Invalid(errors) => ("validation", "Some fields are not valid", None, Some(errors.clone())),
            Error::BadRequest(d) => ("bad-request", "The request could not be understood", Some(d.clone()), None),
            Error::Unauthenticated => ("unauthenticated", "Please sign in", None, None),
            Error::Forbidden(d) => ("forbidden", "You are not allowed to do this", Some(d.clone()), None),
            Error::Locked { title, .. } => (
                "module-locked",
                "Finish the earlier module first",
                Some(format!("finish the module \u{201c}{title}\u{201d} first")),
                Some(vec![FieldError::new("module", "locked", title.clone())]),
            ),
            Error::NotFound(what) => ("not-found", "Not found", Some(format!("{what} not found")), None),
            Error::Conflict(d) => ("conflict", "This conflicts with existing data", Some(d.clone()), None),
            Error::Gone(d) => ("gone", "This link is no longer valid", Some(d.clone()), None),
            Error::TooLarge(d) => ("payload-too-large", "Too large", Some(d.clone()), None),
            Error::UnsupportedMediaType(d) => ("unsupported-media-type", "This type of file is not accepted", Some(d.clone()), None),
            Error::TooManyRequests { retry_after_secs } => {
                ("too-many-requests", "Too many attempts", Some(format!("try again in {retry_after_secs} seconds")), None)
            }
            Error::Internal(_) => ("internal", "Something went wrong on our side", None, None),
        };
        problem(status, slug, title, detail, errors)
    }
}

/// Builds a problem document; `slug` becomes the stable `type`.
pub fn problem(status: StatusCode, slug: &str, title: &str, detail: Option<String>, errors: Option<Vec<FieldError>>) -> Problem {
    Problem {
        kind: format!("urn:sanad:problem:{slug}"),
        title: title.into(),
        status: status.as_u16(),
        detail,
        errors,
        request_id: crate::telemetry::current_request_id(),
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
        if let Error::Internal(cause) = &self {
            // Only the id reaches the user; the cause goes to the log.
            tracing::error!(error = %format!("{cause:#}"), "internal error");
        }
        let mut resp = self.problem().into_http();
        if let Error::TooManyRequests { retry_after_secs } = self {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
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

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Internal(anyhow::Error::new(e).context("database"))
    }
}

/// Every status an operation may answer with a problem, documented once.
const PROBLEM_STATUSES: &[(u16, &str)] = &[
    (400, "The request could not be understood"),
    (401, "Authentication required"),
    (403, "Not allowed (or missing X-CSRF-Token with a session cookie)"),
    (404, "Not found"),
    (409, "Conflict with existing data"),
    (410, "One-time link used or expired"),
    (413, "Body too large"),
    (415, "Unsupported media type"),
    (422, "Validation failed; see errors[]"),
    (429, "Too many attempts; see Retry-After"),
    (500, "Internal error; quote request_id"),
];

impl ApiResponse for Error {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: PROBLEM_STATUSES
                .iter()
                .map(|(status, description)| MetaResponse {
                    description,
                    status: Some(*status),
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
        let e = Error::invalid("email", "invalid_format", "is not an email address");
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
    fn internal_errors_hide_their_cause() {
        let p = Error::Internal(anyhow::anyhow!("secret connection string")).problem();
        assert!(!serde_json::to_string(&p).unwrap().contains("secret"));
    }
}
