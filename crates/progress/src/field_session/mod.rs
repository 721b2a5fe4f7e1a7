//! Field sessions: what professionals ran with children, parents, colleagues
//! or the community after their training, and the totals trainers follow.

pub mod api;
pub mod model;
pub mod service;
pub mod store;
