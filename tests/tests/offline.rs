//! A course saved for offline reading: `GET /courses/{slug}/offline` holds the
//! published version's outline and items as each read answers them, without
//! quiz answers, in the reader's language, with an ETag that makes an
//! unchanged course cost a 304; drafts and gated modules stay out.

use reqwest::{Method, StatusCode};
use sanad_platform::Role;
use sanad_tests::{Backend, Client, Options, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    a_saved_course_holds_what_each_read_serves,
    the_saved_copy_is_revalidated_by_etag,
    gated_modules_are_saved_only_once_open,
);

fn ids_of_kind(course: &Value, kind: &str) -> Vec<String> {
    course["modules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["items"].as_array().unwrap().iter())
        .filter(|i| i["kind"] == kind)
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

/// Every key of `v`, at any depth.
fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, inner) in map {
                out.push(k.clone());
                keys(inner, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| keys(i, out)),
        _ => {}
    }
}

async fn a_saved_course_holds_what_each_read_serves(backend: Backend) {
    let srv = TestServer::start_with(backend, Options { demo_content: true, ..Options::default() }).await;
    let mut anon = srv.client();
    let (st, bundle) = anon.get("/api/v1/courses/prise-en-charge/offline?lang=fr").await;
    assert_eq!(st, StatusCode::OK, "{bundle}");
    assert_eq!(anon.last_headers["cache-control"], "no-cache");
    let (_, course) = anon.get("/api/v1/courses/prise-en-charge?lang=fr").await;
    assert_eq!(bundle["course"], course, "the outline as GET /courses/{{slug}} serves it");
    assert_eq!(bundle["version"], course["version"]);

    // Every lesson, byte for byte what its own read answers; every quiz and case study.
    let lessons = ids_of_kind(&course, "lesson");
    assert_eq!(bundle["lessons"].as_array().unwrap().len(), lessons.len());
    for (id, saved) in lessons.iter().zip(bundle["lessons"].as_array().unwrap()) {
        let (_, read) = anon.get(&format!("/api/v1/lessons/{id}?lang=fr")).await;
        assert_eq!(saved, &read);
    }
    let cases = ids_of_kind(&course, "case_study");
    assert_eq!(bundle["case_studies"].as_array().unwrap().len(), cases.len());
    let (_, case) = anon.get(&format!("/api/v1/case-studies/{}?lang=fr", cases[0])).await;
    assert_eq!(bundle["case_studies"][0], case);
    let quizzes = ids_of_kind(&course, "quiz");
    assert_eq!(bundle["quizzes"].as_array().unwrap().len(), quizzes.len());
    assert!(!quizzes.is_empty());

    // No answer leaks: the quiz has its questions and choices, and nothing that marks the right one.
    let quiz = &bundle["quizzes"][0];
    assert_eq!(quiz["id"], quizzes[0].as_str());
    assert!(!quiz["questions"].as_array().unwrap().is_empty());
    let mut all = Vec::new();
    keys(&bundle, &mut all);
    for secret in ["correct", "accepted", "answers", "explanation", "debrief_markdown", "body_markdown"] {
        assert!(!all.iter().any(|k| k == secret), "{secret} in the saved course");
    }
    let mut in_quizzes = Vec::new();
    keys(&bundle["quizzes"], &mut in_quizzes);
    assert!(!in_quizzes.iter().any(|k| k == "points"), "a quiz's points in the saved course");

    // Each case study whole, to be played offline: every step and ending, what each choice leads to.
    let plays = bundle["plays"].as_array().unwrap();
    assert_eq!(plays.len(), cases.len());
    let play = &plays[0];
    assert_eq!(play["case_study_id"], cases[0].as_str());
    let nodes = play["nodes"].as_array().unwrap();
    let node = |id: &Value| nodes.iter().find(|n| &n["id"] == id).unwrap_or_else(|| panic!("no node {id}"));
    assert!(node(&play["start"])["ending"].is_null());
    let choices: Vec<&Value> = nodes.iter().flat_map(|n| n["choices"].as_array().unwrap()).collect();
    assert_eq!(play["outcomes"].as_array().unwrap().len(), choices.len(), "an outcome for every choice");
    for outcome in play["outcomes"].as_array().unwrap() {
        node(&outcome["next"]);
        assert!(!outcome["feedback_html"].as_str().unwrap().is_empty());
    }
    assert!(nodes.iter().any(|n| n["ending"]["max_score"] == play["best_score"]));
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let (_, draft) = admin.get("/api/v1/courses/prise-en-charge/draft").await;
    let text = bundle.to_string();
    for m in draft["modules"].as_array().unwrap() {
        for item in m["items"].as_array().unwrap() {
            for q in item["quiz"]["questions"].as_array().into_iter().flatten() {
                if let Some(explanation) = q["explanation"].as_str().filter(|e| e.len() > 20) {
                    assert!(!text.contains(explanation), "an explanation is in the saved course");
                }
            }
        }
    }

    // The reader's language: ?lang=, else Accept-Language.
    let (_, ar) = anon.get("/api/v1/courses/prise-en-charge/offline?lang=ar").await;
    assert_eq!(ar["lang"], "ar");
    assert_eq!(ar["course"]["language"], "ar");
    assert_eq!(ar["lessons"][0]["language"], "ar");
    assert_ne!(ar["lessons"][0]["body_html"], bundle["lessons"][0]["body_html"]);
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/courses/prise-en-charge/offline", srv.url()))
        .header("Accept-Language", "ar-MA,ar;q=0.9")
        .send()
        .await
        .unwrap();
    assert!(resp.headers()["vary"].to_str().unwrap().contains("Accept-Language"));
    let by_header: Value = resp.json().await.unwrap();
    assert_eq!(by_header["course"]["title"], ar["course"]["title"]);

    // Unknown and never-published courses are not found.
    let (st, body) = anon.get("/api/v1/courses/nope/offline").await;
    assert_problem(&anon, StatusCode::NOT_FOUND, (st, &body));
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let (st, _) = trainer
        .post("/api/v1/courses", json!({"slug": "brouillon", "title": {"fr": "Brouillon"}, "summary": {"fr": "s"}, "theme": "pec"}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    for who in [&mut anon, &mut trainer] {
        let (st, body) = who.get("/api/v1/courses/brouillon/offline").await;
        assert_problem(who, StatusCode::NOT_FOUND, (st, &body));
    }
    srv.stop().await;
}

async fn the_saved_copy_is_revalidated_by_etag(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    trainer
        .post("/api/v1/courses", json!({"slug": "hors-ligne", "title": {"fr": "Hors ligne"}, "summary": {"fr": "s"}, "theme": "pec"}))
        .await;
    let (_, module) = trainer.post("/api/v1/courses/hors-ligne/modules", json!({"title": {"fr": "Un"}})).await;
    let module = module["id"].as_str().unwrap().to_string();
    let (_, item) = trainer
        .post(
            &format!("/api/v1/modules/{module}/lessons"),
            json!({"title": {"fr": "Leçon"}, "body": "Première version.\n\n![schéma](/favicon.svg)"}),
        )
        .await;
    let id = item["id"].as_str().unwrap().to_string();
    trainer.post("/api/v1/courses/hors-ligne/publish", json!({})).await;

    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/courses/hors-ligne/offline?lang=fr", srv.url());
    let get = |inm: Option<String>| {
        let mut req = http.get(&url);
        if let Some(tag) = inm {
            req = req.header("If-None-Match", tag);
        }
        req.send()
    };
    let first = get(None).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.len() > 10, "a strong ETag: {etag}");
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["images"], json!(["/favicon.svg"]));
    assert!(body["lessons"][0]["body_html"].as_str().unwrap().contains("Première"));

    // Unchanged: 304 and no body.
    let again = get(Some(etag.clone())).await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    // Republished: the old ETag no longer holds, the new text comes.
    trainer
        .send(
            Method::PUT,
            &format!("/api/v1/items/{id}/lesson"),
            Some(json!({"title": {"fr": "Leçon"}, "body": "Deuxième version."})),
            None,
        )
        .await;
    trainer.post("/api/v1/courses/hors-ligne/publish", json!({})).await;
    let after = get(Some(etag.clone())).await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()["etag"].to_str().unwrap(), etag);
    let body: Value = after.json().await.unwrap();
    assert!(body["lessons"][0]["body_html"].as_str().unwrap().contains("Deuxième"));
    assert_eq!(body["images"], json!([]));
    srv.stop().await;
}

