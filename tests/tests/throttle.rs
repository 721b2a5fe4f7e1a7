//! Throttling end to end: attempts are counted before passwords are checked
//! (parallel guesses cannot outrun the count), clients behind a trusted proxy
//! are told apart, a stranger cannot lock an owner out, registrations are
//! limited per address.

use reqwest::StatusCode;
use sanad_tests::{Backend, Options, TestServer, on_both_backends, token_in_mail};
use serde_json::json;
use tokio::task::JoinSet;

on_both_backends!(
    parallel_guesses_at_one_account_verify_at_most_five,
    parallel_guesses_from_one_address_verify_at_most_thirty,
    clients_behind_a_trusted_proxy_are_told_apart,
    forwarded_for_from_an_untrusted_peer_is_ignored,
    a_stranger_cannot_lock_the_owner_out,
    registrations_are_limited_per_address,
);

const PASSWORD: &str = "un mot de passe solide 42";

fn with_proxy() -> Options {
    Options { trusted_proxies: Some("127.0.0.1/32".into()), ..Options::default() }
}

/// One sign-in with a fresh client (no cookies), optionally naming a forwarded client.
async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str, forwarded_for: Option<&str>) -> StatusCode {
    let mut req = http.post(format!("{base}/api/v1/auth/login")).json(&json!({"email": email, "password": password}));
    if let Some(ip) = forwarded_for {
        req = req.header("X-Forwarded-For", ip);
    }
    let status = req.send().await.expect("login request").status();
    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR);
    status
}

/// Sends `attempts` (email, password) sign-ins all at once and returns their statuses.
async fn in_parallel(srv: &TestServer, attempts: Vec<(String, String)>) -> Vec<StatusCode> {
    let http = reqwest::Client::new();
    let base = srv.url();
    let mut set = JoinSet::new();
    for (email, password) in attempts {
        let (http, base) = (http.clone(), base.clone());
        set.spawn(async move { login(&http, &base, &email, &password, None).await });
    }
    set.join_all().await
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn register(srv: &TestServer, email: &str, forwarded_for: Option<&str>) -> (StatusCode, Option<String>) {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/register", srv.url()))
        .json(&json!({"email": email, "password": PASSWORD, "display_name": "Personne", "locale": "en"}));
    if let Some(ip) = forwarded_for {
        req = req.header("X-Forwarded-For", ip);
    }
    let resp = req.send().await.expect("register request");
    let retry = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(String::from);
    (resp.status(), retry)
}

async fn parallel_guesses_at_one_account_verify_at_most_five(backend: Backend) {
    let srv = TestServer::start(backend).await;
    srv.learner("cible@example.org").await;
    // The right password sits in the middle: verified or not, it gives no guess back.
    let attempts = (0..40)
        .map(|i| ("cible@example.org".to_string(), if i == 20 { PASSWORD.to_string() } else { format!("faux mot de passe {i}") }))
        .collect();
    let statuses = in_parallel(&srv, attempts).await;
    let verified = count(&statuses, StatusCode::UNAUTHORIZED) + count(&statuses, StatusCode::OK);
    assert!(verified <= 5, "{verified} passwords verified: {statuses:?}");
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 40 - verified, "{statuses:?}");
    srv.stop().await;
}

async fn parallel_guesses_from_one_address_verify_at_most_thirty(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let attempts = (0..100).map(|i| (format!("fantome{i}@example.org"), "faux mot de passe 1".to_string())).collect();
    let statuses = in_parallel(&srv, attempts).await;
    let verified = count(&statuses, StatusCode::UNAUTHORIZED);
    assert!(verified <= 30, "{verified} passwords verified");
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 100 - verified);
    srv.stop().await;
}

