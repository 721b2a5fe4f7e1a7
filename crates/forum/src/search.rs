//! The search index of published posts: a tantivy index in the data
//! directory ([`crate::index_store`]; in memory for tests and command-line
//! tasks), filled from the database when it is new or of another schema, and
//! kept up to date by `forum_index_events` (written in the transaction of
//! every change to a post). Text is analysed by the library's French, Arabic and English
//! analyzers, handed in as [`Analyzers`] so that the two crates analyse alike
//! without depending on each other. Each post is indexed in the three
//! languages' fields; a query needs every word, in any of them.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use uuid::Uuid;

/// The analyzers of the platform's languages: a function registering them on
/// an index, and their names for French, Arabic and English.
#[derive(Clone)]
pub struct Analyzers {
    pub register: fn(&Index),
    pub names: [&'static str; 3],
}

impl std::fmt::Debug for Analyzers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzers").field("names", &self.names).finish()
    }
}

impl Default for Analyzers {
    /// Tantivy's own tokenizer in every language (documents and unit tests, where no library is at hand).
    fn default() -> Self {
        Self { register: |_| {}, names: ["default", "default", "default"] }
    }
}

/// A published post as the index takes it.
#[derive(Clone, Debug)]
pub struct PostDoc {
    pub post_id: Uuid,
    pub category: String,
    pub title: String,
    /// The post as plain text.
    pub text: String,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    post_id: Field,
    category: Field,
    title: [Field; 3],
    body: [Field; 3],
}

/// The index of posts: in memory, or on disk in the data directory (see [`crate::index_store`]).
pub struct PostIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// The last index event applied.
    applied: AtomicI64,
    /// Where the index lives (`None` in memory); the last event applied is kept there too.
    dir: Option<PathBuf>,
    /// Whether it must be filled from the database before use (new, or of another schema).
    needs_rebuild: AtomicBool,
}

impl std::fmt::Debug for PostIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PostIndex({:?})", self.dir)
    }
}

/// Largest number of hits one search ranks (pages are cut from them).
pub const MAX_HITS: usize = 1000;

/// The schema of the index, with the tokenizers of `analyzers`.
pub(crate) fn schema(analyzers: &Analyzers) -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let post_id = b.add_text_field("post_id", STRING | STORED);
    let category = b.add_text_field("category", STRING);
    let langs = ["fr", "ar", "en"];
    let title = [0, 1, 2].map(|i| b.add_text_field(&format!("title_{}", langs[i]), text(analyzers.names[i])));
    let body = [0, 1, 2].map(|i| b.add_text_field(&format!("body_{}", langs[i]), text(analyzers.names[i])));
    (b.build(), Fields { post_id, category, title, body })
}

impl PostIndex {
    /// An empty index in memory (to be filled from the database).
    pub fn in_ram(analyzers: &Analyzers) -> tantivy::Result<Self> {
        let (schema, _) = schema(analyzers);
        Self::with_index(Index::create_in_ram(schema), analyzers, None, 0, true)
    }

