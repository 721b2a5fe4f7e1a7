//! One pass over the documents matching the text query collects, at once:
//! the page of results that pass every filter (after the keyset cursor), the
//! number of such results, and for each facet the counts of its values among
//! the documents that pass every *other* filter — so a facet shows what
//! choosing another of its values would give.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::query::{Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader};

use sanad_platform::vocabulary::{Audience, Language, ResourceType, Territory, Theme};

/// Filters, as vocabulary codes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filters {
    /// Only documents of this [`super::DocKind`] (as a number); every kind when `None`.
    pub doc_kind: Option<u64>,
    pub kind: Option<u64>,
    pub language: Option<u64>,
    pub territory: Option<u64>,
    pub audience: Option<u64>,
    pub theme: Option<u64>,
}

/// The order of results: best score first, then newest first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SortKey {
    pub score: f32,
    pub created: u64,
}

impl Eq for SortKey {}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then(self.created.cmp(&other.created))
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Every filter's value of one document, packed in one `u64` fast field:
/// the document kind (4 bits), resource type (8), language (4), territory
/// (8), then the audiences (16) and themes (24) as bit sets by code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FacetKey {
    pub doc_kind: u64,
    pub kind: u64,
    pub language: u64,
    pub territory: u64,
    pub audiences: u64,
    pub themes: u64,
}

const AUDIENCE_BITS: u32 = 16;
const THEME_BITS: u32 = 24;

impl FacetKey {
    /// The bit set of `codes` (codes too large for the set are left out: the
    /// vocabularies are far smaller, as a test checks).
    pub fn mask(codes: &[u64]) -> u64 {
        codes.iter().filter(|c| **c < 64).fold(0, |m, c| m | 1 << c)
    }

    pub fn pack(self) -> u64 {
        (self.doc_kind & 0xF)
            | (self.kind & 0xFF) << 4
            | (self.language & 0xF) << 12
            | (self.territory & 0xFF) << 16
            | (self.audiences & ((1 << AUDIENCE_BITS) - 1)) << 24
            | (self.themes & ((1 << THEME_BITS) - 1)) << 40
    }

    pub fn unpack(v: u64) -> Self {
        Self {
            doc_kind: v & 0xF,
            kind: (v >> 4) & 0xFF,
            language: (v >> 12) & 0xF,
            territory: (v >> 16) & 0xFF,
            audiences: (v >> 24) & ((1 << AUDIENCE_BITS) - 1),
            themes: v >> 40,
        }
    }
}

/// The scores of the phrases of `near` that match `doc` (documents come in increasing order).
fn near_bonus(near: &mut [(Box<dyn Scorer>, Score)], doc: DocId) -> Score {
    let mut bonus = 0.0;
    for (scorer, b) in near {
        let at = if scorer.doc() < doc { scorer.seek(doc) } else { scorer.doc() };
        if at == doc {
            bonus += *b;
        }
    }
    bonus
}

/// Whether the bit set `mask` holds `code`.
fn holds(mask: u64, code: u64) -> bool {
    code < 64 && mask & (1 << code) != 0
}

/// Adds one to `counts` at every code of the bit set `mask`.
fn count_set(counts: &mut [u64], mut mask: u64) {
    while mask != 0 {
        if let Some(c) = counts.get_mut(mask.trailing_zeros() as usize) {
            *c += 1;
        }
        mask &= mask - 1;
    }
}

/// Facet counts by code (index 0 counts documents without a value, e.g. no territory).
#[derive(Clone, Debug)]
pub struct FacetCounts {
    pub kind: Vec<u64>,
    pub audience: Vec<u64>,
    pub language: Vec<u64>,
    pub territory: Vec<u64>,
    pub theme: Vec<u64>,
}

impl Default for FacetCounts {
    fn default() -> Self {
        Self {
            kind: vec![0; ResourceType::ALL.len() + 1],
            audience: vec![0; Audience::ALL.len() + 1],
            language: vec![0; Language::ALL.len() + 1],
            territory: vec![0; Territory::ALL.len() + 1],
            theme: vec![0; Theme::ALL.len() + 1],
        }
    }
}

