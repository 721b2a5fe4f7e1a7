//! The practice community: a forum where professionals discuss cases safely.
//!
//! Categories, topics and posts (Markdown rendered to sanitized HTML on
//! write), reactions, the answer mark, flags, anonymity by per-topic
//! pseudonyms, the screening pipeline ([`screening`]) that finds identifying
//! data of a child or a family, holding such posts until a moderator
//! decides, the moderators' audited look-ups, notifications in the app and
//! by mail (at once, or in daily and weekly digests), live pages through
//! server-sent events ([`events`]), and search over published posts.

pub mod api;
pub mod author;
pub mod events;
pub mod hold;
pub mod index_store;
pub mod kept;
pub mod limits;
pub mod mail;
pub mod mentions;
pub mod model;
pub mod revisions;
pub mod screening;
pub mod search;
pub mod service;
pub mod store;
pub mod unsubscribe;

pub use api::{ForumApi, ModerationApi};
pub use service::{Forum, ForumSeams};
