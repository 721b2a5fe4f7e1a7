//! Ways to reach a person: email addresses (`nom@exemple.ma`, and the
//! disguised `nom [at] gmail [dot] com`), links to social-media profiles
//! (Facebook, Instagram, TikTok, Snapchat, WhatsApp `wa.me`, Telegram `t.me`,
//! X/Twitter, YouTube channels, LinkedIn) and handles named with their
//! network (`son insta : @sara_2012`, `snap dyalha sara.b2012`).
//!
//! Not held: a forum mention (`@Amal`, no network named), links to a video
//! (`youtube.com/watch`, `youtu.be`) or to a network's home page.

use super::kinds::Kind;
use super::lexicon::Words;
use super::{Detector, Hit, PostText, Token, is_boundary};
use regex::Regex;

/// Finds email addresses ([`Kind::EMAIL`]).
#[derive(Debug)]
pub struct EmailAddresses {
    pattern: Regex,
}

impl EmailAddresses {
    /// Compiles the pattern.
    pub fn new() -> Self {
        let pattern = Regex::new(
            r"(?x)
            [a-z0-9][a-z0-9._%+\-]*
            (?: @ | \ ?(?: \(at\) | \[at\] | \{at\} | \[@\] )\ ? | \ arobase\ )
            [a-z0-9](?:[a-z0-9\-]*[a-z0-9])?
            (?: (?:\.|\ ?\(dot\)\ ?|\ ?\[dot\]\ ?|\ point\ ) [a-z0-9\-]+ )*
            (?: \. | \ ?\(dot\)\ ? | \ ?\[dot\]\ ? | \ point\ ) [a-z]{2,}",
        )
        .expect("email pattern");
        EmailAddresses { pattern }
    }
}

impl Default for EmailAddresses {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector for EmailAddresses {
    fn name(&self) -> &'static str {
        "email"
    }

    fn detect(&self, text: &PostText, hits: &mut Vec<Hit>) {
        for found in self.pattern.find_iter(text.normal()) {
            let range = found.range();
            if is_boundary(text.char_at(range.end)) {
                hits.push(Hit { kind: Kind::EMAIL, range });
            }
        }
    }
}

/// Finds links to and handles of social-media profiles ([`Kind::SOCIAL_PROFILE`]).
#[derive(Debug)]
pub struct SocialProfiles {
    link: Regex,
    handle: Regex,
    networks: Words,
}

