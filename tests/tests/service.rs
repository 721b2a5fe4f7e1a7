//! The service around the API: health, readiness, metrics, the OpenAPI
//! document and docs, request ids, security headers, the SPA and shutdown.

use reqwest::StatusCode;
use sanad_tests::{Backend, Options, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    operations_endpoints,
    spa_is_served_with_client_route_fallback,
    secure_cookie_behind_https,
    static_files_are_precompressed_and_revalidated,
    answers_are_compressed_where_it_pays,
    metrics_are_for_operators_only,
    leaving_turns_readiness_off_and_keeps_serving_while_it_drains,
    connections_the_database_ended_while_idle_are_replaced_unseen,
    an_instance_holds_the_connections_it_is_told,
);

async fn operations_endpoints(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let http = reqwest::Client::new();
    let resp = http.get(format!("{}/healthz", srv.url())).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(!id.is_empty());
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    let resp = http.get(format!("{}/readyz", srv.url())).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["x-request-id"], "trace-me-42", "a caller's request id is kept");
    assert_eq!(resp.json::<Value>().await.unwrap()["database"], "ok");

    let spec: Value = http.get(format!("{}/api/openapi.json", srv.url())).send().await.unwrap().json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/me", "/api/v1/me/tokens", "/api/v1/admin/users"] {
        assert!(spec["paths"].get(path).is_some(), "{path} documented");
    }
    let problem = &spec["paths"]["/api/v1/me"]["get"]["responses"]["401"]["content"]["application/problem+json"];
    assert!(problem.is_object(), "problems are documented");
    let docs = http.get(format!("{}/api/docs", srv.url())).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().to_lowercase().contains("<html"));

    let mut c = srv.learner("metrics@example.org").await;
    c.get("/api/v1/me").await;
    let metrics = http.get(format!("{}/metrics", srv.url())).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("sanad_http_requests_total{method=\"GET\",status=\"200\"}"), "{metrics}");
    assert!(metrics.contains("sanad_http_request_duration_seconds_bucket"));
    srv.stop().await;
}

/// SIGTERM behind a load balancer: `/readyz` says 503 at once, so the balancer sends the next
/// requests elsewhere, while requests that still reach this instance are answered; then it stops.
async fn leaving_turns_readiness_off_and_keeps_serving_while_it_drains(backend: Backend) {
    let options = Options { env: vec![("SANAD_SHUTDOWN_DRAIN_SECS", "2".into())], ..Options::default() };
    let srv = TestServer::start_with(backend, options).await;
    let mut learner = srv.learner("partante@example.org").await;
    let url = srv.url();
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{url}/readyz")).send().await.unwrap().status(), StatusCode::OK);
    let leaving = tokio::spawn(srv.leave());
    let mut readiness = StatusCode::OK;
    for _ in 0..50 {
        readiness = http.get(format!("{url}/readyz")).send().await.unwrap().status();
        if readiness != StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(readiness, StatusCode::SERVICE_UNAVAILABLE, "/readyz turns 503 as soon as the instance is told to leave");
    let (st, me) = learner.get("/api/v1/me").await;
    assert_eq!((st, me["email"].as_str()), (StatusCode::OK, Some("partante@example.org")), "still serving while it drains");
    assert_eq!(http.get(format!("{url}/healthz")).send().await.unwrap().status(), StatusCode::OK, "alive, only not ready");
    leaving.await.unwrap();
    assert!(http.get(format!("{url}/healthz")).send().await.is_err(), "stopped after the drain");
}

async fn spa_is_served_with_client_route_fallback(backend: Backend) {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html><html lang=\"fr\"><body><div id=\"app\"></div></body></html>").unwrap();
    std::fs::create_dir(dist.path().join("assets")).unwrap();
    std::fs::write(dist.path().join("assets/app-1234.js"), "console.log('sanad')").unwrap();
    let srv = TestServer::start_with(backend, Options { static_dir: Some(dist.path().to_path_buf()), ..Options::default() }).await;
    let http = reqwest::Client::new();
    for path in ["/", "/courses/some-client-route", "/reset-password?token=abc"] {
        let resp = http.get(format!("{}{path}", srv.url())).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert!(resp.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
        assert!(resp.text().await.unwrap().contains("<html"), "{path}");
    }
    let resp = http.get(format!("{}/assets/app-1234.js", srv.url())).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert!(resp.headers()["content-type"].to_str().unwrap().contains("javascript"));
    let resp = http.get(format!("{}/assets/missing.js", srv.url())).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = http.get(format!("{}/../Cargo.toml", srv.url())).send().await.unwrap();
    assert!(resp.text().await.unwrap().contains("<html"), "no path traversal");
    let mut c = srv.client();
    let got = c.get("/api/unknown").await;
    assert_problem(&c, StatusCode::NOT_FOUND, (got.0, &got.1));
    srv.stop().await;
}

async fn secure_cookie_behind_https(backend: Backend) {
    let srv = TestServer::start_with(backend, Options { public_url: Some("https://sanad.example".into()), ..Options::default() }).await;
    let mut c = srv.client();
    c.post("/api/v1/auth/register", json!({"email": "tls@example.org", "password": "un mot de passe solide 42", "display_name": "T"}))
        .await;
    let cookie = c.last_headers["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Secure"), "{cookie}");
    srv.stop().await;
}

