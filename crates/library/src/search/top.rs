//! The page of a query of words, found without scoring most documents.
//!
//! A query of common words matches most of a large library, but only the
//! page's documents need a score. Like Meilisearch's buckets (the words a
//! document matches rank first, so documents matching fewer words are never
//! scored once enough match more), and more finely: each way a word matches
//! (a [`Leaf`]) has a known most it can add ([`Bound`]), so once the page holds
//! `limit + 1` documents, a document whose best possible score is below the
//! last of them cannot enter it. The search then walks only the "essential"
//! leaves (those a document must match to possibly score enough: typically
//! the words in titles) and scores a document only when its bound, sharpened
//! by what it is seen to match, still reaches the page; the other leaves are
//! looked at for those documents alone. The bounds are exact (never below a
//! score), so the page is the one scoring every document gives, same order
//! and same ties (a test compares them); the total and the facet counts come
//! from a separate pass without scores ([`super::collector::FacetCollector`]).

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::columnar::ColumnValues;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, QueryClone, Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use super::collector::{FacetKey, Filters, SortKey};
use super::query::{Near, Slot};

/// The best documents after the cursor.
#[derive(Debug, Default)]
pub struct Page {
    /// The page, best first.
    pub hits: Vec<(SortKey, DocAddress)>,
    /// Whether more documents come after the page.
    pub more: bool,
    /// Documents whose score was computed (for the benchmark and the tests).
    pub scored: u64,
}

/// The documents a query of words matches, for counting them without
/// scores: the union of its words' leaves (a stem's BM25 slot matches what
/// its word's leaf of the same term in the text does, so it is left out).
pub fn matching(slots: &[Slot]) -> Box<dyn Query> {
    let mut leaves: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for slot in slots {
        if let Slot::Best(best) = slot {
            leaves.extend(best.iter().map(|l| (Occur::Should, l.query.box_clone())));
        }
    }
    Box::new(BooleanQuery::new(leaves))
}

/// Whether a bound is surely below the page's threshold: a margin far above
/// any rounding, so a bound summed in another order than a score still holds.
fn below(bound: Score, threshold: Score) -> bool {
    bound + bound.abs() * 1e-5 + 1e-3 < threshold
}

/// A leaf's weight and bound.
type LeafWeight = (Box<dyn Weight>, Score);
/// A phrase of proximity's weight, bonus, whether looked at always, and the leaves it requires.
type NearWeight = (Box<dyn Weight>, Score, bool, Vec<(usize, usize)>);

/// The weights of a search, made once for every segment.
struct Plan {
    /// Per slot: whether it takes the best of its leaves, and its leaves.
    slots: Vec<(bool, Vec<LeafWeight>)>,
    near: Vec<NearWeight>,
}

/// One leaf in a segment.
struct LeafState {
    scorer: Box<dyn Scorer>,
    max: Score,
    cost: u64,
    /// Walked to find candidates.
    essential: bool,
}

/// One phrase of proximity in a segment.
struct NearState {
    scorer: Box<dyn Scorer>,
    bonus: Score,
    always: bool,
    /// Indexes in the segment's leaves.
    requires: Vec<usize>,
}

/// Where a leaf stands against the document looked at.
#[derive(Clone, Copy, PartialEq)]
enum Seen {
    Matches,
    Misses,
    /// Not looked at yet: it may match.
    Unknown,
}

fn seen(scorer: &dyn Scorer, doc: DocId) -> Seen {
    match scorer.doc().cmp(&doc) {
        Ordering::Equal => Seen::Matches,
        Ordering::Greater => Seen::Misses,
        Ordering::Less => Seen::Unknown,
    }
}

/// Moves `scorer` to `doc` unless it is already there or beyond.
fn reach(scorer: &mut dyn Scorer, doc: DocId) {
    if scorer.doc() < doc {
        scorer.seek(doc);
    }
}

/// The page's best `cap` keys so far: a min-heap in result order (best key
/// first, then the first document), whose top is the page's last.
struct Best {
    cap: usize,
    heap: BinaryHeap<Reverse<(SortKey, Reverse<DocAddress>)>>,
}

