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
    attempts_reveal_answers_only_when_due,
    parallel_attempts_never_exceed_the_limit,
    a_long_case_study_plays_to_its_end,
    co_authors_edit_but_do_not_publish,
    published_reads_carry_etags,
    an_arabic_only_course_is_written_published_and_read,
);

async fn an_arabic_only_course_is_written_published_and_read(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut reader = srv.learner("reader@example.org").await;
    let (st, course) = trainer
        .post(
            "/api/v1/courses",
            json!({"slug": "tawasol", "title": {"ar": "التواصل مع الطفل"}, "summary": {"fr": null, "ar": "وحدة قصيرة."},
                   "theme": "pec", "language": "ar"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "any one language is enough: {course}");
    let (_, draft) = trainer.get("/api/v1/courses/tawasol/draft").await;
    assert_eq!(draft["title"], json!({"fr": null, "ar": "التواصل مع الطفل", "en": null}), "no French text is no French text: {draft}");
    let (st, module) = trainer.post("/api/v1/courses/tawasol/modules", json!({"title": {"fr": null, "ar": "الإنصات"}})).await;
    assert_eq!(st, StatusCode::CREATED, "{module}");
    let module = module["id"].as_str().unwrap().to_string();
    let (st, item) = trainer
        .post(&format!("/api/v1/modules/{module}/lessons"), json!({"title": {"fr": "", "ar": "الإنصات الفعال"}, "body": "نص الدرس."}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{item}");
    let (st, published) = trainer.post("/api/v1/courses/tawasol/publish", json!({})).await;
    assert_eq!(st, StatusCode::OK, "publishable in Arabic only: {published}");

    // A French reader is served the Arabic title, marked as Arabic.
    let (_, outline) = reader.get("/api/v1/courses/tawasol?lang=fr").await;
    assert_eq!(outline["title"], "التواصل مع الطفل", "{outline}");
    assert_eq!(outline["modules"][0]["title"], "الإنصات");
    assert_eq!(outline["modules"][0]["items"][0]["title"], "الإنصات الفعال");
    let (_, list) = reader.get("/api/v1/courses").await;
    assert!(list["items"].as_array().unwrap().iter().any(|c| c["title"] == "التواصل مع الطفل"), "{list}");
    let (_, mine) = trainer.get("/api/v1/authoring/courses").await;
    assert!(mine["items"].as_array().unwrap().iter().any(|c| c["title"] == "التواصل مع الطفل"), "{mine}");

    // Still refused with no language at all.
    let (st, body) = trainer.post("/api/v1/courses/tawasol/modules", json!({"title": {"fr": " ", "ar": ""}})).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let (st, body) = trainer
        .post(
            "/api/v1/courses",
            json!({"slug": "vide", "title": {"fr": "", "ar": ""}, "summary": {"fr": "", "ar": "ملخص"}, "theme": "pec"}),
        )
        .await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    srv.stop().await;
}

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
    assert_eq!(result["answers_revealed"], true);

    // Nothing answered: refused, revealing nothing, and not counted.
    let (st, empty) = learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), json!({"answers": []})).await;
    assert_problem(&learner, StatusCode::UNPROCESSABLE_ENTITY, (st, &empty));
    assert_eq!(empty["errors"][0]["field"], "answers");
    assert!(!empty.to_string().contains("\"correct\""), "{empty}");
    // Answers that are not of this quiz.
    let (st, body) =
        learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), json!({"answers": [{"question_id": uuid::Uuid::now_v7()}]})).await;
    assert_problem(&learner, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    // The concepts quiz allows 3 attempts (the refused ones above did not count).
    let one = json!({"answers": [right[0]]});
    let (st, second) = learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), one.clone()).await;
    assert_eq!((st, second["attempts_used"].as_u64()), (StatusCode::CREATED, Some(2)), "{second}");
    let (st, third) = learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), one.clone()).await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(third["attempts_left"], 0);
    let (st, body) = learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), one).await;
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
    // Forum members preview their posts with the same renderer, and as safely.
    let (st, preview) = learner.post("/api/v1/markdown/preview", json!({"markdown": attack})).await;
    assert_eq!(st, StatusCode::OK, "{preview}");
    let learner_html = preview["html"].as_str().unwrap().to_lowercase();
    assert_eq!(learner_html, html);

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
    // Each problem carries a stable reason the SPA says in the reader's language.
    assert_eq!(
        (body["errors"][0]["reason"].as_str(), body["errors"][0]["field"].as_str()),
        (Some("course_empty"), Some("course")),
        "{body}"
    );

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
    // ...and says where as parameters: the module, the item (with its id, to link to its editor), the step.
    let errors = body["errors"].as_array().unwrap();
    let nowhere = errors.iter().find(|e| e["reason"] == "choice_leads_nowhere").expect("a choice leading nowhere, by its reason");
    let params = &nowhere["params"];
    assert_eq!(
        (params["item_kind"].as_str(), params["item_id"].as_str(), params["node"].as_str()),
        (Some("case_study"), item["id"].as_str(), Some("accueil")),
        "{nowhere}"
    );
    assert_eq!((params["next"].as_str(), params["module"].is_string()), (Some("nulle-part"), true), "{nowhere}");
    assert!(errors.iter().any(|e| e["reason"] == "unreachable" && e["params"]["node"] == "oubliee"), "{body}");

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
    assert_eq!((body["reason"].as_str(), body["params"]["kind"].as_str()), (Some("item_kind_fixed"), Some("case_study")), "{body}");
    // A second course with a slug taken: the refusal names it.
    let (st, body) = trainer
        .post("/api/v1/courses", json!({"slug": "cas", "title": {"fr": "Autre"}, "summary": {"fr": "."}, "theme": "concepts"}))
        .await;
    assert_problem(&trainer, StatusCode::CONFLICT, (st, &body));
    assert_eq!((body["reason"].as_str(), body["params"]["slug"].as_str()), (Some("course_slug_taken"), Some("cas")), "{body}");
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

    // Entries that declare 1 byte and inflate to almost the per-file limit each: the bytes
    // actually inflated are counted, and the import stops once they pass the total.
    let entry = "a".repeat(sanad_courses::folder::MAX_ZIP_FILE_BYTES as usize - 1);
    let mut bomb = sanad_courses::folder::Files::new();
    bomb.insert("course.toml".into(), files["course.toml"].clone());
    for i in 0..6 {
        bomb.insert(format!("m/{i:04}.md"), entry.clone());
    }
    let mut raw = sanad_courses::folder::zip_files("bombe", &bomb).unwrap();
    let declared = u32::try_from(entry.len()).unwrap().to_le_bytes();
    for (sig, off) in [(*b"PK\x03\x04", 22), (*b"PK\x01\x02", 24)] {
        let positions: Vec<usize> = raw.windows(4).enumerate().filter(|(_, w)| *w == sig).map(|(i, _)| i).collect();
        for p in positions {
            if raw.get(p + off..p + off + 4) == Some(&declared[..]) {
                raw[p + off..p + off + 4].copy_from_slice(&1u32.to_le_bytes());
            }
        }
    }
    let (st, body) = trainer.send(Method::POST, "/api/v1/courses/import", None, Some((raw, "application/zip"))).await;
    assert_problem(&trainer, StatusCode::PAYLOAD_TOO_LARGE, (st, &body));
    assert!(body["detail"].as_str().unwrap().contains("20 MiB"), "{body}");
    srv.stop().await;
}

