//! Pages every reader shares, kept in this instance's memory: a topic's page
//! of published posts (their reactions and authors as members see them),
//! each post written as JSON once, up to the reader's own fields, which each
//! answer splices in ([`KeptTopicPage::write_for`]). A page is kept with the
//! version of the topic it was built from (moved by triggers on every change
//! it shows, migration 0017): a request reads the current version with the
//! reader's own marks in one query and builds the page again when it moved.
//! Names of members can change without moving a version, so a kept page is
//! also built again after [`KEPT_FOR`]; the names a category's list shows are
//! kept for as long (the list itself is read fresh, with the reader's marks,
//! in batches: `store::batched`).

use lru::LruCache;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use std::{hash::Hash, sync::Arc};
use uuid::Uuid;

use crate::model::{AuthorView, PostView, ReactionKind, TopicView};

/// How long a kept page may show a member's earlier name.
pub const KEPT_FOR: Duration = Duration::from_secs(60);

/// A topic's page as every reader without held posts there sees it.
#[derive(Debug)]
pub struct KeptTopicPage {
    pub version: i64,
    pub built: Instant,
    /// The topic's author as members see them.
    pub topic_author: AuthorView,
    /// Each published post, written once for every reader.
    pub posts: Vec<KeptPost>,
    pub next_cursor: Option<String>,
    /// The numbers of the first and last post of the page (0 when empty).
    pub range: (i64, i64),
}

impl KeptTopicPage {
    /// The page as `reader` gets it, as JSON: what [`crate::model::TopicWithPosts`]
    /// writes with `topic`, this page's posts and the reader's own fields
    /// (`mine`, `body` of their own posts, `my_reactions`).
    pub fn write_for(
        &self,
        topic: &TopicView,
        reader: Uuid,
        my_reactions: &HashMap<Uuid, Vec<ReactionKind>>,
    ) -> serde_json::Result<Vec<u8>> {
        let posts_len: usize = self.posts.iter().map(|p| p.json_open.len() + 64).sum();
        let mut out = Vec::with_capacity(posts_len + 1024);
        out.extend_from_slice(br#"{"topic":"#);
        serde_json::to_writer(&mut out, topic)?;
        out.extend_from_slice(br#","posts":["#);
        for (i, post) in self.posts.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            post.write_for(reader, my_reactions.get(&post.id).map_or(&[], Vec::as_slice), &mut out)?;
        }
        out.extend_from_slice(br#"],"next_cursor":"#);
        serde_json::to_writer(&mut out, &self.next_cursor)?;
        out.push(b'}');
        Ok(out)
    }
}

/// A published post as every reader sees it, written as JSON once: a page
/// read by thousands of members is not cloned and escaped again for each.
pub struct KeptPost {
    /// The post's id, to lay the reader's reactions on it.
    pub id: Uuid,
    /// Its number in the topic, as the reader's reactions name it.
    pub seq: i64,
    /// Its real author: their own post shows them `mine` and `body`.
    author_id: Uuid,
    /// Its Markdown as written, for its author to edit from.
    body: String,
    /// The post as [`PostView`] writes it, up to the reader's own fields.
    json_open: Box<[u8]>,
}

/// Names the post only: its author and text stay out of any log.
impl std::fmt::Debug for KeptPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptPost").field("id", &self.id).field("seq", &self.seq).finish_non_exhaustive()
    }
}

/// How [`PostView`] ends for a reader with no fields of their own: it writes
/// those fields last (`crate::model`), so the rest is the same for everyone.
const NOTHING_OF_THE_READER: &[u8] = br#","my_reactions":[],"mine":false,"body":null}"#;

impl KeptPost {
    /// Keeps `view` (a published post, without any reader's own fields),
    /// written by `author_id` in Markdown `body`.
    pub fn new(view: &PostView, author_id: Uuid, body: String) -> serde_json::Result<Self> {
        let json = serde_json::to_vec(view)?;
        let open = json
            .strip_suffix(NOTHING_OF_THE_READER)
            .ok_or_else(|| serde::ser::Error::custom("a kept post must not carry a reader's own fields"))?;
        Ok(Self { id: view.id, seq: view.seq, author_id, body, json_open: open.into() })
    }

