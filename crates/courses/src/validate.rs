//! Rules a course must satisfy: some on every save, the rest before it can be
//! published (or imported). Every problem names where it is, in words an
//! author can act on: the module, the item, the node.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::content::*;
use sanad_platform::vocabulary::{EndingBand, Language, Level, Theme};
use sanad_platform::{Reason, ReasonCode};
use uuid::Uuid;

/// Where in a course a problem is: its module, its item, and the part of
/// the item (a question, a step or an ending); nothing set is the course.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// The module's key and title.
    pub module: Option<(String, String)>,
    /// The item's kind (`lesson`, `quiz`, `case_study`), key, id and title.
    pub item: Option<(&'static str, String, Uuid, String)>,
    /// The part's kind (`question`, `node`, `ending`), key, and number (questions, from 1).
    pub part: Option<(&'static str, String, Option<usize>)>,
}

impl Place {
    /// A part of an item, not yet placed in its module.
    pub fn part(kind: &'static str, key: &str) -> Self {
        Place { part: Some((kind, key.to_string(), None)), ..Place::default() }
    }

    /// How import errors and English messages name it: `module "x" / quiz "y" / question "q1"`, or `course`.
    pub fn location(&self) -> String {
        let mut parts = Vec::new();
        if let Some((m, _)) = &self.module {
            parts.push(format!("module \"{m}\""));
        }
        if let Some((kind, key, _, _)) = &self.item {
            parts.push(format!("{} \"{key}\"", kind.replace('_', " ")));
        }
        if let Some((kind, key, _)) = &self.part {
            parts.push(format!("{kind} \"{key}\""));
        }
        if parts.is_empty() { "course".to_string() } else { parts.join(" / ") }
    }

    /// The reason with where it is as parameters: `module` and `module_title`;
    /// `item_kind`, `item`, `item_id` and `item_title`; and `question` (with
    /// `question_number`), `node` or `ending`. Titles are in the course's first
    /// language, and left out when not written.
    fn mark(&self, mut reason: Reason) -> Reason {
        let titled =
            |reason: Reason, name: &str, title: &str| if title.trim().is_empty() { reason } else { reason.with(name, title.trim()) };
        if let Some((key, title)) = &self.module {
            reason = titled(reason.with("module", key), "module_title", title);
        }
        if let Some((kind, key, id, title)) = &self.item {
            reason = titled(reason.with("item_kind", kind).with("item", key).with("item_id", id), "item_title", title);
        }
        if let Some((kind, key, number)) = &self.part {
            reason = reason.with(kind, key);
            if let Some(n) = number {
                reason = reason.with(&format!("{kind}_number"), n);
            }
        }
        reason
    }
}

/// One thing wrong with a course, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentProblem {
    /// Where: `module "x" / case study "y" / node "z"`, or `course`.
    pub location: String,
    /// What is wrong, in English.
    pub message: String,
    /// What is wrong as a stable code, with where it is among its parameters.
    pub reason: Reason,
    place: Place,
}

impl ContentProblem {
    /// A problem at `place`.
    pub fn new(place: Place, reason: Reason) -> Self {
        let reason = place.mark(reason);
        ContentProblem { location: place.location(), message: reason.english(), reason, place }
    }

    /// A problem of the course itself.
    pub fn of_course(reason: Reason) -> Self {
        Self::new(Place::default(), reason)
    }
}

fn problem(place: &Place, reason: impl Into<Reason>) -> ContentProblem {
    ContentProblem::new(place.clone(), reason.into())
}

/// A choice's reason with its label (`choice_label`) when it has one: authors know their choices by label, not by key.
fn labelled(reason: Reason, label: &str) -> Reason {
    if label.trim().is_empty() { reason } else { reason.with("choice_label", label.trim()) }
}

fn part(kind: &'static str, key: &str, reason: impl Into<Reason>) -> ContentProblem {
    ContentProblem::new(Place::part(kind, key), reason.into())
}

/// Whether a key is lowercase ASCII letters, digits and hyphens.
pub fn is_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 80 && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A course's theme as typed: one of [`Theme::COURSES`], or why not.
pub fn course_theme(typed: &str) -> Result<Theme, Reason> {
    let themes = || Theme::COURSES.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
    Theme::parse(typed)
        .filter(|t| t.is_for_courses())
        .ok_or_else(|| Reason::from(ReasonCode::ThemeUnknown).with("theme", typed).with("themes", themes()))
}

/// A course's level as typed, or why not.
pub fn course_level(typed: &str) -> Result<Level, Reason> {
    Level::parse(typed).ok_or_else(|| Reason::from(ReasonCode::LevelUnknown).with("level", typed).with("levels", Level::list()))
}

