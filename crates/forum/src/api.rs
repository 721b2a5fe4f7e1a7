//! HTTP endpoints of the forum and of its moderation: parse, authenticate,
//! call the service. Everything needs a signed-in caller (a professional
//! community), except following a signed unsubscribe link.

use poem::Request;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, OpenApi, Tags};
use sanad_platform::Result;
use sanad_platform::auth::caller;
use sanad_platform::language::Asked;
use sanad_platform::responses::{DirectJson, NoContent, WrittenJson};
use uuid::Uuid;

use crate::model::*;
use crate::revisions::{RevisionPage, RevisionRedaction, RevisionView};
use crate::service::{DecisionRequest, Forum, PostInput, TopicInput};

#[derive(Tags)]
enum ApiTags {
    /// The practice community: categories, topics, posts, reactions, notifications.
    Forum,
    /// Held and flagged posts, decisions, the audited look-up of anonymous authors.
    Moderation,
}

/// A topic or post sent: published at once, or held by screening.
#[derive(ApiResponse)]
pub enum Submitted {
    /// Published.
    #[oai(status = 201)]
    Published(Json<Submission>),
    /// Held until a moderator decides; `reasons` say what to take out.
    #[oai(status = 202)]
    Held(Json<Submission>),
}

/// An edit: still (or again) published, or held by screening.
#[derive(ApiResponse)]
pub enum Edited {
    /// Published.
    #[oai(status = 200)]
    Published(Json<Submission>),
    /// Held until a moderator decides.
    #[oai(status = 202)]
    Held(Json<Submission>),
}

/// `201` for a new reaction, `200` when it was there already.
#[derive(ApiResponse)]
pub enum Reacted {
    /// Added.
    #[oai(status = 201)]
    Created(Json<ReactionView>),
    /// Already there: a reaction counts once per person.
    #[oai(status = 200)]
    Already(Json<ReactionView>),
}

/// `201` for a new flag, `200` when the caller had flagged the post already.
#[derive(ApiResponse)]
pub enum Flagged {
    /// Recorded.
    #[oai(status = 201)]
    Created(Json<FlagView>),
    /// Already flagged by the caller: it counts once.
    #[oai(status = 200)]
    Already(Json<FlagView>),
}

fn submitted(s: Submission) -> Submitted {
    if s.status == PostStatus::Published { Submitted::Published(Json(s)) } else { Submitted::Held(Json(s)) }
}

/// The forum API.
#[derive(Clone, Debug)]
pub struct ForumApi {
    forum: Forum,
}

impl ForumApi {
    /// The API over `forum`.
    pub fn new(forum: Forum) -> Self {
        Self { forum }
    }
}