impl Best {
    /// The score a document must reach to enter, once the heap is full.
    fn threshold(&self) -> Option<Score> {
        (self.heap.len() >= self.cap).then(|| self.heap.peek().map(|Reverse((k, _))| k.score)).flatten()
    }

    fn offer(&mut self, key: SortKey, address: DocAddress) -> bool {
        // In result order (among equal keys the first document first), whatever order documents come in.
        let entry = (key, Reverse(address));
        if self.heap.len() < self.cap {
            self.heap.push(Reverse(entry));
            return true;
        }
        match self.heap.peek() {
            Some(Reverse(worst)) if entry > *worst => {
                self.heap.pop();
                self.heap.push(Reverse(entry));
                true
            }
            _ => false,
        }
    }
}

/// The best `limit` documents of `slots` and `near` (see the module
/// documentation) passing `filters` and coming after `cursor`.
pub fn page(
    searcher: &Searcher,
    slots: &[Slot],
    near: &[Near],
    filters: Filters,
    limit: usize,
    cursor: Option<SortKey>,
) -> tantivy::Result<Page> {
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let mut plan = Plan { slots: Vec::new(), near: Vec::new() };
    for slot in slots {
        let (best, leaves) = match slot {
            Slot::Best(leaves) => (true, leaves.iter().collect::<Vec<_>>()),
            Slot::Sum(leaf) => (false, vec![leaf]),
        };
        let mut weights = Vec::with_capacity(leaves.len());
        for leaf in leaves {
            weights.push((leaf.query.weight(scoring)?, leaf.bound.value(searcher)?));
        }
        plan.slots.push((best, weights));
    }
    for n in near {
        let weight = n.query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        plan.near.push((weight, n.bonus, n.always, n.requires.clone()));
    }
    // One more than the page, to tell whether a next page exists.
    let mut best = Best { cap: limit + 1, heap: BinaryHeap::new() };
    let mut scored = 0;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        // First the documents matching every word at its best (in titles,
        // typically): few, and near the top, they raise the page's
        // threshold before the walk over the rest.
        let mut seed = SegmentSearch::new(&plan, reader, ord as u32, filters, cursor)?;
        let seeded = seed.seed(&mut best);
        scored += seed.scored;
        let mut segment = SegmentSearch::new(&plan, reader, ord as u32, filters, cursor)?;
        segment.run(&mut best, &seeded);
        scored += segment.scored;
    }
    let mut hits: Vec<(SortKey, DocAddress)> = best.heap.into_iter().map(|Reverse((k, Reverse(a)))| (k, a)).collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let more = hits.len() > limit;
    hits.truncate(limit);
    Ok(Page { hits, more, scored })
}

/// The search in one segment.
struct SegmentSearch {
    ord: u32,
    filters: Filters,
    cursor: Option<SortKey>,
    leaves: Vec<LeafState>,
    /// Per slot: whether it takes the best of its leaves, and its leaves' range.
    slots: Vec<(bool, std::ops::Range<usize>)>,
    near: Vec<NearState>,
    facets: Arc<dyn ColumnValues<u64>>,
    created: Arc<dyn ColumnValues<u64>>,
    alive: Option<tantivy::fastfield::AliveBitSet>,
    /// The threshold the essential leaves were last chosen for.
    chosen_for: Option<Score>,
    scored: u64,
}

