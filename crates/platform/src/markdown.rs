//! Markdown written by people (lessons, case studies, posts), rendered once on
//! write to HTML that is safe to show: pulldown-cmark for the rendering,
//! ammonia for the allow-list. Callouts use the GitHub alert syntax
//! (`> [!NOTE]`); a paragraph that is only a link to a video site becomes a
//! video card (a link, never an iframe: nothing from elsewhere runs in Sanad).
//!
//! The HTML parser behind the sanitizer slows down with the square of the
//! nesting depth (50,000 `>` took 12 s), so nesting is bounded before it sees
//! anything: Markdown containers deeper than [`MAX_DEPTH`] are flattened and
//! raw HTML that would nest deeper than [`MAX_HTML_DEPTH`] is shown as text.
//! Inputs are bounded by [`MAX_MARKDOWN_BYTES`], which callers validate.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use std::collections::{HashMap, HashSet};

const VIDEO_HOSTS: &[&str] =
    &["youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com", "dailymotion.com", "www.dailymotion.com"];

/// Largest Markdown text accepted in one field (a lesson of some 15,000 words).
pub const MAX_MARKDOWN_BYTES: usize = 100 * 1024;

/// Deepest nesting of Markdown containers (quotes, lists, emphasis...) kept as structure.
pub const MAX_DEPTH: usize = 16;

/// Deepest nesting of raw HTML elements kept as HTML; deeper fragments become text.
pub const MAX_HTML_DEPTH: usize = 32;

/// Renders Markdown to sanitized HTML. The cost grows linearly with the
/// input whatever its shape; callers refuse inputs over [`MAX_MARKDOWN_BYTES`].
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_GFM | Options::ENABLE_FOOTNOTES;
    let events = bound_nesting(Parser::new_ext(markdown, options));
    let events = mark_video_paragraphs(events);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    sanitizer().clean(&raw).to_string()
}

/// [`to_safe_html`] on the blocking pool, so a long render never holds an
/// async worker thread (and with it `/healthz` and other requests).
pub async fn to_safe_html_off_thread(markdown: String) -> String {
    // A render that panicked shows nothing rather than unsanitised text.
    tokio::task::spawn_blocking(move || to_safe_html(&markdown)).await.unwrap_or_default()
}

/// The words of a Markdown text without its markup (`##`, `**`, links'
/// addresses, raw HTML), for search indexes and their snippets.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // Blocks and line breaks separate words; inline ends (emphasis, links) do not.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            ) if !out.ends_with(' ') && !out.is_empty() => out.push(' '),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// Whether `markdown` fits in one field.
pub fn fits(markdown: &str) -> bool {
    markdown.len() <= MAX_MARKDOWN_BYTES
}

/// Drops the start and end of containers nested deeper than [`MAX_DEPTH`]
/// (their text stays), and turns raw HTML that would open elements deeper
/// than [`MAX_HTML_DEPTH`] into plain text.
fn bound_nesting<'a>(parser: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    // For each open container: whether its start was kept.
    let mut open: Vec<bool> = Vec::new();
    let mut kept = 0;
    let mut html = RawHtmlDepth::default();
    for event in parser {
        match event {
            Event::Start(tag) => {
                let keep = kept < MAX_DEPTH;
                open.push(keep);
                if keep {
                    kept += 1;
                    out.push(Event::Start(tag));
                }
            }
            Event::End(tag) => match open.pop() {
                Some(false) => out.push(Event::Text(" ".into())),
                _ => {
                    kept = kept.saturating_sub(1);
                    out.push(Event::End(tag));
                }
            },
            Event::Html(raw) | Event::InlineHtml(raw) if !html.admit(&raw) => out.push(Event::Text(raw)),
            other => out.push(other),
        }
    }
    out
}

/// Elements that never contain others, so never deepen the tree.
const VOID_ELEMENTS: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// The open raw HTML elements across a document's fragments, as the HTML
/// parser will nest them (closing tags close up to the matching element;
/// stray ones are ignored, as the parser ignores them).
#[derive(Default)]
struct RawHtmlDepth {
    stack: Vec<String>,
}

impl RawHtmlDepth {
    /// Takes `fragment` into the count when it stays within the depth limit;
    /// otherwise leaves the count as it was and says no.
    fn admit(&mut self, fragment: &str) -> bool {
        let before = self.stack.clone();
        let bytes = fragment.as_bytes();
        let mut i = 0;
        while let Some(pos) = fragment[i..].find('<') {
            i += pos + 1;
            let closing = bytes.get(i) == Some(&b'/');
            let start = if closing { i + 1 } else { i };
            let len = fragment[start..].bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
            if len == 0 || !bytes[start].is_ascii_alphabetic() {
                continue;
            }
            let name = fragment[start..start + len].to_ascii_lowercase();
            if closing {
                if let Some(at) = self.stack.iter().rposition(|n| *n == name) {
                    self.stack.truncate(at);
                }
                continue;
            }
            let self_closing = fragment[start + len..].split('>').next().is_some_and(|rest| rest.ends_with('/'));
            if VOID_ELEMENTS.contains(&name.as_str()) || self_closing {
                continue;
            }
            self.stack.push(name);
            if self.stack.len() > MAX_HTML_DEPTH {
                self.stack = before;
                return false;
            }
        }
        true
    }
}

