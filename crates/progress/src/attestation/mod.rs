//! Attestations: the document a learner receives for a completed course, and
//! the code anyone types or scans to verify it.

pub mod code;
pub mod pdf;

pub use code::{AttestationCode, CodeError};
pub use pdf::{AttestationDocument, RenderError, render};
