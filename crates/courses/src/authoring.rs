//! The rules of authoring: who may edit, editing the draft, publishing it,
//! and importing or exporting course folders. Learners keep reading the
//! published version until the authors publish again.

use sanad_platform::FieldCode;
use sanad_platform::ids::new_id;
use sanad_platform::markdown::{self, MAX_MARKDOWN_BYTES};
use sanad_platform::page::{self, Page};
use sanad_platform::vocabulary::{Language, Level, Theme};
use sanad_platform::{Caller, Error, FieldError, Result, Role, Text};
use sanad_platform::{Reason, ReasonCode};
use std::cmp::Reverse;
use std::collections::HashSet;
use uuid::Uuid;

use crate::content::*;
use crate::folder::{self, Files, ImportError};
use crate::model::*;
use crate::service::{Courses, fold_for_search, parse_content};
use crate::store::{self, CourseRow, NewCourseRow, NewVersion};
use crate::validate::{self, ContentProblem, is_key};

/// Turns a title into a key: lowercase ASCII, digits and hyphens (a title
/// with no Latin letters, Arabic for one, gives `part`, numbered if taken).
pub fn key_from(title: &str) -> String {
    let folded = crate::quiz::normalize_answer(title);
    let key: String = folded.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let key = key.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    let key: String = key.chars().take(60).collect();
    if key.is_empty() { "part".into() } else { key.trim_end_matches('-').to_string() }
}

fn unique_key(wanted: String, taken: &HashSet<String>) -> String {
    if !taken.contains(&wanted) {
        return wanted;
    }
    (2..).map(|n| format!("{wanted}-{n}")).find(|k| !taken.contains(k)).unwrap_or(wanted)
}

/// A vocabulary field of `PATCH /courses/{slug}`, parsed when present; an unknown value becomes a course problem.
fn typed<T>(value: &Option<Text>, parse: fn(&str) -> std::result::Result<T, Reason>, problems: &mut Vec<ContentProblem>) -> Option<T> {
    let parsed = parse(value.as_ref()?.trim());
    parsed.map_err(|reason| problems.push(ContentProblem::of_course(reason))).ok()
}

fn problems_to_error(problems: Vec<ContentProblem>) -> Error {
    Error::Invalid(
        problems
            .into_iter()
            .map(|p| {
                let mut error = FieldError::with_reason(&p.location, FieldCode::InvalidContent, p.reason);
                // The message repeats the location, as import errors do, so that a list of messages reads on its own.
                error.message = format!("{}: {}", p.location, p.message);
                error
            })
            .collect(),
    )
}

fn import_errors(errors: Vec<ImportError>) -> Error {
    Error::Invalid(errors.into_iter().map(|e| FieldError::new(&e.file, FieldCode::InvalidContent, e.to_string())).collect())
}

/// The body of an item an author sends.
#[derive(Debug, Clone)]
pub enum ItemInput {
    Lesson(LessonInput),
    Quiz(QuizInput),
    CaseStudy(CaseStudyInput),
}

impl ItemInput {
    fn title(&self) -> &LocalizedInput {
        match self {
            ItemInput::Lesson(l) => &l.title,
            ItemInput::Quiz(q) => &q.title,
            ItemInput::CaseStudy(c) => &c.title,
        }
    }

    fn minutes(&self) -> Option<u32> {
        match self {
            ItemInput::Lesson(l) => l.estimated_minutes,
            ItemInput::Quiz(q) => q.estimated_minutes,
            ItemInput::CaseStudy(c) => c.estimated_minutes,
        }
    }

    /// The content body; ids sent by the client are kept when `previous` has them.
    fn body(&self, previous: Option<&ItemBody>) -> ItemBody {
        let known = previous.map(ItemBody::part_ids).unwrap_or_default();
        match self {
            ItemInput::Lesson(l) => ItemBody::Lesson(l.to_lesson()),
            ItemInput::Quiz(q) => ItemBody::Quiz(q.to_quiz(&known)),
            ItemInput::CaseStudy(c) => ItemBody::CaseStudy(c.to_case_study(&known)),
        }
    }
}

