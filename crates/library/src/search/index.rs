//! The library's tantivy index under `<data dir>/index`: derived data, rebuilt
//! from the database whenever it is missing, corrupt, or of an older schema.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::analyzers::{self, ARABIC, ENGLISH, FRENCH, RAW};
use super::collector::{FacetKey, Filters, Found, LibraryCollector, SortKey};
use super::thesaurus::Thesaurus;

/// Bumped when the schema or the analyzers change: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "7";

/// What a document of the index is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DocKind {
    /// A library resource.
    #[default]
    Resource = 1,
    /// A lesson of a published course.
    Lesson = 2,
}
const VERSION_FILE: &str = "sanad-schema-version";
const APPLIED_FILE: &str = "sanad-applied-seq";

/// The languages with their own fields and analyzers.
pub const LANGS: [(&str, &str); 3] = [("fr", FRENCH), ("ar", ARABIC), ("en", ENGLISH)];

/// Field handles.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    /// The course a lesson belongs to (a course's lessons are replaced together).
    pub group: Field,
    pub title: [Field; 3],
    pub body: [Field; 3],
    /// Titles and texts of every language as typed (folded, not stemmed), for typos.
    pub title_raw: Field,
    pub body_raw: Field,
    /// Every filter's value of a document in one fast field ([`super::collector::FacetKey`]).
    pub facets: Field,
    pub created: Field,
    pub summary: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, stored: bool| {
        let idx = TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let o = TextOptions::default().set_indexing_options(idx);
        if stored { o.set_stored() } else { o }
    };
    let id = b.add_text_field("id", STRING | STORED);
    let title = LANGS.map(|(l, t)| b.add_text_field(&format!("title_{l}"), text(t, false)));
    let body = LANGS.map(|(l, t)| b.add_text_field(&format!("body_{l}"), text(t, true)));
    let title_raw = b.add_text_field("title_raw", text(RAW, false));
    let body_raw = b.add_text_field("body_raw", text(RAW, false));
    let group = b.add_text_field("group", STRING);
    let fast = NumericOptions::default().set_fast();
    // One column read per matching document instead of six (two of them
    // multi-valued): the collector's facet counts were a third of a search.
    let facets = b.add_u64_field("facets", fast.clone());
    let created = b.add_u64_field("created", fast);
    let summary = b.add_text_field("summary", STORED);
    (b.build(), Fields { id, group, title, body, title_raw, body_raw, facets, created, summary })
}

/// Registers the French, Arabic, English and raw analyzers on `index`
/// under their names ([`LANGS`], `sanad_raw`): the library's own index, and
/// any other crate's (the forum's posts) that must analyse text alike.
pub fn register_analyzers(index: &Index) {
    let m = index.tokenizers();
    m.register(FRENCH, analyzers::french());
    m.register(ARABIC, analyzers::arabic());
    m.register(ENGLISH, analyzers::english());
    m.register(RAW, analyzers::raw());
}

/// A document to index.
#[derive(Clone, Debug, Default)]
pub struct IndexDoc {
    pub id: String,
    pub kind: DocKind,
    /// For a lesson, its course's id.
    pub group: String,
    /// The resource's language: its title and text go in that language's fields.
    pub language: String,
    pub title: String,
    /// Description, tags, and the text of its files.
    pub body: String,
    pub type_code: u64,
    pub lang_code: u64,
    pub territory_code: u64,
    pub audience_codes: Vec<u64>,
    pub theme_codes: Vec<u64>,
    /// Creation time in microseconds (newest first when nothing else ranks).
    pub created: u64,
    /// What a hit shows, as JSON.
    pub summary: String,
}

/// A page of results with their stored summaries and snippets.
#[derive(Debug, Default)]
pub struct SearchResult {
    pub hits: Vec<(SortKey, String, String)>,
    pub found: Found,
}

/// The open index.
pub struct LibraryIndex {
    /// Where the index lives; `None` for an index in memory (documents, tests).
    dir: Option<PathBuf>,
    applied: std::sync::atomic::AtomicI64,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    thesaurus: Thesaurus,
}

impl std::fmt::Debug for LibraryIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LibraryIndex({:?})", self.dir)
    }
}

