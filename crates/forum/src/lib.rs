//! The practice community: categories, topics and posts (Markdown rendered
//! to sanitized HTML on write), reactions, the answer mark, anonymity by
//! per-topic pseudonyms, holding posts that identify a child or a family
//! until a moderator decides, the moderators' audited look-ups, and
//! notifications in the app and by mail.

pub mod api;
pub mod author;
pub mod hold;
pub mod mail;
pub mod model;
pub mod search;
pub mod service;
pub mod store;
pub mod unsubscribe;

pub use api::{ForumApi, ModerationApi};
pub use service::{Forum, ForumSeams};