async fn static_files_are_precompressed_and_revalidated(backend: Backend) {
    let dist = tempfile::tempdir().unwrap();
    let inline = "document.documentElement.dir = 'rtl';";
    let index = format!(
        "<!doctype html><html><head><script>{inline}</script><script type=\"module\" src=\"/assets/app-1.js\"></script></head></html>"
    );
    std::fs::write(dist.path().join("index.html"), &index).unwrap();
    std::fs::write(dist.path().join("robots.txt"), "User-agent: *\nDisallow: /api/\n").unwrap();
    std::fs::create_dir(dist.path().join("assets")).unwrap();
    let js = "export const lecon = 'prise en charge';\n".repeat(200);
    std::fs::write(dist.path().join("assets/app-1.js"), &js).unwrap();
    // The build writes these copies; the server must pick them, not compress again.
    std::fs::write(dist.path().join("assets/app-1.js.br"), b"brotli copy").unwrap();
    std::fs::write(dist.path().join("assets/app-1.js.gz"), b"gzip copy, a bit longer").unwrap();
    let srv = TestServer::start_with(backend, Options { static_dir: Some(dist.path().to_path_buf()), ..Options::default() }).await;
    let http = reqwest::Client::new();
    let url = format!("{}/assets/app-1.js", srv.url());
    let get = |enc: &'static str| http.get(&url).header("accept-encoding", enc).send();
    let resp = get("gzip, deflate, br").await.unwrap();
    assert_eq!(resp.headers()["content-encoding"], "br");
    assert_eq!(resp.headers()["vary"], "Accept-Encoding");
    let etag_br = resp.headers()["etag"].clone();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"brotli copy");
    let resp = get("gzip").await.unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    assert_ne!(resp.headers()["etag"], etag_br, "each copy has its own ETag");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"gzip copy, a bit longer");
    let resp = http.get(&url).send().await.unwrap();
    assert!(resp.headers().get("content-encoding").is_none());
    assert_eq!(resp.text().await.unwrap(), js);
    // Revalidation costs a 304 and no body.
    let resp = http.get(&url).header("accept-encoding", "br").header("if-none-match", etag_br.clone()).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    assert!(resp.bytes().await.unwrap().is_empty());
    let resp = http.get(format!("{}/", srv.url())).send().await.unwrap();
    let etag = resp.headers()["etag"].clone();
    let csp = resp.headers()["content-security-policy"].to_str().unwrap().to_string();
    let hash = {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(inline.as_bytes()))
    };
    assert!(csp.contains(&format!("'sha256-{hash}'")), "the page's own inline script is allowed: {csp}");
    assert!(!csp.contains("unsafe-inline"));
    let resp = http.get(format!("{}/", srv.url())).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    let resp = http.get(format!("{}/robots.txt", srv.url())).send().await.unwrap();
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert!(resp.text().await.unwrap().contains("User-agent"));
    srv.stop().await;
}

async fn answers_are_compressed_where_it_pays(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let http = reqwest::Client::new();
    // The OpenAPI document is large JSON: compressed, with Content-Length, and it decodes to the same document.
    let plain = http.get(format!("{}/api/openapi.json", srv.url())).send().await.unwrap().bytes().await.unwrap();
    let resp = http.get(format!("{}/api/openapi.json", srv.url())).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(resp.headers()["content-encoding"], "br");
    assert!(resp.headers()["vary"].to_str().unwrap().contains("Accept-Encoding"));
    let compressed = resp.bytes().await.unwrap();
    assert!(compressed.len() * 3 < plain.len(), "{} vs {}", compressed.len(), plain.len());
    let mut decoded = Vec::new();
    brotli::BrotliDecompress(&mut compressed.as_ref(), &mut decoded).unwrap();
    assert_eq!(decoded, plain.as_ref());
    let resp = http.get(format!("{}/api/openapi.json", srv.url())).header("accept-encoding", "gzip;q=1, br;q=0").send().await.unwrap();
    assert_eq!(resp.headers()["content-encoding"], "gzip");
    // A small answer is not worth compressing.
    let resp = http.get(format!("{}/readyz", srv.url())).header("accept-encoding", "br, gzip").send().await.unwrap();
    assert!(resp.headers().get("content-encoding").is_none());
    srv.stop().await;
}