impl LibraryIndex {
    /// Opens the index in `dir`; when it is missing, unreadable or of another
    /// schema, starts an empty one. The flag says whether it must be rebuilt.
    pub fn open(dir: &Path, writer_heap: usize, threads: usize) -> tantivy::Result<(Self, bool)> {
        let current = std::fs::read_to_string(dir.join(VERSION_FILE)).ok();
        let fresh_needed = current.as_deref().map(str::trim) != Some(SCHEMA_VERSION) || !dir.join(APPLIED_FILE).exists();
        let attempt = if fresh_needed {
            None
        } else {
            match Self::try_open(dir, writer_heap, threads) {
                Ok(index) => Some(index),
                // Another process (a running server) holds the index: never take it for corrupt.
                Err(e @ tantivy::TantivyError::LockFailure(..)) => return Err(e),
                Err(e) => {
                    tracing::warn!(error = %e, "search index unreadable");
                    None
                }
            }
        };
        match attempt {
            Some(index) => Ok((index, false)),
            None => {
                if dir.exists() {
                    tracing::warn!(dir = %dir.display(), "search index missing, corrupt or outdated: rebuilding it");
                    let _ = std::fs::remove_dir_all(dir);
                }
                std::fs::create_dir_all(dir)?;
                let (schema, _) = schema();
                Index::create_in_dir(dir, schema)?;
                std::fs::write(dir.join(VERSION_FILE), SCHEMA_VERSION)?;
                Ok((Self::try_open(dir, writer_heap, threads)?, true))
            }
        }
    }

    fn try_open(dir: &Path, writer_heap: usize, threads: usize) -> tantivy::Result<Self> {
        let index = Index::open_in_dir(dir)?;
        let (expected, _) = schema();
        if index.schema() != expected {
            return Err(tantivy::TantivyError::SchemaError("schema changed".into()));
        }
        let applied = std::fs::read_to_string(dir.join(APPLIED_FILE)).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
        Self::with_index(index, Some(dir.to_path_buf()), applied, writer_heap, threads)
    }

    /// An empty index in memory (for printing the API document, and for tests).
    pub fn in_ram() -> tantivy::Result<Self> {
        let (schema, _) = schema();
        Self::with_index(Index::create_in_ram(schema), None, 0, 15_000_000, 1)
    }

    fn with_index(index: Index, dir: Option<PathBuf>, applied: i64, writer_heap: usize, threads: usize) -> tantivy::Result<Self> {
        let (_, fields) = schema();
        register_analyzers(&index);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer_with_num_threads(threads.max(1), writer_heap)?;
        let thesaurus = super::thesaurus::shared().clone();
        Ok(Self { dir, applied: std::sync::atomic::AtomicI64::new(applied), reader, writer: Mutex::new(writer), fields, thesaurus })
    }

    /// The last index event applied (0 when none).
    pub fn applied_seq(&self) -> i64 {
        self.applied.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn document(&self, d: &IndexDoc) -> TantivyDocument {
        let f = &self.fields;
        let lang = LANGS.iter().position(|(l, _)| *l == d.language).unwrap_or(0);
        let mut doc = TantivyDocument::new();
        doc.add_text(f.id, &d.id);
        if !d.group.is_empty() {
            doc.add_text(f.group, &d.group);
        }
        doc.add_text(f.title[lang], &d.title);
        doc.add_text(f.body[lang], &d.body);
        doc.add_text(f.title_raw, &d.title);
        doc.add_text(f.body_raw, &d.body);
        let key = FacetKey {
            doc_kind: d.kind as u64,
            kind: d.type_code,
            language: d.lang_code,
            territory: d.territory_code,
            audiences: FacetKey::mask(&d.audience_codes),
            themes: FacetKey::mask(&d.theme_codes),
        };
        doc.add_u64(f.facets, key.pack());
        doc.add_u64(f.created, d.created);
        doc.add_text(f.summary, &d.summary);
        doc
    }

    /// Replaces (or removes, when `doc` is `None`) a resource's document; seen after [`commit`](Self::commit).
    pub fn put(&self, id: &str, doc: Option<&IndexDoc>) -> tantivy::Result<()> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.delete_term(Term::from_field_text(self.fields.id, id));
        if let Some(d) = doc {
            writer.add_document(self.document(d))?;
        }
        Ok(())
    }

    /// Replaces every document of `group` (a course's lessons) by `docs`; seen after [`commit`](Self::commit).
    pub fn put_group(&self, group: &str, docs: &[IndexDoc]) -> tantivy::Result<()> {
        let writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        writer.delete_term(Term::from_field_text(self.fields.group, group));
        for d in docs {
            writer.add_document(self.document(d))?;
        }
        Ok(())
    }

