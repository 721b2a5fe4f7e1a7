//! Text analysis for French, Arabic and English, so that people find what
//! they type the way they type it: with or without accents, singular or
//! plural, in Arabic with or without diacritics and with any alef or hamza.
//!
//! Words are cut by [`WordTokenizer`], which keeps combining marks and the
//! tatweel inside a word (Arabic diacritics are combining marks: a plain
//! alphanumeric tokenizer would cut "العُنْف" into pieces), then each
//! language's filters fold and stem.

use sanad_platform::folding::{self, is_arabic_variant, is_mark};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Registered analyzer names, by language code.
pub const FRENCH: &str = "sanad_fr";
/// Arabic analyzer name.
pub const ARABIC: &str = "sanad_ar";
/// English analyzer name.
pub const ENGLISH: &str = "sanad_en";
/// The analyzer of the surface-form fields: words as typed, folded, neither
/// stemmed nor stripped of common words (typos are matched on them).
pub const RAW: &str = "sanad_raw";

/// Whether `c` belongs to a word: a letter, a digit, or a combining mark.
pub fn in_word(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

/// Whether a word may start with `c` (a mark never starts one).
pub fn starts_word(c: char) -> bool {
    in_word(c) && !is_mark(c)
}

/// Cuts text into words: runs of letters and digits, with their combining marks.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

/// The stream of [`WordTokenizer`].
pub struct WordStream<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream { text, chars: text.char_indices(), token: &mut self.token }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        let start = loop {
            match self.chars.next() {
                Some((i, c)) if starts_word(c) => break i,
                Some(_) => continue,
                None => return false,
            }
        };
        let mut end = self.text.len();
        for (i, c) in self.chars.by_ref() {
            if !in_word(c) {
                end = i;
                break;
            }
        }
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.text.push_str(&self.text[start..end]);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Before stemming: removes diacritics and the tatweel, and writes the
/// final alef maqsura as yaa (people type either); the taa marbuta and the
/// hamza forms are left to the stemmer, whose rules need them.
pub fn strip_arabic_marks(word: &str) -> String {
    word.chars().filter(|c| !is_mark(*c)).map(|c| if c == 'ى' { 'ي' } else { c }).collect()
}

/// [`folding::fold_arabic`] (with `letters`) or [`strip_arabic_marks`] as a token filter.
#[derive(Clone, Copy, Default)]
pub struct ArabicFolding {
    /// Also fold letter variants (after stemming).
    pub letters: bool,
}

/// The tokenizer wrapped by [`ArabicFolding`].
#[derive(Clone)]
pub struct ArabicFoldingTokenizer<T>(T, bool);

/// The stream of [`ArabicFoldingTokenizer`].
pub struct ArabicFoldingStream<S>(S, bool);

impl TokenFilter for ArabicFolding {
    type Tokenizer<T: Tokenizer> = ArabicFoldingTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> ArabicFoldingTokenizer<T> {
        ArabicFoldingTokenizer(tokenizer, self.letters)
    }
}

impl<T: Tokenizer> Tokenizer for ArabicFoldingTokenizer<T> {
    type TokenStream<'a> = ArabicFoldingStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        ArabicFoldingStream(self.0.token_stream(text), self.1)
    }
}

impl<S: TokenStream> TokenStream for ArabicFoldingStream<S> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let letters = self.1;
        let token = self.0.token_mut();
        let marks = token.text.chars().any(|c| is_mark(c) || c == 'ى');
        if letters && (marks || token.text.chars().any(is_arabic_variant)) {
            token.text = folding::fold_arabic(&token.text);
        } else if marks {
            token.text = strip_arabic_marks(&token.text);
        }
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// French elided articles and pronouns (`l'`, `d'`, `qu'`...) become tokens of
/// their own with this tokenizer; they carry no meaning for search.
const FRENCH_ELISIONS: &[&str] = &["l", "d", "j", "m", "n", "s", "t", "c", "qu", "lorsqu", "puisqu", "jusqu", "quoiqu"];

