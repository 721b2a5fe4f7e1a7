//! Whether a post is published or held: the one decision, taken on the
//! findings of screening. Screening itself (what identifies a child or a
//! family) lives in its own module; until it is wired in, [`interim_findings`]
//! catches the two most common identifiers, Moroccan phone numbers and
//! national identity card numbers.

use crate::model::Reason;

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

/// Phone numbers and national identity card numbers in `text`, explained in `lang`.
pub fn interim_findings(text: &str, lang: &str) -> Vec<Reason> {
    let mut out = Vec::new();
    if has_phone(text) {
        out.push(Reason { kind: "phone".into(), message: message("phone", lang) });
    }
    if has_national_id(text) {
        out.push(Reason { kind: "national_id".into(), message: message("national_id", lang) });
    }
    out
}

fn message(kind: &str, lang: &str) -> String {
    let (fr, ar, en) = match kind {
        "phone" => (
            "Un numéro de téléphone permet d'identifier une personne : retirez-le ou remplacez-le par « [téléphone] ».",
            "رقم الهاتف يكشف هوية الشخص: احذفه أو عوّضه بـ «[هاتف]».",
            "A phone number identifies a person: remove it or write \"[phone]\" instead.",
        ),
        _ => (
            "Un numéro de carte d'identité nationale identifie une personne : retirez-le.",
            "رقم البطاقة الوطنية يكشف هوية الشخص: احذفه.",
            "A national identity card number identifies a person: remove it.",
        ),
    };
    match lang {
        "ar" => ar,
        "en" => en,
        _ => fr,
    }
    .to_string()
}

/// Digits in any script (ASCII, Arabic-Indic, Eastern Arabic-Indic) as ASCII.
fn ascii_digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{660}'..='\u{669}' => Some((c as u32 - 0x660) as u8),
        '\u{6F0}'..='\u{6F9}' => Some((c as u32 - 0x6F0) as u8),
        _ => None,
    }
}

/// Runs of digits joined by spaces, dots or dashes (and a leading `+`), as their digits.
fn number_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    let mut pending_separator = false;
    for c in text.chars() {
        if let Some(d) = ascii_digit(c) {
            current.push(char::from(b'0' + d));
            pending_separator = false;
        } else if c == '+' && current.is_empty() {
            current.push('+');
        } else if matches!(c, ' ' | '.' | '-' | '\u{a0}') && !current.is_empty() && !pending_separator {
            pending_separator = true;
        } else {
            if !current.is_empty() {
                runs.push(std::mem::take(&mut current));
            }
            pending_separator = false;
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

fn has_phone(text: &str) -> bool {
    number_runs(text).iter().any(|run| {
        let digits = run.trim_start_matches('+');
        let national = if let Some(rest) = digits.strip_prefix("00212").or_else(|| digits.strip_prefix("212")) {
            format!("0{rest}")
        } else {
            digits.to_string()
        };
        national.len() == 10 && national.starts_with('0') && matches!(national.as_bytes()[1], b'5' | b'6' | b'7')
    })
}

/// One or two capital Latin letters, an optional space, then 4 to 7 digits (`EE 998877`, `A123456`).
fn has_national_id(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|i| {
        if i > 0 && chars[i - 1].is_alphanumeric() {
            return false;
        }
        let letters = chars[i..].iter().take_while(|c| c.is_ascii_uppercase()).count();
        if !(1..=2).contains(&letters) {
            return false;
        }
        let mut j = i + letters;
        if chars.get(j) == Some(&' ') {
            j += 1;
        }
        let digits = chars[j.min(chars.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
        let after = chars.get(j + digits);
        (4..=7).contains(&digits) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_national_ids_hold_and_ordinary_numbers_do_not() {
        let kinds = |t: &str| interim_findings(t, "fr").into_iter().map(|r| r.kind).collect::<Vec<_>>();
        assert_eq!(kinds("Le père répond au 06 98 76 54 32, sa CIN est EE 998877."), ["phone", "national_id"]);
        assert_eq!(kinds("+212 6 98 76 54 32"), ["phone"]);
        assert_eq!(kinds("٠٦٩٨٧٦٥٤٣٢"), ["phone"]);
        assert!(kinds("En 2023, 45 % des 1200 enfants suivis avaient moins de 12 ans.").is_empty());
        assert!(kinds("La loi 103-13 et la circulaire du 12.05.2022.").is_empty());
        assert_eq!(decide(vec![]), Verdict::Publish);
    }
}
