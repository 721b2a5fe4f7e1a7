//! Snippets: the best stretch of a hit's text, with the query's terms marked.
//!
//! The fragments are chosen as tantivy's `SnippetGenerator` chooses them
//! (windows of [`FRAGMENT_BYTES`] cut at the words the analyzer keeps, the
//! one whose marked terms weigh most, the first of equals), but a text is
//! not run through the analyzer for every hit: what each word analyses to
//! is remembered, once for all searches, in a [`WordMemo`]. The same words
//! come back in every text, and analysing them again (lower case, common
//! words, stemming, folding) was most of the CPU of a search.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{LazyLock, RwLock};

use rustc_hash::FxHashMap;
use tantivy::Score;
use tantivy::tokenizer::TextAnalyzer;

use super::analyzers;

/// How much of a text is looked at for its snippet. Analysing whole PDFs for
/// every hit of every page was most of a search's CPU; a match further in
/// gives a hit without a snippet, and the card shows its summary instead.
pub const SNIPPET_SCAN_BYTES: usize = 16 * 1024;

/// The longest stretch of text a snippet shows, in bytes.
pub const FRAGMENT_BYTES: usize = 180;

/// The start of `text`, at most [`SNIPPET_SCAN_BYTES`], cut between characters.
pub fn window(text: &str) -> &str {
    if text.len() <= SNIPPET_SCAN_BYTES {
        return text;
    }
    let mut end = SNIPPET_SCAN_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Words remembered per language before the memo starts again (a few MiB).
const WORDS_KEPT: usize = 200_000;

/// The id of "dropped by the analyzer" (a common word, or one too long to index).
const DROPPED: u32 = u32::MAX;

/// What each word seen in a text analyses to in one language, shared by
/// every search: read under a read lock once per text, written only for
/// words never seen before. Terms are numbered so that a word is matched
/// against the query's terms by comparing numbers.
#[derive(Default)]
struct LanguageMemo {
    /// Each word as written, with the id of its term (or [`DROPPED`]).
    words: FxHashMap<Box<str>, u32>,
    /// Each term, with its id.
    terms: FxHashMap<Box<str>, u32>,
}

impl LanguageMemo {
    /// Remembers that `word` analyses to `term` (`None`: dropped).
    fn learn(&mut self, word: &str, term: Option<&str>) {
        let id = match term {
            None => DROPPED,
            Some(t) => match self.terms.get(t) {
                Some(id) => *id,
                None => {
                    let id = self.terms.len() as u32;
                    self.terms.insert(t.into(), id);
                    id
                }
            },
        };
        self.words.insert(word.into(), id);
    }
}

/// The memo of the three languages (indices of [`super::index::LANGS`]).
static MEMO: LazyLock<[RwLock<LanguageMemo>; 3]> = LazyLock::new(Default::default);

/// One word of a text as the snippet sees it.
#[derive(Clone, Copy)]
enum Word {
    /// Dropped by the analyzer: it neither ends a fragment nor is marked.
    Dropped,
    /// Kept, with the weight of its term when it is one of the query's.
    Kept(Option<Score>),
    /// Not in the memo yet.
    Unknown,
}

/// A text's words (byte ranges) and what each is, reused from hit to hit.
#[derive(Default)]
struct Scratch {
    words: Vec<(Range<usize>, Word)>,
    unknown: Vec<usize>,
    /// The query's terms by id, with their weights.
    marked: Vec<(u32, Score)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    /// The analyzers of the text fields, by language, for the words the memo does not know yet.
    static ANALYZERS: std::cell::RefCell<[TextAnalyzer; 3]> =
        std::cell::RefCell::new([analyzers::french(), analyzers::arabic(), analyzers::english()]);
}

/// Whether a character starts a word, and whether it belongs to one, as
/// [`analyzers::starts_word`] and [`analyzers::in_word`] say, answered at
/// once for the letters of French and Arabic texts (a test checks every
/// character against the general rule).
#[inline]
fn class(c: char) -> (bool, bool) {
    match c as u32 {
        0xD7 | 0xF7 => (false, false),
        0xC0..=0x24F | 0x621..=0x63A | 0x641..=0x64A | 0x660..=0x669 => (true, true),
        // The tatweel and the Arabic diacritics stay inside a word.
        0x640 | 0x64B..=0x65F => (false, true),
        _ => (analyzers::starts_word(c), analyzers::in_word(c)),
    }
}

/// The byte ranges of the words of `text`, cut as [`analyzers::WordTokenizer`]
/// cuts them, looking at bytes where the text is ASCII (most of it, even in
/// French), at characters elsewhere.
fn for_each_word(text: &str, mut f: impl FnMut(Range<usize>)) {
    let bytes = text.as_bytes();
    let char_at = |i: usize| text[i..].chars().next().unwrap_or(' ');
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            if !b.is_ascii_alphanumeric() {
                continue;
            }
        } else {
            let c = char_at(i);
            i += c.len_utf8();
            if !class(c).0 {
                continue;
            }
        }
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                i += 1;
            } else {
                let c = char_at(i);
                if !class(c).1 {
                    break;
                }
                i += c.len_utf8();
            }
        }
        f(start..i);
    }
}