    /// The index over `index`, its analyzers registered; `applied` is the last
    /// event it holds, `needs_rebuild` whether it must be filled first.
    pub(crate) fn with_index(
        index: Index,
        analyzers: &Analyzers,
        dir: Option<PathBuf>,
        applied: i64,
        needs_rebuild: bool,
    ) -> tantivy::Result<Self> {
        let (_, fields) = schema(analyzers);
        (analyzers.register)(&index);
        let writer = index.writer_with_num_threads(1, 30_000_000)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            applied: AtomicI64::new(applied),
            dir,
            needs_rebuild: AtomicBool::new(needs_rebuild),
        })
    }

    /// Whether the index must be filled from the database before it answers right.
    pub fn needs_rebuild(&self) -> bool {
        self.needs_rebuild.load(Ordering::SeqCst)
    }

    /// Removes every document (before a rebuild).
    pub fn clear(&self) -> tantivy::Result<()> {
        self.writer().delete_all_documents()?;
        Ok(())
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces what the index holds of `post` with `doc` (nothing for a post no longer published).
    pub fn put(&self, post: Uuid, doc: Option<&PostDoc>) -> tantivy::Result<()> {
        let writer = self.writer();
        writer.delete_term(Term::from_field_text(self.fields.post_id, &post.to_string()));
        if let Some(d) = doc {
            let mut document = TantivyDocument::default();
            document.add_text(self.fields.post_id, d.post_id.to_string());
            document.add_text(self.fields.category, &d.category);
            for i in 0..3 {
                document.add_text(self.fields.title[i], &d.title);
                document.add_text(self.fields.body[i], &d.text);
            }
            writer.add_document(document)?;
        }
        Ok(())
    }

    /// Makes what was put durable and searchable and records the last event applied.
    pub fn commit(&self, applied: i64) -> tantivy::Result<()> {
        self.writer().commit()?;
        let applied = self.applied.fetch_max(applied, Ordering::SeqCst).max(applied);
        // Written after the commit: a crash in between only applies events again, which is harmless.
        if let Some(dir) = &self.dir {
            crate::index_store::write_applied(dir, applied)?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Makes a rebuild's documents durable and searchable, as of event `applied`.
    pub fn commit_rebuild(&self, applied: i64) -> tantivy::Result<()> {
        self.applied.store(applied, Ordering::SeqCst);
        self.commit(applied)?;
        self.needs_rebuild.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// The last index event applied.
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::SeqCst)
    }

    fn query(&self, text: &str, category: Option<&str>) -> Box<dyn Query> {
        let fields: Vec<Field> = self.fields.title.iter().chain(self.fields.body.iter()).copied().collect();
        let mut parser = QueryParser::for_index(&self.index, fields);
        parser.set_conjunction_by_default();
        for f in self.fields.title {
            parser.set_field_boost(f, 2.0);
        }
        // What people type is words, not query syntax: lenient parsing never fails.
        let (words, _) = parser.parse_query_lenient(text);
        match category {
            Some(slug) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, words),
                (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(self.fields.category, slug), IndexRecordOption::Basic))),
            ])),
            None => words,
        }
    }

    /// The posts matching `text` (every word), best first: (score, post).
    pub fn search(&self, text: &str, category: Option<&str>) -> tantivy::Result<Vec<(f32, Uuid)>> {
        let searcher = self.reader.searcher();
        let query = self.query(text, category);
        let top = searcher.search(&query, &TopDocs::with_limit(MAX_HITS).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(id) = doc.get_first(self.fields.post_id).and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok()) {
                out.push((score, id));
            }
        }
        Ok(out)
    }

    /// The passage of `body` (plain text) around the words of `text`, as HTML with `<mark>`s (escaped).
    pub fn snippet(&self, text: &str, body: &str) -> tantivy::Result<String> {
        let searcher = self.reader.searcher();
        let query = self.query(text, None);
        let mut first = None;
        for field in self.fields.body {
            let generator = SnippetGenerator::create(&searcher, &*query, field)?;
            let mut snippet = generator.snippet(body);
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            if !snippet.highlighted().is_empty() {
                return Ok(snippet.to_html());
            }
            first.get_or_insert(snippet.to_html());
        }
        Ok(first.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_found_by_every_word_and_removed_when_unpublished() {
        let index = PostIndex::in_ram(&Analyzers::default()).unwrap();
        let post = Uuid::now_v7();
        let doc =
            PostDoc { post_id: post, category: "concepts".into(), title: "Fiche de liaison".into(), text: "Un modèle <b> utile".into() };
        index.put(post, Some(&doc)).unwrap();
        index.commit(1).unwrap();
        assert_eq!(index.search("fiche liaison", None).unwrap().len(), 1);
        assert_eq!(index.search("fiche absente", None).unwrap().len(), 0);
        assert_eq!(index.search("fiche", Some("prevention")).unwrap().len(), 0);
        assert!(index.snippet("modèle", &doc.text).unwrap().contains("<mark>modèle</mark>"));
        assert!(!index.snippet("modèle", &doc.text).unwrap().contains("<b>"), "the text is escaped");
        index.put(post, None).unwrap();
        index.commit(2).unwrap();
        assert!(index.search("fiche", None).unwrap().is_empty());
        assert_eq!(index.applied(), 2);
    }
}