async fn gated_modules_are_saved_only_once_open(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    t.post("/api/v1/courses", json!({"slug": "palier", "title": {"fr": "Palier"}, "summary": {"fr": "s"}, "theme": "pec"})).await;
    let (_, m1) = t.post("/api/v1/courses/palier/modules", json!({"title": {"fr": "Écouter"}})).await;
    let m1 = m1["id"].as_str().unwrap().to_string();
    let (_, l1) = t.post(&format!("/api/v1/modules/{m1}/lessons"), json!({"title": {"fr": "Ouverte"}, "body": "Texte."})).await;
    let l1 = l1["id"].as_str().unwrap().to_string();
    let (_, m2) = t.post("/api/v1/courses/palier/modules", json!({"title": {"fr": "Orienter"}, "requires": [m1]})).await;
    let m2 = m2["id"].as_str().unwrap().to_string();
    let (st, l2) = t.post(&format!("/api/v1/modules/{m2}/lessons"), json!({"title": {"fr": "Fermée"}, "body": "Après."})).await;
    assert_eq!(st, StatusCode::CREATED, "{l2}");
    let (st, body) = t.post("/api/v1/courses/palier/publish", json!({})).await;
    assert!(st.is_success(), "{body}");

    let titles = |b: &Value| b["lessons"].as_array().unwrap().iter().map(|l| l["title"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let mut anon = srv.client();
    let (_, b) = anon.get("/api/v1/courses/palier/offline").await;
    assert_eq!(titles(&b), ["Ouverte"], "a visitor saves the open module only");
    assert_eq!(b["course"]["modules"].as_array().unwrap().len(), 2, "the outline is whole");

    let mut learner: Client = srv.learner("learner@example.org").await;
    let (_, b) = learner.get("/api/v1/courses/palier/offline").await;
    assert_eq!(titles(&b), ["Ouverte"]);
    assert_eq!(learner.last_headers["cache-control"], "private, no-cache");
    let (_, progress) = learner.get("/api/v1/courses/palier/progress").await;
    assert!(progress["completed_item_ids"].as_array().is_none_or(|a| a.is_empty()), "saving completes nothing: {progress}");
    let (st, _) = learner.post(&format!("/api/v1/lessons/{l1}/completion"), json!({})).await;
    assert!(st.is_success());
    let (_, b) = learner.get("/api/v1/courses/palier/offline").await;
    assert_eq!(titles(&b), ["Ouverte", "Fermée"], "once module 1 is finished, module 2 is saved too");
    srv.stop().await;
}
