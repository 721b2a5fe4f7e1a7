//! Accounts end to end: registration, sessions, CSRF, tokens, verification,
//! password reset, throttling, administration.

use chrono::Duration;
use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, TestServer, assert_problem, on_both_backends, token_in_mail};
use serde_json::json;

on_both_backends!(
    register_login_profile_logout,
    csrf_is_required_for_cookie_writes_only,
    api_tokens_are_shown_once_and_revocable,
    api_tokens_page_on_request,
    email_verification_link_is_single_use,
    password_reset_flow_and_expiry,
    login_is_throttled_with_retry_after,
    admin_changes_roles_and_disabling_ends_sessions,
    a_password_change_revokes_api_tokens_and_says_so,
    a_password_reset_revokes_api_tokens,
    a_duplicate_registration_mails_the_owner,
    a_reset_is_answered_before_its_work_is_done,
    admin_search_matches_wildcards_literally,
    the_session_says_who_is_signed_in_without_a_401,
);

async fn the_session_says_who_is_signed_in_without_a_401(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut visitor = srv.client();
    let (st, body) = visitor.get("/api/v1/session").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"user": null}));
    let (st, _) = visitor.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "GET /me keeps its contract");

    let mut member = srv.learner("session@example.org").await;
    let (st, body) = member.get("/api/v1/session").await;
    assert_eq!(st, StatusCode::OK);
    let (_, me) = member.get("/api/v1/me").await;
    assert_eq!(body["user"], me, "the same account as GET /me, with the CSRF token");
    assert!(body["user"]["csrf_token"].as_str().is_some_and(|t| !t.is_empty()));

    let (st, _) = member.post("/api/v1/auth/logout", json!({})).await;
    assert!(st.is_success());
    let (st, body) = member.get("/api/v1/session").await;
    assert_eq!((st, body), (StatusCode::OK, json!({"user": null})), "signed out");
    srv.stop().await;
}

