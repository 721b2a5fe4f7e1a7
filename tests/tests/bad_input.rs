//! Bad input always gets a clear problem+json 4xx, never a 500, and never
//! loses data already stored.

use reqwest::{Method, StatusCode};
use sanad_tests::{Backend, TestServer, assert_problem, on_both_backends};
use serde_json::json;

on_both_backends!(bad_input_gets_problems_and_keeps_data);

async fn bad_input_gets_problems_and_keeps_data(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut c = srv.learner("kept@example.org").await;
    c.patch("/api/v1/me", json!({"profession": "assistante sociale", "territory": "rabat"})).await;

    let mut anon = srv.client();
    // Malformed JSON, wrong types, missing fields, wrong media type.
    let got = anon.send(Method::POST, "/api/v1/auth/register", None, Some((b"{not json".to_vec(), "application/json"))).await;
    assert_problem(&anon, StatusCode::BAD_REQUEST, (got.0, &got.1));
    let got = anon.post("/api/v1/auth/register", json!({"email": 42, "password": true, "display_name": []})).await;
    assert_problem(&anon, StatusCode::BAD_REQUEST, (got.0, &got.1));
    let got = anon.post("/api/v1/auth/register", json!({"email": "a@example.org"})).await;
    assert_problem(&anon, StatusCode::BAD_REQUEST, (got.0, &got.1));
    let got = anon.send(Method::POST, "/api/v1/auth/login", None, Some((b"email=a".to_vec(), "application/x-www-form-urlencoded"))).await;
    assert!(got.0.is_client_error(), "{got:?}");
    assert!(anon.content_type().starts_with("application/problem+json"));
    let got = anon
        .post(
            "/api/v1/auth/register",
            json!({"email": "b@example.org", "password": "un mot de passe solide", "display_name": "B", "locale": "klingon"}),
        )
        .await;
    assert_problem(&anon, StatusCode::BAD_REQUEST, (got.0, &got.1));

    // Field validation names every offending field.
    let (st, body) = anon.post("/api/v1/auth/register", json!({"email": "not-an-email", "password": "x", "display_name": ""})).await;
    assert_problem(&anon, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, vec!["email", "password", "display_name"], "{body}");
    let codes: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["code"].as_str()).collect();
    assert_eq!(codes, vec!["invalid_format", "too_short", "required"], "{body}");
    let (st, body) =
        anon.post("/api/v1/auth/register", json!({"email": "weak@example.org", "password": "aaaaaaaaaaaa", "display_name": "W"})).await;
    assert_problem(&anon, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let (st, body) = anon
        .post(
            "/api/v1/auth/register",
            json!({"email": "long@example.org", "password": "un mot de passe solide", "display_name": "N".repeat(101)}),
        )
        .await;
    assert_problem(&anon, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));

    // Duplicate email, whatever the case: 409, and the first account is untouched.
    let (st, body) = anon
        .post(
            "/api/v1/auth/register",
            json!({"email": "KEPT@example.org", "password": "un autre mot de passe 1", "display_name": "Intrus"}),
        )
        .await;
    assert_problem(&anon, StatusCode::CONFLICT, (st, &body));

    // Oversize bodies: announced and streamed.
    let big = json!({"email": "big@example.org", "password": "x".repeat(2 * 1024 * 1024), "display_name": "Big"});
    let (st, body) = anon.post("/api/v1/auth/register", big).await;
    assert_problem(&anon, StatusCode::PAYLOAD_TOO_LARGE, (st, &body));
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..40).map(|_| Ok(vec![b' '; 64 * 1024])).collect();
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", srv.url()))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_stream(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));

    // Paths, parameters and cursors that make no sense.
    let (st, body) = c.patch("/api/v1/admin/users/not-a-uuid", json!({})).await;
    assert!(st == StatusCode::BAD_REQUEST || st == StatusCode::FORBIDDEN, "{st} {body}");
    assert!(c.content_type().starts_with("application/problem+json"));
    let (st, body) = c.delete("/api/v1/me/tokens/not-a-uuid").await;
    assert_problem(&c, StatusCode::BAD_REQUEST, (st, &body));
    let (st, body) = c.get("/api/v1/nothing-here").await;
    assert_problem(&c, StatusCode::NOT_FOUND, (st, &body));
    let (st, body) = c.send(Method::PUT, "/api/v1/me", Some(json!({})), None).await;
    assert_problem(&c, StatusCode::METHOD_NOT_ALLOWED, (st, &body));
    assert_eq!(c.last_headers["allow"], "GET, PATCH, HEAD");
    let (st, body) = c.patch("/api/v1/me", json!({"display_name": "   "})).await;
    assert_problem(&c, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let (st, body) = c.patch("/api/v1/me", json!({"organization_kind": "cartel"})).await;
    assert_problem(&c, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));

    // Nothing stored was lost along the way.
    let (st, me) = c.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["display_name"], "Amina");
    assert_eq!(me["profession"], "assistante sociale");
    assert_eq!(me["territory"], "rabat");
    let mut again = srv.client();
    let (st, _) = again.post("/api/v1/auth/login", json!({"email": "kept@example.org", "password": "un mot de passe solide 42"})).await;
    assert_eq!(st, StatusCode::OK);
    srv.stop().await;
}

fn futures_stream(
    chunks: Vec<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + Sync + 'static {
    tokio_stream::iter(chunks)
}