fn is_video_url(url: &str) -> bool {
    url::Url::parse(url)
        .ok()
        .is_some_and(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some_and(|h| VIDEO_HOSTS.contains(&h)))
}

/// A paragraph holding nothing but one link to a video site is rendered as
/// `<p class="video"><a ...>`.
fn mark_video_paragraphs(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Paragraph) = &events[i] {
            // Find the paragraph's end and check its shape: Start(Link) ... End(Link) End(Paragraph).
            if let Some(Event::Start(Tag::Link { dest_url, .. })) = events.get(i + 1)
                && is_video_url(dest_url)
                && let Some(end_link) = events[i + 1..].iter().position(|e| matches!(e, Event::End(TagEnd::Link))).map(|p| p + i + 1)
                && matches!(events.get(end_link + 1), Some(Event::End(TagEnd::Paragraph)))
            {
                out.push(Event::Html("<p class=\"video\">".into()));
                out.extend(events[i + 1..=end_link].iter().cloned());
                out.push(Event::Html("</p>".into()));
                i = end_link + 2;
                continue;
            }
        }
        out.push(events[i].clone());
        i += 1;
    }
    out
}

// Long on purpose: the allow-list is a table, read best in one piece.
fn sanitizer() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    let tags: HashSet<&str> = [
        "a",
        "abbr",
        "aside",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "div",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
        "h1",
        "section",
    ]
    .into_iter()
    .collect();
    b.tags(tags);
    let mut classes: HashMap<&str, HashSet<&str>> = HashMap::new();
    classes.insert(
        "blockquote",
        ["markdown-alert-note", "markdown-alert-tip", "markdown-alert-important", "markdown-alert-warning", "markdown-alert-caution"]
            .into_iter()
            .collect(),
    );
    classes.insert("p", ["video"].into_iter().collect());
    b.allowed_classes(classes);
    let mut attrs: HashMap<&str, HashSet<&str>> = HashMap::new();
    attrs.insert("img", ["src", "alt", "title", "width", "height"].into_iter().collect());
    attrs.insert("a", ["href", "title"].into_iter().collect());
    attrs.insert("td", ["align"].into_iter().collect());
    attrs.insert("th", ["align"].into_iter().collect());
    b.tag_attributes(attrs);
    b.url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
    b.link_rel(Some("noopener noreferrer nofollow"));
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_structure_and_callouts() {
        let html = to_safe_html("## Titre\n\n- un\n- deux\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> [!WARNING]\n> Attention\n");
        assert!(html.contains("<h2>Titre</h2>"));
        assert!(html.contains("<li>un</li>"));
        assert!(html.contains("<table>"));
        assert!(html.contains("markdown-alert-warning"), "{html}");
    }

    #[test]
    fn video_links_become_cards_not_iframes() {
        let html = to_safe_html("https://www.youtube.com/watch?v=abc\n\n[vidéo](https://vimeo.com/1)\n");
        assert!(html.contains("<p class=\"video\"><a href=\"https://vimeo.com/1\""), "{html}");
        assert!(!html.contains("iframe"));
    }

    #[test]
    fn plain_text_keeps_the_words_only() {
        let text = to_plain_text("## Pourquoi un programme\n\nLa **prise en charge** [commence](https://x.example) ici.\n\n- un\n- deux");
        assert_eq!(text, "Pourquoi un programme La prise en charge commence ici. un deux");
    }

    #[test]
    fn deep_nesting_is_flattened_not_lost() {
        let html = to_safe_html(&(">".repeat(50_000) + " profond"));
        assert!(html.contains("profond"));
        assert_eq!(html.matches("<blockquote>").count(), MAX_DEPTH, "{}", &html[..200]);
        let html = to_safe_html(&("- ".repeat(5_000) + "x"));
        assert!(html.contains('x'));
        assert!(html.matches("<ul>").count() <= MAX_DEPTH);
        // Raw HTML past the limit is shown as text, which the sanitizer escapes.
        let html = to_safe_html(&"<div>".repeat(10_000));
        assert!(html.matches("<div>").count() <= MAX_HTML_DEPTH, "{}", html.matches("<div>").count());
        assert!(html.contains("&lt;div&gt;"));
        // Stray closing tags do not reset the count.
        let html = to_safe_html(&"<div></span>".repeat(1_000));
        assert!(html.matches("<div>").count() <= MAX_HTML_DEPTH);
        // Ordinary nesting is kept as it is.
        let html = to_safe_html("> un\n>\n> > deux\n\n<div><p>bloc</p></div>\n");
        assert_eq!(html.matches("<blockquote>").count(), 2, "{html}");
        assert!(html.contains("<div><p>bloc</p></div>"), "{html}");
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "![x](data:image/svg+xml;base64,PHN2Zz4=)",
            "<svg onload=alert(1)>",
            "<p style=\"background:url(javascript:alert(1))\">x</p>",
            "<blockquote class=\"evil\">x</blockquote>",
        ] {
            let html = to_safe_html(attack);
            let lower = html.to_lowercase();
            assert!(
                !lower.contains("<script")
                    && !lower.contains("onerror")
                    && !lower.contains("javascript:")
                    && !lower.contains("<iframe")
                    && !lower.contains("onload")
                    && !lower.contains("data:")
                    && !lower.contains("style=")
                    && !lower.contains("evil"),
                "{attack} -> {html}"
            );
        }
    }
}
