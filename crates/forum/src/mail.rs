//! The mails the forum queues (the mail crate renders them).

use sanad_mail::{DigestEntry, MailParams, OutgoingMail, Template};
use sanad_platform::people::Person;
use uuid::Uuid;

/// How much of a post a mail quotes (in characters).
const EXCERPT_CHARS: usize = 280;

/// What a mail about a new post may say.
#[derive(Debug)]
pub struct PostNews<'a> {
    pub topic_id: Uuid,
    pub topic_title: &'a str,
    /// The post as plain text.
    pub text: &'a str,
    /// In a sensitive category the mail carries only a link.
    pub sensitive: bool,
}

/// A mail telling `person` of a new post, with its signed unsubscribe path.
pub fn new_post(person: &Person, news: &PostNews<'_>, unsubscribe_token: &str) -> OutgoingMail {
    let (template, topic, excerpt) = if news.sensitive {
        (Template::ForumPostLinkOnly, None, None)
    } else {
        let mut excerpt: String = news.text.chars().take(EXCERPT_CHARS).collect();
        if news.text.chars().count() > EXCERPT_CHARS {
            excerpt.push('…');
        }
        (Template::ForumPost, Some(news.topic_title.to_string()), Some(excerpt))
    };
    OutgoingMail {
        recipient: person.email.clone(),
        locale: person.locale.clone(),
        template,
        params: MailParams {
            display_name: person.display_name.clone(),
            path: Some(format!("/forum/topics/{}", news.topic_id)),
            topic,
            excerpt,
            unsubscribe: Some(format!("/api/v1/forum/unsubscribe/{unsubscribe_token}")),
            ..MailParams::default()
        },
    }
}

/// A topic a digest lists.
#[derive(Debug)]
pub struct DigestTopic<'a> {
    pub topic_id: Uuid,
    pub topic_title: &'a str,
    /// In a sensitive category the digest names nothing: a link only.
    pub sensitive: bool,
    /// Unread notifications about it in the period.
    pub posts: i64,
}

/// A daily or weekly digest to `person`: titles and links, never a post's
/// text nor who wrote it, with its signed unsubscribe path.
pub fn digest(person: &Person, topics: &[DigestTopic<'_>], unsubscribe_token: &str) -> OutgoingMail {
    let digest = topics
        .iter()
        .map(|t| DigestEntry {
            topic: (!t.sensitive).then(|| t.topic_title.to_string()),
            path: format!("/forum/topics/{}", t.topic_id),
            posts: t.posts,
        })
        .collect();
    OutgoingMail {
        recipient: person.email.clone(),
        locale: person.locale.clone(),
        template: Template::ForumDigest,
        params: MailParams {
            display_name: person.display_name.clone(),
            path: Some("/notifications".into()),
            unsubscribe: Some(format!("/api/v1/forum/unsubscribe/{unsubscribe_token}")),
            digest,
            ..MailParams::default()
        },
    }
}
