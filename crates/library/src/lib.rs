//! The resource library: resources and their files, search with tantivy in
//! French and Arabic, ratings and usage (tool evaluation), and the directory
//! of services of each territory.

pub mod directory;
pub mod search;
