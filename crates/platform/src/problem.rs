//! The one table of problem types and field codes: every `type` a client can
//! meet in an `application/problem+json` answer, with its status and title,
//! and every `code` of a field error. Domain errors ([`crate::Error`]), the
//! server's outer middleware and its operations and web-app endpoints all
//! build their answers from here; nothing else names a problem type.
//!
//! The table below is `docs/problems.md`, which a test writes from this
//! module and compares (`SANAD_WRITE_DOCS=1 cargo test -p sanad-platform
//! problem` rewrites it after a change).
#![doc = ""]
#![doc = include_str!("../../../docs/problems.md")]

use crate::error::Problem;
use poem::http::StatusCode;
use serde::{Deserialize, Serialize};

/// The prefix of every problem `type` (a URN: stable, never fetched).
pub const TYPE_PREFIX: &str = "urn:sanad:problem:";

/// Declares [`ProblemType`]: each row is its doc comment (what it means,
/// also the description of its status in the OpenAPI document when
/// operations answer it), then `Variant = status "slug" "title"`, and
/// `operations` when API operations may answer it.
macro_rules! problem_types {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $status:literal $slug:literal $title:literal $($operations:ident)?; )+) => {
        /// Every kind of problem, by what the client should do about it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ProblemType {
            $( $(#[doc = $doc])+ $variant, )+
        }

        impl ProblemType {
            /// Every problem type, by status.
            pub const ALL: &'static [ProblemType] = &[$(ProblemType::$variant),+];

            fn row(self) -> Row {
                match self {
                    $(ProblemType::$variant => Row {
                        status: $status,
                        slug: $slug,
                        title: $title,
                        meaning: concat!($($doc),+),
                        from_operations: problem_types!(@flag $($operations)?),
                    },)+
                }
            }
        }
    };
    (@flag operations) => { true };
    (@flag) => { false };
}

struct Row {
    status: u16,
    slug: &'static str,
    title: &'static str,
    meaning: &'static str,
    from_operations: bool,
}

problem_types! {
    /// The request could not be understood
    BadRequest = 400 "bad-request" "The request could not be understood" operations;
    /// Authentication required
    Unauthenticated = 401 "unauthenticated" "Please sign in" operations;
    /// Not allowed (or missing X-CSRF-Token with a session cookie)
    Forbidden = 403 "forbidden" "You are not allowed to do this" operations;
    /// A module whose prerequisites the caller has not finished; `detail` names the module to finish first
    ModuleLocked = 403 "module-locked" "Finish the earlier module first";
    /// Not found
    NotFound = 404 "not-found" "Not found" operations;
    /// The path exists but not with this method; the `Allow` header lists those it takes
    MethodNotAllowed = 405 "method-not-allowed" "Method not allowed";
    /// Conflict with existing data
    Conflict = 409 "conflict" "This conflicts with existing data" operations;
    /// One-time link used or expired
    Gone = 410 "gone" "This link is no longer valid" operations;
    /// Body too large
    PayloadTooLarge = 413 "payload-too-large" "Too large" operations;
    /// Unsupported media type
    UnsupportedMediaType = 415 "unsupported-media-type" "This type of content is not accepted" operations;
    /// Validation failed; see errors[]
    Validation = 422 "validation" "Some fields are not valid" operations;
    /// Too many attempts; see Retry-After
    TooManyRequests = 429 "too-many-requests" "Too many attempts" operations;
    /// Internal error; quote request_id
    Internal = 500 "internal" "Something went wrong on our side" operations;
    /// `/readyz`: the database is unreachable or migrations are pending
    NotReady = 503 "not-ready" "Not ready";
    /// The web app was not built into this binary and no SANAD_STATIC_DIR is set
    SpaNotBuilt = 503 "spa-not-built" "The web app has not been built";
}

impl ProblemType {
    /// The stable `type` URI, e.g. `urn:sanad:problem:not-found`.
    pub fn uri(self) -> String {
        format!("{TYPE_PREFIX}{}", self.slug())
    }

    /// The last part of the `type` URI.
    pub fn slug(self) -> &'static str {
        self.row().slug
    }

    /// The HTTP status it is answered with.
    pub fn status(self) -> StatusCode {
        StatusCode::from_u16(self.row().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The short human summary (`title`).
    pub fn title(self) -> &'static str {
        self.row().title
    }

    /// What it means for the client; for the types API operations answer,
    /// also the description of the status in the OpenAPI document.
    pub fn meaning(self) -> &'static str {
        self.row().meaning.trim()
    }

    /// Whether API operations may answer it (and document it).
    pub fn from_operations(self) -> bool {
        self.row().from_operations
    }

    /// The type an error status from outside Sanad's own code (the web
    /// framework's parse errors, 404, 405...) is reported as.
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => ProblemType::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ProblemType::MethodNotAllowed,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemType::UnsupportedMediaType,
            StatusCode::PAYLOAD_TOO_LARGE => ProblemType::PayloadTooLarge,
            StatusCode::UNAUTHORIZED => ProblemType::Unauthenticated,
            s if s.is_client_error() => ProblemType::BadRequest,
            _ => ProblemType::Internal,
        }
    }

    /// A problem document of this type for the current request.
    pub fn problem(self, detail: Option<String>) -> Problem {
        Problem {
            kind: self.uri(),
            title: self.title().into(),
            status: self.row().status,
            detail,
            errors: None,
            request_id: crate::telemetry::current_request_id(),
        }
    }
}

