//! Screening before publication: does a post carry identifying data of a
//! child or a family? A [`Screener`] runs a pipeline of [`Detector`]s over a
//! post's title and Markdown body and returns [`Finding`]s: which kind of
//! data, which passage of what the author wrote, and a message in French,
//! Arabic and English saying why and how to anonymise it. A post with any
//! finding is held for a moderator.
//!
//! Every detector sees the same [`PostText`]: the post's words (link
//! addresses and code included) normalized once, so that digits of any
//! script, accents, Arabic letter variants and invisible marks never matter.
//!
//! # Adding a detector (the extension point)
//!
//! A deployment that must catch something else (a hospital's record numbers,
//! say) writes a [`Detector`] and adds it to the standard pipeline:
//!
//! ```
//! use sanad_forum::screening::{Advice, Detector, Hit, Kind, PostText, Screener};
//!
//! static RECORD: Kind = Kind {
//!     name: "medical_record",
//!     advice: Advice {
//!         fr: "Un numéro de dossier médical identifie l'enfant : retirez-le.",
//!         ar: "رقم الملف الطبي يعرّف بالطفل: احذفه.",
//!         en: "A medical record number identifies the child: remove it.",
//!     },
//! };
//!
//! /// `IP-` followed by six digits: the record numbers of one hospital.
//! struct RecordNumbers;
//!
//! impl Detector for RecordNumbers {
//!     fn name(&self) -> &'static str {
//!         "record_numbers"
//!     }
//!     fn detect(&self, text: &PostText, hits: &mut Vec<Hit>) {
//!         // Match in the normalized text: lower-cased, digits 0-9.
//!         let normal = text.normal();
//!         for (at, _) in normal.match_indices("ip-") {
//!             let digits = normal[at + 3..].bytes().take_while(u8::is_ascii_digit).count();
//!             if digits == 6 {
//!                 hits.push(Hit { kind: &RECORD, range: at..at + 9 });
//!             }
//!         }
//!     }
//! }
//!
//! let screener = Screener::standard().with(RecordNumbers);
//! let findings = screener.screen("Suivi", "Dossier médical IP-٤٥٦٧٨٩ à l'hôpital.");
//! assert!(findings.iter().any(|f| f.kind.name == "medical_record" && f.passage == "IP-٤٥٦٧٨٩"));
//! ```
//!
//! Rules for a detector: match in [`PostText::normal`] (never allocate per
//! character), stay linear in the text's length (posts reach 100 KiB), and
//! report ranges of the normalized text; the screener maps them back to the
//! source, merges overlapping hits of one kind and orders them.

mod address;
mod case_number;
mod contact;
mod identity;
mod kinds;
mod lexicon;
mod names;
mod phone;
mod text;

pub use address::StreetAddresses;
pub use case_number::CaseNumbers;
pub use contact::{EmailAddresses, SocialProfiles};
pub use identity::{NationalIds, StudentCodes};
pub use kinds::{ALL_KINDS, Advice, Kind};
pub use names::{Gazetteer, NamedPeople};
pub use phone::PhoneNumbers;
pub use text::{Field, PostText, Token, normalize};

use std::ops::Range;

/// One passage a detector holds, in the coordinates of [`PostText::normal`].
#[derive(Debug, Clone)]
pub struct Hit {
    /// What kind of identifying data it is.
    pub kind: &'static Kind,
    /// Byte range in the normalized text.
    pub range: Range<usize>,
}

/// Finds one kind (or a few kinds) of identifying data in a post's text.
///
/// Implementations are built once (compiled patterns, word lists) and shared
/// between threads; [`Detector::detect`] is called once per field of every
/// post screened.
pub trait Detector: Send + Sync {
    /// A short stable name (`phone`, `names`...), for reports.
    fn name(&self) -> &'static str;

    /// Pushes a [`Hit`] for every passage of `text` that must hold the post.
    fn detect(&self, text: &PostText, hits: &mut Vec<Hit>);
}