async fn register_login_profile_logout(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut c = srv.client();
    let (st, body) = c
        .post(
            "/api/v1/auth/register",
            json!({"email": "Amina@Example.org", "password": "un mot de passe solide 42", "display_name": " Amina ", "locale": "ar"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["email"], "Amina@Example.org");
    assert_eq!(body["user"]["display_name"], "Amina");
    assert_eq!(body["user"]["locale"], "ar");
    assert_eq!(body["user"]["roles"], json!(["learner"]));
    assert_eq!(body["user"]["email_verified"], false);
    let set_cookie = c.last_headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>().join("\n");
    assert!(set_cookie.contains("sanad_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain-http public URL: no Secure flag");

    let (st, me) = c.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK);
    assert!(me["csrf_token"].as_str().is_some_and(|t| !t.is_empty()));

    let (st, me) = c
        .patch("/api/v1/me", json!({"territory": "Salé", "profession": "assistante sociale", "organization": "Association Al Amal", "organization_kind": "association"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{me}");
    assert_eq!(me["territory"], "sale");
    assert_eq!(me["profession"], "assistante sociale");
    assert_eq!(me["organization_kind"], "association");
    assert_eq!(me["display_name"], "Amina", "absent fields stay");
    let (st, me) = c.patch("/api/v1/me", json!({"profession": null, "territory": "kenitra", "locale": "en"})).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["profession"], json!(null), "null clears");
    assert_eq!(me["territory"], "kenitra");
    assert_eq!(me["locale"], "en");
    assert_eq!(me["organization"], "Association Al Amal");
    let (st, body) = c.patch("/api/v1/me", json!({"territory": "Atlantis"})).await;
    assert_problem(&c, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert_eq!(body["errors"][0]["field"], "territory");

    // A fresh client logs in with the email in another case.
    let mut other = srv.client();
    let (st, body) = other.post("/api/v1/auth/login", json!({"email": "amina@example.org", "password": "un mot de passe solide 42"})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["territory"], "kenitra");
    let (st, body) = other.post("/api/v1/auth/login", json!({"email": "amina@example.org", "password": "wrong password 1"})).await;
    assert_problem(&other, StatusCode::UNAUTHORIZED, (st, &body));
    let (st, body) = other.post("/api/v1/auth/login", json!({"email": "nobody@example.org", "password": "wrong password 1"})).await;
    assert_problem(&other, StatusCode::UNAUTHORIZED, (st, &body));

    let (st, _) = c.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, body) = c.get("/api/v1/me").await;
    assert_problem(&c, StatusCode::UNAUTHORIZED, (st, &body));
    // The other device's session lives on.
    let (st, _) = other.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK);

    let (st, list) = c.get("/api/v1/reference/territories?lang=ar").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 4);
    assert_eq!(list["items"][0]["name"], "سلا");
    let (_, kinds) = c.get("/api/v1/reference/organization-kinds").await;
    assert_eq!(kinds["items"][0]["code"], "association");
    srv.stop().await;
}

async fn csrf_is_required_for_cookie_writes_only(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut c = srv.learner("csrf@example.org").await;
    let token = c.csrf.take();
    let (st, body) = c.patch("/api/v1/me", json!({"display_name": "X"})).await;
    assert_problem(&c, StatusCode::FORBIDDEN, (st, &body));
    c.csrf = Some("not-the-token".into());
    let (st, body) = c.patch("/api/v1/me", json!({"display_name": "X"})).await;
    assert_problem(&c, StatusCode::FORBIDDEN, (st, &body));
    c.csrf = token;
    let (st, _) = c.patch("/api/v1/me", json!({"display_name": "Y"})).await;
    assert_eq!(st, StatusCode::OK);
    // Reads need no token.
    c.csrf = None;
    let (st, me) = c.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["display_name"], "Y");
    srv.stop().await;
}

async fn api_tokens_are_shown_once_and_revocable(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut c = srv.learner("script@example.org").await;
    let (st, created) = c.post("/api/v1/me/tokens", json!({"name": "export"})).await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("sanad_"));
    let (_, list) = c.get("/api/v1/me/tokens").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&token), "the secret is never listed");

    let mut script = srv.client();
    script.bearer = Some(token.clone());
    let (st, me) = script.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["email"], "script@example.org");
    assert_eq!(me["csrf_token"], json!(null));
    let (st, _) = script.patch("/api/v1/me", json!({"profession": "éducatrice"})).await;
    assert_eq!(st, StatusCode::OK, "bearer requests need no CSRF token");

    let mut wrong = srv.client();
    wrong.bearer = Some("sanad_not-a-token".into());
    let (st, body) = wrong.get("/api/v1/me").await;
    assert_problem(&wrong, StatusCode::UNAUTHORIZED, (st, &body));

    let id = created["id"].as_str().unwrap();
    let (st, _) = c.delete(&format!("/api/v1/me/tokens/{id}")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = script.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, body) = c.delete(&format!("/api/v1/me/tokens/{id}")).await;
    assert_problem(&c, StatusCode::NOT_FOUND, (st, &body));
    srv.stop().await;
}

