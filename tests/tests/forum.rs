//! The forum end to end: categories, topics, replies, reactions, the answer
//! mark and paging; screening holds and moderators' decisions; anonymity
//! walked through every forum endpoint, notification and mail; notifications
//! and mail with a signed one-click unsubscribe.

use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, Client, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    topics_replies_reactions_and_paging,
    screening_holds_and_moderators_decide,
    anonymous_authors_never_leak,
    replies_notify_in_the_app_and_by_mail,
    search_finds_published_posts_only,
    enough_flags_hide_a_post_until_a_moderator_decides,
    a_category_named_with_text_no_slug_has_is_a_clear_miss,
    unread_marks_follow_what_each_reader_can_see,
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

async fn moderator(srv: &TestServer, email: &str) -> Client {
    srv.user_with_role(email, Role::Moderator).await
}

async fn topics_replies_reactions_and_paging(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut nobody = srv.client();

    let (st, _) = nobody.get("/api/v1/forum/categories").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "a professional community: sign-in to read");
    let (st, cats) = amal.get("/api/v1/forum/categories?lang=ar").await;
    assert_eq!(st, StatusCode::OK, "{cats}");
    let items = cats["items"].as_array().unwrap();
    assert_eq!(items.len(), 9, "five themes and four territories: {cats}");
    let wellbeing = items.iter().find(|c| c["slug"] == "bien-etre").unwrap();
    assert_eq!((wellbeing["anonymous_allowed"].as_bool(), wellbeing["sensitive"].as_bool()), (Some(true), Some(true)));
    assert_eq!(wellbeing["title"], "رفاه المهنيين", "titles in the reader's language");
    let territories: Vec<String> = items.iter().filter_map(|c| c["territory"].as_str().map(str::to_string)).collect();
    let vocabulary: Vec<String> = sanad_platform::vocabulary::Territory::ALL.iter().map(|t| t.to_string()).collect();
    assert_eq!(territories, vocabulary, "a category for each territory of the vocabulary");

    // Bad input is a problem, never a 500.
    for (body, field) in [
        (json!({"category": "concepts", "title": "Titre", "body": "   "}), "body"),
        (json!({"category": "nulle-part", "title": "Titre", "body": "Texte"}), "category"),
        (json!({"category": "concepts", "title": "", "body": "Texte"}), "title"),
        (json!({"category": "concepts", "title": "Titre", "body": "Texte", "anonymous": true}), "anonymous"),
    ] {
        let got = amal.post("/api/v1/forum/topics", body).await;
        assert_problem(&amal, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
        assert_eq!(got.1["errors"][0]["field"], field, "{}", got.1);
    }

    let (st, topic) = amal
        .post(
            "/api/v1/forum/topics",
            json!({"category": "prise-en-charge", "title": "Fiche de liaison UPE-hôpital",
                   "body": "Quelqu'un a-t-il un modèle ? **merci** <script>alert(1)</script>"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{topic}");
    assert_eq!(topic["status"], "published");
    let tid = id(&topic);

    let (st, list) = badr.get("/api/v1/forum/categories/prise-en-charge/topics").await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list["items"][0]["id"], tid.as_str());
    assert_eq!(list["items"][0]["unread"], true, "{list}");
    assert_eq!(list["items"][0]["author"]["display_name"], "Amal Berrada");
    let (_, cats) = badr.get("/api/v1/forum/categories").await;
    let count = cats["items"].as_array().unwrap().iter().find(|c| c["slug"] == "prise-en-charge").unwrap()["topic_count"].clone();
    assert_eq!(count, 1);

    let (st, reply) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Oui, je vous l'envoie."})).await;
    assert_eq!(st, StatusCode::CREATED, "{reply}");
    let reply_id = reply["post_id"].as_str().unwrap().to_string();
    let (st, view) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(st, StatusCode::OK, "{view}");
    let posts = view["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2);
    let html = posts[0]["body_html"].as_str().unwrap();
    assert!(html.contains("<strong>merci</strong>") && !html.contains("<script"), "{html}");
    assert_eq!(view["topic"]["reply_count"], 1);
    let (_, list) = badr.get("/api/v1/forum/categories/prise-en-charge/topics").await;
    assert_eq!(list["items"][0]["unread"], false, "read once opened: {list}");
    assert_eq!(view["topic"]["last_read_seq"], 0, "first opening");
    let (_, again) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(again["topic"]["last_read_seq"], 2, "where the reader stopped");

    // One reaction of a kind per person.
    let first = posts[0]["id"].as_str().unwrap().to_string();
    let (st1, _) = badr.post(&format!("/api/v1/forum/posts/{first}/reactions"), json!({"kind": "thanks"})).await;
    let (st2, _) = badr.post(&format!("/api/v1/forum/posts/{first}/reactions"), json!({"kind": "thanks"})).await;
    assert_eq!((st1, st2), (StatusCode::CREATED, StatusCode::OK));
    let (_, view) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(view["posts"][0]["reactions"]["thanks"], 1);
    assert_eq!(view["posts"][0]["my_reactions"], json!(["thanks"]));
    let (st, _) = badr.delete(&format!("/api/v1/forum/posts/{first}/reactions/thanks")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, view) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert!(view["posts"][0]["reactions"].get("thanks").is_none(), "{view}");
    let (st, _) = badr.post(&format!("/api/v1/forum/posts/{first}/reactions"), json!({"kind": "love"})).await;
    assert!(st.is_client_error(), "an unknown kind is refused: {st}");

    // Only the topic's author marks the answer, and only a reply of the topic.
    let (st, _) = badr.post(&format!("/api/v1/forum/topics/{tid}/answer"), json!({"post_id": reply_id})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let got = amal.post(&format!("/api/v1/forum/topics/{tid}/answer"), json!({"post_id": first})).await;
    assert_problem(&amal, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
    let (st, _) = amal.post(&format!("/api/v1/forum/topics/{tid}/answer"), json!({"post_id": reply_id})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, view) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(view["topic"]["answer_post_id"], reply_id.as_str());

    // Edits by the author only; deletion by the author.
    let (st, _) = amal.patch(&format!("/api/v1/forum/posts/{reply_id}"), json!({"body": "Changé"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, edited) = badr.patch(&format!("/api/v1/forum/posts/{reply_id}"), json!({"body": "Oui, je vous l'envoie ce soir."})).await;
    assert_eq!(st, StatusCode::OK, "{edited}");
    let (_, view) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert!(view["posts"][1]["body_html"].as_str().unwrap().contains("ce soir"));
    assert!(view["posts"][1]["edited_at"].is_string());

    // A long topic pages by cursor, 20 a page, without overlap (written by a
    // moderator: a new member may not post 25 replies in ten minutes).
    let mut modo = moderator(&srv, "moderatrice@example.org").await;
    for i in 0..25 {
        let (st, _) = modo.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": format!("Message numéro {i} du fil.")})).await;
        assert_eq!(st, StatusCode::CREATED);
    }
    let (_, p1) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(p1["posts"].as_array().unwrap().len(), 20);
    let cursor = p1["next_cursor"].as_str().expect("a next page").to_string();
    let (_, p2) = amal.get(&format!("/api/v1/forum/topics/{tid}?cursor={cursor}")).await;
    assert_eq!(p2["posts"].as_array().unwrap().len(), 7);
    assert!(p2["next_cursor"].is_null());
    assert!(p1["posts"][19]["seq"].as_i64() < p2["posts"][0]["seq"].as_i64());
    let got = amal.get(&format!("/api/v1/forum/topics/{tid}?cursor=garbage")).await;
    assert_problem(&amal, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));

    let (st, _) = badr.delete(&format!("/api/v1/forum/posts/{reply_id}")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, view) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert!(view["posts"].as_array().unwrap().iter().all(|p| p["id"] != reply_id.as_str()));
    assert_eq!(view["topic"]["reply_count"], 25);
    let (st, _) = amal.delete(&format!("/api/v1/forum/posts/{first}")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "deleting the first post deletes the topic");
    srv.stop().await;
}

async fn screening_holds_and_moderators_decide(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut modo = moderator(&srv, "moderatrice@example.org").await;

    let (st, held) = amal
        .post(
            "/api/v1/forum/topics",
            json!({"category": "concepts", "title": "Une famille à rappeler", "body": "Le père répond au 06 98 76 54 32, sa CIN est EE 998877."}),
        )
        .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{held}");
    assert_eq!(held["status"], "held");
    let kinds: Vec<&str> = held["reasons"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"phone") && kinds.contains(&"national_id"), "{held}");
    assert!(held["reasons"][0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    let phone = held["reasons"].as_array().unwrap().iter().find(|r| r["kind"] == "phone").unwrap();
    assert_eq!(
        (phone["passage"].as_str(), phone["field"].as_str()),
        (Some("06 98 76 54 32"), Some("body")),
        "the author sees which passage"
    );
    let hid = id(&held);

    let (st, _) = badr.get(&format!("/api/v1/forum/topics/{hid}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "a held topic is invisible to others");
    let (_, list) = badr.get("/api/v1/forum/categories/concepts/topics").await;
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");
    let (st, mine) = amal.get(&format!("/api/v1/forum/topics/{hid}")).await;
    assert_eq!(st, StatusCode::OK, "its author sees it, with the reasons: {mine}");
    assert_eq!(mine["posts"][0]["status"], "held");
    assert!(!mine["posts"][0]["reasons"].as_array().unwrap().is_empty());

    let (st, _) = badr.get("/api/v1/moderation/queue").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, queue) = modo.get("/api/v1/moderation/queue").await;
    assert_eq!(st, StatusCode::OK, "{queue}");
    let entry = queue["items"].as_array().unwrap().iter().find(|i| i["topic_id"] == hid.as_str()).expect("queued").clone();
    assert!(entry["body_html"].as_str().unwrap().contains("98 76"));

    // A redaction without a text is refused; with one it publishes the new text and keeps a note.
    let got = modo.post(&format!("/api/v1/moderation/items/{}/decision", id(&entry)), json!({"decision": "redact", "note": "n"})).await;
    assert_problem(&modo, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
    // A note with a NUL (which PostgreSQL cannot store; schemathesis sent one) is a 422, and decides nothing.
    let got =
        modo.post(&format!("/api/v1/moderation/items/{}/decision", id(&entry)), json!({"decision": "reject", "note": "R\u{0}x"})).await;
    assert_problem(&modo, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
    assert_eq!(got.1["errors"][0]["code"], "control_characters", "{}", got.1);
    let (st, decided) = modo
        .post(
            &format!("/api/v1/moderation/items/{}/decision", id(&entry)),
            json!({"decision": "redact", "note": "numéros retirés", "body": "Le père peut être joint par l'UPE."}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{decided}");
    assert_eq!(decided["status"], "published");
    let (st, seen) = badr.get(&format!("/api/v1/forum/topics/{hid}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(!seen.to_string().contains("98 76"), "{seen}");
    let (st, _) = modo.post(&format!("/api/v1/moderation/items/{}/decision", id(&entry)), json!({"decision": "approve"})).await;
    assert_eq!(st, StatusCode::CONFLICT, "decided once");

    // A held reply: rejected, it stays hidden; another, approved, is published.
    let (_, open) =
        badr.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Signalement", "body": "Comment faire ?"})).await;
    let oid = id(&open);
    let (st, r1) = amal.post(&format!("/api/v1/forum/topics/{oid}/posts"), json!({"body": "Appelez le +212 661 23 45 67."})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{r1}");
    let (st, r2) = amal.post(&format!("/api/v1/forum/topics/{oid}/posts"), json!({"body": "Ou le 0537 12 34 56."})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{r2}");
    let (_, seen) = badr.get(&format!("/api/v1/forum/topics/{oid}")).await;
    assert_eq!(seen["posts"].as_array().unwrap().len(), 1, "held replies hidden: {seen}");
    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    let item_of =
        |post: &Value| queue["items"].as_array().unwrap().iter().find(|i| i["post_id"] == post["post_id"]).map(id).expect("queued reply");
    let (st, _) =
        modo.post(&format!("/api/v1/moderation/items/{}/decision", item_of(&r1)), json!({"decision": "reject", "note": "x"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = modo.post(&format!("/api/v1/moderation/items/{}/decision", item_of(&r2)), json!({"decision": "approve"})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, seen) = badr.get(&format!("/api/v1/forum/topics/{oid}")).await;
    let bodies: Vec<&str> = seen["posts"].as_array().unwrap().iter().map(|p| p["body_html"].as_str().unwrap()).collect();
    assert_eq!(bodies.len(), 2, "{seen}");
    assert!(bodies[1].contains("0537"));
    assert_eq!(seen["topic"]["reply_count"], 1);

    // An edit that brings identifying data back holds the post again.
    let (st, again) =
        badr.patch(&format!("/api/v1/forum/posts/{}", seen["posts"][0]["id"].as_str().unwrap()), json!({"body": "Mon 0661234567"})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{again}");
    let (st, _) = amal.get(&format!("/api/v1/forum/topics/{oid}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "the first post held again holds the topic");
    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    assert_eq!(queue["items"].as_array().unwrap().len(), 1, "{queue}");
    srv.stop().await;
}

async fn anonymous_authors_never_leak(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    let mut modo = moderator(&srv, "moderatrice@example.org").await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let (_, me) = amal.get("/api/v1/me").await;
    let amal_id = id(&me);

    let (st, topic) = amal
        .post(
            "/api/v1/forum/topics",
            json!({"category": "bien-etre", "title": "Épuisée après trois dévoilements", "body": "Je n'arrive plus à dormir.", "anonymous": true}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{topic}");
    let tid = id(&topic);
    let (st, _) = chama.put(&format!("/api/v1/forum/topics/{tid}/subscription"), json!({"level": "watching"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Courage, parlons-en."})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, r3) =
        amal.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Merci, cela m'aide beaucoup.", "anonymous": true})).await;
    assert_eq!(st, StatusCode::CREATED);
    // Anonymous again in another topic: another pseudonym.
    let (_, other) = amal
        .post("/api/v1/forum/topics", json!({"category": "bien-etre", "title": "Supervision", "body": "Qui en a ?", "anonymous": true}))
        .await;
    srv.fan_out_now().await;
    srv.index_now().await;
    let (_, found) = badr.get("/api/v1/forum/search?q=dormir").await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "the walk below sees the anonymous post in search: {found}");

    let secrets = ["Amal Berrada", "amal@example.org", amal_id.as_str()];
    // Every GET of the forum, its moderation and the notifications in the
    // OpenAPI document, with each topic and a few searches, as two other members.
    let (_, spec) = badr.get("/api/openapi.json").await;
    let templates: Vec<String> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, ops)| {
            ops.get("get").is_some()
                && ["/api/v1/forum/", "/api/v1/moderation/", "/api/v1/me/notification"].iter().any(|p| path.starts_with(p))
        })
        .map(|(path, _)| path.clone())
        .collect();
    let post = r3["post_id"].as_str().unwrap().to_string();
    let mut paths = Vec::new();
    for template in &templates {
        let filled: Vec<String> = match template.as_str() {
            // Needs no session and names nobody: followed in the notification scenario.
            "/api/v1/forum/unsubscribe/{token}" => continue,
            "/api/v1/forum/search" => {
                ["dormir", "aide%20beaucoup", "supervision", "courage"].iter().map(|q| format!("{template}?q={q}")).collect()
            }
            "/api/v1/moderation/posts/{id}/author" => vec![template.replace("{id}", &post)],
            t if t.contains("{id}") => vec![t.replace("{id}", &tid), t.replace("{id}", &id(&other))],
            t => vec![t.replace("{slug}", "bien-etre")],
        };
        paths.extend(filled);
    }
    assert!(templates.len() >= 8, "the walk covers the forum's reads: {templates:?}");
    for who in [&mut badr, &mut chama] {
        for path in &paths {
            let (st, body) = who.get(path).await;
            let members_may = !path.starts_with("/api/v1/moderation/");
            assert_eq!(st, if members_may { StatusCode::OK } else { StatusCode::FORBIDDEN }, "{path}: {body}");
            let text = body.to_string();
            assert!(secrets.iter().all(|s| !text.contains(s)), "{path} reveals the anonymous author: {text}");
        }
        // What members' writes answer about her posts names nobody either.
        for (st, body) in [
            who.put(&format!("/api/v1/forum/topics/{tid}/subscription"), json!({"level": "watching"})).await,
            who.post(&format!("/api/v1/forum/posts/{post}/reactions"), json!({"kind": "support"})).await,
            who.post(&format!("/api/v1/forum/posts/{post}/flags"), json!({"reason": "other"})).await,
        ] {
            assert!(st.is_success() && secrets.iter().all(|s| !body.to_string().contains(s)), "{st} {body}");
        }
    }
    // The notifications name the pseudonym, and chama was told of both posts.
    let (_, notes) = chama.get("/api/v1/me/notifications").await;
    assert_eq!(notes["items"].as_array().unwrap().len(), 2, "{notes}");
    assert!(notes["items"].as_array().unwrap().iter().any(|n| n["actor"]["pseudonym"].is_string()));
    // Moderators see the pseudonym in the queue like members do.
    let (_, mine) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert!(!mine.to_string().contains("Amal Berrada"), "the author's own view shows the pseudonym too");
    // And no mail to watchers names her.
    for mail in srv.mail_files() {
        if mail.contains("chama@example.org") && mail.contains("forum") {
            assert!(secrets.iter().all(|s| !mail.contains(s)), "{mail}");
        }
    }

    let (_, view) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    let authors: Vec<Value> = view["posts"].as_array().unwrap().iter().map(|p| p["author"].clone()).collect();
    assert_eq!(authors.len(), 3);
    assert_eq!(authors[0], authors[2], "one pseudonym per person in a topic");
    assert_ne!(authors[0], authors[1]);
    assert_eq!(authors[0].as_object().unwrap().keys().collect::<Vec<_>>(), ["pseudonym"], "{}", authors[0]);
    assert_eq!(authors[1]["display_name"], "Badr Chraibi");
    let (_, other_view) = badr.get(&format!("/api/v1/forum/topics/{}", id(&other))).await;
    let _ = other_view["posts"][0]["author"]["pseudonym"].as_str().expect("a pseudonym");

    // The moderators' look-up, audited every time; members and moderators may not read the audit.
    let post = post.as_str();
    let (st, _) = badr.get(&format!("/api/v1/moderation/posts/{post}/author")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    for _ in 0..2 {
        let (st, who) = modo.get(&format!("/api/v1/moderation/posts/{post}/author")).await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(who["user_id"], amal_id.as_str());
        assert_eq!(who["display_name"], "Amal Berrada");
    }
    let (st, _) = modo.get("/api/v1/moderation/audit").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, audit) = admin.get("/api/v1/moderation/audit").await;
    assert_eq!(st, StatusCode::OK, "{audit}");
    let lookups: Vec<&Value> = audit["items"].as_array().unwrap().iter().filter(|a| a["action"] == "author_lookup").collect();
    assert_eq!(lookups.len(), 2);
    assert_eq!(lookups[0]["subject_id"], amal_id.as_str());
    srv.stop().await;
}

async fn replies_notify_in_the_app_and_by_mail(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    srv.drain_mail().await;
    let before = srv.mail_files().len();

    let (_, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Ateliers parents", "body": "Vos idées ?"})).await;
    let tid = id(&topic);
    let (st, _) = chama.put(&format!("/api/v1/forum/topics/{tid}/subscription"), json!({"level": "watching"})).await;
    assert_eq!(st, StatusCode::OK);
    let got = chama.put(&format!("/api/v1/forum/topics/{tid}/subscription"), json!({"level": "loud"})).await;
    assert!(got.0.is_client_error());
    let (st, _) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Un atelier sur l'écoute motvisible."})).await;
    assert_eq!(st, StatusCode::CREATED);

    // The topic's author is told at once, in the transaction of the reply.
    let (_, notes) = amal.get("/api/v1/me/notifications").await;
    assert_eq!(notes["unread"], 1, "{notes}");
    assert_eq!(notes["items"][0]["kind"], "reply");
    assert_eq!(notes["items"][0]["actor"]["display_name"], "Badr Chraibi");
    // Watchers are told by the fan-out job.
    srv.fan_out_now().await;
    let (_, notes) = chama.get("/api/v1/me/notifications").await;
    assert_eq!((notes["unread"].as_i64(), notes["items"][0]["kind"].as_str()), (Some(1), Some("watched")), "{notes}");
    let (_, notes) = badr.get("/api/v1/me/notifications").await;
    assert_eq!(notes["unread"], 0, "nobody is told of their own post");

    let mails: Vec<String> = srv.mail_files().into_iter().filter(|m| m.contains("Ateliers parents")).collect();
    assert_eq!(srv.mail_files().len() - before, 2, "one mail to the author, one to the watcher");
    assert_eq!(mails.len(), 2, "an ordinary category's mail names the topic");
    for mail in &mails {
        assert!(mail.contains("motvisible"), "and quotes the post: {mail}");
        assert!(mail.contains("List-Unsubscribe: <http://sanad.test/api/v1/forum/unsubscribe/"), "{mail}");
        assert!(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    }
    let to_chama = mails.iter().find(|m| m.contains("chama@example.org")).unwrap();
    let start = to_chama.find("/api/v1/forum/unsubscribe/").unwrap();
    let link: String = to_chama[start..].chars().take_while(|c| !c.is_whitespace() && *c != '>').collect();

    // A sensitive category's mail carries a link only.
    let (_, sensitive) =
        amal.post("/api/v1/forum/topics", json!({"category": "bien-etre", "title": "Fatigue", "body": "Je craque."})).await;
    let sid = id(&sensitive);
    let (st, _) = badr.post(&format!("/api/v1/forum/topics/{sid}/posts"), json!({"body": "Parlons-en motsecret."})).await;
    assert_eq!(st, StatusCode::CREATED);
    srv.fan_out_now().await;
    let to_amal: Vec<String> = srv.mail_files().into_iter().filter(|m| m.contains("amal@example.org") && m.contains(&sid)).collect();
    assert_eq!(to_amal.len(), 1);
    assert!(!to_amal[0].contains("motsecret") && !to_amal[0].contains("Fatigue") && !to_amal[0].contains("Badr"), "{}", to_amal[0]);

    // Marking read, settings, and the one-click unsubscribe (no session, signed).
    let (_, notes) = amal.get("/api/v1/me/notifications").await;
    assert_eq!(notes["unread"], 2);
    let first = notes["items"][0]["id"].as_str().unwrap().to_string();
    let (st, _) = amal.post("/api/v1/me/notifications/read", json!({"ids": [first]})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, notes) = amal.get("/api/v1/me/notifications").await;
    assert_eq!(notes["unread"], 1);
    let (st, _) = amal.post("/api/v1/me/notifications/read", json!({"all": true})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, notes) = amal.get("/api/v1/me/notifications").await;
    assert_eq!(notes["unread"], 0);
    let got = amal.post("/api/v1/me/notifications/read", json!({})).await;
    assert_problem(&amal, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));

    let (_, settings) = chama.get("/api/v1/me/notification-settings").await;
    assert_eq!(settings["email"], "immediate");
    let mut stranger = srv.client();
    let (st, _) = stranger.get(&format!("{link}x")).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "a forged link does nothing");
    let (st, done) = stranger.get(&link).await;
    assert_eq!(st, StatusCode::OK, "{done}");
    let (_, settings) = chama.get("/api/v1/me/notification-settings").await;
    assert_eq!(settings["email"], "off");
    let mails_before = srv.mail_files().len();
    badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Encore une idée."})).await;
    srv.fan_out_now().await;
    let new: Vec<String> = srv.mail_files();
    assert_eq!(new.iter().filter(|m| m.contains("chama@example.org") && m.contains("/forum/")).count(), 1, "no more mail to chama");
    assert_eq!(new.len(), mails_before + 1, "the author is still mailed");
    let (st, settings) = chama.put("/api/v1/me/notification-settings", json!({"email": "weekly"})).await;
    assert_eq!((st, settings["email"].as_str()), (StatusCode::OK, Some("weekly")));
    srv.stop().await;
}

async fn search_finds_published_posts_only(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let (_, topic) = amal
        .post(
            "/api/v1/forum/topics",
            json!({"category": "prise-en-charge", "title": "Fiche de liaison UPE-hôpital", "body": "Un modèle de fiche ? motunique1"}),
        )
        .await;
    let tid = id(&topic);
    let (_, reply) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Les éducatrices utilisent la grille."})).await;
    let (st, held) = amal
        .post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Rappel", "body": "Appeler le 06 98 76 54 32 motcache"}))
        .await;
    assert_eq!(st, StatusCode::ACCEPTED, "{held}");
    srv.index_now().await;

    let mut nobody = srv.client();
    let (st, _) = nobody.get("/api/v1/forum/search?q=fiche").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let got = badr.get("/api/v1/forum/search?q=%20").await;
    assert_problem(&badr, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));

    let topics_of =
        |v: &Value| v["items"].as_array().unwrap().iter().map(|i| i["topic_id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    for q in ["motunique1", "fiche%20liaison", "hopital", "FICHES", "educatrice"] {
        let (st, found) = badr.get(&format!("/api/v1/forum/search?q={q}")).await;
        assert_eq!(st, StatusCode::OK, "{found}");
        assert!(topics_of(&found).contains(&tid), "{q}: {found}");
    }
    let (_, found) = badr.get("/api/v1/forum/search?q=motunique1").await;
    let hit = &found["items"][0];
    assert_eq!(hit["title"], "Fiche de liaison UPE-hôpital");
    assert_eq!(hit["author"]["display_name"], "Amal Berrada");
    assert!(hit["snippet_html"].as_str().unwrap().contains("<mark>motunique1</mark>"), "{hit}");
    let (_, found) = badr.get("/api/v1/forum/search?q=fiche&category=concepts").await;
    assert!(found["items"].as_array().unwrap().is_empty(), "the category filter: {found}");
    let (_, found) = amal.get("/api/v1/forum/search?q=motcache").await;
    assert!(found["items"].as_array().unwrap().is_empty(), "never a held post, even to its author: {found}");

    // A deleted post leaves the results.
    let (st, _) = badr.delete(&format!("/api/v1/forum/posts/{}", reply["post_id"].as_str().unwrap())).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    srv.index_now().await;
    let (_, found) = amal.get("/api/v1/forum/search?q=grille").await;
    assert!(found["items"].as_array().unwrap().is_empty(), "{found}");

    // Results page by cursor.
    for i in 0..5 {
        badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": format!("Réponse commune numéro {i}.")})).await;
    }
    srv.index_now().await;
    let (_, p1) = amal.get("/api/v1/forum/search?q=commune&limit=3").await;
    let cursor = p1["next_cursor"].as_str().expect("a next page").to_string();
    let (_, p2) = amal.get(&format!("/api/v1/forum/search?q=commune&limit=3&cursor={cursor}")).await;
    let ids = |v: &Value| v["items"].as_array().unwrap().iter().map(|i| i["post_id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let (a, b) = (ids(&p1), ids(&p2));
    assert_eq!((a.len(), b.len()), (3, 2));
    assert!(a.iter().all(|x| !b.contains(x)));
    srv.stop().await;
}

async fn enough_flags_hide_a_post_until_a_moderator_decides(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    let mut dalia = srv.member("dalia@example.org", "Dalia El Fassi").await;
    let mut modo = moderator(&srv, "moderatrice@example.org").await;
    let (_, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Définitions", "body": "Vos sources ?"})).await;
    let tid = id(&topic);
    let (_, reply) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Une réponse discutable."})).await;
    let post = reply["post_id"].as_str().unwrap().to_string();
    let flag = |reason: &str| json!({"reason": reason, "note": "à revoir"});

    let got = chama.post(&format!("/api/v1/forum/posts/{post}/flags"), json!({"reason": "boring"})).await;
    assert!(got.0.is_client_error(), "{got:?}");
    let (st, first) = chama.post(&format!("/api/v1/forum/posts/{post}/flags"), flag("harmful")).await;
    assert_eq!((st, first["hidden"].as_bool()), (StatusCode::CREATED, Some(false)), "{first}");
    let (st, _) = chama.post(&format!("/api/v1/forum/posts/{post}/flags"), flag("harmful")).await;
    assert_eq!(st, StatusCode::OK, "a member's flag counts once");
    let (st, _) = dalia.post(&format!("/api/v1/forum/posts/{post}/flags"), flag("spam")).await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["post_id"] == post.as_str()).expect("flagged posts are queued").clone();
    assert_eq!((item["cause"].as_str(), item["flags"].as_i64()), (Some("flags"), Some(2)), "{item}");
    let (_, view) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(view["posts"].as_array().unwrap().len(), 2, "two flags do not hide it");

    let (st, third) = amal.post(&format!("/api/v1/forum/posts/{post}/flags"), flag("other")).await;
    assert_eq!((st, third["hidden"].as_bool()), (StatusCode::CREATED, Some(true)), "{third}");
    let (_, view) = chama.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(view["posts"].as_array().unwrap().len(), 1, "hidden from members: {view}");
    assert_eq!(view["topic"]["reply_count"], 0);
    let (_, own) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(own["posts"][1]["status"], "held", "its author still sees it");

    let (st, _) = modo.post(&format!("/api/v1/moderation/items/{}/decision", id(&item)), json!({"decision": "approve"})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, view) = chama.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(view["posts"].as_array().unwrap().len(), 2, "approved, it is back");
    let (st, again) = chama.post(&format!("/api/v1/forum/posts/{post}/flags"), flag("harmful")).await;
    assert_eq!((st, again["hidden"].as_bool()), (StatusCode::CREATED, Some(false)), "flags count afresh after a decision");
    srv.stop().await;
}

/// A category is named by a slug; any other text in its place (a NUL byte,
/// which PostgreSQL refuses in text, spaces, capitals, a very long name) is
/// a 404 or a 422 naming the field, never a 500, and the topics stored stay.
async fn a_category_named_with_text_no_slug_has_is_a_clear_miss(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let (st, topic) = amal.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Signalement", "body": "Un texte."})).await;
    assert_eq!(st, StatusCode::CREATED, "{topic}");
    let long = "a".repeat(65);
    for slug in ["a%00b", "%00", "Concepts", "con%20cepts", "concepts%0A", long.as_str()] {
        for path in [format!("/api/v1/forum/categories/{slug}/topics"), format!("/api/v1/forum/categories/{slug}/subscription")] {
            let (st, body) = amal.get(&path).await;
            assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {body}");
        }
    }
    for category in ["con\u{0}cepts", "\u{0}", "Concepts"] {
        let (st, body) = amal.post("/api/v1/forum/topics", json!({"category": category, "title": "Un titre", "body": "Un texte."})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{category:?}: {body}");
        assert_eq!(body["errors"][0]["field"], "category", "{body}");
    }
    let (_, list) = amal.get("/api/v1/forum/categories/concepts/topics").await;
    assert_eq!(list["items"][0]["id"], topic["id"], "{list}");
}

/// Whether the topic `tid` is unread in `who`'s list of "concepts".
async fn unread_for(who: &mut Client, tid: &str) -> bool {
    let (st, list) = who.get("/api/v1/forum/categories/concepts/topics").await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let topic = list["items"].as_array().unwrap().iter().find(|t| t["id"] == tid).unwrap_or_else(|| panic!("{tid} listed: {list}"));
    topic["unread"].as_bool().unwrap()
}

/// A topic is unread while it has a post its reader can see and has not:
/// neither their own post nor a post held, rejected or deleted makes it so.
async fn unread_marks_follow_what_each_reader_can_see(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    let mut dounia = srv.member("dounia@example.org", "Dounia Fassi").await;
    let mut modo = moderator(&srv, "moderatrice@example.org").await;

    let (st, topic) = amal
        .post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Écoute", "body": "Comment recevez-vous un enfant ?"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{topic}");
    let tid = id(&topic);
    assert!(!unread_for(&mut amal, &tid).await, "her own topic is read by its author");
    assert!(unread_for(&mut badr, &tid).await);

    // Badr reads, then replies: his reply is not news to him, it is to Amal.
    badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    let (st, _) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Dans un lieu calme."})).await;
    assert_eq!(st, StatusCode::CREATED);
    assert!(!unread_for(&mut badr, &tid).await, "his own reply is read by him");
    assert!(unread_for(&mut amal, &tid).await, "Badr's reply is news to Amal");
    // Dounia replies without having read the topic: what she has not seen stays unread.
    let (st, _) = dounia.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Je m'assieds à sa hauteur."})).await;
    assert_eq!(st, StatusCode::CREATED);
    assert!(unread_for(&mut dounia, &tid).await, "posts she never saw stay unread");
    for reader in [&mut amal, &mut badr, &mut dounia] {
        reader.get(&format!("/api/v1/forum/topics/{tid}")).await;
        assert!(!unread_for(reader, &tid).await, "read once opened");
    }

    // A held reply is nothing others can read: the topic stays read for them.
    let (st, held) = chama.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Sa mère est au 06 61 23 45 67."})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{held}");
    assert!(!unread_for(&mut amal, &tid).await, "a held reply is not unread to others");
    amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert!(!unread_for(&mut amal, &tid).await);
    // Approved, it is news.
    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["post_id"] == held["post_id"]).map(id).expect("queued");
    let (st, _) = modo.post(&format!("/api/v1/moderation/items/{item}/decision"), json!({"decision": "approve"})).await;
    assert_eq!(st, StatusCode::OK);
    assert!(unread_for(&mut amal, &tid).await, "an approved reply is news");
    amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert!(!unread_for(&mut amal, &tid).await);

    // A reply deleted by its author before anyone read it leaves nothing unread.
    let (st, gone) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Erreur de sujet."})).await;
    assert_eq!(st, StatusCode::CREATED);
    assert!(unread_for(&mut amal, &tid).await);
    let (st, _) = badr.delete(&format!("/api/v1/forum/posts/{}", gone["post_id"].as_str().unwrap())).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert!(!unread_for(&mut amal, &tid).await, "a deleted reply is not unread");
    // And one rejected by a moderator the same.
    let (st, held) = chama.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Il habite derb Omar, rue 12."})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{held}");
    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["post_id"] == held["post_id"]).map(id).expect("queued");
    let (st, _) = modo.post(&format!("/api/v1/moderation/items/{item}/decision"), json!({"decision": "reject", "note": "adresse"})).await;
    assert_eq!(st, StatusCode::OK);
    assert!(!unread_for(&mut amal, &tid).await, "a rejected reply is not unread");

    // Hidden by enough flags, or sent back to screening by its author's edit: not unread either.
    let (_, flagged) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Une réponse discutable."})).await;
    assert!(unread_for(&mut amal, &tid).await);
    let flagged = flagged["post_id"].as_str().unwrap().to_string();
    for member in [&mut chama, &mut dounia, &mut amal] {
        let (st, _) = member.post(&format!("/api/v1/forum/posts/{flagged}/flags"), json!({"reason": "harmful", "note": "à revoir"})).await;
        assert_eq!(st, StatusCode::CREATED);
    }
    assert!(!unread_for(&mut amal, &tid).await, "a hidden reply is not unread");
    let (_, edited) = dounia.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Je rappelle demain."})).await;
    assert!(unread_for(&mut amal, &tid).await);
    let (st, _) = dounia
        .patch(&format!("/api/v1/forum/posts/{}", edited["post_id"].as_str().unwrap()), json!({"body": "Appelez-moi au 0661234567."}))
        .await;
    assert_eq!(st, StatusCode::ACCEPTED);
    assert!(!unread_for(&mut amal, &tid).await, "a reply held again is not unread");
    // The topic says which post is its last published one, for "jump to first unread".
    let (_, view) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    let last = view["posts"].as_array().unwrap().last().unwrap()["seq"].clone();
    assert_eq!((view["topic"]["last_published_seq"].as_i64(), last.as_i64()), (Some(4), Some(4)), "posts 5 to 8 are gone or held: {view}");
    srv.stop().await;
}
