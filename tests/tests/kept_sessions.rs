//! Sessions kept in each instance's memory: a change made through one
//! instance (logout, password change, roles, language, an account disabled)
//! counts at once on it and, on PostgreSQL, on every other instance that
//! keeps the session. SQLite runs alone: there the "other instance" is the
//! same one, which keeps sessions from the start.

use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, Client, TestServer, on_both_backends};
use serde_json::{Value, json};
use std::time::Duration;

on_both_backends!(
    a_logout_through_one_instance_ends_the_session_on_the_others,
    roles_language_and_disabling_reach_the_other_instances,
    a_password_change_ends_the_other_sessions_everywhere,
    an_instance_that_loses_its_listening_connection_keeps_nothing_until_it_listens_again
);

/// Waits until each instance keeps sessions (on PostgreSQL, once it hears
/// its own probe; on SQLite from the start), so that the tests below test kept ones.
async fn keeping(a: &TestServer, b: Option<&TestServer>) {
    for srv in std::iter::once(a).chain(b) {
        assert!(within_5_s(|| srv.server.app.accounts.keeps_sessions()).await, "an instance keeps sessions within 5 s of starting");
    }
}

/// A second instance on PostgreSQL; none on SQLite, which runs alone (the
/// tests then go through the first one twice).
async fn second(backend: Backend, a: &TestServer) -> Option<TestServer> {
    match backend {
        Backend::Postgres => Some(a.another_instance().await),
        Backend::Sqlite => None,
    }
}

/// The address of the second instance, or of the first when there is none.
fn url_of(b: &Option<TestServer>, a: &TestServer) -> String {
    b.as_ref().map_or_else(|| a.url(), TestServer::url)
}

/// Stops the second instance, if any, then the first.
async fn stop(b: Option<TestServer>, a: TestServer) {
    if let Some(b) = b {
        b.stop().await;
    }
    a.stop().await;
}

/// Whether `holds` comes true within five seconds (asked every 20 ms).
async fn within_5_s(holds: impl Fn() -> bool) -> bool {
    for _ in 0..250 {
        if holds() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    holds()
}

/// Asks `path` through `client` until `done` holds of the answer, for at
/// most five seconds (another instance is told of a change by a
/// notification, well under a millisecond later on one machine); the last answer.
async fn soon(client: &mut Client, path: &str, done: impl Fn(StatusCode, &Value) -> bool) -> (StatusCode, Value) {
    let mut answer = client.get(path).await;
    for _ in 0..50 {
        if done(answer.0, &answer.1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        answer = client.get(path).await;
    }
    answer
}

async fn a_logout_through_one_instance_ends_the_session_on_the_others(backend: Backend) {
    let a = TestServer::start(backend).await;
    let b = second(backend, &a).await;
    keeping(&a, b.as_ref()).await;
    let mut on_a = a.learner("amina@example.org").await;
    // A copy of the cookie: the browser that logs out forgets its own.
    let mut on_b = on_a.copy_to(url_of(&b, &a));
    // Read (and so kept) on both instances, twice.
    for client in [&mut on_a, &mut on_b] {
        for _ in 0..2 {
            let (st, me) = client.get("/api/v1/me").await;
            assert_eq!(st, StatusCode::OK, "{me}");
        }
    }
    let (st, _) = on_a.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = on_a.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "at once on the instance that ended it");
    let (st, body) = soon(&mut on_b, "/api/v1/me", |st, _| st == StatusCode::UNAUTHORIZED).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "the other instance still accepts the ended session: {body}");
    stop(b, a).await;
}