/// A passage that holds a post: what it is, where, and what to tell its author.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The kind of data, with its advice in fr/ar/en.
    pub kind: &'static Kind,
    /// The title or the body.
    pub field: Field,
    /// Byte range of the passage in the field as the author wrote it (the
    /// Markdown source for the body).
    pub span: Range<usize>,
    /// The passage itself, as written.
    pub passage: String,
}

impl Finding {
    /// Why the passage holds the post and how to anonymise it, in `language`
    /// (`fr`, `ar` or `en`; French for anything else).
    pub fn message(&self, language: &str) -> &'static str {
        self.kind.advice.get(language)
    }

    /// The span in characters (Unicode scalar values) rather than bytes.
    pub fn char_span(&self, source: &str) -> Range<usize> {
        let start = source[..self.span.start].chars().count();
        start..start + self.passage.chars().count()
    }
}

/// The screening pipeline: detectors run in order over a post's title and body.
pub struct Screener {
    detectors: Vec<Box<dyn Detector>>,
}

impl std::fmt::Debug for Screener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.detectors.iter().map(|d| d.name())).finish()
    }
}

impl Screener {
    /// A pipeline with no detector.
    pub fn empty() -> Self {
        Screener { detectors: Vec::new() }
    }

    /// The standard pipeline: phones, national identity cards, Massar codes,
    /// case and file numbers, email addresses, social-media profiles, street
    /// addresses and named people (with the built-in gazetteer). Building it
    /// compiles patterns and loads word lists (a few milliseconds): build it
    /// once and share it.
    pub fn standard() -> Self {
        Screener::empty()
            .with(PhoneNumbers::new())
            .with(NationalIds::new())
            .with(StudentCodes::new())
            .with(CaseNumbers::new())
            .with(EmailAddresses::new())
            .with(SocialProfiles::new())
            .with(StreetAddresses::new())
            .with(NamedPeople::new(Gazetteer::builtin()))
    }

    /// The same pipeline with one more detector at the end.
    pub fn with(mut self, detector: impl Detector + 'static) -> Self {
        self.detectors.push(Box::new(detector));
        self
    }

    /// The names of the detectors, in order.
    pub fn detector_names(&self) -> Vec<&'static str> {
        self.detectors.iter().map(|d| d.name()).collect()
    }

    /// Screens a post: its title (plain text, may be empty for a reply) and
    /// its Markdown body. No finding: the post may be published.
    pub fn screen(&self, title: &str, body: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        for text in [PostText::title(title), PostText::body(body)] {
            if !text.normal().trim().is_empty() {
                self.screen_text(&text, &mut findings);
            }
        }
        findings
    }

    /// Screens one prepared field, adding its findings to `findings`.
    pub fn screen_text(&self, text: &PostText, findings: &mut Vec<Finding>) {
        let mut hits = Vec::new();
        for detector in &self.detectors {
            detector.detect(text, &mut hits);
        }
        let mut spans: Vec<(&'static Kind, Range<usize>)> =
            hits.into_iter().filter(|h| h.range.start < h.range.end).map(|h| (h.kind, text.source_span(h.range))).collect();
        spans.sort_by(|a, b| a.1.start.cmp(&b.1.start).then(b.1.end.cmp(&a.1.end)).then(a.0.name.cmp(b.0.name)));
        // One finding per passage and kind: overlapping hits of a kind merge.
        // Spans come by start, so a hit can only overlap its kind's last finding.
        let mut last: Vec<(&str, usize)> = Vec::new();
        for (kind, span) in spans {
            let previous = last.iter_mut().find(|(name, _)| *name == kind.name);
            if let Some(same) = previous.as_ref().map(|(_, i)| &mut findings[*i]).filter(|f| f.span.end > span.start) {
                if span.end > same.span.end {
                    same.span.end = span.end;
                    same.passage = text.source()[same.span.clone()].to_owned();
                }
                continue;
            }
            let passage = text.source()[span.clone()].to_owned();
            findings.push(Finding { kind, field: text.field(), span, passage });
            match previous {
                Some((_, i)) => *i = findings.len() - 1,
                None => last.push((kind.name, findings.len() - 1)),
            }
        }
    }
}

