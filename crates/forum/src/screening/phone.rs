//! Moroccan phone numbers in every written form: mobiles (06, 07) and fixed
//! lines (05, 08), national (`06 12 34 56 78`, `0612345678`, `0612-345-678`,
//! `(05) 37 ...`) or international (`+212 6 12...`, `+212 (0)6...`,
//! `00212...`, `212612345678` in `wa.me` links), with spaces, dots or dashes
//! anywhere, in any script of digits (normalized before).
//!
//! Not held: short national numbers (2511, 112, 19, 150, 15, 177: their digit
//! count never makes a phone number), toll-free 080 numbers, dates and times
//! that happen to have ten digits (`05.06.2021 08.30`), and a fixed line
//! (05) in a sentence that names an institution and no family (the UPE's or
//! the hospital's switchboard).

use super::kinds::Kind;
use super::lexicon::{FAMILY_WORDS, INSTITUTIONS};
use super::{Detector, Hit, PostText};
use regex::Regex;

/// Finds phone numbers ([`Kind::PHONE`]).
#[derive(Debug)]
pub struct PhoneNumbers {
    pattern: Regex,
}

impl PhoneNumbers {
    /// Compiles the pattern.
    pub fn new() -> Self {
        // One separator (or two: ". ", " - ") may stand between any two digits.
        let pattern = Regex::new(
            r"(?x)
            (?: \(?(?:\+|00)\ ?212\)? [\ .\-]{0,2} (?:\(0\)[\ .\-]{0,2} | 0[\ .\-]{0,2})? [5-8] (?:[\ .\-]{0,3}\d){8}
              | 212[5-8]\d{8}
              | \(?0[5-8]\)? (?:[\ .\-]{0,3}\d){8}
            )",
        )
        .expect("phone pattern");
        PhoneNumbers { pattern }
    }
}

impl Default for PhoneNumbers {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector for PhoneNumbers {
    fn name(&self) -> &'static str {
        "phone"
    }

    fn detect(&self, text: &PostText, hits: &mut Vec<Hit>) {
        let normal = text.normal();
        for found in self.pattern.find_iter(normal) {
            let range = found.range();
            // Digits glued on either side make a longer number; letters (`tel0612...`) do not matter.
            if text.char_before(range.start).is_some_and(|c| c.is_ascii_digit() || c == '+')
                || text.char_at(range.end).is_some_and(|c| c.is_ascii_digit())
            {
                continue;
            }
            let groups: Vec<&str> = found.as_str().split(|c: char| !c.is_ascii_digit()).filter(|g| !g.is_empty()).collect();
            let digits: String = groups.concat();
            let national = national_digits(&digits);
            if national.starts_with("080") || looks_like_a_date(&groups) {
                continue;
            }
            if national.starts_with("05") && institution_line(text, range.start) {
                continue;
            }
            hits.push(Hit { kind: Kind::PHONE, range });
        }
    }
}

/// The number as dialled in Morocco: `0` and nine digits.
fn national_digits(digits: &str) -> String {
    let rest = digits.strip_prefix("00212").or_else(|| digits.strip_prefix("212"));
    match rest {
        Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
        None => digits.to_owned(),
    }
}

/// `05.06.2021 08.30`: day, month, a year, then a time.
fn looks_like_a_date(groups: &[&str]) -> bool {
    if groups.len() < 3 {
        return false;
    }
    let (day, month, year) = (groups[0], groups[1], groups[2]);
    let small = |g: &str, max: u32| g.len() <= 2 && g.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n));
    small(day, 31) && small(month, 12) && year.len() == 4 && (year.starts_with("19") || year.starts_with("20"))
}

/// Whether the sentence around `at` names an institution and no family.
fn institution_line(text: &PostText, at: usize) -> bool {
    let tokens = text.tokens();
    let here = text.token_at_or_after(at);
    let Some(sentence) = tokens.get(here).map(|t| t.sentence) else { return false };
    // The sentence around the number, at most 30 words each side (a sentence
    // of a thousand numbers must not be read a thousand times).
    let around = tokens[here.saturating_sub(30)..(here + 30).min(tokens.len())].iter().filter(|t| t.sentence == sentence);
    let (mut institution, mut family) = (false, false);
    for token in around {
        let word = text.word(token);
        institution |= INSTITUTIONS.has_form(word, token.arabic);
        family |= FAMILY_WORDS.has_form(word, token.arabic);
    }
    institution && !family
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones(text: &str) -> Vec<String> {
        crate::screening::passages(&PhoneNumbers::new(), text)
    }

    #[test]
    fn every_written_form_is_found() {
        for number in [
            "06 98 76 54 32",
            "0698765432",
            "06.98.76.54.32",
            "06-98-76-54-32",
            "0698 765 432",
            "+212 6 98 76 54 32",
            "+212698765432",
            "+212 (0)6 98 76 54 32",
            "00212 698 76 54 32",
            "(+212) 698-765432",
            "07 11 22 33 44",
            "0537 12 34 56",
            "٠٦٩٨٧٦٥٤٣٢",
            "۰۶ ۹۸ ۷۶ ۵۴ ۳۲",
            "06 - 98 - 76 - 54 - 32",
        ] {
            assert_eq!(phones(&format!("appeler le {number} demain")), vec![number.to_owned()], "{number}");
        }
        assert_eq!(phones("https://wa.me/212698765432"), vec!["212698765432"]);
        assert_eq!(phones("[appeler](tel:+212698765432)"), vec!["+212698765432"]);
    }

    #[test]
    fn short_numbers_dates_and_toll_free_lines_are_not_phones() {
        for text in [
            "Appelez le 2511, le 112, le 19, le 150 ou le 15.",
            "Le numéro vert 0800 00 47 47 est gratuit.",
            "Séance du 05.06.2021 08.30 à la salle 3.",
            "Entre 2019 et 2021, 1250 enfants.",
            "Loi 103-13, article 475, version 2.3.1.",
            "Le standard de l'hôpital Ibn Sina : 05 37 67 28 71.",
            "Un numéro de 06 XX XX XX XX a été masqué.",
            "Identifiant 1234567890123.",
        ] {
            assert!(phones(text).is_empty(), "{text}: {:?}", phones(text));
        }
        assert_eq!(phones("La mère, agent à l'hôpital : 05 37 67 28 71.").len(), 1);
    }
}
