//! Courses end to end: catalogue and reading, quizzes graded on the server,
//! case-study runs, authoring rules, publication checks, version isolation,
//! and course folders through the API.

use reqwest::{Method, StatusCode};
use sanad_platform::Role;
use sanad_tests::{Backend, Client, Options, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    catalogue_and_reading,
    quiz_is_graded_on_the_server,
    case_study_run_reaches_an_ending,
    authoring_rules_and_sanitized_lessons,
    publish_is_refused_naming_the_node,
    learners_keep_the_published_version,
    course_folders_through_the_api,
);

async fn with_starter(backend: Backend) -> TestServer {
    TestServer::start_with(backend, Options { demo_content: true, ..Options::default() }).await
}

fn first_item_of_kind(course: &Value, kind: &str) -> String {
    course["modules"].as_array().unwrap().iter().flat_map(|m| m["items"].as_array().unwrap().iter()).find(|i| i["kind"] == kind).unwrap()["id"].as_str().unwrap().to_string()
}

async fn catalogue_and_reading(backend: Backend) {
    let srv = with_starter(backend).await;
    let mut anon = srv.client();
    let (st, page) = anon.get("/api/v1/courses").await;
    assert_eq!(st, StatusCode::OK);
    let slugs: Vec<&str> = page["items"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs.len(), 4, "{page}");
    for s in ["concepts", "prise-en-charge", "prevention", "bien-etre-professionnel"] {
        assert!(slugs.contains(&s), "{s}");
    }
    let (_, pec) = anon.get("/api/v1/courses?theme=pec").await;
    assert_eq!(pec["items"].as_array().unwrap().len(), 1);
    assert_eq!(pec["items"][0]["slug"], "prise-en-charge");
    let (_, found) = anon.get("/api/v1/courses?q=epuisement").await;
    assert_eq!(found["items"][0]["slug"], "bien-etre-professionnel", "accent-insensitive search: {found}");
    let (_, paged) = anon.get("/api/v1/courses?limit=3").await;
    let cursor = paged["next_cursor"].as_str().unwrap().to_string();
    let (_, rest) = anon.get(&format!("/api/v1/courses?limit=3&cursor={cursor}")).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    let (st, body) = anon.get("/api/v1/courses?theme=astrologie").await;
    assert_problem(&anon, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));

    // Language: ?lang, then Accept-Language; the served language is said.
    let (_, ar) = anon.get("/api/v1/courses/concepts?lang=ar").await;
    assert_eq!(ar["language"], "ar");
    assert_eq!(ar["content_language"], "fr");
    assert!(ar["title"].as_str().unwrap().contains("العنف"), "{}", ar["title"]);
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/courses/concepts", srv.url()))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap();
    let en: Value = resp.json().await.unwrap();
    assert_eq!(en["language"], "en");
    let (_, course) = anon.get("/api/v1/courses/concepts").await;
    assert_eq!(course["language"], "fr");
    assert_eq!(course["can_edit"], false);
    assert!(course["modules"].as_array().unwrap().len() >= 2);

    // Reading in sequence.
    let first = course["modules"][0]["items"][0]["id"].as_str().unwrap().to_string();
    let (st, lesson) = anon.get(&format!("/api/v1/lessons/{first}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(lesson["course_slug"], "concepts");
    assert!(lesson["body_html"].as_str().unwrap().contains("<h2>"));
    assert_eq!(lesson["previous_item"], Value::Null);
    let next = lesson["next_item"]["id"].as_str().unwrap().to_string();
    let (_, second) = anon.get(&format!("/api/v1/lessons/{next}")).await;
    assert_eq!(second["previous_item"]["id"], first.as_str());
    // An item of another kind is not a lesson.
    let quiz = first_item_of_kind(&course, "quiz");
    let (st, body) = anon.get(&format!("/api/v1/lessons/{quiz}")).await;
    assert_problem(&anon, StatusCode::NOT_FOUND, (st, &body));
    let (st, body) = anon.get("/api/v1/courses/nope").await;
    assert_problem(&anon, StatusCode::NOT_FOUND, (st, &body));
    srv.stop().await;

    // No starter content when it is switched off.
    let empty = TestServer::start(backend).await;
    let (_, none) = empty.client().get("/api/v1/courses").await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    empty.stop().await;
}

/// The correct answers of a quiz, read from the draft (authors only).
async fn correct_answers(admin: &mut Client, slug: &str, quiz_id: &str) -> Vec<Value> {
    let (_, draft) = admin.get(&format!("/api/v1/courses/{slug}/draft")).await;
    let item = draft["modules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["items"].as_array().unwrap().iter())
        .find(|i| i["id"] == quiz_id)
        .unwrap()
        .clone();
    item["quiz"]["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            if q["kind"] == "short_text" {
                json!({"question_id": q["id"], "text": q["answers"][0].as_str().unwrap().to_uppercase()})
            } else {
                let ids: Vec<&Value> = q["choices"].as_array().unwrap().iter().filter(|c| c["correct"] == true).map(|c| &c["id"]).collect();
                json!({"question_id": q["id"], "choice_ids": ids})
            }
        })
        .collect()
}

