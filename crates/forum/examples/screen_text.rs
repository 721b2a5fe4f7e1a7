//! What the screener sees in a text and what it finds there: the normalized
//! words, then each finding with its passage. For whoever tunes a detector
//! or a word list.
//!
//! Run: `cargo run -p sanad-forum --example screen_text -- "La petite Salma, 9 ans"`

use sanad_forum::screening::{PostText, Screener};

fn main() {
    let screener = Screener::standard();
    for body in std::env::args().skip(1) {
        let text = PostText::body(&body);
        let words: Vec<&str> = text.tokens().iter().map(|t| text.word(t)).collect();
        println!("{words:?}");
        for finding in screener.screen("", &body) {
            println!("  {} {:?} at {:?}", finding.kind.name, finding.passage, finding.span);
        }
    }
}