/// Declares [`FieldCode`]: each row is its doc comment (what it means), then
/// `Variant = "code"`.
macro_rules! field_codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $code:literal, )+) => {
        /// What is wrong with a field, as a stable code clients translate
        /// (the `code` of each entry of a validation problem's `errors`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, poem_openapi::Enum, Serialize, Deserialize)]
        pub enum FieldCode {
            $( $(#[doc = $doc])+ #[oai(rename = $code)] #[serde(rename = $code)] $variant, )+
        }

        impl FieldCode {
            /// Every field code.
            pub const ALL: &'static [FieldCode] = &[$(FieldCode::$variant),+];

            /// The code as sent.
            pub fn as_str(self) -> &'static str {
                match self { $(FieldCode::$variant => $code,)+ }
            }

            /// What it means.
            pub fn meaning(self) -> &'static str {
                match self { $(FieldCode::$variant => concat!($($doc),+).trim(),)+ }
            }
        }
    };
}

field_codes! {
    /// A value must be given and is missing or empty.
    Required = "required",
    /// Shorter than allowed (passwords).
    TooShort = "too_short",
    /// Longer than allowed, or too many entries in a list.
    TooLong = "too_long",
    /// Not in the expected form (an email address, a date, a slug, a cursor, a CSV file...).
    InvalidFormat = "invalid_format",
    /// Not one of the values of its vocabulary; the message lists them.
    UnknownValue = "unknown_value",
    /// A number or date outside the allowed range.
    OutOfRange = "out_of_range",
    /// Text with control characters.
    ControlCharacters = "control_characters",
    /// A password that is too easy to guess.
    TooWeak = "too_weak",
    /// Does not match what it is checked against (the current password).
    Mismatch = "mismatch",
    /// Well-formed but not accepted here (an answer, a choice, a Markdown image...).
    InvalidValue = "invalid_value",
    /// A course's content is wrong; the message says where and what, in English.
    InvalidContent = "invalid_content",
    /// The same thing twice in one import; the message names the other line.
    Duplicate = "duplicate",
}

impl std::fmt::Display for FieldCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for FieldCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The Markdown of `docs/problems.md`, written from the table.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Problem types and field codes\n\n\
         <!-- Written by crates/platform/src/problem.rs (its test checks this file); edit the table there. -->\n\n\
         Every error is answered as `application/problem+json` (RFC 9457) with a\n\
         stable `type`, a `title`, the `status`, sometimes a `detail`, and the\n\
         `request_id` to quote for internal errors. Clients act on `type` and\n\
         `status`; titles are for people and may be reworded. An error the web\n\
         framework raises with a status of no row of its own keeps that status,\n\
         as `bad-request` (4xx) or `internal` (5xx).\n\n\
         | `type` | status | title | meaning |\n|---|---|---|---|\n",
    );
    for t in ProblemType::ALL {
        out.push_str(&format!("| `{}` | {} | {} | {} |\n", t.uri(), t.row().status, t.title(), t.meaning()));
    }
    out.push_str(
        "\nA `validation` problem lists each offending field in `errors`:\n\
         `{\"field\": \"email\", \"code\": \"invalid_format\", \"message\": \"...\"}`. The\n\
         `message` is English; clients translate the `code`:\n\n\
         | `code` | meaning |\n|---|---|\n",
    );
    for c in FieldCode::ALL {
        out.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.meaning()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn each_type_and_code_is_named_once() {
        let slugs: HashSet<_> = ProblemType::ALL.iter().map(|t| t.slug()).collect();
        assert_eq!(slugs.len(), ProblemType::ALL.len());
        let codes: HashSet<_> = FieldCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), FieldCode::ALL.len());
        let statuses: Vec<u16> = ProblemType::ALL.iter().map(|t| t.row().status).collect();
        assert!(statuses.is_sorted(), "rows by status: {statuses:?}");
    }

    #[test]
    fn codes_are_sent_as_in_the_table() {
        for c in FieldCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::Value::String(c.as_str().into()));
        }
    }

    #[test]
    fn the_documentation_is_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/problems.md");
        let written = std::fs::read_to_string(path).unwrap_or_default();
        if std::env::var_os("SANAD_WRITE_DOCS").is_some() {
            std::fs::write(path, markdown()).unwrap();
            return;
        }
        assert!(
            written == markdown(),
            "docs/problems.md differs from the table in problem.rs: run SANAD_WRITE_DOCS=1 cargo test -p sanad-platform problem"
        );
    }
}
