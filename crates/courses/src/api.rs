//! HTTP endpoints of courses: parse, authorise, call the service, map errors.

use bytes::Bytes;
use lru::LruCache;
use poem::http::{StatusCode, header};
use poem::{IntoResponse, Request, Response};
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Attachment, AttachmentType, Binary, Json};
use poem_openapi::registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, Registry};
use poem_openapi::types::{ToJSON, Type};
use poem_openapi::{ApiResponse, OpenApi, Tags};
use sanad_platform::auth::{caller, optional_caller};
use sanad_platform::language::Asked;
use sanad_platform::payload::OptionalJson;
use sanad_platform::responses::NoContent;
use sanad_platform::vocabulary::Language;
use sanad_platform::{Caller, Result};
use sha2::{Digest, Sha256};
use std::marker::PhantomData;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

use crate::authoring::ItemInput;
use crate::model::*;
use crate::service::Courses;

#[derive(Tags)]
enum ApiTags {
    /// The catalogue, lessons, quizzes and case studies.
    Courses,
    /// Writing, publishing, importing and exporting courses.
    Authoring,
}

/// Declares `201 Created` answers: one type per body, each with the
/// description of its body in the document (`Name(Body) => "description"`).
macro_rules! created {
    ($($(#[doc = $doc:tt])* $name:ident($body:ty) => $description:tt;)*) => {$(
        $(#[doc = $doc])*
        #[derive(ApiResponse)]
        pub enum $name {
            #[doc = $description]
            #[oai(status = 201)]
            Created(Json<$body>),
        }
    )*};
}

created! {
    /// `201` with a created draft course.
    CourseCreated(DraftCourse) => "The draft.";
    /// `201` with a created module.
    ModuleCreated(DraftModule) => "The module.";
    /// `201` with a created item.
    ItemCreated(DraftItem) => "The item.";
    /// `201` with a started run.
    RunCreated(RunStarted) => "The run, at its first node.";
    /// `201` with a graded attempt.
    AttemptGraded(AttemptResult) => "The grade and feedback.";
    /// `201` with an imported course.
    ImportDone(Imported) => "The course was imported.";
    /// `201` with the co-author added.
    CoauthorAdded(Coauthor) => "The co-author.";
}

/// How a read of published content may be kept by browsers and caches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Audience {
    /// The same for everyone asking in the same language.
    Anyone,
    /// The same for everyone signed out, but a signed-in caller's answer differs
    /// (their attempts, whether they may edit, their locale).
    SignedOut,
    /// This caller's own answer.
    Caller,
    /// An author's draft preview: never stored.
    Draft,
}

impl Audience {
    /// Published versions never change, but a new publication changes what an
    /// address serves: every use revalidates (`no-cache`), which costs a 304
    /// when nothing changed.
    fn cache_control(self) -> &'static str {
        match self {
            Audience::Anyone | Audience::SignedOut => "no-cache",
            Audience::Caller => "private, no-cache",
            Audience::Draft => "private, no-store",
        }
    }

    fn vary(self) -> &'static str {
        match self {
            Audience::Anyone => "Accept-Language",
            _ => "Accept-Language, Cookie, Authorization",
        }
    }
}

/// A read of published content: the JSON with a strong `ETag` (a hash of its
/// bytes), `Cache-Control` and `Vary`; or `304 Not Modified` when the request's
/// `If-None-Match` already names those bytes.
pub struct Cached<T> {
    status: StatusCode,
    body: Bytes,
    etag: String,
    audience: Audience,
    of: PhantomData<fn() -> T>,
}

/// The JSON of a published read and its `ETag`, made once and kept.
#[derive(Debug)]
struct Rendered {
    body: Bytes,
    etag: String,
}

impl Rendered {
    fn of<T: ToJSON>(value: &T) -> Self {
        let body = serde_json::to_vec(&value.to_json().unwrap_or_default()).unwrap_or_default();
        let digest = Sha256::digest(&body);
        let etag = format!("\"{}\"", digest[..16].iter().map(|b| format!("{b:02x}")).collect::<String>());
        Self { body: body.into(), etag }
    }
}

impl<T: ToJSON> Cached<T> {
    fn new(req: &Request, value: &T, audience: Audience) -> Self {
        Self::of(req, &Rendered::of(value), audience)
    }