impl SegmentSearch {
    fn new(plan: &Plan, reader: &SegmentReader, ord: u32, filters: Filters, cursor: Option<SortKey>) -> tantivy::Result<Self> {
        let mut leaves = Vec::new();
        let mut slots = Vec::new();
        let mut index_of = Vec::new();
        for (best, weights) in &plan.slots {
            let start = leaves.len();
            let mut indexes = Vec::new();
            for (weight, max) in weights {
                let scorer = weight.scorer(reader, 1.0)?;
                indexes.push(leaves.len());
                leaves.push(LeafState { cost: scorer.cost(), scorer, max: *max, essential: true });
            }
            index_of.push(indexes);
            slots.push((*best, start..leaves.len()));
        }
        let mut near = Vec::new();
        for (weight, bonus, always, requires) in &plan.near {
            let scorer = weight.scorer(reader, 1.0)?;
            // A phrase with no document in this segment costs nothing.
            if scorer.doc() != TERMINATED {
                let requires = requires.iter().filter_map(|(s, l)| index_of.get(*s).and_then(|i| i.get(*l)).copied()).collect();
                near.push(NearState { scorer, bonus: *bonus, always: *always, requires });
            }
        }
        let ff = reader.fast_fields();
        Ok(Self {
            ord,
            filters,
            cursor,
            leaves,
            slots,
            near,
            // Every document has both values: read them without the optional index.
            facets: ff.u64("facets")?.first_or_default_col(0),
            created: ff.u64("created")?.first_or_default_col(0),
            alive: reader.alive_bitset().cloned(),
            chosen_for: None,
            scored: 0,
        })
    }

    /// The most a document can score given what each leaf is seen to do
    /// (`seen`), with every phrase of proximity it may match, summed as the
    /// score is (so the rounding is the same).
    fn bound(&self, seen: impl Fn(usize) -> Seen) -> Score {
        let mut words: Score = 0.0;
        for (best, range) in &self.slots {
            let mut top: Option<Score> = None;
            for i in range.clone() {
                if seen(i) != Seen::Misses {
                    top = Some(top.map_or(self.leaves[i].max, |t: Score| t.max(self.leaves[i].max)));
                }
                if !best {
                    break;
                }
            }
            if let Some(t) = top {
                words += t;
            }
        }
        let (mut always, mut lazy): (Score, Score) = (0.0, 0.0);
        for n in &self.near {
            if n.requires.iter().all(|&i| seen(i) != Seen::Misses) {
                if n.always { always += n.bonus } else { lazy += n.bonus }
            }
        }
        words + always + lazy
    }

    /// Makes leaves not essential, the costliest first, while a document
    /// matching none of the essential ones still cannot reach `threshold`.
    fn choose_essential(&mut self, threshold: Score) {
        if self.chosen_for.is_some_and(|t| t >= threshold) {
            return;
        }
        self.chosen_for = Some(threshold);
        let mut order: Vec<usize> = (0..self.leaves.len()).filter(|&i| self.leaves[i].essential).collect();
        order.sort_by_key(|&i| Reverse(self.leaves[i].cost));
        for i in order {
            self.leaves[i].essential = false;
            let outside = self.bound(|j| {
                let l = &self.leaves[j];
                if l.essential || l.scorer.doc() == TERMINATED { Seen::Misses } else { Seen::Unknown }
            });
            if !below(outside, threshold) {
                self.leaves[i].essential = true;
            }
        }
    }

