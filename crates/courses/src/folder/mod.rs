//! The course folder format (see docs/course-format.md): `course.toml`,
//! numbered module folders with `module.toml`, and numbered item files:
//! lessons in Markdown with TOML front matter, quizzes and case studies in
//! TOML. Import reads a map of relative paths to text (from a folder on disk,
//! a zip, or the starter courses embedded in the binary) and names the file
//! and line of every error; export writes the same format back.

mod translations;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::content::*;
use crate::validate::{check_course, course_language, course_level, course_theme, is_key};
use sanad_platform::markdown::{self, to_safe_html};
use sanad_platform::vocabulary::{Language, Level, Theme};
use sanad_platform::{Reason, ReasonCode};

/// A file of a course folder: its path relative to the folder, and its text.
pub type Files = BTreeMap<String, String>;

/// An error in a course folder, with the file and line it is at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

fn err(file: &str, line: Option<usize>, message: impl Into<String>) -> ImportError {
    ImportError { file: file.into(), line, message: message.into() }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LocalizedFile {
    /// Empty or absent when the course is written in another language only.
    #[serde(default)]
    fr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    en: Option<String>,
}

impl From<LocalizedFile> for Localized {
    fn from(l: LocalizedFile) -> Self {
        Localized { fr: l.fr, ar: l.ar.filter(|s| !s.is_empty()), en: l.en.filter(|s| !s.is_empty()) }
    }
}

impl From<&Localized> for LocalizedFile {
    fn from(l: &Localized) -> Self {
        LocalizedFile { fr: l.fr.clone(), ar: l.ar.clone(), en: l.en.clone() }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct I18n {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    en: Option<String>,
}

fn localized(fr: String, i18n: Option<I18n>) -> Localized {
    let i18n = i18n.unwrap_or_default();
    Localized { fr, ar: i18n.ar.filter(|s| !s.is_empty()), en: i18n.en.filter(|s| !s.is_empty()) }
}

fn i18n_of(l: &Localized) -> Option<I18n> {
    (l.ar.is_some() || l.en.is_some()).then(|| I18n { ar: l.ar.clone(), en: l.en.clone() })
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFile {
    slug: String,
    theme: String,
    level: String,
    estimated_minutes: u32,
    language: String,
    title: LocalizedFile,
    summary: LocalizedFile,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleFile {
    title: LocalizedFile,
    /// Keys (folder names without the number) of earlier modules to finish first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    requires: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFront {
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    estimated_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title_i18n: Option<I18n>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuizFile {
    title: String,
    pass_mark: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_attempts: Option<u32>,
    #[serde(default = "yes")]
    shuffle: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    estimated_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title_i18n: Option<I18n>,
    questions: Vec<QuestionFile>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    key: String,
    kind: QuestionKind,
    prompt: String,
    #[serde(default)]
    explanation: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    answers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    choices: Vec<ChoiceFile>,
}

impl From<QuestionFile> for Question {
    fn from(q: QuestionFile) -> Self {
        let QuestionFile { key, kind, prompt, explanation, answers, choices } = q;
        let choices = choices.into_iter().map(Choice::from).collect();
        Question { id: Uuid::now_v7(), key, kind, prompt, explanation, answers, choices, translations: Translations::new() }
    }
}

impl From<&Question> for QuestionFile {
    fn from(q: &Question) -> Self {
        QuestionFile {
            key: q.key.clone(),
            kind: q.kind,
            prompt: q.prompt.clone(),
            explanation: q.explanation.clone(),
            answers: q.answers.clone(),
            choices: q.choices.iter().map(ChoiceFile::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceFile {
    key: String,
    label: String,
    correct: bool,
    #[serde(default)]
    feedback: String,
}

impl From<ChoiceFile> for Choice {
    fn from(c: ChoiceFile) -> Self {
        let ChoiceFile { key, label, correct, feedback } = c;
        Choice { id: Uuid::now_v7(), key, label, correct, feedback, translations: Translations::new() }
    }
}

impl From<&Choice> for ChoiceFile {
    fn from(c: &Choice) -> Self {
        ChoiceFile { key: c.key.clone(), label: c.label.clone(), correct: c.correct, feedback: c.feedback.clone() }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    title: String,
    start: String,
    #[serde(default)]
    summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    estimated_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title_i18n: Option<I18n>,
    nodes: Vec<NodeFile>,
    endings: Vec<EndingFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeFile {
    key: String,
    body: String,
    choices: Vec<CaseChoiceFile>,
}

impl From<NodeFile> for CaseNode {
    fn from(n: NodeFile) -> Self {
        let NodeFile { key, body, choices } = n;
        let choices = choices.into_iter().map(CaseChoice::from).collect();
        CaseNode { id: Uuid::now_v7(), key, html: to_safe_html(&body), markdown: body, choices, translations: Translations::new() }
    }
}

impl From<&CaseNode> for NodeFile {
    fn from(n: &CaseNode) -> Self {
        NodeFile { key: n.key.clone(), body: n.markdown.clone(), choices: n.choices.iter().map(CaseChoiceFile::from).collect() }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseChoiceFile {
    key: String,
    label: String,
    next: String,
    #[serde(default)]
    points: u32,
    #[serde(default)]
    feedback: String,
}

impl From<CaseChoiceFile> for CaseChoice {
    fn from(c: CaseChoiceFile) -> Self {
        let CaseChoiceFile { key, label, next, points, feedback } = c;
        CaseChoice {
            id: Uuid::now_v7(),
            key,
            label,
            next,
            points,
            feedback_html: to_safe_html(&feedback),
            feedback_markdown: feedback,
            translations: Translations::new(),
        }
    }
}

impl From<&CaseChoice> for CaseChoiceFile {
    fn from(c: &CaseChoice) -> Self {
        CaseChoiceFile {
            key: c.key.clone(),
            label: c.label.clone(),
            next: c.next.clone(),
            points: c.points,
            feedback: c.feedback_markdown.clone(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndingFile {
    key: String,
    title: String,
    band: String,
    #[serde(default)]
    debrief: String,
}

impl From<EndingFile> for Ending {
    fn from(e: EndingFile) -> Self {
        let EndingFile { key, title, band, debrief } = e;
        Ending {
            id: Uuid::now_v7(),
            key,
            title,
            band,
            debrief_html: to_safe_html(&debrief),
            debrief_markdown: debrief,
            translations: Translations::new(),
        }
    }
}

impl From<&Ending> for EndingFile {
    fn from(e: &Ending) -> Self {
        EndingFile { key: e.key.clone(), title: e.title.clone(), band: e.band.clone(), debrief: e.debrief_markdown.clone() }
    }
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line where `needle` (e.g. `key = "x"`) first appears, for errors found after parsing.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|at| line_of_offset(text, at))
}

fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str, line_offset: usize) -> Result<T, ImportError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of_offset(text, s.start) + line_offset);
        err(file, line, e.message().to_string())
    })
}

/// Splits `+++` TOML front matter from a Markdown body; returns (front, body, body's first line).
fn split_front_matter<'a>(file: &str, text: &'a str) -> Result<(&'a str, &'a str, usize), ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
        .ok_or_else(|| err(file, Some(1), "a lesson starts with front matter between `+++` lines"))?;
    let end = rest.find("\n+++").ok_or_else(|| err(file, Some(1), "the front matter is not closed by a `+++` line"))?;
    let front = &rest[..end + 1];
    let after = &rest[end + 4..];
    let body = after.trim_start_matches(['\r', '\n']);
    let body_line = line_of_offset(text, text.len() - body.len());
    Ok((front, body, body_line))
}

/// `01-name.quiz.toml` -> (1, "name", "quiz.toml")
fn numbered(name: &str) -> Option<(u32, &str, &str)> {
    let (number, rest) = name.split_once('-')?;
    let number: u32 = number.parse().ok()?;
    let (key, ext) = rest.split_once('.').unwrap_or((rest, ""));
    Some((number, key, ext))
}

/// The course slug declared in `course.toml`, with the content read from the files.
#[derive(Debug)]
pub struct ImportedCourse {
    pub slug: String,
    pub content: CourseContent,
}

/// The files of one module folder: its name, and each file's name and text.
struct ModuleFolder<'a> {
    dir: &'a str,
    entries: Vec<(&'a str, &'a str)>,
}

/// Reads a course folder. Every error found is returned, each with its file and line.
pub fn import(files: &Files) -> Result<ImportedCourse, Vec<ImportError>> {
    let Some(course_text) = files.get("course.toml") else {
        return Err(vec![err("course.toml", None, "missing: a course folder has a course.toml at its root")]);
    };
    let course: CourseFile = parse_toml("course.toml", course_text, 0).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    if !is_key(&course.slug) {
        errors.push(err("course.toml", line_of(course_text, "slug"), "slug must be lowercase letters, digits and hyphens"));
    }
    let folders = module_folders(files, &mut errors);
    let theme = course_theme(&course.theme);
    let level = course_level(&course.level);
    let language = course_language(&course.language);
    let main = language.clone().unwrap_or(Language::Fr);
    let modules = folders.into_iter().map(|((_, key), folder)| read_module(key, folder, main, &mut errors)).collect();
    let content = CourseContent {
        title: course.title.into(),
        summary: course.summary.into(),
        theme: theme.clone().unwrap_or(Theme::Concepts),
        level: level.clone().unwrap_or(Level::Beginner),
        language: language.clone().unwrap_or(Language::Fr),
        estimated_minutes: course.estimated_minutes,
        modules,
    };
    if errors.is_empty() {
        // Rules of the content itself, located back in the files.
        for p in check_course(&content) {
            errors.push(locate(files, &p.location, &p.message));
        }
        for reason in [theme.err(), level.err(), language.err()].into_iter().flatten() {
            errors.push(locate(files, "course", &reason.english()));
        }
    }
    if errors.is_empty() { Ok(ImportedCourse { slug: course.slug, content }) } else { Err(errors) }
}

/// The module folders by (number, key), in order; misplaced files are errors.
fn module_folders<'a>(files: &'a Files, errors: &mut Vec<ImportError>) -> BTreeMap<(u32, String), ModuleFolder<'a>> {
    let mut folders: BTreeMap<(u32, String), ModuleFolder> = BTreeMap::new();
    for (path, text) in files {
        if path == "course.toml" {
            continue;
        }
        let Some((dir, name)) = path.split_once('/') else {
            errors.push(err(path, None, "unexpected file at the root of the course folder (only course.toml and module folders)"));
            continue;
        };
        if name.contains('/') {
            errors.push(err(path, None, "module folders hold files only, no sub-folders"));
            continue;
        }
        let Some((number, key, "")) = numbered(dir) else {
            errors.push(err(path, None, format!("module folder `{dir}` must be named like `01-key`")));
            continue;
        };
        folders.entry((number, key.to_string())).or_insert(ModuleFolder { dir, entries: Vec::new() }).entries.push((name, text.as_str()));
    }
    folders
}

/// A module from its folder: the title from `module.toml`, the items in the
/// order of their numbers, each with its translation files (`main` being the
/// course's language).
fn read_module(key: String, folder: ModuleFolder, main: Language, errors: &mut Vec<ImportError>) -> Module {
    let dir = folder.dir;
    if !is_key(&key) {
        errors.push(err(dir, None, "module key must be lowercase letters, digits and hyphens"));
    }
    let module_toml = format!("{dir}/module.toml");
    let (title, requires) = match folder.entries.iter().find(|(n, _)| *n == "module.toml") {
        Some((_, text)) => parse_toml::<ModuleFile>(&module_toml, text, 0).map(|m| (m.title.into(), m.requires)),
        None => Err(err(&module_toml, None, "missing: every module folder has a module.toml with its title")),
    }
    .unwrap_or_else(|e| {
        errors.push(e);
        (Localized::default(), vec![])
    });
    let is_translation = |name: &str| numbered(name).and_then(|(_, _, ext)| translations::translation_ext(ext)).is_some();
    let mut items: Vec<(u32, Item)> = Vec::new();
    for (name, text) in folder.entries.iter().filter(|(n, _)| *n != "module.toml" && !is_translation(n)) {
        match read_item(&format!("{dir}/{name}"), name, text) {
            Ok(item) => items.push(item),
            Err(mut e) => errors.append(&mut e),
        }
    }
    for (name, text) in folder.entries.iter().filter(|(n, _)| is_translation(n)) {
        let path = format!("{dir}/{name}");
        if let Err(mut e) = read_translation(&path, name, text, main, &folder.entries, &mut items) {
            errors.append(&mut e);
        }
    }
    items.sort_by_key(|(n, _)| *n);
    Module { id: Uuid::now_v7(), key, title, requires, items: items.into_iter().map(|(_, i)| i).collect() }
}

/// An item file, with the number its name gives it.
fn read_item(path: &str, name: &str, text: &str) -> Result<(u32, Item), Vec<ImportError>> {
    let Some((number, key, ext)) = numbered(name) else {
        return Err(vec![err(path, None, "item files are named like `01-key.md`, `02-key.quiz.toml` or `03-key.case.toml`")]);
    };
    if !is_key(key) {
        return Err(vec![err(path, None, "item key must be lowercase letters, digits and hyphens")]);
    }
    let item = match ext {
        "md" => lesson_item(path, key, text),
        "quiz.toml" => quiz_item(path, key, text),
        "case.toml" => case_item(path, key, text),
        _ => Err(vec![err(path, None, "unknown item type: use .md, .quiz.toml or .case.toml")]),
    }?;
    Ok((number, item))
}

/// Lays a translation file (`01-key.ar.md`...) over the item of its main
/// file (`01-key.md`), read already into `items`.
fn read_translation(
    path: &str,
    name: &str,
    text: &str,
    main: Language,
    entries: &[(&str, &str)],
    items: &mut [(u32, Item)],
) -> Result<(), Vec<ImportError>> {
    let Some((number, key, ext)) = numbered(name) else { return Ok(()) };
    let Some((lang, main_ext)) = translations::translation_ext(ext) else { return Ok(()) };
    if lang == main {
        return Err(vec![err(
            path,
            None,
            format!("the course is written in `{main}`: its texts are in the main files, not in translations"),
        )]);
    }
    let main_name = format!("{}-{key}.{main_ext}", name.split_once('-').map_or("", |(n, _)| n));
    if !entries.iter().any(|(n, _)| *n == main_name) {
        return Err(vec![err(path, None, format!("a translation sits beside its item's main file: `{main_name}` is missing"))]);
    }
    // The main file was read with errors (reported already): nothing to translate.
    let Some((_, item)) = items.iter_mut().find(|(n, i)| *n == number && i.key == key) else { return Ok(()) };
    translations::apply(item, lang, path, text)
}

/// Finds the file (and line) a content problem comes from.
fn locate(files: &Files, location: &str, message: &str) -> ImportError {
    let full = if location == "course" { message.to_string() } else { format!("{location}: {message}") };
    let quoted: Vec<&str> = location.split('"').skip(1).step_by(2).collect();
    if let [module_key, item_key, rest @ ..] = quoted.as_slice() {
        let found = files.iter().find(|(path, _)| {
            path.split_once('/').is_some_and(|(d, f)| {
                numbered(d).is_some_and(|(_, k, _)| k == *module_key)
                    && numbered(f).is_some_and(|(_, k, ext)| k == *item_key && translations::translation_ext(ext).is_none())
            })
        });
        if let Some((path, text)) = found {
            let line = rest.last().and_then(|k| line_of(text, &format!("key = \"{k}\"")));
            return err(path, line, full);
        }
    }
    if let [module_key] = quoted.as_slice()
        && let Some((path, _)) =
            files.iter().find(|(p, _)| p.split_once('/').is_some_and(|(d, f)| f == "module.toml" && d.ends_with(&format!("-{module_key}"))))
    {
        return err(path, None, full);
    }
    err("course.toml", None, full)
}

/// Refuses a Markdown text over the size every render is bounded for.
fn check_markdown_size(path: &str, what: &str, text: &str) -> Result<(), Vec<ImportError>> {
    if markdown::fits(text) {
        return Ok(());
    }
    Err(vec![ImportError {
        file: path.into(),
        line: None,
        message: format!("{what} is longer than {} KiB of Markdown", markdown::MAX_MARKDOWN_BYTES / 1024),
    }])
}

/// An item read from a file: a new id, and the key of the file's name.
fn new_item(key: &str, title: String, title_i18n: Option<I18n>, estimated_minutes: Option<u32>, body: ItemBody) -> Item {
    Item { id: Uuid::now_v7(), key: key.into(), title: localized(title, title_i18n), estimated_minutes, body }
}

fn lesson_item(path: &str, key: &str, text: &str) -> Result<Item, Vec<ImportError>> {
    let (front, body, _) = split_front_matter(path, text).map_err(|e| vec![e])?;
    check_markdown_size(path, "the lesson", body)?;
    let front: LessonFront = parse_toml(path, front, 1).map_err(|e| vec![e])?;
    let lesson = Lesson { html: to_safe_html(body), markdown: body.to_string(), translations: Translations::new() };
    Ok(new_item(key, front.title, front.title_i18n, front.estimated_minutes, ItemBody::Lesson(lesson)))
}

fn quiz_item(path: &str, key: &str, text: &str) -> Result<Item, Vec<ImportError>> {
    let QuizFile { title, pass_mark, max_attempts, shuffle, estimated_minutes, title_i18n, questions } =
        parse_toml(path, text, 0).map_err(|e| vec![e])?;
    let questions = questions.into_iter().map(Question::from).collect();
    Ok(new_item(key, title, title_i18n, estimated_minutes, ItemBody::Quiz(Quiz { pass_mark, max_attempts, shuffle, questions })))
}

fn case_item(path: &str, key: &str, text: &str) -> Result<Item, Vec<ImportError>> {
    let case: CaseFile = parse_toml(path, text, 0).map_err(|e| vec![e])?;
    for n in &case.nodes {
        check_markdown_size(path, &format!("node `{}`", n.key), &n.body)?;
        for c in &n.choices {
            check_markdown_size(path, &format!("the feedback of choice `{}`", c.key), &c.feedback)?;
        }
    }
    for e in &case.endings {
        check_markdown_size(path, &format!("ending `{}`", e.key), &e.debrief)?;
    }
    let CaseFile { title, start, summary, estimated_minutes, title_i18n, nodes, endings } = case;
    let case = CaseStudy {
        summary,
        summary_translations: Translations::new(),
        start,
        nodes: nodes.into_iter().map(CaseNode::from).collect(),
        endings: endings.into_iter().map(Ending::from).collect(),
    };
    Ok(new_item(key, title, title_i18n, estimated_minutes, ItemBody::CaseStudy(case)))
}

/// Writes a course back to the folder format.
pub fn export(slug: &str, content: &CourseContent) -> Result<Files, toml::ser::Error> {
    let mut files = Files::new();
    let course = CourseFile {
        slug: slug.into(),
        theme: content.theme.to_string(),
        level: content.level.to_string(),
        estimated_minutes: content.estimated_minutes,
        language: content.language.to_string(),
        title: (&content.title).into(),
        summary: (&content.summary).into(),
    };
    files.insert("course.toml".into(), toml::to_string(&course)?);
    for (m_index, module) in content.modules.iter().enumerate() {
        let dir = format!("{:02}-{}", m_index + 1, module.key);
        files.insert(
            format!("{dir}/module.toml"),
            toml::to_string(&ModuleFile { title: (&module.title).into(), requires: module.requires.clone() })?,
        );
        for (i_index, item) in module.items.iter().enumerate() {
            let (ext, text) = item_file(item)?;
            let stem = format!("{:02}-{}", i_index + 1, item.key);
            files.insert(format!("{dir}/{stem}.{ext}"), text);
            translations::export(&mut files, &dir, &stem, item)?;
        }
    }
    Ok(files)
}

/// An item's file: its extension and its text.
fn item_file(item: &Item) -> Result<(&'static str, String), toml::ser::Error> {
    let title = item.title.fr.clone();
    let title_i18n = i18n_of(&item.title);
    let estimated_minutes = item.estimated_minutes;
    Ok(match &item.body {
        ItemBody::Lesson(l) => {
            let front = toml::to_string(&LessonFront { title, estimated_minutes, title_i18n })?;
            ("md", format!("+++\n{front}+++\n\n{}", l.markdown))
        }
        ItemBody::Quiz(q) => {
            let questions = q.questions.iter().map(QuestionFile::from).collect();
            let (pass_mark, max_attempts, shuffle) = (q.pass_mark, q.max_attempts, q.shuffle);
            ("quiz.toml", toml::to_string(&QuizFile { title, pass_mark, max_attempts, shuffle, estimated_minutes, title_i18n, questions })?)
        }
        ItemBody::CaseStudy(c) => {
            let file = CaseFile {
                title,
                start: c.start.clone(),
                summary: c.summary.clone(),
                estimated_minutes,
                title_i18n,
                nodes: c.nodes.iter().map(NodeFile::from).collect(),
                endings: c.endings.iter().map(EndingFile::from).collect(),
            };
            ("case.toml", toml::to_string(&file)?)
        }
    })
}

/// Largest zip accepted for import, uncompressed (all files together).
pub const MAX_ZIP_BYTES: u64 = 20 * 1024 * 1024;
/// Largest file of a course zip, uncompressed.
pub const MAX_ZIP_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a zip cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZipError {
    /// More bytes inflated than the limits allow: the import stopped there.
    TooLarge(Reason),
    /// Not a zip, an unsafe path, a file that is not text.
    Invalid(ImportError),
}
/// Most files a course zip may hold.
pub const MAX_ZIP_FILES: usize = 2000;

/// Reads a zip of a course folder (with or without one enclosing folder).
///
/// The sizes a zip declares are not trusted: the bytes actually inflated are
/// counted, per file and across all files, and reading stops as soon as
/// either limit is passed, so a zip that lies about its sizes costs at most
/// the limits in memory.
pub fn files_from_zip(bytes: &[u8]) -> Result<Files, ZipError> {
    files_from_zip_within(bytes, MAX_ZIP_FILE_BYTES, MAX_ZIP_BYTES)
}

/// [`files_from_zip`] with the limits given (tests use small ones).
pub fn files_from_zip_within(bytes: &[u8], max_file: u64, max_total: u64) -> Result<Files, ZipError> {
    use std::io::Read;
    let invalid = |e: ImportError| ZipError::Invalid(e);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| invalid(err("(zip)", None, format!("not a readable zip file: {e}"))))?;
    if archive.len() > MAX_ZIP_FILES {
        return Err(invalid(err("(zip)", None, format!("more than {MAX_ZIP_FILES} files"))));
    }
    let mut raw = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| invalid(err("(zip)", None, e.to_string())))?;
        if entry.is_dir() {
            continue;
        }
        let Some(path) = entry.enclosed_name() else {
            return Err(invalid(err(entry.name(), None, "unsafe path in the zip")));
        };
        let path = path.to_string_lossy().replace('\\', "/");
        if path.split('/').any(|seg| seg.starts_with('.') || seg == "__MACOSX") {
            continue;
        }
        // Read at most one byte past what is still allowed: getting it means the limit is passed.
        let allowed = max_file.min(max_total - total);
        let mut data = Vec::new();
        (&mut entry).take(allowed + 1).read_to_end(&mut data).map_err(|e| invalid(err(&path, None, format!("cannot be unpacked: {e}"))))?;
        let read = data.len() as u64;
        if read > max_file {
            let reason = Reason::from(ReasonCode::ZipFileTooLarge).with("name", &path);
            return Err(ZipError::TooLarge(reason.with("limit", mib(max_file)).with("limit_bytes", max_file)));
        }
        if read > allowed {
            let reason = Reason::from(ReasonCode::ZipTooLarge).with("limit", mib(max_total));
            return Err(ZipError::TooLarge(reason.with("limit_bytes", max_total)));
        }
        total += read;
        let text = String::from_utf8(data).map_err(|_| invalid(err(&path, None, "not UTF-8 text")))?;
        raw.push((path, text));
    }
    let root = raw
        .iter()
        .filter(|(p, _)| p == "course.toml" || p.ends_with("/course.toml"))
        .map(|(p, _)| p.trim_end_matches("course.toml").to_string())
        .min_by_key(|p| p.len())
        .ok_or_else(|| invalid(err("course.toml", None, "missing: the zip holds no course.toml")))?;
    Ok(raw.into_iter().filter_map(|(p, t)| p.strip_prefix(&root).map(|rel| (rel.to_string(), t))).collect())
}

fn mib(bytes: u64) -> String {
    if bytes >= 1024 * 1024 { format!("{} MiB", bytes / 1024 / 1024) } else { format!("{bytes} bytes") }
}

/// Writes `files` as a zip (deflated), inside a folder named `slug`.
pub fn zip_files(slug: &str, files: &Files) -> std::io::Result<Vec<u8>> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (path, text) in files {
        out.start_file(format!("{slug}/{path}"), options).map_err(std::io::Error::other)?;
        std::io::Write::write_all(&mut out, text.as_bytes())?;
    }
    Ok(out.finish().map_err(std::io::Error::other)?.into_inner())
}

/// Reads a course folder from disk.
pub fn files_from_dir(dir: &std::path::Path) -> std::io::Result<Files> {
    let mut files = Files::new();
    fn walk(base: &std::path::Path, dir: &std::path::Path, files: &mut Files) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                walk(base, &path, files)?;
            } else {
                let rel = path.strip_prefix(base).map_err(std::io::Error::other)?.to_string_lossy().replace('\\', "/");
                files.insert(rel, std::fs::read_to_string(&path)?);
            }
        }
        Ok(())
    }
    walk(dir, dir, &mut files)?;
    Ok(files)
}