/// Checks made on every save: enough for the draft to be shown and edited.
/// The complete rules (case-study graphs and all) are checked at publication.
fn check_item_input(input: &ItemInput) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if Localized::from(input.title()).is_blank() {
        errors.push(FieldError::new("title.fr", FieldCode::Required, "must be given in at least one language"));
    }
    errors.extend(oversized_markdown(input));
    match input {
        ItemInput::Quiz(q) if q.pass_mark > 100 => {
            errors.push(FieldError::new("pass_mark", FieldCode::OutOfRange, "must be between 0 and 100"))
        }
        ItemInput::CaseStudy(c) => {
            let size = validate::case_study_size(c.nodes.len(), c.nodes.iter().map(|n| n.choices.len()), c.endings.len());
            if !size.is_empty() {
                errors.extend(size.into_iter().map(|(field, reason)| FieldError::with_reason(&field, FieldCode::TooLong, reason)));
                return errors;
            }
            for n in &c.nodes {
                if !is_key(n.key.trim()) {
                    errors.push(FieldError::new(
                        "nodes.key",
                        FieldCode::InvalidFormat,
                        format!("`{}` must be lowercase letters, digits and hyphens", n.key.0),
                    ));
                }
            }
            for e in &c.endings {
                if !is_key(e.key.trim()) {
                    errors.push(FieldError::new(
                        "endings.key",
                        FieldCode::InvalidFormat,
                        format!("`{}` must be lowercase letters, digits and hyphens", e.key.0),
                    ));
                }
            }
        }
        _ => {}
    }
    errors
}

/// Markdown texts over [`MAX_MARKDOWN_BYTES`], by field: rendering is
/// linear in the input, so bounding the input bounds every render.
fn oversized_markdown(input: &ItemInput) -> Vec<FieldError> {
    let mut texts: Vec<(String, &str)> = Vec::new();
    match input {
        ItemInput::Lesson(l) => texts.push(("body".into(), &l.body)),
        ItemInput::CaseStudy(c) => {
            for (i, n) in c.nodes.iter().enumerate() {
                texts.push((format!("nodes[{i}].body_markdown"), &n.body_markdown));
                for (j, choice) in n.choices.iter().enumerate() {
                    if let Some(f) = &choice.feedback_markdown {
                        texts.push((format!("nodes[{i}].choices[{j}].feedback_markdown"), f));
                    }
                }
            }
            for (i, e) in c.endings.iter().enumerate() {
                texts.push((format!("endings[{i}].debrief_markdown"), &e.debrief_markdown));
            }
        }
        ItemInput::Quiz(_) => {}
    }
    texts
        .into_iter()
        .filter(|(_, text)| !markdown::fits(text))
        .map(|(field, _)| FieldError::new(&field, FieldCode::TooLong, format!("at most {} KiB of Markdown", MAX_MARKDOWN_BYTES / 1024)))
        .collect()
}

/// Renders an item's Markdown on the blocking pool: a long lesson never
/// holds an async worker (and with it other requests).
async fn render_off_thread(input: ItemInput, previous: Option<ItemBody>) -> Result<ItemBody> {
    tokio::task::spawn_blocking(move || input.body(previous.as_ref()))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("rendering an item failed: {e}")))
}

impl Courses {
    /// The course at `slug` with its draft, when the caller may edit it.
    async fn editable(&self, caller: &Caller, slug: &str) -> Result<(CourseRow, CourseContent)> {
        caller.require_author()?;
        let course = store::course_by_slug(&self.db, slug).await?.ok_or(Error::NotFound("course"))?;
        self.editable_row(caller, course).await
    }

    async fn editable_row(&self, caller: &Caller, course: CourseRow) -> Result<(CourseRow, CourseContent)> {
        if !self.can_edit(Some(caller), &course).await? {
            return Err(Error::Forbidden(ReasonCode::NotCourseAuthor.into()));
        }
        let json = store::draft(&self.db, course.id).await?.ok_or(Error::NotFound("course"))?;
        Ok((course, parse_content(&json)?))
    }

