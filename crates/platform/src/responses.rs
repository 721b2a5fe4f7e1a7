//! Bodiless success responses shared by every API.

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
