//! What changes after a post or topic is written, end to end on both
//! backends: a topic's title edited by its author or a moderator (screened,
//! kept for moderators, searched under its new words), the `mine` mark of a
//! topic that never names its author to others, an edit that names new
//! members, and a held post approved later telling the topic's author and
//! watchers then, not before.

use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, TestServer, assert_problem, notification_kinds, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    titles_are_edited_by_their_author_and_moderators,
    a_topic_says_whether_it_is_the_callers,
    an_edit_that_names_members_tells_them_once,
    a_late_approval_tells_the_author_and_watchers_then,
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

fn topics_of(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|i| i["topic_id"].as_str().unwrap().to_string()).collect()
}

async fn titles_are_edited_by_their_author_and_moderators(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut modo = srv.user_with_role("moderatrice@example.org", Role::Moderator).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let (_, topic) = amal
        .post(
            "/api/v1/forum/topics",
            json!({"category": "prevention", "title": "Titre motancien", "body": "Vos pratiques de prévention ?"}),
        )
        .await;
    let tid = id(&topic);
    let first_post = topic["post_id"].as_str().unwrap().to_string();
    badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Une réponse sans le titre."})).await;
    srv.index_now().await;
    let (_, found) = badr.get("/api/v1/forum/search?q=motancien").await;
    assert_eq!(topics_of(&found), vec![tid.clone(), tid.clone()], "the title is in every post's document: {found}");

    // Validated as when the topic was opened; only its author and moderators.
    let path = format!("/api/v1/forum/topics/{tid}");
    let got = amal.patch(&path, json!({"title": "   "})).await;
    assert_problem(&amal, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
    let got = amal.patch(&path, json!({"title": "x".repeat(201)})).await;
    assert_problem(&amal, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
    let got = amal.patch(&path, json!({"title": "Deux\nlignes"})).await;
    assert_problem(&amal, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
    let got = badr.patch(&path, json!({"title": "Le mien"})).await;
    assert_problem(&badr, StatusCode::FORBIDDEN, (got.0, &got.1));
    let got = amal.patch(&format!("/api/v1/forum/topics/{}", uuid::Uuid::now_v7()), json!({"title": "Nulle part"})).await;
    assert_problem(&amal, StatusCode::NOT_FOUND, (got.0, &got.1));

    let (st, edited) = amal.patch(&path, json!({"title": "  Prévention motnouveau  "})).await;
    assert_eq!(st, StatusCode::OK, "{edited}");
    assert_eq!((edited["status"].as_str(), edited["post_id"].as_str()), (Some("published"), Some(first_post.as_str())));
    let (_, view) = badr.get(&path).await;
    assert_eq!(view["topic"]["title"], "Prévention motnouveau", "trimmed like a new title");
    let (_, list) = badr.get("/api/v1/forum/categories/prevention/topics").await;
    assert_eq!(list["items"][0]["title"], "Prévention motnouveau");
    srv.index_now().await;
    let (_, found) = badr.get("/api/v1/forum/search?q=motnouveau").await;
    assert_eq!(topics_of(&found).len(), 2, "every post is found under the new title: {found}");
    assert_eq!(found["items"][0]["title"], "Prévention motnouveau");
    let (_, found) = badr.get("/api/v1/forum/search?q=motancien").await;
    assert!(topics_of(&found).is_empty(), "and no more under the old one: {found}");

    // The earlier title is kept for moderators, as a revision of the first post; redacted like a text.
    let (st, history) = modo.get(&format!("/api/v1/moderation/posts/{first_post}/revisions")).await;
    assert_eq!(st, StatusCode::OK, "{history}");
    let revision = history["items"].as_array().unwrap().last().expect("a revision").clone();
    assert_eq!(revision["title"], "Titre motancien", "{revision}");
    assert_eq!(revision["body"], "Vos pratiques de prévention ?", "the text did not change");
    assert_eq!(revision["replaced_by"]["display_name"], "Amal Berrada");
    let got = amal.get(&format!("/api/v1/moderation/posts/{first_post}/revisions")).await;
    assert_eq!(got.0, StatusCode::FORBIDDEN, "never to its author");
    let (st, redacted) = modo
        .post(&format!("/api/v1/moderation/revisions/{}/redaction", id(&revision)), json!({"note": "titre", "title": "[retiré]"}))
        .await;
    assert_eq!(st, StatusCode::OK, "{redacted}");
    assert_eq!(redacted["title"], "[retiré]");

    // A title that names a child holds the topic, as when it was opened, with the passage and why.
    let (st, held) = amal.patch(&path, json!({"title": "Salma, 8 ans, appeler le 06 98 76 54 32"})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{held}");
    assert_eq!(held["status"], "held");
    let reasons = held["reasons"].as_array().unwrap();
    assert!(reasons.iter().any(|r| r["kind"] == "phone" && r["field"] == "title"), "{held}");
    let (st, _) = badr.get(&path).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "hidden from members until a moderator decides");
    let (st, own) = amal.get(&path).await;
    assert_eq!((st, own["topic"]["status"].as_str()), (StatusCode::OK, Some("held")), "{own}");
    srv.index_now().await;
    let (_, found) = badr.get("/api/v1/forum/search?q=motnouveau").await;
    assert!(topics_of(&found).is_empty(), "a held topic is searched by nobody: {found}");
    // Its author takes the passage out: published again.
    let (st, fixed) = amal.patch(&path, json!({"title": "Prévention à l'école"})).await;
    assert_eq!((st, fixed["status"].as_str()), (StatusCode::OK, Some("published")), "{fixed}");
    let (st, _) = badr.get(&path).await;
    assert_eq!(st, StatusCode::OK);

    // A moderator may change it too, and that is audited.
    let (st, by_mod) = modo.patch(&path, json!({"title": "Prévention en milieu scolaire"})).await;
    assert_eq!(st, StatusCode::OK, "{by_mod}");
    let (_, audit) = admin.get("/api/v1/moderation/audit").await;
    assert!(
        audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "edit_title" && e["post_id"] == first_post.as_str()),
        "{audit}"
    );
    // The same title again changes nothing and keeps no revision.
    let (_, before) = modo.get(&format!("/api/v1/moderation/posts/{first_post}/revisions")).await;
    let (st, _) = amal.patch(&path, json!({"title": "Prévention en milieu scolaire"})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, after) = modo.get(&format!("/api/v1/moderation/posts/{first_post}/revisions")).await;
    assert_eq!(before["items"].as_array().unwrap().len(), after["items"].as_array().unwrap().len());
    srv.stop().await;
}

async fn a_topic_says_whether_it_is_the_callers(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut modo = srv.user_with_role("moderatrice@example.org", Role::Moderator).await;
    let (_, anon) = amal
        .post(
            "/api/v1/forum/topics",
            json!({"category": "bien-etre", "title": "Fatigue du soir", "body": "Je rentre épuisée.", "anonymous": true}),
        )
        .await;
    let aid = id(&anon);
    let path = format!("/api/v1/forum/topics/{aid}");
    let (_, own) = amal.get(&path).await;
    assert_eq!(own["topic"]["mine"], true, "its anonymous author recognizes it: {own}");
    assert_eq!(own["topic"]["author"].as_object().unwrap().keys().collect::<Vec<_>>(), ["pseudonym"]);
    for (who, c) in [("a member", &mut badr), ("a moderator", &mut modo)] {
        let (_, view) = c.get(&path).await;
        assert_eq!(view["topic"]["mine"], false, "{who}: {view}");
        assert!(!view.to_string().contains("Amal"), "{who}: {view}");
    }
    // The anonymous author may retitle it, and stays a pseudonym in its history.
    let (st, _) = amal.patch(&path, json!({"title": "Fatigue des soirs"})).await;
    assert_eq!(st, StatusCode::OK);
    let first_post = anon["post_id"].as_str().unwrap();
    let (_, history) = modo.get(&format!("/api/v1/moderation/posts/{first_post}/revisions")).await;
    assert!(!history.to_string().contains("Amal"), "{history}");
    let (_, view) = badr.get(&path).await;
    assert_eq!(view["topic"]["title"], "Fatigue des soirs");
    srv.stop().await;
}

async fn an_edit_that_names_members_tells_them_once(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    let mut dalia = srv.member("dalia@example.org", "Dalia El Fassi").await;
    let (_, topic) = amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Ateliers", "body": "Idées ?"})).await;
    let tid = id(&topic);
    for (c, text) in [(&mut badr, "Des jeux de rôle."), (&mut dalia, "Des affiches.")] {
        let (st, _) = c.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": text})).await;
        assert_eq!(st, StatusCode::CREATED);
    }
    let (st, _) = dalia.put(&format!("/api/v1/forum/topics/{tid}/subscription"), json!({"level": "muted"})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, post) = chama.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Bonne idée."})).await;
    let pid = post["post_id"].as_str().unwrap().to_string();
    srv.drain_mail().await;
    let mails_to_badr = || srv.mail_files().into_iter().filter(|m| m.contains("badr@example.org") && m.contains(&tid)).count();
    let mails_before = mails_to_badr();
    assert!(!notification_kinds(&mut badr).await.iter().any(|(_, p)| *p == pid));

    // The edit names Badr (new), Amal (told of the reply already), Dalia (muted) and Chama herself.
    let (st, _) = chama
        .patch(
            &format!("/api/v1/forum/posts/{pid}"),
            json!({"body": "Bonne idée, @Badr Chraibi ! Et @Amal Berrada, @Dalia El Fassi, @Chama Daoudi ?"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let badr_kinds = notification_kinds(&mut badr).await;
    assert_eq!(badr_kinds.iter().filter(|(_, p)| *p == pid).collect::<Vec<_>>(), vec![&("mention".to_string(), pid.clone())]);
    let amal_kinds = notification_kinds(&mut amal).await;
    assert_eq!(amal_kinds.iter().filter(|(_, p)| *p == pid).collect::<Vec<_>>(), vec![&("reply".to_string(), pid.clone())], "told once");
    assert!(!notification_kinds(&mut dalia).await.iter().any(|(_, p)| *p == pid), "a muted topic tells nothing");
    assert!(!notification_kinds(&mut chama).await.iter().any(|(_, p)| *p == pid), "never told of oneself");
    srv.drain_mail().await;
    assert_eq!(mails_to_badr(), mails_before + 1, "mailed as he chose (immediate)");

    // Edited again with the same names: nobody is told twice.
    let (st, _) = chama
        .patch(&format!("/api/v1/forum/posts/{pid}"), json!({"body": "Bonne idée, @Badr Chraibi ! Et @Amal Berrada ? (corrigé)"}))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(notification_kinds(&mut badr).await.iter().filter(|(_, p)| *p == pid).count(), 1);
    srv.drain_mail().await;
    assert_eq!(mails_to_badr(), mails_before + 1);

    // A quote added by an edit tells the quoted post's author.
    let (_, badr_view) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    let badr_post = badr_view["posts"][1]["id"].as_str().unwrap().to_string();
    let (_, reply) =
        amal.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "D'accord.", "reply_to": badr_post.clone()})).await;
    let rid = reply["post_id"].as_str().unwrap().to_string();
    assert!(!notification_kinds(&mut badr).await.iter().any(|(_, p)| *p == rid));
    let (st, _) =
        amal.patch(&format!("/api/v1/forum/posts/{rid}"), json!({"body": "> Des jeux de rôle.\n\nD'accord, et pourquoi pas ?"})).await;
    assert_eq!(st, StatusCode::OK);
    assert!(notification_kinds(&mut badr).await.contains(&("quote".into(), rid.clone())));
    srv.stop().await;
}

async fn a_late_approval_tells_the_author_and_watchers_then(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    let mut modo = srv.user_with_role("moderatrice@example.org", Role::Moderator).await;
    let (_, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prise-en-charge", "title": "Orientation", "body": "Vers qui ?"})).await;
    let tid = id(&topic);
    let (st, _) = chama.put(&format!("/api/v1/forum/topics/{tid}/subscription"), json!({"level": "watching"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, held) =
        badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "La mère répond au 06 98 76 54 32 motretenu."})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{held}");
    let pid = held["post_id"].as_str().unwrap().to_string();
    srv.fan_out_now().await;
    assert!(!notification_kinds(&mut amal).await.iter().any(|(_, p)| *p == pid), "held: the topic's author is not told");
    assert!(!notification_kinds(&mut chama).await.iter().any(|(_, p)| *p == pid), "held: nor its watchers");
    assert!(!srv.mail_files().iter().any(|m| m.contains("motretenu")));

    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["post_id"] == pid.as_str()).map(id).expect("queued");
    let (st, _) = modo
        .post(
            &format!("/api/v1/moderation/items/{item}/decision"),
            json!({"decision": "redact", "note": "numéro", "body": "Elle repond au telephone motpublie."}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(notification_kinds(&mut amal).await.iter().filter(|(_, p)| *p == pid).count(), 1, "the topic's author, told once published");
    srv.fan_out_now().await;
    assert!(notification_kinds(&mut chama).await.contains(&("watched".into(), pid.clone())), "the watchers, by the fan-out");
    let mails = srv.mail_files();
    assert!(mails.iter().any(|m| m.contains("chama@example.org") && m.contains("motpublie")), "mailed the published text");
    assert!(!mails.iter().any(|m| m.contains("motretenu")), "never the held one");
    srv.stop().await;
}
