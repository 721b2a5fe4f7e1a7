//! Case and file numbers: a word naming a case, a file, a complaint or a
//! police report (`dossier`, `affaire`, `plainte`, `PV`, `jugement`,
//! `رقم الملف`, `القضية`, `الشكاية`, `المحضر`, `lmalaf`...), then, after at
//! most a few small words (`n°`, `de`, `رقم`, `عدد`, `dyal`), an identifier:
//! `2023/145`, `UPE-2023-045`, `1234/2601/2022`, `ملف عدد 145/2023`.
//!
//! Not held: numbers of laws, circulars and articles (their words are not
//! case words), a small number (`le dossier 3 du kit`), a year alone, and
//! counted things (`un dossier de 120 pages`).

use super::kinds::Kind;
use super::lexicon::{LAW_WORDS, NUMBER_MARKERS, UNITS, Words};
use super::{Detector, Hit, PostText, is_boundary};
use regex::Regex;

/// Finds case and file numbers ([`Kind::CASE_NUMBER`]).
#[derive(Debug)]
pub struct CaseNumbers {
    case_words: Words,
    fillers: Words,
    identifier: Regex,
}

impl CaseNumbers {
    /// Builds the word lists and the pattern.
    pub fn new() -> Self {
        CaseNumbers {
            case_words: Words::new(
                "dossier affaire plainte pv procès jugement requête référence ref réf signalement \
                ordonnance enquête saisine malaf lmalaf dossi 9adiya qadiya chikaya mahdar دوسي الدوسي لافير ملف القضية قضية \
                الشكاية شكاية الشكوى شكوى محضر المحضر الحكم حكم الإحالة إحالة الملف التبليغ المتابعة case \
                file",
            ),
            fillers: Words::new(
                "n no numero numéro num nr de du d la le l a au est sous verbal judiciaire pénal pénale \
                social sociale interne ouvert ouverte enregistré enregistrée porte référence ref réf رقم \
                عدد تحت ra9m rqm dyal dial dyalha dyalo هو المفتوح المسجل الجنحي الجنائي الاجتماعي number \
                ouverture d'ouverture the is",
            ),
            identifier: Regex::new(r"^[a-z0-9]+(?:[/\-._][a-z0-9]+)*").expect("identifier pattern"),
        }
    }
}

impl Default for CaseNumbers {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector for CaseNumbers {
    fn name(&self) -> &'static str {
        "case_number"
    }

    fn detect(&self, text: &PostText, hits: &mut Vec<Hit>) {
        let tokens = text.tokens();
        let normal = text.normal();
        for (i, token) in tokens.iter().enumerate() {
            if token.number || !self.case_words.has_form(text.word(token), token.arabic) {
                continue;
            }
            let mut marked = false;
            // Words other than the small ones in between: allowed only before a
            // structured identifier (`dossier dyalha f lmahkama: 2023/145`).
            let mut other_words = false;
            let mut j = i + 1;
            while j < tokens.len() && j <= i + 5 && tokens[j].sentence == token.sentence {
                let t = &tokens[j];
                let word = text.word(t);
                // `2023/145`, `UPE-2023-045`: the identifier starts here.
                let ahead = self.identifier.find(&normal[t.range.start..]).map_or("", |m| m.as_str());
                if ahead.bytes().any(|b| b.is_ascii_digit()) {
                    break;
                }
                if LAW_WORDS.has_form(word, t.arabic) {
                    j = usize::MAX;
                    break;
                }
                other_words |= !(self.fillers.has_form(word, t.arabic) || self.case_words.has_form(word, t.arabic));
                marked |= NUMBER_MARKERS.has_form(word, t.arabic);
                j += 1;
            }
            let Some(first) = tokens.get(j).filter(|t| t.sentence == token.sentence) else { continue };
            let Some(found) = self.identifier.find(&normal[first.range.start..]) else { continue };
            let range = first.range.start..first.range.start + found.end();
            if !is_boundary(text.char_at(range.end)) {
                continue;
            }
            let id = found.as_str();
            let digits = id.bytes().filter(u8::is_ascii_digit).count();
            let parts: Vec<&str> = id.split(['/', '-', '.', '_']).collect();
            let year_alone = parts.len() == 1 && is_year(id);
            if date_or_years(&parts) || (other_words && (parts.len() < 2 || digits < 4)) {
                continue;
            }
            let next = text.token_at_or_after(range.end);
            let counted = tokens.get(next).is_some_and(|t| UNITS.has_form(text.word(t), t.arabic));
            if !counted && ((digits >= 3 && (marked || !year_alone)) || (parts.len() > 1 && digits >= 2)) {
                hits.push(Hit { kind: Kind::CASE_NUMBER, range });
            }
        }
    }
}

fn is_year(part: &str) -> bool {
    part.len() == 4 && (part.starts_with("19") || part.starts_with("20"))
}

/// `12/03/2024`, `2023/2024`, `2023-24`: a date or a school year, not a case.
fn date_or_years(parts: &[&str]) -> bool {
    let number = |p: &str| p.parse::<u32>().ok();
    match parts {
        [day, month, year] => {
            number(day).is_some_and(|d| (1..=31).contains(&d)) && number(month).is_some_and(|m| (1..=12).contains(&m)) && is_year(year)
        }
        [first, second] if is_year(first) => {
            let first = number(first).unwrap_or(0);
            number(second).is_some_and(|s| s == first + 1 || s == (first + 1) % 100)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        crate::screening::passages(&CaseNumbers::new(), text)
    }

    #[test]
    fn case_numbers_after_their_word() {
        assert_eq!(found("le dossier n° 2023/145 est au tribunal"), ["2023/145"]);
        assert_eq!(found("Affaire UPE-2023-045 suivie"), ["UPE-2023-045"]);
        assert_eq!(found("رقم الملف ١٢٣٤/٢٦٠١/٢٠٢٢"), ["١٢٣٤/٢٦٠١/٢٠٢٢"]);
        assert_eq!(found("ملف عدد 145/2023"), ["145/2023"]);
        assert_eq!(found("le PV numéro 4587 de la police"), ["4587"]);
        assert_eq!(found("dossier dyalha f lmahkama: 2023/145"), ["2023/145"]);
    }

    #[test]
    fn laws_small_numbers_and_counts_are_not_cases() {
        for text in [
            "la loi 103-13 et la circulaire n° 2/2019",
            "le dossier 3 du kit",
            "un dossier de 120 pages",
            "les dossiers traités en 2023",
            "دورية رقم 3/2018",
            "le dossier de l'enfant, en 2021",
            "plainte déposée par la mère le 12/03/2024",
            "les dossiers de l'année scolaire 2023/2024",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }
}
