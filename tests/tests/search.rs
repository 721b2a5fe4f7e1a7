//! Search as practitioners type: partial matches ranked instead of empty
//! pages, stop words, the field's abbreviations, typos that change the stem,
//! Arabic spelling variants; and one search over published lessons and
//! library resources, where drafts never appear.

use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, Client, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(partial_matches_abbreviations_and_typos_are_found, one_search_over_lessons_and_resources);

fn q(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn add(c: &mut Client, title: &str, description: &str, language: &str) -> String {
    let meta = json!({"title": title, "description": description, "type": "guide", "audience": ["professionals"],
        "language": language, "themes": ["pec"]});
    let (st, body) = c.multipart("/api/v1/library/resources", &[("metadata", meta.to_string())], vec![]).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

async fn found(c: &mut Client, text: &str) -> Vec<String> {
    let (st, body) = c.get(&format!("/api/v1/library/resources?limit=10&q={}", q(text))).await;
    assert_eq!(st, StatusCode::OK, "{text}: {body}");
    body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

async fn partial_matches_abbreviations_and_typos_are_found(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("doc@example.org", Role::Trainer).await;
    let pec =
        add(&mut t, "Guide de prise en charge des enfants victimes de violence", "Les étapes de l'accueil à l'orientation.", "fr").await;
    let assoc =
        add(&mut t, "Protection de l'enfance : le rôle des associations", "Comment les associations repèrent et orientent.", "fr").await;
    let signal =
        add(&mut t, "Fiche réflexe : le signalement au procureur", "Quand et comment signaler une situation de danger.", "fr").await;
    let familles = add(&mut t, "Accompagnement psychologique des familles", "Soutenir les parents après un dévoilement.", "fr").await;
    let ar = add(&mut t, "دليل الحماية الذاتية للأطفال", "أنشطة تساعد الأطفال على طلب المساعدة من شخص بالغ.", "ar").await;
    let cal = add(&mut t, "Calendrier des formations", "Dates des sessions de l'année.", "fr").await;
    srv.index_now().await;

    // Stop words in the query never make it fail.
    assert_eq!(found(&mut t, "prise en charge").await.first(), Some(&pec));
    assert_eq!(found(&mut t, "protection de l'enfance").await.first(), Some(&assoc));
    // A word the right document lacks only ranks it lower; never an empty page while some words match.
    let hits = found(&mut t, "signalement procureur danger calendrier").await;
    assert_eq!(hits.first(), Some(&signal), "the most words matched first");
    assert!(hits.contains(&cal), "a document matching one word still comes");
    let hits = found(&mut t, "accompagnement psychologique enfant victime").await;
    assert!(hits[..2].contains(&familles) && hits[..2].contains(&pec), "{hits:?}");
    // The field's abbreviations, at query time.
    assert_eq!(found(&mut t, "PEC enfants victimes").await.first(), Some(&pec));
    // Typos that change the stem, and Arabic end letters.
    assert_eq!(found(&mut t, "signalment").await.first(), Some(&signal));
    assert_eq!(found(&mut t, "accompagnemment").await.first(), Some(&familles));
    assert_eq!(found(&mut t, "الحمايه").await.first(), Some(&ar));
    assert_eq!(found(&mut t, "الحماية الذاتيه للاطفال").await.first(), Some(&ar));
    // Search as you type: the last word is a prefix.
    assert_eq!(found(&mut t, "calend").await.first(), Some(&cal));
    // Numbers are never fuzzy, and a query of nothing known finds nothing.
    assert!(found(&mut t, "zorglub").await.is_empty());
    assert!(found(&mut t, "2024").await.is_empty());
    // Only common words: still looked for, no error.
    let (st, _) = t.get(&format!("/api/v1/library/resources?q={}", q("de la"))).await;
    assert_eq!(st, StatusCode::OK);
    srv.stop().await;
}

async fn search_all(c: &mut Client, text: &str, extra: &str) -> Value {
    let (st, body) = c.get(&format!("/api/v1/search?q={}{extra}", q(text))).await;
    assert_eq!(st, StatusCode::OK, "{text}: {body}");
    body
}

async fn one_search_over_lessons_and_resources(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut t = srv.user_with_role("auteur@example.org", Role::Trainer).await;
    let resource = add(&mut t, "Écoute active : fiche pratique", "Questions ouvertes et silence bienveillant.", "fr").await;
    let (st, _) =
        t.post("/api/v1/courses", json!({"slug": "ecoute", "title": "L'écoute", "summary": "s", "theme": "pec", "language": "fr"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, module) = t.post("/api/v1/courses/ecoute/modules", json!({"title": "M"})).await;
    let mid = module["id"].as_str().unwrap().to_string();
    let (_, lesson) = t
        .post(
            &format!("/api/v1/modules/{mid}/lessons"),
            json!({"title": "Premiers mots", "body": "L'écoute active commence par un silence bienveillant."}),
        )
        .await;
    let lesson_id = lesson["id"].as_str().unwrap().to_string();
    // A draft lesson is not found.
    let (_, draft) = t.post(&format!("/api/v1/modules/{mid}/lessons"), json!({"title": "Brouillon", "body": "zorglubienne"})).await;
    assert!(draft["id"].is_string());
    srv.index_now().await;
    assert!(search_all(&mut t, "silence bienveillant", "").await["items"].as_array().unwrap().iter().all(|i| i["kind"] == "resource"));
    // Published: both the lesson and the resource, each with its kind and id; the draft's words appear once published only.
    let (st, body) = t.post("/api/v1/courses/ecoute/publish", json!({})).await;
    assert!(st.is_success(), "{body}");
    t.post(&format!("/api/v1/modules/{mid}/lessons"), json!({"title": "Après", "body": "motinconnu"})).await;
    srv.index_now().await;
    let page = search_all(&mut t, "ecoute active silence", "").await;
    let items = page["items"].as_array().unwrap();
    let lesson_hit = items.iter().find(|i| i["kind"] == "lesson").expect("the lesson");
    assert_eq!(lesson_hit["id"], lesson_id);
    assert_eq!(lesson_hit["course_slug"], "ecoute");
    assert!(items.iter().any(|i| i["kind"] == "resource" && i["id"] == resource.as_str()));
    assert!(search_all(&mut t, "motinconnu", "").await["items"].as_array().unwrap().is_empty(), "a draft after publication");
    // The resource search stays resources only.
    let (_, res) = t.get(&format!("/api/v1/library/resources?q={}", q("silence bienveillant"))).await;
    assert!(res["items"].as_array().unwrap().iter().all(|i| i["id"] == resource.as_str()));
    // Keyset paging walks every hit once.
    let first = search_all(&mut t, "silence", "&limit=1").await;
    let cursor = first["next_cursor"].as_str().expect("a second page").to_string();
    let second = search_all(&mut t, "silence", &format!("&limit=1&cursor={cursor}")).await;
    assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
    assert!(second["next_cursor"].is_null());
    // A bad cursor is named.
    let got = t.get("/api/v1/search?q=x&cursor=nope").await;
    assert_problem(&t, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
    srv.stop().await;
}
