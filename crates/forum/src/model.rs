//! The forum's API objects, its vocabularies, and the plain inputs the
//! service takes.

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use sanad_platform::Text;
use sanad_platform::responses::{rfc3339, rfc3339_or_null};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Defines a vocabulary: the enum (wire names in snake_case), its stored name and its parse.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Enum, Serialize, Deserialize)]
        #[oai(rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and sent name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// Parses a stored name.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

vocabulary! {
    /// Where a post stands.
    PostStatus {
        /// Everyone signed in reads it.
        Published = "published",
        /// Held by screening: only its author and moderators read it.
        Held = "held",
        /// Refused by a moderator.
        Rejected = "rejected",
        /// Deleted by its author or a moderator.
        Deleted = "deleted",
    }
}

vocabulary! {
    /// A way to react to a post (one of each per person).
    ReactionKind {
        Thanks = "thanks",
        Helpful = "helpful",
        Support = "support",
    }
}

vocabulary! {
    /// How closely a person follows a topic.
    SubscriptionLevel {
        /// Told of every new post.
        Watching = "watching",
        /// Told of replies to their own topic.
        Normal = "normal",
        /// Never told.
        Muted = "muted",
    }
}

vocabulary! {
    /// How a person wants forum mail.
    EmailFrequency {
        Immediate = "immediate",
        Daily = "daily",
        Weekly = "weekly",
        Off = "off",
    }
}

vocabulary! {
    /// What a moderator decides about a held or flagged post.
    Decision {
        /// Publish it as it is.
        Approve = "approve",
        /// Refuse it: nobody but its author sees it again.
        Reject = "reject",
        /// Replace its text (the old one kept as a revision with the note), then publish.
        Redact = "redact",
    }
}

vocabulary! {
    /// Why a member flags a post.
    FlagReason {
        /// It identifies a child or a family.
        Identifying = "identifying",
        /// It could hurt someone.
        Harmful = "harmful",
        Spam = "spam",
        Other = "other",
    }
}

vocabulary! {
    /// Why a member was notified.
    NotificationKind {
        /// A new post in the member's own topic.
        Reply = "reply",
        /// A new post in a topic the member watches.
        Watched = "watched",
        /// A post names the member (`@` and their name in the topic).
        Mention = "mention",
        /// A post quotes the member's post (a block quote in a reply to it).
        Quote = "quote",
        /// A new topic in a category the member watches.
        NewTopic = "new_topic",
    }
}

/// Who wrote something, as members see it: `{id, display_name}`, or
/// `{pseudonym}` only for an anonymous post. Made in one place,
/// [`crate::author::shown`].
#[derive(Clone, Debug, PartialEq, Eq, Object, Serialize)]
pub struct AuthorView {
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The author's name within this topic when they posted anonymously.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pseudonym: Option<String>,
}

/// A category, in the reader's language.
#[derive(Clone, Debug, Object)]
pub struct CategoryView {
    pub slug: String,
    pub title: String,
    pub description: String,
    /// Members may post under a pseudonym here.
    pub anonymous_allowed: bool,
    /// Mail about posts here carries only a link.
    pub sensitive: bool,
    /// The territory of a territorial category.
    #[oai(nullable)]
    pub territory: Option<String>,
    /// Published topics.
    pub topic_count: i64,
}

/// Every category.
#[derive(Clone, Debug, Object)]
pub struct CategoryList {
    pub items: Vec<CategoryView>,
}

/// A topic in a category's list.
#[derive(Clone, Debug, Object, Serialize)]
pub struct TopicSummary {
    pub id: Uuid,
    pub title: String,
    pub author: AuthorView,
    pub reply_count: i64,
    #[serde(serialize_with = "rfc3339")]
    pub last_activity_at: DateTime<Utc>,
    /// Posts the caller has not seen yet.
    pub unread: bool,
}