async fn quiz_is_graded_on_the_server(backend: Backend) {
    let srv = with_starter(backend).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let mut learner = srv.learner("learner@example.org").await;
    let (_, course) = learner.get("/api/v1/courses/concepts").await;
    let quiz_id = first_item_of_kind(&course, "quiz");
    let (st, quiz) = learner.get(&format!("/api/v1/quizzes/{quiz_id}")).await;
    assert_eq!(st, StatusCode::OK);
    let text = quiz.to_string();
    assert!(
        !text.contains("\"correct\"") && !text.contains("feedback") && !text.contains("explanation") && !text.contains("answers"),
        "no answers before submission: {text}"
    );
    assert!(quiz["questions"].as_array().unwrap().len() >= 8);
    assert_eq!(quiz["attempts_used"], 0);

    let mut anon = srv.client();
    let (st, _) = anon.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), json!({"answers": []})).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    let right = correct_answers(&mut admin, "concepts", &quiz_id).await;
    let (st, result) = learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), json!({"answers": right})).await;
    assert_eq!(st, StatusCode::CREATED, "{result}");
    assert_eq!(result["score"], result["max_score"]);
    assert_eq!(result["passed"], true);
    assert_eq!(result["percent"], 100);
    assert!(result["feedback"].as_array().unwrap().iter().all(|f| f["correct"] == true && !f["explanation"].as_str().unwrap().is_empty()));

    // Nothing answered: graded, not passed, feedback for every question.
    let (_, empty) = learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), json!({"answers": []})).await;
    assert_eq!((empty["score"].as_u64(), empty["passed"].as_bool()), (Some(0), Some(false)));
    assert_eq!(empty["feedback"].as_array().unwrap().len(), quiz["questions"].as_array().unwrap().len());
    // Answers that are not of this quiz.
    let (st, body) =
        learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), json!({"answers": [{"question_id": uuid::Uuid::now_v7()}]})).await;
    assert_problem(&learner, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    // The concepts quiz allows 3 attempts (the refused one above did not count).
    let (st, third) = learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), json!({"answers": []})).await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(third["attempts_left"], 0);
    let (st, body) = learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), json!({"answers": []})).await;
    assert_problem(&learner, StatusCode::CONFLICT, (st, &body));
    let (_, again) = learner.get(&format!("/api/v1/quizzes/{quiz_id}")).await;
    assert_eq!(again["attempts_used"], 3);
    srv.stop().await;
}

