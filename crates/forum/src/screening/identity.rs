//! Identity numbers: the national identity card (CIN, CNIE: one or two
//! letters then digits, `EE 998877`, `AB123456`) and the Massar student code
//! (a letter then nine digits, `R130012345`).
//!
//! A CIN is held when it is written the way the card prints it (letters glued
//! to five or six digits, or capital letters, a space, five or six digits), or
//! in any shape after a word that names the card (`CIN`, `carte nationale`,
//! `رقم البطاقة`, `البطاقة الوطنية`, `lbitaqa`...). Prefixes that are common
//! abbreviations (`n`, `no`, `p`, `bp`, `km`, `dh`, `ref`...) and numbers of
//! laws or counted things (`12345 enfants`) are not cards.

use super::kinds::Kind;
use super::lexicon::{LAW_WORDS, UNITS};
use super::{Detector, Hit, PostText, is_boundary};
use regex::Regex;
use std::ops::Range;

/// Finds national identity card numbers ([`Kind::NATIONAL_ID`]).
#[derive(Debug)]
pub struct NationalIds {
    cue: Regex,
    card: Regex,
    digits: Regex,
    grouped: Regex,
}

/// Letter prefixes that are abbreviations, not the cards' city letters.
const NOT_CARD_LETTERS: [&str; 22] =
    ["n", "no", "nr", "p", "pp", "bp", "km", "dh", "rn", "rr", "cp", "pv", "id", "h", "v", "ce", "cm", "mm", "kg", "tv", "fm", "am"];

impl NationalIds {
    /// Compiles the patterns.
    pub fn new() -> Self {
        let cue = Regex::new(
            r"(?x)
            \bc\.?\ ?i\.?\ ?n\b\.? | \bcnie\b | \bcni\b
            | \bcarte\ (?:nationale|d'identite|d'identite\ nationale) | \bpiece\ d'identite | \bidentite\ nationale
            | \bl?'?\ ?(?:bita[qk9]a|bitaqt|bita9t|lakart|kart)\b | \bcart\ nationale
            | \bnational\ id | \bid\ card
            | بطاق\w*\s+(?:التعريف\s+)?الوطني | بطاق\w*\s+التعريف | رقم\s+(?:ال)?بطاق\w* | \bب\.?\s?ت\.?\s?و\b",
        )
        .expect("card cue pattern");
        let card = Regex::new(r"([a-z]{1,2})([\ \-.]?)(\d{3,8})").expect("card pattern");
        let digits = Regex::new(r"\d{5,8}").expect("card digits pattern");
        let grouped = Regex::new(r"[a-z]{1,2}[\ \-]?\d{2,3}(?:[\ .]\d{2,3}){1,3}").expect("grouped card pattern");
        NationalIds { cue, card, digits, grouped }
    }
}

impl Default for NationalIds {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector for NationalIds {
    fn name(&self) -> &'static str {
        "national_id"
    }

    fn detect(&self, text: &PostText, hits: &mut Vec<Hit>) {
        let normal = text.normal();
        let cues: Vec<Range<usize>> = self.cue.find_iter(normal).map(|m| m.range()).collect();
        // Cues come in order and never overlap: the nearest one before and after suffice.
        let near_cue = |range: &Range<usize>| {
            let after = cues.partition_point(|cue| cue.end <= range.start);
            let before = after.checked_sub(1).is_some_and(|i| range.start - cues[i].end <= 48);
            let next = cues[after..].iter().find(|cue| cue.start >= range.end).is_some_and(|cue| cue.start - range.end <= 12);
            before || next
        };
        let start = hits.len();
        for found in self.card.captures_iter(normal) {
            let whole = found.get(0).expect("match");
            let range = whole.range();
            if !is_boundary(text.char_before(range.start)) || !is_boundary(text.char_at(range.end)) || counted(text, range.end) {
                continue;
            }
            let letters = &found[1];
            let spaced = !found[2].is_empty();
            let digits = found[3].len();
            let card = if near_cue(&range) {
                true
            } else {
                let capitals = text.typed(range.start..range.start + letters.len()).chars().all(char::is_uppercase);
                (5..=6).contains(&digits)
                    && !NOT_CARD_LETTERS.contains(&letters)
                    && (!spaced || capitals)
                    && !after_law_word(text, range.start)
            };
            if card {
                hits.push(Hit { kind: Kind::NATIONAL_ID, range });
            }
        }
        if cues.is_empty() {
            return;
        }
        // Ranges already held, in order, so that a later pass does not hold them twice.
        let mut taken: Vec<Range<usize>> = hits[start..].iter().map(|h| h.range.clone()).collect();
        let covered = |taken: &[Range<usize>], range: &Range<usize>| {
            let i = taken.partition_point(|t| t.end <= range.start);
            taken.get(i).is_some_and(|t| t.start < range.end)
        };
        // `CIN AB 45 67 89`: grouped digits, right after the card's name.
        for found in self.grouped.find_iter(normal) {
            let range = found.range();
            if !covered(&taken, &range)
                && is_boundary(text.char_before(range.start))
                && is_boundary(text.char_at(range.end))
                && near_cue(&range)
            {
                hits.push(Hit { kind: Kind::NATIONAL_ID, range });
            }
        }
        taken = hits[start..].iter().map(|h| h.range.clone()).collect();
        taken.sort_by_key(|r| r.start);
        // `sa CIN : 998877`: digits alone, right after the card's name.
        for found in self.digits.find_iter(normal) {
            let range = found.range();
            let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '/' || c == '.');
            if !covered(&taken, &range)
                && !glued(text.char_before(range.start))
                && !glued(text.char_at(range.end))
                && near_cue(&range)
                && !counted(text, range.end)
            {
                hits.push(Hit { kind: Kind::NATIONAL_ID, range });
            }
        }
    }
}

