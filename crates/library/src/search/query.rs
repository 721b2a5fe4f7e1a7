//! What a person typed, made into a query that ranks like the best search
//! engines (Meilisearch's rules were the model):
//!
//! 1. **Words**: a document matching more of the query's words ranks first;
//!    among those matching as many, the one missing the more common words
//!    (rarer words weigh more). No word is required, so a page is empty only
//!    when no word matches; common words ("de", "في") never count.
//! 2. **Typos**: the word as typed beats one typo, which beats two.
//! 3. **Proximity**: neighbouring query words side by side in the text.
//! 4. **Field**: a title beats the text.
//! 5. BM25 of the exact words breaks the remaining ties.
//!
//! Each word is analysed exactly as the text was (stemmed in French,
//! English or Arabic, diacritics and letter forms folded), and also matched
//! on its surface form so that a typo that changes the stem still finds
//! the word: one typo from 5 letters, two from 9, none in numbers. The last
//! word also matches as a prefix (search as you type). The thesaurus adds the
//! other expressions of a notion (PEC for "prise en charge").
//!
//! Each rule is a band of constant scores, wide enough that a lower rule
//! never outweighs a higher one in ordinary queries.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, Mutex};

use tantivy::query::{
    AllQuery, AutomatonWeight, BooleanQuery, BoostQuery, ConstScoreQuery, DfaWrapper, DisjunctionMaxQuery, EmptyQuery, EnableScoring,
    Explanation, FuzzyTermQuery, Occur, PhraseQuery, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, TokenStream, Tokenizer};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term};

use super::analyzers::{self, WordTokenizer};
use super::index::Fields;
use super::thesaurus::{self, QueryWord, Thesaurus};

/// A matched word.
const WORD: Score = 1000.0;
/// Up to this much more for a rare word than for a word in every document.
const RARITY: Score = 100.0;
const EXACT: Score = 60.0;
const SYNONYM: Score = 55.0;
const PREFIX: Score = 45.0;
const ONE_TYPO: Score = 40.0;
const TWO_TYPOS: Score = 20.0;
const NEAR: Score = 15.0;
const TITLE: Score = 10.0;
/// The analyzers, one set per thread (an analyzer is not shared between threads).
struct Analyzers {
    langs: [TextAnalyzer; 3],
    raw: TextAnalyzer,
}

thread_local! {
    static ANALYZERS: std::cell::RefCell<Analyzers> = std::cell::RefCell::new(Analyzers {
        langs: [analyzers::french(), analyzers::arabic(), analyzers::english()],
        raw: analyzers::raw(),
    });
}

/// Words of a query looked at; more would only slow the search.
const MAX_WORDS: usize = 12;

/// Index of each language in the per-language field arrays.
const FR: usize = 0;
const AR: usize = 1;
const EN: usize = 2;

/// How many typos a word of this form may have.
pub fn typo_budget(word: &str) -> u8 {
    if word.chars().any(|c| c.is_numeric()) {
        return 0;
    }
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Levenshtein automata by (word, distance, prefix): building one costs more
/// than running it on a small index, and the same words come back.
type AutomatonCache = Mutex<HashMap<(String, u8, bool), Arc<DfaWrapper>>>;
static AUTOMATA: LazyLock<AutomatonCache> = LazyLock::new(|| Mutex::new(HashMap::new()));
const AUTOMATA_KEPT: usize = 20_000;

fn automaton(field: Field, word: &str, distance: u8, prefix: bool) -> Option<Arc<DfaWrapper>> {
    let key = (word.to_string(), distance, prefix);
    if let Some(a) = AUTOMATA.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Some(a.clone());
    }
    let term = Term::from_field_text(field, word);
    let q = if prefix { FuzzyTermQuery::new_prefix(term, distance, true) } else { FuzzyTermQuery::new(term, distance, true) };
    let dfa = Arc::new(q.automaton().ok()?);
    let mut cache = AUTOMATA.lock().unwrap_or_else(|p| p.into_inner());
    if cache.len() >= AUTOMATA_KEPT {
        cache.clear();
    }
    cache.insert(key, dfa.clone());
    Some(dfa)
}

