//! The rules of courses for learners: the catalogue, reading in sequence,
//! quizzes graded on the server, and case-study runs. Authoring is in
//! `authoring.rs`.

use chrono::{DateTime, Utc};
use lru::LruCache;
use rand::seq::SliceRandom;
use sanad_platform::FieldCode;
use sanad_platform::learning::{Activity, CourseOutline, CourseOutlines, LearningEvent, LearningRecord, QuestionOutcome, Sent};
use sanad_platform::page::{self, Page};
use sanad_platform::people::PeopleDirectory;
use sanad_platform::vocabulary::{EndingBand, Language};
use sanad_platform::{Caller, Clock, Db, Error, FieldError, Result, Role, Tx};
use sanad_platform::{Reason, ReasonCode};
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use uuid::Uuid;

use crate::content::*;
use crate::model::*;
use crate::quiz::{self, Answer, AnswerError};
use crate::store::{self, CourseRow};
use crate::validate;

/// A published version, parsed once, with what is derived from it once.
#[derive(Debug)]
pub(crate) struct Version {
    pub content: Arc<CourseContent>,
    /// The best score of each case study, by item id.
    pub best_scores: HashMap<Uuid, u32>,
    /// The outline progress reads, made at its first use (it needs the course's row).
    outline: OnceLock<Arc<CourseOutline>>,
}

impl Version {
    fn new(content: CourseContent) -> Self {
        let best_scores = content
            .items()
            .filter_map(|(_, i)| match &i.body {
                ItemBody::CaseStudy(c) => Some((i.id, c.best_score())),
                _ => None,
            })
            .collect();
        Self { content: Arc::new(content), best_scores, outline: OnceLock::new() }
    }

    /// The outline of this version of `course`, made once: a version never
    /// changes, and neither do a course's id and slug.
    pub fn outline(&self, course: &CourseRow, version: i64) -> Arc<CourseOutline> {
        self.outline.get_or_init(|| Arc::new(crate::outline::outline_of(course, version, &self.content))).clone()
    }
}

/// Published versions by (course, version number).
type VersionCache = LruCache<(Uuid, i64), Arc<Version>>;

/// How long an instance trusts what it last read of which version is the
/// current one (of a course by slug, or of the course holding an item).
///
/// Published versions never change, but a new publication changes which one
/// is current. This instance forgets these look-ups when it publishes; another
/// instance's publication is seen here within this time. A few seconds keeps
/// reads of published content off the database under load without a
/// cross-instance notification channel.
pub const CURRENT_VERSION_TTL: Duration = Duration::from_secs(3);

/// Look-ups of the current published version, each with when it was read.
#[derive(Debug)]
struct CurrentVersions {
    by_slug: LruCache<String, (Instant, CourseRow)>,
    by_id: LruCache<Uuid, (Instant, CourseRow)>,
    by_item: LruCache<Uuid, (Instant, CourseRow, i64)>,
}

/// Which text a caller reads: a published version, or the draft (authors' preview).
#[derive(Clone, Debug)]
pub(crate) struct Loaded {
    pub course: CourseRow,
    /// The published version, or `None` for the draft.
    pub version: Option<i64>,
    pub content: Arc<CourseContent>,
    /// The outline of the published version (none for the draft), made once per version.
    pub outline: Option<Arc<CourseOutline>>,
}

/// The courses service. Cheap to clone.
#[derive(Clone)]
pub struct Courses {
    pub(crate) db: Db,
    pub(crate) clock: Clock,
    pub(crate) people: Arc<dyn PeopleDirectory>,
    /// Published versions never change, so they are cached whole after the first read.
    versions: Arc<Mutex<VersionCache>>,
    /// Which version is current, for [`CURRENT_VERSION_TTL`].
    current: Arc<Mutex<CurrentVersions>>,
    /// Where learning events go (progress), and who may open a module.
    learning: Option<Arc<dyn LearningRecord>>,
}

impl std::fmt::Debug for Courses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Courses")
    }
}

pub(crate) fn item_ref(item: &Item, lang: &str) -> ItemRef {
    ItemRef {
        id: item.id,
        kind: (&item.body).into(),
        title: item.title.pick(lang).0.to_string(),
        estimated_minutes: item.estimated_minutes,
    }
}

/// The language a reader asked for (negotiated, so always one of the platform's).
fn language_of(lang: &str) -> Language {
    Language::parse(lang).unwrap_or(Language::Fr)
}

/// The text of a part served to a reader of `lang`: its translation when
/// there is one, else the main text, with the language it is in.
fn served<'a, T: Translation, U: ?Sized>(
    main_text: &'a U,
    translations: &'a Translations<T>,
    lang: Language,
    main: Language,
    text: impl Fn(&'a T) -> &'a U,
) -> (&'a U, Language) {
    match translation(translations, lang, main) {
        Some(t) => (text(t), lang),
        None => (main_text, main),
    }
}

/// The items before and after `id` in reading order.
fn neighbours(content: &CourseContent, id: Uuid, lang: &str) -> (Option<ItemRef>, Option<ItemRef>) {
    let all: Vec<&Item> = content.items().map(|(_, i)| i).collect();
    let Some(at) = all.iter().position(|i| i.id == id) else { return (None, None) };
    let previous = at.checked_sub(1).map(|p| item_ref(all[p], lang));
    let next = all.get(at + 1).map(|i| item_ref(i, lang));
    (previous, next)
}

/// An attempt as counted: its id when recorded (not for a draft preview),
/// the attempts used with it, and whether an earlier one passed.
struct Recorded {
    attempt_id: Option<Uuid>,
    attempts_used: u32,
    passed_before: bool,
}

/// An attempt that cannot be graded, as the field errors of `answers`.
impl From<AnswerError> for Error {
    fn from(e: AnswerError) -> Self {
        let (at, message) = match e {
            AnswerError::NothingAnswered => {
                return Error::invalid("answers", FieldCode::Required, "answer at least one question; an empty attempt is not counted");
            }
            AnswerError::UnknownQuestion(q) => (q, "is not a question of this quiz".to_string()),
            AnswerError::UnknownChoice { question, choice } => (question, format!("choice {choice} is not a choice of this question")),
            AnswerError::AnsweredTwice(q) => (q, "is answered twice".to_string()),
            AnswerError::WrongShape { question, why } => (question, format!("this question {why}")),
        };
        Error::Invalid(vec![FieldError::new(&format!("answers[{at}]"), FieldCode::InvalidValue, message)])
    }
}

