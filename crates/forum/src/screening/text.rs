//! A post's text made ready for detectors: the words of its Markdown (link
//! addresses and code included), then one normalized view in which every
//! detector matches, with the way back from any normalized range to the
//! passage of the source the author wrote.
//!
//! The normalized view is lower-cased, without Latin accents or Arabic
//! diacritics, tatweel and letter variants (the platform's folding rule), with
//! every decimal digit written 0-9 (Arabic-Indic ٠-٩ and Eastern ۰-۹ too),
//! every dash `-`, every space ` ` and invisible marks (bidi controls,
//! zero-width joiners) gone, so that a detector never has to think about how
//! a number or a word was typed. Its cost is linear in the input.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use sanad_platform::folding::{arabic_letter, is_mark};
use std::ops::Range;

/// Which part of a post a passage was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The topic's title (plain text).
    Title,
    /// The post's body (Markdown).
    Body,
}

impl Field {
    /// The field's name on the wire: `title` or `body`.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Body => "body",
        }
    }
}

/// A run of letters or digits in the normalized text.
#[derive(Debug, Clone)]
pub struct Token {
    /// Byte range in [`PostText::normal`].
    pub range: Range<usize>,
    /// Only ASCII digits.
    pub number: bool,
    /// Written in Arabic letters.
    pub arabic: bool,
    /// Counts sentences (`.`, `!`, `?`, `؟`, `;` and line ends) from the start.
    pub sentence: u32,
    /// Counts lines and blocks (paragraphs, list items, cells) from the start.
    pub line: u32,
}

/// A stretch of the plain text copied from one stretch of the source.
#[derive(Debug, Clone)]
struct Piece {
    plain: Range<usize>,
    source: Range<usize>,
    /// The plain text equals the source slice, so offsets map one to one;
    /// otherwise (entities, escapes) the whole piece maps to its source range.
    exact: bool,
}

/// One field of a post, extracted and normalized for the detectors.
#[derive(Debug)]
pub struct PostText<'a> {
    field: Field,
    source: &'a str,
    plain: String,
    pieces: Vec<Piece>,
    normal: String,
    /// For each byte of `normal` (and one past the end), the offset in
    /// `plain` of the character it came from.
    to_plain: Vec<u32>,
    tokens: Vec<Token>,
}

impl<'a> PostText<'a> {
    /// A title: plain text, screened as typed.
    pub fn title(source: &'a str) -> Self {
        let pieces = vec![Piece { plain: 0..source.len(), source: 0..source.len(), exact: true }];
        Self::build(Field::Title, source, source.to_owned(), pieces)
    }

    /// A body: the words of its Markdown, code spans and blocks, raw HTML and
    /// the addresses of links and images included (a phone number in a
    /// `tel:` link is still a phone number).
    pub fn body(source: &'a str) -> Self {
        let (plain, pieces) = extract(source);
        Self::build(Field::Body, source, plain, pieces)
    }

    fn build(field: Field, source: &'a str, plain: String, pieces: Vec<Piece>) -> Self {
        let (normal, to_plain) = normalize_mapped(&plain);
        let tokens = tokenize(&normal);
        PostText { field, source, plain, pieces, normal, to_plain, tokens }
    }

    /// Which field this is.
    pub fn field(&self) -> Field {
        self.field
    }

    /// The normalized text every detector matches in.
    pub fn normal(&self) -> &str {
        &self.normal
    }

    /// The tokens of [`Self::normal`], in order.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// The normalized text of one token.
    pub fn word(&self, token: &Token) -> &str {
        &self.normal[token.range.clone()]
    }

    /// The text as the author typed it (before normalization, after Markdown)
    /// for a range of the normalized text: for checks of case, for instance.
    pub fn typed(&self, range: Range<usize>) -> &str {
        let plain = self.plain_range(range);
        &self.plain[plain]
    }

    /// Whether the token was typed with a capital first letter.
    pub fn capitalized(&self, token: &Token) -> bool {
        self.typed(token.range.clone()).chars().next().is_some_and(char::is_uppercase)
    }

    /// The character just before a normalized offset, if any.
    pub fn char_before(&self, at: usize) -> Option<char> {
        self.normal[..at].chars().next_back()
    }

    /// The character at a normalized offset, if any.
    pub fn char_at(&self, at: usize) -> Option<char> {
        self.normal[at..].chars().next()
    }

    /// The index of the first token that starts at or after `at`.
    pub fn token_at_or_after(&self, at: usize) -> usize {
        self.tokens.partition_point(|t| t.range.start < at)
    }

    /// The index of the last token that ends at or before `at`, if any.
    pub fn token_before(&self, at: usize) -> Option<usize> {
        self.tokens.partition_point(|t| t.range.end <= at).checked_sub(1)
    }