/// The language of a course's lessons as typed, or why not.
pub fn course_language(typed: &str) -> Result<Language, Reason> {
    Language::parse(typed).ok_or_else(|| Reason::from(ReasonCode::LanguageUnknown).with("language", typed))
}

/// Everything that must hold before a course is published.
pub fn check_publishable(content: &CourseContent) -> Vec<ContentProblem> {
    let mut problems = check_course(content);
    if content.modules.iter().all(|m| m.items.is_empty()) {
        problems.push(ContentProblem::of_course(ReasonCode::CourseEmpty.into()));
    }
    problems
}

/// Rules of the course and each of its parts.
pub fn check_course(content: &CourseContent) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    if content.title.is_blank() {
        problems.push(ContentProblem::of_course(ReasonCode::TitleMissing.into()));
    }
    if let Err(reason) = course_theme(content.theme.as_str()) {
        problems.push(ContentProblem::of_course(reason));
    }
    let mut module_keys = HashSet::new();
    for module in &content.modules {
        let at = Place { module: Some((module.key.clone(), module.title.main().0.to_string())), ..Place::default() };
        // Prerequisites point back only (to modules already seen), so they never loop.
        for required in &module.requires {
            if !module_keys.contains(required) {
                problems.push(problem(&at, Reason::from(ReasonCode::RequiresLaterModule).with("required", required)));
            }
        }
        if !module_keys.insert(&module.key) {
            problems.push(problem(&at, ReasonCode::ModuleKeyTaken));
        }
        if module.title.is_blank() {
            problems.push(problem(&at, ReasonCode::TitleMissing));
        }
        let mut item_keys = HashSet::new();
        for item in &module.items {
            let at = Place { item: Some((item.body.kind(), item.key.clone(), item.id, item.title.main().0.to_string())), ..at.clone() };
            if !item_keys.insert(&item.key) {
                problems.push(problem(&at, ReasonCode::ItemKeyTaken));
            }
            if item.title.is_blank() {
                problems.push(problem(&at, ReasonCode::TitleMissing));
            }
            match &item.body {
                ItemBody::Lesson(l) => {
                    if l.markdown.trim().is_empty() {
                        problems.push(problem(&at, ReasonCode::LessonEmpty));
                    }
                }
                ItemBody::Quiz(q) => problems.extend(check_quiz(q).into_iter().map(|p| prefix(&at, p))),
                ItemBody::CaseStudy(c) => problems.extend(check_case_study(c).into_iter().map(|p| prefix(&at, p))),
            }
        }
    }
    problems
}

/// A problem found in an item, placed in its module and item.
fn prefix(at: &Place, p: ContentProblem) -> ContentProblem {
    let place = Place { module: at.module.clone(), item: at.item.clone(), part: p.place.part };
    ContentProblem::new(place, p.reason)
}

/// Rules of a quiz.
pub fn check_quiz(quiz: &Quiz) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    if quiz.pass_mark > 100 {
        problems.push(ContentProblem::of_course(ReasonCode::PassMarkRange.into()));
    }
    if quiz.max_attempts == Some(0) {
        problems.push(ContentProblem::of_course(ReasonCode::NoAttemptsAllowed.into()));
    }
    if quiz.questions.is_empty() {
        problems.push(ContentProblem::of_course(ReasonCode::QuizEmpty.into()));
    }
    let mut keys = HashSet::new();
    for (number, q) in quiz.questions.iter().enumerate() {
        let at = Place { part: Some(("question", q.key.clone(), Some(number + 1))), ..Place::default() };
        if !keys.insert(&q.key) {
            problems.push(problem(&at, ReasonCode::QuestionKeyTaken));
        }
        if q.prompt.trim().is_empty() {
            problems.push(problem(&at, ReasonCode::PromptMissing));
        }
        let correct = q.choices.iter().filter(|c| c.correct).count();
        let mut choice_keys = HashSet::new();
        for c in &q.choices {
            if !choice_keys.insert(&c.key) {
                problems.push(problem(&at, labelled(Reason::from(ReasonCode::ChoiceKeyTaken).with("choice", &c.key), &c.label)));
            }
            if c.label.trim().is_empty() {
                problems.push(problem(&at, Reason::from(ReasonCode::ChoiceLabelMissing).with("choice", &c.key)));
            }
        }
        match q.kind {
            QuestionKind::Single if q.choices.len() < 2 || correct != 1 => {
                problems.push(problem(&at, ReasonCode::SingleChoiceShape));
            }
            QuestionKind::Multiple if q.choices.len() < 2 || correct < 1 => {
                problems.push(problem(&at, ReasonCode::MultipleChoiceShape));
            }
            QuestionKind::TrueFalse => {
                let mut ks: Vec<&str> = q.choices.iter().map(|c| c.key.as_str()).collect();
                ks.sort();
                if ks != ["false", "true"] || correct != 1 {
                    problems.push(problem(&at, ReasonCode::TrueFalseShape));
                }
            }
            QuestionKind::ShortText => {
                if q.answers.iter().all(|a| crate::quiz::normalize_answer(a).is_empty()) {
                    problems.push(problem(&at, ReasonCode::ShortTextAnswersMissing));
                }
                if !q.choices.is_empty() {
                    problems.push(problem(&at, ReasonCode::ShortTextChoices));
                }
            }
            _ => {}
        }
    }
    problems
}