pub(crate) fn parse_content(json: &str) -> Result<CourseContent> {
    serde_json::from_str(json).map_err(|e| Error::Internal(anyhow::anyhow!("stored course content does not parse: {e}")))
}

impl Courses {
    /// The service over `db`; `people` resolves co-authors' emails.
    pub fn new(db: Db, clock: Clock, people: Arc<dyn PeopleDirectory>) -> Self {
        let cap = NonZeroUsize::new(64).expect("non-zero");
        let lookups = NonZeroUsize::new(4096).expect("non-zero");
        Self {
            db,
            clock,
            people,
            versions: Arc::new(Mutex::new(LruCache::new(cap))),
            current: Arc::new(Mutex::new(CurrentVersions {
                by_slug: LruCache::new(lookups),
                by_id: LruCache::new(lookups),
                by_item: LruCache::new(lookups),
            })),
            learning: None,
        }
    }

    /// The same service, reporting learning events to `learning` and asking it who may open a module.
    pub fn with_learning(mut self, learning: Arc<dyn LearningRecord>) -> Self {
        self.learning = Some(learning);
        self
    }

    /// Before a published item is shown or played: an item of a module with
    /// prerequisites needs a caller who finished them; a caller opening an
    /// item is enrolled. Anonymous reads of open modules touch nothing.
    async fn gate(&self, caller: Option<&Caller>, loaded: &Loaded, item: Uuid, lang: &str) -> Result<()> {
        let (Some(outline), Some(learning)) = (&loaded.outline, &self.learning) else { return Ok(()) };
        let gated = outline.module_of(item).is_some_and(|m| !m.requires.is_empty());
        let Some(caller) = caller else {
            return if gated { Err(Error::Unauthenticated) } else { Ok(()) };
        };
        if gated {
            learning.check_open(caller.user_id, outline, item, lang).await?;
        }
        learning.opened(caller.user_id, outline, item).await
    }

    /// Reports `activity` on a published item inside `tx`, so that it commits with the change it follows.
    async fn report(&self, tx: &mut Tx, caller: &Caller, loaded: &Loaded, item: Uuid, activity: Activity, at: DateTime<Utc>) -> Result<()> {
        let (Some(outline), Some(learning)) = (&loaded.outline, &self.learning) else { return Ok(()) };
        let event = LearningEvent { user: caller.user_id, item, activity, at };
        learning.record(tx, outline, &event).await
    }

    pub(crate) async fn version(&self, course: Uuid, version: i64) -> Result<Arc<Version>> {
        if let Some(hit) = self.versions.lock().unwrap_or_else(|p| p.into_inner()).get(&(course, version)) {
            return Ok(hit.clone());
        }
        let json = store::version_content(&self.db, course, version).await?.ok_or(Error::NotFound("course version"))?;
        let content = parse_content(&json)?;
        // The best scores walk each case study once (linear in its size); off the async threads all the same.
        let parsed = Arc::new(tokio::task::spawn_blocking(move || Version::new(content)).await.map_err(|e| Error::Internal(e.into()))?);
        self.versions.lock().unwrap_or_else(|p| p.into_inner()).put((course, version), parsed.clone());
        Ok(parsed)
    }

    fn current(&self) -> std::sync::MutexGuard<'_, CurrentVersions> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The course at `slug`, as read from the database at most [`CURRENT_VERSION_TTL`] ago.
    pub(crate) async fn published_course_by_slug(&self, slug: &str) -> Result<CourseRow> {
        if let Some((at, row)) = self.current().by_slug.get(slug)
            && at.elapsed() < CURRENT_VERSION_TTL
        {
            return Ok(row.clone());
        }
        let row = store::course_by_slug(&self.db, slug).await?.ok_or(Error::NotFound("course"))?;
        self.current().by_slug.put(slug.to_string(), (Instant::now(), row.clone()));
        Ok(row)
    }

    /// The courses among `ids` (unknown ones left out), as read from the
    /// database at most [`CURRENT_VERSION_TTL`] ago: those not seen lately in one query.
    pub(crate) async fn courses_by_ids(&self, ids: &[Uuid]) -> Result<Vec<CourseRow>> {
        let mut found = Vec::with_capacity(ids.len());
        let mut missing = Vec::new();
        {
            let mut current = self.current();
            for id in ids {
                match current.by_id.get(id) {
                    Some((at, row)) if at.elapsed() < CURRENT_VERSION_TTL => found.push(row.clone()),
                    _ => missing.push(*id),
                }
            }
        }
        if !missing.is_empty() {
            let rows = store::courses_by_ids(&self.db, &missing).await?;
            let now = Instant::now();
            let mut current = self.current();
            for row in rows {
                current.by_id.put(row.id, (now, row.clone()));
                found.push(row);
            }
        }
        Ok(found)
    }

    /// The outline of the published version `version` of `course`, made once per version.
    pub(crate) async fn outline_of_version(&self, course: &CourseRow, version: i64) -> Result<Arc<CourseOutline>> {
        Ok(self.version(course.id, version).await?.outline(course, version))
    }

    /// The course and current version holding published item `id`, as read at most [`CURRENT_VERSION_TTL`] ago.
    pub(crate) async fn published_home(&self, id: Uuid) -> Result<(CourseRow, i64)> {
        if let Some((at, row, version)) = self.current().by_item.get(&id)
            && at.elapsed() < CURRENT_VERSION_TTL
        {
            return Ok((row.clone(), *version));
        }
        let home = store::published_item(&self.db, id).await?.ok_or(Error::NotFound("item"))?;
        let course = store::course_by_id(&self.db, home.course_id).await?.ok_or(Error::NotFound("item"))?;
        self.current().by_item.put(id, (Instant::now(), course.clone(), home.version));
        Ok((course, home.version))
    }

    /// The published version that serves item `id` now.
    pub async fn published_version_of(&self, id: Uuid) -> Result<i64> {
        Ok(self.published_home(id).await?.1)
    }

    /// Forgets which versions are current: called after this instance publishes.
    pub(crate) fn forget_current_versions(&self) {
        let mut current = self.current();
        current.by_slug.clear();
        current.by_id.clear();
        current.by_item.clear();
    }

