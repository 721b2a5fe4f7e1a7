//! Cohorts and field sessions end to end: members by email and invitations,
//! the trainer's dashboard and its CSV, who may read it, idle reminders, field
//! sessions with every bad field named, the report, and the 30-day follow-up
//! reminder sent once.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, Client, Options, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(cohort_dashboard_and_invitations, field_sessions_and_their_report, follow_up_reminder_goes_once);

async fn course_with_quiz(t: &mut Client, slug: &str) -> (String, String) {
    t.post("/api/v1/courses", json!({"slug": slug, "title": "Parcours", "summary": "s", "theme": "pec", "language": "fr"})).await;
    let (_, m) = t.post(&format!("/api/v1/courses/{slug}/modules"), json!({"title": "M"})).await;
    let m = m["id"].as_str().unwrap().to_string();
    let (_, l) = t.post(&format!("/api/v1/modules/{m}/lessons"), json!({"title": "L", "body": "Texte."})).await;
    let (_, q) = t
        .post(
            &format!("/api/v1/modules/{m}/quizzes"),
            json!({"title": "Quiz", "pass_mark": 100, "shuffle": false, "questions": [
                {"kind": "single", "prompt": "Écouter ?", "choices": [{"label": "Oui", "correct": true}, {"label": "Non", "correct": false}]}]}),
        )
        .await;
    let (st, body) = t.post(&format!("/api/v1/courses/{slug}/publish"), json!({})).await;
    assert!(st.is_success(), "{body}");
    (l["id"].as_str().unwrap().to_string(), q["id"].as_str().unwrap().to_string())
}

async fn answer(c: &mut Client, quiz: &str, label: &str) {
    let (_, q) = c.get(&format!("/api/v1/quizzes/{quiz}")).await;
    let question = &q["questions"][0];
    let choice = question["choices"].as_array().unwrap().iter().find(|c| c["label"] == label).unwrap();
    c.post(
        &format!("/api/v1/quizzes/{quiz}/attempts"),
        json!({"answers": [{"question_id": question["id"], "choice_ids": [choice["id"]]}]}),
    )
    .await;
}

