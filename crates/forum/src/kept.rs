//! Pages every reader shares, kept in this instance's memory: a topic's page
//! of published posts (their reactions and authors as members see them),
//! kept with the version of the topic it was built from (moved by triggers on
//! every change it shows, migration 0017): a request reads the current
//! version with the reader's own marks in one query and builds the page
//! again when it moved. Names of
//! members can change without moving a version, so a kept page is also built
//! again after [`KEPT_FOR`]; the names a category's list shows are kept for
//! as long (the list itself is read fresh, with the reader's marks, in batches:
//! `store::batched`).

use lru::LruCache;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use std::{hash::Hash, sync::Arc};
use uuid::Uuid;

use crate::model::{AuthorView, PostView};

/// How long a kept page may show a member's earlier name.
pub const KEPT_FOR: Duration = Duration::from_secs(60);

/// A topic's page as every reader without held posts there sees it.
#[derive(Debug)]
pub struct KeptTopicPage {
    pub version: i64,
    pub built: Instant,
    /// The topic's author as members see them.
    pub topic_author: AuthorView,
    /// Each published post, with its real author and Markdown: the reader's
    /// own posts show them (`mine`, `body`), nobody else's.
    pub posts: Vec<(PostView, Uuid, String)>,
    pub next_cursor: Option<String>,
    /// The numbers of the first and last post of the page (0 when empty).
    pub range: (i64, i64),
}

/// Which page of a topic: (topic, after post number, page size).
pub type TopicPageKey = (Uuid, i64, u32);

/// The kept pages of one instance, least recently read dropped first.
#[derive(Debug)]
pub struct KeptPages {
    topics: Mutex<LruCache<TopicPageKey, Arc<KeptTopicPage>>>,
    /// Members' display names, with when they were read.
    names: Mutex<LruCache<Uuid, (String, Instant)>>,
}

/// Topic pages kept (some 20 KB each: about 40 MB at most).
const TOPIC_PAGES: usize = 2_000;
/// Names kept (some 100 bytes each).
const NAMES: usize = 20_000;

impl Default for KeptPages {
    fn default() -> Self {
        Self { topics: Mutex::new(LruCache::new(nonzero(TOPIC_PAGES))), names: Mutex::new(LruCache::new(nonzero(NAMES))) }
    }
}

fn nonzero(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN)
}

/// The kept entry for `key` if it is young enough; its version is checked by the caller.
fn young<K: Hash + Eq, V>(cache: &Mutex<LruCache<K, Arc<V>>>, key: &K, built: impl Fn(&V) -> Instant) -> Option<Arc<V>> {
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache.get(key).filter(|v| built(v).elapsed() < KEPT_FOR).cloned()
}

impl KeptPages {
    /// The kept page of a topic, if any young one (of whatever version).
    pub fn topic_page(&self, key: &TopicPageKey) -> Option<Arc<KeptTopicPage>> {
        young(&self.topics, key, |p| p.built)
    }

    /// Keeps a topic's page.
    pub fn keep_topic_page(&self, key: TopicPageKey, page: Arc<KeptTopicPage>) {
        self.topics.lock().unwrap_or_else(|e| e.into_inner()).put(key, page);
    }

    /// The young kept names among `ids`, and the ids to look up.
    pub fn names(&self, ids: &[Uuid]) -> (HashMap<Uuid, String>, Vec<Uuid>) {
        let mut kept = self.names.lock().unwrap_or_else(|e| e.into_inner());
        let mut found = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        for id in ids {
            match kept.get(id).filter(|(_, read)| read.elapsed() < KEPT_FOR) {
                Some((name, _)) => {
                    found.insert(*id, name.clone());
                }
                None => missing.push(*id),
            }
        }
        (found, missing)
    }

    /// Keeps names just read.
    pub fn keep_names(&self, names: &HashMap<Uuid, String>) {
        let mut kept = self.names.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        for (id, name) in names {
            kept.put(*id, (name.clone(), now));
        }
    }
}