    fn of(req: &Request, rendered: &Rendered, audience: Audience) -> Self {
        let etag = rendered.etag.clone();
        let held = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag));
        if held && audience != Audience::Draft {
            return Self { status: StatusCode::NOT_MODIFIED, body: Bytes::new(), etag, audience, of: PhantomData };
        }
        Self { status: StatusCode::OK, body: rendered.body.clone(), etag, audience, of: PhantomData }
    }
}

/// Lessons as anonymous readers get them, by (lesson, published version,
/// language): a published version never changes, so its JSON is made once.
/// Half the time of a lesson read went to building, writing and hashing it.
type RenderedLessons = Mutex<LruCache<(Uuid, i64, &'static str), Arc<Rendered>>>;

/// Lessons kept rendered (a few KB each).
const RENDERED_LESSONS: usize = 2_000;

impl<T> IntoResponse for Cached<T> {
    fn into_response(self) -> Response {
        let builder = Response::builder()
            .status(self.status)
            .header(header::ETAG, self.etag)
            .header(header::CACHE_CONTROL, self.audience.cache_control())
            .header(header::VARY, self.audience.vary());
        if self.status == StatusCode::OK {
            builder.content_type("application/json; charset=utf-8").body(self.body)
        } else {
            builder.finish()
        }
    }
}

impl<T: Type> ApiResponse for Cached<T> {
    fn meta() -> MetaResponses {
        let headers = || {
            [
                ("ETag", "A strong validator of the body: send it back in `If-None-Match`."),
                ("Cache-Control", "`no-cache` (revalidate each use), `private, no-cache` or, for a draft preview, `private, no-store`."),
                ("Vary", "The request headers the answer depends on."),
            ]
            .into_iter()
            .map(|(name, description)| MetaHeader {
                name: name.to_string(),
                description: Some(description.to_string()),
                required: true,
                deprecated: false,
                schema: String::schema_ref(),
            })
            .collect::<Vec<_>>()
        };
        MetaResponses {
            responses: vec![
                MetaResponse {
                    description: "The published content.",
                    status: Some(200),
                    status_range: None,
                    content: vec![MetaMediaType { content_type: "application/json; charset=utf-8", schema: T::schema_ref() }],
                    headers: headers(),
                },
                MetaResponse {
                    description: "Not modified: the `If-None-Match` ETag is still current.",
                    status: Some(304),
                    status_range: None,
                    content: vec![],
                    headers: headers(),
                },
            ],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// `POST /items/{id}/move`.
#[derive(Debug, poem_openapi::Object)]
pub struct MoveItem {
    /// Another module of the course; the same module when absent.
    #[oai(nullable)]
    pub module_id: Option<Uuid>,
    /// Position in the module, from 0.
    pub position: u32,
}

/// The courses endpoints.
#[derive(Clone, Debug)]
pub struct CoursesApi {
    courses: Courses,
    rendered_lessons: Arc<RenderedLessons>,
}

impl CoursesApi {
    /// Endpoints over `courses`.
    pub fn new(courses: Courses) -> Self {
        let kept = NonZeroUsize::new(RENDERED_LESSONS).unwrap_or(NonZeroUsize::MIN);
        Self { courses, rendered_lessons: Arc::new(Mutex::new(LruCache::new(kept))) }
    }

    /// A published lesson for an anonymous reader, rendered once per version
    /// and language. Signed-in readers are not served from it: their
    /// prerequisites are checked on every read.
    async fn anonymous_lesson(&self, id: Uuid, lang: &'static str) -> Result<Arc<Rendered>> {
        let version = self.courses.published_version_of(id).await?;
        let key = (id, version, lang);
        if let Some(kept) = self.rendered_lessons.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(kept.clone());
        }
        let rendered = Arc::new(Rendered::of(&self.courses.lesson(None, id, lang, false).await?));
        self.rendered_lessons.lock().unwrap_or_else(|p| p.into_inner()).put(key, rendered.clone());
        Ok(rendered)
    }
}

/// Who reads published content, in which language, and how the answer may be
/// cached. The caller is looked up (a database round trip for a session) only
/// when it changes the answer: for a draft preview, when `per_caller` (the
/// answer holds something of the caller's), or when the request names no
/// language and the caller's locale decides it.
async fn reader(req: &Request, preview: bool, per_caller: bool, lang: Asked) -> Result<(Option<Caller>, &'static str, Audience)> {
    let named = lang.0;
    let depends_on_caller = per_caller || named.is_none();
    // Always who is asking, when the request carries credentials: a signed-in
    // reader is enrolled and prerequisites are checked. Anonymous requests
    // carry none, and this costs them nothing.
    let who = optional_caller(req).await?;
    let l = lang.for_caller(who.as_ref());
    let audience = match (preview, depends_on_caller, who.is_some()) {
        (true, _, _) => Audience::Draft,
        (false, false, _) => Audience::Anyone,
        (false, true, false) => Audience::SignedOut,
        (false, true, true) => Audience::Caller,
    };
    Ok((who, l, audience))
}

#[OpenApi(prefix_path = "/api/v1")]
impl CoursesApi {
    /// Published courses, optionally of one theme or matching `q`; titles in the requested language.
    #[oai(path = "/courses", method = "get", tag = "ApiTags::Courses")]
    #[allow(clippy::too_many_arguments)]
    async fn catalogue(
        &self,
        req: &Request,
        theme: Query<Option<String>>,
        q: Query<Option<String>>,
        cursor: Query<Option<String>>,
        limit: Query<Option<u32>>,
        lang: Asked,
    ) -> Result<Json<CoursePage>> {
        let who = optional_caller(req).await?;
        let l = lang.for_caller(who.as_ref());
        Ok(Json(self.courses.catalogue(l, theme.0.as_deref(), q.0.as_deref(), cursor.0.as_deref(), limit.0).await?))
    }

    /// A course with its outline. Authors may pass `preview=true` to see the draft as learners will.
    #[oai(path = "/courses/:slug", method = "get", tag = "ApiTags::Courses")]
    async fn course(&self, req: &Request, slug: Path<String>, preview: Query<Option<bool>>, lang: Asked) -> Result<Cached<CourseDetail>> {
        let preview = preview.0.unwrap_or(false);
        // `can_edit` is the caller's.
        let (who, l, audience) = reader(req, preview, true, lang).await?;
        Ok(Cached::new(req, &self.courses.course(who.as_ref(), &slug.0, l, preview).await?, audience))
    }

    /// A published course in one answer, to read it without a network: the
    /// outline, the lessons, the quizzes (without answers), the case studies
    /// and the images' addresses, in the reader's language. A strong `ETag`
    /// makes checking a saved copy cost a 304 while the course is unchanged.
    #[oai(path = "/courses/:slug/offline", method = "get", tag = "ApiTags::Courses")]
    async fn offline(&self, req: &Request, slug: Path<String>, lang: Asked) -> Result<Cached<CourseBundle>> {
        // Which gated modules are included is the caller's.
        let (who, l, audience) = reader(req, false, true, lang).await?;
        Ok(Cached::new(req, &self.courses.offline_bundle(who.as_ref(), &slug.0, l).await?, audience))
    }

    /// A lesson, with the previous and next items.
    #[oai(path = "/lessons/:id", method = "get", tag = "ApiTags::Courses")]
    async fn lesson(&self, req: &Request, id: Path<Uuid>, preview: Query<Option<bool>>, lang: Asked) -> Result<Cached<LessonView>> {
        let preview = preview.0.unwrap_or(false);
        let (who, l, audience) = reader(req, preview, false, lang).await?;
        if who.is_none() && !preview {
            return Ok(Cached::of(req, &*self.anonymous_lesson(id.0, l).await?, audience));
        }
        Ok(Cached::new(req, &self.courses.lesson(who.as_ref(), id.0, l, preview).await?, audience))
    }

    /// A quiz's questions, without the answers.
    #[oai(path = "/quizzes/:id", method = "get", tag = "ApiTags::Courses")]
    async fn quiz(&self, req: &Request, id: Path<Uuid>, preview: Query<Option<bool>>, lang: Asked) -> Result<Cached<QuizView>> {
        let preview = preview.0.unwrap_or(false);
        // `attempts_used` is the caller's.
        let (who, l, audience) = reader(req, preview, true, lang).await?;
        Ok(Cached::new(req, &self.courses.quiz(who.as_ref(), id.0, l, preview).await?, audience))
    }

    /// Submit answers: graded on the server, with feedback for every question.
    #[oai(path = "/quizzes/:id/attempts", method = "post", tag = "ApiTags::Courses")]
    async fn attempt(
        &self,
        req: &Request,
        id: Path<Uuid>,
        preview: Query<Option<bool>>,
        lang: Asked,
        body: Json<AttemptRequest>,
    ) -> Result<AttemptGraded> {
        let who = caller(req).await?;
        let l = lang.for_caller(Some(&who));
        Ok(AttemptGraded::Created(Json(self.courses.attempt(&who, id.0, body.0, l, preview.0.unwrap_or(false)).await?)))
    }

    /// A case study's presentation.
    #[oai(path = "/case-studies/:id", method = "get", tag = "ApiTags::Courses")]
    async fn case_study(&self, req: &Request, id: Path<Uuid>, preview: Query<Option<bool>>, lang: Asked) -> Result<Cached<CaseStudyView>> {
        let preview = preview.0.unwrap_or(false);
        let (who, l, audience) = reader(req, preview, false, lang).await?;
        Ok(Cached::new(req, &self.courses.case_study(who.as_ref(), id.0, l, preview).await?, audience))
    }

    /// Start playing a case study.
    ///
    /// Without a body the run starts now. A run played offline is sent later
    /// from the device's outbox with `{"run_id", "started_at", "version"}`:
    /// the same `run_id` sent again starts nothing more and is answered with
    /// the run as it stands; its decisions follow on
    /// `/case-study-runs/{run_id}/choices` with their own keys.
    #[oai(path = "/case-studies/:id/runs", method = "post", tag = "ApiTags::Courses")]
    async fn start_run(
        &self,
        req: &Request,
        id: Path<Uuid>,
        preview: Query<Option<bool>>,
        lang: Asked,
        body: OptionalJson<RunRequest>,
    ) -> Result<RunCreated> {
        let who = caller(req).await?;
        let l = lang.for_caller(Some(&who));
        Ok(RunCreated::Created(Json(self.courses.start_run(&who, id.0, l, preview.0.unwrap_or(false), body.0).await?)))
    }

    /// Take a decision: the feedback of an experienced practitioner, then the next step or the ending.
    #[oai(path = "/case-study-runs/:run_id/choices", method = "post", tag = "ApiTags::Courses")]
    async fn choose(&self, req: &Request, run_id: Path<Uuid>, lang: Asked, body: Json<ChoiceRequest>) -> Result<Json<ChoiceOutcome>> {
        let who = caller(req).await?;
        let l = lang.for_caller(Some(&who));
        Ok(Json(self.courses.choose(&who, run_id.0, body.0, l).await?))
    }

    /// A run as it stands, to resume it.
    #[oai(path = "/case-study-runs/:run_id", method = "get", tag = "ApiTags::Courses")]
    async fn run(&self, req: &Request, run_id: Path<Uuid>, lang: Asked) -> Result<Json<RunView>> {
        let who = caller(req).await?;
        let l = lang.for_caller(Some(&who));
        Ok(Json(self.courses.get_run(&who, run_id.0, l).await?))
    }

    /// Courses the caller may edit, most recently changed first. The whole list
    /// unless `limit` or `cursor` asks for a page (then `next_cursor` leads on).
    #[oai(path = "/authoring/courses", method = "get", tag = "ApiTags::Authoring")]
    async fn authored(&self, req: &Request, cursor: Query<Option<String>>, limit: Query<Option<u32>>) -> Result<Json<AuthoredCourseList>> {
        Ok(Json(self.courses.authored(&caller(req).await?, cursor.0.as_deref(), limit.0).await?))
    }

    /// Create a draft course (trainers and admins).
    #[oai(path = "/courses", method = "post", tag = "ApiTags::Authoring")]
    async fn create(&self, req: &Request, body: Json<NewCourse>) -> Result<CourseCreated> {
        Ok(CourseCreated::Created(Json(self.courses.create_course(&caller(req).await?, body.0).await?)))
    }

    /// The draft, with everything its authors edit (answers included); with
    /// `language`, the items' texts in that language, to translate them.
    #[oai(path = "/courses/:slug/draft", method = "get", tag = "ApiTags::Authoring")]
    async fn draft(&self, req: &Request, slug: Path<String>, language: Query<Option<Language>>) -> Result<Json<DraftCourse>> {
        Ok(Json(self.courses.draft(&caller(req).await?, &slug.0, language.0).await?))
    }

    /// Change the course's title, summary, theme, level, language or duration.
    #[oai(path = "/courses/:slug", method = "patch", tag = "ApiTags::Authoring")]
    async fn update(&self, req: &Request, slug: Path<String>, body: Json<CourseUpdate>) -> Result<Json<DraftCourse>> {
        Ok(Json(self.courses.update_course(&caller(req).await?, &slug.0, body.0).await?))
    }

    /// Add a co-author by email (owner or admin).
    #[oai(path = "/courses/:slug/coauthors", method = "post", tag = "ApiTags::Authoring")]
    async fn add_coauthor(&self, req: &Request, slug: Path<String>, body: Json<CoauthorRequest>) -> Result<CoauthorAdded> {
        Ok(CoauthorAdded::Created(Json(self.courses.add_coauthor(&caller(req).await?, &slug.0, &body.0.email).await?)))
    }

    /// Remove a co-author (owner or admin).
    #[oai(path = "/courses/:slug/coauthors/:user_id", method = "delete", tag = "ApiTags::Authoring")]
    async fn remove_coauthor(&self, req: &Request, slug: Path<String>, user_id: Path<Uuid>) -> Result<NoContent> {
        self.courses.remove_coauthor(&caller(req).await?, &slug.0, user_id.0).await?;
        Ok(NoContent::Done)
    }

    /// Add a module to the draft.
    #[oai(path = "/courses/:slug/modules", method = "post", tag = "ApiTags::Authoring")]
    async fn add_module(&self, req: &Request, slug: Path<String>, body: Json<ModuleInput>) -> Result<ModuleCreated> {
        Ok(ModuleCreated::Created(Json(self.courses.add_module(&caller(req).await?, &slug.0, body.0).await?)))
    }

    /// Rename or move a module.
    #[oai(path = "/modules/:id", method = "patch", tag = "ApiTags::Authoring")]
    async fn update_module(&self, req: &Request, id: Path<Uuid>, body: Json<ModuleInput>) -> Result<Json<DraftModule>> {
        Ok(Json(self.courses.update_module(&caller(req).await?, id.0, body.0).await?))
    }

    /// Remove a module from the draft.
    #[oai(path = "/modules/:id", method = "delete", tag = "ApiTags::Authoring")]
    async fn delete_module(&self, req: &Request, id: Path<Uuid>) -> Result<NoContent> {
        self.courses.delete_module(&caller(req).await?, id.0).await?;
        Ok(NoContent::Done)
    }

    /// Add a lesson (Markdown) to a module.
    #[oai(path = "/modules/:id/lessons", method = "post", tag = "ApiTags::Authoring")]
    async fn add_lesson(&self, req: &Request, id: Path<Uuid>, body: Json<LessonInput>) -> Result<ItemCreated> {
        Ok(ItemCreated::Created(Json(self.courses.add_item(&caller(req).await?, id.0, ItemInput::Lesson(body.0)).await?)))
    }

    /// Add a quiz to a module.
    #[oai(path = "/modules/:id/quizzes", method = "post", tag = "ApiTags::Authoring")]
    async fn add_quiz(&self, req: &Request, id: Path<Uuid>, body: Json<QuizInput>) -> Result<ItemCreated> {
        Ok(ItemCreated::Created(Json(self.courses.add_item(&caller(req).await?, id.0, ItemInput::Quiz(body.0)).await?)))
    }

    /// Add a case study to a module.
    #[oai(path = "/modules/:id/case-studies", method = "post", tag = "ApiTags::Authoring")]
    async fn add_case_study(&self, req: &Request, id: Path<Uuid>, body: Json<CaseStudyInput>) -> Result<ItemCreated> {
        Ok(ItemCreated::Created(Json(self.courses.add_item(&caller(req).await?, id.0, ItemInput::CaseStudy(body.0)).await?)))
    }

    /// Replace a lesson's content; with `language` other than the course's, its translation into that language.
    #[oai(path = "/items/:id/lesson", method = "put", tag = "ApiTags::Authoring")]
    async fn put_lesson(
        &self,
        req: &Request,
        id: Path<Uuid>,
        language: Query<Option<Language>>,
        body: Json<LessonInput>,
    ) -> Result<Json<DraftItem>> {
        Ok(Json(self.courses.replace_item(&caller(req).await?, id.0, ItemInput::Lesson(body.0), language.0).await?))
    }

    /// Replace a quiz's content; with `language`, only the texts of its translation (same questions and choices).
    #[oai(path = "/items/:id/quiz", method = "put", tag = "ApiTags::Authoring")]
    async fn put_quiz(
        &self,
        req: &Request,
        id: Path<Uuid>,
        language: Query<Option<Language>>,
        body: Json<QuizInput>,
    ) -> Result<Json<DraftItem>> {
        Ok(Json(self.courses.replace_item(&caller(req).await?, id.0, ItemInput::Quiz(body.0), language.0).await?))
    }

    /// Replace a case study's content; with `language`, only the texts of its translation (same steps, choices and endings).
    #[oai(path = "/items/:id/case-study", method = "put", tag = "ApiTags::Authoring")]
    async fn put_case_study(
        &self,
        req: &Request,
        id: Path<Uuid>,
        language: Query<Option<Language>>,
        body: Json<CaseStudyInput>,
    ) -> Result<Json<DraftItem>> {
        Ok(Json(self.courses.replace_item(&caller(req).await?, id.0, ItemInput::CaseStudy(body.0), language.0).await?))
    }

    /// Move an item within its module or to another module.
    #[oai(path = "/items/:id/move", method = "post", tag = "ApiTags::Authoring")]
    async fn move_item(&self, req: &Request, id: Path<Uuid>, body: Json<MoveItem>) -> Result<Json<DraftItem>> {
        Ok(Json(self.courses.move_item(&caller(req).await?, id.0, body.0.module_id, body.0.position).await?))
    }

    /// Remove an item from the draft.
    #[oai(path = "/items/:id", method = "delete", tag = "ApiTags::Authoring")]
    async fn delete_item(&self, req: &Request, id: Path<Uuid>) -> Result<NoContent> {
        self.courses.delete_item(&caller(req).await?, id.0).await?;
        Ok(NoContent::Done)
    }

    /// Publish the draft: learners see it from now on. Refused with the node named when a case study is broken.
    #[oai(path = "/courses/:slug/publish", method = "post", tag = "ApiTags::Authoring")]
    async fn publish(&self, req: &Request, slug: Path<String>) -> Result<Json<Published>> {
        Ok(Json(self.courses.publish(&caller(req).await?, &slug.0).await?))
    }

    /// Import a zip of a course folder (docs/course-format.md); published unless `publish=false`.
    #[oai(path = "/courses/import", method = "post", tag = "ApiTags::Authoring")]
    async fn import(&self, req: &Request, publish: Query<Option<bool>>, body: Binary<Vec<u8>>) -> Result<ImportDone> {
        let who = caller(req).await?;
        Ok(ImportDone::Created(Json(self.courses.import_zip(&who, body.0, publish.0.unwrap_or(true)).await?)))
    }

    /// Export the draft as a zip of a course folder.
    #[oai(path = "/courses/:slug/export", method = "get", tag = "ApiTags::Authoring")]
    async fn export(&self, req: &Request, slug: Path<String>) -> Result<Attachment<Vec<u8>>> {
        let zip = self.courses.export_zip(&caller(req).await?, &slug.0).await?;
        Ok(Attachment::new(zip).attachment_type(AttachmentType::Attachment).filename(format!("{}.zip", slug.0)))
    }

    /// Render Markdown exactly as it will be stored (the live preview of course editors and the forum's composer): any signed-in member.
    #[oai(path = "/markdown/preview", method = "post", tag = "ApiTags::Authoring")]
    async fn preview(&self, req: &Request, body: Json<MarkdownPreviewRequest>) -> Result<Json<MarkdownPreview>> {
        Ok(Json(self.courses.preview_markdown(&caller(req).await?, body.0.markdown.0).await?))
    }
}
