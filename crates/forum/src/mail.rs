//! The mails the forum queues (the mail crate renders them).

use sanad_mail::{MailParams, OutgoingMail, Template};
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
