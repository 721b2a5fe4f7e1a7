//! The field's thesaurus: expressions that name the same notion (PEC and
//! "prise en charge", UPE and its Arabic name...). Applied at query time, so
//! that editing it never needs a reindex. The format is documented in
//! `crates/library/search/thesaurus.toml` and docs/search.md.

use serde::Deserialize;

use super::analyzers;

/// The thesaurus shipped with Sanad.
pub const BUILT_IN: &str = include_str!("../../search/thesaurus.toml");

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    notion: Vec<Notion>,
}

#[derive(Deserialize)]
struct Notion {
    terms: Vec<String>,
}

/// One expression of a notion.
#[derive(Clone, Debug)]
struct Expression {
    /// As written in the file (analysed per language at query time).
    text: String,
    /// Its words, folded as the surface-form fields fold them.
    words: Vec<String>,
    /// Their stems (French or Arabic), so that plurals and other endings meet.
    stems: Vec<Option<String>>,
    /// A short abbreviation that is also a common word: only recognised in capitals.
    capitals_only: bool,
}

/// The loaded thesaurus.
#[derive(Clone, Debug, Default)]
pub struct Thesaurus {
    notions: Vec<Vec<Expression>>,
}

/// A word of a query: as typed, and folded.
#[derive(Clone, Debug)]
pub struct QueryWord {
    pub typed: String,
    pub folded: String,
}

/// The stem of one word in its language (French for Latin letters).
pub fn stem(word: &str) -> Option<String> {
    thread_local! {
        static STEMMERS: std::cell::RefCell<(tantivy::tokenizer::TextAnalyzer, tantivy::tokenizer::TextAnalyzer)> =
            std::cell::RefCell::new((analyzers::french(), analyzers::arabic()));
    }
    STEMMERS.with(|s| {
        let (fr, ar) = &mut *s.borrow_mut();
        let analyzer = if analyzers::is_arabic(word) { ar } else { fr };
        analyzers::terms(analyzer, word).into_iter().next()
    })
}

/// The thesaurus loaded once per process (see [`Thesaurus::load`]).
pub fn shared() -> &'static Thesaurus {
    static SHARED: std::sync::LazyLock<Thesaurus> = std::sync::LazyLock::new(Thesaurus::load);
    &SHARED
}

impl Thesaurus {
    /// Parses a thesaurus file (TOML: `[[notion]] terms = [...]`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut raw = analyzers::raw();
        let mut notions = Vec::new();
        for (i, n) in file.notion.into_iter().enumerate() {
            let mut expressions = Vec::new();
            for t in n.terms {
                let words = analyzers::terms(&mut raw, &t);
                if words.is_empty() {
                    return Err(format!("notion {}: `{t}` has no word", i + 1));
                }
                let capitals_only = words.len() == 1 && words[0].chars().count() <= 2;
                let stems = words.iter().map(|w| stem(w)).collect();
                expressions.push(Expression { text: t, words, stems, capitals_only });
            }
            if expressions.len() < 2 {
                return Err(format!("notion {}: a notion needs at least two expressions", i + 1));
            }
            notions.push(expressions);
        }
        Ok(Self { notions })
    }

    /// The thesaurus of the file named by `SANAD_THESAURUS`, or the built-in one.
    pub fn load() -> Self {
        if let Ok(path) = std::env::var("SANAD_THESAURUS")
            && !path.is_empty()
        {
            match std::fs::read_to_string(&path).map_err(|e| e.to_string()).and_then(|t| Self::parse(&t)) {
                Ok(t) => return t,
                Err(e) => tracing::error!(path, error = %e, "thesaurus unreadable: using the built-in one"),
            }
        }
        Self::parse(BUILT_IN).expect("the built-in thesaurus parses")
    }

    /// For each word of a query, the other expressions of the notions whose
    /// expression the query contains at that word (words side by side).
    pub fn alternatives(&self, words: &[QueryWord]) -> Vec<Vec<String>> {
        let mut out = vec![Vec::<String>::new(); words.len()];
        let stems: Vec<Option<String>> = words.iter().map(|w| stem(&w.folded)).collect();
        for notion in &self.notions {
            for (e, expr) in notion.iter().enumerate() {
                let n = expr.words.len();
                if n > words.len() {
                    continue;
                }
                for start in 0..=words.len() - n {
                    let span = &words[start..start + n];
                    let same = |k: usize| {
                        let (w, s) = (&span[k], &stems[start + k]);
                        w.folded == expr.words[k] || (s.is_some() && *s == expr.stems[k])
                    };
                    if !(0..n).all(same) {
                        continue;
                    }
                    if expr.capitals_only && !span[0].typed.chars().all(|c| !c.is_alphabetic() || c.is_uppercase()) {
                        continue;
                    }
                    for slot in &mut out[start..start + n] {
                        for (o, other) in notion.iter().enumerate() {
                            if o != e && !slot.contains(&other.text) {
                                slot.push(other.text.clone());
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<QueryWord> {
        let mut raw = analyzers::raw();
        text.split_whitespace().map(|w| QueryWord { typed: w.to_string(), folded: analyzers::terms(&mut raw, w).join("") }).collect()
    }

    #[test]
    fn the_built_in_thesaurus_parses() {
        assert!(Thesaurus::parse(BUILT_IN).unwrap().notions.len() >= 30);
    }

    #[test]
    fn abbreviations_and_expressions_meet() {
        let t = Thesaurus::parse(BUILT_IN).unwrap();
        let alt = t.alternatives(&words("PEC enfants"));
        assert!(alt[0].iter().any(|a| a == "prise en charge"), "{alt:?}");
        assert!(alt[0].iter().any(|a| a == "التكفل"));
        let alt = t.alternatives(&words("prise en charge"));
        assert!(alt.iter().all(|a| a.iter().any(|x| x == "PEC")), "{alt:?}");
        // Arabic spelling variants and accents do not matter.
        let alt = t.alternatives(&words("التعاون الوطنى"));
        assert!(alt[0].iter().any(|a| a == "Entraide nationale"), "{alt:?}");
        // Plurals meet the singular.
        let alt = t.alternatives(&words("hôpitaux"));
        assert!(alt[0].iter().any(|a| a == "مستشفى"), "{alt:?}");
    }

    #[test]
    fn a_short_abbreviation_that_is_a_common_word_needs_capitals() {
        let t = Thesaurus::parse(BUILT_IN).unwrap();
        assert!(t.alternatives(&words("formation en ligne"))[1].is_empty());
        assert!(t.alternatives(&words("EN Salé"))[0].iter().any(|a| a == "Entraide nationale"));
    }

    #[test]
    fn bad_files_are_named() {
        assert!(Thesaurus::parse("[[notion]]\nterms = [\"seul\"]").unwrap_err().contains("two expressions"));
        assert!(Thesaurus::parse("[[notion]]\nterms = 3").is_err());
    }
}