/// A fuzzy or prefix match through a cached automaton.
#[derive(Clone)]
struct AutomatonQuery {
    field: Field,
    dfa: Arc<DfaWrapper>,
}

impl std::fmt::Debug for AutomatonQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AutomatonQuery({:?})", self.field)
    }
}

impl Query for AutomatonQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<DfaWrapper>::new(self.field, self.dfa.clone())))
    }
}

/// A title's BM25 (scaled) on top of its word's constant band: one scorer
/// over the title's postings instead of a constant and a separate BM25 clause.
#[derive(Clone, Debug)]
struct BandedTermQuery {
    term: TermQuery,
    band: Score,
    scale: Score,
}

impl Query for BandedTermQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(BandedWeight { inner: self.term.weight(scoring)?, band: self.band, scale: self.scale }))
    }
}

struct BandedWeight {
    inner: Box<dyn Weight>,
    band: Score,
    scale: Score,
}

impl Weight for BandedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(BandedScorer { inner: self.inner.scorer(reader, boost)?, band: self.band, scale: self.scale }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut e = Explanation::new("band + scale x BM25", self.band);
        e.add_detail(self.inner.explain(reader, doc)?);
        Ok(e)
    }
}

struct BandedScorer {
    inner: Box<dyn Scorer>,
    band: Score,
    scale: Score,
}

impl DocSet for BandedScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }
    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }
    fn doc(&self) -> DocId {
        self.inner.doc()
    }
    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }
}

impl Scorer for BandedScorer {
    fn score(&mut self) -> Score {
        self.band + self.scale * self.inner.score()
    }
}

fn constant(q: Box<dyn Query>, score: Score) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(q, score))
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic))
}

/// A query matching `terms` (with their positions) side by side in `field`.
fn phrase(field: Field, terms: &[(usize, String)]) -> Option<Box<dyn Query>> {
    match terms {
        [] => None,
        [(_, t)] => Some(term_query(field, t)),
        _ => {
            let first = terms[0].0;
            Some(Box::new(PhraseQuery::new_with_offset(terms.iter().map(|(p, t)| (p - first, Term::from_field_text(field, t))).collect())))
        }
    }
}

/// The languages whose fields a word is looked for in.
fn languages(word: &str) -> &'static [usize] {
    if analyzers::is_arabic(word) { &[AR] } else { &[FR, EN] }
}

/// A query made for a search, with what the snippets must highlight.
pub struct Built {
    /// Every rule but proximity.
    pub query: Box<dyn Query>,
    /// Proximity (rule 3): phrases of neighbouring query words, each with the
    /// score it adds to a document it matches. Kept out of `query` because
    /// reading the positions of long texts was half the cost of a multi-word
    /// search: the collector looks at a phrase in the text (`false`) only for
    /// documents that could make the page, and at one in a title (`true`,
    /// short and cheap) for every document.
    pub proximity: Vec<(Box<dyn Query>, Score, bool)>,
    /// The terms to highlight in each language's text field.
    pub highlights: [BTreeMap<String, Score>; 3],
}

/// For each word of `text` that counts (common words aside), the forms a
/// plain-text search may look for: the word as typed, its stem in its
/// language(s), and the other expressions of its notions in the thesaurus.
pub fn word_variants(text: &str) -> Vec<Vec<String>> {
    ANALYZERS.with(|a| {
        let a = &mut *a.borrow_mut();
        let words = query_words(a, text);
        let all_stop = words.iter().all(|w| analyzers::is_stop_word(&w.typed));
        let alternatives = thesaurus::shared().alternatives(&words);
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if !all_stop && analyzers::is_stop_word(&w.typed) {
                continue;
            }
            let mut variants = vec![w.typed.clone()];
            for &l in languages(&w.typed) {
                for s in spellings(l, &w.typed) {
                    // Stems of fewer than three letters would match almost anything.
                    variants.extend(analyzers::terms(&mut a.langs[l], &s).into_iter().filter(|t| t.chars().count() >= 3));
                }
            }
            variants.extend(alternatives[i].iter().cloned());
            out.push(variants);
        }
        out
    })
}

/// Builds the query for `text`; see the module documentation.
pub fn build(text: &str, fields: &Fields, searcher: &Searcher, thesaurus: &Thesaurus) -> Built {
    ANALYZERS.with(|a| build_with(&mut a.borrow_mut(), text, fields, searcher, thesaurus))
}

