//! Street addresses: a street word (`rue`, `avenue`, `av.`, `bd`, `derb`,
//! `lotissement`, `résidence`, `imm.`, `appt`, `زنقة`, `شارع`, `درب`,
//! `تجزئة`, `عمارة`, `zanqa`...) with a number close after it (or just
//! before: `12, rue des Lilas`); an area word (`hay`, `quartier`, `douar`,
//! `bloc`, `secteur`, `حي`, `دوار`...) with a marked number (`n° 45`,
//! `رقم 45`) or a street word close by.
//!
//! Not held: a street word alone (`enfants en situation de rue`, `avenue
//! Mohammed V`, `أطفال الشوارع`), a neighbourhood's name without a number
//! (`Hay Mohammadi`), a year, and counted things (`rue : 12 enfants`).

use super::kinds::Kind;
use super::lexicon::{NUMBER_MARKERS, UNITS, Words};
use super::{Detector, Hit, PostText, Token};

/// Finds street addresses ([`Kind::ADDRESS`]).
#[derive(Debug)]
pub struct StreetAddresses {
    streets: Words,
    areas: Words,
    /// Words after which a number is a building's or a flat's: `bloc 3`, `appt 12`.
    numbered: Words,
    generic: Words,
}

impl StreetAddresses {
    /// Builds the word lists.
    pub fn new() -> Self {
        StreetAddresses {
            streets: Words::new(
                "rue avenue av ave bd boulevard blvd derb drb zanqa zenqa znqa zanka zankat zan9a \
                lotissement lotiss résidence immeuble imm appt apt appart appartement impasse ruelle زنقة \
                شارع درب تجزئة إقامة عمارة شقة زقاق ممر",
            ),
            areas: Words::new("hay 7ay quartier douar dowar cité res route dar حي دوار الدوار طريق"),
            numbered: Words::new("bloc block secteur lot imm immeuble appt apt étage بلوك قطاع عمارة شقة الطابق"),
            generic: Words::new("situation dans enfants enfant أطفال طفل drari wlad"),
        }
    }

    /// A house or flat number: one to four digits (`12`, `12bis`, `4b`),
    /// not a year unless marked, not a counted thing.
    fn house_number(text: &PostText, tokens: &[Token], i: usize, marked: bool) -> bool {
        let t = &tokens[i];
        let word = text.word(t);
        let digits = word.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &word[digits..];
        if digits == 0 || digits > 4 || !(rest.is_empty() || matches!(rest, "bis" | "ter" | "a" | "b" | "c" | "d")) {
            return false;
        }
        let year = digits == 4 && (word.starts_with("19") || word.starts_with("20"));
        let counted = tokens.get(i + 1).is_some_and(|n| n.sentence == t.sentence && UNITS.has_form(text.word(n), n.arabic));
        !counted && (marked || !year)
    }
}

impl Default for StreetAddresses {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector for StreetAddresses {
    fn name(&self) -> &'static str {
        "address"
    }

    fn detect(&self, text: &PostText, hits: &mut Vec<Hit>) {
        let tokens = text.tokens();
        let mut covered_to = 0;
        for (i, token) in tokens.iter().enumerate() {
            if token.range.start < covered_to || token.number {
                continue;
            }
            let word = text.word(token);
            let street = self.streets.has_form(word, token.arabic);
            if !street && !self.areas.has_form(word, token.arabic) {
                continue;
            }
            let same = |t: &Token| t.sentence == token.sentence;
            // `dans la rue`, `enfants de la rue`, `الشارع`: the street in general.
            let generic = (token.arabic && word.starts_with("ال"))
                || i.checked_sub(1).is_some_and(|b| same(&tokens[b]) && text.word(&tokens[b]) == "la")
                || tokens[i.saturating_sub(3)..i].iter().any(|t| same(t) && self.generic.has_form(text.word(t), t.arabic));
            // `12, rue des Lilas`: the number just before a street word.
            let before = i.checked_sub(1).filter(|&b| {
                let t = &tokens[b];
                same(t)
                    && street
                    && !generic
                    && text.normal()[t.range.end..token.range.start].trim_matches([' ', ',']).is_empty()
                    && Self::house_number(text, tokens, b, false)
            });
            let mut end = None;
            let mut marked = false;
            let mut near_street = street && !generic;
            for j in i + 1..(i + 8).min(tokens.len()) {
                let t = &tokens[j];
                if !same(t) {
                    break;
                }
                let w = text.word(t);
                if NUMBER_MARKERS.has_form(w, t.arabic) || self.numbered.has_form(w, t.arabic) {
                    marked = true;
                    continue;
                }
                near_street |= self.streets.has_form(w, t.arabic);
                if w.as_bytes()[0].is_ascii_digit() {
                    if Self::house_number(text, tokens, j, marked) && (marked || near_street) {
                        end = Some(t.range.end);
                        break;
                    }
                    marked = false;
                }
            }
            let start = before.map_or(token.range.start, |b| tokens[b].range.start);
            if let Some(end) = end.or(before.map(|_| token.range.end)) {
                // `imm. 4 appt 12`: a second part of the same address extends the first.
                match hits.last_mut().filter(|h| h.kind == Kind::ADDRESS && h.range.end > start && covered_to > 0) {
                    Some(last) => last.range.end = end,
                    None => hits.push(Hit { kind: Kind::ADDRESS, range: start..end }),
                }
                covered_to = end;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        crate::screening::passages(&StreetAddresses::new(), text)
    }

    #[test]
    fn addresses_in_three_writings() {
        assert_eq!(found("Ils habitent 12, rue des Orangers à Salé."), ["12, rue"]);
        assert_eq!(found("Derb Sidi Ahmed n°14, Kénitra"), ["Derb Sidi Ahmed n°14"]);
        assert_eq!(found("Hay Salam bloc 3 n° 27"), ["Hay Salam bloc 3"]);
        assert_eq!(found("Hay Riad secteur 12"), ["Hay Riad secteur 12"]);
        assert_eq!(found("حي السلام رقم ٤٥"), ["حي السلام رقم ٤٥"]);
        assert_eq!(found("زنقة 12 رقم 5"), ["زنقة 12"]);
        assert_eq!(found("résidence Yasmine imm. 4 appt 12"), ["résidence Yasmine imm. 4 appt 12"]);
        assert_eq!(found("sakna f derb lfokara zanqa 7"), ["derb lfokara zanqa 7"]);
    }

    #[test]
    fn street_words_alone_are_no_address() {
        for text in [
            "Les enfants en situation de rue : 12 enfants suivis.",
            "L'UPE est avenue Mohammed V.",
            "Les familles de Hay Mohammadi, 2 fois par mois.",
            "أطفال الشوارع في حي شعبي",
            "Dans la rue 3 fois par semaine.",
            "Le quartier a 20 ans.",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }
}
