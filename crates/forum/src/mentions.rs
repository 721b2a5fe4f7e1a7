//! Who a post names: `@` mentions and block quotes, read from its Markdown.
//! Pure: the service decides whom to notify.
//!
//! How `@name` resolves: display names have spaces and no handle is unique,
//! so a mention is `@` followed by the whole name of someone who took part
//! in the topic: their display name where they posted under it, or their
//! pseudonym where they posted anonymously (`@Cèdre 417` reaches that
//! person without anyone learning who it is). Matching folds case, accents
//! and punctuation (`@amal berrada,` names Amal Berrada); when two names
//! start alike the longest one written wins. A `@` glued to a word (an
//! address) is no mention, and neither is one inside a quote or code.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use sanad_platform::folding::fold;
use uuid::Uuid;

/// How much text after an `@` is compared with names (display names are shorter).
const NAME_WINDOW_CHARS: usize = 120;

/// What a post's Markdown says of other people.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// The folded text after each mention mark of the author's own words.
    after_marks: Vec<String>,
    /// Whether the post quotes (has a block quote).
    pub quotes: bool,
}

impl Reading {
    /// Whether the post has any `@` that may name someone.
    pub fn has_mentions(&self) -> bool {
        !self.after_marks.is_empty()
    }
}

/// Reads `markdown`: the author's own words (outside block quotes and code) for mentions, and whether it quotes.
pub fn read(markdown: &str) -> Reading {
    let mut own = String::new();
    let (mut quoted, mut code, mut quotes) = (0usize, 0usize, false);
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::BlockQuote(_)) => {
                quoted += 1;
                quotes = true;
            }
            Event::End(TagEnd::BlockQuote(_)) => quoted = quoted.saturating_sub(1),
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            Event::Text(text) if quoted == 0 && code == 0 => own.push_str(&text),
            // Block ends and breaks separate words; inline code is not the author's prose.
            Event::SoftBreak | Event::HardBreak | Event::End(_) | Event::Code(_) => own.push(' '),
            _ => {}
        }
    }
    let mut after_marks = Vec::new();
    let mut previous: Option<char> = None;
    for (at, c) in own.char_indices() {
        if c == '@' && !previous.is_some_and(char::is_alphanumeric) {
            let window: String = own[at + 1..].chars().take(NAME_WINDOW_CHARS).collect();
            let folded = fold(&window);
            if !folded.is_empty() {
                after_marks.push(folded);
            }
        }
        previous = Some(c);
    }
    Reading { after_marks, quotes }
}

/// The accounts among `names` (account, name) that `reading` mentions, each once, in the order written.
pub fn mentioned(reading: &Reading, names: &[(Uuid, String)]) -> Vec<Uuid> {
    let folded: Vec<(Uuid, String)> = names.iter().map(|(id, name)| (*id, fold(name))).filter(|(_, name)| !name.is_empty()).collect();
    let mut found = Vec::new();
    for after in &reading.after_marks {
        let best = folded
            .iter()
            .filter(|(_, name)| after == name || after.strip_prefix(name.as_str()).is_some_and(|rest| rest.starts_with(' ')))
            .max_by_key(|(_, name)| name.len());
        if let Some((id, _)) = best
            && !found.contains(id)
        {
            found.push(*id);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn whole_names_after_a_mark_are_mentions() {
        let names = vec![
            (ids(1), "Amal Berrada".to_string()),
            (ids(2), "Amal".to_string()),
            (ids(3), "Cèdre 417".to_string()),
            (ids(4), "Badr Chraibi".to_string()),
        ];
        let r = read("Merci @amal berrada, et @Amal aussi ; @cedre 417 qu'en dis-tu ?");
        assert_eq!(mentioned(&r, &names), vec![ids(1), ids(2), ids(3)]);
        assert!(!r.quotes);
        // A partial name, an address, a quote and code name nobody.
        let r = read("@Badr et amal@example.org\n\n> @Amal Berrada disait\n\n`@Cèdre 417`\n\n    @Amal\n");
        assert_eq!(mentioned(&r, &names), Vec::<Uuid>::new());
        assert!(r.quotes);
        let r = read("@Badr Chraibi");
        assert_eq!(mentioned(&r, &names), vec![ids(4)]);
        assert_eq!(mentioned(&read("@Amalia"), &names), Vec::<Uuid>::new());
    }

    #[test]
    fn arabic_names_fold_like_search() {
        let names = vec![(ids(1), "أمل البرادة".to_string())];
        assert_eq!(mentioned(&read("شكرا @امل البراده على المساعدة"), &names), vec![ids(1)]);
    }
}
