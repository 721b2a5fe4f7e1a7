//! Where the index of posts lives and how long its events are kept.
//!
//! The index is a tantivy directory under the instance's data directory
//! (`<data dir>/forum-index`), like the library's: derived data, with two
//! files of ours beside tantivy's, the schema version and the last index
//! event applied. At start it is opened as it was and only the events
//! written since are applied; it is filled again from the database only when
//! it is missing, unreadable, of another schema version, or when the events
//! it missed were pruned (an instance away for longer than the retention).
//! Each instance keeps its own index and follows `forum_index_events`.
//!
//! Index events older than [`INDEX_EVENT_RETENTION_DAYS`] are pruned by a
//! background clean-up that every instance may run at once (deleting the
//! same old rows twice is harmless); the newest event is always kept, so
//! that an instance back from a long absence sees the gap and rebuilds.
//! Finished fan-out jobs need no pruning: the fan-out deletes its row in the
//! transaction that writes the notifications.

use sanad_platform::{Error, Result};
use std::path::Path;
use std::time::Duration;
use tantivy::Index;
use tokio::sync::watch;

use crate::search::{Analyzers, PostIndex, schema};
use crate::service::Forum;
use crate::store;

/// Bumped when the schema or the analyzers change (the library's
/// `SCHEMA_VERSION` included): an index of another version is rebuilt.
pub const SCHEMA_VERSION: &str = "1";
const VERSION_FILE: &str = "sanad-schema-version";
const APPLIED_FILE: &str = "sanad-applied-seq";

/// How long applied index events are kept, in days.
pub const INDEX_EVENT_RETENTION_DAYS: i64 = 7;
/// How often the clean-up runs.
const UPKEEP_EVERY: Duration = Duration::from_secs(3600);

/// Opens the index in `dir`; when it is missing, unreadable or of another
/// schema version, starts an empty one there, to be rebuilt
/// ([`PostIndex::needs_rebuild`]). A directory held by another process (a
/// running server) is an error, never taken for corrupt.
pub fn open(dir: &Path, analyzers: &Analyzers) -> tantivy::Result<PostIndex> {
    let version = std::fs::read_to_string(dir.join(VERSION_FILE)).ok();
    let current = version.as_deref().map(str::trim) == Some(SCHEMA_VERSION) && dir.join(APPLIED_FILE).exists();
    if current {
        match try_open(dir, analyzers) {
            Ok(index) => return Ok(index),
            Err(e @ tantivy::TantivyError::LockFailure(..)) => return Err(e),
            Err(e) => tracing::warn!(error = %e, "forum index unreadable: rebuilding it"),
        }
    } else if dir.exists() {
        tracing::warn!(dir = %dir.display(), "forum index of another version: rebuilding it");
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let (schema, _) = schema(analyzers);
    let index = Index::create_in_dir(dir, schema)?;
    std::fs::write(dir.join(VERSION_FILE), SCHEMA_VERSION)?;
    write_applied(dir, 0)?;
    PostIndex::with_index(index, analyzers, Some(dir.to_path_buf()), 0, true)
}

fn try_open(dir: &Path, analyzers: &Analyzers) -> tantivy::Result<PostIndex> {
    let index = Index::open_in_dir(dir)?;
    let (expected, _) = schema(analyzers);
    if index.schema() != expected {
        return Err(tantivy::TantivyError::SchemaError("schema changed".into()));
    }
    let applied = std::fs::read_to_string(dir.join(APPLIED_FILE))?
        .trim()
        .parse()
        .map_err(|_| tantivy::TantivyError::SchemaError("unreadable applied event".into()))?;
    PostIndex::with_index(index, analyzers, Some(dir.to_path_buf()), applied, false)
}

/// Records the last event the index in `dir` holds.
pub(crate) fn write_applied(dir: &Path, applied: i64) -> std::io::Result<()> {
    std::fs::write(dir.join(APPLIED_FILE), applied.to_string())
}

fn sql(e: sqlx::Error) -> Error {
    Error::Internal(e.into())
}

impl Forum {
    /// The same forum with its index of posts in `dir` (the server's data
    /// directory); without this, the index is in memory and rebuilt at start.
    pub fn with_index_dir(mut self, dir: &Path, analyzers: &Analyzers) -> anyhow::Result<Self> {
        let index = open(dir, analyzers)
            .map_err(|e| anyhow::anyhow!("cannot open the forum's index in {} (is another sanad using it?): {e}", dir.display()))?;
        self.index = std::sync::Arc::new(index);
        Ok(self)
    }

    /// Whether the index must be filled from the database: new, of another
    /// schema, or behind events that were pruned before it applied them.
    pub async fn index_needs_rebuild(&self) -> Result<bool> {
        if self.index.needs_rebuild() {
            return Ok(true);
        }
        let first = store::upkeep::first_index_event(&self.db).await.map_err(sql)?;
        Ok(first.is_some_and(|first| first > self.index.applied() + 1))
    }

    /// Prunes index events older than the retention; returns how many went.
    pub async fn prune(&self) -> Result<u64> {
        let before = self.clock.now() - chrono::Duration::days(INDEX_EVENT_RETENTION_DAYS);
        store::upkeep::prune_index_events(&self.db, before).await.map_err(sql)
    }

    /// Runs the clean-up every hour until `shutdown` (every instance may).
    pub async fn run_upkeep(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            match self.prune().await {
                Ok(0) => {}
                Ok(events) => tracing::info!(events, "old forum index events pruned"),
                Err(e) => tracing::warn!(error = %e, "could not prune the forum's index events"),
            }
            tokio::select! {
                _ = tokio::time::sleep(UPKEEP_EVERY) => {}
                _ = shutdown.changed() => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::PostDoc;
    use uuid::Uuid;

    #[test]
    fn the_index_outlives_its_instance_and_a_new_version_starts_afresh() {
        let dir = tempfile_dir();
        let analyzers = Analyzers::default();
        let post = Uuid::now_v7();
        {
            let index = open(&dir, &analyzers).unwrap();
            assert!(index.needs_rebuild(), "a new index is filled first");
            let doc = PostDoc { post_id: post, category: "concepts".into(), title: "Fiche".into(), text: "motdisque".into() };
            index.put(post, Some(&doc)).unwrap();
            index.commit_rebuild(41).unwrap();
        }
        let again = open(&dir, &analyzers).unwrap();
        assert!(!again.needs_rebuild(), "opened as it was");
        assert_eq!(again.applied(), 41);
        assert_eq!(again.search("motdisque", None).unwrap().len(), 1);
        drop(again);
        std::fs::write(dir.join(VERSION_FILE), "0").unwrap();
        let fresh = open(&dir, &analyzers).unwrap();
        assert!(fresh.needs_rebuild() && fresh.search("motdisque", None).unwrap().is_empty(), "another version is rebuilt");
        drop(fresh);
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("sanad-forum-index-{}", Uuid::now_v7().simple()))
    }
}
