//! The content of a course as one document: modules, lessons, quizzes and
//! case studies, with their ids. A draft is one such document; publishing
//! copies it into an immutable version. Ids are given once, when a part is
//! created (or first imported), and kept by every later edit, import and
//! publication, so learners' progress always points at the same items.

use sanad_platform::vocabulary::{Language, Level, Theme};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// A text in the platform's three languages; French is always present.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub fr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Localized {
    /// French only.
    pub fn fr(text: impl Into<String>) -> Self {
        Self { fr: text.into(), ar: None, en: None }
    }

    /// The text in `lang` when there is one, else the [`main`](Self::main)
    /// one; and the language served.
    pub fn pick(&self, lang: &str) -> (&str, &'static str) {
        let wanted = match lang {
            "ar" => self.ar.as_deref().map(|t| (t, "ar")),
            "en" => self.en.as_deref().map(|t| (t, "en")),
            _ => Some((self.fr.as_str(), "fr")),
        };
        wanted.filter(|(t, _)| !t.trim().is_empty()).unwrap_or_else(|| self.main())
    }

    /// The text in the first language it is written in (French, Arabic,
    /// English), and that language: any one of them is enough for a course,
    /// so an Arabic-only course stands on its Arabic title. French (an empty
    /// text) when none is written.
    pub fn main(&self) -> (&str, &'static str) {
        [(Some(self.fr.as_str()), "fr"), (self.ar.as_deref(), "ar"), (self.en.as_deref(), "en")]
            .into_iter()
            .find_map(|(text, lang)| text.filter(|t| !t.trim().is_empty()).map(|t| (t, lang)))
            .unwrap_or(("", "fr"))
    }

    /// True when no language has the text.
    pub fn is_blank(&self) -> bool {
        self.main().0.trim().is_empty()
    }
}

/// A whole course: what a draft or a published version holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseContent {
    pub title: Localized,
    pub summary: Localized,
    pub theme: Theme,
    pub level: Level,
    /// Language of the lessons' text.
    pub language: Language,
    pub estimated_minutes: u32,
    pub modules: Vec<Module>,
}

/// A module: an ordered group of items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Module {
    pub id: Uuid,
    pub key: String,
    pub title: Localized,
    /// Keys of earlier modules whose every item must be finished before this one opens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    pub items: Vec<Item>,
}

/// A lesson, quiz or case study.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: Uuid,
    pub key: String,
    pub title: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_minutes: Option<u32>,
    pub body: ItemBody,
}

/// What an item is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemBody {
    Lesson(Lesson),
    Quiz(Quiz),
    CaseStudy(CaseStudy),
}

impl ItemBody {
    /// `lesson`, `quiz` or `case_study`.
    pub fn kind(&self) -> &'static str {
        match self {
            ItemBody::Lesson(_) => "lesson",
            ItemBody::Quiz(_) => "quiz",
            ItemBody::CaseStudy(_) => "case_study",
        }
    }

    /// The ids of the item's parts: questions and their choices, or nodes,
    /// their choices and endings.
    pub fn part_ids(&self) -> HashSet<Uuid> {
        match self {
            ItemBody::Lesson(_) => HashSet::new(),
            ItemBody::Quiz(q) => q.questions.iter().flat_map(|q| std::iter::once(q.id).chain(q.choices.iter().map(|c| c.id))).collect(),
            ItemBody::CaseStudy(c) => c
                .nodes
                .iter()
                .flat_map(|n| std::iter::once(n.id).chain(n.choices.iter().map(|c| c.id)))
                .chain(c.endings.iter().map(|e| e.id))
                .collect(),
        }
    }
}

/// A lesson: Markdown, and its sanitized HTML rendered once on write.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub markdown: String,
    pub html: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: Translations<LessonText>,
}

/// A lesson's body in another language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonText {
    pub markdown: String,
    pub html: String,
}

/// The texts of a part in the languages other than the course's own (its
/// `language`), by language. The main text stays where it always was, so a
/// document written before translations existed reads as one with none; a
/// translation keeps the part's id and key, so progress is the same whatever
/// the language read.
pub type Translations<T> = BTreeMap<Language, T>;

