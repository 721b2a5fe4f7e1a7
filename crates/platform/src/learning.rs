//! What courses and progress tell each other without depending on each other.
//!
//! The courses crate knows what a course holds and implements
//! [`CourseOutlines`]; the progress crate knows what each learner has done and
//! implements [`LearningRecord`], which courses calls inside its own
//! transactions (a quiz attempt and the progress it makes commit together).
//! The server wires the two.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::Arc;
use uuid::Uuid;

use crate::db::Tx;
use crate::error::Result;

/// A title in the platform's languages; French is always present.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Titles {
    pub fr: String,
    pub ar: Option<String>,
    pub en: Option<String>,
}

impl Titles {
    /// The title in `lang` when there is one, else French.
    pub fn pick(&self, lang: &str) -> &str {
        let other = match lang {
            "ar" => self.ar.as_deref(),
            "en" => self.en.as_deref(),
            _ => None,
        };
        other.filter(|t| !t.is_empty()).unwrap_or(&self.fr)
    }
}

/// What kind of thing a learner finishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// Finished when the learner marks it read.
    Lesson,
    /// Finished when an attempt passes.
    Quiz,
    /// Finished when a run reaches an ending.
    CaseStudy,
}

impl ItemKind {
    /// `lesson`, `quiz` or `case_study`, as the API names kinds of items.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Lesson => "lesson",
            ItemKind::Quiz => "quiz",
            ItemKind::CaseStudy => "case_study",
        }
    }
}

/// One item of a published version, as progress sees it.
#[derive(Clone, Debug)]
pub struct OutlineItem {
    pub id: Uuid,
    pub kind: ItemKind,
    pub title: Titles,
}

/// A module: its items in order, and the modules to finish before it opens.
#[derive(Clone, Debug)]
pub struct OutlineModule {
    pub id: Uuid,
    pub title: Titles,
    /// Ids of earlier modules whose every item must be finished first.
    pub requires: Vec<Uuid>,
    pub items: Vec<OutlineItem>,
}

/// The shape of a course's current published version.
#[derive(Clone, Debug)]
pub struct CourseOutline {
    pub course_id: Uuid,
    pub slug: String,
    pub version: i64,
    pub title: Titles,
    /// The time the course asks for, as its authors estimated it.
    pub estimated_minutes: u32,
    pub modules: Vec<OutlineModule>,
}

/// A module a learner cannot open yet, and the first module that holds it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedModule {
    pub module: Uuid,
    pub waits_for: Uuid,
}

impl CourseOutline {
    /// Every item, in reading order.
    pub fn items(&self) -> impl Iterator<Item = &OutlineItem> {
        self.modules.iter().flat_map(|m| m.items.iter())
    }

    /// The module holding `item`.
    pub fn module_of(&self, item: Uuid) -> Option<&OutlineModule> {
        self.modules.iter().find(|m| m.items.iter().any(|i| i.id == item))
    }

    /// A module by id.
    pub fn module(&self, id: Uuid) -> Option<&OutlineModule> {
        self.modules.iter().find(|m| m.id == id)
    }

    /// Whether every item of `module` is in `done`.
    pub fn module_done(&self, module: &OutlineModule, done: &HashSet<Uuid>) -> bool {
        module.items.iter().all(|i| done.contains(&i.id))
    }

    /// The modules whose prerequisites are not finished, given the items `done`.
    pub fn locked_modules(&self, done: &HashSet<Uuid>) -> Vec<LockedModule> {
        self.modules
            .iter()
            .filter_map(|m| {
                let waits_for = m.requires.iter().find(|r| self.module(**r).is_some_and(|req| !self.module_done(req, done)))?;
                Some(LockedModule { module: m.id, waits_for: *waits_for })
            })
            .collect()
    }

