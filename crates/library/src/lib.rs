//! The resource library: resources and their files, search with tantivy in
//! French and Arabic, ratings and usage (tool evaluation), and the directory
//! of services of each territory.

pub mod api;
pub mod demo;
pub mod directory;
pub mod extract;
pub mod files;
pub mod lessons;
pub mod model;
pub mod pdfgen;
pub mod resource_titles;
pub mod search;
pub mod service;
pub mod store;

pub use api::LibraryApi;
pub use service::Library;