    /// The groups (courses) with documents in the index.
    pub fn groups(&self) -> tantivy::Result<Vec<String>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.group)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                if let Ok(t) = std::str::from_utf8(terms.key()) {
                    out.push(t.to_string());
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Removes every document (before a rebuild).
    pub fn clear(&self) -> tantivy::Result<()> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner()).delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes durable and visible, and records the last event applied.
    pub fn commit(&self, applied_seq: i64) -> tantivy::Result<()> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner()).commit()?;
        // Written after the commit: a crash in between only re-applies events, which is harmless.
        if let Some(dir) = &self.dir {
            std::fs::write(dir.join(APPLIED_FILE), applied_seq.to_string())?;
        }
        self.applied.store(applied_seq, std::sync::atomic::Ordering::SeqCst);
        self.reader.reload()?;
        Ok(())
    }

    /// Number of documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The size of the index files on disk, in bytes.
    pub fn disk_size(&self) -> u64 {
        let Some(dir) = &self.dir else { return 0 };
        std::fs::read_dir(dir).map(|entries| entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum()).unwrap_or(0)
    }

    /// Runs a search: results after `cursor`, with snippets when `text` is not
    /// empty (cut from the start of each text: see [`super::snippet`]).
    pub fn search(&self, text: &str, filters: Filters, limit: usize, cursor: Option<SortKey>) -> tantivy::Result<SearchResult> {
        let searcher = self.reader.searcher();
        let built = super::query::build(text, &self.fields, &searcher, &self.thesaurus);
        let near = built
            .proximity
            .iter()
            .map(|(q, bonus, eager)| Ok((q.weight(EnableScoring::disabled_from_searcher(&searcher))?, *bonus, *eager)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let collector = LibraryCollector { filters, limit, cursor, near };
        let found = searcher.search(&*built.query, &collector)?;
        let mut hits = Vec::with_capacity(found.hits.len());
        for (key, address) in &found.hits {
            let doc: TantivyDocument = searcher.doc(*address)?;
            let summary = doc.get_first(self.fields.summary).and_then(|v| v.as_str()).unwrap_or("{}").to_string();
            let mut snippet = String::new();
            if !text.trim().is_empty() {
                for (l, field) in self.fields.body.iter().enumerate() {
                    let Some(body) = doc.get_first(*field).and_then(|v| v.as_str()) else { continue };
                    if let Some(s) = super::snippet::snippet_with_ellipses(l, body, &built.highlights[l]) {
                        snippet = s;
                        break;
                    }
                }
            }
            hits.push((*key, summary, snippet));
        }
        Ok(SearchResult { hits, found })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, title: &str) -> IndexDoc {
        IndexDoc {
            id: id.into(),
            language: "fr".into(),
            title: title.into(),
            body: String::new(),
            type_code: 1,
            lang_code: 1,
            created: 1,
            summary: "{}".into(),
            ..IndexDoc::default()
        }
    }

    #[test]
    fn a_second_opener_is_refused_and_never_wipes_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        let (first, rebuild) = LibraryIndex::open(&path, 15_000_000, 1).unwrap();
        assert!(rebuild, "a new index must be filled from the database");
        first.put("a", Some(&doc("a", "Guide de prévention"))).unwrap();
        first.commit(7).unwrap();
        let second = LibraryIndex::open(&path, 15_000_000, 1);
        assert!(matches!(second, Err(tantivy::TantivyError::LockFailure(..))), "{second:?}");
        assert_eq!(first.num_docs(), 1);
        drop(first);
        let (again, rebuild) = LibraryIndex::open(&path, 15_000_000, 1).unwrap();
        assert!(!rebuild);
        assert_eq!((again.num_docs(), again.applied_seq()), (1, 7));
    }

    #[test]
    fn a_word_searched_before_it_is_indexed_is_found_once_it_is() {
        let index = LibraryIndex::in_ram().unwrap();
        index.put("a", Some(&doc("a", "Guide de prévention"))).unwrap();
        index.commit(1).unwrap();
        assert_eq!(index.search("zorblaxique", Filters::default(), 20, None).unwrap().found.total, 0);
        index.put("b", Some(&doc("b", "Le mot zorblaxique figure ici"))).unwrap();
        index.commit(2).unwrap();
        assert_eq!(index.search("zorblaxique", Filters::default(), 20, None).unwrap().found.total, 1);
        assert_eq!(index.search("zorblaxiqu", Filters::default(), 20, None).unwrap().found.total, 1);
    }

    #[test]
    fn a_word_in_the_title_and_the_text_ranks_above_the_title_alone() {
        let index = LibraryIndex::in_ram().unwrap();
        index.put("title", Some(&IndexDoc { summary: "title".into(), ..doc("title", "Guide sur la violence") })).unwrap();
        let both = IndexDoc {
            body: "La violence se signale. Repérer la violence.".into(),
            summary: "both".into(),
            ..doc("both", "Guide sur la violence")
        };
        index.put("both", Some(&both)).unwrap();
        index.commit(1).unwrap();
        let found = index.search("violence", Filters::default(), 20, None).unwrap();
        let order: Vec<&str> = found.hits.iter().map(|(_, summary, _)| summary.as_str()).collect();
        assert_eq!(order, ["both", "title"]);
    }

    #[test]
    fn garbage_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        let (first, _) = LibraryIndex::open(&path, 15_000_000, 1).unwrap();
        first.commit(1).unwrap();
        drop(first);
        std::fs::write(path.join("meta.json"), b"garbage").unwrap();
        let (index, rebuild) = LibraryIndex::open(&path, 15_000_000, 1).unwrap();
        assert!(rebuild);
        assert_eq!(index.num_docs(), 0);
    }
}