/// One page of a category's topics, latest activity first.
// Written by serde (platform::responses::DirectJson): Serialize must write what ToJSON would.
#[derive(Clone, Debug, Object, Serialize)]
pub struct TopicPage {
    pub items: Vec<TopicSummary>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `POST /forum/topics`: the body is the topic's first post.
#[derive(Clone, Debug, Object)]
pub struct NewTopic {
    /// A category's slug.
    pub category: Text,
    pub title: Text,
    /// Markdown.
    pub body: Text,
    /// Post under a pseudonym (where the category allows it).
    pub anonymous: Option<bool>,
}

/// Why screening held a post, in the author's language.
#[derive(Clone, Debug, PartialEq, Eq, Object, Serialize, Deserialize)]
pub struct Reason {
    /// `phone`, `national_id`, `student_id`, `email`, `address`, `social_profile`, `child_name`,
    /// `case_number`... (a flag's reason for an item flagged by members).
    pub kind: String,
    /// What was found and how to write it without identifying anyone.
    pub message: String,
    /// Where: `title` or `body` (empty for a member's flag).
    #[serde(default)]
    pub field: String,
    /// The passage as the author wrote it (empty for a member's flag).
    #[serde(default)]
    pub passage: String,
}

/// What became of a topic or post sent: published (201) or held (202) with the reasons.
#[derive(Clone, Debug, Object)]
pub struct Submission {
    /// The topic's id for a new topic, the post's otherwise.
    pub id: Uuid,
    pub topic_id: Uuid,
    pub post_id: Uuid,
    pub status: PostStatus,
    /// Empty when published.
    pub reasons: Vec<Reason>,
}

/// A topic's head.
#[derive(Clone, Debug, Object, Serialize)]
pub struct TopicView {
    pub id: Uuid,
    pub category: String,
    pub title: String,
    pub author: AuthorView,
    pub status: PostStatus,
    pub reply_count: i64,
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339")]
    pub last_activity_at: DateTime<Utc>,
    /// The post its author marked as the most helpful answer.
    #[oai(nullable)]
    pub answer_post_id: Option<Uuid>,
    /// Whether the caller opened it (true for an anonymous topic's author
    /// too, and told to nobody else): its author may change its title.
    pub mine: bool,
    /// How the caller follows it.
    pub subscription: SubscriptionLevel,
    /// The number of the last post the caller had seen before this page (0:
    /// never opened), so a client can jump to the first unread.
    pub last_read_seq: i64,
    /// The number of its last published post: the caller has unread posts
    /// while it is above `last_read_seq` (numbers skip held and removed posts).
    pub last_published_seq: i64,
}

/// A post as members see it.
// Written by serde (crate::kept::KeptPost, then the reader's own fields
// spliced in: they come last, in this order): Serialize must write what
// ToJSON would.
#[derive(Clone, Debug, Object, Serialize)]
pub struct PostView {
    pub id: Uuid,
    /// Its number in the topic, from 1.
    pub seq: i64,
    pub author: AuthorView,
    /// Sanitized HTML, rendered when the post was written.
    pub body_html: String,
    #[oai(nullable)]
    pub reply_to: Option<Uuid>,
    pub status: PostStatus,
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    #[oai(nullable)]
    #[serde(serialize_with = "rfc3339_or_null")]
    pub edited_at: Option<DateTime<Utc>>,
    /// Count of each kind of reaction.
    pub reactions: BTreeMap<String, i64>,
    /// For a held post (seen only by its author and moderators): why.
    pub reasons: Vec<Reason>,
    // The caller's own fields come last: a kept page writes the rest once
    // for every reader and splices these in (`crate::kept::KeptPost`).
    /// The caller's own reactions.
    pub my_reactions: Vec<ReactionKind>,
    /// The caller wrote it (only ever true for its author, anonymous or not).
    pub mine: bool,
    /// Its Markdown as written, to edit from: for its author and moderators only (null otherwise).
    #[oai(nullable)]
    pub body: Option<String>,
}

/// A topic and one page of its posts (20 by default).
// Written by serde as a whole for a page built for one reader, and in parts
// (the head, each post, the cursor) by crate::kept::KeptTopicPage::write_for:
// Serialize must write what ToJSON would.
#[derive(Clone, Debug, Object, Serialize)]
pub struct TopicWithPosts {
    pub topic: TopicView,
    pub posts: Vec<PostView>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `POST /forum/topics/{id}/posts`.
#[derive(Clone, Debug, Object)]
pub struct NewPost {
    /// Markdown.
    pub body: Text,
    /// The post this one answers.
    pub reply_to: Option<Uuid>,
    pub anonymous: Option<bool>,
}

/// `PATCH /forum/topics/{id}`.
#[derive(Clone, Debug, Object)]
pub struct TopicEdit {
    /// The new title: one line, at most 200 characters; screened with the first post.
    pub title: Text,
}

/// `PATCH /forum/posts/{id}`.
#[derive(Clone, Debug, Object)]
pub struct PostEdit {
    /// Markdown; screened again.
    pub body: Text,
}

/// `POST /forum/posts/{id}/reactions`.
#[derive(Clone, Debug, Object)]
pub struct NewReaction {
    pub kind: ReactionKind,
}

/// A reaction of the caller's.
#[derive(Clone, Debug, Object)]
pub struct ReactionView {
    pub post_id: Uuid,
    pub kind: ReactionKind,
}

/// `POST /forum/posts/{id}/flags`.
#[derive(Clone, Debug, Object)]
pub struct NewFlag {
    pub reason: FlagReason,
    /// What the moderators should know (moderators only read it).
    pub note: Option<Text>,
}

/// A flag recorded.
#[derive(Clone, Debug, Object)]
pub struct FlagView {
    pub post_id: Uuid,
    pub reason: FlagReason,
    /// Whether the post is now hidden until a moderator decides.
    pub hidden: bool,
}

/// `POST /forum/topics/{id}/answer`.
#[derive(Clone, Debug, Object)]
pub struct AnswerMark {
    pub post_id: Uuid,
}

/// `PUT /forum/topics/{id}/subscription`, and `GET PUT /forum/categories/{slug}/subscription`
/// (a watched category tells of its new topics).
#[derive(Clone, Debug, Object)]
pub struct Subscription {
    pub level: SubscriptionLevel,
}

/// A notification.
#[derive(Clone, Debug, Object)]
pub struct NotificationView {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub topic_id: Uuid,
    pub post_id: Uuid,
    /// Who wrote the post (a pseudonym for an anonymous post).
    pub actor: AuthorView,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The caller's notifications, newest first, and how many are unread.
#[derive(Clone, Debug, Object)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub unread: i64,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `POST /me/notifications/read`: some (`ids`) or all.
#[derive(Clone, Debug, Object)]
pub struct ReadMarks {
    /// These notifications (null or absent: none by id).
    #[oai(nullable)]
    pub ids: Option<Vec<Uuid>>,
    /// Every notification of the caller (null or absent: false).
    #[oai(nullable)]
    pub all: Option<bool>,
}

/// `GET PUT /me/notification-settings`.
#[derive(Clone, Debug, Object)]
pub struct NotificationSettings {
    pub email: EmailFrequency,
}

/// An item of the moderation queue.
#[derive(Clone, Debug, Object)]
pub struct QueueItem {
    pub id: Uuid,
    pub post_id: Uuid,
    pub topic_id: Uuid,
    pub topic_title: String,
    /// `screening` or `flags`.
    pub cause: String,
    pub reasons: Vec<Reason>,
    pub flags: i64,
    pub body_html: String,
    /// The post's Markdown as written (to redact from).
    pub body: String,
    /// As members would see it; the real author of an anonymous post is an audited look-up.
    pub author: AuthorView,
    pub created_at: DateTime<Utc>,
}

/// One page of the queue, oldest first.
#[derive(Clone, Debug, Object)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `POST /moderation/items/{id}/decision`.
#[derive(Clone, Debug, Object)]
pub struct DecisionInput {
    pub decision: Decision,
    /// Why (kept with a redaction's revision).
    pub note: Option<Text>,
    /// The redacted text (Markdown), for `redact`.
    pub body: Option<Text>,
}

/// What a decision did.
#[derive(Clone, Debug, Object)]
pub struct DecisionOutcome {
    pub id: Uuid,
    pub post_id: Uuid,
    pub decision: Decision,
    pub status: PostStatus,
}

/// The real author of a post, for moderators (every look-up is audited).
#[derive(Clone, Debug, Object)]
pub struct RealAuthor {
    pub post_id: Uuid,
    pub user_id: Uuid,
    pub display_name: String,
}

/// A line of the audit log.
#[derive(Clone, Debug, Object)]
pub struct AuditEntry {
    pub id: Uuid,
    pub actor_id: Uuid,
    /// The display name of the moderator who acted.
    pub actor_name: String,
    /// `author_lookup`, `approve`, `reject`, `redact`, `delete`, `redact_revision`.
    pub action: String,
    #[oai(nullable)]
    pub post_id: Option<Uuid>,
    /// Whom the action was about (the author looked up).
    #[oai(nullable)]
    pub subject_id: Option<Uuid>,
    /// Their display name.
    #[oai(nullable)]
    pub subject_name: Option<String>,
    /// The earlier text a redaction was about.
    #[oai(nullable)]
    pub revision_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// One page of the audit log, newest first.
#[derive(Clone, Debug, Object)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// A post found by a search.
#[derive(Clone, Debug, Object)]
pub struct PostHit {
    pub topic_id: Uuid,
    pub post_id: Uuid,
    /// The topic's title.
    pub title: String,
    /// The passage with the words found in `<mark>` (the text escaped).
    pub snippet_html: String,
    pub author: AuthorView,
}

/// One page of search results, best first.
#[derive(Clone, Debug, Object)]
pub struct PostSearchPage {
    pub items: Vec<PostHit>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanad_platform::responses::same_json;

