//! The library in Arabic (issue 9): every Arabic demo resource has a PDF an
//! Arabic reader can download, found by the words it holds; card summaries
//! end on a whole word and an ellipsis.

use reqwest::StatusCode;
use sanad_tests::{Backend, Options, TestServer, on_both_backends};

on_both_backends!(arabic_resources_have_pdfs_and_summaries_end_on_words);

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn arabic_resources_have_pdfs_and_summaries_end_on_words(backend: Backend) {
    let srv = TestServer::start_with(backend, Options { demo_content: true, ..Options::default() }).await;
    srv.index_now().await;
    let mut c = srv.client();

    let (st, page) = c.get("/api/v1/library/resources?language=ar&limit=50").await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 10, "{page}");
    for hit in items {
        let id = hit["id"].as_str().unwrap();
        let (st, resource) = c.get(&format!("/api/v1/library/resources/{id}")).await;
        assert_eq!(st, StatusCode::OK);
        let files = resource["files"].as_array().unwrap();
        let pdf = files.iter().find(|f| f["content_type"].as_str().unwrap().contains("pdf"));
        let pdf = pdf.unwrap_or_else(|| panic!("no PDF: {resource}"));
        let (st, bytes) = c
            .send_bytes(reqwest::Method::GET, &format!("/api/v1/library/resources/{id}/files/{}", pdf["id"].as_str().unwrap()), None, None)
            .await;
        assert_eq!(st, StatusCode::OK);
        assert!(bytes.starts_with(b"%PDF-"), "{id}");

        // A summary is the whole description, or its start up to a whole word and "…".
        let description = resource["description"].as_str().unwrap();
        let summary = html_unescape(hit["snippet_html"].as_str().unwrap());
        if summary != description.trim() {
            let kept = summary.strip_suffix('…').unwrap_or_else(|| panic!("no ellipsis: {summary}"));
            assert!(description.starts_with(kept), "{summary}");
            let rest = &description[kept.len()..];
            assert!(rest.starts_with(|c: char| c.is_whitespace() || ",;:.،؛".contains(c)), "cut inside a word: {summary}");
        }
    }

    // The words of an Arabic PDF find its resource (the circuit of Salé's document names the units).
    let (_, found) = c.get(&format!("/api/v1/library/resources?q={}&language=ar", enc("فرقة الأحداث"))).await;
    let titles: Vec<&str> = found["items"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap()).collect();
    assert!(titles.iter().any(|t| t.contains("سلا")), "{found}");
    // A snippet from the middle of a text says the text goes on.
    let snippet = found["items"][0]["snippet_html"].as_str().unwrap();
    assert!(snippet.contains("<mark>") && (snippet.starts_with('…') || snippet.ends_with('…')), "{snippet}");
    srv.stop().await;
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}