async fn case_study_run_reaches_an_ending(backend: Backend) {
    let srv = with_starter(backend).await;
    let mut learner = srv.learner("player@example.org").await;
    let mut other = srv.learner("other@example.org").await;
    let (_, course) = learner.get("/api/v1/courses/prise-en-charge").await;
    let case_id = first_item_of_kind(&course, "case_study");
    let (st, view) = learner.get(&format!("/api/v1/case-studies/{case_id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(view["decision_points"].as_u64().unwrap() >= 3);
    let (st, started) = learner.post(&format!("/api/v1/case-studies/{case_id}/runs"), json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{started}");
    let run = started["run_id"].as_str().unwrap().to_string();
    let mut node = started["node"].clone();
    let (st, body) = other.post(&format!("/api/v1/case-study-runs/{run}/choices"), json!({"choice_id": node["choices"][0]["id"]})).await;
    assert_problem(&other, StatusCode::NOT_FOUND, (st, &body));
    let (st, body) = learner.post(&format!("/api/v1/case-study-runs/{run}/choices"), json!({"choice_id": uuid::Uuid::now_v7()})).await;
    assert_problem(&learner, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let mut steps = 0;
    while node["ending"].is_null() {
        let choice = node["choices"][0]["id"].clone();
        let (st, outcome) = learner.post(&format!("/api/v1/case-study-runs/{run}/choices"), json!({"choice_id": choice})).await;
        assert_eq!(st, StatusCode::OK, "{outcome}");
        assert!(!outcome["feedback_html"].as_str().unwrap().is_empty());
        node = outcome["node"].clone();
        steps += 1;
        assert!(steps < 20, "a path of the starter case study never ends");
    }
    let ending = &node["ending"];
    assert!(["good", "partial", "poor"].contains(&ending["band"].as_str().unwrap()));
    assert!(!ending["debrief_html"].as_str().unwrap().is_empty());
    assert!(ending["score"].as_u64().unwrap() <= ending["max_score"].as_u64().unwrap());
    let (_, resumed) = learner.get(&format!("/api/v1/case-study-runs/{run}")).await;
    assert_eq!(resumed["steps"].as_array().unwrap().len(), steps);
    assert!(!resumed["node"]["ending"].is_null());
    let (st, body) = learner.post(&format!("/api/v1/case-study-runs/{run}/choices"), json!({"choice_id": uuid::Uuid::now_v7()})).await;
    assert_problem(&learner, StatusCode::CONFLICT, (st, &body));
    srv.stop().await;
}

fn lesson(title: &str, markdown: &str) -> Value {
    json!({"title": {"fr": title}, "body": markdown, "estimated_minutes": 5})
}

async fn new_course(trainer: &mut Client, slug: &str) -> (String, String) {
    let (st, course) = trainer
        .post("/api/v1/courses", json!({"slug": slug, "title": {"fr": "Accueillir un enfant", "ar": "استقبال طفل"}, "summary": {"fr": "Un court module."}, "theme": "pec"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{course}");
    let (st, module) = trainer.post(&format!("/api/v1/courses/{slug}/modules"), json!({"title": {"fr": "Premiers pas"}})).await;
    assert_eq!(st, StatusCode::CREATED, "{module}");
    (course["id"].as_str().unwrap().to_string(), module["id"].as_str().unwrap().to_string())
}

async fn authoring_rules_and_sanitized_lessons(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut learner = srv.learner("learner@example.org").await;
    let mut owner = srv.user_with_role("owner@example.org", Role::Trainer).await;
    let mut colleague = srv.user_with_role("colleague@example.org", Role::Trainer).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;

    let (st, body) =
        learner.post("/api/v1/courses", json!({"slug": "x", "title": {"fr": "X"}, "summary": {"fr": "X"}, "theme": "pec"})).await;
    assert_problem(&learner, StatusCode::FORBIDDEN, (st, &body));
    let (_, module) = new_course(&mut owner, "accueil").await;
    let (st, body) =
        owner.post("/api/v1/courses", json!({"slug": "accueil", "title": {"fr": "Y"}, "summary": {"fr": "Y"}, "theme": "pec"})).await;
    assert_problem(&owner, StatusCode::CONFLICT, (st, &body));
    let (st, body) = owner
        .post("/api/v1/courses", json!({"slug": "Pas Un Slug", "title": {"fr": ""}, "summary": {"fr": "Y"}, "theme": "astrologie"}))
        .await;
    assert_problem(&owner, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert!(body["errors"].as_array().unwrap().len() >= 3, "{body}");

    // Markdown with attacks is stored as safe HTML.
    let attack = "## Titre\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[lien](javascript:alert(3))\n\n<iframe src=\"https://evil.example\"></iframe>\n\n> [!TIP]\n> Un conseil\n";
    let (st, item) = owner.post(&format!("/api/v1/modules/{module}/lessons"), lesson("Écouter", attack)).await;
    assert_eq!(st, StatusCode::CREATED, "{item}");
    let (_, preview) = owner.post("/api/v1/markdown/preview", json!({"markdown": attack})).await;
    let html = preview["html"].as_str().unwrap().to_lowercase();
    assert!(!html.contains("<script") && !html.contains("onerror") && !html.contains("javascript:") && !html.contains("<iframe"), "{html}");
    assert!(html.contains("markdown-alert-tip"));
    let (st, body) = learner.post("/api/v1/markdown/preview", json!({"markdown": "x"})).await;
    assert_problem(&learner, StatusCode::FORBIDDEN, (st, &body));

    // Another trainer can neither read the draft nor edit; learners get 403 on drafts too.
    for c in [&mut colleague, &mut learner] {
        let (st, body) = c.get("/api/v1/courses/accueil/draft").await;
        assert_problem(c, StatusCode::FORBIDDEN, (st, &body));
        let (st, _) = c.patch("/api/v1/courses/accueil", json!({"estimated_minutes": 5})).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, _) = c.post(&format!("/api/v1/modules/{module}/lessons"), lesson("Intrus", "texte")).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    }
    // Not published: learners do not see it at all.
    let (st, _) = learner.get("/api/v1/courses/accueil").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // A co-author may edit; only the owner chooses co-authors.
    let (st, added) = owner.post("/api/v1/courses/accueil/coauthors", json!({"email": "colleague@example.org"})).await;
    assert_eq!(st, StatusCode::CREATED, "{added}");
    let (st, _) = colleague.post(&format!("/api/v1/modules/{module}/lessons"), lesson("Orienter", "Le **circuit** de PEC.")).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = colleague.post("/api/v1/courses/accueil/coauthors", json!({"email": "learner@example.org"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, body) = owner.post("/api/v1/courses/accueil/coauthors", json!({"email": "nobody@example.org"})).await;
    assert_problem(&owner, StatusCode::NOT_FOUND, (st, &body));
    // Admins edit everything.
    let (st, _) = admin.patch("/api/v1/courses/accueil", json!({"estimated_minutes": 25})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, mine) = colleague.get("/api/v1/authoring/courses").await;
    assert_eq!(mine["items"][0]["slug"], "accueil");
    let (st, _) = learner.get("/api/v1/authoring/courses").await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    let (st, published) = owner.post("/api/v1/courses/accueil/publish", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{published}");
    let (_, course) = learner.get("/api/v1/courses/accueil").await;
    let id = course["modules"][0]["items"][0]["id"].as_str().unwrap();
    let (_, read) = learner.get(&format!("/api/v1/lessons/{id}")).await;
    let body = read["body_html"].as_str().unwrap().to_lowercase();
    assert!(!body.contains("<script") && !body.contains("onerror") && !body.contains("javascript:"), "{body}");
    srv.stop().await;
}

async fn publish_is_refused_naming_the_node(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let (st, body) = trainer
        .post("/api/v1/courses", json!({"slug": "vide", "title": {"fr": "Vide"}, "summary": {"fr": "."}, "theme": "concepts"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (st, body) = trainer.post("/api/v1/courses/vide/publish", json!({})).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));

    let (_, module) = new_course(&mut trainer, "cas").await;
    let case = json!({
        "title": {"fr": "Une révélation"},
        "summary": "Un enfant se confie.",
        "start": "accueil",
        "nodes": [
            {"key": "accueil", "body_markdown": "Salma, 10 ans, vous parle.", "choices": [
                {"label": "Écouter", "next": "ecoute", "points": 3, "feedback_markdown": "Bien."},
                {"label": "Renvoyer", "next": "nulle-part", "points": 0}
            ]},
            {"key": "ecoute", "body_markdown": "Elle raconte.", "choices": [{"label": "Orienter", "next": "fin", "points": 3}]},
            {"key": "oubliee", "body_markdown": "Personne n'arrive ici.", "choices": [{"label": "Fin", "next": "fin"}]}
        ],
        "endings": [{"key": "fin", "title": "Orientation", "band": "good", "debrief_markdown": "Bravo."}]
    });
    let (st, item) = trainer.post(&format!("/api/v1/modules/{module}/case-studies"), case.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "a draft may be incomplete: {item}");
    let (st, body) = trainer.post("/api/v1/courses/cas/publish", json!({})).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let text = body["errors"].to_string();
    assert!(text.contains("node \\\"accueil\\\"") && text.contains("nulle-part"), "{text}");
    assert!(text.contains("node \\\"oubliee\\\"") && text.contains("cannot be reached"), "{text}");

    // Fixed, it publishes; the ids of the nodes sent back are kept.
    let item_id = item["id"].as_str().unwrap();
    let mut fixed = item["case_study"].clone();
    fixed["nodes"][0]["choices"][1]["next"] = json!("fin");
    fixed["nodes"].as_array_mut().unwrap().remove(2);
    let (st, replaced) = trainer.send(Method::PUT, &format!("/api/v1/items/{item_id}/case-study"), Some(fixed), None).await;
    assert_eq!(st, StatusCode::OK, "{replaced}");
    assert_eq!(replaced["case_study"]["nodes"][0]["id"], item["case_study"]["nodes"][0]["id"]);
    let (st, body) = trainer.post("/api/v1/courses/cas/publish", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // A lesson cannot be replaced by a quiz body.
    let (st, body) = trainer.send(Method::PUT, &format!("/api/v1/items/{item_id}/lesson"), Some(lesson("x", "y")), None).await;
    assert_problem(&trainer, StatusCode::CONFLICT, (st, &body));
    srv.stop().await;
}

async fn learners_keep_the_published_version(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut learner = srv.learner("learner@example.org").await;
    let (_, module) = new_course(&mut trainer, "versions").await;
    let (_, item) = trainer.post(&format!("/api/v1/modules/{module}/lessons"), lesson("Leçon", "Première version.")).await;
    let lesson_id = item["id"].as_str().unwrap().to_string();
    let (_, v1) = trainer.post("/api/v1/courses/versions/publish", json!({})).await;
    assert_eq!(v1["version"], 1);

    let (st, _) =
        trainer.send(Method::PUT, &format!("/api/v1/items/{lesson_id}/lesson"), Some(lesson("Leçon", "Deuxième version.")), None).await;
    assert_eq!(st, StatusCode::OK);
    trainer.post(&format!("/api/v1/modules/{module}/lessons"), lesson("Nouvelle", "Pas encore publiée.")).await;
    let (_, read) = learner.get(&format!("/api/v1/lessons/{lesson_id}")).await;
    assert!(read["body_html"].as_str().unwrap().contains("Première"), "learners keep v1: {read}");
    let (_, outline) = learner.get("/api/v1/courses/versions").await;
    assert_eq!(outline["modules"][0]["items"].as_array().unwrap().len(), 1);
    let (_, draft_view) = trainer.get(&format!("/api/v1/lessons/{lesson_id}?preview=true")).await;
    assert!(draft_view["body_html"].as_str().unwrap().contains("Deuxième"), "authors preview the draft");
    let (st, _) = learner.get(&format!("/api/v1/lessons/{lesson_id}?preview=true")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, draft) = trainer.get("/api/v1/courses/versions/draft").await;
    assert_eq!(draft["has_unpublished_changes"], true);

    let (_, v2) = trainer.post("/api/v1/courses/versions/publish", json!({})).await;
    assert_eq!(v2["version"], 2);
    let (_, read) = learner.get(&format!("/api/v1/lessons/{lesson_id}")).await;
    assert!(read["body_html"].as_str().unwrap().contains("Deuxième"), "same id, new text: {read}");
    assert_eq!(read["next_item"]["title"], "Nouvelle");
    let (_, draft) = trainer.get("/api/v1/courses/versions/draft").await;
    assert_eq!(draft["has_unpublished_changes"], false);

    // Removing an item from the draft does not break reading until the next publication.
    let (st, _) = trainer.delete(&format!("/api/v1/items/{lesson_id}")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = learner.get(&format!("/api/v1/lessons/{lesson_id}")).await;
    assert_eq!(st, StatusCode::OK);
    srv.stop().await;
}

async fn course_folders_through_the_api(backend: Backend) {
    let srv = with_starter(backend).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let (_, before) = admin.get("/api/v1/courses/prevention").await;

    let (st, zip) = admin.send_bytes(Method::GET, "/api/v1/courses/prevention/export", None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(admin.last_headers["content-disposition"].to_str().unwrap().contains("prevention.zip"));
    let (st, body) = trainer.send_bytes(Method::GET, "/api/v1/courses/prevention/export", None, None).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{}", String::from_utf8_lossy(&body));

    // Re-importing the export updates the course, publishes v2, and keeps every id.
    let (st, imported) = admin.send(Method::POST, "/api/v1/courses/import", None, Some((zip.clone(), "application/zip"))).await;
    assert_eq!(st, StatusCode::CREATED, "{imported}");
    assert_eq!(imported["created"], false);
    assert_eq!(imported["version"], 2);
    let (_, after) = admin.get("/api/v1/courses/prevention").await;
    assert_eq!(after["modules"], before["modules"], "ids and outline unchanged");

    // A trainer may not overwrite a course they do not author, but may import it under a new slug.
    let (st, body) = trainer.send(Method::POST, "/api/v1/courses/import", None, Some((zip.clone(), "application/zip"))).await;
    assert_problem(&trainer, StatusCode::FORBIDDEN, (st, &body));
    let mut files = sanad_courses::folder::files_from_zip(&zip).unwrap();
    let course_toml = files["course.toml"].replace("slug = \"prevention\"", "slug = \"prevention-sale\"");
    files.insert("course.toml".into(), course_toml);
    let copy = sanad_courses::folder::zip_files("prevention-sale", &files).unwrap();
    let (st, imported) = trainer.send(Method::POST, "/api/v1/courses/import?publish=false", None, Some((copy, "application/zip"))).await;
    assert_eq!(st, StatusCode::CREATED, "{imported}");
    assert_eq!((imported["created"].as_bool(), imported["version"].is_null()), (Some(true), true));
    let (st, _) = trainer.get("/api/v1/courses/prevention-sale/draft").await;
    assert_eq!(st, StatusCode::OK);

    // Errors name the file and the line.
    let quiz_path = files.keys().find(|p| p.ends_with(".quiz.toml")).unwrap().clone();
    files.insert(quiz_path.clone(), files[&quiz_path].replacen("pass_mark", "pass_mark = = ", 1));
    let broken = sanad_courses::folder::zip_files("prevention-sale", &files).unwrap();
    let (st, body) = trainer.send(Method::POST, "/api/v1/courses/import", None, Some((broken, "application/zip"))).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert!(body["errors"][0]["message"].as_str().unwrap().starts_with(&format!("{quiz_path}:")), "{body}");
    let (st, body) = trainer.send(Method::POST, "/api/v1/courses/import", None, Some((b"not a zip".to_vec(), "application/zip"))).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    srv.stop().await;
}