/// Most steps (nodes) a case study may have.
pub const MAX_CASE_NODES: usize = 200;
/// Most choices a step of a case study may offer.
pub const MAX_CASE_CHOICES: usize = 8;
/// Most endings a case study may have.
pub const MAX_CASE_ENDINGS: usize = 50;

/// The size limits of a case study, as field errors of the authoring API
/// (`nodes`, `nodes[3].choices`, `endings`) with their reasons; empty when it fits.
pub fn case_study_size(nodes: usize, choices_per_node: impl Iterator<Item = usize>, endings: usize) -> Vec<(String, Reason)> {
    let mut out = Vec::new();
    if nodes > MAX_CASE_NODES {
        out.push(("nodes".to_string(), Reason::from(ReasonCode::TooManySteps).with("count", nodes).with("max", MAX_CASE_NODES)));
    }
    for (i, n) in choices_per_node.enumerate() {
        if n > MAX_CASE_CHOICES {
            let reason = Reason::from(ReasonCode::TooManyChoices).with("step", i + 1).with("count", n);
            out.push((format!("nodes[{i}].choices"), reason.with("max", MAX_CASE_CHOICES)));
        }
    }
    if endings > MAX_CASE_ENDINGS {
        out.push(("endings".to_string(), Reason::from(ReasonCode::TooManyEndings).with("count", endings).with("max", MAX_CASE_ENDINGS)));
    }
    out
}

/// Rules of a case study: within the size limits, every node reachable from
/// the start, every choice leading somewhere, every path able to reach an
/// ending, and no loop. A loop would make the best score unbounded (a learner
/// could go round collecting points) and a run endless; a step that lets the
/// learner try again is written as a new node that repeats the situation.
pub fn check_case_study(case: &CaseStudy) -> Vec<ContentProblem> {
    let size = case_study_size(case.nodes.len(), case.nodes.iter().map(|n| n.choices.len()), case.endings.len());
    if !size.is_empty() {
        // The other checks walk the graph: a study over the limits is not walked at all.
        return size.into_iter().map(|(_, reason)| ContentProblem::of_course(reason)).collect();
    }
    let nodes: HashMap<&str, &CaseNode> = case.nodes.iter().map(|n| (n.key.as_str(), n)).collect();
    let endings: HashSet<&str> = case.endings.iter().map(|e| e.key.as_str()).collect();
    let mut problems = check_keys_and_endings(case);
    if !nodes.contains_key(case.start.as_str()) {
        problems.push(ContentProblem::of_course(Reason::from(ReasonCode::StartMissing).with("start", &case.start)));
        return problems;
    }
    problems.extend(case.nodes.iter().flat_map(|node| check_node(node, &nodes, &endings)));
    let reached = reachable(case, &nodes);
    problems.extend(unreachable(case, &reached));
    problems.extend(dead_ends(case, &reached, &endings));
    problems.extend(loops(case, &nodes));
    problems
}

/// Keys used twice, and endings without a band or a title.
fn check_keys_and_endings(case: &CaseStudy) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for key in case.nodes.iter().map(|n| &n.key).chain(case.endings.iter().map(|e| &e.key)) {
        if !seen.insert(key.as_str()) {
            problems.push(part("node", key, ReasonCode::NodeKeyTaken));
        }
    }
    if case.endings.is_empty() {
        problems.push(ContentProblem::of_course(ReasonCode::EndingsMissing.into()));
    }
    for e in &case.endings {
        if EndingBand::parse(&e.band).is_none() {
            let reason = Reason::from(ReasonCode::EndingBandUnknown).with("band", &e.band).with("bands", EndingBand::list());
            problems.push(part("ending", &e.key, reason));
        }
        if e.title.trim().is_empty() {
            problems.push(part("ending", &e.key, ReasonCode::TitleMissing));
        }
    }
    problems
}

