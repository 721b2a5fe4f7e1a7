//! Learning progress: enrolment, completion and the attestations (certificates)
//! a completed course earns. So far only the attestation itself: its code and
//! its bilingual PDF.

pub mod attestation;