fn build_with(a: &mut Analyzers, text: &str, f: &Fields, searcher: &Searcher, thesaurus: &Thesaurus) -> Built {
    let mut b = Builder { f, searcher, clauses: Vec::new(), proximity: Vec::new(), highlights: Default::default() };
    let free_text = b.phrases(a, text);
    let ends_in_word = free_text.chars().last().is_some_and(|c| c.is_alphanumeric());
    let mut words = query_words(a, &free_text);
    words.truncate(MAX_WORDS);
    // A query of common words only is still looked for.
    let all_stop = words.iter().all(|w| analyzers::is_stop_word(&w.typed));
    let alternatives = thesaurus.alternatives(&words);
    // The first stem of each counted word in each language, with the word's place, for proximity.
    let mut placed: Vec<(usize, [Option<String>; 3])> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let stop = !all_stop && analyzers::is_stop_word(&word.typed);
        let capitals = word.typed.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
        if stop && (alternatives[i].is_empty() || !capitals) {
            continue;
        }
        let last = i + 1 == words.len() && ends_in_word;
        if let Some(first) = b.word(a, word, stop, last, &alternatives[i]) {
            placed.push((i, first));
        }
    }
    b.proximity(&placed);
    let query: Box<dyn Query> = if b.clauses.is_empty() {
        if text.trim().is_empty() { Box::new(AllQuery) } else { Box::new(EmptyQuery) }
    } else {
        Box::new(BooleanQuery::new(b.clauses))
    };
    Built { query, proximity: b.proximity, highlights: b.highlights }
}

/// The words of `text` as typed, with their folded surface form; words that fold to nothing are left out.
fn query_words(a: &mut Analyzers, text: &str) -> Vec<QueryWord> {
    let mut words = Vec::new();
    let mut tokenizer = WordTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    while stream.advance() {
        let typed = stream.token().text.clone();
        let folded = analyzers::terms(&mut a.raw, &typed).join("");
        if !folded.is_empty() {
            words.push(QueryWord { typed, folded });
        }
    }
    words
}

/// The spellings of `typed` to analyse in language `l` (Arabic words have several).
fn spellings(l: usize, typed: &str) -> Vec<String> {
    if l == AR { analyzers::arabic_spellings(typed) } else { vec![typed.to_string()] }
}

/// A query being built: its clauses and the terms its snippets highlight.
struct Builder<'a> {
    f: &'a Fields,
    searcher: &'a Searcher,
    clauses: Vec<(Occur, Box<dyn Query>)>,
    proximity: Vec<(Box<dyn Query>, Score, bool)>,
    highlights: [BTreeMap<String, Score>; 3],
}

/// The ways one word may match: each query with its score above the
/// word's weight, the exact terms (which also measure its rarity), and its
/// first stem in each language.
#[derive(Default)]
struct WordMatches {
    options: Vec<(Box<dyn Query>, Score)>,
    /// Exact terms as typed (folded): field, term, score above the word's weight.
    exact: Vec<(Field, String, Score)>,
    /// Exact stems: title field, text field, stem.
    stems: Vec<(Field, Field, String)>,
    first: [Option<String>; 3],
}