impl SocialProfiles {
    /// Compiles the patterns.
    pub fn new() -> Self {
        let link = Regex::new(
            r"(?x)
            (?:https?://)?(?:[a-z0-9\-]+\.)*?
            (facebook\.com|fb\.com|fb\.me|m\.me|instagram\.com|instagr\.am|tiktok\.com|snapchat\.com|wa\.me|whatsapp\.com
             |t\.me|telegram\.me|telegram\.dog|twitter\.com|x\.com|youtube\.com|linkedin\.com|threads\.net|vk\.com)
            (/[^\s<>\x22'()\[\]]*)?",
        )
        .expect("social link pattern");
        let handle = Regex::new(r"^@?[a-z0-9][a-z0-9_.]{2,29}").expect("handle pattern");
        let networks = Words::new(
            "insta instagram ig tiktok tik snap snapchat sc fb facebook fcb twitter telegram telegramme \
            whatsapp watsap wtsp threads انستغرام انستا انستجرام إنستغرام سناب سنابشات تيكتوك تيك \
            فيسبوك فايسبوك تويتر تلغرام تليغرام واتساب",
        );
        SocialProfiles { link, handle, networks }
    }

    fn links(&self, text: &PostText, hits: &mut Vec<Hit>) {
        for found in self.link.captures_iter(text.normal()) {
            let whole = found.get(0).expect("match");
            let host = found.get(1).expect("host");
            let before = text.char_before(host.start());
            if whole.start() == host.start() && before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == '@') {
                continue;
            }
            let path = found.get(2).map_or("", |p| p.as_str()).trim_end_matches(['.', ',', ';', ':', '!', '?']);
            if profile(host.as_str(), path) {
                hits.push(Hit { kind: Kind::SOCIAL_PROFILE, range: whole.start()..host.end() + path.len() });
            }
        }
    }

    fn handles(&self, text: &PostText, hits: &mut Vec<Hit>) {
        let tokens = text.tokens();
        let normal = text.normal();
        let links: Vec<_> = hits.iter().filter(|h| h.kind == Kind::SOCIAL_PROFILE).map(|h| h.range.clone()).collect();
        // Links come in order and never overlap: the last one starting before the word decides.
        let in_link = |t: &Token| {
            let i = links.partition_point(|l| l.start <= t.range.start);
            i.checked_sub(1).is_some_and(|i| t.range.end <= links[i].end)
        };
        for (i, token) in tokens.iter().enumerate() {
            if !self.networks.has_form(text.word(token), token.arabic) || in_link(token) {
                continue;
            }
            // The handle follows the network's name within a few words, or
            // precedes it (`@sara_2012 sur insta`).
            let after = tokens[i + 1..].iter().take(4).take_while(|t| t.sentence == token.sentence);
            let before = tokens[..i].iter().rev().take(3).take_while(|t| t.sentence == token.sentence);
            for t in after.chain(before).filter(|t| !in_link(t)) {
                let start = if text.char_before(t.range.start) == Some('@') { t.range.start - 1 } else { t.range.start };
                if !is_boundary(text.char_before(start)) && text.char_before(start) != Some(' ') {
                    continue;
                }
                let Some(found) = self.handle.find(&normal[start..]) else { continue };
                let handle = found.as_str().trim_end_matches('.');
                // Darija written in Latin letters puts digits inside words (`3ndha`, `ta3ha`): only a
                // handle's trailing digits (`sara2012`) mark it.
                let trailing = handle.bytes().rev().take_while(u8::is_ascii_digit).count();
                let marked = handle.starts_with('@') || handle.contains(['_', '.']) || trailing >= 2;
                let letters = handle.bytes().any(|b| b.is_ascii_lowercase());
                if marked && letters && handle.len() > 3 && !handle.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    hits.push(Hit { kind: Kind::SOCIAL_PROFILE, range: start..start + handle.len() });
                    break;
                }
            }
        }
    }
}

/// Whether a link to `host` with `path` leads to a person's profile or posts.
fn profile(host: &str, path: &str) -> bool {
    let path = path.trim_start_matches('/');
    let first = path.split(['/', '?', '#']).next().unwrap_or("");
    if first.is_empty() && !path.starts_with('?') {
        return false;
    }
    match host {
        "youtube.com" => first.starts_with('@') || matches!(first, "channel" | "c" | "user"),
        "facebook.com" | "fb.com" => !matches!(first, "watch" | "hashtag" | "sharer" | "sharer.php" | "help" | "policies" | "privacy"),
        "instagram.com" => !matches!(first, "explore" | "accounts"),
        "tiktok.com" => !matches!(first, "discover" | "tag" | "music"),
        "twitter.com" | "x.com" => !matches!(first, "hashtag" | "search" | "i" | "explore" | "home"),
        "linkedin.com" => matches!(first, "in" | "pub"),
        "whatsapp.com" => matches!(first, "send" | "message") || path.contains("phone="),
        _ => true,
    }
}

impl Default for SocialProfiles {
    fn default() -> Self {
        Self::new()
    }
}

impl Detector for SocialProfiles {
    fn name(&self) -> &'static str {
        "social_profile"
    }

    fn detect(&self, text: &PostText, hits: &mut Vec<Hit>) {
        self.links(text, hits);
        self.handles(text, hits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::screening::passages as found;

    #[test]
    fn emails_plain_and_disguised() {
        let emails = EmailAddresses::new();
        assert_eq!(found(&emails, "écrire à sara.benali@gmail.com."), ["sara.benali@gmail.com"]);
        assert_eq!(found(&emails, "mail : fatima88 [at] hotmail [dot] fr"), ["fatima88 [at] hotmail [dot] fr"]);
        assert!(found(&emails, "Merci @Amal et @badr.c pour le modèle").is_empty());
        assert!(found(&emails, "l'compte smiyto @zakaria.sla.01").is_empty());
    }

    #[test]
    fn profiles_links_and_handles() {
        let social = SocialProfiles::new();
        assert_eq!(found(&social, "voir https://www.facebook.com/sara.benali.77 hier"), ["https://www.facebook.com/sara.benali.77"]);
        assert_eq!(found(&social, "[lien](https://instagram.com/sara_2012)"), ["https://instagram.com/sara_2012"]);
        assert_eq!(found(&social, "wa.me/212698765432"), ["wa.me/212698765432"]);
        assert_eq!(found(&social, "son insta c'est @sara_2012"), ["@sara_2012"]);
        assert_eq!(found(&social, "snap dyalha: sara.b2012"), ["sara.b2012"]);
        assert_eq!(found(&social, "x.com/sara2012"), ["x.com/sara2012"]);
    }

    #[test]
    fn videos_home_pages_and_mentions_pass() {
        let social = SocialProfiles::new();
        for text in [
            "La vidéo https://www.youtube.com/watch?v=abc123 est utile.",
            "https://youtu.be/abc123",
            "Sur facebook.com on trouve de tout.",
            "Merci @Amal !",
            "dropbox.com/s/abc",
            "Les risques sur Instagram et TikTok pour les 12-15 ans.",
        ] {
            assert!(found(&social, text).is_empty(), "{text}: {:?}", found(&social, text));
        }
    }
}