async fn metrics_are_for_operators_only(backend: Backend) {
    // Loopback is allowed by default (the operations test reads them); here only a documentation network is.
    let env = vec![("SANAD_METRICS_ALLOW", "192.0.2.0/24".to_string()), ("SANAD_METRICS_TOKEN", "jeton-des-operations".to_string())];
    let srv = TestServer::start_with(backend, Options { env, ..Options::default() }).await;
    let http = reqwest::Client::new();
    let url = format!("{}/metrics", srv.url());
    let resp = http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    // Without a trusted proxy, a forwarded address does not open them.
    let resp = http.get(&url).header("x-forwarded-for", "192.0.2.10").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = http.get(&url).bearer_auth("mauvais jeton").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = http.get(&url).bearer_auth("jeton-des-operations").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().contains("sanad_http_requests_total"));
    srv.stop().await;
    // Behind a trusted proxy, the forwarded client is the one checked.
    let env = vec![("SANAD_METRICS_ALLOW", "192.0.2.0/24".to_string()), ("SANAD_TRUSTED_PROXIES", "127.0.0.1".to_string())];
    let srv = TestServer::start_with(backend, Options { env, ..Options::default() }).await;
    let resp = http.get(format!("{}/metrics", srv.url())).header("x-forwarded-for", "192.0.2.10").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = http.get(format!("{}/metrics", srv.url())).header("x-forwarded-for", "198.51.100.1").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    srv.stop().await;
}

/// The SPA's committed copy of the OpenAPI document matches the code, so the
/// generated TypeScript types are current.
#[tokio::test]
async fn frontend_openapi_document_is_current() {
    let generated: Value =
        serde_json::from_str(&sanad_server::openapi_service(sanad_server::app::documented_apis(), "http://127.0.0.1:8080").spec()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../frontend/openapi.json");
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("frontend/openapi.json")).unwrap();
    assert!(
        generated == committed,
        "frontend/openapi.json is stale: run `cargo run --bin sanad -- openapi > frontend/openapi.json && (cd frontend && npm run gen:api)`"
    );
}

/// PostgreSQL: connections the database ended (a restart, a cut link) while
/// they sat idle in the pool are found dead by a ping on their way out and
/// replaced: the next requests all succeed. (Connections in steady use are
/// not pinged, `platform::db`.)
async fn connections_the_database_ended_while_idle_are_replaced_unseen(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut learner = srv.learner("idle@example.org").await;
    if backend != Backend::Postgres {
        srv.stop().await;
        return;
    }
    // Every pool connection is used at once, so that several sit idle after.
    let reads: Vec<_> = (0..8)
        .map(|_| {
            let mut c = learner.clone();
            tokio::spawn(async move { c.get("/api/v1/forum/categories").await.0 })
        })
        .collect();
    for read in reads {
        assert_eq!(read.await.expect("read"), StatusCode::OK);
    }
    let ended: Vec<bool> = sanad_platform::on_db!(&srv.server.app.db, c => sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        .fetch_all(c).await)
    .expect("end the other connections");
    assert!(!ended.is_empty(), "the pool had other connections");
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    for _ in 0..20 {
        let (st, body) = learner.get("/api/v1/forum/categories").await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    srv.stop().await;
}

/// `SANAD_DATABASE_CONNECTIONS` caps the instance's PostgreSQL pool, and at
/// the smallest allowed (4, one of which listens for session changes) an
/// instance still serves readers and writers at once, with its background
/// jobs running.
async fn an_instance_holds_the_connections_it_is_told(backend: Backend) {
    let env = vec![("SANAD_DATABASE_CONNECTIONS", "4".to_string()), ("SANAD_FORUM_RATE_LIMITS", "off".to_string())];
    let options = Options { env, ..Options::default() };
    let srv = TestServer::start_with(backend, options).await;
    let member = srv.learner("quatre@example.org").await;
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let mut c = member.clone();
            tokio::spawn(async move {
                if i % 4 == 0 {
                    let topic =
                        json!({"category": "prise-en-charge", "title": format!("Sujet {i}"), "body": "Comment organisez-vous l'accueil ?"});
                    c.post("/api/v1/forum/topics", topic).await.0
                } else {
                    c.get("/api/v1/forum/categories/prise-en-charge/topics").await.0
                }
            })
        })
        .collect();
    for task in tasks {
        let status = task.await.expect("request");
        assert!(status.is_success(), "{status}");
    }
    if backend == Backend::Postgres {
        let held: i64 = sanad_platform::on_db!(&srv.server.app.db, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'")
            .fetch_one(c).await)
        .expect("count connections");
        assert!((1..=4).contains(&held), "{held} connections held");
    }
    srv.stop().await;
}
