//! Courses in several languages: every text of a lesson, quiz and case study
//! served in the reader's language, or in the course's own marked as such;
//! translations written one language at a time by authors, kept across edits
//! of the main language and through export and import; the starter courses
//! read in Arabic end to end.

use reqwest::{Method, StatusCode};
use sanad_platform::Role;
use sanad_tests::{Backend, Options, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(the_starter_courses_read_in_arabic, an_author_translates_one_language_at_a_time);

/// Share of Arabic letters among the letters of `html` (tags left out).
fn arabic_share(html: &str) -> f64 {
    let mut in_tag = false;
    let (mut letters, mut arabic) = (0usize, 0usize);
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && c.is_alphabetic() => {
                letters += 1;
                arabic += usize::from(('\u{0600}'..='\u{06ff}').contains(&c));
            }
            _ => {}
        }
    }
    arabic as f64 / letters.max(1) as f64
}

async fn the_starter_courses_read_in_arabic(backend: Backend) {
    let srv = TestServer::start_with(backend, Options { demo_content: true, ..Options::default() }).await;
    let mut reader = srv.learner("qaria@example.org").await;
    for slug in ["concepts", "prise-en-charge", "prevention", "bien-etre-professionnel"] {
        let (_, course) = reader.get(&format!("/api/v1/courses/{slug}?lang=ar")).await;
        let items: Vec<Value> = course["modules"].as_array().unwrap().iter().flat_map(|m| m["items"].as_array().unwrap().clone()).collect();
        assert!(items.len() >= 5, "{slug}");
        for item in items {
            let id = item["id"].as_str().unwrap();
            match item["kind"].as_str().unwrap() {
                "lesson" => {
                    let (_, ar) = reader.get(&format!("/api/v1/lessons/{id}?lang=ar")).await;
                    assert_eq!(ar["body_language"], "ar", "{slug}: {}", ar["title"]);
                    assert!(arabic_share(ar["body_html"].as_str().unwrap()) > 0.9, "{slug}: {}", ar["title"]);
                    let (_, fr) = reader.get(&format!("/api/v1/lessons/{id}?lang=fr")).await;
                    assert_eq!(fr["body_language"], "fr");
                    assert!(arabic_share(fr["body_html"].as_str().unwrap()) < 0.1);
                    // English is not written: the French is served, and said to be French.
                    let (_, en) = reader.get(&format!("/api/v1/lessons/{id}?lang=en")).await;
                    assert_eq!((en["body_language"].as_str(), en["body_html"] == fr["body_html"]), (Some("fr"), true));
                }
                "quiz" => {
                    let (_, quiz) = reader.get(&format!("/api/v1/quizzes/{id}?lang=ar")).await;
                    for q in quiz["questions"].as_array().unwrap() {
                        assert_eq!(q["language"], "ar", "{q}");
                        assert!(arabic_share(q["prompt"].as_str().unwrap()) > 0.8, "{q}");
                        for c in q["choices"].as_array().unwrap() {
                            assert_eq!(c["language"], "ar", "{c}");
                        }
                    }
                    // Graded feedback comes back in the language asked for.
                    let q = &quiz["questions"][0];
                    let answer = match q["kind"].as_str().unwrap() {
                        "short_text" => json!({"question_id": q["id"], "text": "لا أدري"}),
                        _ => json!({"question_id": q["id"], "choice_ids": [q["choices"][0]["id"]]}),
                    };
                    let (st, graded) = reader.post(&format!("/api/v1/quizzes/{id}/attempts?lang=ar"), json!({"answers": [answer]})).await;
                    assert_eq!(st, StatusCode::CREATED, "{graded}");
                    let first = graded["feedback"].as_array().unwrap().iter().find(|f| f["question_id"] == q["id"]).unwrap();
                    assert_eq!((first["language"].as_str(), &first["prompt"]), (Some("ar"), &q["prompt"]));
                }
                "case_study" => {
                    let (_, intro) = reader.get(&format!("/api/v1/case-studies/{id}?lang=ar")).await;
                    assert_eq!(intro["summary_language"], "ar", "{intro}");
                    let (st, run) = reader.post(&format!("/api/v1/case-studies/{id}/runs?lang=ar"), json!({})).await;
                    assert_eq!(st, StatusCode::CREATED, "{run}");
                    let run_id = run["run_id"].as_str().unwrap().to_string();
                    let mut node = run["node"].clone();
                    let mut steps = 0;
                    while node["ending"].is_null() {
                        assert_eq!(node["language"], "ar", "{slug}: {node}");
                        assert!(arabic_share(node["body_html"].as_str().unwrap()) > 0.8, "{node}");
                        let choice = &node["choices"][0];
                        assert_eq!(choice["language"], "ar");
                        let (st, outcome) = reader
                            .post(&format!("/api/v1/case-study-runs/{run_id}/choices?lang=ar"), json!({"choice_id": choice["id"]}))
                            .await;
                        assert_eq!(st, StatusCode::OK, "{outcome}");
                        assert_eq!(outcome["feedback_language"], "ar");
                        node = outcome["node"].clone();
                        steps += 1;
                        assert!(steps < 30);
                    }
                    assert_eq!(node["ending"]["language"], "ar", "{node}");
                    assert!(arabic_share(node["ending"]["title"].as_str().unwrap()) > 0.8);
                    let (_, resumed) = reader.get(&format!("/api/v1/case-study-runs/{run_id}?lang=ar")).await;
                    assert!(resumed["steps"].as_array().unwrap().iter().all(|s| s["language"] == "ar"), "{resumed}");
                }
                other => panic!("{other}"),
            }
        }
    }
    srv.stop().await;
}