/// A translation that may be left empty by an author: empty counts as missing.
pub trait Translation {
    /// True when the translation has no text to show.
    fn is_blank(&self) -> bool;
}

impl Translation for LessonText {
    fn is_blank(&self) -> bool {
        self.markdown.trim().is_empty()
    }
}

/// The translation of a part into `lang` when the course is written in
/// `main` and the part has a non-blank one: `None` means the main text is
/// served (and marked with the main language).
pub fn translation<T: Translation>(translations: &Translations<T>, lang: Language, main: Language) -> Option<&T> {
    if lang == main {
        return None;
    }
    translations.get(&lang).filter(|t| !t.is_blank())
}

// One type for the content, grading, the folder format and the API; named
// `QuestionKindApi` in the OpenAPI document, as it always was, so that clients
// keep their generated name. (A comment, not a doc line: doc lines would
// become the schema's description.)
/// Kinds of quiz question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, poem_openapi::Enum)]
#[serde(rename_all = "snake_case")]
#[oai(rename = "QuestionKindApi", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One correct choice.
    Single,
    /// One or more correct choices; all and only those must be chosen.
    Multiple,
    /// Two choices, `true` and `false`.
    TrueFalse,
    /// A typed answer compared with the accepted answers after normalization.
    ShortText,
}

/// A quiz, graded on the server only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quiz {
    /// Percentage of the points needed to pass.
    pub pass_mark: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    pub shuffle: bool,
    pub questions: Vec<Question>,
}

/// One question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: Uuid,
    pub key: String,
    pub kind: QuestionKind,
    pub prompt: String,
    /// Shown after submission whatever the answer.
    #[serde(default)]
    pub explanation: String,
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// Accepted answers of a short-text question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: Translations<QuestionText>,
}

/// A question's texts in another language.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionText {
    pub prompt: String,
    #[serde(default)]
    pub explanation: String,
    /// More accepted answers of a short-text question, in that language:
    /// an answer is right when it matches any language's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<String>,
}

impl Translation for QuestionText {
    fn is_blank(&self) -> bool {
        self.prompt.trim().is_empty()
    }
}

impl Question {
    /// Every accepted answer of a short-text question, in every language.
    pub fn accepted_answers(&self) -> impl Iterator<Item = &String> {
        self.answers.iter().chain(self.translations.values().flat_map(|t| t.answers.iter()))
    }
}

/// A choice of a question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub id: Uuid,
    pub key: String,
    pub label: String,
    pub correct: bool,
    #[serde(default)]
    pub feedback: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: Translations<ChoiceText>,
}

/// A quiz choice's texts in another language.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChoiceText {
    pub label: String,
    #[serde(default)]
    pub feedback: String,
}

impl Translation for ChoiceText {
    fn is_blank(&self) -> bool {
        self.label.trim().is_empty()
    }
}

/// A branching case study: nodes with choices, and endings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseStudy {
    pub summary: String,
    /// Key of the first node.
    pub start: String,
    pub nodes: Vec<CaseNode>,
    pub endings: Vec<Ending>,
    /// The summary in other languages.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub summary_translations: Translations<String>,
}

impl Translation for String {
    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

/// A step of a case study: a situation and what can be done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseNode {
    pub id: Uuid,
    pub key: String,
    pub markdown: String,
    pub html: String,
    pub choices: Vec<CaseChoice>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: Translations<LessonText>,
}

/// A decision at a node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseChoice {
    pub id: Uuid,
    pub key: String,
    pub label: String,
    /// Key of the next node or ending.
    pub next: String,
    pub points: u32,
    pub feedback_markdown: String,
    pub feedback_html: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: Translations<CaseChoiceText>,
}

/// A case-study choice's texts in another language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseChoiceText {
    pub label: String,
    pub feedback_markdown: String,
    pub feedback_html: String,
}

impl Translation for CaseChoiceText {
    fn is_blank(&self) -> bool {
        self.label.trim().is_empty()
    }
}

