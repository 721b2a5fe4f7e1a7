//! Rules a course must satisfy: some on every save, the rest before it can be
//! published (or imported). Every problem names where it is, in words an
//! author can act on: the module, the item, the node.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::content::*;
use sanad_platform::vocabulary::{EndingBand, Language, Level, Theme};

/// One thing wrong with a course, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentProblem {
    /// Where: `module "x" / case study "y" / node "z"`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

fn problem(location: impl Into<String>, message: impl Into<String>) -> ContentProblem {
    ContentProblem { location: location.into(), message: message.into() }
}

/// Whether a key is lowercase ASCII letters, digits and hyphens.
pub fn is_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 80 && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A course's theme as typed: one of [`Theme::COURSES`], or the problem's message.
pub fn course_theme(typed: &str) -> Result<Theme, String> {
    let themes = || Theme::COURSES.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
    Theme::parse(typed).filter(|t| t.is_for_courses()).ok_or_else(|| format!("theme `{typed}` is not one of {}", themes()))
}

/// A course's level as typed, or the problem's message.
pub fn course_level(typed: &str) -> Result<Level, String> {
    Level::parse(typed).ok_or_else(|| format!("level `{typed}` is not one of {}", Level::list()))
}

/// The language of a course's lessons as typed, or the problem's message.
pub fn course_language(typed: &str) -> Result<Language, String> {
    Language::parse(typed).ok_or_else(|| format!("language `{typed}` is not fr, ar or en"))
}

/// Everything that must hold before a course is published.
pub fn check_publishable(content: &CourseContent) -> Vec<ContentProblem> {
    let mut problems = check_course(content);
    if content.modules.iter().all(|m| m.items.is_empty()) {
        problems.push(problem("course", "has no lesson, quiz or case study yet"));
    }
    problems
}

/// Rules of the course and each of its parts.
pub fn check_course(content: &CourseContent) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    if content.title.is_blank() {
        problems.push(problem("course", "needs a title in at least one language"));
    }
    if let Err(message) = course_theme(content.theme.as_str()) {
        problems.push(problem("course", message));
    }
    let mut module_keys = HashSet::new();
    for module in &content.modules {
        let at = format!("module \"{}\"", module.key);
        // Prerequisites point back only (to modules already seen), so they never loop.
        for required in &module.requires {
            if !module_keys.contains(required) {
                problems.push(problem(&at, format!("requires \"{required}\", which is not an earlier module")));
            }
        }
        if !module_keys.insert(&module.key) {
            problems.push(problem(&at, "another module has the same key"));
        }
        if module.title.is_blank() {
            problems.push(problem(&at, "needs a title in at least one language"));
        }
        let mut item_keys = HashSet::new();
        for item in &module.items {
            let at = format!("{at} / {} \"{}\"", item.body.kind().replace('_', " "), item.key);
            if !item_keys.insert(&item.key) {
                problems.push(problem(&at, "another item of this module has the same key"));
            }
            if item.title.is_blank() {
                problems.push(problem(&at, "needs a title in at least one language"));
            }
            match &item.body {
                ItemBody::Lesson(l) => {
                    if l.markdown.trim().is_empty() {
                        problems.push(problem(&at, "the lesson has no text"));
                    }
                }
                ItemBody::Quiz(q) => problems.extend(check_quiz(q).into_iter().map(|p| prefix(&at, p))),
                ItemBody::CaseStudy(c) => problems.extend(check_case_study(c).into_iter().map(|p| prefix(&at, p))),
            }
        }
    }
    problems
}

fn prefix(at: &str, p: ContentProblem) -> ContentProblem {
    let location = if p.location.is_empty() { at.to_string() } else { format!("{at} / {}", p.location) };
    ContentProblem { location, message: p.message }
}