    fn plain_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.to_plain[range.start] as usize;
        let end = if range.end > range.start {
            let last = self.to_plain[range.end - 1] as usize;
            last + self.plain[last..].chars().next().map_or(0, char::len_utf8)
        } else {
            start
        };
        start..end.max(start)
    }

    /// The byte range of the source (the Markdown or the title as written)
    /// that a normalized range came from.
    pub fn source_span(&self, range: Range<usize>) -> Range<usize> {
        let plain = self.plain_range(range);
        let start = self.source_start(plain.start);
        let end = self.source_end(plain.end).max(start);
        let mut span = start.min(self.source.len())..end.min(self.source.len());
        while !self.source.is_char_boundary(span.start) {
            span.start -= 1;
        }
        while !self.source.is_char_boundary(span.end) {
            span.end += 1;
        }
        span
    }

    fn source_start(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.plain.end <= at);
        match self.pieces.get(i) {
            Some(p) if p.plain.start <= at && p.exact => p.source.start + (at - p.plain.start),
            Some(p) => p.source.start,
            None => self.pieces.last().map_or(0, |p| p.source.end),
        }
    }

    fn source_end(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.plain.start < at);
        let Some(p) = i.checked_sub(1).map(|i| &self.pieces[i]) else { return 0 };
        if at <= p.plain.end && p.exact { p.source.start + (at - p.plain.start) } else { p.source.end }
    }

    /// The source text of a source span.
    pub fn source(&self) -> &'a str {
        self.source
    }
}

/// The words of a Markdown text with, for each stretch, where it was in the
/// source. Blocks end with a line break; link and image addresses follow
/// their text between spaces.
fn extract(markdown: &str) -> (String, Vec<Piece>) {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_GFM | Options::ENABLE_FOOTNOTES;
    let mut plain = String::with_capacity(markdown.len() + 16);
    let mut pieces = Vec::new();
    // Addresses wait for the end of their link, so that they follow its text.
    let mut addresses: Vec<(String, Range<usize>)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) | Event::InlineMath(text) => {
                push_piece(markdown, &mut plain, &mut pieces, &text, range);
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                addresses.push((dest_url.into_string(), range));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((address, range)) = addresses.pop() {
                    plain.push(' ');
                    push_piece(markdown, &mut plain, &mut pieces, &address, range);
                    plain.push(' ');
                }
            }
            Event::SoftBreak => plain.push(' '),
            Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition,
            ) => plain.push('\n'),
            _ => {}
        }
    }
    (plain, pieces)
}

fn push_piece(markdown: &str, plain: &mut String, pieces: &mut Vec<Piece>, text: &str, range: Range<usize>) {
    if text.is_empty() {
        return;
    }
    let written = &markdown[range.clone()];
    let (source, exact) = if written == text {
        (range, true)
    } else if let Some(at) = written.rfind(text) {
        // Code spans (inside their backticks) and link addresses (after the text).
        (range.start + at..range.start + at + text.len(), true)
    } else {
        (range, false)
    };
    let start = plain.len();
    plain.push_str(text);
    pieces.push(Piece { plain: start..plain.len(), source, exact });
}

/// Normalizes a text the way detectors see it (see the module's note); for
/// word lists and gazetteers, so that they are written naturally.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_normalized(c, &mut out);
    }
    out
}

fn normalize_mapped(plain: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(plain.len());
    let mut map = Vec::with_capacity(plain.len() + 1);
    for (at, c) in plain.char_indices() {
        push_normalized(c, &mut out);
        map.resize(out.len(), u32::try_from(at).unwrap_or(u32::MAX));
    }
    map.push(u32::try_from(plain.len()).unwrap_or(u32::MAX));
    (out, map)
}

fn push_normalized(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(match c {
            '\t' | '\r' | '\x0b' | '\x0c' => ' ',
            '`' => '\'',
            _ => c.to_ascii_lowercase(),
        });
        return;
    }
    match c {
        '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        // Bidi controls, zero-width characters, soft hyphen: nothing to read.
        '\u{00AD}'
        | '\u{061C}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => {}
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => out.push(' '),
        '\u{2028}' | '\u{2029}' | '\u{0085}' => out.push('\n'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => out.push('-'),
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' | '\u{00B4}' => out.push('\''),
        '\u{00AB}' | '\u{00BB}' | '\u{201C}' | '\u{201D}' | '\u{201E}' => out.push('"'),
        '\u{00BA}' | '\u{00B0}' => out.push('°'),
        '\u{060C}' | '\u{066B}' => out.push(if c == '\u{066B}' { '.' } else { ',' }),
        '\u{061B}' => out.push(';'),
        '\u{061F}' => out.push('?'),
        '\u{066A}' => out.push('%'),
        '\u{066C}' => out.push(','),
        'œ' | 'Œ' => out.push_str("oe"),
        'æ' | 'Æ' => out.push_str("ae"),
        'ß' => out.push_str("ss"),
        _ => unicode_normalization::char::decompose_compatible(c, |d| {
            if !is_mark(d) {
                let d = arabic_letter(d);
                if d.is_ascii() {
                    out.push(d.to_ascii_lowercase());
                } else {
                    out.extend(d.to_lowercase());
                }
            }
        }),
    }
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}')
}

