//! Search: analyzers, the thesaurus, the query, the index, the collector of results and facets, and snippets.

pub mod analyzers;
pub mod collector;
pub mod index;
pub mod query;
pub mod snippet;
pub mod thesaurus;

pub use collector::{Filters, SortKey};
pub use index::{DocKind, IndexDoc, LANGS, LibraryIndex, register_analyzers};
