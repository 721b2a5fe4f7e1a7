//! The resource library end to end: search as people type in French and
//! Arabic, facets, uploads and their refusals, ratings and tool evaluation,
//! and an index that is rebuilt when lost.

use reqwest::{Method, StatusCode};
use sanad_platform::Role;
use sanad_tests::{Backend, Client, Options, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(search_as_people_type, uploads_are_checked_and_found, ratings_and_tool_evaluation, lost_index_is_rebuilt);

fn demo() -> Options {
    Options { demo_content: true, max_upload_mb: Some(1), ..Options::default() }
}

async fn search(c: &mut Client, query: &str) -> Value {
    let (st, body) = c.get(&format!("/api/v1/library/resources?{query}")).await;
    assert_eq!(st, StatusCode::OK, "{query}: {body}");
    body
}

fn ids(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

fn q(text: &str) -> String {
    format!("q={}", url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>())
}

async fn search_as_people_type(backend: Backend) {
    let srv = TestServer::start_with(backend, demo()).await;
    srv.index_now().await;
    let mut c = srv.client();
    let all = search(&mut c, "").await;
    let total = all["total"].as_u64().unwrap();
    assert!(total >= 30, "{total}");
    for facet in ["type", "audience", "language", "territory", "theme"] {
        assert!(!all["facets"][facet].as_object().unwrap().is_empty(), "facet {facet}");
    }
    // Facets respect the other filters, and a filter gives what its facet announced.
    let pathways = all["facets"]["type"]["pathway"].as_u64().unwrap();
    let only = search(&mut c, "type=pathway&limit=100").await;
    assert_eq!(only["total"].as_u64().unwrap(), pathways);
    assert!(only["items"].as_array().unwrap().iter().all(|i| i["type"] == "pathway"));
    assert_eq!(only["facets"]["type"], all["facets"]["type"], "the type facet ignores the type filter");
    let sale = search(&mut c, "type=pathway&territory=sale").await;
    assert!(sale["total"].as_u64().unwrap() >= 1 && sale["total"].as_u64().unwrap() < pathways);
    let ar = search(&mut c, "language=ar").await;
    assert_eq!(ar["total"], all["facets"]["language"]["ar"]);

    // Keyset paging walks every result once.
    let mut seen = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = search(&mut c, &format!("limit=7{}", cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default())).await;
        for id in ids(&page) {
            assert!(seen.insert(id), "a result came twice");
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len() as u64, total);

    // French: words, accents, plurals, typos, phrases; titles rank first.
    let r = search(&mut c, &q("violences sexuelles")).await;
    assert!(!ids(&r).is_empty());
    assert!(r["items"][0]["snippet_html"].as_str().unwrap().contains("<mark>"), "{}", r["items"][0]);
    assert_eq!(ids(&search(&mut c, &q("évaluation")).await), ids(&search(&mut c, &q("evaluation")).await));
    assert_eq!(ids(&search(&mut c, &q("EVALUATIONS")).await), ids(&search(&mut c, &q("évaluation")).await), "case and plural");
    assert!(!ids(&search(&mut c, &q("prevension")).await).is_empty(), "one typo in a long word");
    assert!(ids(&search(&mut c, &q("zzzyyyxxx")).await).is_empty());
    let phrase = search(&mut c, &q("\"adulte de confiance\"")).await;
    let loose = search(&mut c, &q("confiance adulte")).await;
    assert!(!ids(&phrase).is_empty() && ids(&phrase).len() <= ids(&loose).len());
    let titled = search(&mut c, &q("marionnettes")).await;
    assert!(
        titled["items"][0]["title"].as_str().unwrap().to_lowercase().contains("marionnette"),
        "title weighs more: {}",
        titled["items"][0]["title"]
    );

    // Arabic: diacritics, tatweel, alef and hamza forms.
    let plain = ids(&search(&mut c, &q("العنف")).await);
    assert!(!plain.is_empty());
    assert_eq!(ids(&search(&mut c, &q("العُنْف")).await), plain);
    assert_eq!(ids(&search(&mut c, &q("العنـــف")).await), plain);
    assert_eq!(ids(&search(&mut c, &q("الاطفال")).await), ids(&search(&mut c, &q("الأطفال")).await));
    assert!(!ids(&search(&mut c, &q("ارشادات")).await).is_empty());

    // Filters with unknown values are refused, naming the parameter.
    let (st, body) = c.get("/api/v1/library/resources?type=nonsense").await;
    assert_problem(&c, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert_eq!(body["errors"][0]["field"], "type");
    let (st, body) = c.get("/api/v1/library/resources?cursor=garbage").await;
    assert_problem(&c, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    srv.stop().await;
}

fn meta(title: &str) -> String {
    json!({"title": title, "description": "Document de travail.", "type": "guide", "audience": ["professionals"], "language": "fr", "themes": ["pec"], "tags": ["médiation"]}).to_string()
}

fn pdf(text: &str) -> Vec<u8> {
    sanad_library::pdfgen::text_pdf("Fiche", &[text.to_string()])
}

async fn uploads_are_checked_and_found(backend: Backend) {
    let srv = TestServer::start_with(backend, Options { max_upload_mb: Some(1), ..Options::default() }).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut learner = srv.learner("learner@example.org").await;

    let (st, created) = trainer
        .multipart(
            "/api/v1/library/resources",
            &[("metadata", meta("Médiation familiale"))],
            vec![("files", "../../etc/fiche.pdf", pdf("Le mot zorblaxique est ici."), "application/pdf")],
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    srv.index_now().await;
    assert_eq!(ids(&search(&mut learner, "q=zorblaxique").await), vec![id.clone()], "words inside the PDF are found");

    let (_, full) = learner.get(&format!("/api/v1/library/resources/{id}")).await;
    let file = &full["files"][0];
    assert_eq!(file["name"], "fiche.pdf", "no path in stored names");
    assert_eq!(file["content_type"], "application/pdf");
    let (st, bytes) = learner
        .send_bytes(Method::GET, &format!("/api/v1/library/resources/{id}/files/{}", file["id"].as_str().unwrap()), None, None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(bytes.starts_with(b"%PDF"));
    assert!(learner.last_headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(learner.last_headers["x-content-type-options"], "nosniff");

    // Metadata can be corrected; search follows.
    let mut changed: Value = serde_json::from_str(&meta("Médiation familiale et quorvexance")).unwrap();
    changed["territory"] = json!("kenitra");
    let (st, updated) = trainer.send(Method::PUT, &format!("/api/v1/library/resources/{id}"), Some(changed.clone()), None).await;
    assert_eq!(st, StatusCode::OK, "{updated}");
    assert_eq!(updated["territory"], "kenitra");
    srv.index_now().await;
    assert_eq!(ids(&search(&mut learner, "q=quorvexance&territory=kenitra").await), vec![id.clone()]);
    let (st, _) = learner.send(Method::PUT, &format!("/api/v1/library/resources/{id}"), Some(changed), None).await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // Refusals.
    let (st, body) = learner.multipart("/api/v1/library/resources", &[("metadata", meta("x"))], vec![]).await;
    assert_problem(&learner, StatusCode::FORBIDDEN, (st, &body));
    let big = [pdf("x"), vec![b'%'; 2 * 1024 * 1024]].concat();
    let (st, _) = trainer
        .multipart("/api/v1/library/resources", &[("metadata", meta("gros"))], vec![("files", "gros.pdf", big, "application/pdf")])
        .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    let (st, body) = trainer
        .multipart(
            "/api/v1/library/resources",
            &[("metadata", meta("faux"))],
            vec![("files", "faux.pdf", b"<html><script>alert(1)</script></html>".to_vec(), "application/pdf")],
        )
        .await;
    assert_problem(&trainer, StatusCode::UNSUPPORTED_MEDIA_TYPE, (st, &body));
    let bad = json!({"title": "", "type": "nonsense", "audience": ["aliens"], "language": "xx", "themes": ["cooking"]}).to_string();
    let (st, body) = trainer.multipart("/api/v1/library/resources", &[("metadata", bad)], vec![]).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["title", "type", "audience[0]", "language", "themes[0]"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let mut bad_date: Value = serde_json::from_str(&meta("Date")).unwrap();
    bad_date["review_by"] = json!("bientôt");
    let (st, body) = trainer.multipart("/api/v1/library/resources", &[("metadata", bad_date.to_string())], vec![]).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    assert_eq!(body["errors"][0]["field"], "review_by");
    let (st, body) = trainer.multipart("/api/v1/library/resources", &[("metadata", "{not json".into())], vec![]).await;
    assert_problem(&trainer, StatusCode::UNPROCESSABLE_ENTITY, (st, &body));
    let (st, body) = trainer.multipart("/api/v1/library/resources", &[], vec![]).await;
    assert!(st.is_client_error(), "{st} {body}");

    // Unpublished and deleted resources never appear.
    let mut hidden: Value = serde_json::from_str(&meta("Brouillon zorblaxique")).unwrap();
    hidden["published"] = json!(false);
    let (st, created) = trainer.multipart("/api/v1/library/resources", &[("metadata", hidden.to_string())], vec![]).await;
    assert_eq!(st, StatusCode::CREATED);
    let hidden_id = created["id"].as_str().unwrap().to_string();
    srv.index_now().await;
    assert_eq!(ids(&search(&mut learner, "q=zorblaxique").await), vec![id.clone()]);
    let (st, _) = learner.get(&format!("/api/v1/library/resources/{hidden_id}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = trainer.get(&format!("/api/v1/library/resources/{hidden_id}")).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = trainer.delete(&format!("/api/v1/library/resources/{id}")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    srv.index_now().await;
    assert!(ids(&search(&mut learner, "q=zorblaxique").await).is_empty());
    let (st, _) = learner.get(&format!("/api/v1/library/resources/{id}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    srv.stop().await;
}

async fn ratings_and_tool_evaluation(backend: Backend) {
    let srv = TestServer::start_with(backend, demo()).await;
    srv.index_now().await;
    let mut learner = srv.learner("learner@example.org").await;
    let mut other = srv.learner("other@example.org").await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let first = search(&mut learner, "type=comic").await;
    let id = first["items"][0]["id"].as_str().unwrap().to_string();

    let (st, r) = learner.post(&format!("/api/v1/library/resources/{id}/ratings"), json!({"stars": 4, "comment": "utile en séance"})).await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let (st, r) = learner.post(&format!("/api/v1/library/resources/{id}/ratings"), json!({"stars": 5})).await;
    assert_eq!(st, StatusCode::OK, "changing a rating: {r}");
    assert_eq!((r["count"].as_i64(), r["average"].as_f64()), (Some(1), Some(5.0)));
    other.post(&format!("/api/v1/library/resources/{id}/ratings"), json!({"stars": 2, "comment": "trop long pour les 8-12 ans"})).await;
    for bad in [json!({"stars": 9}), json!({"stars": 0}), json!({"stars": "five"})] {
        let (st, body) = learner.post(&format!("/api/v1/library/resources/{id}/ratings"), bad).await;
        assert!(st == StatusCode::BAD_REQUEST || st == StatusCode::UNPROCESSABLE_ENTITY, "{st} {body}");
    }
    let mut anon = srv.client();
    let (st, _) = anon.post(&format!("/api/v1/library/resources/{id}/ratings"), json!({"stars": 3})).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    let (_, full) = learner.get(&format!("/api/v1/library/resources/{id}")).await;
    assert_eq!(full["my_rating"]["stars"], 5);
    learner.get(&format!("/api/v1/library/resources/{id}")).await;
    let file = full["files"][0]["id"].as_str().unwrap().to_string();
    learner.send_bytes(Method::GET, &format!("/api/v1/library/resources/{id}/files/{file}"), None, None).await;

    let (st, body) = learner.get(&format!("/api/v1/library/resources/{id}/evaluation")).await;
    assert_problem(&learner, StatusCode::FORBIDDEN, (st, &body));
    let (st, eval) = trainer.get(&format!("/api/v1/library/resources/{id}/evaluation")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(eval["views"], 1, "one view per person per day: {eval}");
    assert_eq!(eval["downloads"], 1);
    assert_eq!(eval["distribution"], json!([0, 1, 0, 0, 1]));
    assert_eq!(eval["rating"]["average"], 3.5);
    assert_eq!(eval["comments"].as_array().unwrap().len(), 1, "the replaced rating's comment is gone");
    assert!(!eval.to_string().contains("other@example.org"), "comments are anonymous");

    let (st, csv) = trainer.send_bytes(Method::GET, "/api/v1/library/evaluation.csv", None, None).await;
    assert_eq!(st, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("id,title,type,language"));
    assert!(csv.lines().count() >= 31);
    let (_, due) = trainer.get("/api/v1/library/review-due").await;
    assert!(due["items"].as_array().unwrap().len() >= 4, "{due}");
    srv.stop().await;
}

/// Searches until `expected` results come back (the index is rebuilt in the background, while the server answers).
async fn wait_for_total(mut c: Client, query: &str, expected: u64) -> u64 {
    let mut got = 0;
    for _ in 0..100 {
        got = search(&mut c, query).await["total"].as_u64().unwrap();
        if got == expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    got
}

async fn lost_index_is_rebuilt(backend: Backend) {
    let srv = TestServer::start_with(backend, demo()).await;
    srv.index_now().await;
    let mut c = srv.client();
    let query = q("prévention");
    let before = search(&mut c, &query).await["total"].as_u64().unwrap();
    assert!(before > 0);
    assert!(srv.data_dir.path().join("index").is_dir(), "the index lives in <data dir>/index");
    let srv = srv.restart(demo(), |data| std::fs::remove_dir_all(data.join("index")).unwrap()).await;
    assert_eq!(wait_for_total(srv.client(), &query, before).await, before, "rebuilt from the database after loss");
    // A corrupt index is rebuilt too.
    let srv = srv
        .restart(demo(), |data| {
            for entry in std::fs::read_dir(data.join("index")).unwrap().flatten() {
                if entry.path().extension().is_some_and(|e| e == "idx" || e == "term") || entry.file_name() == "meta.json" {
                    std::fs::write(entry.path(), b"garbage").unwrap();
                }
            }
        })
        .await;
    assert_eq!(wait_for_total(srv.client(), &query, before).await, before, "rebuilt after corruption");
    srv.stop().await;
}
