//! The `sanad` service: wiring of the domain crates into one HTTP server,
//! its middleware, the background workers, and the SPA endpoint.

pub mod app;
pub mod http;
pub mod lessons;
pub mod ops;
pub mod representation;
pub mod spa;

pub use app::{App, RunningServer, openapi_service, spawn};
