//! Search: analyzers, the index, and the collector of results and facets.

pub mod analyzers;
pub mod collector;
pub mod index;

pub use collector::{Filters, SortKey};
pub use index::{IndexDoc, LibraryIndex};