/// One wrong answer to the first choice question of a quiz (from the draft).
async fn one_wrong_answer(admin: &mut Client, slug: &str, quiz_id: &str) -> Value {
    let (_, draft) = admin.get(&format!("/api/v1/courses/{slug}/draft")).await;
    let quiz = draft["modules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["items"].as_array().unwrap().iter())
        .find(|i| i["id"] == quiz_id)
        .unwrap()["quiz"]
        .clone();
    let q = quiz["questions"].as_array().unwrap().iter().find(|q| q["kind"] == "single").unwrap();
    let wrong = q["choices"].as_array().unwrap().iter().find(|c| c["correct"] == false).unwrap();
    json!({"question_id": q["id"], "choice_ids": [wrong["id"]]})
}

async fn attempts_reveal_answers_only_when_due(backend: Backend) {
    let srv = with_starter(backend).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let mut learner = srv.learner("learner@example.org").await;
    let (_, course) = learner.get("/api/v1/courses/concepts").await;
    let quiz_id = first_item_of_kind(&course, "quiz");
    let wrong = one_wrong_answer(&mut admin, "concepts", &quiz_id).await;
    let path = format!("/api/v1/quizzes/{quiz_id}/attempts");

    // Blank answers are no answer: refused like an empty list, and not counted.
    let (_, quiz) = learner.get(&format!("/api/v1/quizzes/{quiz_id}")).await;
    let blank: Vec<Value> =
        quiz["questions"].as_array().unwrap().iter().map(|q| json!({"question_id": q["id"], "choice_ids": []})).collect();
    let (st, body) = learner.post(&path, json!({"answers": blank})).await;
    assert_problem(&learner, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));

    // A wrong attempt, attempts left: right or wrong per question, no right answer anywhere.
    for n in 1..=2 {
        let (st, result) = learner.post(&path, json!({"answers": [wrong]})).await;
        assert_eq!(st, StatusCode::CREATED, "{result}");
        assert_eq!((result["passed"].as_bool(), result["answers_revealed"].as_bool()), (Some(false), Some(false)));
        assert_eq!(result["attempts_used"], n);
        let feedback = result["feedback"].as_array().unwrap();
        let answered: Vec<&Value> = feedback.iter().filter(|f| f["answered"] == true).collect();
        assert_eq!(answered.len(), 1);
        assert_eq!(answered[0]["correct"], false);
        for f in feedback {
            assert!(f["explanation"].is_null() && f["accepted_answers"].as_array().unwrap().is_empty(), "{f}");
            assert!(f["choices"].as_array().unwrap().iter().all(|c| c["correct"].is_null() && c["feedback"].is_null()), "{f}");
        }
        assert!(!result.to_string().contains("\"correct\":true"), "{result}");
    }
    // The last allowed attempt reveals them.
    let (st, last) = learner.post(&path, json!({"answers": [wrong]})).await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!((last["attempts_left"].as_u64(), last["answers_revealed"].as_bool()), (Some(0), Some(true)));
    assert!(last["feedback"].as_array().unwrap().iter().all(|f| f["explanation"].is_string()));
    assert!(last.to_string().contains("\"correct\":true"));
    srv.stop().await;
}