/// An ending of a case study, with its debrief.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ending {
    pub id: Uuid,
    pub key: String,
    pub title: String,
    /// An [`EndingBand`](sanad_platform::vocabulary::EndingBand) once published; a draft may
    /// hold any text until then (drafts are only fully checked at publication).
    pub band: String,
    pub debrief_markdown: String,
    pub debrief_html: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: Translations<EndingText>,
}

/// An ending's texts in another language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndingText {
    pub title: String,
    pub debrief_markdown: String,
    pub debrief_html: String,
}

impl Translation for EndingText {
    fn is_blank(&self) -> bool {
        self.title.trim().is_empty() && self.debrief_markdown.trim().is_empty()
    }
}

/// Counts texts and the missing translations among them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextCount {
    /// Texts of the part (a lesson's body, a question's prompt, a choice's label...).
    pub texts: u32,
    /// Those with no translation into the language asked.
    pub missing: u32,
}

impl TextCount {
    fn add<T: Translation>(&mut self, main_text: &str, translations: &Translations<T>, lang: Language, main: Language) {
        if main_text.trim().is_empty() {
            return;
        }
        self.texts += 1;
        if lang != main && translation(translations, lang, main).is_none() {
            self.missing += 1;
        }
    }
}

/// Why a translation cannot be laid over a part: it does not have the part's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeMismatch(pub String);

fn same_ids(
    what: &str,
    ours: impl ExactSizeIterator<Item = Uuid>,
    theirs: impl ExactSizeIterator<Item = Uuid>,
) -> Result<(), ShapeMismatch> {
    let (ours, theirs): (Vec<Uuid>, Vec<Uuid>) = (ours.collect(), theirs.collect());
    if ours == theirs {
        Ok(())
    } else {
        Err(ShapeMismatch(format!(
            "a translation keeps the {what} of the course's language, in the same order: add, remove or reorder them in that language"
        )))
    }
}

fn put<T>(translations: &mut Translations<T>, lang: Language, text: T, blank: bool) {
    if blank {
        translations.remove(&lang);
    } else {
        translations.insert(lang, text);
    }
}

impl ItemBody {
    /// How many of the item's texts have no translation into `lang`, the course being written in `main`.
    pub fn text_count(&self, lang: Language, main: Language) -> TextCount {
        let mut count = TextCount::default();
        match self {
            ItemBody::Lesson(l) => count.add(&l.markdown, &l.translations, lang, main),
            ItemBody::Quiz(q) => {
                for question in &q.questions {
                    count.add(&question.prompt, &question.translations, lang, main);
                    for c in &question.choices {
                        count.add(&c.label, &c.translations, lang, main);
                    }
                }
            }
            ItemBody::CaseStudy(c) => {
                count.add(&c.summary, &c.summary_translations, lang, main);
                for n in &c.nodes {
                    count.add(&n.markdown, &n.translations, lang, main);
                    for ch in &n.choices {
                        count.add(&ch.label, &ch.translations, lang, main);
                    }
                }
                for e in &c.endings {
                    count.add(&e.debrief_markdown, &e.translations, lang, main);
                }
            }
        }
        count
    }

    /// A copy whose texts are those written in `lang` (empty where there is
    /// none yet), for an author editing that language; the structure
    /// (choices' correctness, points, where choices lead) is the main one's.
    pub fn in_language(&self, lang: Language, main: Language) -> ItemBody {
        let mut copy = self.clone();
        if lang == main {
            return copy;
        }
        fn take<T: Clone + Default>(translations: &mut Translations<T>, lang: Language) -> T {
            let text = translations.get(&lang).cloned().unwrap_or_default();
            translations.clear();
            text
        }
        match &mut copy {
            ItemBody::Lesson(l) => {
                let t = l.translations.get(&lang).cloned();
                l.translations.clear();
                (l.markdown, l.html) = t.map(|t| (t.markdown, t.html)).unwrap_or_default();
            }
            ItemBody::Quiz(q) => {
                for question in &mut q.questions {
                    let t = take(&mut question.translations, lang);
                    (question.prompt, question.explanation, question.answers) = (t.prompt, t.explanation, t.answers);
                    for c in &mut question.choices {
                        let t = take(&mut c.translations, lang);
                        (c.label, c.feedback) = (t.label, t.feedback);
                    }
                }
            }
            ItemBody::CaseStudy(c) => {
                c.summary = take(&mut c.summary_translations, lang);
                for n in &mut c.nodes {
                    let t = n.translations.get(&lang).cloned();
                    n.translations.clear();
                    (n.markdown, n.html) = t.map(|t| (t.markdown, t.html)).unwrap_or_default();
                    for ch in &mut n.choices {
                        let t = ch.translations.get(&lang).cloned();
                        ch.translations.clear();
                        (ch.label, ch.feedback_markdown, ch.feedback_html) =
                            t.map(|t| (t.label, t.feedback_markdown, t.feedback_html)).unwrap_or_default();
                    }
                }
                for e in &mut c.endings {
                    let t = e.translations.get(&lang).cloned();
                    e.translations.clear();
                    (e.title, e.debrief_markdown, e.debrief_html) =
                        t.map(|t| (t.title, t.debrief_markdown, t.debrief_html)).unwrap_or_default();
                }
            }
        }
        copy
    }