fn add(into: &mut [u64], from: &[u64]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

/// What a search found.
#[derive(Debug, Default)]
pub struct Found {
    /// The page, best first.
    pub hits: Vec<(SortKey, DocAddress)>,
    /// Documents passing every filter.
    pub total: u64,
    /// Documents passing every filter and coming after the cursor.
    pub after_cursor: u64,
    pub facets: FacetCounts,
}

/// The collector; see the module documentation.
pub struct LibraryCollector {
    pub filters: Filters,
    pub limit: usize,
    /// Only documents strictly after this key (in result order) make the page.
    pub cursor: Option<SortKey>,
    /// Scores added to a document each of these matches (the query's
    /// proximity rule); `true`: looked at for every document, else only when
    /// it could change the page.
    pub near: Vec<(Box<dyn Weight>, Score, bool)>,
}

/// Per-segment part of [`LibraryCollector`].
pub struct LibrarySegmentCollector {
    segment: SegmentOrdinal,
    filters: Filters,
    limit: usize,
    cursor: Option<SortKey>,
    /// Phrases looked at for every document, with their scores.
    near_always: Vec<(Box<dyn Scorer>, Score)>,
    /// Phrases looked at only for documents that could change the page.
    near_lazy: Vec<(Box<dyn Scorer>, Score)>,
    /// The most `near_lazy` can add.
    near_max: Score,
    facets: Arc<dyn ColumnValues<u64>>,
    created: Arc<dyn ColumnValues<u64>>,
    // A min-heap of the best `limit` keys seen (Reverse order).
    heap: BinaryHeap<std::cmp::Reverse<(SortKey, DocId)>>,
    found: Found,
}

impl Collector for LibraryCollector {
    type Fruit = Found;
    type Child = LibrarySegmentCollector;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<LibrarySegmentCollector> {
        let ff = reader.fast_fields();
        let (mut near_always, mut near_lazy) = (Vec::new(), Vec::new());
        for (weight, bonus, always) in &self.near {
            let scorer = weight.scorer(reader, 1.0)?;
            // A phrase with no document in this segment (a word absent, a language's empty field) costs nothing.
            if scorer.doc() != tantivy::TERMINATED {
                if *always { &mut near_always } else { &mut near_lazy }.push((scorer, *bonus));
            }
        }
        Ok(LibrarySegmentCollector {
            near_max: near_lazy.iter().map(|(_, b)| b).sum(),
            near_always,
            near_lazy,
            segment,
            filters: self.filters,
            limit: self.limit,
            cursor: self.cursor,
            // Every document has both values: read them without the optional index.
            facets: ff.u64("facets")?.first_or_default_col(0),
            created: ff.u64("created")?.first_or_default_col(0),
            heap: BinaryHeap::new(),
            found: Found::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Found>) -> tantivy::Result<Found> {
        let mut out = Found::default();
        let mut hits = Vec::new();
        for f in fruits {
            out.total += f.total;
            out.after_cursor += f.after_cursor;
            add(&mut out.facets.kind, &f.facets.kind);
            add(&mut out.facets.audience, &f.facets.audience);
            add(&mut out.facets.language, &f.facets.language);
            add(&mut out.facets.territory, &f.facets.territory);
            add(&mut out.facets.theme, &f.facets.theme);
            hits.extend(f.hits);
        }
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.truncate(self.limit);
        out.hits = hits;
        Ok(out)
    }
}

impl LibrarySegmentCollector {
    /// Counts a document in each facet whose value it has, when it passes
    /// every filter but that facet's own (`passes`: kind, language,
    /// territory, audience, theme), so a facet shows what choosing another
    /// value of it would find.
    fn count_facets(&mut self, key: FacetKey, passes: [bool; 5]) {
        let all_but = |i: usize| passes.iter().enumerate().all(|(j, p)| j == i || *p);
        let facets = &mut self.found.facets;
        for (i, (counts, value)) in
            [(&mut facets.kind, key.kind), (&mut facets.language, key.language), (&mut facets.territory, key.territory)]
                .into_iter()
                .enumerate()
        {
            if all_but(i)
                && let Some(c) = counts.get_mut(value as usize)
            {
                *c += 1;
            }
        }
        if all_but(3) {
            count_set(&mut facets.audience, key.audiences);
        }
        if all_but(4) {
            count_set(&mut facets.theme, key.themes);
        }
    }

    /// The document's score with the lazy part of the proximity rule: `base`
    /// plus the bonus of every such phrase it matches.
    fn full_score(&mut self, doc: DocId, base: Score) -> Score {
        base + near_bonus(&mut self.near_lazy, doc)
    }

    /// Keeps the document among the page's best `limit`. Its proximity and
    /// date are read only when it could place there (`upper`: the most its
    /// score can be; `score`: its full score when already known).
    fn keep(&mut self, doc: DocId, base: Score, upper: Score, score: Option<Score>) {
        let full = self.heap.len() >= self.limit;
        let worst = self.heap.peek().map(|std::cmp::Reverse((worst, _))| worst.score);
        if full && worst.is_some_and(|w| upper.total_cmp(&w) == Ordering::Less) {
            return;
        }
        let score = score.unwrap_or_else(|| self.full_score(doc, base));
        if full && worst.is_some_and(|w| score.total_cmp(&w) == Ordering::Less) {
            return;
        }
        let key = SortKey { score, created: self.created.get_val(doc) };
        if !full {
            self.heap.push(std::cmp::Reverse((key, doc)));
        } else if let Some(std::cmp::Reverse((worst, _))) = self.heap.peek()
            && key > *worst
        {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse((key, doc)));
        }
    }
}

impl SegmentCollector for LibrarySegmentCollector {
    type Fruit = Found;

    fn collect(&mut self, doc: DocId, base: Score) {
        let key = FacetKey::unpack(self.facets.get_val(doc));
        let f = self.filters;
        if f.doc_kind.is_some_and(|k| k != key.doc_kind) {
            return;
        }
        let passes = [
            f.kind.is_none_or(|v| v == key.kind),
            f.language.is_none_or(|v| v == key.language),
            f.territory.is_none_or(|v| v == key.territory),
            f.audience.is_none_or(|v| holds(key.audiences, v)),
            f.theme.is_none_or(|v| holds(key.themes, v)),
        ];
        self.count_facets(key, passes);
        if !passes.iter().all(|p| *p) {
            return;
        }
        self.found.total += 1;
        let base = base + near_bonus(&mut self.near_always, doc);
        let upper = base + self.near_max;
        let mut score = None;
        if let Some(c) = self.cursor {
            // Only what comes after the cursor in result order: a lower score, or the same and older.
            if base.total_cmp(&c.score) == Ordering::Greater {
                return;
            }
            if upper.total_cmp(&c.score) != Ordering::Less {
                let s = self.full_score(doc, base);
                match s.total_cmp(&c.score) {
                    Ordering::Greater => return,
                    Ordering::Equal if self.created.get_val(doc) >= c.created => return,
                    _ => {}
                }
                score = Some(s);
            }
        }
        self.found.after_cursor += 1;
        self.keep(doc, base, upper, score);
    }

    fn harvest(mut self) -> Found {
        self.found.hits = self.heap.into_iter().map(|std::cmp::Reverse((k, d))| (k, DocAddress::new(self.segment, d))).collect();
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_fits_its_place_in_the_facet_key() {
        assert!(ResourceType::ALL.len() < 256 && Territory::ALL.len() < 256 && Language::ALL.len() < 16);
        // Codes start at 1, so a bit set of n bits holds codes 1..n-1.
        assert!(Audience::ALL.len() < AUDIENCE_BITS as usize && Theme::ALL.len() < THEME_BITS as usize);
        let key = FacetKey {
            doc_kind: 2,
            kind: ResourceType::ALL.len() as u64,
            language: Language::ALL.len() as u64,
            territory: Territory::ALL.len() as u64,
            audiences: FacetKey::mask(&[1, Audience::ALL.len() as u64]),
            themes: FacetKey::mask(&[1, 3, Theme::ALL.len() as u64]),
        };
        assert_eq!(FacetKey::unpack(key.pack()), key);
        assert!(holds(key.themes, 3) && !holds(key.themes, 2) && !holds(key.themes, 99));
        let mut counts = vec![0; 8];
        count_set(&mut counts, FacetKey::mask(&[1, 3]));
        assert_eq!(counts, [0, 1, 0, 1, 0, 0, 0, 0]);
    }
}
