//! The role x endpoint table: who may call what. Each row names an endpoint
//! and the status each kind of caller gets.

use reqwest::{Method, StatusCode};
use sanad_platform::Role;
use sanad_tests::{Backend, Client, TestServer, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(role_endpoint_table);

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Learner,
    Trainer,
    Moderator,
    Admin,
}

const OK: StatusCode = StatusCode::OK;
const NO: StatusCode = StatusCode::FORBIDDEN;
const ANON: StatusCode = StatusCode::UNAUTHORIZED;

async fn role_endpoint_table(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut anonymous = srv.client();
    let mut learner = srv.learner("learner@example.org").await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut moderator = srv.user_with_role("moderator@example.org", Role::Moderator).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let (_, me) = learner.get("/api/v1/me").await;
    let learner_id = me["id"].as_str().unwrap().to_string();
    // A course owned by another trainer, with a lesson, so that it can be published.
    let mut owner = srv.user_with_role("owner@example.org", Role::Trainer).await;
    owner.post("/api/v1/courses", json!({"slug": "autrui", "title": "Autrui", "summary": "s", "theme": "pec"})).await;
    let (_, module) = owner.post("/api/v1/courses/autrui/modules", json!({"title": "M"})).await;
    let module = module["id"].as_str().unwrap().to_string();
    owner.post(&format!("/api/v1/modules/{module}/lessons"), json!({"title": "L", "body": "Texte."})).await;

    // (method, path, body, [anonymous, learner, trainer, moderator, admin])
    let table: Vec<(Method, String, Option<Value>, [StatusCode; 5])> = vec![
        (Method::GET, "/api/v1/me".into(), None, [ANON, OK, OK, OK, OK]),
        (Method::PATCH, "/api/v1/me".into(), Some(json!({"profession": "éducateur"})), [ANON, OK, OK, OK, OK]),
        (Method::GET, "/api/v1/me/tokens".into(), None, [ANON, OK, OK, OK, OK]),
        (
            Method::POST,
            "/api/v1/me/tokens".into(),
            Some(json!({"name": "t"})),
            [ANON, StatusCode::CREATED, StatusCode::CREATED, StatusCode::CREATED, StatusCode::CREATED],
        ),
        (
            Method::POST,
            "/api/v1/auth/verify-email/resend".into(),
            Some(json!({})),
            [ANON, StatusCode::ACCEPTED, StatusCode::ACCEPTED, StatusCode::ACCEPTED, StatusCode::ACCEPTED],
        ),
        (Method::GET, "/api/v1/admin/users".into(), None, [ANON, NO, NO, NO, OK]),
        (Method::PATCH, format!("/api/v1/admin/users/{learner_id}"), Some(json!({"roles": ["learner"]})), [ANON, NO, NO, NO, OK]),
        (Method::GET, "/api/v1/reference/territories".into(), None, [OK, OK, OK, OK, OK]),
        (Method::GET, "/api/v1/reference/organization-kinds".into(), None, [OK, OK, OK, OK, OK]),
        (Method::POST, "/api/v1/auth/password-reset".into(), Some(json!({"email": "x@example.org"})), [StatusCode::ACCEPTED; 5]),
        // Someone else's course: only an admin publishes it or chooses its co-authors
        // (its co-authors are refused too: tests/tests/courses.rs, co_authors_edit_but_do_not_publish).
        (Method::POST, "/api/v1/courses/autrui/publish".into(), Some(json!({})), [ANON, NO, NO, NO, OK]),
        (
            Method::POST,
            "/api/v1/courses/autrui/coauthors".into(),
            Some(json!({"email": "learner@example.org"})),
            [ANON, NO, NO, NO, StatusCode::CREATED],
        ),
        (Method::DELETE, format!("/api/v1/courses/autrui/coauthors/{learner_id}"), None, [ANON, NO, NO, NO, StatusCode::NO_CONTENT]),
        (Method::GET, "/api/v1/courses/autrui/draft".into(), None, [ANON, NO, NO, NO, OK]),
    ];
    let mut failures = Vec::new();
    for (method, path, body, expected) in table {
        for (who, want) in [Who::Anonymous, Who::Learner, Who::Trainer, Who::Moderator, Who::Admin].into_iter().zip(expected) {
            let client: &mut Client = match who {
                Who::Anonymous => &mut anonymous,
                Who::Learner => &mut learner,
                Who::Trainer => &mut trainer,
                Who::Moderator => &mut moderator,
                Who::Admin => &mut admin,
            };
            let (got, answer) = client.send(method.clone(), &path, body.clone(), None).await;
            if got != want {
                failures.push(format!("{who:?} {method} {path}: expected {want}, got {got} {answer}"));
            } else if !got.is_success() {
                assert!(client.content_type().starts_with("application/problem+json"), "{who:?} {method} {path}");
            }
        }
    }
    assert!(failures.is_empty(), "authorisation table:\n{}", failures.join("\n"));
    srv.stop().await;
}