    /// The course holding draft part `id` (a module or an item), when the caller may edit it.
    async fn editable_part(&self, caller: &Caller, id: Uuid) -> Result<(CourseRow, CourseContent)> {
        caller.require_author()?;
        let course_id = store::course_of_part(&self.db, id).await?.ok_or(Error::NotFound("module or item"))?;
        let course = store::course_by_id(&self.db, course_id).await?.ok_or(Error::NotFound("module or item"))?;
        self.editable_row(caller, course).await
    }

    /// Refuses anyone but the course's owner or an admin: co-authors edit the
    /// draft, but publishing it (and choosing the co-authors) is the owner's.
    fn require_owner(caller: &Caller, course: &CourseRow) -> Result<()> {
        if course.owner_id == Some(caller.user_id) || caller.has(Role::Admin) {
            Ok(())
        } else {
            Err(Error::Forbidden(ReasonCode::CourseOwnerOnly.into()))
        }
    }

    /// Saves a draft (refusing a stale revision) and its parts index.
    async fn save(&self, course: &CourseRow, content: &CourseContent) -> Result<()> {
        let problems: Vec<ContentProblem> = validate::check_course(content).into_iter().filter(|p| p.location == "course").collect();
        if !problems.is_empty() {
            return Err(problems_to_error(problems));
        }
        let json = serde_json::to_string(content).map_err(|e| Error::Internal(e.into()))?;
        let mut tx = self.db.begin().await?;
        if !store::save_draft(&mut tx, course.id, course.revision, content.theme.as_str(), &json, self.clock.now()).await? {
            return Err(Error::Conflict(ReasonCode::CourseChangedMeanwhile.into()));
        }
        let parts = content.parts();
        store::set_draft_parts(&mut tx, course.id, &parts).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn draft_course(&self, course: &CourseRow, editing: Option<Language>) -> Result<DraftCourse> {
        let course = store::course_by_id(&self.db, course.id).await?.ok_or(Error::NotFound("course"))?;
        let json = store::draft(&self.db, course.id).await?.ok_or(Error::NotFound("course"))?;
        let c = parse_content(&json)?;
        Ok(DraftCourse {
            id: course.id,
            slug: course.slug.clone(),
            title: LocalizedText::from(&c.title),
            summary: LocalizedText::from(&c.summary),
            theme: c.theme,
            level: c.level,
            language: c.language,
            estimated_minutes: c.estimated_minutes,
            owner_id: course.owner_id,
            coauthor_ids: store::coauthors(&self.db, course.id).await?,
            revision: course.revision,
            published_version: course.published_version,
            published_at: course.published_at,
            has_unpublished_changes: course.published_revision != Some(course.revision),
            editing_language: editing.unwrap_or(c.language),
            modules: c.modules.iter().map(|m| DraftModule::of(m, editing.unwrap_or(c.language), c.language)).collect(),
        })
    }

    /// Courses the caller may edit (every course for admins), most recently
    /// changed first; whole unless `limit` or `cursor` asks for a page.
    pub async fn authored(&self, caller: &Caller, cursor: Option<&str>, limit: Option<u32>) -> Result<AuthoredCourseList> {
        caller.require_author()?;
        let limit = page::optional_limit(limit, cursor)?;
        // Keyset (updated_at, id), newest first. A trainer's courses are few, so
        // the list is read whole and paged here, before each draft is read.
        let after = page::decode_key::<(i64, Uuid)>(cursor)?.map(|(t, id)| (Reverse(t), Reverse(id)));
        let key = |r: &CourseRow| (Reverse(r.updated_at.timestamp_micros()), Reverse(r.id));
        let mut rows = store::editable_courses(&self.db, caller.user_id, caller.has(Role::Admin)).await?;
        rows.sort_by_key(key);
        let rows = Page::from_sorted(rows, key, after.as_ref(), limit, |r| page::encode_key(&(r.updated_at.timestamp_micros(), r.id)));
        let mut items = Vec::with_capacity(rows.items.len());
        for row in rows.items {
            let json = store::draft(&self.db, row.id).await?.unwrap_or_default();
            let title = parse_content(&json).map(|c| c.title.main().0.to_string()).unwrap_or_default();
            items.push(AuthoredCourse {
                id: row.id,
                slug: row.slug.clone(),
                title,
                theme: Theme::from_stored(&row.theme)?,
                published_version: row.published_version,
                has_unpublished_changes: row.published_revision != Some(row.revision),
                updated_at: row.updated_at,
            });
        }
        Ok(AuthoredCourseList { items, next_cursor: rows.next_cursor })
    }

    /// Creates a draft course owned by the caller.
    pub async fn create_course(&self, caller: &Caller, req: NewCourse) -> Result<DraftCourse> {
        caller.require_author()?;
        let slug = req.slug.trim().to_string();
        let mut errors = Vec::new();
        if !is_key(&slug) {
            errors.push(FieldError::new("slug", FieldCode::InvalidFormat, "must be lowercase letters, digits and hyphens"));
        }
        let theme = validate::course_theme(req.theme.trim());
        let level = req.level.as_ref().map_or(Ok(Level::Beginner), |l| validate::course_level(l.trim()));
        let language = req.language.as_ref().map_or(Ok(Language::Fr), |l| validate::course_language(l.trim()));
        let content = CourseContent {
            title: Localized::from(&req.title),
            summary: Localized::from(&req.summary),
            theme: theme.clone().unwrap_or(Theme::Concepts),
            level: level.clone().unwrap_or(Level::Beginner),
            language: language.clone().unwrap_or(Language::Fr),
            estimated_minutes: req.estimated_minutes.unwrap_or(30),
            modules: vec![],
        };
        for p in validate::check_course(&content) {
            errors.push(FieldError::with_reason("title.fr", FieldCode::InvalidValue, p.reason));
        }
        for (field, parsed) in [("theme", theme.err()), ("level", level.err()), ("language", language.err())] {
            if let Some(reason) = parsed {
                errors.push(FieldError::with_reason(field, FieldCode::InvalidValue, reason));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        if store::course_by_slug(&self.db, &slug).await?.is_some() {
            return Err(Error::Conflict(Reason::from(ReasonCode::CourseSlugTaken).with("slug", &slug)));
        }
        let id = self.insert_course(Some(caller.user_id), &slug, &content).await?;
        let course = store::course_by_id(&self.db, id).await?.ok_or(Error::NotFound("course"))?;
        self.draft_course(&course, None).await
    }

    async fn insert_course(&self, owner: Option<Uuid>, slug: &str, content: &CourseContent) -> Result<Uuid> {
        let id = new_id();
        let json = serde_json::to_string(content).map_err(|e| Error::Internal(e.into()))?;
        let mut tx = self.db.begin().await?;
        let row = NewCourseRow { id, slug, owner_id: owner, theme: content.theme.as_str(), draft: &json, now: self.clock.now() };
        if let Err(e) = store::insert_course(&mut tx, &row).await {
            return Err(if sanad_platform::db::is_unique_violation(&e) {
                Error::Conflict(Reason::from(ReasonCode::CourseSlugTaken).with("slug", slug))
            } else {
                e.into()
            });
        }
        let parts = content.parts();
        store::set_draft_parts(&mut tx, id, &parts).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The draft, as its authors edit it.
    ///
    /// With `language`, the items' texts are given in that language (empty
    /// where not yet written), for translating one language at a time.
    pub async fn draft(&self, caller: &Caller, slug: &str, language: Option<Language>) -> Result<DraftCourse> {
        let (course, _) = self.editable(caller, slug).await?;
        self.draft_course(&course, language).await
    }

    /// Changes the course's own fields.
    pub async fn update_course(&self, caller: &Caller, slug: &str, req: CourseUpdate) -> Result<DraftCourse> {
        let (course, mut c) = self.editable(caller, slug).await?;
        if let Some(t) = &req.title {
            c.title = Localized::from(t);
        }
        if let Some(s) = &req.summary {
            c.summary = Localized::from(s);
        }
        let mut problems = Vec::new();
        if let Some(t) = typed(&req.theme, validate::course_theme, &mut problems) {
            c.theme = t;
        }
        if let Some(l) = typed(&req.level, validate::course_level, &mut problems) {
            c.level = l;
        }
        if let Some(l) = typed(&req.language, validate::course_language, &mut problems) {
            c.language = l;
        }
        if !problems.is_empty() {
            return Err(problems_to_error(problems));
        }
        if let Some(m) = req.estimated_minutes {
            c.estimated_minutes = m;
        }
        self.save(&course, &c).await?;
        self.draft_course(&course, None).await
    }

    /// Adds a co-author by email (owner and admins only).
    pub async fn add_coauthor(&self, caller: &Caller, slug: &str, email: &str) -> Result<Coauthor> {
        let (course, _) = self.editable(caller, slug).await?;
        Self::require_owner(caller, &course)?;
        let user = self.people.find_by_email(email).await?.ok_or(Error::NotFound("account with this email"))?;
        if Some(user) == course.owner_id {
            return Err(Error::Conflict(ReasonCode::OwnerAlreadyAuthor.into()));
        }
        store::add_coauthor(&self.db, course.id, user).await?;
        Ok(Coauthor { course_slug: course.slug, user_id: user })
    }

    /// Removes a co-author (owner and admins only).
    pub async fn remove_coauthor(&self, caller: &Caller, slug: &str, user: Uuid) -> Result<()> {
        let (course, _) = self.editable(caller, slug).await?;
        Self::require_owner(caller, &course)?;
        if store::remove_coauthor(&self.db, course.id, user).await? { Ok(()) } else { Err(Error::NotFound("co-author")) }
    }

    /// Adds a module to the draft.
    pub async fn add_module(&self, caller: &Caller, slug: &str, req: ModuleInput) -> Result<DraftModule> {
        let (course, mut c) = self.editable(caller, slug).await?;
        let title = Localized::from(&req.title);
        if title.is_blank() {
            return Err(Error::invalid("title.fr", FieldCode::Required, "must be given in at least one language"));
        }
        let taken: HashSet<String> = c.modules.iter().map(|m| m.key.clone()).collect();
        let mut module = Module { id: new_id(), key: unique_key(key_from(title.main().0), &taken), title, requires: vec![], items: vec![] };
        let at = req.position.map(|p| (p as usize).min(c.modules.len())).unwrap_or(c.modules.len());
        module.requires = required_keys(&c.modules[..at], req.requires.as_deref().unwrap_or_default())?;
        c.modules.insert(at, module.clone());
        self.save(&course, &c).await?;
        Ok(DraftModule::of(&module, c.language, c.language))
    }

    /// Renames or moves a module.
    pub async fn update_module(&self, caller: &Caller, id: Uuid, req: ModuleInput) -> Result<DraftModule> {
        let (course, mut c) = self.editable_part(caller, id).await?;
        let at = c.modules.iter().position(|m| m.id == id).ok_or(Error::NotFound("module"))?;
        let mut module = c.modules.remove(at);
        module.title = Localized::from(&req.title);
        if module.title.is_blank() {
            return Err(Error::invalid("title.fr", FieldCode::Required, "must be given in at least one language"));
        }
        let to = req.position.map(|p| (p as usize).min(c.modules.len())).unwrap_or(at);
        if let Some(requires) = &req.requires {
            module.requires = required_keys(&c.modules[..to], requires)?;
        }
        c.modules.insert(to, module.clone());
        self.save(&course, &c).await?;
        Ok(DraftModule::of(&module, c.language, c.language))
    }

    /// Removes a module and its items from the draft (the published version keeps them until the next publication).
    pub async fn delete_module(&self, caller: &Caller, id: Uuid) -> Result<()> {
        let (course, mut c) = self.editable_part(caller, id).await?;
        let before = c.modules.len();
        c.modules.retain(|m| m.id != id);
        if c.modules.len() == before {
            return Err(Error::NotFound("module"));
        }
        self.save(&course, &c).await
    }

    /// Adds a lesson, quiz or case study at the end of a module.
    pub async fn add_item(&self, caller: &Caller, module_id: Uuid, input: ItemInput) -> Result<DraftItem> {
        let errors = check_item_input(&input);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let (course, mut c) = self.editable_part(caller, module_id).await?;
        let module = c.modules.iter_mut().find(|m| m.id == module_id).ok_or(Error::NotFound("module"))?;
        let title = Localized::from(input.title());
        let estimated_minutes = input.minutes();
        let taken: HashSet<String> = module.items.iter().map(|i| i.key.clone()).collect();
        let item = Item {
            id: new_id(),
            key: unique_key(key_from(title.main().0), &taken),
            title,
            estimated_minutes,
            body: render_off_thread(input, None).await?,
        };
        module.items.push(item.clone());
        self.save(&course, &c).await?;
        Ok(DraftItem::of(&item, c.language, c.language))
    }

    /// Replaces an item's content, keeping its id (and the ids of the questions,
    /// choices and nodes the client sends back).
    ///
    /// With `language` other than the course's own, the texts sent are that
    /// language's translation of the item: the parts (questions, choices,
    /// steps, endings) must be the item's own, in the same order, and only
    /// their texts are kept; the rest is edited in the course's language.
    /// Edits in the course's language keep the translations of the parts
    /// that keep their ids.
    pub async fn replace_item(&self, caller: &Caller, id: Uuid, input: ItemInput, language: Option<Language>) -> Result<DraftItem> {
        let errors = check_item_input(&input);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let (course, mut c) = self.editable_part(caller, id).await?;
        let item = c.modules.iter_mut().flat_map(|m| m.items.iter_mut()).find(|i| i.id == id).ok_or(Error::NotFound("item"))?;
        let same_kind = matches!(
            (&input, &item.body),
            (ItemInput::Lesson(_), ItemBody::Lesson(_))
                | (ItemInput::Quiz(_), ItemBody::Quiz(_))
                | (ItemInput::CaseStudy(_), ItemBody::CaseStudy(_))
        );
        if !same_kind {
            return Err(Error::Conflict(Reason::from(ReasonCode::ItemKindFixed).with("kind", item.body.kind())));
        }
        let main = c.language;
        let editing = language.unwrap_or(main);
        item.title = Localized::from(input.title());
        if editing == main {
            item.estimated_minutes = input.minutes();
            let mut body = render_off_thread(input, Some(item.body.clone())).await?;
            body.keep_translations_from(&item.body);
            item.body = body;
        } else {
            let edited = render_off_thread(input, Some(item.body.clone())).await?;
            item.body
                .set_translation(editing, &edited)
                .map_err(|ShapeMismatch(why)| Error::invalid("body", FieldCode::InvalidContent, &why))?;
        }
        let updated = item.clone();
        self.save(&course, &c).await?;
        Ok(DraftItem::of(&updated, editing, main))
    }

    /// Moves an item to `position` within its module, or to another module.
    pub async fn move_item(&self, caller: &Caller, id: Uuid, module_id: Option<Uuid>, position: u32) -> Result<DraftItem> {
        let (course, mut c) = self.editable_part(caller, id).await?;
        let from = c.modules.iter().position(|m| m.items.iter().any(|i| i.id == id)).ok_or(Error::NotFound("item"))?;
        let to = match module_id {
            Some(mid) => c
                .modules
                .iter()
                .position(|m| m.id == mid)
                .ok_or_else(|| Error::invalid("module_id", FieldCode::UnknownValue, "is not a module of this course"))?,
            None => from,
        };
        let at = c.modules[from].items.iter().position(|i| i.id == id).ok_or(Error::NotFound("item"))?;
        let mut item = c.modules[from].items.remove(at);
        if to != from && c.modules[to].items.iter().any(|i| i.key == item.key) {
            let taken: HashSet<String> = c.modules[to].items.iter().map(|i| i.key.clone()).collect();
            item.key = unique_key(item.key.clone(), &taken);
        }
        let len = c.modules[to].items.len();
        c.modules[to].items.insert((position as usize).min(len), item.clone());
        self.save(&course, &c).await?;
        Ok(DraftItem::of(&item, c.language, c.language))
    }

    /// Removes an item from the draft.
    pub async fn delete_item(&self, caller: &Caller, id: Uuid) -> Result<()> {
        let (course, mut c) = self.editable_part(caller, id).await?;
        let mut found = false;
        for m in &mut c.modules {
            let before = m.items.len();
            m.items.retain(|i| i.id != id);
            found |= m.items.len() != before;
        }
        if !found {
            return Err(Error::NotFound("item"));
        }
        self.save(&course, &c).await
    }

    /// Publishes the draft as a new version, after checking every rule
    /// (a case study with an unreachable node, a dead end or a choice that
    /// points nowhere is refused, naming the node). Only the owner or an admin publishes.
    pub async fn publish(&self, caller: &Caller, slug: &str) -> Result<Published> {
        let (course, content) = self.editable(caller, slug).await?;
        Self::require_owner(caller, &course)?;
        self.publish_content(Some(caller.user_id), &course, &content).await
    }

    async fn publish_content(&self, by: Option<Uuid>, course: &CourseRow, content: &CourseContent) -> Result<Published> {
        let problems = validate::check_publishable(content);
        if !problems.is_empty() {
            return Err(problems_to_error(problems));
        }
        let version = course.published_version.unwrap_or(0) + 1;
        let json = serde_json::to_string(content).map_err(|e| Error::Internal(e.into()))?;
        let search = fold_for_search(
            &[
                &content.title.fr,
                content.title.ar.as_deref().unwrap_or(""),
                content.title.en.as_deref().unwrap_or(""),
                &content.summary.fr,
                content.summary.ar.as_deref().unwrap_or(""),
                content.summary.en.as_deref().unwrap_or(""),
            ]
            .join(" "),
        );
        let items: Vec<Part> = content.item_parts().collect();
        let now = self.clock.now();
        let new_version = NewVersion {
            course: course.id,
            version,
            revision: course.revision,
            content: &json,
            search_text: &search,
            items: &items,
            by,
            now,
        };
        let mut tx = self.db.begin().await?;
        store::publish(&mut tx, &new_version).await.map_err(|e| {
            if sanad_platform::db::is_unique_violation(&e) { Error::Conflict(ReasonCode::PublicationRace.into()) } else { e.into() }
        })?;
        tx.commit().await?;
        // Readers on this instance see the new version at once (other instances within CURRENT_VERSION_TTL).
        self.forget_current_versions();
        Ok(Published { slug: course.slug.clone(), version, published_at: now })
    }

    /// Imports a course folder: creates the course (owned by `caller`) or
    /// replaces the draft of an existing one the caller may edit, keeping the
    /// ids of parts whose keys are unchanged; publishes it when `publish`.
    pub async fn import(&self, caller: Option<&Caller>, files: &Files, publish: bool) -> Result<Imported> {
        if let Some(c) = caller {
            c.require_author()?;
        }
        let imported = folder::import(files).map_err(import_errors)?;
        let existing = store::course_by_slug(&self.db, &imported.slug).await?;
        let mut content = imported.content;
        let (course, created) = match existing {
            Some(course) => {
                if caller.is_some() && !self.can_edit(caller, &course).await? {
                    return Err(Error::Forbidden(Reason::from(ReasonCode::CourseOfOthers).with("slug", &course.slug)));
                }
                if let (Some(c), true) = (caller, publish) {
                    // Checked before the draft is replaced: a co-author may import with publish=false.
                    Self::require_owner(c, &course)?;
                }
                let previous = parse_content(&store::draft(&self.db, course.id).await?.unwrap_or_default())?;
                content.adopt_ids_from(&previous);
                self.save(&course, &content).await?;
                (store::course_by_id(&self.db, course.id).await?.ok_or(Error::NotFound("course"))?, false)
            }
            None => {
                let id = self.insert_course(caller.map(|c| c.user_id), &imported.slug, &content).await?;
                (store::course_by_id(&self.db, id).await?.ok_or(Error::NotFound("course"))?, true)
            }
        };
        let version = if publish { Some(self.publish_content(caller.map(|c| c.user_id), &course, &content).await?.version) } else { None };
        Ok(Imported { slug: course.slug, created, version })
    }

    /// Imports a zip of a course folder (unpacked off the async threads: up to 20 MiB of inflating).
    pub async fn import_zip(&self, caller: &Caller, zip: Vec<u8>, publish: bool) -> Result<Imported> {
        caller.require_author()?;
        let unpacked = tokio::task::spawn_blocking(move || folder::files_from_zip(&zip)).await.map_err(|e| Error::Internal(e.into()))?;
        let files = unpacked.map_err(|e| match e {
            folder::ZipError::TooLarge(why) => Error::TooLarge(why),
            folder::ZipError::Invalid(e) => import_errors(vec![e]),
        })?;
        self.import(Some(caller), &files, publish).await
    }

    /// The draft as a zip of a course folder.
    pub async fn export_zip(&self, caller: &Caller, slug: &str) -> Result<Vec<u8>> {
        let (course, content) = self.editable(caller, slug).await?;
        let files = folder::export(&course.slug, &content).map_err(|e| Error::Internal(e.into()))?;
        folder::zip_files(&course.slug, &files).map_err(|e| Error::Internal(e.into()))
    }

    /// The draft of any course in the folder format (command line, run by the operator).
    pub async fn export_files(&self, slug: &str) -> Result<Files> {
        let course = store::course_by_slug(&self.db, slug).await?.ok_or(Error::NotFound("course"))?;
        let content = parse_content(&store::draft(&self.db, course.id).await?.unwrap_or_default())?;
        folder::export(&course.slug, &content).map_err(|e| Error::Internal(e.into()))
    }

    /// Loads the starter courses into an instance that has no course yet.
    pub async fn load_starter(&self, courses: Vec<Files>) -> Result<usize> {
        if store::count_courses(&self.db).await? > 0 {
            return Ok(0);
        }
        let mut loaded = 0;
        for files in courses {
            self.import(None, &files, true).await?;
            loaded += 1;
        }
        Ok(loaded)
    }

    /// Renders Markdown exactly as a lesson or a forum post stores it (live previews), for any signed-in caller.
    pub async fn preview_markdown(&self, _caller: &Caller, markdown: String) -> Result<MarkdownPreview> {
        // Any signed-in member: course authors and forum members write the same Markdown.
        if !markdown::fits(&markdown) {
            return Err(Error::invalid("markdown", FieldCode::TooLong, &format!("at most {} KiB of Markdown", MAX_MARKDOWN_BYTES / 1024)));
        }
        Ok(MarkdownPreview { html: markdown::to_safe_html_off_thread(markdown).await })
    }
}

/// The keys of the modules `ids` names, each of which must come before the
/// module that requires it (in `earlier`): prerequisites only point back, so
/// they can never form a loop.
fn required_keys(earlier: &[Module], ids: &[Uuid]) -> Result<Vec<String>> {
    let mut keys = Vec::with_capacity(ids.len());
    for id in ids {
        let module = earlier
            .iter()
            .find(|m| m.id == *id)
            .ok_or_else(|| Error::invalid("requires", FieldCode::InvalidValue, &format!("{id} is not an earlier module of this course")))?;
        if !keys.contains(&module.key) {
            keys.push(module.key.clone());
        }
    }
    Ok(keys)
}