impl Builder<'_> {
    /// Adds a required clause for each "quoted part" of `text` (its words
    /// side by side) and gives the text outside quotes. An unpaired quote
    /// quotes nothing.
    fn phrases(&mut self, a: &mut Analyzers, text: &str) -> String {
        let f = self.f;
        let parts: Vec<&str> = text.split('"').collect();
        let quotes_paired = parts.len() % 2 == 1;
        let mut free = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if i % 2 == 0 || (!quotes_paired && i + 1 == parts.len()) {
                free.push(*part);
                continue;
            }
            let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (l, analyzer) in a.langs.iter_mut().enumerate() {
                let terms = analyzers::terms_with_positions(analyzer, part);
                for t in &terms {
                    self.highlights[l].insert(t.1.clone(), 1.0);
                }
                for field in [f.title[l], f.body[l]] {
                    if let Some(q) = phrase(field, &terms) {
                        options.push((Occur::Should, q));
                    }
                }
            }
            if !options.is_empty() {
                self.clauses.push((Occur::Must, Box::new(BooleanQuery::new(options))));
            }
        }
        free.join(" ")
    }

    /// Adds the clause of one counted word (the best way it matches counts,
    /// once); `last`: the query ends in this word, which may be a prefix.
    /// Gives its first stems, or `None` when nothing can match it.
    fn word(
        &mut self,
        a: &mut Analyzers,
        word: &QueryWord,
        stop: bool,
        last: bool,
        alternatives: &[String],
    ) -> Option<[Option<String>; 3]> {
        let mut m = WordMatches::default();
        if !stop {
            // A word the index holds as typed is taken as meant: looking for its
            // misspellings too would cost more automata over the body's
            // dictionary than the whole rest of the search, for matches that rank
            // below the exact ones anyway. A stem the index holds needs no
            // misspelt stems, but the surface form may still be a typo
            // ("accompagnemment" stems like "accompagnement" does not).
            let (typed_known, stem_known) = word_is_known(a, word, self.f, self.searcher);
            self.stems(a, word, typed_known || stem_known, &mut m);
            self.surface(word, typed_known, last, &mut m);
        }
        self.synonyms(a, alternatives, &mut m);
        let total = self.searcher.num_docs().max(1) as Score;
        let exact_terms =
            m.exact.iter().map(|(field, t, _)| (*field, t)).chain(m.stems.iter().flat_map(|(title, body, t)| [(*title, t), (*body, t)]));
        let df = exact_terms.map(|(field, t)| self.searcher.doc_freq(&Term::from_field_text(field, t)).unwrap_or(0)).max().unwrap_or(0);
        let weight = WORD + RARITY * (1.0 - (df as Score / total).min(1.0));
        if m.options.is_empty() && m.exact.is_empty() && m.stems.is_empty() {
            return None;
        }
        let mut options: Vec<Box<dyn Query>> = m.options.into_iter().map(|(q, score)| constant(q, weight + score)).collect();
        for (field, t, bonus) in m.exact {
            options.push(constant(term_query(field, &t), weight + EXACT + bonus));
        }
        for (title, body, t) in m.stems {
            // The title's BM25 rides on its band; the text's is a clause of its
            // own, so a document with the word in both ranks above one with it
            // in the title alone (the word's options count only their best).
            let term = |field| TermQuery::new(Term::from_field_text(field, &t), IndexRecordOption::WithFreqs);
            options.push(Box::new(BandedTermQuery { term: term(title), band: weight + EXACT + TITLE, scale: 0.6 }));
            options.push(constant(term_query(body, &t), weight + EXACT));
            self.clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(term(body)), 0.3))));
        }
        self.clauses.push((Occur::Should, Box::new(DisjunctionMaxQuery::new(options))));
        Some(m.first)
    }

    /// The word's stems in its languages: exact (also as BM25 clauses for
    /// the ties) and, unless `known`, with the typos a stem may have.
    fn stems(&mut self, a: &mut Analyzers, word: &QueryWord, known: bool, m: &mut WordMatches) {
        let f = self.f;
        let typed_budget = typo_budget(&word.typed);
        for &l in languages(&word.typed) {
            let mut stems: Vec<String> = Vec::new();
            for s in &spellings(l, &word.typed) {
                for t in analyzers::terms(&mut a.langs[l], s) {
                    if !stems.contains(&t) {
                        stems.push(t);
                    }
                }
            }
            m.first[l] = stems.first().cloned();
            for stem in &stems {
                self.highlights[l].insert(stem.clone(), 1.0);
                m.stems.push((f.title[l], f.body[l], stem.clone()));
                let budget = if known { 0 } else { typo_budget(stem).min(typed_budget) };
                if budget > 0 {
                    for (field, bonus) in [(f.title[l], TITLE), (f.body[l], 0.0)] {
                        if let Some(dfa) = automaton(field, stem, budget, false) {
                            m.options.push((Box::new(AutomatonQuery { field, dfa }), typo_score(budget) + bonus));
                        }
                    }
                }
            }
        }
    }

    /// The word's surface form: exact, with typos unless `typed_known`, and
    /// as a prefix when it is the `last` word typed.
    fn surface(&self, word: &QueryWord, typed_known: bool, last: bool, m: &mut WordMatches) {
        let f = self.f;
        m.exact.push((f.title_raw, word.folded.clone(), TITLE));
        m.exact.push((f.body_raw, word.folded.clone(), 0.0));
        for budget in 1..=(if typed_known { 0 } else { typo_budget(&word.typed) }) {
            for (field, bonus) in [(f.title_raw, TITLE), (f.body_raw, 0.0)] {
                if let Some(dfa) = automaton(field, &word.folded, budget, false) {
                    m.options.push((Box::new(AutomatonQuery { field, dfa }), typo_score(budget) + bonus));
                }
            }
        }
        if last && word.folded.chars().count() >= 3 {
            for (field, bonus) in [(f.title_raw, TITLE), (f.body_raw, 0.0)] {
                if let Some(dfa) = automaton(field, &word.folded, 0, true) {
                    m.options.push((Box::new(AutomatonQuery { field, dfa }), PREFIX + bonus));
                }
            }
        }
    }

    /// The other expressions of the word's notions in the thesaurus, as phrases.
    fn synonyms(&mut self, a: &mut Analyzers, alternatives: &[String], m: &mut WordMatches) {
        let f = self.f;
        for alt in alternatives {
            for &l in languages(alt) {
                let terms = analyzers::terms_with_positions(&mut a.langs[l], alt);
                for t in &terms {
                    self.highlights[l].insert(t.1.clone(), 0.5);
                }
                for (field, bonus) in [(f.title[l], TITLE), (f.body[l], 0.0)] {
                    if let Some(q) = phrase(field, &terms) {
                        m.options.push((q, SYNONYM + bonus));
                    }
                }
            }
        }
    }

    /// Neighbouring words of the query found near each other in the text.
    fn proximity(&mut self, placed: &[(usize, [Option<String>; 3])]) {
        let f = self.f;
        for pair in placed.windows(2) {
            let ((i, a_first), (j, b_first)) = (&pair[0], &pair[1]);
            for l in [FR, AR, EN] {
                let (Some(x), Some(y)) = (&a_first[l], &b_first[l]) else { continue };
                if x == y {
                    continue;
                }
                for (field, bonus, title) in [(f.title[l], TITLE, true), (f.body[l], 0.0, false)] {
                    let terms = vec![(0, Term::from_field_text(field, x)), (j - i, Term::from_field_text(field, y))];
                    self.proximity.push((Box::new(PhraseQuery::new_with_offset_and_slop(terms, 2)), NEAR + bonus / 2.0, title));
                }
            }
        }
    }
}