async fn an_author_translates_one_language_at_a_time(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("formatrice@example.org", Role::Trainer).await;
    let (st, _) = trainer
        .post("/api/v1/courses", json!({"slug": "ecoute", "title": "L'écoute", "summary": "Écouter un enfant.", "theme": "pec"}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, module) = trainer.post("/api/v1/courses/ecoute/modules", json!({"title": "Écouter"})).await;
    let module = module["id"].as_str().unwrap().to_string();
    let (_, lesson) = trainer
        .post(&format!("/api/v1/modules/{module}/lessons"), json!({"title": "Accueillir", "body": "## Accueillir\n\nSe présenter."}))
        .await;
    let lesson_id = lesson["id"].as_str().unwrap().to_string();
    let quiz = json!({"title": "Quiz", "pass_mark": 50, "questions": [
        {"kind": "single", "prompt": "Que faire d'abord ?", "explanation": "Écouter.", "choices": [
            {"label": "Écouter", "correct": true, "feedback": "Oui."}, {"label": "Juger", "correct": false}]},
        {"kind": "short_text", "prompt": "Le sigle de la Convention ?", "answers": ["CIDE"]}]});
    let (st, quiz) = trainer.post(&format!("/api/v1/modules/{module}/quizzes"), quiz).await;
    assert_eq!(st, StatusCode::CREATED, "{quiz}");
    let quiz_id = quiz["id"].as_str().unwrap().to_string();
    let ar_status = |item: &Value| item["translations"].as_array().unwrap().iter().find(|t| t["language"] == "ar").unwrap().clone();
    assert_eq!(ar_status(&quiz), json!({"language": "ar", "texts": 4, "missing": 4}), "what is missing is shown");

    // The draft in Arabic: the same parts, with empty texts to write.
    let (_, draft) = trainer.get("/api/v1/courses/ecoute/draft?language=ar").await;
    assert_eq!(draft["editing_language"], "ar");
    let mut ar_quiz = draft["modules"][0]["items"][1]["quiz"].clone();
    assert_eq!(ar_quiz["questions"][0]["prompt"], "", "{ar_quiz}");
    assert_eq!(ar_quiz["questions"][0]["choices"][0]["correct"], true, "the structure is the main language's");
    ar_quiz["questions"][0]["prompt"] = json!("ماذا نفعل أولا؟");
    ar_quiz["questions"][0]["choices"][0]["label"] = json!("الإنصات");
    ar_quiz["questions"][0]["choices"][1]["label"] = json!("إصدار الأحكام");
    ar_quiz["questions"][1]["prompt"] = json!("ما اسم الاتفاقية؟");
    ar_quiz["questions"][1]["answers"] = json!(["اتفاقية حقوق الطفل"]);
    let (st, saved) = trainer.put(&format!("/api/v1/items/{quiz_id}/quiz?language=ar"), ar_quiz.clone()).await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(ar_status(&saved)["missing"], 0);
    assert_eq!(saved["quiz"]["questions"][0]["prompt"], "ماذا نفعل أولا؟");

    // A translation cannot change the parts: that is done in the course's language.
    let mut fewer = ar_quiz.clone();
    fewer["questions"].as_array_mut().unwrap().pop();
    let (st, body) = trainer.put(&format!("/api/v1/items/{quiz_id}/quiz?language=ar"), fewer).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let (st, body) = trainer.put(&format!("/api/v1/items/{quiz_id}/quiz?language=de"), ar_quiz.clone()).await;
    assert!(st.is_client_error(), "{st} {body}");

    // Editing the French keeps the Arabic of the parts that stay.
    let (_, draft) = trainer.get("/api/v1/courses/ecoute/draft").await;
    assert_eq!(draft["editing_language"], "fr");
    let mut fr_quiz = draft["modules"][0]["items"][1]["quiz"].clone();
    fr_quiz["questions"][0]["prompt"] = json!("Que faire en tout premier ?");
    let (st, saved) = trainer.put(&format!("/api/v1/items/{quiz_id}/quiz"), fr_quiz).await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(ar_status(&saved)["missing"], 0, "{saved}");
    // The lesson's Arabic, then publication.
    let (_, draft) = trainer.get("/api/v1/courses/ecoute/draft?language=ar").await;
    let mut ar_lesson = draft["modules"][0]["items"][0]["lesson"].clone();
    assert_eq!(ar_lesson["body"], "");
    ar_lesson["body"] = json!("## الاستقبال\n\nنقدم أنفسنا.");
    let (st, saved) = trainer.put(&format!("/api/v1/items/{lesson_id}/lesson?language=ar"), ar_lesson).await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    let (st, published) = trainer.post("/api/v1/courses/ecoute/publish", json!({})).await;
    assert_eq!(st, StatusCode::OK, "{published}");

    // Readers: Arabic when written, the French marked as French otherwise.
    let mut reader = srv.learner("lectrice@example.org").await;
    let (_, lesson) = reader.get(&format!("/api/v1/lessons/{lesson_id}?lang=ar")).await;
    assert_eq!(
        (lesson["body_language"].as_str(), lesson["body_html"].as_str()),
        (Some("ar"), Some("<h2>الاستقبال</h2>\n<p>نقدم أنفسنا.</p>\n"))
    );
    let (_, quiz) = reader.get(&format!("/api/v1/quizzes/{quiz_id}?lang=ar")).await;
    assert_eq!((quiz["questions"][0]["language"].as_str(), quiz["questions"][0]["prompt"].as_str()), (Some("ar"), Some("ماذا نفعل أولا؟")));
    let (_, quiz_fr) = reader.get(&format!("/api/v1/quizzes/{quiz_id}?lang=fr")).await;
    assert_eq!(quiz_fr["questions"][0]["prompt"], "Que faire en tout premier ?");
    // An answer typed in Arabic is right, as the French one is.
    let short = quiz["questions"].as_array().unwrap().iter().find(|q| q["kind"] == "short_text").unwrap()["id"].clone();
    let (st, graded) = reader
        .post(
            &format!("/api/v1/quizzes/{quiz_id}/attempts?lang=ar"),
            json!({"answers": [{"question_id": short, "text": "اتفاقيه حقوق الطفل"}]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{graded}");
    assert_eq!(graded["feedback"][1]["correct"], true, "{graded}");

    // Export writes the translation files; import reads them back.
    let (st, zip) = trainer.send_bytes(Method::GET, "/api/v1/courses/ecoute/export", None, None).await;
    assert_eq!(st, StatusCode::OK);
    let files = sanad_courses::folder::files_from_zip(&zip).unwrap();
    let names: Vec<&String> = files.keys().collect();
    assert!(names.iter().any(|n| n.ends_with("-accueillir.ar.md")), "{names:?}");
    let quiz_ar = files.iter().find(|(n, _)| n.ends_with(".quiz.ar.toml")).expect("the quiz's Arabic file").1;
    assert!(quiz_ar.contains("اتفاقية حقوق الطفل"), "{quiz_ar}");
    let mut copy = files.clone();
    copy.insert("course.toml".into(), files["course.toml"].replace("slug = \"ecoute\"", "slug = \"ecoute-copie\""));
    let zip = sanad_courses::folder::zip_files("ecoute-copie", &copy).unwrap();
    let (st, imported) = trainer.send(Method::POST, "/api/v1/courses/import", None, Some((zip, "application/zip"))).await;
    assert_eq!(st, StatusCode::CREATED, "{imported}");
    let (_, outline) = reader.get("/api/v1/courses/ecoute-copie").await;
    let copied = outline["modules"][0]["items"][0]["id"].as_str().unwrap().to_string();
    let (_, lesson) = reader.get(&format!("/api/v1/lessons/{copied}?lang=ar")).await;
    assert_eq!(lesson["body_language"], "ar", "{lesson}");

    // Search finds the lesson in each language it is written in, with that language's title.
    srv.index_now().await;
    let (_, found) = reader.get("/api/v1/search?q=%D9%86%D9%82%D8%AF%D9%85").await; // نقدم
    let hit =
        found["items"].as_array().unwrap().iter().find(|i| i["id"] == lesson_id.as_str()).cloned().unwrap_or_else(|| panic!("{found}"));
    assert_eq!((hit["language"].as_str(), hit["title"].as_str()), (Some("ar"), Some("Accueillir")), "{hit}");
    let (_, found) = reader.get("/api/v1/search?q=presenter").await;
    let hits: Vec<&Value> = found["items"].as_array().unwrap().iter().filter(|i| i["id"] == lesson_id.as_str()).collect();
    assert_eq!(hits.len(), 1, "the French words find the French version only: {found}");
    assert_eq!(hits[0]["language"], "fr");
    srv.stop().await;
}