    /// The first item not yet done in a module that is open; `None` when all are done.
    pub fn resume_item(&self, done: &HashSet<Uuid>) -> Option<Uuid> {
        let locked: HashSet<Uuid> = self.locked_modules(done).into_iter().map(|l| l.module).collect();
        self.modules.iter().filter(|m| !locked.contains(&m.id)).flat_map(|m| m.items.iter()).find(|i| !done.contains(&i.id)).map(|i| i.id)
    }

    /// The kind of item `id`.
    pub fn kind_of(&self, id: Uuid) -> Option<ItemKind> {
        self.items().find(|i| i.id == id).map(|i| i.kind)
    }

    /// How many of this version's items are in `done`.
    pub fn done_count(&self, done: &HashSet<Uuid>) -> usize {
        self.items().filter(|i| done.contains(&i.id)).count()
    }

    /// Whether every item of this version is in `done` (a course with no items is never complete).
    pub fn complete(&self, done: &HashSet<Uuid>) -> bool {
        let total = self.items().count();
        total > 0 && self.done_count(done) == total
    }
}

/// Reads the current published outline of a course. An outline is made once
/// per published version and shared: reading one costs no more than a look-up.
#[async_trait]
pub trait CourseOutlines: Send + Sync {
    /// The outline of the published course with this slug.
    async fn outline_by_slug(&self, slug: &str) -> Result<Option<Arc<CourseOutline>>>;
    /// The outline of the published course with this id.
    async fn outline_by_id(&self, course: Uuid) -> Result<Option<Arc<CourseOutline>>>;
    /// The outlines of the published courses among `courses` (others are left
    /// out), in no particular order: one look-up for a learner's courses.
    async fn outlines_by_id(&self, courses: &[Uuid]) -> Result<Vec<Arc<CourseOutline>>>;
    /// The outline of the published course holding this item.
    async fn outline_of_item(&self, item: Uuid) -> Result<Option<Arc<CourseOutline>>>;
}

/// One question's outcome in a quiz attempt.
#[derive(Clone, Copy, Debug)]
pub struct QuestionOutcome {
    pub question: Uuid,
    pub correct: bool,
}

/// What a learner did to an item.
#[derive(Clone, Debug)]
pub enum Activity {
    /// Opened a lesson, quiz or case study (enrols, nothing finished).
    Opened,
    /// Marked a lesson read.
    LessonRead,
    /// Submitted a quiz attempt.
    QuizAttempted { score: u32, max_score: u32, passed: bool, questions: Vec<QuestionOutcome> },
    /// Started a case-study run.
    RunStarted,
    /// Reached an ending of a case study.
    RunEnded { score: u32, max_score: u32 },
}

/// One learning event, as courses reports it.
#[derive(Clone, Debug)]
pub struct LearningEvent {
    pub user: Uuid,
    pub item: Uuid,
    pub activity: Activity,
    pub at: DateTime<Utc>,
}

/// How far ahead of the server's clock a device's may be.
pub const CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// How late something done offline (a lesson read, a quiz answered, a step of
/// a case study) may reach the server from a device's outbox.
pub const LATE_AT_MOST: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// What a device sent with something done offline and sent later from its
/// outbox: the key it chose (the same at every sending), and when it was done
/// (now for what is sent at once).
#[derive(Clone, Copy, Debug)]
pub struct Sent {
    pub key: Option<Uuid>,
    pub at: DateTime<Utc>,
}