/// Rules of a quiz.
pub fn check_quiz(quiz: &Quiz) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    if quiz.pass_mark > 100 {
        problems.push(problem("", "pass mark must be a percentage between 0 and 100"));
    }
    if quiz.max_attempts == Some(0) {
        problems.push(problem("", "max attempts must be at least 1 (leave it out for no limit)"));
    }
    if quiz.questions.is_empty() {
        problems.push(problem("", "has no question"));
    }
    let mut keys = HashSet::new();
    for q in &quiz.questions {
        let at = format!("question \"{}\"", q.key);
        if !keys.insert(&q.key) {
            problems.push(problem(&at, "another question has the same key"));
        }
        if q.prompt.trim().is_empty() {
            problems.push(problem(&at, "has no prompt"));
        }
        let correct = q.choices.iter().filter(|c| c.correct).count();
        let mut choice_keys = HashSet::new();
        for c in &q.choices {
            if !choice_keys.insert(&c.key) {
                problems.push(problem(&at, format!("two choices have the key `{}`", c.key)));
            }
            if c.label.trim().is_empty() {
                problems.push(problem(&at, format!("choice `{}` has no label", c.key)));
            }
        }
        match q.kind {
            QuestionKind::Single if q.choices.len() < 2 || correct != 1 => {
                problems.push(problem(&at, "a single-choice question needs at least two choices and exactly one correct"));
            }
            QuestionKind::Multiple if q.choices.len() < 2 || correct < 1 => {
                problems.push(problem(&at, "a multiple-choice question needs at least two choices and at least one correct"));
            }
            QuestionKind::TrueFalse => {
                let mut ks: Vec<&str> = q.choices.iter().map(|c| c.key.as_str()).collect();
                ks.sort();
                if ks != ["false", "true"] || correct != 1 {
                    problems.push(problem(&at, "a true/false question needs exactly the choices `true` and `false`, one of them correct"));
                }
            }
            QuestionKind::ShortText => {
                if q.answers.iter().all(|a| crate::quiz::normalize_answer(a).is_empty()) {
                    problems.push(problem(&at, "a short-text question needs at least one accepted answer"));
                }
                if !q.choices.is_empty() {
                    problems.push(problem(&at, "a short-text question has no choices"));
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
/// (`nodes`, `nodes[3].choices`, `endings`); empty when it fits.
pub fn case_study_size(nodes: usize, choices_per_node: impl Iterator<Item = usize>, endings: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if nodes > MAX_CASE_NODES {
        out.push(("nodes".to_string(), format!("has {nodes} steps; a case study has at most {MAX_CASE_NODES}")));
    }
    for (i, n) in choices_per_node.enumerate() {
        if n > MAX_CASE_CHOICES {
            out.push((format!("nodes[{i}].choices"), format!("has {n} choices; a step offers at most {MAX_CASE_CHOICES}")));
        }
    }
    if endings > MAX_CASE_ENDINGS {
        out.push(("endings".to_string(), format!("has {endings} endings; a case study has at most {MAX_CASE_ENDINGS}")));
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
        return size.into_iter().map(|(field, message)| problem("", format!("{field}: {message}"))).collect();
    }
    let nodes: HashMap<&str, &CaseNode> = case.nodes.iter().map(|n| (n.key.as_str(), n)).collect();
    let endings: HashSet<&str> = case.endings.iter().map(|e| e.key.as_str()).collect();
    let mut problems = check_keys_and_endings(case);
    if !nodes.contains_key(case.start.as_str()) {
        problems.push(problem("", format!("the start `{}` is not a node", case.start)));
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
            problems.push(problem(format!("node \"{key}\""), "another node or ending has the same key"));
        }
    }
    if case.endings.is_empty() {
        problems.push(problem("", "has no ending"));
    }
    for e in &case.endings {
        if EndingBand::parse(&e.band).is_none() {
            problems.push(problem(format!("ending \"{}\"", e.key), format!("band `{}` is not one of {}", e.band, EndingBand::list())));
        }
        if e.title.trim().is_empty() {
            problems.push(problem(format!("ending \"{}\"", e.key), "has no title"));
        }
    }
    problems
}

/// A node's choices: there are some, each leads somewhere, has a label and at most 10 points.
fn check_node(node: &CaseNode, nodes: &HashMap<&str, &CaseNode>, endings: &HashSet<&str>) -> Vec<ContentProblem> {
    let mut problems = Vec::new();
    let at = format!("node \"{}\"", node.key);
    if node.choices.is_empty() {
        problems.push(problem(&at, "has no choice: a path stops here without an ending"));
    }
    for c in &node.choices {
        if !nodes.contains_key(c.next.as_str()) && !endings.contains(c.next.as_str()) {
            problems.push(problem(&at, format!("choice `{}` points to `{}`, which is neither a node nor an ending", c.key, c.next)));
        }
        if c.label.trim().is_empty() {
            problems.push(problem(&at, format!("choice `{}` has no label", c.key)));
        }
        if c.points > 10 {
            problems.push(problem(&at, format!("choice `{}` gives more than 10 points", c.key)));
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
        .map(|(what, key)| problem(format!("{what} \"{key}\""), "cannot be reached from the start"))
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
        .map(|n| problem(format!("node \"{}\"", n.key), "no path from here reaches an ending"))
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
            Seen::OnPath => problems.push(problem(
                format!("node \"{}\"", node.key),
                format!(
                    "choice `{}` leads back to `{}`, a step already taken: a case study only moves forward (repeat the situation in a new node instead)",
                    choice.key, choice.next
                ),
            )),
            Seen::Done => {}
        }
    }
    problems
}
