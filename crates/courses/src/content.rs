//! The content of a course as one document: modules, lessons, quizzes and
//! case studies, with their ids. A draft is one such document; publishing
//! copies it into an immutable version. Ids are given once, when a part is
//! created (or first imported), and kept by every later edit, import and
//! publication, so learners' progress always points at the same items.

use sanad_platform::vocabulary::{Language, Level, Theme};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
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
}

/// A branching case study: nodes with choices, and endings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseStudy {
    pub summary: String,
    /// Key of the first node.
    pub start: String,
    pub nodes: Vec<CaseNode>,
    pub endings: Vec<Ending>,
}

/// A step of a case study: a situation and what can be done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseNode {
    pub id: Uuid,
    pub key: String,
    pub markdown: String,
    pub html: String,
    pub choices: Vec<CaseChoice>,
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
                })
                .collect(),
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
        };
        CaseStudy { summary: String::new(), start: nodes[0].key.clone(), nodes, endings: vec![ending] }
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
