//! Whether a post is published or held: the one decision, taken on the
//! findings of screening ([`crate::screening`]) for new topics, replies,
//! edits alike.

use crate::model::Reason;
use crate::screening::{Finding, Screener};

/// What becomes of a post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Published at once.
    Publish,
    /// Held for a moderator, with the reasons the author is shown.
    Hold(Vec<Reason>),
}

/// The hold decision: any finding holds the post.
pub fn decide(findings: Vec<Reason>) -> Verdict {
    if findings.is_empty() { Verdict::Publish } else { Verdict::Hold(findings) }
}

/// Screening's findings in a post (its title, empty for a reply, and its
/// Markdown body), as reasons explained in `lang`.
pub fn findings(screener: &Screener, title: &str, body: &str, lang: &str) -> Vec<Reason> {
    screener.screen(title, body).iter().map(|f| reason(f, lang)).collect()
}

fn reason(finding: &Finding, lang: &str) -> Reason {
    Reason {
        kind: finding.kind.name.to_string(),
        message: finding.message(lang).to_string(),
        field: finding.field.as_str().to_string(),
        passage: finding.passage.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_holds_and_none_publishes() {
        let screener = Screener::standard();
        let held = decide(findings(&screener, "Une famille", "Le père répond au 06 98 76 54 32.", "en"));
        let Verdict::Hold(reasons) = held else { panic!("held") };
        assert_eq!((reasons[0].kind.as_str(), reasons[0].passage.as_str(), reasons[0].field.as_str()), ("phone", "06 98 76 54 32", "body"));
        assert_eq!(decide(findings(&screener, "", "45 % des enfants suivis en 2023.", "fr")), Verdict::Publish);
    }
}