impl Sent {
    /// Checks what came with a request, `key` in its field `key_field` and
    /// the time in `at_field`: a time needs its key (else the same late event
    /// sent twice would count twice). The time is refused with 422
    /// `out_of_range` when it is more than [`CLOCK_SKEW`] ahead of `now` or
    /// more than [`LATE_AT_MOST`] ago (the device should drop it then); a
    /// device a little ahead has its time taken as now.
    pub fn of(key: Option<Uuid>, key_field: &str, at: Option<DateTime<Utc>>, at_field: &str, now: DateTime<Utc>) -> Result<Self> {
        let invalid = |field: &str, code, message: String| Err(crate::error::Error::invalid(field, code, &message));
        use crate::error::FieldCode::{OutOfRange, Required};
        let at = match at {
            Some(_) if key.is_none() => return invalid(key_field, Required, format!("a late {at_field} needs its {key_field}")),
            None => now,
            Some(at) if at > now + CLOCK_SKEW => return invalid(at_field, OutOfRange, format!("{at_field} is in the future")),
            Some(at) if at < now - LATE_AT_MOST => return invalid(at_field, OutOfRange, format!("{at_field} is more than 30 days ago")),
            Some(at) => at.min(now),
        };
        Ok(Sent { key, at })
    }
}

/// Where learning events are written (implemented by progress).
#[async_trait]
pub trait LearningRecord: Send + Sync {
    /// Refuses an item of a module whose prerequisites `user` has not finished,
    /// with a problem that names the module to finish first.
    async fn check_open(&self, user: Uuid, outline: &CourseOutline, item: Uuid, lang: &str) -> Result<()>;
    /// Notes that `user` opened `item`: enrols them in its course. Cheap when
    /// they opened something of that course recently (nothing is written then).
    async fn opened(&self, user: Uuid, outline: &CourseOutline, item: Uuid) -> Result<()>;
    /// Writes `event` in `tx` with the state it changes: enrolment, item and
    /// course completion, the attestation.
    async fn record(&self, tx: &mut Tx, outline: &CourseOutline, event: &LearningEvent) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline() -> (CourseOutline, [Uuid; 4]) {
        let ids = [Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3), Uuid::from_u128(4)];
        let m1 = OutlineModule {
            id: Uuid::from_u128(10),
            title: Titles { fr: "Un".into(), ..Titles::default() },
            requires: vec![],
            items: vec![
                OutlineItem { id: ids[0], kind: ItemKind::Lesson, title: Titles::default() },
                OutlineItem { id: ids[1], kind: ItemKind::Quiz, title: Titles::default() },
            ],
        };
        let m2 = OutlineModule {
            id: Uuid::from_u128(20),
            title: Titles { fr: "Deux".into(), ..Titles::default() },
            requires: vec![m1.id],
            items: vec![
                OutlineItem { id: ids[2], kind: ItemKind::Lesson, title: Titles::default() },
                OutlineItem { id: ids[3], kind: ItemKind::CaseStudy, title: Titles::default() },
            ],
        };
        let outline = CourseOutline {
            course_id: Uuid::from_u128(99),
            slug: "c".into(),
            version: 1,
            title: Titles::default(),
            estimated_minutes: 60,
            modules: vec![m1, m2],
        };
        (outline, ids)
    }

    #[test]
    fn prerequisites_lock_until_every_item_is_done() {
        let (o, ids) = outline();
        let mut done = HashSet::new();
        assert_eq!(o.locked_modules(&done), vec![LockedModule { module: Uuid::from_u128(20), waits_for: Uuid::from_u128(10) }]);
        assert_eq!(o.resume_item(&done), Some(ids[0]));
        done.insert(ids[0]);
        assert_eq!(o.resume_item(&done), Some(ids[1]));
        done.insert(ids[1]);
        assert!(o.locked_modules(&done).is_empty());
        assert_eq!(o.resume_item(&done), Some(ids[2]));
        done.extend([ids[2], ids[3]]);
        assert_eq!(o.resume_item(&done), None);
        assert!(o.complete(&done));
    }

    #[test]
    fn resume_skips_a_locked_module_and_items_done_out_of_order() {
        let (o, ids) = outline();
        // The second module's lesson was done under an earlier version without prerequisites.
        let done: HashSet<Uuid> = [ids[2]].into_iter().collect();
        assert_eq!(o.resume_item(&done), Some(ids[0]));
        assert_eq!(o.done_count(&done), 1);
        assert!(!o.complete(&done));
    }
}