/// Whether the word after `end` says the number counts something.
fn counted(text: &PostText, end: usize) -> bool {
    let tokens = text.tokens();
    let next = text.token_at_or_after(end);
    tokens.get(next).is_some_and(|t| UNITS.has_form(text.word(t), t.arabic))
}

/// Whether the word before `start` introduces a law or a text.
fn after_law_word(text: &PostText, start: usize) -> bool {
    text.token_before(start).is_some_and(|i| {
        let t = &text.tokens()[i];
        LAW_WORDS.has_form(text.word(t), t.arabic)
    })
}

/// Finds Massar student codes ([`Kind::STUDENT_ID`]): a letter and nine
/// digits, glued, or grouped by threes after a word naming the code.
#[derive(Debug)]
pub struct StudentCodes {
    code: Regex,
    cue: Regex,
}

impl StudentCodes {
    /// Compiles the patterns.
    pub fn new() -> Self {
        StudentCodes {
            code: Regex::new(r"[a-z][\ \-]?\d{3}[\ \-]?\d{3}[\ \-]?\d{3}").expect("massar pattern"),
            cue: Regex::new(r"massar|مسار|\bcne\b|code\ national|الرقم\ الوطني|الرمز\ الوطني|رمز\ التلميذ").expect("massar cue pattern"),
        }
    }
}

impl Default for StudentCodes {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector for StudentCodes {
    fn name(&self) -> &'static str {
        "student_id"
    }

    fn detect(&self, text: &PostText, hits: &mut Vec<Hit>) {
        let normal = text.normal();
        for found in self.code.find_iter(normal) {
            let range = found.range();
            if !is_boundary(text.char_before(range.start)) || !is_boundary(text.char_at(range.end)) {
                continue;
            }
            let glued = found.as_str().bytes().all(|b| b.is_ascii_alphanumeric());
            let cued = || {
                let mut from = range.start.saturating_sub(80);
                while !normal.is_char_boundary(from) {
                    from += 1;
                }
                self.cue.is_match(&normal[from..range.start])
            };
            if glued || cued() {
                hits.push(Hit { kind: Kind::STUDENT_ID, range });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::screening::passages as found;

    #[test]
    fn cards_with_and_without_their_name() {
        let ids = NationalIds::new();
        assert_eq!(found(&ids, "sa CIN est EE 998877."), ["EE 998877"]);
        assert_eq!(found(&ids, "La mère (AB123456) est venue."), ["AB123456"]);
        assert_eq!(found(&ids, "رقم البطاقة الوطنية للأب: ك ٤٥٦٧٨"), ["٤٥٦٧٨"]);
        assert_eq!(found(&ids, "رقم البطاقة الوطنية للأب: BK ٤٥٦٧٨٩"), ["BK ٤٥٦٧٨٩"]);
        assert_eq!(found(&ids, "N° CIN : 445566"), ["445566"]);
        assert_eq!(found(&ids, "La maman (CIN AB 45 67 89) accepte."), ["AB 45 67 89"]);
        assert_eq!(found(&ids, "l'bitaqa dyalo g 12345"), ["g 12345"]);
    }

    #[test]
    fn abbreviations_laws_and_counts_are_not_cards() {
        let ids = NationalIds::new();
        for text in [
            "dossier n 123456",
            "loi 103-13 et décret n° 2.18.123",
            "BP 10000 Rabat",
            "il y a 150000 enfants",
            "ISO 27001",
            "article L 12345",
        ] {
            assert!(found(&ids, text).is_empty(), "{text}: {:?}", found(&ids, text));
        }
    }

    #[test]
    fn massar_codes() {
        let codes = StudentCodes::new();
        assert_eq!(found(&codes, "code Massar R130012345 au collège"), ["R130012345"]);
        assert_eq!(found(&codes, "l'élève G135792468"), ["G135792468"]);
        assert_eq!(found(&codes, "رمز مسار: J 130 456 789"), ["J 130 456 789"]);
        // The cue window starts inside an Arabic letter: no panic, still found.
        assert_eq!(found(&codes, &format!("{} مسار j 130 456 789", "ب".repeat(50))), ["j 130 456 789"]);
        assert!(found(&codes, "le lot a 130 456 789 pièces").is_empty());
    }
}