/// The terms a snippet marks, with their weights.
pub type Terms = BTreeMap<String, Score>;

/// The snippet of `text` (a hit's text in language `lang`, an index of
/// [`super::index::LANGS`]) for `terms`, as HTML with the terms in
/// `<mark>`; `None` when no term is in the first [`SNIPPET_SCAN_BYTES`].
pub fn snippet(lang: usize, text: &str, terms: &Terms) -> Option<String> {
    fragment(lang, text, terms).map(|f| f.html)
}

/// [`snippet`] as a card shows it: with `…` where the text goes on before
/// or after the fragment (which starts and ends on whole words).
pub fn snippet_with_ellipses(lang: usize, text: &str, terms: &Terms) -> Option<String> {
    let f = fragment(lang, text, terms)?;
    let before = if text[..f.start].trim().is_empty() { "" } else { "…" };
    let after = if text[f.stop..].trim().is_empty() { "" } else { "…" };
    Some(format!("{before}{}{after}", f.html))
}

/// The best fragment of `text` for `terms`: its HTML and where it is in `text`.
struct Chosen {
    html: String,
    start: usize,
    stop: usize,
}

fn fragment(lang: usize, text: &str, terms: &Terms) -> Option<Chosen> {
    if terms.is_empty() {
        return None;
    }
    let text = window(text);
    SCRATCH.with(|s| {
        let s = &mut *s.borrow_mut();
        s.words.clear();
        s.unknown.clear();
        {
            let memo = MEMO[lang].read().unwrap_or_else(|p| p.into_inner());
            // The query's terms the memo knows, by id (the others can only be
            // the terms of words it has not seen).
            s.marked.clear();
            s.marked.extend(terms.iter().filter_map(|(t, w)| memo.terms.get(t.as_str()).map(|id| (*id, *w))));
            let marked = &s.marked;
            let words = &mut s.words;
            for_each_word(text, |r| {
                let word = match memo.words.get(&text[r.clone()]) {
                    Some(&DROPPED) => Word::Dropped,
                    Some(id) => Word::Kept(marked.iter().find(|(m, _)| m == id).map(|(_, w)| *w)),
                    None => Word::Unknown,
                };
                words.push((r, word));
            });
        }
        for (i, (_, w)) in s.words.iter().enumerate() {
            if matches!(w, Word::Unknown) {
                s.unknown.push(i);
            }
        }
        if !s.unknown.is_empty() {
            let mut learnt: Vec<(usize, Option<String>)> = Vec::with_capacity(s.unknown.len());
            ANALYZERS.with(|a| {
                let analyzer = &mut a.borrow_mut()[lang];
                for &i in &s.unknown {
                    let term = analyse(analyzer, &text[s.words[i].0.clone()]);
                    s.words[i].1 = match &term {
                        None => Word::Dropped,
                        Some(t) => Word::Kept(terms.get(t).copied()),
                    };
                    learnt.push((i, term));
                }
            });
            let mut memo = MEMO[lang].write().unwrap_or_else(|p| p.into_inner());
            if memo.words.len() + learnt.len() > WORDS_KEPT {
                *memo = LanguageMemo::default();
            }
            for (i, term) in &learnt {
                memo.learn(&text[s.words[*i].0.clone()], term.as_deref());
            }
        }
        best_fragment(text, &s.words)
    })
}