    /// Carries the translations of `old` (the item before an edit in the
    /// course's own language) over to the parts that kept their ids, so that
    /// editing the French does not lose the Arabic.
    pub fn keep_translations_from(&mut self, old: &ItemBody) {
        fn carry<T: Clone>(to: &mut Translations<T>, from: Option<&Translations<T>>) {
            if let Some(from) = from {
                to.clone_from(from);
            }
        }
        match (self, old) {
            (ItemBody::Lesson(l), ItemBody::Lesson(o)) => carry(&mut l.translations, Some(&o.translations)),
            (ItemBody::Quiz(q), ItemBody::Quiz(o)) => {
                for question in &mut q.questions {
                    let before = o.questions.iter().find(|x| x.id == question.id);
                    carry(&mut question.translations, before.map(|b| &b.translations));
                    for c in &mut question.choices {
                        let before = before.and_then(|b| b.choices.iter().find(|x| x.id == c.id));
                        carry(&mut c.translations, before.map(|b| &b.translations));
                    }
                }
            }
            (ItemBody::CaseStudy(c), ItemBody::CaseStudy(o)) => {
                carry(&mut c.summary_translations, Some(&o.summary_translations));
                for n in &mut c.nodes {
                    let before = o.nodes.iter().find(|x| x.id == n.id);
                    carry(&mut n.translations, before.map(|b| &b.translations));
                    for ch in &mut n.choices {
                        let before = before.and_then(|b| b.choices.iter().find(|x| x.id == ch.id));
                        carry(&mut ch.translations, before.map(|b| &b.translations));
                    }
                }
                for e in &mut c.endings {
                    let before = o.endings.iter().find(|x| x.id == e.id);
                    carry(&mut e.translations, before.map(|b| &b.translations));
                }
            }
            _ => {}
        }
    }

