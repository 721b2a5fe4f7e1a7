//! The courses API's request and response objects, and their conversions
//! from and to the content document (`content.rs`): each beside the API type
//! it is made from or makes. Views are made with `From<&part>`; what an
//! author sends becomes content with `to_*` methods, which need the ids the
//! part had before (`KnownIds`) and give the keys authors never type.

use chrono::{DateTime, Utc};
use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use poem_openapi::{Enum, Object};
use sanad_platform::Text;
use sanad_platform::vocabulary::{EndingBand, Language, Level, Theme};
use std::borrow::Cow;
use uuid::Uuid;

use crate::content::{self as content, Localized, QuestionKind};
use crate::quiz::{Answer, QuestionResult};
use sanad_platform::ids::new_id;
use sanad_platform::markdown::to_safe_html;
use std::collections::HashSet;

/// Kinds of item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ItemKind {
    Lesson,
    Quiz,
    CaseStudy,
}

impl From<&content::ItemBody> for ItemKind {
    fn from(body: &content::ItemBody) -> Self {
        match body {
            content::ItemBody::Lesson(_) => ItemKind::Lesson,
            content::ItemBody::Quiz(_) => ItemKind::Quiz,
            content::ItemBody::CaseStudy(_) => ItemKind::CaseStudy,
        }
    }
}

/// A course in the catalogue.
#[derive(Debug, Object)]
pub struct CourseSummary {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// One of the course themes: concepts | pec | prevention | wellbeing
    pub theme: Theme,
    pub level: Level,
    /// The language the title and summary are served in.
    pub language: String,
    /// The language the lessons are written in.
    pub content_language: Language,
    pub estimated_minutes: u32,
    pub item_count: u32,
    pub published_at: DateTime<Utc>,
}