/// What `analyzer` makes of one word: the same as of that word inside a
/// text, since every filter works on one token at a time.
fn analyse(analyzer: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut terms = analyzers::terms(analyzer, word);
    // tantivy's snippets compared terms in lower case; so do these.
    terms.pop().map(|t| t.to_lowercase())
}

/// A window of the text and the weight of the terms it marks.
struct Fragment {
    score: Score,
    start: usize,
    stop: usize,
    marked: Range<usize>,
}

/// The fragment whose terms weigh most (the first of equals), as HTML.
fn best_fragment(text: &str, words: &[(Range<usize>, Word)]) -> Option<Chosen> {
    let mut best: Option<Fragment> = None;
    let mut current = Fragment { score: 0.0, start: 0, stop: 0, marked: 0..0 };
    let finish = |f: &Fragment, best: &mut Option<Fragment>| {
        if f.score > 0.0 && best.as_ref().is_none_or(|b| f.score > b.score) {
            *best = Some(Fragment { score: f.score, start: f.start, stop: f.stop, marked: f.marked.clone() });
        }
    };
    for (i, (r, w)) in words.iter().enumerate() {
        let Word::Kept(weight) = *w else { continue };
        if r.end - current.start > FRAGMENT_BYTES {
            finish(&current, &mut best);
            current = Fragment { score: 0.0, start: r.start, stop: r.start, marked: i..i };
        }
        current.stop = r.end;
        current.marked.end = i + 1;
        current.score += weight.unwrap_or(0.0);
    }
    finish(&current, &mut best);
    let best = best?;
    let mut html = String::with_capacity(best.stop - best.start + 64);
    let mut from = best.start;
    for (r, w) in &words[best.marked.clone()] {
        if matches!(w, Word::Kept(Some(_))) {
            escape_into(&mut html, &text[from..r.start]);
            html.push_str("<mark>");
            escape_into(&mut html, &text[r.clone()]);
            html.push_str("</mark>");
            from = r.end;
        }
    }
    escape_into(&mut html, &text[from..best.stop]);
    Some(Chosen { html, start: best.start, stop: best.stop })
}

