//! The edit history of posts, for moderators only: every earlier text of a
//! post (kept when its author edits it or a moderator redacts it), who wrote
//! it and when, and the redaction of an old text that should not be kept
//! (its text replaced, the moderator, the time and the note kept, and the
//! redaction written to the audit log). Authors and other members never read
//! revisions. Who wrote a text is shown as everywhere else
//! ([`crate::author::shown`]): an anonymous author stays a pseudonym, even
//! to moderators, whose look-up of the real author is the audited one.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use sanad_platform::error::FieldCode;
use sanad_platform::page::{self, Page};
use sanad_platform::{Caller, Error, Result, Role, Text};
use uuid::Uuid;

use crate::author::{Names, StoredAuthor, shown};
use crate::model::AuthorView;
use crate::service::Forum;
use crate::store::{self, PostRow, revisions::RevisionRow};

/// An earlier text of a post, for moderators.
#[derive(Clone, Debug, Object)]
pub struct RevisionView {
    pub id: Uuid,
    pub post_id: Uuid,
    /// The text (Markdown) as it was written, or what a moderator's redaction put in its place.
    pub body: String,
    /// On a revision kept when the topic's title was changed (its text
    /// unchanged): the earlier title, or what a redaction put in its place.
    #[oai(nullable)]
    pub title: Option<String>,
    /// Who wrote this text: the post's author as members see them (a
    /// pseudonym for an anonymous post), or a moderator whose redaction of
    /// the post wrote it.
    pub author: AuthorView,
    /// When this text was written.
    pub written_at: DateTime<Utc>,
    /// Who replaced it by the next text, shown the same way.
    pub replaced_by: AuthorView,
    /// When it was replaced.
    pub replaced_at: DateTime<Utc>,
    /// Why it was replaced, when the edit said (a moderator's decision note).
    #[oai(nullable)]
    pub note: Option<String>,
    /// Present when a moderator has redacted this text since.
    #[oai(nullable)]
    pub redaction: Option<RedactionView>,
}

/// A moderator's redaction of an earlier text.
#[derive(Clone, Debug, Object)]
pub struct RedactionView {
    pub moderator: AuthorView,
    pub note: String,
    pub redacted_at: DateTime<Utc>,
}

/// A page of a post's earlier texts, oldest first.
#[derive(Clone, Debug, Object)]
pub struct RevisionPage {
    pub items: Vec<RevisionView>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `POST /moderation/revisions/{id}/redaction`.
#[derive(Clone, Debug, Object)]
pub struct RevisionRedaction {
    /// Why (kept with the revision).
    pub note: Text,
    /// What replaces the text (Markdown); null or absent: the text is removed.
    #[oai(nullable)]
    pub body: Option<Text>,
    /// On a revision of a title edit, what replaces the earlier title; null or absent: it is removed.
    #[oai(nullable)]
    pub title: Option<Text>,
}

fn sql(e: sqlx::Error) -> Error {
    Error::Internal(e.into())
}

impl Forum {
    /// The earlier texts of a post, oldest first (moderators).
    pub async fn revisions(&self, caller: &Caller, post_id: Uuid, cursor: Option<&str>, limit: Option<u32>) -> Result<RevisionPage> {
        caller.require_any(&[Role::Moderator, Role::Admin])?;
        let limit = page::limit(limit)?;
        let after = page::decode_cursor(cursor)?;
        let post = store::post(&self.db, post_id).await.map_err(sql)?.ok_or(Error::NotFound("post"))?;
        let rows = store::revisions::revisions_page(&self.db, post_id, after, page::fetch_limit(limit)).await.map_err(sql)?;
        let page = Page::from_rows(rows, limit, |r| page::encode_cursor(r.id));
        let before = match page.items.first() {
            Some(first) => store::revisions::revision_before(&self.db, post_id, first.id).await.map_err(sql)?,
            None => None,
        };
        let items = self.revision_views(&post, before, page.items).await?;
        Ok(RevisionPage { items, next_cursor: page.next_cursor })
    }

