//! Courses: the catalogue, modules, lessons, quizzes and branching case
//! studies; authoring with drafts and published versions; and the course
//! folder format for import and export.

pub mod api;
pub mod authoring;
pub mod content;
pub mod folder;
pub mod model;
pub mod outline;
pub mod quiz;
pub mod service;
pub mod starter;
pub mod store;
pub mod validate;

pub use api::CoursesApi;
pub use service::Courses;
