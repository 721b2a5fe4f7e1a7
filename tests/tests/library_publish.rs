//! A resource's published state changes only when an update says so: a `PUT`
//! without `published` keeps it (a draft stays a draft).

use reqwest::{Method, StatusCode};
use sanad_platform::Role;
use sanad_tests::{Backend, TestServer, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(an_update_without_published_keeps_the_state);

fn metadata(title: &str) -> Value {
    json!({"title": title, "description": "Fiche de travail.", "type": "guide", "audience": ["professionals"], "language": "fr", "themes": ["pec"]})
}

async fn an_update_without_published_keeps_the_state(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut trainer = srv.user_with_role("trainer@example.org", Role::Trainer).await;
    let mut learner = srv.learner("learner@example.org").await;

    // A draft, uploaded unpublished.
    let mut draft = metadata("Brouillon de protocole");
    draft["published"] = json!(false);
    let (st, created) = trainer.multipart("/api/v1/library/resources", &[("metadata", draft.to_string())], vec![]).await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/library/resources/{id}");

    // Corrected without `published`: still a draft, hidden from learners.
    let (st, updated) = trainer.send(Method::PUT, &path, Some(metadata("Protocole corrigé")), None).await;
    assert_eq!(st, StatusCode::OK, "{updated}");
    assert_eq!(updated["title"], "Protocole corrigé");
    assert_eq!(updated["published"], false);
    assert_eq!(learner.get(&path).await.0, StatusCode::NOT_FOUND);

    // Published explicitly, then corrected again without `published`: stays published.
    let mut publish = metadata("Protocole corrigé");
    publish["published"] = json!(true);
    let (st, updated) = trainer.send(Method::PUT, &path, Some(publish), None).await;
    assert_eq!((st, updated["published"].clone()), (StatusCode::OK, json!(true)));
    let (st, updated) = trainer.send(Method::PUT, &path, Some(metadata("Protocole final")), None).await;
    assert_eq!((st, updated["published"].clone()), (StatusCode::OK, json!(true)));
    let (st, seen) = learner.get(&path).await;
    assert_eq!((st, seen["title"].clone()), (StatusCode::OK, json!("Protocole final")));

    // An upload without `published` is published, as before.
    let (st, created) = trainer.multipart("/api/v1/library/resources", &[("metadata", metadata("Publié").to_string())], vec![]).await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    let (st, seen) = learner.get(&format!("/api/v1/library/resources/{}", created["id"].as_str().unwrap())).await;
    assert_eq!((st, seen["published"].clone()), (StatusCode::OK, json!(true)));

    // A value of the wrong type is a named 4xx and changes nothing.
    let mut bad = metadata("Mauvais");
    bad["published"] = json!("oui");
    let (st, _) = trainer.send(Method::PUT, &path, Some(bad), None).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, seen) = trainer.get(&path).await;
    assert_eq!((seen["title"].clone(), seen["published"].clone()), (json!("Protocole final"), json!(true)));
    srv.stop().await;
}