#[OpenApi(prefix_path = "/api/v1")]
impl ForumApi {
    /// The categories, by theme and by territory, with their count of topics.
    #[oai(path = "/forum/categories", method = "get", tag = "ApiTags::Forum")]
    async fn categories(&self, req: &Request, lang: Asked) -> Result<Json<CategoryList>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.categories(lang.for_caller(Some(&who))).await?))
    }

    /// A category's topics, latest activity first, with the caller's unread marks.
    #[oai(path = "/forum/categories/:slug/topics", method = "get", tag = "ApiTags::Forum")]
    async fn topics(
        &self,
        req: &Request,
        slug: Path<String>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> Result<DirectJson<TopicPage>> {
        let who = caller(req).await?;
        Ok(DirectJson(self.forum.topics(&who, &slug.0, cursor.0.as_deref(), limit.0).await?))
    }

    /// Opens a topic; its body is the first post, screened before publication.
    #[oai(path = "/forum/topics", method = "post", tag = "ApiTags::Forum")]
    async fn create_topic(&self, req: &Request, body: Json<NewTopic>, lang: Asked) -> Result<Submitted> {
        let who = caller(req).await?;
        let NewTopic { category, title, body, anonymous } = body.0;
        let input = TopicInput { category: category.0, title: title.0, body: body.0, anonymous: anonymous.unwrap_or(false) };
        Ok(submitted(self.forum.create_topic(&who, input, lang.for_caller(Some(&who))).await?))
    }

    /// A topic and a page of its posts (20 by default); held posts only for their author and moderators.
    #[oai(path = "/forum/topics/:id", method = "get", tag = "ApiTags::Forum")]
    async fn topic(
        &self,
        req: &Request,
        id: Path<Uuid>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> Result<WrittenJson<TopicWithPosts>> {
        let who = caller(req).await?;
        Ok(WrittenJson::new(self.forum.topic(&who, id.0, cursor.0.as_deref(), limit.0).await?.json_bytes()?))
    }

    /// Its author or a moderator changes a topic's title: screened with the
    /// first post as when the topic was opened (held: `202`, the topic hidden
    /// until a moderator decides); the earlier title is kept for moderators.
    #[oai(path = "/forum/topics/:id", method = "patch", tag = "ApiTags::Forum")]
    async fn edit_topic(&self, req: &Request, id: Path<Uuid>, body: Json<TopicEdit>, lang: Asked) -> Result<Edited> {
        let who = caller(req).await?;
        let s = self.forum.edit_title(&who, id.0, &body.0.title, lang.for_caller(Some(&who))).await?;
        Ok(if s.status == PostStatus::Published { Edited::Published(Json(s)) } else { Edited::Held(Json(s)) })
    }

    /// Replies in a topic; screened before publication.
    #[oai(path = "/forum/topics/:id/posts", method = "post", tag = "ApiTags::Forum")]
    async fn create_post(&self, req: &Request, id: Path<Uuid>, body: Json<NewPost>, lang: Asked) -> Result<Submitted> {
        let who = caller(req).await?;
        let NewPost { body, reply_to, anonymous } = body.0;
        let input = PostInput { body: body.0, reply_to, anonymous: anonymous.unwrap_or(false) };
        Ok(submitted(self.forum.create_post(&who, id.0, input, lang.for_caller(Some(&who))).await?))
    }

    /// Its author edits a post: screened again; the earlier text is kept for moderators.
    #[oai(path = "/forum/posts/:id", method = "patch", tag = "ApiTags::Forum")]
    async fn edit_post(&self, req: &Request, id: Path<Uuid>, body: Json<PostEdit>, lang: Asked) -> Result<Edited> {
        let who = caller(req).await?;
        let s = self.forum.edit_post(&who, id.0, &body.0.body, lang.for_caller(Some(&who))).await?;
        Ok(if s.status == PostStatus::Published { Edited::Published(Json(s)) } else { Edited::Held(Json(s)) })
    }

    /// Its author or a moderator deletes a post (the first post takes the topic with it).
    #[oai(path = "/forum/posts/:id", method = "delete", tag = "ApiTags::Forum")]
    async fn delete_post(&self, req: &Request, id: Path<Uuid>) -> Result<NoContent> {
        let who = caller(req).await?;
        self.forum.delete_post(&who, id.0).await?;
        Ok(NoContent::Done)
    }

    /// Reacts to a post: thanks, helpful or support, once each per person.
    #[oai(path = "/forum/posts/:id/reactions", method = "post", tag = "ApiTags::Forum")]
    async fn react(&self, req: &Request, id: Path<Uuid>, body: Json<NewReaction>) -> Result<Reacted> {
        let who = caller(req).await?;
        let view = ReactionView { post_id: id.0, kind: body.0.kind };
        Ok(if self.forum.react(&who, id.0, body.0.kind).await? { Reacted::Created(Json(view)) } else { Reacted::Already(Json(view)) })
    }

    /// Flags a post for the moderators; enough flags from distinct members hide it until one decides.
    #[oai(path = "/forum/posts/:id/flags", method = "post", tag = "ApiTags::Forum")]
    async fn flag(&self, req: &Request, id: Path<Uuid>, body: Json<NewFlag>) -> Result<Flagged> {
        let who = caller(req).await?;
        let NewFlag { reason, note } = body.0;
        let (view, new) = self.forum.flag(&who, id.0, reason, note.as_deref()).await?;
        Ok(if new { Flagged::Created(Json(view)) } else { Flagged::Already(Json(view)) })
    }

    /// Takes a reaction back.
    #[oai(path = "/forum/posts/:id/reactions/:kind", method = "delete", tag = "ApiTags::Forum")]
    async fn unreact(&self, req: &Request, id: Path<Uuid>, kind: Path<String>) -> Result<NoContent> {
        let who = caller(req).await?;
        self.forum.unreact(&who, id.0, &kind.0).await?;
        Ok(NoContent::Done)
    }

    /// The topic's author marks the most helpful answer.
    #[oai(path = "/forum/topics/:id/answer", method = "post", tag = "ApiTags::Forum")]
    async fn mark_answer(&self, req: &Request, id: Path<Uuid>, body: Json<AnswerMark>) -> Result<NoContent> {
        let who = caller(req).await?;
        self.forum.mark_answer(&who, id.0, body.0.post_id).await?;
        Ok(NoContent::Done)
    }

    /// How the caller follows a topic: watching (told of every post), normal, muted.
    #[oai(path = "/forum/topics/:id/subscription", method = "put", tag = "ApiTags::Forum")]
    async fn subscribe(&self, req: &Request, id: Path<Uuid>, body: Json<Subscription>) -> Result<Json<Subscription>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.subscribe(&who, id.0, body.0.level).await?))
    }

    /// How the caller follows a category: watching (told of every new topic), normal or muted (told of none).
    #[oai(path = "/forum/categories/:slug/subscription", method = "get", tag = "ApiTags::Forum")]
    async fn category_subscription(&self, req: &Request, slug: Path<String>) -> Result<Json<Subscription>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.category_subscription(&who, &slug.0).await?))
    }

    /// Watches a category (told of every new topic there), or stops: `{level: watching|normal|muted}`.
    #[oai(path = "/forum/categories/:slug/subscription", method = "put", tag = "ApiTags::Forum")]
    async fn subscribe_category(&self, req: &Request, slug: Path<String>, body: Json<Subscription>) -> Result<Json<Subscription>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.subscribe_category(&who, &slug.0, body.0.level).await?))
    }

    /// The caller's notifications, newest first, with the unread count.
    #[oai(path = "/me/notifications", method = "get", tag = "ApiTags::Forum")]
    async fn notifications(
        &self,
        req: &Request,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> Result<Json<NotificationPage>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.notifications(&who, cursor.0.as_deref(), limit.0).await?))
    }

    /// Marks notifications read: `{ids: [...]}` or `{all: true}`.
    #[oai(path = "/me/notifications/read", method = "post", tag = "ApiTags::Forum")]
    async fn read_notifications(&self, req: &Request, body: Json<ReadMarks>) -> Result<NoContent> {
        let who = caller(req).await?;
        self.forum.mark_notifications_read(&who, body.0.ids, body.0.all.unwrap_or(false)).await?;
        Ok(NoContent::Done)
    }

    /// How the caller wants forum mail.
    #[oai(path = "/me/notification-settings", method = "get", tag = "ApiTags::Forum")]
    async fn settings(&self, req: &Request) -> Result<Json<NotificationSettings>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.settings(&who).await?))
    }

    /// Sets how the caller wants forum mail: immediate, daily, weekly or off.
    #[oai(path = "/me/notification-settings", method = "put", tag = "ApiTags::Forum")]
    async fn set_settings(&self, req: &Request, body: Json<NotificationSettings>) -> Result<Json<NotificationSettings>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.set_settings(&who, body.0.email).await?))
    }

    /// Searches published posts (every word, French, Arabic and English analysed), best first.
    #[oai(path = "/forum/search", method = "get", tag = "ApiTags::Forum")]
    async fn search(
        &self,
        req: &Request,
        q: Query<Option<String>>,
        category: Query<Option<String>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> Result<Json<PostSearchPage>> {
        let who = caller(req).await?;
        let q = q.0.unwrap_or_default();
        Ok(Json(self.forum.search(&who, &q, category.0.as_deref(), cursor.0.as_deref(), limit.0).await?))
    }

    /// Follows the signed unsubscribe link of a forum mail: no sign-in; forum mail stops.
    #[oai(path = "/forum/unsubscribe/:token", method = "get", tag = "ApiTags::Forum")]
    async fn unsubscribe(&self, token: Path<String>) -> Result<Json<NotificationSettings>> {
        Ok(Json(self.forum.unsubscribe(&token.0).await?))
    }

    /// The same as a one-click POST (RFC 8058), as mail clients send it from `List-Unsubscribe-Post`.
    #[oai(path = "/forum/unsubscribe/:token", method = "post", tag = "ApiTags::Forum")]
    async fn unsubscribe_one_click(&self, token: Path<String>) -> Result<Json<NotificationSettings>> {
        Ok(Json(self.forum.unsubscribe(&token.0).await?))
    }
}