    /// Whether `caller` may edit `course`: its owner, a co-author, or an admin.
    pub(crate) async fn can_edit(&self, caller: Option<&Caller>, course: &CourseRow) -> Result<bool> {
        let Some(caller) = caller else { return Ok(false) };
        if caller.has(Role::Admin) {
            return Ok(true);
        }
        if !caller.can_author() {
            return Ok(false);
        }
        Ok(course.owner_id == Some(caller.user_id) || store::is_coauthor(&self.db, course.id, caller.user_id).await?)
    }

    /// What a reader of `slug` sees: the published version, or with
    /// `preview` the draft, for those who may edit it.
    pub(crate) async fn load_course(&self, caller: Option<&Caller>, slug: &str, preview: bool) -> Result<Loaded> {
        let course = if preview {
            store::course_by_slug(&self.db, slug).await?.ok_or(Error::NotFound("course"))?
        } else {
            self.published_course_by_slug(slug).await?
        };
        self.load(caller, course, preview).await
    }

    async fn load(&self, caller: Option<&Caller>, course: CourseRow, preview: bool) -> Result<Loaded> {
        if preview {
            if !self.can_edit(caller, &course).await? {
                return Err(if caller.is_some() { Error::Forbidden(ReasonCode::DraftAuthorsOnly.into()) } else { Error::Unauthenticated });
            }
            let json = store::draft(&self.db, course.id).await?.ok_or(Error::NotFound("course"))?;
            return Ok(Loaded { content: Arc::new(parse_content(&json)?), version: None, course, outline: None });
        }
        let Some(version) = course.published_version else {
            // A course never published does not exist for learners.
            return Err(Error::NotFound("course"));
        };
        self.load_published(course, version).await
    }

    async fn load_published(&self, course: CourseRow, version: i64) -> Result<Loaded> {
        let published = self.version(course.id, version).await?;
        let outline = published.outline(&course, version);
        Ok(Loaded { content: published.content.clone(), version: Some(version), outline: Some(outline), course })
    }

    /// The course holding item `id`: its published version, or with `preview` its draft.
    pub(crate) async fn load_item(&self, caller: Option<&Caller>, id: Uuid, preview: bool) -> Result<Loaded> {
        if preview {
            let course_id = store::course_of_part(&self.db, id).await?.ok_or(Error::NotFound("item"))?;
            let course = store::course_by_id(&self.db, course_id).await?.ok_or(Error::NotFound("item"))?;
            return self.load(caller, course, true).await;
        }
        let (course, version) = self.published_home(id).await?;
        self.load_published(course, version).await
    }

    /// The catalogue: published courses, optionally of one theme and matching `q`.
    pub async fn catalogue(
        &self,
        lang: &str,
        theme: Option<&str>,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<CoursePage> {
        if let Some(t) = theme
            && validate::course_theme(t).is_err()
        {
            return Err(Error::invalid("theme", FieldCode::UnknownValue, "must be one of concepts, pec, prevention, wellbeing"));
        }
        let limit = page::limit(limit)?;
        let after = page::decode_cursor(cursor)?;
        let pattern = q.map(fold_for_search).filter(|q| !q.is_empty()).map(|q| format!("%{}%", q.replace(['%', '_'], "")));
        let rows = store::published_courses(&self.db, theme, pattern.as_deref(), after, page::fetch_limit(limit)).await?;
        let Page { items: rows, next_cursor } = Page::from_rows(rows, limit, |r| page::encode_cursor(r.id));
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let (Some(version), Some(published_at)) = (row.published_version, row.published_at) else { continue };
            let published = self.version(row.id, version).await?;
            items.push(summary_of(&row, &published.content, lang, published_at));
        }
        Ok(CoursePage { items, next_cursor })
    }

    /// A course and its outline.
    pub async fn course(&self, caller: Option<&Caller>, slug: &str, lang: &str, preview: bool) -> Result<CourseDetail> {
        let loaded = self.load_course(caller, slug, preview).await?;
        let can_edit = self.can_edit(caller, &loaded.course).await?;
        Ok(Self::course_view(&loaded, lang, can_edit))
    }

    /// The outline of what `loaded` holds, in `lang`.
    fn course_view(loaded: &Loaded, lang: &str, can_edit: bool) -> CourseDetail {
        let c = &loaded.content;
        let (title, served_in) = c.title.pick(lang);
        CourseDetail {
            id: loaded.course.id,
            slug: loaded.course.slug.clone(),
            title: title.to_string(),
            summary: c.summary.pick(lang).0.to_string(),
            theme: c.theme,
            level: c.level,
            language: served_in.to_string(),
            content_language: c.language,
            estimated_minutes: c.estimated_minutes,
            version: loaded.version,
            published_at: loaded.version.and(loaded.course.published_at),
            preview: loaded.version.is_none(),
            can_edit,
            modules: c
                .modules
                .iter()
                .map(|m| ModuleOutline {
                    id: m.id,
                    title: m.title.pick(lang).0.to_string(),
                    requires: m.requires.iter().filter_map(|k| c.modules.iter().find(|r| &r.key == k).map(|r| r.id)).collect(),
                    items: m.items.iter().map(|i| item_ref(i, lang)).collect(),
                })
                .collect(),
        }
    }

