//! One pass over the documents matching the text query collects, at once:
//! the page of results that pass every filter (after the keyset cursor), the
//! number of such results, and for each facet the counts of its values among
//! the documents that pass every *other* filter — so a facet shows what
//! choosing another of its values would give.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::vocab;

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
            kind: vec![0; vocab::TYPES.len() + 1],
            audience: vec![0; vocab::AUDIENCES.len() + 1],
            language: vec![0; vocab::LANGUAGES.len() + 1],
            territory: vec![0; vocab::TERRITORIES.len() + 1],
            theme: vec![0; vocab::THEMES.len() + 1],
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
}

/// Per-segment part of [`LibraryCollector`].
pub struct LibrarySegmentCollector {
    segment: SegmentOrdinal,
    filters: Filters,
    limit: usize,
    cursor: Option<SortKey>,
    kind: Column<u64>,
    language: Column<u64>,
    territory: Column<u64>,
    audience: Column<u64>,
    theme: Column<u64>,
    created: Column<u64>,
    doc_kind: Column<u64>,
    // A min-heap of the best `limit` keys seen (Reverse order).
    heap: BinaryHeap<std::cmp::Reverse<(SortKey, DocId)>>,
    found: Found,
    audience_buf: Vec<u64>,
    theme_buf: Vec<u64>,
}

impl Collector for LibraryCollector {
    type Fruit = Found;
    type Child = LibrarySegmentCollector;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<LibrarySegmentCollector> {
        let ff = reader.fast_fields();
        Ok(LibrarySegmentCollector {
            segment,
            filters: self.filters,
            limit: self.limit,
            cursor: self.cursor,
            kind: ff.u64("type_code")?,
            language: ff.u64("lang_code")?,
            territory: ff.u64("territory_code")?,
            audience: ff.u64("audience_codes")?,
            theme: ff.u64("theme_codes")?,
            created: ff.u64("created")?,
            doc_kind: ff.u64("doc_kind")?,
            heap: BinaryHeap::new(),
            found: Found::default(),
            audience_buf: Vec::with_capacity(5),
            theme_buf: Vec::with_capacity(5),
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
    /// value of it would find. Audiences and themes are in their buffers.
    fn count_facets(&mut self, kind: u64, language: u64, territory: u64, passes: [bool; 5]) {
        let all_but = |i: usize| passes.iter().enumerate().all(|(j, p)| j == i || *p);
        let facets = &mut self.found.facets;
        for (i, (counts, value)) in
            [(&mut facets.kind, kind), (&mut facets.language, language), (&mut facets.territory, territory)].into_iter().enumerate()
        {
            if all_but(i)
                && let Some(c) = counts.get_mut(value as usize)
            {
                *c += 1;
            }
        }
        for (i, counts, values) in [(3, &mut facets.audience, &self.audience_buf), (4, &mut facets.theme, &self.theme_buf)] {
            if all_but(i) {
                for v in values {
                    if let Some(c) = counts.get_mut(*v as usize) {
                        *c += 1;
                    }
                }
            }
        }
    }

    /// Keeps the document among the page's best `limit`.
    fn keep(&mut self, key: SortKey, doc: DocId) {
        if self.heap.len() < self.limit {
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

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(k) = self.filters.doc_kind
            && self.doc_kind.first(doc) != Some(k)
        {
            return;
        }
        let kind = self.kind.first(doc).unwrap_or(0);
        let language = self.language.first(doc).unwrap_or(0);
        let territory = self.territory.first(doc).unwrap_or(0);
        self.audience_buf.clear();
        self.audience_buf.extend(self.audience.values_for_doc(doc));
        self.theme_buf.clear();
        self.theme_buf.extend(self.theme.values_for_doc(doc));
        let f = self.filters;
        let passes = [
            f.kind.is_none_or(|v| v == kind),
            f.language.is_none_or(|v| v == language),
            f.territory.is_none_or(|v| v == territory),
            f.audience.is_none_or(|v| self.audience_buf.contains(&v)),
            f.theme.is_none_or(|v| self.theme_buf.contains(&v)),
        ];
        self.count_facets(kind, language, territory, passes);
        if !passes.iter().all(|p| *p) {
            return;
        }
        self.found.total += 1;
        let key = SortKey { score, created: self.created.first(doc).unwrap_or(0) };
        if self.cursor.is_some_and(|c| key >= c) {
            return;
        }
        self.found.after_cursor += 1;
        self.keep(key, doc);
    }

    fn harvest(mut self) -> Found {
        self.found.hits = self.heap.into_iter().map(|std::cmp::Reverse((k, d))| (k, DocAddress::new(self.segment, d))).collect();
        self.found
    }
}
