//! The library's tantivy index under `<data dir>/index`: derived data, rebuilt
//! from the database whenever it is missing, corrupt, or of an older schema.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::analyzers::{self, ARABIC, ENGLISH, FRENCH, WordTokenizer};
use super::collector::{Filters, Found, LibraryCollector, SortKey};

/// Bumped when the schema changes: an index of another version is rebuilt.
const SCHEMA_VERSION: &str = "3";
const VERSION_FILE: &str = "sanad-schema-version";
const APPLIED_FILE: &str = "sanad-applied-seq";

/// The languages with their own fields and analyzers.
pub const LANGS: [(&str, &str); 3] = [("fr", FRENCH), ("ar", ARABIC), ("en", ENGLISH)];

/// Field handles.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub title: [Field; 3],
    pub body: [Field; 3],
    pub type_code: Field,
    pub lang_code: Field,
    pub territory_code: Field,
    pub audience_codes: Field,
    pub theme_codes: Field,
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
    let fast = NumericOptions::default().set_fast();
    let type_code = b.add_u64_field("type_code", fast.clone());
    let lang_code = b.add_u64_field("lang_code", fast.clone());
    let territory_code = b.add_u64_field("territory_code", fast.clone());
    let audience_codes = b.add_u64_field("audience_codes", fast.clone());
    let theme_codes = b.add_u64_field("theme_codes", fast.clone());
    let created = b.add_u64_field("created", fast);
    let summary = b.add_text_field("summary", STORED);
    (b.build(), Fields { id, title, body, type_code, lang_code, territory_code, audience_codes, theme_codes, created, summary })
}

fn register_analyzers(index: &Index) {
    let m = index.tokenizers();
    m.register(FRENCH, analyzers::french());
    m.register(ARABIC, analyzers::arabic());
    m.register(ENGLISH, analyzers::english());
}

/// A document to index.
#[derive(Clone, Debug, Default)]
pub struct IndexDoc {
    pub id: String,
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
    analyzers: Mutex<[TextAnalyzer; 3]>,
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
        let analyzers = Mutex::new([analyzers::french(), analyzers::arabic(), analyzers::english()]);
        Ok(Self { dir, applied: std::sync::atomic::AtomicI64::new(applied), reader, writer: Mutex::new(writer), fields, analyzers })
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
        doc.add_text(f.title[lang], &d.title);
        doc.add_text(f.body[lang], &d.body);
        doc.add_u64(f.type_code, d.type_code);
        doc.add_u64(f.lang_code, d.lang_code);
        doc.add_u64(f.territory_code, d.territory_code);
        for a in &d.audience_codes {
            doc.add_u64(f.audience_codes, *a);
        }
        for t in &d.theme_codes {
            doc.add_u64(f.theme_codes, *t);
        }
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

    /// Builds the query for what a person typed: words must all match (in
    /// any language, titles weighing three times the text, one typo allowed
    /// in words of five letters or more); "quoted words" must match as a phrase.
    pub fn query(&self, text: &str) -> Box<dyn Query> {
        let mut analyzers = self.analyzers.lock().unwrap_or_else(|p| p.into_inner());
        let f = self.fields;
        let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, part) in text.split('"').enumerate() {
            let is_phrase = i % 2 == 1;
            if is_phrase {
                let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (l, analyzer) in analyzers.iter_mut().enumerate() {
                    let terms = analyzers::terms_with_positions(analyzer, part);
                    let first = terms.first().map(|(p, _)| *p).unwrap_or(0);
                    for (field, boost) in [(f.title[l], 3.0), (f.body[l], 1.0)] {
                        let q: Box<dyn Query> = match terms.len() {
                            0 => continue,
                            1 => Box::new(TermQuery::new(Term::from_field_text(field, &terms[0].1), IndexRecordOption::WithFreqs)),
                            _ => Box::new(PhraseQuery::new_with_offset(
                                terms.iter().map(|(p, t)| (p - first, Term::from_field_text(field, t))).collect(),
                            )),
                        };
                        options.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
                    }
                }
                if !options.is_empty() {
                    musts.push((Occur::Must, Box::new(BooleanQuery::new(options))));
                }
                continue;
            }
            let mut words = WordTokenizer::default();
            let mut stream = tantivy::tokenizer::Tokenizer::token_stream(&mut words, part);
            let mut raw_words = Vec::new();
            while tantivy::tokenizer::TokenStream::advance(&mut stream) {
                raw_words.push(tantivy::tokenizer::TokenStream::token(&stream).text.clone());
            }
            for word in raw_words {
                let fuzzy = word.chars().count() >= 5;
                let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (l, analyzer) in analyzers.iter_mut().enumerate() {
                    for term in analyzers::terms(analyzer, &word) {
                        for (field, boost) in [(f.title[l], 3.0), (f.body[l], 1.0)] {
                            let t = Term::from_field_text(field, &term);
                            options.push((
                                Occur::Should,
                                Box::new(BoostQuery::new(Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)), boost)),
                            ));
                            if fuzzy {
                                // A near miss counts, but less than the word itself.
                                options.push((
                                    Occur::Should,
                                    Box::new(BoostQuery::new(Box::new(FuzzyTermQuery::new(t, 1, true)), boost * 0.5)),
                                ));
                            }
                        }
                    }
                }
                // A word every analyzer drops (e.g. "de", "la") constrains nothing.
                if !options.is_empty() {
                    musts.push((Occur::Must, Box::new(BooleanQuery::new(options))));
                }
            }
        }
        if musts.is_empty() { Box::new(AllQuery) } else { Box::new(BooleanQuery::new(musts)) }
    }

    /// Runs a search: results after `cursor`, with snippets when `text` is not empty.
    pub fn search(&self, text: &str, filters: Filters, limit: usize, cursor: Option<SortKey>) -> tantivy::Result<SearchResult> {
        let searcher = self.reader.searcher();
        let query = self.query(text);
        let collector = LibraryCollector { filters, limit, cursor };
        let found = searcher.search(&*query, &collector)?;
        let mut generators = Vec::new();
        if !text.trim().is_empty() {
            for field in self.fields.body {
                let mut g = SnippetGenerator::create(&searcher, &*query, field)?;
                g.set_max_num_chars(180);
                generators.push((field, g));
            }
        }
        let mut hits = Vec::with_capacity(found.hits.len());
        for (key, address) in &found.hits {
            let doc: TantivyDocument = searcher.doc(*address)?;
            let summary = doc.get_first(self.fields.summary).and_then(|v| v.as_str()).unwrap_or("{}").to_string();
            let mut snippet = String::new();
            for (field, g) in &generators {
                if doc.get_first(*field).is_none() {
                    continue;
                }
                let mut s = g.snippet_from_doc(&doc);
                if s.highlighted().is_empty() {
                    continue;
                }
                s.set_snippet_prefix_postfix("<mark>", "</mark>");
                snippet = s.to_html();
                break;
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