impl Default for Screener {
    fn default() -> Self {
        Screener::standard()
    }
}

/// What a detector holds in a body, as typed: for the detectors' tests.
#[cfg(test)]
pub(crate) fn passages(detector: &dyn Detector, body: &str) -> Vec<String> {
    let text = PostText::body(body);
    let mut hits = Vec::new();
    detector.detect(&text, &mut hits);
    hits.iter().map(|h| text.typed(h.range.clone()).to_owned()).collect()
}

/// Whether `c` may sit next to a match without making it part of a longer
/// word or number (a letter, a digit of any script or an underscore may not).
pub(crate) fn is_boundary(c: Option<char>) -> bool {
    c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_acceptance_post_is_held_for_its_phone_and_card() {
        let screener = Screener::standard();
        let body = "Le père répond au 06 98 76 54 32, sa CIN est EE 998877. motunique2";
        let findings = screener.screen("Une famille à rappeler", body);
        let kinds: Vec<_> = findings.iter().map(|f| f.kind.name).collect();
        assert!(kinds.contains(&"phone") && kinds.contains(&"national_id"), "{kinds:?}");
        let phone = findings.iter().find(|f| f.kind.name == "phone").unwrap();
        assert_eq!(phone.passage, "06 98 76 54 32");
        assert_eq!(&body[phone.span.clone()], "06 98 76 54 32");
        assert_eq!(phone.field, Field::Body);
        assert!(phone.message("ar").contains("رقم"));
    }

    #[test]
    fn ordinary_posts_pass() {
        let screener = Screener::standard();
        for (title, body) in [
            (
                "Fiche de liaison UPE-hôpital",
                "Quelqu'un a-t-il un modèle de fiche de liaison ? **merci** <script>alert(1)</script> motunique1",
            ),
            ("", "Oui, je vous l'envoie."),
            ("Épuisée après trois dévoilements", "Je n'arrive plus à dormir, comment faites-vous ? motunique3"),
            ("", "Message numéro 12 du fil."),
        ] {
            let findings = screener.screen(title, body);
            assert!(findings.is_empty(), "{body}: {findings:?}");
        }
    }

    /// Spans from text of every shape land on the passage, never inside a character.
    #[test]
    fn odd_texts_never_panic_and_spans_hold_their_passage() {
        let screener = Screener::standard();
        let alphabet: Vec<char> =
            "0٠۶69 .-+()/@_:#*[]`<>&;'\"\n\u{200f}\u{0651}\u{0640}aAéÉzكبأةىيمحدسلماCINcinrueزنقةرقمSalmaسلمى9ansمسار°n".chars().collect();
        let mut seed: u64 = 0x5eed;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let mut texts: Vec<String> = (0..400).map(|_| (0..next() % 120).map(|_| alphabet[next() % alphabet.len()]).collect()).collect();
        texts.extend(
            [
                "[06 12](tel:٠٦١٢٣٤٥٦٧٨ \"t\") &amp; 06&#32;12 34 56 78",
                "> > > - * `0612345678` **Salma** _9 ans_",
                "<a href=\"https://facebook.com/x.y\">x</a>",
                "\\06 12 34 56 78 \\* rue\\ 12",
                "ـــ٠٦ـ١٢ـ٣٤ـ٥٦ـ٧٨",
                "",
                "\n\n\n",
            ]
            .map(str::to_owned),
        );
        for text in &texts {
            for finding in screener.screen(text, text) {
                assert_eq!(text.get(finding.span.clone()), Some(finding.passage.as_str()), "{text:?}");
            }
        }
    }

    #[test]
    fn char_spans_count_characters() {
        let screener = Screener::standard();
        let body = "الأب: ٠٦٩٨٧٦٥٤٣٢";
        let findings = screener.screen("", body);
        let phone = findings.iter().find(|f| f.kind.name == "phone").expect("phone");
        assert_eq!(phone.char_span(body), 6..16);
    }
}