async fn parallel_attempts_never_exceed_the_limit(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut learner = srv.learner("learner@example.org").await;
    let (_, module) = new_course(&mut trainer, "deux-essais").await;
    let quiz = json!({
        "title": {"fr": "Deux essais"}, "pass_mark": 100, "max_attempts": 2,
        "questions": [{"kind": "single", "prompt": "Qui protège l'enfant ?", "choices": [
            {"label": "Tout le monde", "correct": true}, {"label": "Personne", "correct": false}]}]
    });
    let (st, item) = trainer.post(&format!("/api/v1/modules/{module}/quizzes"), quiz).await;
    assert_eq!(st, StatusCode::CREATED, "{item}");
    let (st, body) = trainer.post("/api/v1/courses/deux-essais/publish", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let quiz_id = item["id"].as_str().unwrap().to_string();
    let (_, view) = learner.get(&format!("/api/v1/quizzes/{quiz_id}")).await;
    let q = &view["questions"][0];
    let wrong = q["choices"].as_array().unwrap().iter().find(|c| c["label"] == "Personne").unwrap()["id"].clone();
    let body = json!({"answers": [{"question_id": q["id"], "choice_ids": [wrong]}]});
    let (_, token) = learner.post("/api/v1/me/tokens", json!({"name": "parallèle"})).await;
    let token = token["token"].as_str().unwrap().to_string();

    let url = format!("{}/api/v1/quizzes/{quiz_id}/attempts", srv.url());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (url, token, body) = (url.clone(), token.clone(), body.clone());
            tokio::spawn(async move { reqwest::Client::new().post(url).bearer_auth(token).json(&body).send().await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((created, refused), (2, 6), "{statuses:?}");
    let (st, body) = learner.post(&format!("/api/v1/quizzes/{quiz_id}/attempts"), body.clone()).await;
    assert_problem(&learner, StatusCode::CONFLICT, (st, &body));
    assert_eq!((body["reason"].as_str(), body["params"]["max"].as_str()), (Some("no_attempts_left"), Some("2")), "{body}");
    let (_, after) = learner.get(&format!("/api/v1/quizzes/{quiz_id}")).await;
    assert_eq!(after["attempts_used"], 2);
    srv.stop().await;
}

/// A case study of `n` steps, each with two choices to the next step (2^n ways through).
fn long_case(n: usize) -> Value {
    let nodes: Vec<Value> = (0..n)
        .map(|i| {
            let next = if i + 1 < n { format!("n{}", i + 1) } else { "fin".to_string() };
            json!({"key": format!("n{i}"), "body_markdown": format!("Étape {i}."), "choices": [
                {"label": "A", "next": next, "points": 1}, {"label": "B", "next": next, "points": 0}]})
        })
        .collect();
    json!({"title": {"fr": "Un long cas"}, "start": "n0", "nodes": nodes,
           "endings": [{"key": "fin", "title": "Fin", "band": "good", "debrief_markdown": "Fin."}]})
}

async fn a_long_case_study_plays_to_its_end(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut learner = srv.learner("learner@example.org").await;
    let (_, module) = new_course(&mut trainer, "long-cas").await;

    // Over the size limits: refused with the field named.
    let (st, body) = trainer.post(&format!("/api/v1/modules/{module}/case-studies"), long_case(201)).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert_eq!(body["errors"][0]["field"], "nodes", "{body}");
    assert_eq!(
        (body["errors"][0]["reason"].as_str(), body["errors"][0]["params"]["count"].as_str()),
        (Some("too_many_steps"), Some("201")),
        "{body}"
    );

    // 40 steps: 2^40 ways through. Before, the best score tried every one on each read of the
    // finished run; the timeout only guards liveness, the test is about what comes back.
    let (st, case) = trainer.post(&format!("/api/v1/modules/{module}/case-studies"), long_case(40)).await;
    assert_eq!(st, StatusCode::CREATED, "{case}");
    let (st, body) = trainer.post("/api/v1/courses/long-cas/publish", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let id = case["id"].as_str().unwrap().to_string();
    let played = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        let (st, run) = learner.post(&format!("/api/v1/case-studies/{id}/runs"), json!({})).await;
        assert_eq!(st, StatusCode::CREATED, "{run}");
        let run_id = run["run_id"].as_str().unwrap().to_string();
        let mut node = run["node"].clone();
        let mut steps = 0;
        while node["ending"].is_null() {
            let pick = &node["choices"][steps % 2]["id"];
            let (st, outcome) = learner.post(&format!("/api/v1/case-study-runs/{run_id}/choices"), json!({"choice_id": pick})).await;
            assert_eq!(st, StatusCode::OK, "{outcome}");
            node = outcome["node"].clone();
            steps += 1;
        }
        let (_, resumed) = learner.get(&format!("/api/v1/case-study-runs/{run_id}")).await;
        (steps, node, resumed)
    })
    .await
    .expect("the run of a 40-step case study finishes");
    let (steps, node, resumed) = played;
    assert_eq!(steps, 40);
    // Choice A (1 point) at every even step: 20 of the best 40.
    assert_eq!((node["ending"]["score"].as_u64(), node["ending"]["max_score"].as_u64()), (Some(20), Some(40)));
    assert_eq!(resumed["node"]["ending"]["max_score"], 40);
    assert_eq!(resumed["steps"].as_array().unwrap().len(), 40);
    srv.stop().await;
}

async fn co_authors_edit_but_do_not_publish(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut owner = srv.user_with_role("owner@example.org", Role::Trainer).await;
    let mut coauthor = srv.user_with_role("coauthor@example.org", Role::Trainer).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let (_, module) = new_course(&mut owner, "a-deux").await;
    let (st, _) = owner.post("/api/v1/courses/a-deux/coauthors", json!({"email": "coauthor@example.org"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, me) = coauthor.get("/api/v1/me").await;
    let coauthor_id = me["id"].as_str().unwrap().to_string();

    // The co-author edits the draft...
    let (st, _) = coauthor.post(&format!("/api/v1/modules/{module}/lessons"), lesson("Écouter", "Texte.")).await;
    assert_eq!(st, StatusCode::CREATED);
    // ...but neither publishes (directly or by importing with publication) nor chooses co-authors.
    let (st, body) = coauthor.post("/api/v1/courses/a-deux/publish", json!({})).await;
    assert_problem(&coauthor, StatusCode::FORBIDDEN, (st, &body));
    let (st, zip) = coauthor.send_bytes(Method::GET, "/api/v1/courses/a-deux/export", None, None).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = coauthor.send(Method::POST, "/api/v1/courses/import", None, Some((zip.clone(), "application/zip"))).await;
    assert_problem(&coauthor, StatusCode::FORBIDDEN, (st, &body));
    let (st, body) = coauthor.send(Method::POST, "/api/v1/courses/import?publish=false", None, Some((zip, "application/zip"))).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (st, body) = coauthor.post("/api/v1/courses/a-deux/coauthors", json!({"email": "admin@example.org"})).await;
    assert_problem(&coauthor, StatusCode::FORBIDDEN, (st, &body));
    let (st, body) = coauthor.delete(&format!("/api/v1/courses/a-deux/coauthors/{coauthor_id}")).await;
    assert_problem(&coauthor, StatusCode::FORBIDDEN, (st, &body));
    let (st, _) = srv.client().get("/api/v1/courses/a-deux").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "nothing was published");
    // The owner and admins publish.
    let (st, v1) = owner.post("/api/v1/courses/a-deux/publish", json!({})).await;
    assert_eq!((st, v1["version"].as_i64()), (StatusCode::OK, Some(1)));
    let (st, v2) = admin.post("/api/v1/courses/a-deux/publish", json!({})).await;
    assert_eq!((st, v2["version"].as_i64()), (StatusCode::OK, Some(2)));
    srv.stop().await;
}

async fn published_reads_carry_etags(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let (_, module) = new_course(&mut trainer, "etags").await;
    let (_, item) = trainer.post(&format!("/api/v1/modules/{module}/lessons"), lesson("Leçon", "Première version.")).await;
    let id = item["id"].as_str().unwrap().to_string();
    trainer.post("/api/v1/courses/etags/publish", json!({})).await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/lessons/{id}", srv.url());
    let get = |inm: Option<String>| {
        let mut req = http.get(&url).header("Accept-Language", "fr");
        if let Some(tag) = inm {
            req = req.header("If-None-Match", tag);
        }
        req.send()
    };

    let first = get(None).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let header = |r: &reqwest::Response, name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let etag = header(&first, "etag");
    assert!(etag.starts_with('"') && etag.len() > 10, "a strong ETag: {etag}");
    assert_eq!(header(&first, "cache-control"), "no-cache");
    assert!(header(&first, "vary").contains("Accept-Language"));
    assert!(first.text().await.unwrap().contains("Première"));

    // The same bytes: 304 with no body.
    let again = get(Some(etag.clone())).await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&again, "etag"), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let other = get(Some("\"autre\"".into())).await.unwrap();
    assert_eq!(other.status(), StatusCode::OK);

    // Republished with a new text: a new ETag, and the old one no longer answers 304.
    trainer.send(Method::PUT, &format!("/api/v1/items/{id}/lesson"), Some(lesson("Leçon", "Deuxième version.")), None).await;
    trainer.post("/api/v1/courses/etags/publish", json!({})).await;
    let after = get(Some(etag.clone())).await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(header(&after, "etag"), etag);
    let new_etag = header(&after, "etag");
    assert!(after.text().await.unwrap().contains("Deuxième"));
    // Anonymous reads are rendered once per version: the kept copy is the new one.
    let kept = get(None).await.unwrap();
    assert_eq!(header(&kept, "etag"), new_etag);
    assert!(kept.text().await.unwrap().contains("Deuxième"));
    assert_eq!(get(Some(new_etag)).await.unwrap().status(), StatusCode::NOT_MODIFIED);

    // Quizzes, case studies and courses carry them too; what depends on the caller is private; drafts are never stored.
    let (_, _) = trainer.get("/api/v1/courses/etags").await;
    assert_eq!(trainer.last_headers["cache-control"], "private, no-cache");
    assert!(trainer.last_headers["vary"].to_str().unwrap().contains("Cookie"));
    assert!(trainer.last_headers.contains_key("etag"));
    let (st, _) = trainer.get(&format!("/api/v1/lessons/{id}?preview=true")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(trainer.last_headers["cache-control"], "private, no-store");
    srv.stop().await;
}
