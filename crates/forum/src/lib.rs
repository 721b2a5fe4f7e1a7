//! The practice community: a forum where professionals discuss cases safely.
//!
//! So far the crate holds the screening pipeline ([`screening`]), which decides
//! whether a post carries identifying data of a child or a family and must be
//! held before publication. The forum's model, API and moderation come next.

pub mod screening;