/// `GET /courses`.
#[derive(Debug, Object)]
pub struct CoursePage {
    pub items: Vec<CourseSummary>,
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// An item in an outline or a reading sequence.
#[derive(Clone, Debug, Object)]
pub struct ItemRef {
    pub id: Uuid,
    pub kind: ItemKind,
    pub title: String,
    #[oai(nullable)]
    pub estimated_minutes: Option<u32>,
}

/// A module in a course outline.
#[derive(Debug, Object)]
pub struct ModuleOutline {
    pub id: Uuid,
    pub title: String,
    /// Ids of the earlier modules to finish before this one opens.
    pub requires: Vec<Uuid>,
    pub items: Vec<ItemRef>,
}

/// `GET /courses/{slug}`: the published course (or the draft, for its authors with `?preview=true`).
#[derive(Debug, Object)]
pub struct CourseDetail {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub theme: Theme,
    pub level: Level,
    pub language: String,
    pub content_language: Language,
    pub estimated_minutes: u32,
    /// The published version shown; null for a draft preview.
    #[oai(nullable)]
    pub version: Option<i64>,
    #[oai(nullable)]
    pub published_at: Option<DateTime<Utc>>,
    /// True when this is the authors' draft, not what learners see.
    pub preview: bool,
    /// Whether the caller may edit this course.
    pub can_edit: bool,
    pub modules: Vec<ModuleOutline>,
}

/// `GET /lessons/{id}`.
#[derive(Debug, Object)]
pub struct LessonView {
    pub id: Uuid,
    pub title: String,
    /// Sanitized HTML rendered from the lesson's Markdown.
    pub body_html: String,
    pub course_slug: String,
    pub course_title: String,
    pub module_title: String,
    pub language: String,
    pub content_language: Language,
    /// The language the body is served in: the one asked for when the lesson
    /// has it, else the course's own (`content_language`), to be marked as such.
    pub body_language: Language,
    #[oai(nullable)]
    pub estimated_minutes: Option<u32>,
    #[oai(nullable)]
    pub next_item: Option<ItemRef>,
    #[oai(nullable)]
    pub previous_item: Option<ItemRef>,
}

/// A choice as shown before submission (never with its correctness).
#[derive(Debug, Object)]
pub struct ChoiceView {
    pub id: Uuid,
    pub label: String,
    /// The language of the label.
    pub language: Language,
}

/// A question as shown before submission.
#[derive(Debug, Object)]
pub struct QuestionView {
    pub id: Uuid,
    pub kind: QuestionKind,
    pub prompt: String,
    /// The language of the prompt.
    pub language: Language,
    /// Shuffled for each fetch when the quiz asks for it; empty for short text.
    pub choices: Vec<ChoiceView>,
}

/// `GET /quizzes/{id}`: the questions, without answers.
#[derive(Debug, Object)]
pub struct QuizView {
    pub id: Uuid,
    pub title: String,
    pub course_slug: String,
    pub course_title: String,
    pub language: String,
    pub content_language: Language,
    /// Percentage needed to pass.
    pub pass_mark: u32,
    #[oai(nullable)]
    pub max_attempts: Option<u32>,
    /// Attempts the caller has made (0 when signed out).
    pub attempts_used: u32,
    pub questions: Vec<QuestionView>,
    #[oai(nullable)]
    pub next_item: Option<ItemRef>,
    #[oai(nullable)]
    pub previous_item: Option<ItemRef>,
}

/// One answer of an attempt: `choice_ids` for choice questions, `text` for short text.
#[derive(Debug, Object)]
pub struct AnswerInput {
    pub question_id: Uuid,
    #[oai(nullable)]
    pub choice_ids: Option<Vec<Uuid>>,
    #[oai(nullable)]
    pub text: Option<Text>,
}

impl From<&AnswerInput> for Answer {
    fn from(a: &AnswerInput) -> Self {
        Answer {
            question_id: a.question_id,
            choice_ids: a.choice_ids.clone().unwrap_or_default(),
            text: a.text.as_ref().map(|t| t.0.clone()),
        }
    }
}

/// `POST /quizzes/{id}/attempts`.
#[derive(Debug, Object)]
pub struct AttemptRequest {
    pub answers: Vec<AnswerInput>,
    /// Chosen by the device for an attempt made offline and sent later from
    /// its outbox, the same at every sending: sent again, the attempt is not
    /// counted twice and is answered as the first time.
    #[oai(nullable)]
    pub idempotency_key: Option<Uuid>,
    /// When the learner submitted it offline (needs `idempotency_key`; at most
    /// 30 days ago, at most 5 minutes ahead). Now when absent.
    #[oai(nullable)]
    pub submitted_at: Option<DateTime<Utc>>,
}

/// Feedback on one choice, after submission.
#[derive(Debug, Object)]
pub struct ChoiceFeedback {
    pub id: Uuid,
    pub label: String,
    /// The language of the label and feedback.
    pub language: Language,
    /// Whether this choice is right; null until the answers are revealed
    /// (see `AttemptResult.answers_revealed`) unless the question was answered right.
    #[oai(nullable)]
    pub correct: Option<bool>,
    pub selected: bool,
    /// The author's comment on this choice; null while it is not revealed.
    #[oai(nullable)]
    pub feedback: Option<String>,
}

impl ChoiceFeedback {
    /// Feedback on choice `c`, in `lang` when it is translated (the course
    /// being written in `main`); its correctness and comment only when `show`.
    pub fn of(c: &content::Choice, selected: bool, show: bool, lang: Language, main: Language) -> Self {
        let (label, feedback, language) = match content::translation(&c.translations, lang, main) {
            Some(t) => (&t.label, &t.feedback, lang),
            None => (&c.label, &c.feedback, main),
        };
        ChoiceFeedback {
            id: c.id,
            label: label.clone(),
            language,
            correct: show.then_some(c.correct),
            selected,
            feedback: show.then(|| feedback.clone()),
        }
    }
}

/// Feedback on one question, after submission.
#[derive(Debug, Object)]
pub struct QuestionFeedback {
    pub question_id: Uuid,
    pub prompt: String,
    /// The language of the prompt and explanation.
    pub language: Language,
    /// Whether the question was answered.
    pub answered: bool,
    /// Whether the answer given is right (false when not answered).
    pub correct: bool,
    /// Null while the answers are not revealed and the question was not answered right.
    #[oai(nullable)]
    pub explanation: Option<String>,
    pub choices: Vec<ChoiceFeedback>,
    /// For short-text questions: the accepted answers (empty while not revealed).
    pub accepted_answers: Vec<String>,
    /// For short-text questions: what was typed.
    #[oai(nullable)]
    pub given_text: Option<String>,
}

impl QuestionFeedback {
    /// Feedback on question `q` graded `result`; the right answers only when `show`.
    ///
    /// The texts are in `lang` when translated, the course being written in
    /// `main`; the accepted answers shown are those of the language served.
    pub fn of(
        q: &content::Question,
        result: &QuestionResult,
        show: bool,
        given_text: Option<String>,
        lang: Language,
        main: Language,
    ) -> Self {
        let (prompt, explanation, answers, language) = match content::translation(&q.translations, lang, main) {
            Some(t) => (&t.prompt, &t.explanation, if t.answers.is_empty() { &q.answers } else { &t.answers }, lang),
            None => (&q.prompt, &q.explanation, &q.answers, main),
        };
        QuestionFeedback {
            question_id: q.id,
            prompt: prompt.clone(),
            language,
            answered: result.answered,
            correct: result.correct,
            explanation: show.then(|| explanation.clone()),
            choices: q.choices.iter().map(|c| ChoiceFeedback::of(c, result.selected.contains(&c.id), show, lang, main)).collect(),
            accepted_answers: if show { answers.clone() } else { Vec::new() },
            given_text,
        }
    }
}

/// A graded attempt.
///
/// What a learner sees: the score, and for each question whether the answer
/// given is right. The right answers (choices, accepted texts, explanations)
/// are revealed only once the quiz is passed (now or before) or no attempt is
/// left, so that attempts cannot be spent just to read them; an attempt that
/// answers no question is refused (422) and not counted.
#[derive(Debug, Object)]
pub struct AttemptResult {
    #[oai(nullable)]
    pub attempt_id: Option<Uuid>,
    pub score: u32,
    pub max_score: u32,
    pub percent: u32,
    pub passed: bool,
    pub pass_mark: u32,
    pub attempts_used: u32,
    #[oai(nullable)]
    pub attempts_left: Option<u32>,
    /// True when the right answers are shown in `feedback`.
    pub answers_revealed: bool,
    pub feedback: Vec<QuestionFeedback>,
}

/// `GET /case-studies/{id}`.
#[derive(Debug, Object)]
pub struct CaseStudyView {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    /// The language of the summary.
    pub summary_language: Language,
    pub course_slug: String,
    pub course_title: String,
    pub language: String,
    pub content_language: Language,
    /// The number of steps (scenes) of the case study.
    pub decision_points: u32,
    /// The fewest decisions (steps offering more than one choice) on a way to an ending.
    pub decisions_fewest: u32,
    /// The most decisions on a way to an ending.
    pub decisions_most: u32,
    #[oai(nullable)]
    pub next_item: Option<ItemRef>,
    #[oai(nullable)]
    pub previous_item: Option<ItemRef>,
}

/// `GET /courses/{slug}/offline`: a published course in one answer, to be read
/// without a network. Each part is what its own read answers a signed-out
/// reader (`GET /courses/{slug}`, `/lessons/{id}`, `/quizzes/{id}` without
/// answers and in the authors' order, `/case-studies/{id}`), so the app keeps
/// them under those addresses.
#[derive(Debug, Object)]
pub struct CourseBundle {
    /// The published version held.
    pub version: i64,
    /// The language asked for (each part says the language it is served in).
    pub lang: String,
    pub course: CourseDetail,
    /// The items of the modules the caller may open now: open modules, and for a
    /// signed-in learner the gated ones whose prerequisites they finished.
    pub lessons: Vec<LessonView>,
    pub quizzes: Vec<QuizView>,
    pub case_studies: Vec<CaseStudyView>,
    /// Each case study whole, to be played without a network: unlike a quiz's
    /// answers, a case study's feedback is not a test to keep secret (a run
    /// is practice, and its ending counts however it went).
    pub plays: Vec<CaseStudyPlay>,
    /// This site's addresses of the images the lessons show (other origins are
    /// not shown by the app's content security policy).
    pub images: Vec<String>,
}

/// A case study whole, to be played on the device: the run made there is
/// sent from its outbox when the network returns (`POST /case-studies/{id}/runs`
/// with `run_id`, then each decision with its key).
#[derive(Debug, Object)]
pub struct CaseStudyPlay {
    pub case_study_id: Uuid,
    /// The node a run starts at.
    pub start: Uuid,
    /// The best score a run can reach (an ending's `max_score`).
    pub best_score: u32,
    /// Every step and every ending, as a run shows them; an ending's `score`
    /// is 0 here: the device puts in the score of the run that reaches it.
    pub nodes: Vec<NodeView>,
    /// What each choice of every step leads to.
    pub outcomes: Vec<PlayOutcome>,
}

/// What one choice leads to, as `POST /case-study-runs/{run_id}/choices` answers it.
#[derive(Debug, Object)]
pub struct PlayOutcome {
    pub choice_id: Uuid,
    pub feedback_html: String,
    /// The language of the feedback.
    pub feedback_language: Language,
    pub points: u32,
    /// The node or ending it leads to (an id of `nodes`).
    pub next: Uuid,
}

/// A choice offered at a node.
#[derive(Debug, Object)]
pub struct NodeChoice {
    pub id: Uuid,
    pub label: String,
    /// The language of the label.
    pub language: Language,
}

/// The ending reached, with its debrief.
#[derive(Debug, Object)]
pub struct EndingView {
    pub id: Uuid,
    pub title: String,
    /// The language of the title and debrief.
    pub language: Language,
    pub band: EndingBand,
    pub debrief_html: String,
    pub score: u32,
    pub max_score: u32,
}

/// Where a run stands: the situation and its choices, or the ending.
#[derive(Debug, Object)]
pub struct NodeView {
    pub id: Uuid,
    pub body_html: String,
    /// The language of the body.
    pub language: Language,
    pub choices: Vec<NodeChoice>,
    #[oai(nullable)]
    pub ending: Option<EndingView>,
}

/// `POST /case-studies/{id}/runs`.
#[derive(Debug, Object)]
pub struct RunStarted {
    pub run_id: Uuid,
    pub node: NodeView,
}

/// `POST /case-studies/{id}/runs`: no body for a run started online; a run
/// played offline is sent from the device's outbox with these.
#[derive(Debug, Default, Object)]
pub struct RunRequest {
    /// The run's id, chosen by the device when the learner started it
    /// offline, the same at every sending: sent again, the run is not started
    /// twice and is answered as it stands.
    #[oai(nullable)]
    pub run_id: Option<Uuid>,
    /// When the learner started it (needs `run_id`; at most 30 days ago, at
    /// most 5 minutes ahead). Now when absent.
    #[oai(nullable)]
    pub started_at: Option<DateTime<Utc>>,
    /// The published version the device played (the one it saved for
    /// offline reading); the current one when absent, or when that version no
    /// longer holds the case study.
    #[oai(nullable)]
    pub version: Option<i64>,
}

/// `POST /case-study-runs/{run_id}/choices`.
#[derive(Debug, Object)]
pub struct ChoiceRequest {
    pub choice_id: Uuid,
    /// Chosen by the device for a decision taken offline, the same at every
    /// sending: sent again, it is answered as the first time and changes nothing.
    #[oai(nullable)]
    pub idempotency_key: Option<Uuid>,
    /// When the learner took it offline (needs `idempotency_key`; at most 30
    /// days ago, at most 5 minutes ahead). Now when absent.
    #[oai(nullable)]
    pub chosen_at: Option<DateTime<Utc>>,
}

/// What a choice led to: the practitioner's feedback, then the next node.
#[derive(Debug, Object)]
pub struct ChoiceOutcome {
    pub feedback_html: String,
    /// The language of the feedback.
    pub feedback_language: Language,
    pub points: u32,
    pub node: NodeView,
}

/// A step already taken in a run.
#[derive(Debug, Object)]
pub struct RunStep {
    pub choice_label: String,
    /// The language of the label and feedback.
    pub language: Language,
    pub feedback_html: String,
    pub points: u32,
}

/// `GET /case-study-runs/{run_id}`: to resume a run.
#[derive(Debug, Object)]
pub struct RunView {
    pub run_id: Uuid,
    pub case_study_id: Uuid,
    pub steps: Vec<RunStep>,
    pub node: NodeView,
}

// ---- authoring ----

/// A text in French, Arabic and English: any one of them is enough (a
/// language left out, `null` or empty has no text).
#[derive(Clone, Debug, Object)]
pub struct LocalizedText {
    #[oai(nullable)]
    pub fr: Option<Text>,
    #[oai(nullable)]
    pub ar: Option<Text>,
    #[oai(nullable)]
    pub en: Option<Text>,
}

impl From<&Localized> for LocalizedText {
    fn from(l: &Localized) -> Self {
        let fr = Some(l.fr.clone()).filter(|t| !t.is_empty()).map(Text);
        LocalizedText { fr, ar: l.ar.clone().map(Text), en: l.en.clone().map(Text) }
    }
}

/// A title or summary: a plain string (the course's main text, stored as French),
/// or the three languages.
///
/// Written by hand rather than derived: poem-openapi's derived unions add
/// `type: object` beside `oneOf`, which would make a plain string invalid
/// against the published document.
#[derive(Clone, Debug)]
pub enum LocalizedInput {
    Plain(Text),
    Languages(LocalizedText),
}

impl Type for LocalizedInput {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "LocalizedInput".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some("A plain string (stored as the French text), or {fr?, ar?, en?} with one language at least."),
            one_of: vec![Text::schema_ref(), LocalizedText::schema_ref()],
            ..MetaSchema::ANY
        }))
    }

    fn register(registry: &mut Registry) {
        LocalizedText::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromJSON for LocalizedInput {
    fn parse_from_json(value: Option<serde_json::Value>) -> ParseResult<Self> {
        match value {
            Some(serde_json::Value::String(s)) => Ok(LocalizedInput::Plain(Text(s))),
            Some(v @ serde_json::Value::Object(_)) => {
                LocalizedText::parse_from_json(Some(v)).map(LocalizedInput::Languages).map_err(ParseError::propagate)
            }
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl ToJSON for LocalizedInput {
    fn to_json(&self) -> Option<serde_json::Value> {
        match self {
            LocalizedInput::Plain(t) => t.to_json(),
            LocalizedInput::Languages(l) => l.to_json(),
        }
    }
}

/// Trimmed; an empty Arabic or English text is no text.
impl From<&LocalizedInput> for Localized {
    fn from(input: &LocalizedInput) -> Self {
        match input {
            LocalizedInput::Plain(t) => Localized::fr(t.trim()),
            LocalizedInput::Languages(t) => {
                let opt = |o: &Option<Text>| o.as_ref().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
                Localized { fr: opt(&t.fr).unwrap_or_default(), ar: opt(&t.ar), en: opt(&t.en) }
            }
        }
    }
}

/// The ids of the parts an item had before an edit (questions, choices,
/// nodes, endings): an id a client sends back is kept only when it is one of
/// these, so a client can never give a part an id of its choosing.
pub type KnownIds = HashSet<Uuid>;

fn kept(id: Option<Uuid>, known: &KnownIds) -> Uuid {
    id.filter(|id| known.contains(id)).unwrap_or_else(new_id)
}

fn text_or_empty(text: &Option<Text>) -> String {
    text.as_ref().map(|t| t.0.clone()).unwrap_or_default()
}

/// `POST /courses`.
#[derive(Debug, Object)]
pub struct NewCourse {
    /// Lowercase letters, digits and hyphens; the course's address.
    pub slug: Text,
    pub title: LocalizedInput,
    pub summary: LocalizedInput,
    /// concepts | pec | prevention | wellbeing
    pub theme: Text,
    /// fr | ar | en (default fr)
    #[oai(nullable)]
    pub language: Option<Text>,
    /// beginner | intermediate | advanced (default beginner)
    #[oai(nullable)]
    pub level: Option<Text>,
    #[oai(nullable)]
    pub estimated_minutes: Option<u32>,
}

/// `PATCH /courses/{slug}`: only the fields present change.
#[derive(Debug, Object)]
pub struct CourseUpdate {
    #[oai(nullable)]
    pub title: Option<LocalizedInput>,
    #[oai(nullable)]
    pub summary: Option<LocalizedInput>,
    #[oai(nullable)]
    pub theme: Option<Text>,
    #[oai(nullable)]
    pub language: Option<Text>,
    #[oai(nullable)]
    pub level: Option<Text>,
    #[oai(nullable)]
    pub estimated_minutes: Option<u32>,
}

/// `POST /courses/{slug}/modules`, `PATCH /modules/{id}`.
#[derive(Debug, Object)]
pub struct ModuleInput {
    pub title: LocalizedInput,
    /// Position among the modules, from 0; at the end when absent.
    #[oai(nullable)]
    pub position: Option<u32>,
    /// Ids of earlier modules to finish before this one opens; unchanged when absent.
    #[oai(nullable)]
    pub requires: Option<Vec<Uuid>>,
}

/// A lesson to create or replace.
#[derive(Clone, Debug, Object)]
pub struct LessonInput {
    pub title: LocalizedInput,
    #[oai(nullable)]
    pub estimated_minutes: Option<u32>,
    /// Markdown: headings, lists, tables, images, callouts (`> [!NOTE]`), video links.
    pub body: Text,
}

impl LessonInput {
    /// The lesson, with its Markdown rendered.
    pub fn to_lesson(&self) -> content::Lesson {
        content::Lesson { html: to_safe_html(&self.body), markdown: self.body.0.clone(), translations: Default::default() }
    }
}

/// A choice of a quiz question.
#[derive(Clone, Debug, Object)]
pub struct ChoiceInput {
    #[oai(nullable)]
    pub id: Option<Uuid>,
    pub label: Text,
    pub correct: bool,
    #[oai(nullable)]
    pub feedback: Option<Text>,
}

impl From<&content::Choice> for ChoiceInput {
    fn from(c: &content::Choice) -> Self {
        ChoiceInput { id: Some(c.id), label: Text(c.label.clone()), correct: c.correct, feedback: Some(Text(c.feedback.clone())) }
    }
}

impl ChoiceInput {
    /// The choice at `at` of a question of `kind`: keyed `true` and `false` for true/false, else `c1`, `c2`...
    pub fn to_choice(&self, kind: QuestionKind, at: usize, known: &KnownIds) -> content::Choice {
        let key = match (kind, at) {
            (QuestionKind::TrueFalse, 0) => "true".into(),
            (QuestionKind::TrueFalse, _) => "false".into(),
            _ => format!("c{}", at + 1),
        };
        content::Choice {
            id: kept(self.id, known),
            key,
            label: self.label.trim().to_string(),
            correct: self.correct,
            feedback: text_or_empty(&self.feedback),
            translations: Default::default(),
        }
    }
}

/// A quiz question.
#[derive(Clone, Debug, Object)]
pub struct QuestionInput {
    #[oai(nullable)]
    pub id: Option<Uuid>,
    pub kind: QuestionKind,
    pub prompt: Text,
    #[oai(nullable)]
    pub explanation: Option<Text>,
    /// For single, multiple and true/false (`true` is the first choice, `false` the second).
    #[oai(default)]
    pub choices: Vec<ChoiceInput>,
    /// For short text: the accepted answers.
    #[oai(default)]
    pub answers: Vec<Text>,
}

impl From<&content::Question> for QuestionInput {
    fn from(q: &content::Question) -> Self {
        QuestionInput {
            id: Some(q.id),
            kind: q.kind,
            prompt: Text(q.prompt.clone()),
            explanation: Some(Text(q.explanation.clone())),
            choices: q.choices.iter().map(ChoiceInput::from).collect(),
            answers: q.answers.iter().cloned().map(Text).collect(),
        }
    }
}

impl QuestionInput {
    /// The question at `at` of its quiz, keyed `q1`, `q2`...
    pub fn to_question(&self, at: usize, known: &KnownIds) -> content::Question {
        content::Question {
            id: kept(self.id, known),
            key: format!("q{}", at + 1),
            kind: self.kind,
            prompt: self.prompt.trim().to_string(),
            explanation: text_or_empty(&self.explanation),
            answers: self.answers.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect(),
            choices: self.choices.iter().enumerate().map(|(i, c)| c.to_choice(self.kind, i, known)).collect(),
            translations: Default::default(),
        }
    }
}

/// A quiz to create or replace.
#[derive(Clone, Debug, Object)]
pub struct QuizInput {
    pub title: LocalizedInput,
    #[oai(nullable)]
    pub estimated_minutes: Option<u32>,
    /// Percentage needed to pass (0-100).
    pub pass_mark: u32,
    #[oai(nullable)]
    pub max_attempts: Option<u32>,
    #[oai(default = "default_true")]
    pub shuffle: bool,
    pub questions: Vec<QuestionInput>,
}

impl QuizInput {
    /// The quiz, keeping the `known` ids the client sends back.
    pub fn to_quiz(&self, known: &KnownIds) -> content::Quiz {
        content::Quiz {
            pass_mark: self.pass_mark,
            max_attempts: self.max_attempts,
            shuffle: self.shuffle,
            questions: self.questions.iter().enumerate().map(|(n, q)| q.to_question(n, known)).collect(),
        }
    }
}

fn default_true() -> bool {
    true
}

/// A choice at a case-study node.
#[derive(Clone, Debug, Object)]
pub struct CaseChoiceInput {
    #[oai(nullable)]
    pub id: Option<Uuid>,
    pub label: Text,
    /// Key of the next node or ending.
    pub next: Text,
    #[oai(default)]
    pub points: u32,
    #[oai(nullable)]
    pub feedback_markdown: Option<Text>,
}

impl From<&content::CaseChoice> for CaseChoiceInput {
    fn from(c: &content::CaseChoice) -> Self {
        CaseChoiceInput {
            id: Some(c.id),
            label: Text(c.label.clone()),
            next: Text(c.next.clone()),
            points: c.points,
            feedback_markdown: Some(Text(c.feedback_markdown.clone())),
        }
    }
}

impl CaseChoiceInput {
    /// The choice at `at` of the node keyed `node_key`, keyed `<node_key>-1`, `-2`...
    pub fn to_case_choice(&self, node_key: &str, at: usize, known: &KnownIds) -> content::CaseChoice {
        let feedback = text_or_empty(&self.feedback_markdown);
        content::CaseChoice {
            id: kept(self.id, known),
            key: format!("{node_key}-{}", at + 1),
            label: self.label.trim().to_string(),
            next: self.next.trim().to_string(),
            points: self.points,
            feedback_html: to_safe_html(&feedback),
            feedback_markdown: feedback,
            translations: Default::default(),
        }
    }
}

/// A node of a case study.
#[derive(Clone, Debug, Object)]
pub struct CaseNodeInput {
    #[oai(nullable)]
    pub id: Option<Uuid>,
    /// Lowercase letters, digits and hyphens; what choices point to.
    pub key: Text,
    pub body_markdown: Text,
    pub choices: Vec<CaseChoiceInput>,
}

impl From<&content::CaseNode> for CaseNodeInput {
    fn from(n: &content::CaseNode) -> Self {
        CaseNodeInput {
            id: Some(n.id),
            key: Text(n.key.clone()),
            body_markdown: Text(n.markdown.clone()),
            choices: n.choices.iter().map(CaseChoiceInput::from).collect(),
        }
    }
}

impl CaseNodeInput {
    /// The node, with its Markdown rendered.
    pub fn to_node(&self, known: &KnownIds) -> content::CaseNode {
        let key = self.key.trim();
        content::CaseNode {
            id: kept(self.id, known),
            key: key.to_string(),
            html: to_safe_html(&self.body_markdown),
            markdown: self.body_markdown.0.clone(),
            choices: self.choices.iter().enumerate().map(|(i, c)| c.to_case_choice(key, i, known)).collect(),
            translations: Default::default(),
        }
    }
}

/// An ending of a case study.
#[derive(Clone, Debug, Object)]
pub struct EndingInput {
    #[oai(nullable)]
    pub id: Option<Uuid>,
    pub key: Text,
    pub title: Text,
    /// good | partial | poor
    pub band: Text,
    pub debrief_markdown: Text,
}

impl From<&content::Ending> for EndingInput {
    fn from(e: &content::Ending) -> Self {
        EndingInput {
            id: Some(e.id),
            key: Text(e.key.clone()),
            title: Text(e.title.clone()),
            band: Text(e.band.clone()),
            debrief_markdown: Text(e.debrief_markdown.clone()),
        }
    }
}

impl EndingInput {
    /// The ending, with its debrief rendered.
    pub fn to_ending(&self, known: &KnownIds) -> content::Ending {
        content::Ending {
            id: kept(self.id, known),
            key: self.key.trim().to_string(),
            title: self.title.trim().to_string(),
            band: self.band.trim().to_string(),
            debrief_html: to_safe_html(&self.debrief_markdown),
            debrief_markdown: self.debrief_markdown.0.clone(),
            translations: Default::default(),
        }
    }
}

/// A case study to create or replace.
#[derive(Clone, Debug, Object)]
pub struct CaseStudyInput {
    pub title: LocalizedInput,
    #[oai(nullable)]
    pub estimated_minutes: Option<u32>,
    #[oai(default)]
    pub summary: Text,
    /// Key of the first node.
    pub start: Text,
    pub nodes: Vec<CaseNodeInput>,
    pub endings: Vec<EndingInput>,
}

impl CaseStudyInput {
    /// The case study, keeping the `known` ids the client sends back.
    pub fn to_case_study(&self, known: &KnownIds) -> content::CaseStudy {
        content::CaseStudy {
            summary: self.summary.trim().to_string(),
            start: self.start.trim().to_string(),
            nodes: self.nodes.iter().map(|n| n.to_node(known)).collect(),
            endings: self.endings.iter().map(|e| e.to_ending(known)).collect(),
            summary_translations: Default::default(),
        }
    }
}

/// How much of an item is written in a language other than the course's.
#[derive(Debug, Object)]
pub struct TranslationStatus {
    pub language: Language,
    /// The item's texts (a lesson's body, each question, choice, step and ending).
    pub texts: u32,
    /// Those not yet written in this language (shown in the course's language, marked).
    pub missing: u32,
}

/// An item of a draft, with everything an author edits.
#[derive(Debug, Object)]
pub struct DraftItem {
    pub id: Uuid,
    pub key: String,
    pub kind: ItemKind,
    pub title: LocalizedText,
    #[oai(nullable)]
    pub estimated_minutes: Option<u32>,
    /// The language of the texts in `lesson`, `quiz` or `case_study`: the
    /// course's own, or the one asked for with `?language=` (empty where not
    /// yet written).
    pub editing_language: Language,
    /// For each language other than the course's, what is written and what is missing.
    pub translations: Vec<TranslationStatus>,
    #[oai(nullable)]
    pub lesson: Option<LessonInput>,
    #[oai(nullable)]
    pub quiz: Option<QuizInput>,
    #[oai(nullable)]
    pub case_study: Option<CaseStudyInput>,
}

impl DraftItem {
    /// The item as its authors edit it in `editing`, the course being written in `main`.
    pub fn of(item: &content::Item, editing: Language, main: Language) -> Self {
        let title = LocalizedText::from(&item.title);
        let heading = LocalizedInput::Languages(title.clone());
        let estimated_minutes = item.estimated_minutes;
        let translations = Language::ALL
            .iter()
            .filter(|l| **l != main)
            .map(|l| {
                let count = item.body.text_count(*l, main);
                TranslationStatus { language: *l, texts: count.texts, missing: count.missing }
            })
            .collect();
        let mut draft = DraftItem {
            id: item.id,
            key: item.key.clone(),
            kind: (&item.body).into(),
            title,
            estimated_minutes,
            editing_language: editing,
            translations,
            lesson: None,
            quiz: None,
            case_study: None,
        };
        match &item.body.in_language(editing, main) {
            content::ItemBody::Lesson(l) => {
                draft.lesson = Some(LessonInput { title: heading, estimated_minutes, body: Text(l.markdown.clone()) });
            }
            content::ItemBody::Quiz(q) => {
                draft.quiz = Some(QuizInput {
                    title: heading,
                    estimated_minutes,
                    pass_mark: q.pass_mark,
                    max_attempts: q.max_attempts,
                    shuffle: q.shuffle,
                    questions: q.questions.iter().map(QuestionInput::from).collect(),
                });
            }
            content::ItemBody::CaseStudy(c) => {
                draft.case_study = Some(CaseStudyInput {
                    title: heading,
                    estimated_minutes,
                    summary: Text(c.summary.clone()),
                    start: Text(c.start.clone()),
                    nodes: c.nodes.iter().map(CaseNodeInput::from).collect(),
                    endings: c.endings.iter().map(EndingInput::from).collect(),
                });
            }
        }
        draft
    }
}

/// A module of a draft.
#[derive(Debug, Object)]
pub struct DraftModule {
    pub id: Uuid,
    pub key: String,
    pub title: LocalizedText,
    /// Keys of the earlier modules to finish before this one opens.
    pub requires: Vec<String>,
    pub items: Vec<DraftItem>,
}

impl DraftModule {
    /// The module as its authors edit it in `editing`, the course being written in `main`.
    pub fn of(m: &content::Module, editing: Language, main: Language) -> Self {
        DraftModule {
            id: m.id,
            key: m.key.clone(),
            title: (&m.title).into(),
            requires: m.requires.clone(),
            items: m.items.iter().map(|i| DraftItem::of(i, editing, main)).collect(),
        }
    }
}

/// A course as its authors edit it.
#[derive(Debug, Object)]
pub struct DraftCourse {
    pub id: Uuid,
    pub slug: String,
    pub title: LocalizedText,
    pub summary: LocalizedText,
    pub theme: Theme,
    pub level: Level,
    pub language: Language,
    /// The language of the items' texts below (see `DraftItem.editing_language`).
    pub editing_language: Language,
    pub estimated_minutes: u32,
    #[oai(nullable)]
    pub owner_id: Option<Uuid>,
    pub coauthor_ids: Vec<Uuid>,
    /// Increases with every saved change.
    pub revision: i64,
    #[oai(nullable)]
    pub published_version: Option<i64>,
    #[oai(nullable)]
    pub published_at: Option<DateTime<Utc>>,
    /// True when the draft differs from the published version.
    pub has_unpublished_changes: bool,
    pub modules: Vec<DraftModule>,
}

/// A course the caller may edit.
#[derive(Debug, Object)]
pub struct AuthoredCourse {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub theme: Theme,
    #[oai(nullable)]
    pub published_version: Option<i64>,
    pub has_unpublished_changes: bool,
    pub updated_at: DateTime<Utc>,
}

/// `GET /authoring/courses`.
#[derive(Debug, Object)]
pub struct AuthoredCourseList {
    pub items: Vec<AuthoredCourse>,
    /// The next page's cursor; always `null` when the request asked for no page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

/// `POST /courses/{slug}/coauthors`.
#[derive(Debug, Object)]
pub struct CoauthorRequest {
    pub email: Text,
}

/// A co-author of a course.
#[derive(Debug, Object)]
pub struct Coauthor {
    pub course_slug: String,
    pub user_id: Uuid,
}

/// Answer to a publication.
#[derive(Debug, Object)]
pub struct Published {
    pub slug: String,
    pub version: i64,
    pub published_at: DateTime<Utc>,
}

/// Answer to an import.
#[derive(Debug, Object)]
pub struct Imported {
    pub slug: String,
    /// True when the course did not exist before.
    pub created: bool,
    /// The published version, when the import was published.
    #[oai(nullable)]
    pub version: Option<i64>,
}

/// `POST /markdown/preview`.
#[derive(Debug, Object)]
pub struct MarkdownPreviewRequest {
    pub markdown: Text,
}

/// The HTML a Markdown text renders to, exactly as it will be stored.
#[derive(Debug, Object)]
pub struct MarkdownPreview {
    pub html: String,
}