    /// Considers the documents matching the best leaf of every word (the
    /// intersection of those leaves); gives them, in order.
    fn seed(&mut self, best: &mut Best) -> Vec<DocId> {
        let mut tops = Vec::new();
        for (is_best, range) in &self.slots {
            let top = range
                .clone()
                .filter(|&i| *is_best && self.leaves[i].scorer.doc() != TERMINATED)
                .max_by(|&a, &b| self.leaves[a].max.total_cmp(&self.leaves[b].max));
            tops.extend(top);
        }
        let mut seeded = Vec::new();
        if tops.is_empty() {
            return seeded;
        }
        let mut target: DocId = 0;
        'next: loop {
            for &i in &tops {
                let scorer = &mut *self.leaves[i].scorer;
                reach(scorer, target);
                let doc = scorer.doc();
                if doc == TERMINATED {
                    return seeded;
                }
                if doc > target {
                    target = doc;
                    continue 'next;
                }
            }
            if self.alive.as_ref().is_none_or(|a| a.is_alive(target)) {
                self.consider(target, best);
            }
            seeded.push(target);
            target += 1;
        }
    }

    /// Considers every document that could make the page, but those of `seeded` (already considered).
    fn run(&mut self, best: &mut Best, seeded: &[DocId]) {
        if let Some(t) = best.threshold() {
            self.choose_essential(t);
        }
        let mut seeded = seeded.iter().peekable();
        loop {
            let doc = self.leaves.iter().filter(|l| l.essential).map(|l| l.scorer.doc()).min().unwrap_or(TERMINATED);
            if doc == TERMINATED {
                return;
            }
            while seeded.next_if(|&&d| d < doc).is_some() {}
            let done = seeded.next_if(|&&d| d == doc).is_some();
            if !done && self.alive.as_ref().is_none_or(|a| a.is_alive(doc)) {
                self.consider(doc, best);
            }
            for l in self.leaves.iter_mut().filter(|l| l.essential && l.scorer.doc() == doc) {
                l.scorer.advance();
            }
        }
    }

    /// Whether the document passes every filter.
    fn passes(&self, doc: DocId) -> bool {
        let key = FacetKey::unpack(self.facets.get_val(doc));
        let f = self.filters;
        f.doc_kind.is_none_or(|v| v == key.doc_kind)
            && f.kind.is_none_or(|v| v == key.kind)
            && f.language.is_none_or(|v| v == key.language)
            && f.territory.is_none_or(|v| v == key.territory)
            && f.audience.is_none_or(|v| v < 64 && key.audiences & (1 << v) != 0)
            && f.theme.is_none_or(|v| v < 64 && key.themes & (1 << v) != 0)
    }

    /// Scores the document and offers it to the page when it could enter.
    fn consider(&mut self, doc: DocId, best: &mut Best) {
        let threshold = best.threshold();
        let could = |bound: Score| threshold.is_none_or(|t| !below(bound, t));
        if !could(self.bound(|i| seen(&*self.leaves[i].scorer, doc))) || !self.passes(doc) {
            return;
        }
        // Every leaf on the document: the words' score exactly, summed in
        // the query's order as tantivy sums its clauses.
        for l in &mut self.leaves {
            reach(&mut *l.scorer, doc);
        }
        self.scored += 1;
        let mut words: Score = 0.0;
        for (is_best, range) in &self.slots {
            let mut matched = false;
            let mut top: Score = 0.0;
            for l in &mut self.leaves[range.clone()] {
                if l.scorer.doc() == doc {
                    matched = true;
                    let s = l.scorer.score();
                    top = if *is_best { Score::max(s, top) } else { s };
                }
            }
            if matched {
                words += top;
            }
        }
        // What the phrases can add, now that the words are known.
        let (mut always_max, mut lazy_max): (Score, Score) = (0.0, 0.0);
        for n in &self.near {
            if n.requires.iter().all(|&i| self.leaves[i].scorer.doc() == doc) {
                if n.always { always_max += n.bonus } else { lazy_max += n.bonus }
            }
        }
        if !could(words + always_max + lazy_max) {
            return;
        }
        let mut always: Score = 0.0;
        for n in self.near.iter_mut().filter(|n| n.always) {
            if n.requires.iter().all(|&i| self.leaves[i].scorer.doc() == doc) {
                reach(&mut *n.scorer, doc);
                if n.scorer.doc() == doc {
                    always += n.bonus;
                }
            }
        }
        let base = words + always;
        if let Some(c) = self.cursor
            && base.total_cmp(&c.score) == Ordering::Greater
        {
            // Before the cursor whatever the phrases add.
            return;
        }
        if !could(base + lazy_max) {
            return;
        }
        let mut lazy: Score = 0.0;
        for n in self.near.iter_mut().filter(|n| !n.always) {
            if n.requires.iter().all(|&i| self.leaves[i].scorer.doc() == doc) {
                reach(&mut *n.scorer, doc);
                if n.scorer.doc() == doc {
                    lazy += n.bonus;
                }
            }
        }
        let score = base + lazy;
        let created = self.created.get_val(doc);
        if let Some(c) = self.cursor {
            match score.total_cmp(&c.score) {
                Ordering::Greater => return,
                Ordering::Equal if created >= c.created => return,
                _ => {}
            }
        }
        if best.offer(SortKey { score, created }, DocAddress::new(self.ord, doc))
            && let Some(t) = best.threshold()
        {
            self.choose_essential(t);
        }
    }
}