async fn roles_language_and_disabling_reach_the_other_instances(backend: Backend) {
    let a = TestServer::start(backend).await;
    let b = second(backend, &a).await;
    keeping(&a, b.as_ref()).await;
    let mut admin = a.user_with_role("admin@example.org", Role::Admin).await;
    let mut on_a = a.learner("badr@example.org").await;
    let mut on_b = on_a.through(url_of(&b, &a));
    let (st, me) = on_b.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK, "{me}");
    let id = me["id"].as_str().unwrap().to_string();
    let (st, body) = on_b.get("/api/v1/moderation/queue").await;
    assert_eq!(st, StatusCode::FORBIDDEN, "a learner: {body}");

    let (st, user) = admin.patch(&format!("/api/v1/admin/users/{id}"), json!({"roles": ["moderator"]})).await;
    assert_eq!(st, StatusCode::OK, "{user}");
    let (st, body) = soon(&mut on_b, "/api/v1/moderation/queue", |st, _| st == StatusCode::OK).await;
    assert_eq!(st, StatusCode::OK, "the new role counts on the other instance: {body}");

    // The account's language is the one a request without ?lang= is answered in.
    let (st, me) = on_a.patch("/api/v1/me", json!({"locale": "ar"})).await;
    assert_eq!(st, StatusCode::OK, "{me}");
    let (st, body) = soon(&mut on_b, "/api/v1/forum/categories", |_, body| body.to_string().contains("المفاهيم")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.to_string().contains("المفاهيم"), "the categories in the account's new language: {body}");

    let (st, _) = admin.patch(&format!("/api/v1/admin/users/{id}"), json!({"disabled": true})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = soon(&mut on_b, "/api/v1/me", |st, _| st == StatusCode::UNAUTHORIZED).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "a disabled account's session ends on the other instance: {body}");
    stop(b, a).await;
}

async fn a_password_change_ends_the_other_sessions_everywhere(backend: Backend) {
    let a = TestServer::start(backend).await;
    let b = second(backend, &a).await;
    keeping(&a, b.as_ref()).await;
    let mut phone = a.learner("chama@example.org").await;
    let laptop = a.sign_in("chama@example.org", "un mot de passe solide 42").await;
    let mut laptop_on_b = laptop.through(url_of(&b, &a));
    let (st, _) = laptop_on_b.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = phone
        .post("/api/v1/me/password", json!({"current_password": "un mot de passe solide 42", "new_password": "un autre mot de passe 43"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, _) = phone.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK, "the device that changed it stays signed in");
    let mut phone_on_b = phone.through(url_of(&b, &a));
    let (st, _) = phone_on_b.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK, "on every instance");
    let (st, body) = soon(&mut laptop_on_b, "/api/v1/me", |st, _| st == StatusCode::UNAUTHORIZED).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "the other device's session ends on the other instance too: {body}");
    stop(b, a).await;
}

async fn an_instance_that_loses_its_listening_connection_keeps_nothing_until_it_listens_again(backend: Backend) {
    let a = TestServer::start(backend).await;
    keeping(&a, None).await;
    if backend != Backend::Postgres {
        // Alone, with nothing to listen to: it keeps sessions from the start.
        assert!(a.server.app.accounts.keeps_sessions(), "SQLite keeps sessions");
        a.stop().await;
        return;
    }
    let mut amina = a.learner("amina@example.org").await;
    let (st, _) = amina.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK);
    // The listening connection ends, as a restarted database or a cut link would end it.
    let ended: Vec<bool> = sanad_platform::on_db!(&a.server.app.db, c => sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'")
        .fetch_all(c).await)
    .expect("terminate the listener");
    assert_eq!(ended, [true], "one listening connection");
    let stopped = within_5_s(|| !a.server.app.accounts.keeps_sessions()).await;
    assert!(stopped, "the instance stops keeping sessions when its connection ends");
    // Meanwhile a session ended (here straight in the database) is never served from memory.
    sanad_platform::on_db!(&a.server.app.db, c => sqlx::query("DELETE FROM sessions").execute(c).await.map(|_| ())).expect("sessions gone");
    let (st, _) = amina.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    keeping(&a, None).await;
    a.stop().await;
}