async fn register(srv: &TestServer, email: &str, name: &str) -> Client {
    let mut c = srv.client();
    let (st, body) =
        c.post("/api/v1/auth/register", json!({"email": email, "password": "un mot de passe solide 42", "display_name": name})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    c
}

async fn cohort_dashboard_and_invitations(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let (lesson, quiz) = course_with_quiz(&mut t, "parcours").await;
    let mut lea = register(&srv, "lea@example.org", "Léa Benali").await;
    let mut sam = register(&srv, "sam@example.org", "=HYPERLINK(\"http://x\")").await;
    lea.post(&format!("/api/v1/lessons/{lesson}/completion"), json!({})).await;
    answer(&mut lea, &quiz, "Non").await;
    answer(&mut lea, &quiz, "Oui").await;

    let today = Utc::now().date_naive();
    let (st, bad) = t
        .post("/api/v1/cohorts", json!({"course_slug": "inconnu", "title": " ", "starts_on": today, "ends_on": today - Duration::days(1)}))
        .await;
    assert_problem(&t, StatusCode::UNPROCESSABLE_ENTITY, (st, &bad));
    let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(["course_slug", "title", "ends_on"].iter().all(|f| fields.contains(f)), "{bad}");
    let (st, cohort) = t
        .post(
            "/api/v1/cohorts",
            json!({"course_slug": "parcours", "title": "Salé, promotion 1", "starts_on": today, "ends_on": today + Duration::days(30)}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{cohort}");
    let id = cohort["id"].as_str().unwrap().to_string();
    let (st, learner_try) =
        lea.post("/api/v1/cohorts", json!({"course_slug": "parcours", "title": "x", "starts_on": today, "ends_on": today})).await;
    assert_problem(&lea, StatusCode::FORBIDDEN, (st, &learner_try));

    let (st, added) = t
        .post(
            &format!("/api/v1/cohorts/{id}/members"),
            json!({"emails": ["LEA@example.org ", "sam@example.org", "nouvelle@example.org", "pas-une-adresse", "sam@example.org"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{added}");
    assert_eq!(added["added"], json!(["lea@example.org", "sam@example.org"]));
    assert_eq!(added["invited"], json!(["nouvelle@example.org"]));
    let reasons: Vec<&str> = added["rejected"].as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["invalid_email", "duplicate"]);
    srv.drain_mail().await;
    assert!(srv.mail_files().iter().any(|m| m.contains("nouvelle@example.org") && m.contains("Salé, promotion 1")), "invitation mailed");

    let (st, dash) = t.get(&format!("/api/v1/cohorts/{id}/progress")).await;
    assert_eq!(st, StatusCode::OK, "{dash}");
    let members = dash["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    let lea_row = members.iter().find(|m| m["display_name"] == "Léa Benali").unwrap();
    assert_eq!(lea_row["percent"], 100, "{lea_row}");
    assert_eq!(lea_row["best_quiz_scores"][0]["best_score"], 1);
    assert_eq!(lea_row["best_quiz_scores"][0]["attempts"], 2);
    assert_eq!(dash["questions"][0]["attempts"], 2);
    assert_eq!(dash["questions"][0]["success_rate"], 0.5);
    assert_eq!(dash["pending_invitations"], json!(["nouvelle@example.org"]));
    let (_, idle) = t.get(&format!("/api/v1/cohorts/{id}/progress?inactive_days=7")).await;
    let idle_names: Vec<&str> = idle["members"].as_array().unwrap().iter().map(|m| m["display_name"].as_str().unwrap()).collect();
    assert_eq!(idle_names, ["=HYPERLINK(\"http://x\")"], "only the member who did nothing is idle");

    let (st, bytes) = t.send_bytes(reqwest::Method::GET, &format!("/api/v1/cohorts/{id}/progress.csv"), None, None).await;
    assert_eq!(st, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("Léa Benali"), "{text}");
    assert!(text.contains("HYPERLINK"), "the hostile name is kept, as text: {text}");
    for line in text.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@']), "a cell a spreadsheet would run: {cell}");
        }
    }

    let mut other = srv.user_with_role("autre@example.org", Role::Trainer).await;
    for (who, c) in [("another trainer", &mut other), ("a learner", &mut lea)] {
        let (st, body) = c.get(&format!("/api/v1/cohorts/{id}/progress")).await;
        assert_problem(c, StatusCode::FORBIDDEN, (st, &body));
        let (st, _) = c.post(&format!("/api/v1/cohorts/{id}/members"), json!({"emails": ["x@example.org"]})).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{who}");
    }
    let (_, theirs) = other.get("/api/v1/cohorts").await;
    assert_eq!(theirs["items"], json!([]), "a trainer lists only the cohorts they run");

    // Reminders: the idle member once, not twice in a day.
    let (st, sent) = t.post(&format!("/api/v1/cohorts/{id}/reminders"), json!({"inactive_days": 7})).await;
    assert_eq!(st, StatusCode::OK, "{sent}");
    assert_eq!((sent["reminded"].as_u64(), sent["skipped"].as_u64()), (Some(1), Some(0)));
    let (_, again) = t.post(&format!("/api/v1/cohorts/{id}/reminders"), json!({"inactive_days": 7})).await;
    assert_eq!((again["reminded"].as_u64(), again["skipped"].as_u64()), (Some(0), Some(1)));
    let (st, body) = t.post(&format!("/api/v1/cohorts/{id}/reminders"), json!({"inactive_days": 0})).await;
    assert_problem(&t, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));

    // The dashboard just read is not served again once a member has done something.
    let (_, before) = t.get(&format!("/api/v1/cohorts/{id}/progress")).await;
    let sam_row = |dash: &Value| dash["members"].as_array().unwrap().iter().find(|m| m["display_name"] != "Léa Benali").cloned().unwrap();
    assert_eq!(sam_row(&before)["completed_items"], 0, "{before}");
    assert!(sam_row(&before)["idle_reminded_at"].is_string(), "a reminder shows at once: {before}");
    sam.post(&format!("/api/v1/lessons/{lesson}/completion"), json!({})).await;
    let (_, after) = t.get(&format!("/api/v1/cohorts/{id}/progress")).await;
    assert_eq!(sam_row(&after)["completed_items"], 1, "a completion shows at once: {after}");
    assert!(sam_row(&after)["last_activity_at"].is_string(), "{after}");
    answer(&mut sam, &quiz, "Oui").await;
    let (_, after) = t.get(&format!("/api/v1/cohorts/{id}/progress")).await;
    assert_eq!(sam_row(&after)["best_quiz_scores"][0]["best_score"], 1, "a quiz attempt shows at once: {after}");
    assert_eq!(after["questions"][0]["attempts"], 3, "{after}");
    let (_, csv) = t.send_bytes(reqwest::Method::GET, &format!("/api/v1/cohorts/{id}/progress.csv"), None, None).await;
    assert_eq!(String::from_utf8(csv).unwrap().matches("1/1").count(), 2, "both best scores in the CSV");

    // The invited address registers and confirms it: it joins the cohort.
    let mut newcomer = register(&srv, "nouvelle@example.org", "Nouvelle").await;
    srv.drain_mail().await;
    let token = sanad_tests::token_in_mail(&srv.mail_files(), "nouvelle@example.org", "verify-email?token=").expect("verification mail");
    let (st, _) = newcomer.post("/api/v1/auth/verify-email", json!({"token": token})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, dash) = t.get(&format!("/api/v1/cohorts/{id}/progress")).await;
    assert_eq!(dash["members"].as_array().unwrap().len(), 3, "{dash}");
    assert_eq!(dash["pending_invitations"], json!([]));
    srv.stop().await;
}

async fn field_sessions_and_their_report(backend: Backend) {
    let srv = TestServer::start_with(backend, Options { demo_content: true, ..Options::default() }).await;
    srv.index_now().await;
    let mut lea = srv.learner("lea@example.org").await;
    let (_, lib) = lea.get("/api/v1/library/resources?limit=1").await;
    let resource = lib["items"][0]["id"].as_str().unwrap().to_string();
    let today = Utc::now().date_naive();
    let (st, s) = lea
        .post(
            "/api/v1/me/field-sessions",
            json!({"held_on": today, "territory": "sale", "audience": "children", "participants": 24, "resource_ids": [resource], "notes": "Séance avec la mallette."}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{s}");
    assert!(!s["resources"][0]["title"].as_str().unwrap().is_empty());
    lea.post(
        "/api/v1/me/field-sessions",
        json!({"held_on": today - Duration::days(62), "territory": "kenitra", "audience": "parents", "participants": 10}),
    )
    .await;
    let (st, bad) = lea
        .post(
            "/api/v1/me/field-sessions",
            json!({"held_on": "2099-01-01", "territory": "mars", "audience": "aliens", "participants": -3, "resource_ids": [uuid::Uuid::nil()], "notes": "x".repeat(5000)}),
        )
        .await;
    assert_problem(&lea, StatusCode::UNPROCESSABLE_ENTITY, (st, &bad));
    let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["held_on", "territory", "audience", "participants", "resource_ids", "notes"] {
        assert!(fields.contains(&f), "{f} named: {bad}");
    }
    let (st, bad) = lea
        .post("/api/v1/me/field-sessions", json!({"held_on": "hier", "territory": "sale", "audience": "children", "participants": 3}))
        .await;
    assert_problem(&lea, StatusCode::UNPROCESSABLE_ENTITY, (st, &bad));
    let (_, mine) = lea.get("/api/v1/me/field-sessions").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2, "nothing bad was stored: {mine}");

    let (st, body) = lea.get("/api/v1/reports/field-sessions").await;
    assert_problem(&lea, StatusCode::FORBIDDEN, (st, &body));
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let (st, all) = t.get("/api/v1/reports/field-sessions").await;
    assert_eq!(st, StatusCode::OK, "{all}");
    assert_eq!((all["sessions"].as_u64(), all["participants"].as_u64()), (Some(2), Some(34)));
    assert_eq!(all["by_territory"], json!({"kenitra": 1, "sale": 1}));
    assert!(all["by_month"].as_object().unwrap().len() >= 3, "months in between show as zero: {all}");
    assert_eq!(all["by_resource"][0]["sessions"], 1);
    let (_, sale) = t.get("/api/v1/reports/field-sessions?territory=sale").await;
    assert_eq!((sale["sessions"].as_u64(), sale["by_audience"]["children"].as_u64()), (Some(1), Some(1)));
    let (st, body) = t.get("/api/v1/reports/field-sessions?territory=mars&from=hier").await;
    assert_problem(&t, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let (st, csv) = t.send_bytes(reqwest::Method::GET, "/api/v1/reports/field-sessions.csv", None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(String::from_utf8_lossy(&csv).contains("sale"));
    srv.stop().await;
}

async fn follow_up_reminder_goes_once(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    course_with_quiz(&mut t, "parcours").await;
    let mut lea = register(&srv, "lea@example.org", "Léa").await;
    let _sam = register(&srv, "sam@example.org", "Sam").await;
    let today = Utc::now().date_naive();
    let (_, cohort) = t
        .post("/api/v1/cohorts", json!({"course_slug": "parcours", "title": "Kénitra 2", "starts_on": today - Duration::days(90), "ends_on": today - Duration::days(40)}))
        .await;
    let id = cohort["id"].as_str().unwrap().to_string();
    t.post(&format!("/api/v1/cohorts/{id}/members"), json!({"emails": ["lea@example.org", "sam@example.org"]})).await;
    // Léa recorded a session after the end: only Sam is reminded.
    lea.post(
        "/api/v1/me/field-sessions",
        json!({"held_on": today - Duration::days(5), "territory": "kenitra", "audience": "community", "participants": 40}),
    )
    .await;
    let progress = srv.server.app.progress.clone();
    let (a, b) = tokio::join!(progress.send_follow_up_reminders(), progress.send_follow_up_reminders());
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one reminder, whoever runs the job");
    assert_eq!(progress.send_follow_up_reminders().await.unwrap(), 0, "and never again");
    srv.drain_mail().await;
    let reminders: Vec<Value> = srv.mail_files().iter().filter(|m| m.contains("Kénitra 2")).map(|m| Value::String(m.clone())).collect();
    assert_eq!(reminders.len(), 1);
    assert!(reminders[0].as_str().unwrap().contains("sam@example.org"));
    srv.stop().await;
}
