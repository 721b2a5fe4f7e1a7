//! Success responses shared by every API: bodiless ones, and JSON bodies
//! written without building poem-openapi's `serde_json::Value` first.

use poem_openapi::ApiResponse;

/// 204: done, nothing to return.
#[derive(Debug, ApiResponse)]
pub enum NoContent {
    /// Done.
    #[oai(status = 204)]
    Done,
}

/// 202: accepted; what follows happens out of band (e.g. an email).
#[derive(Debug, ApiResponse)]
pub enum Accepted {
    /// Accepted.
    #[oai(status = 202)]
    Accepted,
}

/// A `200` JSON body written straight from the value by serde, for the
/// busiest reads (a category's list; a topic's page is a [`WrittenJson`]).
/// [`poem_openapi::payload::Json`] first builds a `serde_json::Value` of the
/// whole answer (a map per object, a copy of every string) and then writes
/// that: over a tenth of the server's samples on a topic's page
/// (bench/README.md). The document is the same: the schema is `T`'s, and
/// `T`'s `Serialize` must write what its `ToJSON` would (each type written
/// by serde has a test saying so, with [`same_json`]); dates go through
/// [`rfc3339`] for that.
#[derive(Debug)]
pub struct DirectJson<T>(pub T);

impl<T: serde::Serialize + Send> poem::IntoResponse for DirectJson<T> {
    fn into_response(self) -> poem::Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => poem::Response::builder().content_type("application/json; charset=utf-8").body(body),
            Err(e) => {
                tracing::error!(error = %e, "an answer could not be written as JSON");
                poem::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

impl<T: poem_openapi::types::ToJSON + serde::Serialize + Send> poem_openapi::ApiResponse for DirectJson<T> {
    fn meta() -> poem_openapi::registry::MetaResponses {
        <poem_openapi::payload::Json<T> as poem_openapi::ApiResponse>::meta()
    }

    fn register(registry: &mut poem_openapi::registry::Registry) {
        T::register(registry);
    }
}

/// A `200` JSON body of `T`'s schema that the service has already written,
/// for a topic's page: the posts every reader shares are written once when
/// the page is kept, and each answer only splices the reader's own fields in
/// (`forum::kept`). Tests compare such a body with what `T`'s `ToJSON` writes.
#[derive(Debug)]
pub struct WrittenJson<T> {
    body: Vec<u8>,
    schema: std::marker::PhantomData<fn() -> T>,
}

impl<T> WrittenJson<T> {
    /// A body of `T`'s schema, written as JSON.
    pub fn new(body: Vec<u8>) -> Self {
        Self { body, schema: std::marker::PhantomData }
    }
}

impl<T: Send> poem::IntoResponse for WrittenJson<T> {
    fn into_response(self) -> poem::Response {
        poem::Response::builder().content_type("application/json; charset=utf-8").body(self.body)
    }
}

impl<T: poem_openapi::types::ToJSON + Send> poem_openapi::ApiResponse for WrittenJson<T> {
    fn meta() -> poem_openapi::registry::MetaResponses {
        <poem_openapi::payload::Json<T> as poem_openapi::ApiResponse>::meta()
    }

    fn register(registry: &mut poem_openapi::registry::Registry) {
        T::register(registry);
    }
}

/// Writes a time as poem-openapi does (`to_rfc3339`: `+00:00`, not `Z`), for
/// [`DirectJson`] types: `#[serde(serialize_with = "rfc3339")]`.
pub fn rfc3339<S: serde::Serializer>(at: &chrono::DateTime<chrono::Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339())
}

/// [`rfc3339`] for an optional time (null when absent).
pub fn rfc3339_or_null<S: serde::Serializer>(at: &Option<chrono::DateTime<chrono::Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, s),
        None => s.serialize_none(),
    }
}

/// Whether `value` writes the same JSON through serde as through
/// poem-openapi: what a [`DirectJson`] type's test asserts.
pub fn same_json<T: serde::Serialize + poem_openapi::types::ToJSON>(value: &T) -> Result<(), String> {
    let direct = serde_json::to_value(value).map_err(|e| e.to_string())?;
    let typed = value.to_json().unwrap_or(serde_json::Value::Null);
    if direct == typed { Ok(()) } else { Err(format!("serde wrote {direct}\npoem-openapi wrote {typed}")) }
}