    /// A moderator redacts an earlier text of a post: replaced by `body`
    /// (nothing when absent), with the note, and written to the audit log.
    pub async fn redact_revision(
        &self,
        caller: &Caller,
        id: Uuid,
        note: &str,
        body: Option<&str>,
        title: Option<&str>,
    ) -> Result<RevisionView> {
        caller.require_any(&[Role::Moderator, Role::Admin])?;
        let Some(note) = crate::service::checked_note(Some(note), "note")? else {
            return Err(Error::invalid("note", FieldCode::Required, "say why the text is redacted"));
        };
        let body = body.map(str::trim).unwrap_or_default();
        if !sanad_platform::markdown::fits(body) {
            return Err(Error::invalid("body", FieldCode::TooLong, "is longer than 100 KiB"));
        }
        let title = title.map(str::trim).unwrap_or_default();
        if title.chars().count() > crate::service::MAX_TITLE_CHARS || title.chars().any(char::is_control) {
            return Err(Error::invalid("title", FieldCode::InvalidValue, "one line of at most 200 characters"));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await.map_err(sql)?;
        // The write first (SQLite): it also tells whether the revision exists.
        if !store::revisions::redact(&mut tx, id, body, title, caller.user_id, note, now).await.map_err(sql)? {
            return Err(Error::NotFound("revision"));
        }
        let row = store::revisions::revision_in(&mut tx, id).await.map_err(sql)?.ok_or(Error::NotFound("revision"))?;
        store::revisions::audit_revision(&mut tx, caller.user_id, "redact_revision", row.post_id, id, now).await.map_err(sql)?;
        tx.commit().await.map_err(sql)?;
        let post = store::post(&self.db, row.post_id).await.map_err(sql)?.ok_or(Error::NotFound("post"))?;
        let before = store::revisions::revision_before(&self.db, row.post_id, id).await.map_err(sql)?;
        let mut views = self.revision_views(&post, before, vec![row]).await?;
        views.pop().ok_or(Error::NotFound("revision"))
    }

    /// `rows` (consecutive, oldest first) as moderators see them; `before` is
    /// the revision just before the first, whose edit wrote the first's text.
    async fn revision_views(&self, post: &PostRow, before: Option<RevisionRow>, rows: Vec<RevisionRow>) -> Result<Vec<RevisionView>> {
        let post_author = StoredAuthor::of(post.author_id, post.anonymous, &post.pseudonym);
        // Anyone but the post's author who wrote in it is a moderator, named.
        let person = |id: Uuid| if id == post.author_id { post_author.clone() } else { StoredAuthor::of(id, false, &None) };
        let mut people: Vec<StoredAuthor> = vec![post_author.clone()];
        for r in before.iter().chain(rows.iter()) {
            people.push(person(r.edited_by));
            if let Some(by) = r.redacted_by {
                people.push(person(by));
            }
        }
        let names = Names::of(self.people.as_ref(), &people).await?;
        let mut written = before.as_ref().map_or((post.author_id, post.created_at), |b| (b.edited_by, b.created_at));
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let redaction = match (r.redacted_by, r.redacted_at) {
                (Some(by), Some(at)) => Some(RedactionView {
                    moderator: shown(&person(by), &names),
                    note: r.redaction_note.clone().unwrap_or_default(),
                    redacted_at: at,
                }),
                _ => None,
            };
            out.push(RevisionView {
                id: r.id,
                post_id: r.post_id,
                body: r.body,
                title: r.title,
                author: shown(&person(written.0), &names),
                written_at: written.1,
                replaced_by: shown(&person(r.edited_by), &names),
                replaced_at: r.created_at,
                note: r.note,
                redaction,
            });
            written = (r.edited_by, r.created_at);
        }
        Ok(out)
    }
}
