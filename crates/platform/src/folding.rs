//! Text folding: writing text one way so that what people type matches what
//! is stored, whatever their keyboard. One place for the rule, used by quiz
//! answers (courses), the catalogue's and the directory's `q=` (courses,
//! library/directory) and the search analyzers (library/search).
//!
//! Two strengths, on purpose:
//! - [`fold`] is for whole texts compared as strings (a typed answer, a name
//!   key, a `LIKE` pattern): case, accents, Arabic marks and letter forms,
//!   punctuation and spacing all go.
//! - [`fold_arabic`] is for one word already cut and lower-cased by a search
//!   analyzer: only the Arabic marks and letter forms go, so Latin accents
//!   stay for the French stemmer and offsets stay the analyzer's business.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The Arabic tatweel (kashida), a stretching stroke with no meaning.
pub const TATWEEL: char = '\u{0640}';

/// Whether `c` is a mark folding removes: a combining mark (Arabic tashkeel,
/// decomposed Latin accents) or the tatweel.
pub fn is_mark(c: char) -> bool {
    is_combining_mark(c) || c == TATWEEL
}

/// The one way an Arabic letter variant is written: every alef with hamza or
/// madda as bare alef, alef maqsura and yaa with hamza as yaa, taa marbuta as
/// haa, waw with hamza as waw. Any other character is itself.
pub fn arabic_letter(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ئ' => 'ي',
        'ة' => 'ه',
        'ؤ' => 'و',
        _ => c,
    }
}

/// Whether [`arabic_letter`] writes `c` otherwise.
pub fn is_arabic_variant(c: char) -> bool {
    arabic_letter(c) != c
}

/// Folds one word's Arabic spelling: removes diacritics (tashkeel) and the
/// tatweel and writes letter variants one way ([`arabic_letter`]). Case and
/// Latin accents are left alone (see the module's note).
pub fn fold_arabic(word: &str) -> String {
    word.chars().filter(|c| !is_mark(*c)).map(arabic_letter).collect()
}

/// Folds text for matching: no case, no accents (French), no Arabic
/// diacritics, tatweel or letter-form variants, punctuation as spaces, runs of
/// spaces as one, none at the ends. `  Hôpital  Moulay-Youssef` and
/// `hopital moulay youssef` fold alike.
pub fn fold(text: &str) -> String {
    let folded: String = text
        .nfkd()
        .filter(|c| !is_mark(*c))
        .map(arabic_letter)
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_accents_case_and_punctuation_fold() {
        assert_eq!(fold("  Intérêt   SUPÉRIEUR! "), "interet superieur");
        assert_eq!(fold("  Hôpital  Moulay-Youssef (Rabat) "), "hopital moulay youssef rabat");
        assert_eq!(fold("Ça, c'est l'élève"), "ca c est l eleve");
        assert_eq!(fold("C.I.D.E"), "c i d e");
        assert_eq!(fold("50% _x_"), "50 x");
        assert_eq!(fold("ﬁn"), "fin");
        assert_eq!(fold(" \t\n"), "");
    }

    #[test]
    fn arabic_marks_tatweel_and_letter_variants_fold() {
        assert_eq!(fold("الطفــل"), "الطفل");
        assert_eq!(fold("مَصْلَحَة"), "مصلحه");
        for (variant, plain) in [("أمان", "امان"), ("إسعاف", "اسعاف"), ("آمن", "امن"), ("ٱلحق", "الحق")] {
            assert_eq!(fold(variant), plain);
            assert_eq!(fold_arabic(variant), plain);
        }
        assert_eq!(fold_arabic("مستشفى"), "مستشفي");
        assert_eq!(fold_arabic("مسؤول"), "مسوول");
        assert_eq!(fold_arabic("بيئة"), "بييه");
        assert_eq!(fold_arabic("الطفــلُ"), "الطفل");
    }

    #[test]
    fn arabic_folding_leaves_latin_alone() {
        assert_eq!(fold_arabic("Élève"), "Élève");
        assert!(is_arabic_variant('ة') && !is_arabic_variant('ه') && !is_arabic_variant('e'));
        assert!(is_mark(TATWEEL) && is_mark('\u{064E}') && !is_mark('ا'));
    }
}