/// Whether the index holds `word` as typed (folded), and whether it holds one of its stems.
fn word_is_known(a: &mut Analyzers, word: &QueryWord, f: &Fields, searcher: &Searcher) -> (bool, bool) {
    let present = |field: Field, text: &str| searcher.doc_freq(&Term::from_field_text(field, text)).unwrap_or(0) > 0;
    let typed = present(f.title_raw, &word.folded) || present(f.body_raw, &word.folded);
    let stem = languages(&word.typed).iter().any(|&l| {
        spellings(l, &word.typed)
            .iter()
            .any(|s| analyzers::terms(&mut a.langs[l], s).iter().any(|t| present(f.title[l], t) || present(f.body[l], t)))
    });
    (typed, stem)
}

fn typo_score(typos: u8) -> Score {
    if typos == 1 { ONE_TYPO } else { TWO_TYPOS }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_allowed_grow_with_the_word_and_never_touch_numbers() {
        assert_eq!(typo_budget("aide"), 0);
        assert_eq!(typo_budget("écoute"), 1);
        assert_eq!(typo_budget("signalement"), 2);
        assert_eq!(typo_budget("2024"), 0);
        assert_eq!(typo_budget("article12345"), 0);
    }

    #[test]
    fn the_directory_gets_stems_and_the_thesaurus_and_no_common_words() {
        let v = word_variants("les hôpitaux de Salé");
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v[0].iter().any(|w| w == "hopital"), "{v:?}");
        assert!(v[0].iter().any(|w| w == "مستشفى"), "{v:?}");
        // Only common words: still looked for.
        assert_eq!(word_variants("de la").len(), 2);
    }
}
