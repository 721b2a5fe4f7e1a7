//! Accounts: people, sessions, roles, organisations and territories, email
//! verification, password reset, and personal API tokens.

pub mod api;
pub mod kept;
pub mod model;
pub mod password;
pub mod service;
pub mod store;

pub use api::AccountsApi;
pub use service::Accounts;
