//! What every domain crate of Sanad needs and nothing domain-specific:
//! configuration, the database handle, the problem+json error type, ids, the
//! clock, pagination cursors, the authenticated caller, and metrics; and the
//! rules every crate shares: text folding, language negotiation, paging, roles.

pub mod auth;
pub mod batch;
pub mod change;
pub mod client;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod folding;
pub mod ids;
pub mod language;
pub mod learning;
pub mod markdown;
pub mod page;
pub mod payload;
pub mod people;
pub mod print;
pub mod problem;
pub mod resources;
pub mod responses;
pub mod secret;
pub mod spreadsheet;
pub mod telemetry;
pub mod text;
pub mod vocabulary;

pub use auth::{Caller, Role};
pub use change::Change;
pub use clock::Clock;
pub use config::Config;
pub use db::{Db, Tx};
pub use error::{Error, FieldCode, FieldError, Reason, ReasonCode, Result};
pub use text::Text;