const FRENCH_STOP_WORDS: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "du", "de", "et", "ou", "a", "au", "aux", "en", "dans", "par", "pour", "sur", "avec", "ce",
    "ces", "est", "sont", "qui", "que",
];

fn french_stop_words() -> Vec<String> {
    FRENCH_ELISIONS.iter().chain(FRENCH_STOP_WORDS).map(|s| s.to_string()).collect()
}

/// Common Arabic words, as the Arabic analyzer sees them before stemming
/// (diacritics out, final alef maqsura written as yaa).
const ARABIC_STOP_WORDS: &[&str] = &[
    "في",
    "من",
    "علي",
    "الي",
    "إلي",
    "عن",
    "مع",
    "او",
    "أو",
    "ثم",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "التي",
    "الذي",
    "الذين",
    "كل",
    "قد",
    "لا",
    "ما",
    "هو",
    "هي",
    "ان",
    "أن",
    "إن",
    "كان",
    "بين",
    "عند",
    "حتي",
    "لم",
    "لن",
    "و",
    "ب",
    "ل",
];

/// Whether `word` (one word as typed) carries no meaning for search in
/// French or Arabic: an elision, an article, a preposition...
pub fn is_stop_word(word: &str) -> bool {
    let lower = strip_arabic_marks(&word.to_lowercase());
    FRENCH_STOP_WORDS.contains(&lower.as_str()) || FRENCH_ELISIONS.contains(&lower.as_str()) || ARABIC_STOP_WORDS.contains(&lower.as_str())
}

/// Whether `word` is written in Arabic letters.
pub fn is_arabic(word: &str) -> bool {
    word.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c) || ('\u{0750}'..='\u{077F}').contains(&c))
}

/// The spellings of an Arabic word people use interchangeably at its end
/// (ه for ة, ي for ى): the stemmer treats them differently, so a query is
/// analysed in each spelling and matches any.
pub fn arabic_spellings(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    if let Some(stem) = word.strip_suffix('ه') {
        out.push(format!("{stem}ة"));
    }
    if let Some(stem) = word.strip_suffix('ي') {
        out.push(format!("{stem}ى"));
    }
    out
}

/// The analyzer of the surface-form fields (see [`RAW`]).
pub fn raw() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(ArabicFolding { letters: true })
        .filter(AsciiFoldingFilter)
        .build()
}

/// The French analyzer: words, lower case, elisions and common words out, stemming, accents folded.
pub fn french() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(french_stop_words()))
        .filter(CachedStemmer(Language::French))
        .filter(AsciiFoldingFilter)
        .build()
}

/// The Arabic analyzer: words, diacritics and tatweel out, stemming (which
/// also normalizes hamza forms), then alef/hamza/yaa/taa marbuta folded for
/// what the stemmer leaves.
pub fn arabic() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(ArabicFolding { letters: false })
        .filter(StopWordFilter::remove(ARABIC_STOP_WORDS.iter().map(|s| s.to_string())))
        .filter(CachedStemmer(Language::Arabic))
        .filter(ArabicFolding { letters: true })
        // Latin words inside Arabic text (acronyms, names of services) fold as elsewhere.
        .filter(AsciiFoldingFilter)
        .build()
}

/// The English analyzer: words, lower case, accents folded (English stems
/// are computed on unaccented words: "évaluation" and "evaluation" meet), stemming.
pub fn english() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer(Language::English))
        .build()
}

/// The terms an analyzer makes of `text`, with their positions (words
/// dropped as stop words leave gaps, which phrase queries must respect).
pub fn terms_with_positions(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push((t.position, t.text.clone()));
    }
    out
}

/// The terms an analyzer makes of `text`.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Words stemmed so far on this thread, by language; cleared when full.
type StemMemo = std::collections::HashMap<(Language, String), String>;
thread_local! {
    static STEMS: std::cell::RefCell<StemMemo> = std::cell::RefCell::new(StemMemo::new());
}
/// Words remembered per thread before the memo starts again (a few MiB).
const STEMS_KEPT: usize = 100_000;

