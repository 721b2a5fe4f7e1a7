//! Requests shaped to exhaust the server: compressed bodies, bodies with no
//! length over HTTP/2, deeply nested text. Each is refused or bounded with a
//! problem+json answer, and the server goes on answering.

use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, TestServer, assert_problem, on_both_backends};
use serde_json::json;
use std::io::Write;

on_both_backends!(encoded_request_bodies_are_refused, bodies_without_length_are_capped_over_http2, hostile_markdown_is_bounded);

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    w.write_all(bytes).unwrap();
    w.finish().unwrap()
}

async fn encoded_request_bodies_are_refused(backend: Backend) {
    let srv = TestServer::start(backend).await;
    srv.learner("gonfle@example.org").await;
    let http = reqwest::Client::new();
    // 64 MiB of spaces in a few kilobytes: never inflated.
    let bomb = gzip(&vec![b' '; 64 << 20]);
    assert!(bomb.len() < 1 << 20);
    for (coding, body) in [("gzip", bomb.clone()), ("br", b"x".to_vec()), ("deflate, gzip", bomb), ("GZIP", gzip(b"{}"))] {
        let resp = http
            .post(format!("{}/api/v1/auth/login", srv.url()))
            .header("content-type", "application/json")
            .header("content-encoding", coding)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{coding}");
        assert_eq!(resp.headers()["accept-encoding"], "identity");
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    }
    // An encoded login, even a small valid one, is refused rather than inflated; plain ones still work.
    let ok = gzip(br#"{"email":"gonfle@example.org","password":"un mot de passe solide 42"}"#);
    let resp = http
        .post(format!("{}/api/v1/auth/login", srv.url()))
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(ok)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let resp = http
        .post(format!("{}/api/v1/auth/login", srv.url()))
        .header("content-type", "application/json")
        .header("content-encoding", "identity")
        .body(r#"{"email":"gonfle@example.org","password":"un mot de passe solide 42"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    srv.stop().await;
}

async fn bodies_without_length_are_capped_over_http2(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let h2 = reqwest::Client::builder().http2_prior_knowledge().build().unwrap();
    // 3 MiB streamed with no Content-Length (HTTP/2 has no chunked framing to see).
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..48).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let resp = h2
        .post(format!("{}/api/v1/auth/login", srv.url()))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(tokio_stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.version(), reqwest::Version::HTTP_2);
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    // A small streamed body still reaches the endpoint, and a declared oversize one is refused too.
    let small: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(br#"{"email":"x@example.org","#.to_vec()), Ok(br#""password":"faux 123456789"}"#.to_vec())];
    let resp = h2
        .post(format!("{}/api/v1/auth/login", srv.url()))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(tokio_stream::iter(small)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = h2
        .post(format!("{}/api/v1/auth/login", srv.url()))
        .header("content-type", "application/json")
        .body(vec![b' '; 2 << 20])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let resp = h2.get(format!("{}/healthz", srv.url())).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    srv.stop().await;
}

async fn hostile_markdown_is_bounded(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("autrice@example.org", Role::Trainer).await;
    // Nesting past the bound is flattened: the text stays, the structure stops growing.
    let (st, body) = t.post("/api/v1/markdown/preview", json!({"markdown": ">".repeat(50_000) + " au fond"})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let html = body["html"].as_str().unwrap();
    assert!(html.contains("au fond"));
    assert!(html.matches("<blockquote>").count() <= sanad_platform::markdown::MAX_DEPTH);
    let (st, body) = t.post("/api/v1/markdown/preview", json!({"markdown": "<div>".repeat(20_000)})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(body["html"].as_str().unwrap().matches("<div>").count() <= sanad_platform::markdown::MAX_HTML_DEPTH);
    // Past the size every render is bounded for: a named field error, for the preview and for a lesson.
    let long = "Un paragraphe de leçon.\n\n".repeat(5_000);
    let (st, body) = t.post("/api/v1/markdown/preview", json!({"markdown": long})).await;
    assert_problem(&t, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert_eq!(body["errors"][0]["field"], "markdown");
    assert_eq!(body["errors"][0]["code"], "too_long");
    t.post("/api/v1/courses", json!({"slug": "longue", "title": "Longue", "summary": "s", "theme": "pec", "language": "fr"})).await;
    let (_, module) = t.post("/api/v1/courses/longue/modules", json!({"title": "M"})).await;
    let module = module["id"].as_str().unwrap().to_string();
    let (st, body) = t.post(&format!("/api/v1/modules/{module}/lessons"), json!({"title": "Trop longue", "body": long})).await;
    assert_problem(&t, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert_eq!(body["errors"][0]["field"], "body");
    let (st, body) = t.post(&format!("/api/v1/modules/{module}/lessons"), json!({"title": "Profonde", "body": ">".repeat(50_000)})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    srv.stop().await;
}