/// `GET /me/tokens` answers every token unless `limit` or `cursor` asks for a page.
async fn api_tokens_page_on_request(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut c = srv.learner("pages@example.org").await;
    for name in ["un", "deux", "trois"] {
        let (st, _) = c.post("/api/v1/me/tokens", json!({"name": name})).await;
        assert_eq!(st, StatusCode::CREATED);
    }
    let names = |page: &serde_json::Value| page["items"].as_array().unwrap().iter().map(|t| t["name"].clone()).collect::<Vec<_>>();
    let (_, whole) = c.get("/api/v1/me/tokens").await;
    assert_eq!(names(&whole), vec![json!("trois"), json!("deux"), json!("un")], "newest first: {whole}");
    assert_eq!(whole["next_cursor"], json!(null));
    let (st, first) = c.get("/api/v1/me/tokens?limit=2").await;
    assert_eq!(st, StatusCode::OK, "{first}");
    assert_eq!(names(&first), vec![json!("trois"), json!("deux")]);
    let cursor = first["next_cursor"].as_str().expect("a next page").to_string();
    let (_, rest) = c.get(&format!("/api/v1/me/tokens?limit=2&cursor={cursor}")).await;
    assert_eq!(names(&rest), vec![json!("un")]);
    assert_eq!(rest["next_cursor"], json!(null));
    let (st, body) = c.get("/api/v1/me/tokens?cursor=not-a-cursor").await;
    assert_problem(&c, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert_eq!(body["errors"][0]["field"], "cursor", "{body}");
    srv.stop().await;
}

async fn email_verification_link_is_single_use(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut c = srv.learner("verify@example.org").await;
    srv.drain_mail().await;
    let token = token_in_mail(&srv.mail_files(), "verify@example.org", "verify-email").expect("verification mail written");
    let mut anon = srv.client();
    let (st, _) = anon.post("/api/v1/auth/verify-email", json!({"token": token})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, me) = c.get("/api/v1/me").await;
    assert_eq!(me["email_verified"], true);
    let (st, body) = anon.post("/api/v1/auth/verify-email", json!({"token": token})).await;
    assert_problem(&anon, StatusCode::GONE, (st, &body));
    let (st, body) = anon.post("/api/v1/auth/verify-email", json!({"token": "made-up"})).await;
    assert_problem(&anon, StatusCode::BAD_REQUEST, (st, &body));
    // Already verified: resending sends nothing new.
    let before = srv.mail_files().len();
    let (st, _) = c.post("/api/v1/auth/verify-email/resend", json!({})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    srv.drain_mail().await;
    assert_eq!(srv.mail_files().len(), before);
    srv.stop().await;
}

async fn password_reset_flow_and_expiry(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut old_session = srv.learner("reset@example.org").await;
    let mut anon = srv.client();
    let (st, _) = anon.post("/api/v1/auth/password-reset", json!({"email": "RESET@example.org"})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let (st, _) = anon.post("/api/v1/auth/password-reset", json!({"email": "unknown@example.org"})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "no account enumeration");
    let (st, body) = anon.post("/api/v1/auth/password-reset", json!({"email": "not an email"})).await;
    assert_problem(&anon, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    srv.drain_mail().await;
    let mails = srv.mail_files();
    assert!(!mails.iter().any(|m| m.contains("unknown@example.org")));
    let token = token_in_mail(&mails, "reset@example.org", "reset-password").expect("reset mail written");
    assert!(mails.iter().any(|m| m.contains("http://sanad.test/reset-password?token=")), "links use SANAD_PUBLIC_URL");

    let (st, body) = anon.post("/api/v1/auth/password-reset/confirm", json!({"token": token, "new_password": "short"})).await;
    assert_problem(&anon, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let (st, _) =
        anon.post("/api/v1/auth/password-reset/confirm", json!({"token": token, "new_password": "nouveau mot de passe 43"})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = old_session.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "a reset ends every session");
    let (st, body) = anon.post("/api/v1/auth/password-reset/confirm", json!({"token": token, "new_password": "encore un autre 44"})).await;
    assert_problem(&anon, StatusCode::GONE, (st, &body));
    let (st, _) = anon.post("/api/v1/auth/login", json!({"email": "reset@example.org", "password": "nouveau mot de passe 43"})).await;
    assert_eq!(st, StatusCode::OK);
    srv.drain_mail().await;
    assert!(srv.mail_files().iter().any(|m| m.contains("modifi")), "password-changed notice sent");

    // An hour and a minute later a fresh link has expired.
    let (st, _) = anon.post("/api/v1/auth/password-reset", json!({"email": "reset@example.org"})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    srv.drain_mail().await;
    let all = srv.mail_files();
    let fresh: Vec<String> = all.into_iter().filter(|m| m.contains("reset-password?token=") && !m.contains(&token)).collect();
    let token2 = token_in_mail(&fresh, "reset@example.org", "reset-password").expect("second reset mail");
    srv.clock().advance(Duration::minutes(61));
    let (st, body) = anon.post("/api/v1/auth/password-reset/confirm", json!({"token": token2, "new_password": "encore un autre 44"})).await;
    assert_problem(&anon, StatusCode::GONE, (st, &body));
    srv.stop().await;
}

async fn login_is_throttled_with_retry_after(backend: Backend) {
    let srv = TestServer::start(backend).await;
    srv.learner("throttle@example.org").await;
    let mut c = srv.client();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(c.post("/api/v1/auth/login", json!({"email": "throttle@example.org", "password": "wrong password 1"})).await.0);
    }
    assert_eq!(&statuses[..5], &[StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = c.last_headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    // Even the right password waits.
    let (st, body) = c.post("/api/v1/auth/login", json!({"email": "throttle@example.org", "password": "un mot de passe solide 42"})).await;
    assert_problem(&c, StatusCode::TOO_MANY_REQUESTS, (st, &body));
    srv.clock().advance(Duration::minutes(16));
    let (st, _) = c.post("/api/v1/auth/login", json!({"email": "throttle@example.org", "password": "un mot de passe solide 42"})).await;
    assert_eq!(st, StatusCode::OK);

    // Per address: many accounts guessed from one place.
    let mut statuses = Vec::new();
    for i in 0..32 {
        statuses
            .push(c.post("/api/v1/auth/login", json!({"email": format!("guess{i}@example.org"), "password": "wrong password 1"})).await.0);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    srv.stop().await;
}

async fn admin_changes_roles_and_disabling_ends_sessions(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let mut colleague = srv.learner("colleague@example.org").await;
    let (_, created) = colleague.post("/api/v1/me/tokens", json!({"name": "script"})).await;
    let mut script = srv.client();
    script.bearer = created["token"].as_str().map(String::from);

    let (st, page) = admin.get("/api/v1/admin/users?limit=1").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["email"], "colleague@example.org", "newest first");
    let cursor = page["next_cursor"].as_str().unwrap().to_string();
    let (_, page2) = admin.get(&format!("/api/v1/admin/users?limit=1&cursor={cursor}")).await;
    assert_eq!(page2["items"][0]["email"], "admin@example.org");
    assert_eq!(page2["next_cursor"], json!(null));
    let (_, found) = admin.get("/api/v1/admin/users?q=COLLEAGUE").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    // Narrowed by role and by state.
    let emails = |page: &serde_json::Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap().to_string()).collect()
    };
    let (st, admins) = admin.get("/api/v1/admin/users?role=admin").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(emails(&admins), ["admin@example.org"]);
    let (_, learners) = admin.get("/api/v1/admin/users?role=learner").await;
    assert_eq!(emails(&learners), ["colleague@example.org", "admin@example.org"], "everyone is a learner");
    let (_, none) = admin.get("/api/v1/admin/users?role=trainer&q=colleague").await;
    assert_eq!(emails(&none), Vec::<String>::new());
    let (_, active) = admin.get("/api/v1/admin/users?status=active").await;
    assert_eq!(emails(&active).len(), 2);
    let (_, disabled) = admin.get("/api/v1/admin/users?status=disabled").await;
    assert_eq!(emails(&disabled), Vec::<String>::new());
    let (_, unverified) = admin.get("/api/v1/admin/users?status=unverified").await;
    for user in unverified["items"].as_array().unwrap() {
        assert_eq!(user["email_verified"], false, "{user}");
    }
    let (st, body) = admin.get("/api/v1/admin/users?role=owner").await;
    assert_problem(&admin, StatusCode::BAD_REQUEST, (st, &body));
    let (st, body) = admin.get("/api/v1/admin/users?status=sleeping").await;
    assert_problem(&admin, StatusCode::BAD_REQUEST, (st, &body));

    let id = page["items"][0]["id"].as_str().unwrap().to_string();
    let (st, user) = admin.patch(&format!("/api/v1/admin/users/{id}"), json!({"roles": ["trainer"]})).await;
    assert_eq!(st, StatusCode::OK, "{user}");
    assert_eq!(user["roles"], json!(["learner", "trainer"]));
    let (_, me) = colleague.get("/api/v1/me").await;
    assert_eq!(me["roles"], json!(["learner", "trainer"]), "role change applies to the live session");

    let (st, user) = admin.patch(&format!("/api/v1/admin/users/{id}"), json!({"disabled": true})).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(user["disabled"], true);
    let (_, disabled) = admin.get("/api/v1/admin/users?status=disabled").await;
    assert_eq!(emails(&disabled), ["colleague@example.org"]);
    let (_, trainers) = admin.get("/api/v1/admin/users?role=trainer&status=active").await;
    assert_eq!(emails(&trainers), Vec::<String>::new(), "the one trainer is disabled");
    let (st, _) = colleague.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "sessions end");
    let (st, _) = script.get("/api/v1/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "tokens are refused");
    let mut again = srv.client();
    let (st, body) =
        again.post("/api/v1/auth/login", json!({"email": "colleague@example.org", "password": "un mot de passe solide 42"})).await;
    assert_problem(&again, StatusCode::FORBIDDEN, (st, &body));
    assert_eq!(body["reason"], "account_disabled", "a stable reason, for the SPA to say in the reader's language: {body}");
    let (st, _) = admin.patch(&format!("/api/v1/admin/users/{id}"), json!({"disabled": false})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) =
        again.post("/api/v1/auth/login", json!({"email": "colleague@example.org", "password": "un mot de passe solide 42"})).await;
    assert_eq!(st, StatusCode::OK);

    // No lock-out: an admin cannot demote or disable themselves.
    let (_, me) = admin.get("/api/v1/me").await;
    let my_id = me["id"].as_str().unwrap();
    let (st, body) = admin.patch(&format!("/api/v1/admin/users/{my_id}"), json!({"roles": ["learner"]})).await;
    assert_problem(&admin, StatusCode::CONFLICT, (st, &body));
    assert_eq!(body["reason"], "own_admin_role", "{body}");
    let (st, body) = admin.patch(&format!("/api/v1/admin/users/{}", uuid::Uuid::now_v7()), json!({"disabled": true})).await;
    assert_problem(&admin, StatusCode::NOT_FOUND, (st, &body));
    srv.stop().await;
}

async fn a_password_change_revokes_api_tokens_and_says_so(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut c = srv.learner("change@example.org").await;
    let mut laptop = srv.client();
    let (st, _) = laptop.post("/api/v1/auth/login", json!({"email": "change@example.org", "password": "un mot de passe solide 42"})).await;
    assert_eq!(st, StatusCode::OK);
    let mut scripts = Vec::new();
    for name in ["export", "sauvegarde"] {
        let (_, created) = c.post("/api/v1/me/tokens", json!({"name": name})).await;
        let mut script = srv.client();
        script.bearer = created["token"].as_str().map(String::from);
        assert_eq!(script.get("/api/v1/me").await.0, StatusCode::OK);
        scripts.push(script);
    }
    let (st, body) = c
        .post("/api/v1/me/password", json!({"current_password": "un mot de passe solide 42", "new_password": "un autre mot de passe 43"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"other_sessions_ended": 1, "api_tokens_revoked": 2}));
    for script in &mut scripts {
        let (st, body) = script.get("/api/v1/me").await;
        assert_problem(script, StatusCode::UNAUTHORIZED, (st, &body));
    }
    assert_eq!(laptop.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED, "other sessions end");
    assert_eq!(c.get("/api/v1/me").await.0, StatusCode::OK, "this one stays");
    let (_, list) = c.get("/api/v1/me/tokens").await;
    assert_eq!(list["items"], json!([]));
    srv.drain_mail().await;
    assert!(
        srv.mail_files().iter().any(|m| m.contains("change@example.org") && m.contains("jetons d'API ont été révoqués")),
        "the notice says the tokens are gone"
    );
    srv.stop().await;
}

async fn a_password_reset_revokes_api_tokens(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut c = srv.learner("oubli@example.org").await;
    let (_, created) = c.post("/api/v1/me/tokens", json!({"name": "export"})).await;
    let mut script = srv.client();
    script.bearer = created["token"].as_str().map(String::from);
    assert_eq!(script.get("/api/v1/me").await.0, StatusCode::OK);
    let mut anon = srv.client();
    let (st, _) = anon.post("/api/v1/auth/password-reset", json!({"email": "oubli@example.org"})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    srv.drain_mail().await;
    let token = token_in_mail(&srv.mail_files(), "oubli@example.org", "reset-password").expect("reset mail");
    let (st, _) =
        anon.post("/api/v1/auth/password-reset/confirm", json!({"token": token, "new_password": "nouveau mot de passe 43"})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, body) = script.get("/api/v1/me").await;
    assert_problem(&script, StatusCode::UNAUTHORIZED, (st, &body));
    assert_eq!(c.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    srv.drain_mail().await;
    assert!(srv.mail_files().iter().any(|m| m.contains("oubli@example.org") && m.contains("jetons d'API ont été révoqués")));
    srv.stop().await;
}

async fn a_duplicate_registration_mails_the_owner(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut owner = srv.client();
    let (st, _) = owner
        .post(
            "/api/v1/auth/register",
            json!({"email": "Salma@example.org", "password": "un mot de passe solide 42", "display_name": "Salma", "locale": "ar"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let mut other = srv.client();
    let (st, body) = other
        .post("/api/v1/auth/register", json!({"email": "salma@EXAMPLE.org", "password": "un autre mot de passe 43", "display_name": "X"}))
        .await;
    assert_problem(&other, StatusCode::CONFLICT, (st, &body));
    srv.drain_mail().await;
    let notices: Vec<String> = srv.mail_files().into_iter().filter(|m| m.contains("forgot-password")).collect();
    assert_eq!(notices.len(), 1, "one notice");
    assert!(notices[0].contains("Salma@example.org"), "to the owner's address");
    assert!(notices[0].contains("حاول شخص ما إنشاء حساب جديد"), "in the owner's language");
    // The account is untouched: the owner's password still works, the other does not.
    let (st, _) = other.post("/api/v1/auth/login", json!({"email": "salma@example.org", "password": "un autre mot de passe 43"})).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // Repeated tries mail the owner a few times a day at most.
    for _ in 0..5 {
        other
            .post(
                "/api/v1/auth/register",
                json!({"email": "salma@example.org", "password": "un autre mot de passe 43", "display_name": "X"}),
            )
            .await;
    }
    srv.drain_mail().await;
    assert_eq!(srv.mail_files().iter().filter(|m| m.contains("forgot-password")).count(), 3);
    srv.stop().await;
}

/// Holds the database's write lock (SQLite) or the reset links' table (PostgreSQL)
/// so that the work of a reset cannot finish while it is held.
async fn block_reset_writes(srv: &TestServer) -> sanad_platform::Tx {
    let mut tx = srv.server.app.db.begin().await.expect("begin");
    match &mut tx {
        sanad_platform::Tx::Sqlite(c, _) => {
            sqlx::query("UPDATE users SET locale = locale").execute(&mut **c).await.expect("write lock");
        }
        sanad_platform::Tx::Postgres(c) => {
            sqlx::query("LOCK TABLE one_time_tokens IN EXCLUSIVE MODE").execute(&mut **c).await.expect("table lock");
        }
    }
    tx
}

async fn a_reset_is_answered_before_its_work_is_done(backend: Backend) {
    let srv = TestServer::start(backend).await;
    srv.learner("rapide@example.org").await;
    srv.drain_mail().await;
    let blocker = block_reset_writes(&srv).await;
    let mut anon = srv.client();
    // A generous bound only so that a regression fails instead of hanging.
    let bound = std::time::Duration::from_secs(60);
    let known = tokio::time::timeout(bound, anon.post("/api/v1/auth/password-reset", json!({"email": "rapide@example.org"})))
        .await
        .expect("the answer does not wait for the reset link to be stored");
    let unknown = tokio::time::timeout(bound, anon.post("/api/v1/auth/password-reset", json!({"email": "personne@example.org"})))
        .await
        .expect("answered");
    assert_eq!(known, unknown, "the same answer either way");
    assert_eq!(known.0, StatusCode::ACCEPTED);
    match blocker {
        // The turn passes on once the transaction is rolled back.
        sanad_platform::Tx::Sqlite(t, _turn) => t.rollback().await.expect("rollback"),
        sanad_platform::Tx::Postgres(t) => t.rollback().await.expect("rollback"),
    }
    srv.drain_mail().await;
    assert!(token_in_mail(&srv.mail_files(), "rapide@example.org", "reset-password").is_some(), "the mail follows");
    srv.stop().await;
}

async fn admin_search_matches_wildcards_literally(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    for email in ["jean_dupont@example.org", "jeanXdupont@example.org", "cent%@example.org", "centaine@example.org"] {
        srv.server.app.accounts.add_user(email, "Jean", Role::Learner, "correct horse battery 9".into()).await.expect("add user");
    }
    let emails = |page: &serde_json::Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap().to_string()).collect()
    };
    let (st, page) = admin.get("/api/v1/admin/users?q=jean_dupont").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(emails(&page), ["jean_dupont@example.org"]);
    let (_, page) = admin.get("/api/v1/admin/users?q=cent%25").await;
    assert_eq!(emails(&page), ["cent%@example.org"]);
    let (_, page) = admin.get("/api/v1/admin/users?q=%5C").await;
    assert_eq!(emails(&page), Vec::<String>::new(), "a backslash is just a character");
    srv.stop().await;
}