async fn clients_behind_a_trusted_proxy_are_told_apart(backend: Backend) {
    let srv = TestServer::start_with(backend, with_proxy()).await;
    srv.learner("passante@example.org").await;
    let (http, base) = (reqwest::Client::new(), srv.url());
    let mut statuses = Vec::new();
    for i in 0..31 {
        statuses.push(login(&http, &base, &format!("fantome{i}@example.org"), "faux mot de passe 1", Some("203.0.113.7")).await);
    }
    assert_eq!(count(&statuses, StatusCode::UNAUTHORIZED), 30);
    assert_eq!(statuses[30], StatusCode::TOO_MANY_REQUESTS, "the forwarded client reached its own limit");
    assert_eq!(
        login(&http, &base, "passante@example.org", PASSWORD, Some("203.0.113.7")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "its address is throttled, whatever account it tries"
    );
    assert_eq!(login(&http, &base, "passante@example.org", PASSWORD, Some("198.51.100.9")).await, StatusCode::OK, "another client is not");
    srv.stop().await;
}

async fn forwarded_for_from_an_untrusted_peer_is_ignored(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let (http, base) = (reqwest::Client::new(), srv.url());
    let mut statuses = Vec::new();
    for i in 0..32 {
        let spoofed = format!("192.0.2.{i}");
        statuses.push(login(&http, &base, &format!("spoof{i}@example.org"), "faux mot de passe 1", Some(&spoofed)).await);
    }
    assert_eq!(count(&statuses, StatusCode::UNAUTHORIZED), 30, "{statuses:?}");
    assert_eq!(&statuses[30..], &[StatusCode::TOO_MANY_REQUESTS; 2], "a new X-Forwarded-For does not reset the limit");
    srv.stop().await;
}

async fn a_stranger_cannot_lock_the_owner_out(backend: Backend) {
    let srv = TestServer::start_with(backend, with_proxy()).await;
    srv.learner("proprietaire@example.org").await;
    let (http, base) = (reqwest::Client::new(), srv.url());
    let owner = "proprietaire@example.org";
    let mut statuses = Vec::new();
    for i in 0..6 {
        statuses.push(login(&http, &base, owner, &format!("faux mot de passe {i}"), Some("203.0.113.66")).await);
    }
    assert_eq!(&statuses[..5], &[StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "the stranger is stopped");
    assert_eq!(login(&http, &base, owner, PASSWORD, Some("198.51.100.20")).await, StatusCode::OK, "the owner is not");
    // Even the right password waits at the stranger's address.
    assert_eq!(login(&http, &base, owner, PASSWORD, Some("203.0.113.66")).await, StatusCode::TOO_MANY_REQUESTS);

    // Guessing spread over many addresses meets the account's ceiling (50) ...
    let mut statuses = Vec::new();
    for address in 1..=10 {
        for i in 0..5 {
            statuses.push(login(&http, &base, owner, &format!("faux {i}"), Some(&format!("192.0.2.{address}"))).await);
        }
    }
    assert_eq!(count(&statuses, StatusCode::UNAUTHORIZED), 45, "5 failures were already on record");
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 5);
    assert_eq!(login(&http, &base, owner, PASSWORD, Some("198.51.100.20")).await, StatusCode::TOO_MANY_REQUESTS);
    // ... and the owner gets through with a reset link, which clears the account's counters.
    let (st, _) = srv.client().post("/api/v1/auth/password-reset", json!({"email": owner})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    srv.drain_mail().await;
    let token = token_in_mail(&srv.mail_files(), owner, "reset-password").expect("reset mail");
    let (st, _) =
        srv.client().post("/api/v1/auth/password-reset/confirm", json!({"token": token, "new_password": "nouveau mot de passe 43"})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(login(&http, &base, owner, "nouveau mot de passe 43", Some("198.51.100.20")).await, StatusCode::OK);
    assert_eq!(login(&http, &base, owner, "nouveau mot de passe 43", Some("203.0.113.66")).await, StatusCode::OK);
    srv.stop().await;
}

async fn registrations_are_limited_per_address(backend: Backend) {
    let srv = TestServer::start_with(backend, with_proxy()).await;
    for i in 0..sanad_accounts::service::MAX_REGISTRATIONS_PER_ADDRESS - 1 {
        assert_eq!(register(&srv, &format!("nouvelle{i}@example.org"), Some("203.0.113.9")).await.0, StatusCode::CREATED);
    }
    // A known email still answers 409 (the API contract) and counts as an attempt.
    assert_eq!(register(&srv, "nouvelle0@example.org", Some("203.0.113.9")).await.0, StatusCode::CONFLICT);
    let (st, retry) = register(&srv, "une.de.plus@example.org", Some("203.0.113.9")).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = retry.expect("Retry-After").parse().unwrap();
    assert!(retry > 0 && retry <= 3600, "{retry}");
    assert_eq!(register(&srv, "une.de.plus@example.org", Some("198.51.100.3")).await.0, StatusCode::CREATED, "another address may");
    srv.clock().advance(chrono::Duration::minutes(61));
    assert_eq!(register(&srv, "encore.une@example.org", Some("203.0.113.9")).await.0, StatusCode::CREATED, "an hour later");
    srv.stop().await;
    // An operator may set another limit.
    let mut options = with_proxy();
    options.env.push(("SANAD_REGISTRATIONS_PER_HOUR", "2".into()));
    let srv = TestServer::start_with(backend, options).await;
    assert_eq!(register(&srv, "a@example.org", Some("203.0.113.9")).await.0, StatusCode::CREATED);
    assert_eq!(register(&srv, "b@example.org", Some("203.0.113.9")).await.0, StatusCode::CREATED);
    assert_eq!(register(&srv, "c@example.org", Some("203.0.113.9")).await.0, StatusCode::TOO_MANY_REQUESTS);
    srv.stop().await;
}