/// Words a full stop abbreviates without ending the sentence.
const ABBREVIATIONS: [&str; 24] = [
    "imm", "av", "bd", "appt", "apt", "n", "no", "m", "mme", "mlle", "mr", "dr", "pr", "st", "ste", "res", "lot", "bp", "tel", "art",
    "ref", "cf", "ex", "p",
];

fn tokenize(normal: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(normal.len() / 5);
    let (mut sentence, mut line) = (0u32, 0u32);
    let mut start: Option<usize> = None;
    let mut chars = normal.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c.is_alphanumeric() {
            start.get_or_insert(at);
            continue;
        }
        if let Some(s) = start.take() {
            tokens.push(token(normal, s..at, sentence, line));
        }
        match c {
            '\n' => {
                line += 1;
                sentence += 1;
            }
            '!' | '?' | ';' => sentence += 1,
            // A full stop ends a sentence before a space, not inside 06.12, after an
            // abbreviation (`imm. 4`, `av. Hassan`, `Mme.`) or before a number.
            '.' if chars.peek().is_none_or(|(_, next)| next.is_whitespace())
                && !tokens.last().is_some_and(|t: &Token| t.range.end == at && ABBREVIATIONS.contains(&&normal[t.range.clone()]))
                && !normal[at + 1..].trim_start_matches(' ').starts_with(|c: char| c.is_ascii_digit()) =>
            {
                sentence += 1
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push(token(normal, s..normal.len(), sentence, line));
    }
    tokens
}

fn token(normal: &str, range: Range<usize>, sentence: u32, line: u32) -> Token {
    let text = &normal[range.clone()];
    Token { number: text.bytes().all(|b| b.is_ascii_digit()), arabic: text.chars().next().is_some_and(is_arabic), range, sentence, line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_every_script_become_ascii() {
        assert_eq!(normalize("٠٦ ٩٨ ۷۶ 54"), "06 98 76 54");
        assert_eq!(normalize("０６１２"), "0612");
    }

    #[test]
    fn folding_lowercases_strips_accents_and_arabic_variants() {
        assert_eq!(normalize("Élève à l’École"), "eleve a l'ecole");
        assert_eq!(normalize("فاطِمَة إبراهيم"), "فاطمه ابراهيم");
        assert_eq!(normalize("06\u{200f}12\u{a0}34"), "0612 34");
        assert_eq!(normalize("sœur – n°"), "soeur - n°");
    }

    #[test]
    fn spans_map_back_to_the_markdown_source() {
        let md = "Le **père** : `06 12` et [appeler](tel:+212612345678)";
        let text = PostText::body(md);
        let at = text.normal().find("pere").unwrap();
        assert_eq!(&md[text.source_span(at..at + 4)], "père");
        let at = text.normal().find("06 12").unwrap();
        assert_eq!(&md[text.source_span(at..at + 5)], "06 12");
        let at = text.normal().find("+212").unwrap();
        assert_eq!(&md[text.source_span(at..at + 13)], "+212612345678");
    }

    #[test]
    fn arabic_indic_digits_map_back_whole() {
        let md = "رقم ٠٦١٢";
        let text = PostText::body(md);
        let at = text.normal().find("0612").unwrap();
        assert_eq!(&md[text.source_span(at..at + 4)], "٠٦١٢");
    }

    #[test]
    fn tokens_know_sentences_and_lines() {
        let text = PostText::body("Sara a 9 ans. Elle va bien.\n\nAutre paragraphe 06.12");
        let words: Vec<_> = text.tokens().iter().map(|t| (text.word(t), t.sentence, t.line)).collect();
        assert_eq!(words[0], ("sara", 0, 0));
        assert_eq!(words[4], ("elle", 1, 0));
        assert_eq!(words[7].0, "autre");
        assert!(words[7].2 >= 1);
        assert_eq!(text.word(&text.tokens()[9]), "06");
        assert_eq!(text.tokens()[9].sentence, text.tokens()[10].sentence);
    }
}