/// The moderation API.
#[derive(Clone, Debug)]
pub struct ModerationApi {
    forum: Forum,
}

impl ModerationApi {
    /// The API over `forum`.
    pub fn new(forum: Forum) -> Self {
        Self { forum }
    }
}

#[OpenApi(prefix_path = "/api/v1")]
impl ModerationApi {
    /// Held and flagged posts waiting for a decision, oldest first (moderators).
    #[oai(path = "/moderation/queue", method = "get", tag = "ApiTags::Moderation")]
    async fn queue(&self, req: &Request, cursor: Query<Option<String>>, limit: Query<Option<u32>>) -> Result<Json<QueuePage>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.queue(&who, cursor.0.as_deref(), limit.0).await?))
    }

    /// Decides on an item: approve, reject, or redact (with the new text) and publish.
    #[oai(path = "/moderation/items/:id/decision", method = "post", tag = "ApiTags::Moderation")]
    async fn decide(&self, req: &Request, id: Path<Uuid>, body: Json<DecisionInput>) -> Result<Json<DecisionOutcome>> {
        let who = caller(req).await?;
        let DecisionInput { decision, note, body } = body.0;
        let request = DecisionRequest { decision, note: note.map(|n| n.0), body: body.map(|b| b.0) };
        Ok(Json(self.forum.decide(&who, id.0, request).await?))
    }

    /// The real author of a post (moderators); every call is written to the audit log.
    #[oai(path = "/moderation/posts/:id/author", method = "get", tag = "ApiTags::Moderation")]
    async fn real_author(&self, req: &Request, id: Path<Uuid>) -> Result<Json<RealAuthor>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.real_author(&who, id.0).await?))
    }

    /// A post's earlier texts, oldest first, with who wrote and replaced each (moderators; never its author or other members).
    #[oai(path = "/moderation/posts/:id/revisions", method = "get", tag = "ApiTags::Moderation")]
    async fn revisions(
        &self,
        req: &Request,
        id: Path<Uuid>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
    ) -> Result<Json<RevisionPage>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.revisions(&who, id.0, cursor.0.as_deref(), limit.0).await?))
    }

    /// Redacts an earlier text of a post: replaced (by `body`, or nothing), the note and the moderator kept, audited.
    #[oai(path = "/moderation/revisions/:id/redaction", method = "post", tag = "ApiTags::Moderation")]
    async fn redact_revision(&self, req: &Request, id: Path<Uuid>, body: Json<RevisionRedaction>) -> Result<Json<RevisionView>> {
        let who = caller(req).await?;
        let RevisionRedaction { note, body, title } = body.0;
        Ok(Json(self.forum.redact_revision(&who, id.0, &note, body.as_deref(), title.as_deref()).await?))
    }

    /// The audit log of moderation, newest first (administrators).
    #[oai(path = "/moderation/audit", method = "get", tag = "ApiTags::Moderation")]
    async fn audit(&self, req: &Request, cursor: Query<Option<String>>, limit: Query<Option<u32>>) -> Result<Json<AuditPage>> {
        let who = caller(req).await?;
        Ok(Json(self.forum.audit_log(&who, cursor.0.as_deref(), limit.0).await?))
    }
}