    /// Keeps the texts of `edited` (the same part, edited in `lang`) as the
    /// translations into `lang`; an empty text removes that translation. The
    /// parts must be the same, in the same order: the structure is edited
    /// in the course's own language only.
    pub fn set_translation(&mut self, lang: Language, edited: &ItemBody) -> Result<(), ShapeMismatch> {
        match (self, edited) {
            (ItemBody::Lesson(l), ItemBody::Lesson(e)) => {
                let blank = e.markdown.trim().is_empty();
                put(&mut l.translations, lang, LessonText { markdown: e.markdown.clone(), html: e.html.clone() }, blank);
            }
            (ItemBody::Quiz(q), ItemBody::Quiz(e)) => {
                same_ids("questions", q.questions.iter().map(|x| x.id), e.questions.iter().map(|x| x.id))?;
                for (question, edited) in q.questions.iter().zip(&e.questions) {
                    same_ids("choices", question.choices.iter().map(|x| x.id), edited.choices.iter().map(|x| x.id))?;
                }
                for (question, edited) in q.questions.iter_mut().zip(&e.questions) {
                    let text = QuestionText {
                        prompt: edited.prompt.clone(),
                        explanation: edited.explanation.clone(),
                        answers: edited.answers.clone(),
                    };
                    put(&mut question.translations, lang, text, edited.prompt.trim().is_empty());
                    for (c, ec) in question.choices.iter_mut().zip(&edited.choices) {
                        let text = ChoiceText { label: ec.label.clone(), feedback: ec.feedback.clone() };
                        put(&mut c.translations, lang, text, ec.label.trim().is_empty());
                    }
                }
            }
            (ItemBody::CaseStudy(c), ItemBody::CaseStudy(e)) => {
                same_ids("steps", c.nodes.iter().map(|x| x.id), e.nodes.iter().map(|x| x.id))?;
                same_ids("endings", c.endings.iter().map(|x| x.id), e.endings.iter().map(|x| x.id))?;
                for (n, en) in c.nodes.iter().zip(&e.nodes) {
                    same_ids("choices", n.choices.iter().map(|x| x.id), en.choices.iter().map(|x| x.id))?;
                }
                put(&mut c.summary_translations, lang, e.summary.clone(), e.summary.trim().is_empty());
                for (n, en) in c.nodes.iter_mut().zip(&e.nodes) {
                    let text = LessonText { markdown: en.markdown.clone(), html: en.html.clone() };
                    put(&mut n.translations, lang, text, en.markdown.trim().is_empty());
                    for (ch, ech) in n.choices.iter_mut().zip(&en.choices) {
                        let text = CaseChoiceText {
                            label: ech.label.clone(),
                            feedback_markdown: ech.feedback_markdown.clone(),
                            feedback_html: ech.feedback_html.clone(),
                        };
                        put(&mut ch.translations, lang, text, ech.label.trim().is_empty());
                    }
                }
                for (end, ee) in c.endings.iter_mut().zip(&e.endings) {
                    let text = EndingText {
                        title: ee.title.clone(),
                        debrief_markdown: ee.debrief_markdown.clone(),
                        debrief_html: ee.debrief_html.clone(),
                    };
                    let blank = ee.title.trim().is_empty() && ee.debrief_markdown.trim().is_empty();
                    put(&mut end.translations, lang, text, blank);
                }
            }
            _ => return Err(ShapeMismatch("a translation is of the same kind of item".into())),
        }
        Ok(())
    }
}

/// A module or item of a course: its id and kind (`module`, `lesson`, `quiz`, `case_study`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    pub id: Uuid,
    pub kind: &'static str,
}

impl CourseContent {
    /// Every item, in reading order, with its module.
    pub fn items(&self) -> impl Iterator<Item = (&Module, &Item)> {
        self.modules.iter().flat_map(|m| m.items.iter().map(move |i| (m, i)))
    }

    /// Every module and item, for finding the course a part belongs to.
    pub fn parts(&self) -> Vec<Part> {
        self.modules.iter().map(|m| Part { id: m.id, kind: "module" }).chain(self.item_parts()).collect()
    }