/// Appends `s` escaped for HTML text and attributes (the five characters tantivy's snippets escaped).
fn escape_into(out: &mut String, s: &str) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'"' => "&quot;",
            b'&' => "&amp;",
            b'\'' => "&#x27;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&s[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::snippet::SnippetGenerator;
    use tantivy::tokenizer::TextAnalyzer;

    /// tantivy's snippet of the same text, as the index made it before.
    fn tantivy_snippet(analyzer: TextAnalyzer, text: &str, terms: &Terms) -> Option<String> {
        let g = SnippetGenerator::new(terms.clone(), analyzer, tantivy::schema::Field::from_field_id(0), FRAGMENT_BYTES);
        let mut s = g.snippet(window(text));
        if s.highlighted().is_empty() {
            return None;
        }
        s.set_snippet_prefix_postfix("<mark>", "</mark>");
        Some(s.to_html())
    }

    fn terms_of(analyzer: &mut TextAnalyzer, words: &[(&str, Score)]) -> Terms {
        words.iter().flat_map(|(w, s)| analyzers::terms(analyzer, w).into_iter().map(move |t| (t, *s))).collect()
    }

    const FRENCH_TEXT: &str = "Le signalement d'un enfant en danger : qui signale, à qui, comment ? \
        Tout professionnel qui constate des signes de maltraitance doit signaler la situation. \
        Les signalements sont transmis au parquet et à l'unité de protection de l'enfance (UPE). \
        L'évaluation de la situation précède la prise en charge ; « écoute » & <accueil> d'abord. \
        Signalement, SIGNALEMENTS, signalé : la même racine, marquée partout où elle revient dans le texte.";

    const ARABIC_TEXT: &str = "حماية الأطفال من العنف مسؤولية الجميع. يجب على كل مهني يلاحظ علامات العُنْف \
        أن يبلغ عن الحالة. تُحال التبليغات إلى النيابة العامة وإلى وحدة حماية الطفولة. الحمايه والتكفل.";

    /// A field, its analyzer, a text and the weighted query terms.
    type Case = (usize, fn() -> TextAnalyzer, &'static str, Vec<(&'static str, Score)>);

    #[test]
    fn the_same_snippets_as_tantivy() {
        let cases: Vec<Case> = vec![
            (0, analyzers::french, FRENCH_TEXT, vec![("signalement", 1.0)]),
            (0, analyzers::french, FRENCH_TEXT, vec![("protection", 1.0), ("enfance", 0.5), ("écoute", 1.0)]),
            (0, analyzers::french, FRENCH_TEXT, vec![("accueil", 1.0)]),
            (0, analyzers::french, FRENCH_TEXT, vec![("absent", 1.0)]),
            (1, analyzers::arabic, ARABIC_TEXT, vec![("العنف", 1.0)]),
            (1, analyzers::arabic, ARABIC_TEXT, vec![("الحماية", 1.0), ("الطفل", 0.5)]),
            (2, analyzers::english, "Child protection: reporting abuse, protecting children.", vec![("protect", 1.0)]),
        ];
        for (lang, analyzer, text, words) in cases {
            let terms = terms_of(&mut analyzer(), &words);
            let expected = tantivy_snippet(analyzer(), text, &terms);
            // Twice: the first run learns the words, the second reads them from the memo.
            for _ in 0..2 {
                assert_eq!(snippet(lang, text, &terms), expected, "{words:?}");
            }
        }
    }

    #[test]
    fn long_texts_are_cut_and_fragments_stay_short() {
        let mut a = analyzers::french();
        let terms = terms_of(&mut a, &[("signalement", 1.0)]);
        let filler = "mot ".repeat(SNIPPET_SCAN_BYTES / 4);
        let late = format!("{filler} signalement");
        assert_eq!(snippet(0, &late, &terms), None, "a match past the scanned start gives no snippet");
        let early = format!("signalement {filler}");
        let s = snippet(0, &early, &terms).unwrap();
        assert!(s.starts_with("<mark>signalement</mark>") && s.len() <= FRAGMENT_BYTES + 13, "{s}");
        assert_eq!(snippet(0, &early, &Terms::new()), None);
    }

    #[test]
    fn words_are_cut_as_the_analyzers_cut_them() {
        use tantivy::tokenizer::{TokenStream, Tokenizer};
        let text = "L'UPE — «signalé» العُنْف، ـالطفل x2 e\u{301}cole 42";
        let mut expected = Vec::new();
        let mut t = analyzers::WordTokenizer::default();
        let mut stream = t.token_stream(text);
        while stream.advance() {
            expected.push(stream.token().offset_from..stream.token().offset_to);
        }
        let mut words = Vec::new();
        for_each_word(text, |r| words.push(r));
        assert_eq!(words, expected);
    }

    #[test]
    fn the_quick_classes_are_the_general_rule() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(class(c), (analyzers::starts_word(c), analyzers::in_word(c)), "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ellipses_say_the_text_goes_on() {
        let term = ANALYZERS.with(|a| analyse(&mut a.borrow_mut()[0], "écoute")).unwrap();
        let terms: Terms = [(term, 1.0)].into_iter().collect();
        let long = format!("{} l'écoute active {}", "début ".repeat(40), "suite ".repeat(40));
        let s = snippet_with_ellipses(0, &long, &terms).unwrap();
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>"), "{s}");
        let short = "l'écoute active";
        assert_eq!(snippet_with_ellipses(0, short, &terms), snippet(0, short, &terms));
    }

    #[test]
    fn text_is_escaped() {
        let mut out = String::new();
        escape_into(&mut out, r#"<a href="x">l'été & co</a>"#);
        assert_eq!(out, "&lt;a href=&quot;x&quot;&gt;l&#x27;été &amp; co&lt;/a&gt;");
    }
}
