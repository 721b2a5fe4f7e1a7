//! Pages every reader shares, kept in this instance's memory: a topic's page
//! of published posts (their reactions and authors as members see them) and
//! a category's list of topics. Each is kept with the version of the topic or
//! category it was built from (moved by triggers on every change it shows,
//! migration 0017): a request reads the current version with the reader's
//! own marks in one query and builds the page again when it moved. Names of
//! members can change without moving a version, so a kept page is also built
//! again after [`KEPT_FOR`].

use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use std::{hash::Hash, sync::Arc};
use uuid::Uuid;

use crate::model::{AuthorView, PostView, TopicSummary};

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

/// A page of a category's topic list; `unread` is each reader's own.
#[derive(Debug)]
pub struct KeptTopicList {
    pub version: i64,
    pub built: Instant,
    /// Each topic with its last post number, for the reader's unread mark.
    pub topics: Vec<(TopicSummary, i64)>,
    pub next_cursor: Option<String>,
}

/// Which page of a topic: (topic, after post number, page size).
pub type TopicPageKey = (Uuid, i64, u32);
/// Which page of a category: (category, cursor, page size).
pub type TopicListKey = (String, Option<String>, u32);

/// The kept pages of one instance, least recently read dropped first.
#[derive(Debug)]
pub struct KeptPages {
    topics: Mutex<LruCache<TopicPageKey, Arc<KeptTopicPage>>>,
    lists: Mutex<LruCache<TopicListKey, Arc<KeptTopicList>>>,
}

/// Topic pages kept (some 20 KB each: about 40 MB at most).
const TOPIC_PAGES: usize = 2_000;
/// Category list pages kept.
const LIST_PAGES: usize = 500;

impl Default for KeptPages {
    fn default() -> Self {
        Self { topics: Mutex::new(LruCache::new(nonzero(TOPIC_PAGES))), lists: Mutex::new(LruCache::new(nonzero(LIST_PAGES))) }
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

    /// The kept page of a category's list, if any young one (of whatever version).
    pub fn topic_list(&self, key: &TopicListKey) -> Option<Arc<KeptTopicList>> {
        young(&self.lists, key, |p| p.built)
    }

    /// Keeps a page of a category's list.
    pub fn keep_topic_list(&self, key: TopicListKey, page: Arc<KeptTopicList>) {
        self.lists.lock().unwrap_or_else(|e| e.into_inner()).put(key, page);
    }
}
