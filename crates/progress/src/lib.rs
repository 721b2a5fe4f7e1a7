//! Learning progress: enrolment, completion and resume, prerequisites between
//! modules, the append-only log of learning events, and the attestations a
//! completed course earns.

pub mod api;
pub mod attestation;
pub mod cohort;
pub mod field_session;
mod group_commit;
pub mod mail;
pub mod model;
pub mod service;
pub mod store;

pub use api::ProgressApi;
pub use cohort::api::CohortApi;
pub use field_session::api::FieldSessionApi;
pub use service::{Progress, ProgressSeams};
