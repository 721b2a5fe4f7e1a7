//! Markdown written by people (lessons, case studies, posts), rendered once on
//! write to HTML that is safe to show: pulldown-cmark for the rendering,
//! ammonia for the allow-list. Callouts use the GitHub alert syntax
//! (`> [!NOTE]`); a paragraph that is only a link to a video site becomes a
//! video card (a link, never an iframe: nothing from elsewhere runs in Sanad).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};
use std::collections::{HashMap, HashSet};

const VIDEO_HOSTS: &[&str] =
    &["youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "www.vimeo.com", "dailymotion.com", "www.dailymotion.com"];

/// Renders Markdown to sanitized HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_GFM | Options::ENABLE_FOOTNOTES;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let events = mark_video_paragraphs(events);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    sanitizer().clean(&raw).to_string()
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