/// A node's choices: there are some, each leads somewhere, has a label and at most 10 points.
fn check_node(node: &CaseNode, nodes: &HashMap<&str, &CaseNode>, endings: &HashSet<&str>) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    let at = Place::part("node", &node.key);
    if node.choices.is_empty() {
        problems.push(problem(&at, ReasonCode::StepWithoutChoices));
    }
    for c in &node.choices {
        let choice = |code: ReasonCode| labelled(Reason::from(code).with("choice", &c.key), &c.label);
        if !nodes.contains_key(c.next.as_str()) && !endings.contains(c.next.as_str()) {
            problems.push(problem(&at, choice(ReasonCode::ChoiceLeadsNowhere).with("next", &c.next)));
        }
        if c.label.trim().is_empty() {
            problems.push(problem(&at, choice(ReasonCode::ChoiceLabelMissing)));
        }
        if c.points > 10 {
            problems.push(problem(&at, choice(ReasonCode::ChoiceTooManyPoints)));
        }
    }
    problems
}

/// The keys of the nodes and endings reachable from the start.
fn reachable<'a>(case: &'a CaseStudy, nodes: &HashMap<&str, &'a CaseNode>) -> HashSet<&'a str> {
    let mut reached: HashSet<&str> = HashSet::new();
    let mut queue = VecDeque::from([case.start.as_str()]);
    while let Some(key) = queue.pop_front() {
        if !reached.insert(key) {
            continue;
        }
        if let Some(node) = nodes.get(key) {
            queue.extend(node.choices.iter().map(|c| c.next.as_str()));
        }
    }
    reached
}

/// Nodes and endings the start does not lead to.
fn unreachable(case: &CaseStudy, reached: &HashSet<&str>) -> Vec<ContentProblem> {
    let nodes = case.nodes.iter().map(|n| ("node", &n.key));
    let endings = case.endings.iter().map(|e| ("ending", &e.key));
    nodes
        .chain(endings)
        .filter(|(_, key)| !reached.contains(key.as_str()))
        .map(|(what, key)| part(what, key, ReasonCode::Unreachable))
        .collect()
}

/// Reached nodes from which no path reaches an ending (found walking backwards from the endings).
fn dead_ends(case: &CaseStudy, reached: &HashSet<&str>, endings: &HashSet<&str>) -> Vec<ContentProblem> {
    let mut can_end: HashSet<&str> = endings.clone();
    loop {
        let before = can_end.len();
        for node in &case.nodes {
            if node.choices.iter().any(|c| can_end.contains(c.next.as_str())) {
                can_end.insert(node.key.as_str());
            }
        }
        if can_end.len() == before {
            break;
        }
    }
    case.nodes
        .iter()
        .filter(|n| reached.contains(n.key.as_str()) && !n.choices.is_empty() && !can_end.contains(n.key.as_str()))
        .map(|n| part("node", &n.key, ReasonCode::DeadEnd))
        .collect()
}

/// Choices that lead back to a step already on the way from the start
/// (depth-first, with an explicit stack: one visit per node and choice).
fn loops(case: &CaseStudy, nodes: &HashMap<&str, &CaseNode>) -> Vec<ContentProblem> {
    #[derive(Clone, Copy, PartialEq)]
    enum Seen {
        Not,
        OnPath,
        Done,
    }
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, Seen> = case.nodes.iter().map(|n| (n.key.as_str(), Seen::Not)).collect();
    let Some(start) = nodes.get(case.start.as_str()) else { return problems };
    let mut stack: Vec<(&CaseNode, usize)> = vec![(start, 0)];
    seen.insert(start.key.as_str(), Seen::OnPath);
    while let Some(&(node, at)) = stack.last() {
        let Some(choice) = node.choices.get(at) else {
            seen.insert(node.key.as_str(), Seen::Done);
            stack.pop();
            continue;
        };
        if let Some(top) = stack.last_mut() {
            top.1 += 1;
        }
        let Some(next) = nodes.get(choice.next.as_str()) else { continue };
        match seen.get(next.key.as_str()).copied().unwrap_or(Seen::Done) {
            Seen::Not => {
                seen.insert(next.key.as_str(), Seen::OnPath);
                stack.push((next, 0));
            }
            Seen::OnPath => {
                let reason = Reason::from(ReasonCode::ChoiceLoopsBack).with("choice", &choice.key).with("next", &choice.next);
                let reason = labelled(reason, &choice.label);
                problems.push(part("node", &node.key, reason));
            }
            Seen::Done => {}
        }
    }
    problems
}
