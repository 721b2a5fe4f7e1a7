//! Learning progress: enrolment, completion and resume, prerequisites between
//! modules, the append-only log of learning events, and the attestations a
//! completed course earns.

pub mod api;
pub mod attestation;
pub mod model;
pub mod service;
pub mod store;

pub use api::ProgressApi;
pub use service::Progress;