    fn named() -> AuthorView {
        AuthorView { id: Some(Uuid::now_v7()), display_name: Some("Amal « Berrada »\n".into()), pseudonym: None }
    }

    fn anonymous() -> AuthorView {
        AuthorView { id: None, display_name: None, pseudonym: Some("Membre 7".into()) }
    }

    #[test]
    fn the_busiest_reads_write_through_serde_what_poem_openapi_would() {
        let at = "2026-12-01T16:22:00.123456Z".parse::<DateTime<Utc>>().unwrap();
        let post = |author: AuthorView, edited: bool, own: bool| PostView {
            id: Uuid::now_v7(),
            seq: 9001,
            author,
            body_html: "<p>Un \"texte\" avec \\ et 😀 et عربي</p>".into(),
            reply_to: own.then(Uuid::now_v7),
            status: if own { PostStatus::Held } else { PostStatus::Published },
            created_at: at,
            edited_at: edited.then_some(at),
            reactions: BTreeMap::from([("thanks".into(), 3), ("support".into(), 1)]),
            my_reactions: if own { vec![ReactionKind::Thanks, ReactionKind::Helpful] } else { vec![] },
            reasons: if own {
                vec![Reason { kind: "phone".into(), message: "Un numéro".into(), field: "body".into(), passage: "06 12".into() }]
            } else {
                vec![]
            },
            mine: own,
            body: own.then(|| "Le **texte**".into()),
        };
        let page = TopicWithPosts {
            topic: TopicView {
                id: Uuid::now_v7(),
                category: "bien-etre".into(),
                title: "Épuisement".into(),
                author: anonymous(),
                status: PostStatus::Published,
                reply_count: 9999,
                created_at: at,
                last_activity_at: at,
                answer_post_id: None,
                mine: false,
                subscription: SubscriptionLevel::Watching,
                last_read_seq: 12,
                last_published_seq: 15,
            },
            posts: vec![post(named(), true, true), post(anonymous(), false, false)],
            next_cursor: Some("abc".into()),
        };
        same_json(&page).unwrap();
        same_json(&TopicWithPosts { posts: vec![], next_cursor: None, ..page.clone() }).unwrap();
        let list = TopicPage {
            items: vec![
                TopicSummary {
                    id: Uuid::now_v7(),
                    title: "Signalement".into(),
                    author: named(),
                    reply_count: 0,
                    last_activity_at: at,
                    unread: true,
                },
                TopicSummary {
                    id: Uuid::now_v7(),
                    title: "".into(),
                    author: anonymous(),
                    reply_count: 2,
                    last_activity_at: at,
                    unread: false,
                },
            ],
            next_cursor: None,
        };
        same_json(&list).unwrap();
        same_json(&TopicPage { items: vec![], next_cursor: Some("x".into()) }).unwrap();
    }
}