    /// The published course at `slug` in one answer, for reading offline: its
    /// outline and every item of the modules `caller` may open now, as a
    /// signed-out reader gets each of them. Saving opens nothing: nobody is
    /// enrolled by it.
    pub async fn offline_bundle(&self, caller: Option<&Caller>, slug: &str, lang: &str) -> Result<CourseBundle> {
        let loaded = self.load_course(caller, slug, false).await?;
        let version = loaded.version.ok_or(Error::NotFound("course"))?;
        let mut bundle = CourseBundle {
            version,
            lang: lang.to_string(),
            course: Self::course_view(&loaded, lang, false),
            lessons: Vec::new(),
            quizzes: Vec::new(),
            case_studies: Vec::new(),
            plays: Vec::new(),
            images: Vec::new(),
        };
        let published = self.version(loaded.course.id, version).await?;
        for module in &loaded.content.modules {
            let Some(first) = module.items.first() else { continue };
            if !self.may_open(caller, &loaded, first.id, lang).await? {
                continue;
            }
            for item in &module.items {
                match &item.body {
                    ItemBody::Lesson(_) => {
                        let lesson = Self::lesson_view(&loaded, item.id, lang)?;
                        for src in same_origin_images(&lesson.body_html) {
                            if !bundle.images.contains(&src) {
                                bundle.images.push(src);
                            }
                        }
                        bundle.lessons.push(lesson);
                    }
                    ItemBody::Quiz(_) => bundle.quizzes.push(Self::quiz_view(&loaded, item.id, lang, 0, false)?),
                    ItemBody::CaseStudy(case) => {
                        bundle.case_studies.push(Self::case_study_view(&loaded, item.id, lang)?);
                        let best = published.best_scores.get(&item.id).copied().unwrap_or(0);
                        let reading = Reading { lang: language_of(lang), main: loaded.content.language };
                        bundle.plays.push(play(item.id, case, best, reading)?);
                    }
                }
            }
        }
        Ok(bundle)
    }

