//! Cohort dashboards made a moment ago, kept per instance so that a trainer's
//! screen, reloaded or opened by several people at once, is made once.
//!
//! What is kept is the whole dashboard of a cohort in one language (members
//! unfiltered); who may read it is checked on every request before it is
//! looked up, so a kept dashboard is only ever handed to its cohort's trainer
//! or an admin. It is made again when it is [`DASHBOARD_TTL`] old, and dropped
//! on this instance as soon as:
//! - one of its members' learning events is recorded (after the commit for a
//!   lesson marked read or an item opened; just before it for a quiz attempt or
//!   a case-study ending, whose transaction belongs to courses, so a dashboard
//!   made in that instant lives its TTL);
//! - members are added to its cohort or reminded, or an invitation is claimed.
//!
//! A change made through another instance (or a renamed member, a course
//! republished) shows within [`DASHBOARD_TTL`].

use lru::LruCache;
use sanad_platform::Result;
use std::collections::HashSet;
use std::future::Future;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;
use uuid::Uuid;

use super::model::CohortProgress;
use super::store::CohortRow;

/// How long a dashboard is served as it was made.
pub const DASHBOARD_TTL: Duration = Duration::from_secs(2);

/// How many dashboards (cohort and language) are kept.
const KEPT: usize = 32;

/// A dashboard as made, with who is in it.
pub(crate) struct Made {
    pub dashboard: CohortProgress,
    members: HashSet<Uuid>,
}

/// One kept dashboard: made (or being made, once for all who wait) at `at`.
struct Entry {
    at: Instant,
    course: Uuid,
    made: Arc<OnceCell<Arc<Made>>>,
}

/// The dashboards kept on this instance. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Dashboards {
    entries: Arc<Mutex<LruCache<(Uuid, String), Entry>>>,
}

impl Default for Dashboards {
    fn default() -> Self {
        Self { entries: Arc::new(Mutex::new(LruCache::new(NonZeroUsize::new(KEPT).expect("non-zero")))) }
    }
}

impl Dashboards {
    fn entries(&self) -> std::sync::MutexGuard<'_, LruCache<(Uuid, String), Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The dashboard of `cohort` in `lang`, made by `make` unless one made
    /// less than [`DASHBOARD_TTL`] ago is kept; callers arriving while it is
    /// being made wait for that one.
    pub(crate) async fn get_or_make<F, Fut>(&self, cohort: &CohortRow, lang: &str, make: F) -> Result<Arc<Made>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CohortProgress>>,
    {
        let cell = {
            let mut entries = self.entries();
            let key = (cohort.id, lang.to_string());
            match entries.get(&key) {
                Some(entry) if entry.at.elapsed() < DASHBOARD_TTL => entry.made.clone(),
                _ => {
                    // The time is taken before the database is read: what is
                    // served is never older than the TTL.
                    let made = Arc::new(OnceCell::new());
                    entries.put(key, Entry { at: Instant::now(), course: cohort.course_id, made: made.clone() });
                    made
                }
            }
        };
        let made = cell
            .get_or_try_init(|| async {
                let dashboard = make().await?;
                let members = dashboard.members.iter().map(|m| m.user_id).collect();
                Ok::<_, sanad_platform::Error>(Arc::new(Made { dashboard, members }))
            })
            .await?;
        Ok(made.clone())
    }

    /// Drops the dashboards of `course` that show `user`, and those being
    /// made (they may have read before the change).
    pub(crate) fn forget_member(&self, user: Uuid, course: Uuid) {
        let mut entries = self.entries();
        let stale: Vec<(Uuid, String)> = entries
            .iter()
            .filter(|(_, e)| e.course == course && e.made.get().is_none_or(|m| m.members.contains(&user)))
            .map(|(k, _)| k.clone())
            .collect();
        for key in stale {
            entries.pop(&key);
        }
    }

    /// Drops every dashboard of `cohort`.
    pub(crate) fn forget_cohort(&self, cohort: Uuid) {
        let mut entries = self.entries();
        let stale: Vec<(Uuid, String)> = entries.iter().filter(|(k, _)| k.0 == cohort).map(|(k, _)| k.clone()).collect();
        for key in stale {
            entries.pop(&key);
        }
    }

    /// Drops every dashboard.
    pub(crate) fn forget_all(&self) {
        self.entries().clear();
    }
}
