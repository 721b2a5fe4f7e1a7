//! Progress end to end: enrolment, completion by every kind of item, resume,
//! prerequisites on every item endpoint, attestations and their public
//! check, parallel completions, progress across versions, and completions
//! sent late from a device's outbox (idempotency keys, original times), with
//! the quiz attempts and case-study runs made offline.

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, Client, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    a_course_followed_to_its_attestation,
    parallel_completions_issue_one_attestation,
    learners_finishing_at_once_each_get_one_attestation,
    locked_modules_are_refused_on_every_item_endpoint,
    progress_crosses_versions,
    progress_is_per_person_and_bad_input_is_a_problem,
    completions_sent_late_count_once_with_their_time,
    quizzes_and_case_studies_done_offline_count_once_with_their_time,
    an_attempt_sent_again_after_the_last_one_left_is_answered_as_the_first,
);

/// The ids of a published course's items: two lessons and a quiz in module 1,
/// a case study in module 2 (which requires module 1 when `locked`).
struct Course {
    module1: String,
    module2: String,
    lessons: [String; 2],
    quiz: String,
    case_study: String,
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

async fn publish_course(t: &mut Client, slug: &str, locked: bool) -> Course {
    let (st, body) = t
        .post(
            "/api/v1/courses",
            json!({"slug": slug, "title": {"fr": "Parcours d'essai", "ar": "مسار تجريبي"}, "summary": "s", "theme": "pec",
                   "language": "fr", "estimated_minutes": 90}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (_, m1) = t.post(&format!("/api/v1/courses/{slug}/modules"), json!({"title": "Écouter l'enfant"})).await;
    let module1 = id(&m1);
    let mut lessons = Vec::new();
    for i in 1..=2 {
        let (st, l) = t.post(&format!("/api/v1/modules/{module1}/lessons"), json!({"title": format!("Leçon {i}"), "body": "Texte."})).await;
        assert_eq!(st, StatusCode::CREATED, "{l}");
        lessons.push(id(&l));
    }
    let (st, q) = t
        .post(
            &format!("/api/v1/modules/{module1}/quizzes"),
            json!({"title": "Quiz", "pass_mark": 100, "shuffle": false, "questions": [
                {"kind": "single", "prompt": "Faut-il écouter l'enfant ?", "choices": [{"label": "Oui", "correct": true}, {"label": "Non", "correct": false}]}]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{q}");
    let requires = if locked { json!([module1]) } else { json!([]) };
    let (st, m2) = t.post(&format!("/api/v1/courses/{slug}/modules"), json!({"title": "Orienter", "requires": requires})).await;
    assert_eq!(st, StatusCode::CREATED, "{m2}");
    let module2 = id(&m2);
    let (st, c) = t
        .post(
            &format!("/api/v1/modules/{module2}/case-studies"),
            json!({"title": "Cas", "start": "debut", "nodes": [
                {"key": "debut", "body_markdown": "Un enfant se confie.", "choices": [{"label": "Écouter", "next": "fin", "points": 1}]}],
                "endings": [{"key": "fin", "title": "Bien", "band": "good", "debrief_markdown": "Bravo."}]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    let (st, body) = t.post(&format!("/api/v1/courses/{slug}/publish"), json!({})).await;
    assert!(st.is_success(), "{body}");
    Course { module1, module2, lessons: [lessons[0].clone(), lessons[1].clone()], quiz: id(&q), case_study: id(&c) }
}

async fn mine(c: &mut Client, slug: &str) -> Value {
    let (st, p) = c.get("/api/v1/me/progress").await;
    assert_eq!(st, StatusCode::OK, "{p}");
    p["items"].as_array().unwrap().iter().find(|i| i["course_slug"] == slug).cloned().unwrap_or(Value::Null)
}

async fn pass_quiz(c: &mut Client, quiz: &str, right: bool) -> Value {
    let (_, q) = c.get(&format!("/api/v1/quizzes/{quiz}")).await;
    let question = &q["questions"][0];
    let label = if right { "Oui" } else { "Non" };
    let choice = question["choices"].as_array().unwrap().iter().find(|c| c["label"] == label).unwrap();
    let (st, r) = c
        .post(
            &format!("/api/v1/quizzes/{quiz}/attempts"),
            json!({"answers": [{"question_id": question["id"], "choice_ids": [choice["id"]]}]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    r
}

async fn finish_case(c: &mut Client, case: &str) {
    let (st, run) = c.post(&format!("/api/v1/case-studies/{case}/runs"), json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{run}");
    let choice = run["node"]["choices"][0]["id"].clone();
    let (st, out) =
        c.post(&format!("/api/v1/case-study-runs/{}/choices", run["run_id"].as_str().unwrap()), json!({"choice_id": choice})).await;
    assert_eq!(st, StatusCode::OK, "{out}");
}

async fn a_course_followed_to_its_attestation(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let course = publish_course(&mut t, "parcours", false).await;
    let mut lea = srv.learner("lea@example.org").await;

    let (st, e1) = lea.post("/api/v1/courses/parcours/enrolment", json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{e1}");
    let (st, e2) = lea.post("/api/v1/courses/parcours/enrolment", json!({})).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(e1["enrolled_at"], e2["enrolled_at"]);

    let p = mine(&mut lea, "parcours").await;
    assert_eq!((p["completed_items"].as_u64(), p["total_items"].as_u64()), (Some(0), Some(4)), "{p}");
    assert_eq!(p["resume_item_id"], course.lessons[0].as_str());
    for _ in 0..2 {
        let (st, _) = lea.post(&format!("/api/v1/lessons/{}/completion", course.lessons[0]), json!({})).await;
        assert_eq!(st, StatusCode::NO_CONTENT);
    }
    let p = mine(&mut lea, "parcours").await;
    assert_eq!(p["completed_items"], 1, "a lesson completed twice counts once: {p}");
    assert_eq!(p["resume_item_id"], course.lessons[1].as_str());
    lea.post(&format!("/api/v1/lessons/{}/completion", course.lessons[1]), json!({})).await;
    pass_quiz(&mut lea, &course.quiz, false).await;
    assert_eq!(mine(&mut lea, "parcours").await["completed_items"], 2, "a failed attempt finishes nothing");
    pass_quiz(&mut lea, &course.quiz, true).await;
    let p = mine(&mut lea, "parcours").await;
    assert_eq!(p["completed_items"], 3);
    assert_eq!(p["resume_item_id"], course.case_study.as_str());
    let (_, certs) = lea.get("/api/v1/me/certificates").await;
    assert_eq!(certs["items"].as_array().unwrap().len(), 0, "{certs}");

    finish_case(&mut lea, &course.case_study).await;
    let p = mine(&mut lea, "parcours").await;
    assert_eq!((p["percent"].as_u64(), p["resume_item_id"].clone()), (Some(100), Value::Null), "{p}");
    assert!(p["completed_at"].is_string(), "{p}");
    let (_, certs) = lea.get("/api/v1/me/certificates").await;
    let code = certs["items"][0]["code"].as_str().unwrap().to_string();
    assert_eq!(p["certificate_code"], code.as_str());
    // At least 80 bits: 16 symbols of 5 bits, grouped.
    assert!(code.chars().filter(|c| c.is_ascii_alphanumeric()).count() >= 16, "{code}");

    let mut anon = srv.client();
    let (st, check) = anon.get(&format!("/api/v1/certificates/{code}")).await;
    assert_eq!(st, StatusCode::OK, "{check}");
    assert_eq!(check["holder_name"], "Amina");
    assert_eq!(check["valid"], true);
    assert_eq!(check["hours"], 2, "90 minutes round to 2 hours");
    assert_eq!(check["course_title_ar"], "مسار تجريبي");
    // Typed by hand: lower case, spaces for dashes.
    let typed = code.to_lowercase().replace('-', " ");
    let (st, _) = anon.get(&format!("/api/v1/certificates/{}", typed.replace(' ', "%20"))).await;
    assert_eq!(st, StatusCode::OK, "a code typed in lower case with spaces is found");
    let last = code.chars().last().unwrap();
    let forged = format!("{}{}", &code[..code.len() - 1], if last == 'A' { 'B' } else { 'A' });
    let (st, body) = anon.get(&format!("/api/v1/certificates/{forged}")).await;
    assert_problem(&anon, StatusCode::NOT_FOUND, (st, &body));
    let (st, body) = anon.get("/api/v1/certificates/%3Cscript%3E").await;
    assert_problem(&anon, StatusCode::NOT_FOUND, (st, &body));

    let resp = reqwest::get(format!("{}/api/v1/certificates/{code}/pdf", srv.url())).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/pdf"));
    let pdf = resp.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");

    // Leaving keeps what was done.
    let (st, _) = lea.delete("/api/v1/courses/parcours/enrolment").await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(mine(&mut lea, "parcours").await, Value::Null, "a course left is not in my learning");
    lea.post("/api/v1/courses/parcours/enrolment", json!({})).await;
    assert_eq!(mine(&mut lea, "parcours").await["percent"], 100);
    srv.stop().await;
}

async fn parallel_completions_issue_one_attestation(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let course = publish_course(&mut t, "parcours", false).await;
    let mut lea = srv.learner("lea@example.org").await;
    pass_quiz(&mut lea, &course.quiz, true).await;
    finish_case(&mut lea, &course.case_study).await;
    // The last two lessons from several tabs at once, each twice.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let mut tab = lea.clone();
        let lesson = course.lessons[i % 2].clone();
        tasks.push(tokio::spawn(async move { tab.post(&format!("/api/v1/lessons/{lesson}/completion"), json!({})).await.0 }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::NO_CONTENT);
    }
    let (_, certs) = lea.get("/api/v1/me/certificates").await;
    assert_eq!(certs["items"].as_array().unwrap().len(), 1, "{certs}");
    let p = mine(&mut lea, "parcours").await;
    assert_eq!(p["completed_items"], 4);
    srv.stop().await;
}

/// Several learners' completions share a transaction (the group commit):
/// each learner's last two items, from two tabs, at the same time as the others'.
async fn learners_finishing_at_once_each_get_one_attestation(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let course = publish_course(&mut t, "parcours", false).await;
    let mut learners = Vec::new();
    for i in 0..6 {
        let mut c = srv.learner(&format!("apprenant{i}@example.org")).await;
        pass_quiz(&mut c, &course.quiz, true).await;
        finish_case(&mut c, &course.case_study).await;
        learners.push(c);
    }
    let mut tasks = Vec::new();
    for c in &learners {
        for i in 0..4 {
            let mut tab = c.clone();
            let lesson = course.lessons[i % 2].clone();
            tasks.push(tokio::spawn(async move { tab.post(&format!("/api/v1/lessons/{lesson}/completion"), json!({})).await.0 }));
        }
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::NO_CONTENT);
    }
    for c in &mut learners {
        let (_, certs) = c.get("/api/v1/me/certificates").await;
        assert_eq!(certs["items"].as_array().unwrap().len(), 1, "{certs}");
        let p = mine(c, "parcours").await;
        assert_eq!((p["completed_items"].as_u64(), p["percent"].as_u64()), (Some(4), Some(100)), "{p}");
        assert!(p["completed_at"].is_string(), "{p}");
    }
    srv.stop().await;
}

async fn locked_modules_are_refused_on_every_item_endpoint(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let course = publish_course(&mut t, "parcours", true).await;
    let mut lea = srv.learner("lea@example.org").await;
    let (_, p) = lea.get("/api/v1/courses/parcours/progress").await;
    assert_eq!(p["locked_module_ids"], json!([course.module2]), "{p}");
    assert_eq!(p["locked_modules"][0]["requires_module_title"], "Écouter l'enfant");
    assert_eq!(p["locked_modules"][0]["requires_module_id"], course.module1.as_str());

    let case = &course.case_study;
    for (method, path) in [("GET", format!("/api/v1/case-studies/{case}")), ("POST", format!("/api/v1/case-studies/{case}/runs"))] {
        let (st, body) = if method == "GET" { lea.get(&path).await } else { lea.post(&path, json!({})).await };
        assert_problem(&lea, StatusCode::FORBIDDEN, (st, &body));
        assert!(body["detail"].as_str().unwrap().contains("Écouter l'enfant"), "{method} {path}: names the module to finish first: {body}");
        assert_eq!(body["type"], "urn:sanad:problem:module-locked");
    }
    // Anonymous readers are asked to sign in; preview is for authors only.
    let mut anon = srv.client();
    let (st, body) = anon.get(&format!("/api/v1/case-studies/{case}")).await;
    assert_problem(&anon, StatusCode::UNAUTHORIZED, (st, &body));
    let (st, body) = lea.get(&format!("/api/v1/case-studies/{case}?preview=true")).await;
    assert_problem(&lea, StatusCode::FORBIDDEN, (st, &body));

    // Module 1 done: module 2 opens.
    for l in &course.lessons {
        lea.post(&format!("/api/v1/lessons/{l}/completion"), json!({})).await;
    }
    let (st, _) = lea.get(&format!("/api/v1/case-studies/{case}")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "the quiz is not passed yet");
    pass_quiz(&mut lea, &course.quiz, true).await;
    let (st, _) = lea.get(&format!("/api/v1/case-studies/{case}")).await;
    assert_eq!(st, StatusCode::OK);
    finish_case(&mut lea, case).await;
    let (_, p) = lea.get("/api/v1/courses/parcours/progress").await;
    assert_eq!(p["percent"], 100, "{p}");
    assert_eq!(p["locked_module_ids"], json!([]));
    srv.stop().await;
}

async fn progress_crosses_versions(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let course = publish_course(&mut t, "parcours", false).await;
    let mut lea = srv.learner("lea@example.org").await;
    for l in &course.lessons {
        lea.post(&format!("/api/v1/lessons/{l}/completion"), json!({})).await;
    }
    pass_quiz(&mut lea, &course.quiz, true).await;
    finish_case(&mut lea, &course.case_study).await;
    let (_, certs) = lea.get("/api/v1/me/certificates").await;
    let code = certs["items"][0]["code"].as_str().unwrap().to_string();

    // A new lesson, republished: done items stay done, the course reopens, the attestation stays valid.
    let (st, added) =
        t.post(&format!("/api/v1/modules/{}/lessons", course.module2), json!({"title": "Leçon nouvelle", "body": "Nouveau."})).await;
    assert_eq!(st, StatusCode::CREATED, "{added}");
    let (st, body) = t.post("/api/v1/courses/parcours/publish", json!({})).await;
    assert!(st.is_success(), "{body}");
    // Another instance's cache would see it within seconds; this one forgets at once.
    let p = mine(&mut lea, "parcours").await;
    assert_eq!((p["completed_items"].as_u64(), p["total_items"].as_u64()), (Some(4), Some(5)), "{p}");
    assert_eq!(p["percent"], 80);
    assert_eq!(p["completed_at"], Value::Null);
    assert_eq!(p["resume_item_id"], id(&added).as_str());
    let (_, check) = srv.client().get(&format!("/api/v1/certificates/{code}")).await;
    assert_eq!(check["valid"], true);

    lea.post(&format!("/api/v1/lessons/{}/completion", id(&added)), json!({})).await;
    let p = mine(&mut lea, "parcours").await;
    assert_eq!(p["percent"], 100);
    let (_, certs) = lea.get("/api/v1/me/certificates").await;
    assert_eq!(certs["items"].as_array().unwrap().len(), 1, "still one attestation: {certs}");
    srv.stop().await;
}

async fn progress_is_per_person_and_bad_input_is_a_problem(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let course = publish_course(&mut t, "parcours", false).await;
    let mut lea = srv.learner("lea@example.org").await;
    lea.post(&format!("/api/v1/lessons/{}/completion", course.lessons[0]), json!({})).await;
    let mut sam = srv.learner("sam@example.org").await;
    let (st, p) = sam.get("/api/v1/courses/parcours/progress").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(p["completed_item_ids"], json!([]), "{p}");
    assert_eq!(p["enrolled"], false);
    let (_, mine_) = sam.get("/api/v1/me/progress").await;
    assert_eq!(mine_["items"], json!([]));

    let mut anon = srv.client();
    for path in ["/api/v1/me/progress", "/api/v1/me/certificates", "/api/v1/courses/parcours/progress"] {
        let (st, body) = anon.get(path).await;
        assert_problem(&anon, StatusCode::UNAUTHORIZED, (st, &body));
    }
    let (st, body) = anon.post(&format!("/api/v1/lessons/{}/completion", course.lessons[0]), json!({})).await;
    assert_problem(&anon, StatusCode::UNAUTHORIZED, (st, &body));

    // A quiz is not completed by marking it read; unknown ids and courses are 404; bad ids 400.
    for path in [
        format!("/api/v1/lessons/{}/completion", course.quiz),
        format!("/api/v1/lessons/{}/completion", uuid::Uuid::nil()),
        "/api/v1/courses/inconnu/enrolment".to_string(),
    ] {
        let (st, body) = sam.post(&path, json!({})).await;
        assert_problem(&sam, StatusCode::NOT_FOUND, (st, &body));
    }
    let (st, body) = sam.post("/api/v1/lessons/pas-un-id/completion", json!({})).await;
    assert_problem(&sam, StatusCode::BAD_REQUEST, (st, &body));
    let (st, body) = sam.get("/api/v1/courses/inconnu/progress").await;
    assert_problem(&sam, StatusCode::NOT_FOUND, (st, &body));
    // A draft (never published) course is not enrolable.
    t.post("/api/v1/courses", json!({"slug": "brouillon", "title": "B", "summary": "s", "theme": "pec", "language": "fr"})).await;
    let (st, body) = sam.post("/api/v1/courses/brouillon/enrolment", json!({})).await;
    assert_problem(&sam, StatusCode::NOT_FOUND, (st, &body));
    srv.stop().await;
}

/// The `completed` events of `item` and their times, oldest first, and the
/// time its completion carries.
async fn completion_record(srv: &TestServer, item: &str) -> (Vec<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let item = uuid::Uuid::parse_str(item).unwrap();
    let db = &srv.server.app.db;
    let events = sanad_platform::on_db!(db, c => sqlx::query_scalar::<_, DateTime<Utc>>(
        "SELECT occurred_at FROM learning_events WHERE item_id = $1 AND verb = 'completed' ORDER BY occurred_at")
        .bind(item).fetch_all(c).await)
    .unwrap();
    let completed = sanad_platform::on_db!(db, c => sqlx::query_scalar::<_, DateTime<Utc>>(
        "SELECT completed_at FROM item_completions WHERE item_id = $1")
        .bind(item).fetch_optional(c).await)
    .unwrap();
    (events, completed)
}

async fn completions_sent_late_count_once_with_their_time(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let course = publish_course(&mut t, "hors-ligne", false).await;
    let mut lea = srv.learner("lea@example.org").await;
    let [first, second] = &course.lessons;
    let path = |lesson: &str| format!("/api/v1/lessons/{lesson}/completion");

    // Made offline three days ago, sent twice (the first answer lost).
    let at = (Utc::now() - TimeDelta::days(3)).trunc_subsecs(0);
    let key = uuid::Uuid::new_v4();
    let key_of_first = key;
    for _ in 0..2 {
        let (st, body) = lea.post(&path(first), json!({"idempotency_key": key, "completed_at": at.to_rfc3339()})).await;
        assert_eq!(st, StatusCode::NO_CONTENT, "{body}");
    }
    assert_eq!(completion_record(&srv, first).await, (vec![at], Some(at)), "one event and one completion, at the time it was made");
    assert_eq!(mine(&mut lea, "hors-ligne").await["completed_items"], 1);

    // The same key from several tabs at once: still once.
    let key = uuid::Uuid::new_v4();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let mut tab = lea.clone();
        let (p, at) = (path(second), at.to_rfc3339());
        tasks.push(tokio::spawn(async move { tab.post(&p, json!({"idempotency_key": key, "completed_at": at})).await.0 }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::NO_CONTENT);
    }
    assert_eq!(completion_record(&srv, second).await.0.len(), 1, "one event for one key sent at once from six tabs");

    // Too far ahead, too old, or a time without its key: 422, nothing recorded.
    let late = [
        json!({"idempotency_key": uuid::Uuid::new_v4(), "completed_at": (Utc::now() + TimeDelta::hours(1)).to_rfc3339()}),
        json!({"idempotency_key": uuid::Uuid::new_v4(), "completed_at": (Utc::now() - TimeDelta::days(31)).to_rfc3339()}),
        json!({"completed_at": at.to_rfc3339()}),
    ];
    for body in late {
        let (st, problem) = lea.post(&path(first), body.clone()).await;
        assert_problem(&lea, StatusCode::UNPROCESSABLE_ENTITY, (st, &problem));
        assert!(problem.to_string().contains("out_of_range") || problem.to_string().contains("required"), "{body}: {problem}");
    }
    let (st, problem) = lea.post(&path(first), json!({"idempotency_key": "pas-une-clé"})).await;
    assert!(st.is_client_error(), "{st} {problem}");
    assert_eq!(completion_record(&srv, first).await.0.len(), 1, "refused sendings record nothing");

    // A month and more later its key is forgotten, and the completion sent again is refused for its
    // time before its key is looked at: it still counts once.
    srv.clock().advance(TimeDelta::days(32));
    assert!(srv.server.app.progress.prune_idempotency_keys().await.unwrap() >= 2, "the keys of a month ago are forgotten");
    let mut back = srv.sign_in("lea@example.org", "un mot de passe solide 42").await;
    let (st, problem) = back.post(&path(first), json!({"idempotency_key": key_of_first, "completed_at": at.to_rfc3339()})).await;
    assert_problem(&back, StatusCode::UNPROCESSABLE_ENTITY, (st, &problem));
    assert_eq!(completion_record(&srv, first).await.0.len(), 1);
    srv.clock().advance(-TimeDelta::days(32));

    // No body at all, as outside clients post: as before, now.
    let mut other = srv.learner("sam@example.org").await;
    let before = Utc::now().trunc_subsecs(0);
    let (st, body) = other.send(reqwest::Method::POST, &path(first), None, None).await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{body}");
    let (events, completed) = completion_record(&srv, first).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(completed.is_some());
    assert!(events[1] >= before, "a completion without a time is made now: {events:?}");
    assert_eq!(mine(&mut other, "hors-ligne").await["completed_items"], 1);
    srv.stop().await;
}

/// The `verb` events of `item` and their times, oldest first.
async fn events_of(srv: &TestServer, item: &str, verb: &str) -> Vec<DateTime<Utc>> {
    let item = uuid::Uuid::parse_str(item).unwrap();
    let db = &srv.server.app.db;
    sanad_platform::on_db!(db, c => sqlx::query_scalar::<_, DateTime<Utc>>(
        "SELECT occurred_at FROM learning_events WHERE item_id = $1 AND verb = $2 ORDER BY occurred_at")
        .bind(item).bind(verb).fetch_all(c).await)
    .unwrap()
}

async fn quizzes_and_case_studies_done_offline_count_once_with_their_time(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let course = publish_course(&mut t, "sans-reseau", false).await;
    let mut lea = srv.learner("lea@example.org").await;
    let at = (Utc::now() - TimeDelta::days(2)).trunc_subsecs(0);

    // A quiz answered offline, sent twice (the first answer lost): graded once, at its time.
    let (_, quiz) = lea.get(&format!("/api/v1/quizzes/{}", course.quiz)).await;
    let question = &quiz["questions"][0];
    let pick = |label: &str| question["choices"].as_array().unwrap().iter().find(|c| c["label"] == label).unwrap()["id"].clone();
    let attempts = format!("/api/v1/quizzes/{}/attempts", course.quiz);
    let key = uuid::Uuid::new_v4();
    let right = json!({"answers": [{"question_id": question["id"], "choice_ids": [pick("Oui")]}],
                       "idempotency_key": key, "submitted_at": at.to_rfc3339()});
    let (st, first) = lea.post(&attempts, right.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    assert_eq!((first["passed"].as_bool(), first["attempts_used"].as_u64()), (Some(true), Some(1)));
    let (st, again) = lea.post(&attempts, right).await;
    assert_eq!(st, StatusCode::CREATED, "{again}");
    assert_eq!(again, first, "sent again, answered as the first time");
    let graded = events_of(&srv, &course.quiz, "passed").await;
    assert_eq!(graded, vec![at], "one attempt, at the time it was made");
    assert_eq!(completion_record(&srv, &course.quiz).await.1, Some(at), "the quiz is done since then");

    // The same key from six tabs at once: one attempt more, not six.
    let key = uuid::Uuid::new_v4();
    let wrong = json!({"answers": [{"question_id": question["id"], "choice_ids": [pick("Non")]}],
                       "idempotency_key": key, "submitted_at": (at + TimeDelta::hours(1)).to_rfc3339()});
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (mut tab, path, body) = (lea.clone(), attempts.clone(), wrong.clone());
        tasks.push(tokio::spawn(async move { tab.post(&path, body).await }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let (st, r) = task.await.unwrap();
        assert_eq!(st, StatusCode::CREATED, "{r}");
        ids.push(r["attempt_id"].clone());
    }
    assert!(ids.iter().all(|i| i == &ids[0]), "one attempt for one key: {ids:?}");
    assert_eq!(events_of(&srv, &course.quiz, "failed").await, vec![at + TimeDelta::hours(1)]);

    // Too late, ahead, or a time without its key: 422 and nothing recorded.
    for body in [
        json!({"answers": [{"question_id": question["id"], "choice_ids": [pick("Oui")]}], "submitted_at": at.to_rfc3339()}),
        json!({"answers": [{"question_id": question["id"], "choice_ids": [pick("Oui")]}], "idempotency_key": uuid::Uuid::new_v4(),
               "submitted_at": (Utc::now() - TimeDelta::days(31)).to_rfc3339()}),
        json!({"answers": [{"question_id": question["id"], "choice_ids": [pick("Oui")]}], "idempotency_key": uuid::Uuid::new_v4(),
               "submitted_at": (Utc::now() + TimeDelta::hours(2)).to_rfc3339()}),
    ] {
        let (st, problem) = lea.post(&attempts, body.clone()).await;
        assert_problem(&lea, StatusCode::UNPROCESSABLE_ENTITY, (st, &problem));
    }
    let recorded = events_of(&srv, &course.quiz, "passed").await.len() + events_of(&srv, &course.quiz, "failed").await.len();
    assert_eq!(recorded, 2, "refused sendings record nothing");

    // A case study played offline from the saved course, then sent: the run with the
    // device's id, each decision with its key, all twice.
    let (_, bundle) = lea.get("/api/v1/courses/sans-reseau/offline").await;
    let play = bundle["plays"].as_array().unwrap().iter().find(|p| p["case_study_id"] == course.case_study.as_str()).unwrap().clone();
    let node = |id: &Value| play["nodes"].as_array().unwrap().iter().find(|n| &n["id"] == id).unwrap().clone();
    let start = node(&play["start"]);
    let choice = start["choices"][0]["id"].clone();
    let expected = play["outcomes"].as_array().unwrap().iter().find(|o| o["choice_id"] == choice).unwrap().clone();
    let run_id = uuid::Uuid::new_v4();
    let started = json!({"run_id": run_id, "started_at": at.to_rfc3339(), "version": bundle["version"]});
    let runs = format!("/api/v1/case-studies/{}/runs", course.case_study);
    for _ in 0..2 {
        let (st, run) = lea.post(&runs, started.clone()).await;
        assert_eq!(st, StatusCode::CREATED, "{run}");
        assert_eq!(run["run_id"], run_id.to_string());
    }
    let chosen =
        json!({"choice_id": choice, "idempotency_key": uuid::Uuid::new_v4(), "chosen_at": (at + TimeDelta::minutes(3)).to_rfc3339()});
    let choices = format!("/api/v1/case-study-runs/{run_id}/choices");
    let (st, outcome) = lea.post(&choices, chosen.clone()).await;
    assert_eq!(st, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["feedback_html"], expected["feedback_html"], "the device showed what the server answers");
    assert_eq!(outcome["node"]["id"], expected["next"]);
    assert_eq!(outcome["node"]["ending"]["max_score"], play["best_score"]);
    let (st, again) = lea.post(&choices, chosen).await;
    assert_eq!(st, StatusCode::OK, "{again}");
    assert_eq!(again, outcome, "a decision sent again is answered as the first time");
    let (_, run) = lea.get(&format!("/api/v1/case-study-runs/{run_id}")).await;
    assert_eq!(run["steps"].as_array().unwrap().len(), 1, "taken once: {run}");
    assert_eq!(completion_record(&srv, &course.case_study).await.1, Some(at + TimeDelta::minutes(3)));
    // Another decision on the ended run, with a new key: refused as before.
    let (st, problem) = lea.post(&choices, json!({"choice_id": choice, "idempotency_key": uuid::Uuid::new_v4()})).await;
    assert_problem(&lea, StatusCode::CONFLICT, (st, &problem));

    // Someone else's run id is not theirs to start or play.
    let mut sam = srv.learner("sam@example.org").await;
    let (st, problem) = sam.post(&runs, started).await;
    assert_problem(&sam, StatusCode::CONFLICT, (st, &problem));
    assert_eq!(problem["reason"], "idempotency_key_reused");
    let (st, problem) = sam.post(&choices, json!({"choice_id": choice, "idempotency_key": uuid::Uuid::new_v4()})).await;
    assert_problem(&sam, StatusCode::NOT_FOUND, (st, &problem));
    // A start time without the run's id: 422, nothing started.
    let (st, problem) = lea.post(&runs, json!({"started_at": at.to_rfc3339()})).await;
    assert_problem(&lea, StatusCode::UNPROCESSABLE_ENTITY, (st, &problem));
    assert_eq!(problem["errors"][0]["field"], "run_id", "the run's own field is named: {problem}");
    srv.stop().await;
}

async fn an_attempt_sent_again_after_the_last_one_left_is_answered_as_the_first(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    t.post("/api/v1/courses", json!({"slug": "une-fois", "title": {"fr": "Une fois"}, "summary": "s", "theme": "pec"})).await;
    let (_, module) = t.post("/api/v1/courses/une-fois/modules", json!({"title": "Un"})).await;
    let mut quizzes = Vec::new();
    for title in ["Premier", "Second"] {
        let (st, q) = t
            .post(
                &format!("/api/v1/modules/{}/quizzes", id(&module)),
                json!({"title": title, "pass_mark": 100, "shuffle": false, "max_attempts": 1, "questions": [
                    {"kind": "single", "prompt": "Écouter ?", "choices": [{"label": "Oui", "correct": true}, {"label": "Non", "correct": false}]}]}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{q}");
        quizzes.push(id(&q));
    }
    let (st, body) = t.post("/api/v1/courses/une-fois/publish", json!({})).await;
    assert!(st.is_success(), "{body}");

    let mut lea = srv.learner("lea@example.org").await;
    let (_, quiz) = lea.get(&format!("/api/v1/quizzes/{}", quizzes[0])).await;
    let question = &quiz["questions"][0];
    let key = uuid::Uuid::new_v4();
    let body = json!({"answers": [{"question_id": question["id"], "choice_ids": [question["choices"][1]["id"]]}], "idempotency_key": key});
    let attempts = format!("/api/v1/quizzes/{}/attempts", quizzes[0]);
    let (st, first) = lea.post(&attempts, body.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    assert_eq!((first["attempts_left"].as_u64(), first["passed"].as_bool()), (Some(0), Some(false)));
    // The only attempt is used: the same sending again is still answered, not refused.
    let (st, again) = lea.post(&attempts, body.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{again}");
    assert_eq!(again, first);
    // A new key is a new attempt: none left.
    let other = json!({"answers": body["answers"], "idempotency_key": uuid::Uuid::new_v4()});
    let (st, problem) = lea.post(&attempts, other).await;
    assert_problem(&lea, StatusCode::CONFLICT, (st, &problem));
    assert_eq!(problem["reason"], "no_attempts_left");
    // The key of the first quiz's attempt sent with the second quiz: refused, nothing recorded.
    let (_, second) = lea.get(&format!("/api/v1/quizzes/{}", quizzes[1])).await;
    let q2 = &second["questions"][0];
    let (st, problem) = lea
        .post(
            &format!("/api/v1/quizzes/{}/attempts", quizzes[1]),
            json!({"answers": [{"question_id": q2["id"], "choice_ids": [q2["choices"][0]["id"]]}], "idempotency_key": key}),
        )
        .await;
    assert_problem(&lea, StatusCode::CONFLICT, (st, &problem));
    assert_eq!(problem["reason"], "idempotency_key_reused");
    let (_, second) = lea.get(&format!("/api/v1/quizzes/{}", quizzes[1])).await;
    assert_eq!(second["attempts_used"], 0, "nothing recorded for the second quiz");
    srv.stop().await;
}