    /// Whether `caller` may open `item` now (the gate, without enrolling anyone).
    async fn may_open(&self, caller: Option<&Caller>, loaded: &Loaded, item: Uuid, lang: &str) -> Result<bool> {
        let (Some(outline), Some(learning)) = (&loaded.outline, &self.learning) else { return Ok(true) };
        if outline.module_of(item).is_none_or(|m| m.requires.is_empty()) {
            return Ok(true);
        }
        let Some(caller) = caller else { return Ok(false) };
        match learning.check_open(caller.user_id, outline, item, lang).await {
            Ok(()) => Ok(true),
            Err(Error::Locked { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A lesson, with the items before and after it.
    pub async fn lesson(&self, caller: Option<&Caller>, id: Uuid, lang: &str, preview: bool) -> Result<LessonView> {
        let loaded = self.load_item(caller, id, preview).await?;
        self.gate(caller, &loaded, id, lang).await?;
        Self::lesson_view(&loaded, id, lang)
    }

    /// Lesson `id` of what `loaded` holds, in `lang`.
    fn lesson_view(loaded: &Loaded, id: Uuid, lang: &str) -> Result<LessonView> {
        let c = &loaded.content;
        let (module, item) = c.items().find(|(_, i)| i.id == id).ok_or(Error::NotFound("lesson"))?;
        let ItemBody::Lesson(lesson) = &item.body else { return Err(Error::NotFound("lesson")) };
        let (previous_item, next_item) = neighbours(c, id, lang);
        let (title, served_in) = item.title.pick(lang);
        let (body_html, body_language) = served(&lesson.html, &lesson.translations, language_of(lang), c.language, |t| &t.html);
        Ok(LessonView {
            id,
            title: title.to_string(),
            body_html: body_html.to_string(),
            body_language,
            course_slug: loaded.course.slug.clone(),
            course_title: c.title.pick(lang).0.to_string(),
            module_title: module.title.pick(lang).0.to_string(),
            language: served_in.to_string(),
            content_language: c.language,
            estimated_minutes: item.estimated_minutes,
            next_item,
            previous_item,
        })
    }

    fn quiz_of(content: &CourseContent, id: Uuid) -> Result<(&Item, &Quiz)> {
        Self::body_of(content, id, "quiz", |b| if let ItemBody::Quiz(q) = b { Some(q) } else { None })
    }

    /// The item `id` and its body, when `part` finds one of the wanted kind (else `what` is not found).
    fn body_of<'a, T>(
        content: &'a CourseContent,
        id: Uuid,
        what: &'static str,
        part: impl Fn(&'a ItemBody) -> Option<&'a T>,
    ) -> Result<(&'a Item, &'a T)> {
        let item = content.item(id).ok_or(Error::NotFound(what))?;
        part(&item.body).map(|body| (item, body)).ok_or(Error::NotFound(what))
    }

    /// A quiz's questions, without answers; choices shuffled when the quiz says so.
    pub async fn quiz(&self, caller: Option<&Caller>, id: Uuid, lang: &str, preview: bool) -> Result<QuizView> {
        let loaded = self.load_item(caller, id, preview).await?;
        self.gate(caller, &loaded, id, lang).await?;
        let attempts_used = match caller {
            Some(caller) => store::count_attempts(&self.db, id, caller.user_id).await? as u32,
            None => 0,
        };
        Self::quiz_view(&loaded, id, lang, attempts_used, true)
    }

    /// Quiz `id` of what `loaded` holds, in `lang`, without answers; its choices
    /// shuffled when the quiz says so and `shuffle` allows it (a saved course
    /// keeps the authors' order, so that its bytes, and ETag, stay the same).
    fn quiz_view(loaded: &Loaded, id: Uuid, lang: &str, attempts_used: u32, shuffle: bool) -> Result<QuizView> {
        let c = &loaded.content;
        let (item, quiz) = Self::quiz_of(c, id)?;
        let mut rng = rand::thread_rng();
        let (reader, main) = (language_of(lang), c.language);
        let questions = quiz
            .questions
            .iter()
            .map(|q| {
                let mut choices: Vec<ChoiceView> = q
                    .choices
                    .iter()
                    .map(|c| {
                        let (label, language) = served(&c.label, &c.translations, reader, main, |t| &t.label);
                        ChoiceView { id: c.id, label: label.clone(), language }
                    })
                    .collect();
                // True/false keeps its order: "Vrai" then "Faux" is how people read it.
                if shuffle && quiz.shuffle && q.kind != QuestionKind::TrueFalse {
                    choices.shuffle(&mut rng);
                }
                let (prompt, language) = served(&q.prompt, &q.translations, reader, main, |t| &t.prompt);
                QuestionView { id: q.id, kind: q.kind, prompt: prompt.clone(), language, choices }
            })
            .collect();
        let (previous_item, next_item) = neighbours(c, id, lang);
        let (title, served_in) = item.title.pick(lang);
        Ok(QuizView {
            id,
            title: title.to_string(),
            course_slug: loaded.course.slug.clone(),
            course_title: c.title.pick(lang).0.to_string(),
            language: served_in.to_string(),
            content_language: c.language,
            pass_mark: quiz.pass_mark,
            max_attempts: quiz.max_attempts,
            attempts_used,
            questions,
            next_item,
            previous_item,
        })
    }

    /// Grades an attempt on the server, records it, and returns per-question feedback.
    /// Authors' previews are graded but not recorded.
    ///
    /// The right answers are revealed only once the quiz is passed (in this
    /// attempt or an earlier one) or no attempt is left, and always in an
    /// author's preview; before that the learner sees, per question, whether
    /// the answer given is right. An attempt answering nothing is refused and
    /// not counted; counting and recording are one atomic step, so parallel
    /// submissions never exceed the quiz's attempts.
    pub async fn attempt(&self, caller: &Caller, id: Uuid, req: AttemptRequest, lang: &str, preview: bool) -> Result<AttemptResult> {
        let sent = Sent::of(req.idempotency_key, "idempotency_key", req.submitted_at, "submitted_at", self.clock.now())?;
        let loaded = self.load_item(Some(caller), id, preview).await?;
        self.gate(Some(caller), &loaded, id, lang).await?;
        let (_, quiz) = Self::quiz_of(&loaded.content, id)?;
        let answers: Vec<Answer> = req.answers.iter().map(Answer::from).collect();
        let grade = quiz::grade(quiz, &answers)?;
        let recorded = match loaded.version {
            Some(version) => {
                // The same attempt sent again from the device's outbox: answered as the first time.
                if let Some(earlier) = self.answered_before(caller, &loaded, id, quiz, sent.key, lang).await? {
                    return Ok(earlier);
                }
                match self.record_attempt(caller, &loaded, version, id, quiz, &grade, &answers, sent).await {
                    Ok(recorded) => recorded,
                    // Sent twice at once: the other sending recorded it (perhaps with the last attempt left).
                    Err(refused @ Error::Conflict(_)) => {
                        return self.answered_before(caller, &loaded, id, quiz, sent.key, lang).await?.ok_or(refused);
                    }
                    Err(e) => return Err(e),
                }
            }
            None => Recorded {
                attempt_id: None,
                attempts_used: store::count_attempts(&self.db, id, caller.user_id).await? as u32,
                passed_before: false,
            },
        };
        Ok(Self::graded(&loaded, quiz, &answers, &grade, recorded, lang))
    }

    /// The result of the attempt at quiz `id` that `caller`'s device sent with
    /// `key` before, if any: its score as recorded then (the quiz may have
    /// been republished since), the feedback on its answers; 409 when the
    /// key went with another quiz.
    async fn answered_before(
        &self,
        caller: &Caller,
        loaded: &Loaded,
        id: Uuid,
        quiz: &Quiz,
        key: Option<Uuid>,
        lang: &str,
    ) -> Result<Option<AttemptResult>> {
        let Some(key) = key else { return Ok(None) };
        let Some(row) = store::attempt_by_key(&self.db, caller.user_id, key).await? else { return Ok(None) };
        if row.quiz_id != id {
            return Err(Error::Conflict(ReasonCode::IdempotencyKeyReused.into()));
        }
        let answers: Vec<Answer> = serde_json::from_str(&row.answers).map_err(|e| Error::Internal(e.into()))?;
        let recorded = Recorded {
            attempt_id: Some(row.id),
            attempts_used: store::count_attempts(&self.db, id, caller.user_id).await? as u32,
            passed_before: !row.passed && store::has_passed(&self.db, id, caller.user_id).await?,
        };
        let mut grade = quiz::grade(quiz, &answers)?;
        (grade.score, grade.max_score, grade.passed) =
            (u32::try_from(row.score).unwrap_or(0), u32::try_from(row.max_score).unwrap_or(0), row.passed);
        grade.percent = (grade.score * 100).checked_div(grade.max_score).unwrap_or(0);
        Ok(Some(Self::graded(loaded, quiz, &answers, &grade, recorded, lang)))
    }

    /// What the learner is told of a graded attempt: the score, and the
    /// feedback on each question (the answers revealed once passed or out of attempts).
    fn graded(loaded: &Loaded, quiz: &Quiz, answers: &[Answer], grade: &quiz::Grade, recorded: Recorded, lang: &str) -> AttemptResult {
        let attempts_left = quiz.max_attempts.map(|m| m.saturating_sub(recorded.attempts_used));
        let revealed = loaded.version.is_none() || grade.passed || recorded.passed_before || attempts_left == Some(0);
        let feedback = quiz
            .questions
            .iter()
            .zip(&grade.results)
            .map(|(q, r)| {
                let given_text = answers.iter().find(|a| a.question_id == q.id).and_then(|a| a.text.clone());
                // A question answered right holds nothing the learner does not know already.
                QuestionFeedback::of(q, r, revealed || r.correct, given_text, language_of(lang), loaded.content.language)
            })
            .collect();
        AttemptResult {
            attempt_id: recorded.attempt_id,
            score: grade.score,
            max_score: grade.max_score,
            percent: grade.percent,
            passed: grade.passed,
            pass_mark: quiz.pass_mark,
            attempts_used: recorded.attempts_used,
            attempts_left,
            answers_revealed: revealed,
            feedback,
        }
    }

    /// Records an attempt at a published quiz, if the learner has one left.
    #[allow(clippy::too_many_arguments)]
    async fn record_attempt(
        &self,
        caller: &Caller,
        loaded: &Loaded,
        version: i64,
        id: Uuid,
        quiz: &Quiz,
        grade: &quiz::Grade,
        answers: &[Answer],
        sent: Sent,
    ) -> Result<Recorded> {
        let passed_before = !grade.passed && store::has_passed(&self.db, id, caller.user_id).await?;
        let aid = sanad_platform::ids::new_id();
        let answers_json = serde_json::to_string(answers).map_err(|e| Error::Internal(e.into()))?;
        let row = store::AttemptRow {
            id: aid,
            quiz_id: id,
            user_id: caller.user_id,
            course_id: loaded.course.id,
            version,
            score: i64::from(grade.score),
            max_score: i64::from(grade.max_score),
            passed: grade.passed,
            answers: &answers_json,
            idempotency_key: sent.key,
            now: sent.at,
        };
        let max = quiz.max_attempts.map_or(i64::MAX, i64::from);
        let mut tx = self.db.begin().await?;
        // Dropping the transaction (no attempt left, or the same key recorded meanwhile) rolls it back.
        let used = match store::record_attempt(&mut tx, &row, max).await? {
            store::AttemptRecorded::Counted(used) => used,
            store::AttemptRecorded::NoneLeft => {
                return Err(Error::Conflict(Reason::from(ReasonCode::NoAttemptsLeft).with("max", max)));
            }
            store::AttemptRecorded::KeyTaken => return Err(Error::Conflict(ReasonCode::IdempotencyKeyReused.into())),
        };
        let questions =
            quiz.questions.iter().zip(&grade.results).map(|(q, r)| QuestionOutcome { question: q.id, correct: r.correct }).collect();
        let activity = Activity::QuizAttempted { score: grade.score, max_score: grade.max_score, passed: grade.passed, questions };
        self.report(&mut tx, caller, loaded, id, activity, sent.at).await?;
        tx.commit().await?;
        Ok(Recorded { attempt_id: Some(aid), attempts_used: u32::try_from(used).unwrap_or(u32::MAX), passed_before })
    }

    fn case_of(content: &CourseContent, id: Uuid) -> Result<(&Item, &CaseStudy)> {
        Self::body_of(content, id, "case study", |b| if let ItemBody::CaseStudy(c) = b { Some(c) } else { None })
    }

    /// A case study's presentation, before starting it.
    pub async fn case_study(&self, caller: Option<&Caller>, id: Uuid, lang: &str, preview: bool) -> Result<CaseStudyView> {
        let loaded = self.load_item(caller, id, preview).await?;
        self.gate(caller, &loaded, id, lang).await?;
        Self::case_study_view(&loaded, id, lang)
    }

    /// Case study `id` of what `loaded` holds, in `lang`, before starting it.
    fn case_study_view(loaded: &Loaded, id: Uuid, lang: &str) -> Result<CaseStudyView> {
        let c = &loaded.content;
        let (item, case) = Self::case_of(c, id)?;
        let (previous_item, next_item) = neighbours(c, id, lang);
        let (title, served_in) = item.title.pick(lang);
        let (decisions_fewest, decisions_most) = case.decisions();
        let (summary, summary_language) = served(&case.summary, &case.summary_translations, language_of(lang), c.language, |t| t);
        Ok(CaseStudyView {
            id,
            title: title.to_string(),
            summary: summary.clone(),
            summary_language,
            course_slug: loaded.course.slug.clone(),
            course_title: c.title.pick(lang).0.to_string(),
            language: served_in.to_string(),
            content_language: c.language,
            decision_points: case.nodes.len() as u32,
            decisions_fewest,
            decisions_most,
            next_item,
            previous_item,
        })
    }

    /// Starts a run at the case study's first node. A run played offline comes
    /// from the device's outbox with the id the device gave it, when it was
    /// started, and the version the device played: sent again, it is answered
    /// with the run as it stands.
    pub async fn start_run(&self, caller: &Caller, id: Uuid, lang: &str, preview: bool, offline: Option<RunRequest>) -> Result<RunStarted> {
        let offline = offline.unwrap_or_default();
        let sent = Sent::of(offline.run_id, "run_id", offline.started_at, "started_at", self.clock.now())?;
        let loaded = self.load_item(Some(caller), id, preview).await?;
        self.gate(Some(caller), &loaded, id, lang).await?;
        if let Some(run_id) = sent.key
            && let Some(run) = store::run(&self.db, run_id).await?
        {
            return self.run_started_before(caller, id, run, lang).await;
        }
        let (version, content) = self.version_played(&loaded, id, offline.version).await?;
        let (_, case) = Self::case_of(&content, id)?;
        let run = store::RunRow {
            id: sent.key.unwrap_or_else(sanad_platform::ids::new_id),
            case_study_id: id,
            user_id: caller.user_id,
            course_id: loaded.course.id,
            version,
            current_key: case.start.clone(),
            score: 0,
            steps: "[]".into(),
            ending_key: None,
        };
        if !store::insert_run(&self.db, &run, sent.at).await? {
            // The same run sent twice at once: the other sending started it.
            let started = store::run(&self.db, run.id).await?.ok_or(Error::Conflict(ReasonCode::IdempotencyKeyReused.into()))?;
            return self.run_started_before(caller, id, started, lang).await;
        }
        let best = self.best_score(loaded.course.id, version, id, case).await?;
        let reading = Reading { lang: language_of(lang), main: content.language };
        Ok(RunStarted { run_id: run.id, node: node_view(case, &case.start, 0, best, reading)? })
    }

    /// The version a new run of case study `id` plays: the one a device played
    /// offline (`played`) while it is published and still holds the case
    /// study, else the one `loaded` holds (0 for an author's draft).
    async fn version_played(&self, loaded: &Loaded, id: Uuid, played: Option<i64>) -> Result<(i64, Arc<CourseContent>)> {
        let current = (loaded.version.unwrap_or(0), loaded.content.clone());
        let (Some(now), Some(played)) = (loaded.version, played) else { return Ok(current) };
        if !(1..now).contains(&played) {
            return Ok(current);
        }
        match self.version(loaded.course.id, played).await {
            Ok(earlier) if Self::case_of(&earlier.content, id).is_ok() => Ok((played, earlier.content.clone())),
            Ok(_) | Err(Error::NotFound(_)) => Ok(current),
            Err(e) => Err(e),
        }
    }

    /// A run a device sent before, answered as it stands; 409 when its id
    /// is another learner's or another case study's.
    async fn run_started_before(&self, caller: &Caller, id: Uuid, run: store::RunRow, lang: &str) -> Result<RunStarted> {
        if run.user_id != caller.user_id || run.case_study_id != id {
            return Err(Error::Conflict(ReasonCode::IdempotencyKeyReused.into()));
        }
        let view = self.get_run(caller, run.id, lang).await?;
        Ok(RunStarted { run_id: view.run_id, node: view.node })
    }

    /// The best score of case study `id` in `version` of `course`: computed
    /// once per published version (with the version, in the cache), and per
    /// request only for an author's draft (version 0).
    async fn best_score(&self, course: Uuid, version: i64, id: Uuid, case: &CaseStudy) -> Result<u32> {
        Ok(match version {
            0 => case.best_score(),
            v => self.version(course, v).await?.best_scores.get(&id).copied().unwrap_or(0),
        })
    }

    /// A run of the caller, the course text it plays, and the case study's best score.
    async fn run_and_case(&self, caller: &Caller, run_id: Uuid) -> Result<(store::RunRow, Arc<CourseContent>, u32)> {
        let run = store::run(&self.db, run_id).await?.filter(|r| r.user_id == caller.user_id).ok_or(Error::NotFound("case study run"))?;
        if run.version == 0 {
            let course = store::course_by_id(&self.db, run.course_id).await?.ok_or(Error::NotFound("case study run"))?;
            let content = self.load(Some(caller), course, true).await?.content;
            let best = Self::case_of(&content, run.case_study_id)?.1.best_score();
            Ok((run, content, best))
        } else {
            let published = self.version(run.course_id, run.version).await?;
            let best = published.best_scores.get(&run.case_study_id).copied().unwrap_or(0);
            Ok((run, published.content.clone(), best))
        }
    }

    /// Takes a decision in a run: returns the practitioner's feedback and the
    /// next node (or the ending). A decision taken offline comes from the
    /// device's outbox with its key and time: sent again, it is answered as
    /// the first time and changes nothing.
    pub async fn choose(&self, caller: &Caller, run_id: Uuid, req: ChoiceRequest, lang: &str) -> Result<ChoiceOutcome> {
        let sent = Sent::of(req.idempotency_key, "idempotency_key", req.chosen_at, "chosen_at", self.clock.now())?;
        let (run, content, best) = self.run_and_case(caller, run_id).await?;
        let (_, case) = Self::case_of(&content, run.case_study_id)?;
        let reading = Reading { lang: language_of(lang), main: content.language };
        let mut steps: Vec<serde_json::Value> = serde_json::from_str(&run.steps).unwrap_or_default();
        if let Some(key) = sent.key
            && let Some(outcome) = step_taken(case, &steps, key, req.choice_id, best, reading)?
        {
            return Ok(outcome);
        }
        if run.ending_key.is_some() {
            return Err(Error::Conflict(ReasonCode::RunEnded.into()));
        }
        let node = case.nodes.iter().find(|n| n.key == run.current_key).ok_or(Error::NotFound("case study node"))?;
        let choice = node
            .choices
            .iter()
            .find(|c| c.id == req.choice_id)
            .ok_or_else(|| Error::invalid("choice_id", FieldCode::InvalidValue, "is not one of the choices at this step"))?;
        let score = run.score + i64::from(choice.points);
        let mut step = serde_json::json!({"node": node.key, "choice": choice.key});
        if let Some(key) = sent.key {
            step["key"] = serde_json::json!(key);
        }
        steps.push(step);
        let ending = case.endings.iter().find(|e| e.key == choice.next).map(|e| e.key.as_str());
        let steps_json = serde_json::to_string(&steps).map_err(|e| Error::Internal(e.into()))?;
        let mut tx = self.db.begin().await?;
        let moved = store::advance_run(&mut tx, run_id, &node.key, &choice.next, score, &steps_json, ending, sent.at).await?;
        if !moved {
            drop(tx);
            // The same decision sent twice at once: the other sending took it.
            if let Some(key) = sent.key
                && let Some(again) = store::run(&self.db, run_id).await?
            {
                let steps: Vec<serde_json::Value> = serde_json::from_str(&again.steps).unwrap_or_default();
                if let Some(outcome) = step_taken(case, &steps, key, req.choice_id, best, reading)? {
                    return Ok(outcome);
                }
            }
            return Err(Error::Conflict(ReasonCode::StepAlreadyAnswered.into()));
        }
        if ending.is_some() && run.version > 0 {
            self.report_ending(&mut tx, caller, &run, score, best, sent.at).await?;
        }
        tx.commit().await?;
        let (feedback_html, feedback_language) =
            served(&choice.feedback_html, &choice.translations, reading.lang, reading.main, |t| &t.feedback_html);
        Ok(ChoiceOutcome {
            feedback_html: feedback_html.clone(),
            feedback_language,
            points: choice.points,
            node: node_view(case, &choice.next, score as u32, best, reading)?,
        })
    }

    /// Reports a run brought to an ending against the course's current outline
    /// (a run of an earlier version counts when its case study is still there).
    async fn report_ending(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        run: &store::RunRow,
        score: i64,
        best: u32,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let Some(learning) = &self.learning else { return Ok(()) };
        let Some(outline) = self.outline_by_id(run.course_id).await? else { return Ok(()) };
        if outline.kind_of(run.case_study_id).is_none() {
            return Ok(());
        }
        let activity = Activity::RunEnded { score: u32::try_from(score).unwrap_or(0), max_score: best };
        let event = LearningEvent { user: caller.user_id, item: run.case_study_id, activity, at };
        learning.record(tx, &outline, &event).await
    }

    /// A run as it stands, with the steps taken, to resume it.
    pub async fn get_run(&self, caller: &Caller, run_id: Uuid, lang: &str) -> Result<RunView> {
        let (run, content, best) = self.run_and_case(caller, run_id).await?;
        let (_, case) = Self::case_of(&content, run.case_study_id)?;
        let reading = Reading { lang: language_of(lang), main: content.language };
        let taken: Vec<serde_json::Value> = serde_json::from_str(&run.steps).unwrap_or_default();
        let steps = taken
            .iter()
            .filter_map(|s| {
                let node = case.nodes.iter().find(|n| Some(n.key.as_str()) == s["node"].as_str())?;
                let c = node.choices.iter().find(|c| Some(c.key.as_str()) == s["choice"].as_str())?;
                let (label, feedback_html, language) = match translation(&c.translations, reading.lang, reading.main) {
                    Some(t) => (&t.label, &t.feedback_html, reading.lang),
                    None => (&c.label, &c.feedback_html, reading.main),
                };
                Some(RunStep { choice_label: label.clone(), language, feedback_html: feedback_html.clone(), points: c.points })
            })
            .collect();
        Ok(RunView {
            run_id,
            case_study_id: run.case_study_id,
            steps,
            node: node_view(case, &run.current_key, run.score as u32, best, reading)?,
        })
    }
}

/// The language a run is read in, and the course's own.
#[derive(Clone, Copy)]
struct Reading {
    lang: Language,
    main: Language,
}

/// Case study `id` whole, read in `reading`, to be played on a device.
fn play(id: Uuid, case: &CaseStudy, best: u32, reading: Reading) -> Result<CaseStudyPlay> {
    let id_of = |key: &str| {
        case.nodes.iter().find(|n| n.key == key).map(|n| n.id).or_else(|| case.endings.iter().find(|e| e.key == key).map(|e| e.id))
    };
    let mut nodes = Vec::with_capacity(case.nodes.len() + case.endings.len());
    let mut outcomes = Vec::new();
    for node in &case.nodes {
        nodes.push(node_view(case, &node.key, 0, best, reading)?);
        for choice in &node.choices {
            let (feedback_html, feedback_language) =
                served(&choice.feedback_html, &choice.translations, reading.lang, reading.main, |t| &t.feedback_html);
            outcomes.push(PlayOutcome {
                choice_id: choice.id,
                feedback_html: feedback_html.clone(),
                feedback_language,
                points: choice.points,
                next: id_of(&choice.next).ok_or(Error::NotFound("case study node"))?,
            });
        }
    }
    for ending in &case.endings {
        nodes.push(node_view(case, &ending.key, 0, best, reading)?);
    }
    Ok(CaseStudyPlay {
        case_study_id: id,
        start: id_of(&case.start).ok_or(Error::NotFound("case study node"))?,
        best_score: best,
        nodes,
        outcomes,
    })
}

/// The outcome of the step of a run taken with `key`, as it was answered
/// then (the score as it stood after it); `None` when no step has that key,
/// 409 when it went with another choice than `choice_id`.
fn step_taken(
    case: &CaseStudy,
    steps: &[serde_json::Value],
    key: Uuid,
    choice_id: Uuid,
    best: u32,
    reading: Reading,
) -> Result<Option<ChoiceOutcome>> {
    let key = key.to_string();
    let Some(at) = steps.iter().position(|s| s["key"].as_str() == Some(key.as_str())) else { return Ok(None) };
    let mut score: u32 = 0;
    let mut taken = None;
    for step in &steps[..=at] {
        let node = case.nodes.iter().find(|n| Some(n.key.as_str()) == step["node"].as_str());
        let choice = node.and_then(|n| n.choices.iter().find(|c| Some(c.key.as_str()) == step["choice"].as_str()));
        let choice = choice.ok_or(Error::NotFound("case study step"))?;
        score += choice.points;
        taken = Some(choice);
    }
    let choice = taken.ok_or(Error::NotFound("case study step"))?;
    if choice.id != choice_id {
        return Err(Error::Conflict(ReasonCode::IdempotencyKeyReused.into()));
    }
    let (feedback_html, feedback_language) =
        served(&choice.feedback_html, &choice.translations, reading.lang, reading.main, |t| &t.feedback_html);
    Ok(Some(ChoiceOutcome {
        feedback_html: feedback_html.clone(),
        feedback_language,
        points: choice.points,
        node: node_view(case, &choice.next, score, best, reading)?,
    }))
}

/// The node at `key`, or the ending with the run's score beside the best one (`max_score`).
fn node_view(case: &CaseStudy, key: &str, score: u32, max_score: u32, reading: Reading) -> Result<NodeView> {
    let Reading { lang, main } = reading;
    if let Some(node) = case.nodes.iter().find(|n| n.key == key) {
        let (body_html, language) = served(&node.html, &node.translations, lang, main, |t| &t.html);
        return Ok(NodeView {
            id: node.id,
            body_html: body_html.clone(),
            language,
            choices: node
                .choices
                .iter()
                .map(|c| {
                    let (label, language) = served(&c.label, &c.translations, lang, main, |t| &t.label);
                    NodeChoice { id: c.id, label: label.clone(), language }
                })
                .collect(),
            ending: None,
        });
    }
    let ending = case.endings.iter().find(|e| e.key == key).ok_or(Error::NotFound("case study node"))?;
    let (title, debrief_html, language) = match translation(&ending.translations, lang, main) {
        Some(t) => (&t.title, &t.debrief_html, lang),
        None => (&ending.title, &ending.debrief_html, main),
    };
    Ok(NodeView {
        id: ending.id,
        body_html: debrief_html.clone(),
        language,
        choices: vec![],
        ending: Some(EndingView {
            id: ending.id,
            title: title.clone(),
            language,
            band: EndingBand::from_stored(&ending.band)?,
            debrief_html: debrief_html.clone(),
            score,
            max_score,
        }),
    })
}

/// The `src` of each `<img>` of sanitized lesson HTML that points into this
/// site (a path from the root), once each, in order.
fn same_origin_images(html: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for tag in html.split("<img").skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let Some(at) = tag.find(" src=\"") else { continue };
        let value = &tag[at + 6..];
        let Some(end) = value.find('"') else { continue };
        let src = value[..end].replace("&amp;", "&");
        if src.starts_with('/') && !src.starts_with("//") && !found.contains(&src) {
            found.push(src);
        }
    }
    found
}

fn summary_of(row: &CourseRow, content: &CourseContent, lang: &str, published_at: DateTime<Utc>) -> CourseSummary {
    let (title, served_in) = content.title.pick(lang);
    CourseSummary {
        id: row.id,
        slug: row.slug.clone(),
        title: title.to_string(),
        summary: content.summary.pick(lang).0.to_string(),
        theme: content.theme,
        level: content.level,
        language: served_in.to_string(),
        content_language: content.language,
        estimated_minutes: content.estimated_minutes,
        item_count: content.items().count() as u32,
        published_at,
    }
}

/// Lower-cased, accent-free text for the catalogue's `q=` search.
pub fn fold_for_search(text: &str) -> String {
    sanad_platform::folding::fold(text)
}

#[cfg(test)]
mod tests {
    use super::same_origin_images;

    #[test]
    fn only_this_sites_images_are_listed_once() {
        let html = r#"<p><img src="/api/v1/files/a.png" alt="a"><img alt="b" src="https://elsewhere.example/b.png"></p>
<img src="//cdn.example/c.png"><img src="/api/v1/files/a.png"><img src="/x?a=1&amp;b=2">"#;
        assert_eq!(same_origin_images(html), vec!["/api/v1/files/a.png".to_string(), "/x?a=1&b=2".to_string()]);
    }
}