    /// Every item, as a part.
    pub fn item_parts(&self) -> impl Iterator<Item = Part> + '_ {
        self.items().map(|(_, i)| Part { id: i.id, kind: i.body.kind() })
    }

    /// The item with this id.
    pub fn item(&self, id: Uuid) -> Option<&Item> {
        self.items().map(|(_, i)| i).find(|i| i.id == id)
    }

    /// Keeps the ids of `previous` for every part whose key path is the same,
    /// so that re-importing a course folder never changes the ids learners'
    /// progress points at.
    pub fn adopt_ids_from(&mut self, previous: &CourseContent) {
        for module in &mut self.modules {
            let Some(old_module) = previous.modules.iter().find(|m| m.key == module.key) else { continue };
            module.id = old_module.id;
            for item in &mut module.items {
                let Some(old_item) = old_module.items.iter().find(|i| i.key == item.key) else { continue };
                item.id = old_item.id;
                match (&mut item.body, &old_item.body) {
                    (ItemBody::Quiz(q), ItemBody::Quiz(old)) => {
                        for question in &mut q.questions {
                            let Some(old_q) = old.questions.iter().find(|o| o.key == question.key) else { continue };
                            question.id = old_q.id;
                            for choice in &mut question.choices {
                                if let Some(old_c) = old_q.choices.iter().find(|o| o.key == choice.key) {
                                    choice.id = old_c.id;
                                }
                            }
                        }
                    }
                    (ItemBody::CaseStudy(c), ItemBody::CaseStudy(old)) => {
                        for node in &mut c.nodes {
                            let Some(old_n) = old.nodes.iter().find(|o| o.key == node.key) else { continue };
                            node.id = old_n.id;
                            for choice in &mut node.choices {
                                if let Some(old_c) = old_n.choices.iter().find(|o| o.key == choice.key) {
                                    choice.id = old_c.id;
                                }
                            }
                        }
                        for ending in &mut c.endings {
                            if let Some(old_e) = old.endings.iter().find(|o| o.key == ending.key) {
                                ending.id = old_e.id;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

impl CaseStudy {
    /// The best score a way through the case study can reach: the longest
    /// path from the start, weighted by the choices' points, memoised per node
    /// so that every node and choice is looked at once (a 40-step study with
    /// two choices per step has 2^40 ways through it, and this takes 80 steps).
    ///
    /// Publication refuses loops (`validate::check_case_study`), but a version
    /// published before that rule may hold one: a choice that leads back to a
    /// step already on the way counts its own points and is not followed round
    /// again, so the answer is always finite. Walked with an explicit stack, so
    /// a long study cannot overflow the thread's stack.
    pub fn best_score(&self) -> u32 {
        self.walk(|_, choice| choice.points, u32::max, 0)
    }

    /// The fewest and the most decisions (steps that offer more than one
    /// choice) on a way from the start to an ending: what a learner is told
    /// before starting, where the number of steps would overstate a study
    /// whose paths end after three or four of them.
    pub fn decisions(&self) -> (u32, u32) {
        let decision = |node: &CaseNode, _: &CaseChoice| u32::from(node.choices.len() > 1);
        (self.walk(decision, u32::min, u32::MAX), self.walk(decision, u32::max, 0))
    }

    /// The best total of `weight` over the ways from the start to an ending,
    /// `better` choosing between two totals and `none` being the total before
    /// any choice is looked at (0 for a maximum, `u32::MAX` for a minimum).
    fn walk(&self, weight: impl Fn(&CaseNode, &CaseChoice) -> u32, better: impl Fn(u32, u32) -> u32, none: u32) -> u32 {
        let index: HashMap<&str, usize> = self.nodes.iter().enumerate().map(|(i, n)| (n.key.as_str(), i)).collect();
        let Some(&start) = index.get(self.start.as_str()) else { return 0 };
        let mut best: Vec<Option<u32>> = vec![None; self.nodes.len()];
        let mut on_path = vec![false; self.nodes.len()];
        // (node, next choice to look at, best so far from this node)
        let mut stack: Vec<(usize, usize, u32)> = vec![(start, 0, none)];
        on_path[start] = true;
        while let Some(&(node, at, so_far)) = stack.last() {
            let choices = &self.nodes[node].choices;
            if at == choices.len() {
                stack.pop();
                on_path[node] = false;
                // A step with no choice (refused at publication) ends the way there.
                let so_far = if so_far == none { 0 } else { so_far };
                best[node] = Some(so_far);
                if let Some(parent) = stack.last_mut() {
                    let from = &self.nodes[parent.0];
                    parent.2 = better(parent.2, weight(from, &from.choices[parent.1]).saturating_add(so_far));
                    parent.1 += 1;
                }
                continue;
            }
            let choice = &choices[at];
            let rest = match index.get(choice.next.as_str()) {
                Some(&to) if best[to].is_none() && !on_path[to] => {
                    on_path[to] = true;
                    stack.push((to, 0, none));
                    continue;
                }
                // Already known, or a loop back to a step on the way (not followed again).
                Some(&to) => best[to].unwrap_or(0),
                // An ending.
                None => 0,
            };
            let top = stack.last_mut().expect("the node being looked at");
            top.2 = better(top.2, weight(&self.nodes[node], choice).saturating_add(rest));
            top.1 += 1;
        }
        best[start].unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(key: &str, choices: &[(&str, u32)]) -> CaseNode {
        CaseNode {
            id: Uuid::now_v7(),
            key: key.into(),
            markdown: String::new(),
            html: String::new(),
            choices: choices
                .iter()
                .enumerate()
                .map(|(i, (next, points))| CaseChoice {
                    id: Uuid::now_v7(),
                    key: format!("{key}-{i}"),
                    label: "c".into(),
                    next: (*next).into(),
                    points: *points,
                    feedback_markdown: String::new(),
                    feedback_html: String::new(),
                    translations: Translations::new(),
                })
                .collect(),
            translations: Translations::new(),
        }
    }

    fn case(nodes: Vec<CaseNode>) -> CaseStudy {
        let ending = Ending {
            id: Uuid::now_v7(),
            key: "fin".into(),
            title: "Fin".into(),
            band: "good".into(),
            debrief_markdown: String::new(),
            debrief_html: String::new(),
            translations: Translations::new(),
        };
        CaseStudy {
            summary: String::new(),
            start: nodes[0].key.clone(),
            nodes,
            endings: vec![ending],
            summary_translations: Translations::new(),
        }
    }

    #[test]
    fn best_score_of_a_long_chain_of_two_way_choices() {
        // 60 steps, two choices each, both to the next step: 2^60 ways through, one answer.
        let n = 60;
        let nodes = (0..n)
            .map(|i| {
                let next = if i + 1 < n { format!("n{}", i + 1) } else { "fin".into() };
                node(&format!("n{i}"), &[(&next, 1), (&next, 0)])
            })
            .collect();
        assert_eq!(case(nodes).best_score(), 60);
    }

    #[test]
    fn best_score_takes_the_best_branch_and_survives_loops() {
        // a -> b (1) -> fin (5); a -> c (4) -> fin (1); c -> a (loop, 2 points, counted once).
        let nodes = vec![node("a", &[("b", 1), ("c", 4)]), node("b", &[("fin", 5)]), node("c", &[("fin", 1), ("a", 2)])];
        assert_eq!(case(nodes).best_score(), 6);
        let looped = vec![node("a", &[("a", 3), ("fin", 1)])];
        assert_eq!(case(looped).best_score(), 3);
        let mut missing = case(vec![node("a", &[("fin", 1)])]);
        missing.start = "nowhere".into();
        assert_eq!(missing.best_score(), 0);
    }

    #[test]
    fn a_text_in_one_language_serves_every_reader() {
        let arabic = Localized { fr: String::new(), ar: Some("الإنصات".into()), en: None };
        assert_eq!(arabic.pick("fr"), ("الإنصات", "ar"));
        assert_eq!(arabic.pick("en"), ("الإنصات", "ar"));
        assert_eq!(arabic.pick("ar"), ("الإنصات", "ar"));
        assert!(!arabic.is_blank());
        let both = Localized { fr: "Écouter".into(), ar: Some("الإنصات".into()), en: Some(" ".into()) };
        assert_eq!(both.pick("en"), ("Écouter", "fr"), "a blank English text is no text");
        assert_eq!(both.pick("ar"), ("الإنصات", "ar"));
        assert!(Localized { fr: " ".into(), ar: Some(String::new()), en: None }.is_blank());
    }

    #[test]
    fn decisions_count_the_shortest_and_longest_ways_through() {
        // a decides; b is a single "continue" step; c decides again before the end:
        // a -> b -> fin is 1 decision, a -> c -> d -> fin is 3.
        let nodes = vec![
            node("a", &[("b", 1), ("c", 0)]),
            node("b", &[("fin", 0)]),
            node("c", &[("d", 1), ("fin", 0)]),
            node("d", &[("fin", 1), ("fin", 0)]),
        ];
        assert_eq!(case(nodes).decisions(), (1, 3));
        // 26 steps of two choices, each one either to the next or to the end: 1 to 26.
        let n = 26;
        let nodes = (0..n)
            .map(|i| {
                let next = if i + 1 < n { format!("n{}", i + 1) } else { "fin".into() };
                node(&format!("n{i}"), &[(&next, 1), ("fin", 0)])
            })
            .collect();
        assert_eq!(case(nodes).decisions(), (1, 26));
        let looped = vec![node("a", &[("a", 3), ("fin", 1)])];
        assert_eq!(case(looped).decisions(), (1, 1));
    }
}