/// tantivy's Snowball stemmer with a per-thread memo of the words already
/// stemmed. The same words come back in every text and every snippet, and
/// stemming them again was most of a search's CPU (a snippet is cut from a
/// whole text, which is analysed again for each hit).
#[derive(Clone, Copy, Debug)]
pub struct CachedStemmer(pub Language);

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { language: self.0, inner: tokenizer }
    }
}

/// [`CachedStemmer`] around a tokenizer.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    language: Language,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream { tail: self.inner.token_stream(text), language: self.language, stemmer: None }
    }
}

/// The tokens of [`CachedStemmerFilter`].
pub struct CachedStemmerStream<T> {
    tail: T,
    language: Language,
    /// Made on the first word the memo does not know.
    stemmer: Option<TextAnalyzer>,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let language = self.language;
        let stemmer = &mut self.stemmer;
        let token = self.tail.token_mut();
        STEMS.with(|memo| {
            let mut memo = memo.borrow_mut();
            let key = (language, std::mem::take(&mut token.text));
            if let Some(stem) = memo.get(&key) {
                token.text = stem.clone();
                return;
            }
            let analyzer = stemmer.get_or_insert_with(|| {
                TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
                    .filter(tantivy::tokenizer::Stemmer::new(language))
                    .build()
            });
            let stem = {
                let mut stream = analyzer.token_stream(&key.1);
                if stream.advance() { stream.token().text.clone() } else { key.1.clone() }
            };
            if memo.len() >= STEMS_KEPT {
                memo.clear();
            }
            token.text = stem.clone();
            memo.insert(key, stem);
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(text: &str) -> Vec<String> {
        terms(&mut french(), text)
    }

    fn ar(text: &str) -> Vec<String> {
        terms(&mut arabic(), text)
    }

    #[test]
    fn french_folds_accents_plurals_case_and_elisions() {
        assert_eq!(fr("Évaluation"), fr("evaluation"));
        assert_eq!(fr("violences sexuelles"), fr("violence sexuelle"));
        assert_eq!(fr("L'enfant"), fr("enfants"));
        assert_eq!(fr("PRÉVENTION"), fr("prévention"));
        assert!(!fr("d'un enfant").contains(&"d".to_string()));
        assert_eq!(fr("l'écoute"), vec![fr("ecoute")[0].clone()]);
    }

    #[test]
    fn arabic_folds_diacritics_tatweel_and_letter_forms() {
        assert_eq!(ar("العُنْف"), ar("العنف"));
        assert_eq!(ar("العنـــف"), ar("العنف"), "tatweel");
        assert_eq!(ar("الأطفال"), ar("الاطفال"), "alef with hamza");
        assert_eq!(ar("إرشادات"), ar("ارشادات"));
        assert_eq!(ar("آمنة"), ar("امنه"), "alef madda, taa marbuta");
        assert_eq!(ar("مستشفى"), ar("مستشفي"), "alef maqsura");
        assert_eq!(ar("العُنْف الجنسي").len(), 2, "diacritics do not cut words");
        // Stemming brings the definite article and suffixes together.
        assert_eq!(ar("الطفل"), ar("طفل"));
        assert_eq!(ar("الحماية"), ar("حماية"));
        assert_eq!(ar("الأسرة"), ar("أسرة"));
        assert_eq!(ar("المستشفى"), ar("مستشفى"));
    }

    #[test]
    fn every_analyzer_folds_accents_the_same_way() {
        for analyzer in [french, arabic, english] {
            let mut a = analyzer();
            assert_eq!(terms(&mut a, "Évaluations"), terms(&mut a, "evaluations"));
            assert_eq!(terms(&mut a, "évaluation"), terms(&mut a, "EVALUATION"));
        }
    }

    #[test]
    fn tokenizer_offsets_point_into_the_original_text() {
        let text = "Le mot «zorblaxique» et العُنْف.";
        let mut t = WordTokenizer::default();
        let mut s = t.token_stream(text);
        let mut words = Vec::new();
        while s.advance() {
            let tok = s.token();
            words.push(text[tok.offset_from..tok.offset_to].to_string());
        }
        assert_eq!(words, vec!["Le", "mot", "zorblaxique", "et", "العُنْف"]);
    }
}
