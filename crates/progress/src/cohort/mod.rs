//! Cohorts: a trainer's group following one course together, its dashboard,
//! invitations and reminders.

pub mod api;
pub(crate) mod dashboards;
pub mod model;
pub mod service;
pub mod store;