    /// Writes the post as `reader` sees it, with their reactions on it.
    fn write_for(&self, reader: Uuid, my_reactions: &[ReactionKind], out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(&self.json_open);
        out.extend_from_slice(br#","my_reactions":"#);
        serde_json::to_writer(&mut *out, my_reactions)?;
        if self.author_id == reader {
            out.extend_from_slice(br#","mine":true,"body":"#);
            serde_json::to_writer(&mut *out, &self.body)?;
            out.push(b'}');
        } else {
            out.extend_from_slice(br#","mine":false,"body":null}"#);
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PostStatus, SubscriptionLevel, TopicWithPosts};
    use chrono::{DateTime, Utc};
    use poem_openapi::types::ToJSON;
    use std::collections::BTreeMap;

    fn post(seq: i64, author: AuthorView, edited: bool) -> PostView {
        let at = "2026-12-02T10:01:02.345678Z".parse::<DateTime<Utc>>().unwrap();
        PostView {
            id: Uuid::now_v7(),
            seq,
            author,
            body_html: "<p>Un \"texte\" avec \\ et 😀 et عربي\n</p>".into(),
            reply_to: edited.then(Uuid::now_v7),
            status: PostStatus::Published,
            created_at: at,
            edited_at: edited.then_some(at),
            reactions: BTreeMap::from([("helpful".into(), 2)]),
            reasons: vec![],
            my_reactions: vec![],
            mine: false,
            body: None,
        }
    }

    /// A kept page spliced for a reader writes, byte for byte, what serde
    /// writes of the same page built for that reader alone (and serde what
    /// poem-openapi would: `crate::model`'s test): for the author of some of
    /// its posts, another author, a reader of none, and an empty page.
    #[test]
    fn a_kept_page_written_for_a_reader_is_the_page_built_for_them() {
        let (reader, other, nobody) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let named = AuthorView { id: Some(reader), display_name: Some("Amal « Berrada »".into()), pseudonym: None };
        let anonymous = AuthorView { id: None, display_name: None, pseudonym: Some("Membre 7".into()) };
        let views = [post(9001, named.clone(), true), post(9002, anonymous.clone(), false), post(9004, anonymous.clone(), true)];
        let written_by = [reader, other, reader];
        let markdown = |seq: i64| format!("Le **texte** \"{seq}\" \\ \n> cité\tعربي 😀 </script>");
        let at = views[0].created_at;
        let topic = TopicView {
            id: Uuid::now_v7(),
            category: "bien-etre".into(),
            title: "Épuisement « professionnel »".into(),
            author: anonymous,
            status: PostStatus::Published,
            reply_count: 9999,
            created_at: at,
            last_activity_at: at,
            answer_post_id: Some(views[1].id),
            mine: false,
            subscription: SubscriptionLevel::Watching,
            last_read_seq: 12,
            last_published_seq: 15,
        };
        let my_reactions = HashMap::from([(views[1].id, vec![ReactionKind::Thanks, ReactionKind::Support])]);
        for (posts, next_cursor) in [(3, Some("OTAwNA".to_string())), (3, None), (0, None)] {
            let page = KeptTopicPage {
                version: 3,
                built: Instant::now(),
                topic_author: topic.author.clone(),
                posts: views.iter().zip(written_by).take(posts).map(|(v, by)| KeptPost::new(v, by, markdown(v.seq)).unwrap()).collect(),
                next_cursor: next_cursor.clone(),
                range: (9001, 9004),
            };
            for who in [reader, other, nobody] {
                let written = page.write_for(&topic, who, &my_reactions).unwrap();
                let built = TopicWithPosts {
                    topic: topic.clone(),
                    posts: views
                        .iter()
                        .zip(written_by)
                        .take(posts)
                        .map(|(v, by)| PostView {
                            mine: by == who,
                            body: (by == who).then(|| markdown(v.seq)),
                            my_reactions: my_reactions.get(&v.id).cloned().unwrap_or_default(),
                            ..v.clone()
                        })
                        .collect(),
                    next_cursor: next_cursor.clone(),
                };
                assert_eq!(String::from_utf8(written.clone()).unwrap(), serde_json::to_string(&built).unwrap());
                let written: serde_json::Value = serde_json::from_slice(&written).unwrap();
                assert_eq!(written, built.to_json().unwrap());
                let own: Vec<bool> = (0..posts).map(|i| written["posts"][i]["mine"] == true).collect();
                assert_eq!(own, written_by.iter().take(posts).map(|by| *by == who).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn a_post_with_a_readers_own_fields_is_not_kept() {
        let author = AuthorView { id: None, display_name: None, pseudonym: Some("Membre 1".into()) };
        let own = PostView { mine: true, ..post(1, author, false) };
        assert!(KeptPost::new(&own, Uuid::now_v7(), String::new()).is_err());
    }
}
