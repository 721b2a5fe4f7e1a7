//! The forum's moderation, limits and index end to end: rate limits per
//! member that hold under parallel requests (stricter for new accounts,
//! moderators exempt), the edit history that only moderators read and
//! redact, what the SPA needs to edit a post, and the index of posts on disk
//! (kept across restarts, its old events pruned).

use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, Client, Options, TestServer, assert_problem, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    parallel_replies_never_pass_the_limit,
    new_accounts_open_fewer_topics,
    edit_history_is_for_moderators_only,
    the_index_of_posts_outlives_a_restart,
);

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

/// Sends `n` replies to `topic` from `who` at once (one cookie jar, many requests in flight); the statuses.
async fn replies_at_once(who: &Client, topic: &str, n: usize) -> Vec<StatusCode> {
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let mut c = who.clone();
        let path = format!("/api/v1/forum/topics/{topic}/posts");
        tasks.push(tokio::spawn(async move { c.post(&path, json!({"body": format!("Réponse en parallèle {i}.")})).await.0 }));
    }
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.expect("request task"));
    }
    out
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn parallel_replies_never_pass_the_limit(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    let modo = srv.user_with_role("moderatrice@example.org", Role::Moderator).await;
    let (st, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Ateliers", "body": "Vos idées ?"})).await;
    assert_eq!(st, StatusCode::CREATED, "{topic}");
    let tid = id(&topic);

    // A new account: ten replies in ten minutes, however many arrive at once.
    let got = replies_at_once(&badr, &tid, 16).await;
    assert_eq!((count(&got, StatusCode::CREATED), count(&got, StatusCode::TOO_MANY_REQUESTS)), (10, 6), "{got:?}");
    let refused = badr.post(&format!("/api/v1/forum/topics/{tid}/posts?lang=ar"), json!({"body": "Encore une."})).await;
    assert_problem(&badr, StatusCode::TOO_MANY_REQUESTS, (refused.0, &refused.1));
    let wait: i64 = badr.last_headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("Retry-After");
    assert!((1..=600).contains(&wait), "{wait}");
    let detail = refused.1["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("دقيقة") && detail.contains("7"), "in the member's language, saying new accounts have less: {detail}");
    let (_, view) = amal.get(&format!("/api/v1/forum/topics/{tid}?limit=100")).await;
    assert_eq!(view["topic"]["reply_count"], 10, "{view}");

    // Moderators are exempt.
    let got = replies_at_once(&modo, &tid, 40).await;
    assert_eq!(count(&got, StatusCode::CREATED), 40, "{got:?}");

    // A week on, the accounts are no longer new: thirty in ten minutes, still exactly.
    srv.clock().advance(chrono::Duration::days(8));
    let got = replies_at_once(&chama, &tid, 36).await;
    assert_eq!((count(&got, StatusCode::CREATED), count(&got, StatusCode::TOO_MANY_REQUESTS)), (30, 6), "{got:?}");
    let refused = chama.post(&format!("/api/v1/forum/topics/{tid}/posts?lang=en"), json!({"body": "Encore une."})).await;
    assert_eq!(refused.0, StatusCode::TOO_MANY_REQUESTS);
    let detail = refused.1["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("You have posted") && !detail.contains("younger"), "{detail}");
    // Waiting is enough: refusals are not counted.
    srv.clock().advance(chrono::Duration::minutes(11));
    let (st, _) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "De retour."})).await;
    assert_eq!(st, StatusCode::CREATED);
    srv.stop().await;
}

async fn new_accounts_open_fewer_topics(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut dalia = srv.member("dalia@example.org", "Dalia El Fassi").await;
    let mut modo = srv.user_with_role("moderatrice@example.org", Role::Moderator).await;
    let topic = |i: usize| json!({"category": "concepts", "title": format!("Question {i}"), "body": "Une question."});
    for i in 0..5 {
        let (st, body) = dalia.post("/api/v1/forum/topics", topic(i)).await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
    }
    // A held topic counts too: what was written is what counts.
    let got = dalia.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Rappel", "body": "Au 06 98 76 54 32."})).await;
    assert_problem(&dalia, StatusCode::TOO_MANY_REQUESTS, (got.0, &got.1));
    assert!(got.1["detail"].as_str().unwrap_or_default().contains("sujets"), "French by default: {}", got.1);
    for i in 0..12 {
        let (st, body) = modo.post("/api/v1/forum/topics", topic(100 + i)).await;
        assert_eq!(st, StatusCode::CREATED, "moderators are exempt: {body}");
    }
    // An hour later she may open topics again.
    srv.clock().advance(chrono::Duration::minutes(61));
    let (st, _) = dalia.post("/api/v1/forum/topics", topic(6)).await;
    assert_eq!(st, StatusCode::CREATED);
    srv.stop().await;
}

async fn edit_history_is_for_moderators_only(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut modo = srv.user_with_role("moderatrice@example.org", Role::Moderator).await;
    let mut admin = srv.user_with_role("admin@example.org", Role::Admin).await;
    let (_, topic) = amal.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Sources", "body": "Vos sources ?"})).await;
    let tid = id(&topic);
    let (_, reply) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Première *version*."})).await;
    let post = reply["post_id"].as_str().unwrap().to_string();

    // The author reads their own Markdown to edit from; others read neither it nor whose it is.
    let (_, view) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!((view["posts"][1]["mine"].as_bool(), view["posts"][1]["body"].as_str()), (Some(true), Some("Première *version*.")));
    assert_eq!(view["posts"][0]["mine"], false);
    assert!(view["posts"][0]["body"].is_null(), "{view}");
    let (_, view) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!((view["posts"][1]["mine"].as_bool(), view["posts"][1]["body"].is_null()), (Some(false), true), "{view}");
    let (_, view) = modo.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(view["posts"][1]["body"], "Première *version*.", "moderators read the Markdown too");

    for body in ["Deuxième version.", "Troisième version."] {
        let (st, _) = badr.patch(&format!("/api/v1/forum/posts/{post}"), json!({"body": body})).await;
        assert_eq!(st, StatusCode::OK);
    }
    for who in [&mut badr, &mut amal] {
        let (st, _) = who.get(&format!("/api/v1/moderation/posts/{post}/revisions")).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "authors and members never read the history");
    }
    let (st, history) = modo.get(&format!("/api/v1/moderation/posts/{post}/revisions")).await;
    assert_eq!(st, StatusCode::OK, "{history}");
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{history}");
    assert_eq!(items[0]["body"], "Première *version*.");
    assert_eq!(items[1]["body"], "Deuxième version.");
    assert_eq!(items[0]["author"]["display_name"], "Badr Chraibi");
    assert_eq!(items[0]["replaced_by"]["display_name"], "Badr Chraibi");
    assert!(items[0]["written_at"].as_str() <= items[0]["replaced_at"].as_str());
    assert_eq!(items[1]["written_at"], items[0]["replaced_at"], "each text was written when the one before was replaced");
    assert!(items[0]["redaction"].is_null());
    let (_, page) = modo.get(&format!("/api/v1/moderation/posts/{post}/revisions?limit=1")).await;
    let cursor = page["next_cursor"].as_str().expect("a next page").to_string();
    let (_, page2) = modo.get(&format!("/api/v1/moderation/posts/{post}/revisions?limit=1&cursor={cursor}")).await;
    assert_eq!(page2["items"][0]["id"], items[1]["id"]);
    assert_eq!(page2["items"][0]["author"]["display_name"], "Badr Chraibi", "the writer of a page's first text is known");

    // A moderator redacts the first text: replaced, with the note and the moderator kept, and audited.
    let first = id(&items[0]);
    let path = format!("/api/v1/moderation/revisions/{first}/redaction");
    let (st, _) = badr.post(&path, json!({"note": "x"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let got = modo.post(&path, json!({"note": "  "})).await;
    assert_problem(&modo, StatusCode::UNPROCESSABLE_ENTITY, (got.0, &got.1));
    let (st, _) = modo.post("/api/v1/moderation/revisions/0190f3a0-0000-7000-8000-000000000000/redaction", json!({"note": "n"})).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, redacted) = modo.post(&path, json!({"note": "un nom retiré", "body": "[retiré]"})).await;
    assert_eq!(st, StatusCode::OK, "{redacted}");
    assert_eq!((redacted["body"].as_str(), redacted["redaction"]["note"].as_str()), (Some("[retiré]"), Some("un nom retiré")));
    assert_eq!(redacted["redaction"]["moderator"]["display_name"], "Test person");
    let (_, history) = modo.get(&format!("/api/v1/moderation/posts/{post}/revisions")).await;
    assert!(!history.to_string().contains("Première"), "{history}");
    assert_eq!(history["items"][1]["body"], "Deuxième version.", "only that text");
    let (_, audit) = admin.get("/api/v1/moderation/audit").await;
    let entry = audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "redact_revision").expect("audited").clone();
    assert_eq!((entry["revision_id"].as_str(), entry["post_id"].as_str()), (Some(first.as_str()), Some(post.as_str())));
    assert_eq!(entry["actor_name"], "Test person", "the audit log names people: {entry}");

    // An anonymous author stays a pseudonym in the history, even to moderators.
    let (_, anon) = amal
        .post("/api/v1/forum/topics", json!({"category": "bien-etre", "title": "Fatigue", "body": "Je craque.", "anonymous": true}))
        .await;
    let (_, view) = amal.get(&format!("/api/v1/forum/topics/{}", id(&anon))).await;
    let first_post = view["posts"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(view["posts"][0]["mine"], true, "the author knows their own anonymous post");
    let (_, other) = badr.get(&format!("/api/v1/forum/topics/{}", id(&anon))).await;
    assert_eq!((other["posts"][0]["mine"].as_bool(), other["posts"][0]["body"].is_null()), (Some(false), true));
    let (st, _) = amal.patch(&format!("/api/v1/forum/posts/{first_post}"), json!({"body": "Je tiens bon."})).await;
    assert_eq!(st, StatusCode::OK);
    let (_, history) = modo.get(&format!("/api/v1/moderation/posts/{first_post}/revisions")).await;
    assert!(history["items"][0]["author"]["pseudonym"].is_string(), "{history}");
    assert!(!history.to_string().contains("Amal"), "{history}");

    // The queue carries the Markdown to redact from.
    let (st, _) = badr.patch(&format!("/api/v1/forum/posts/{post}"), json!({"body": "Appelez le **06 98 76 54 32**."})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "an edit is screened again");
    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["post_id"] == post.as_str()).expect("queued").clone();
    assert_eq!(item["body"], "Appelez le **06 98 76 54 32**.");
    srv.stop().await;
}

/// The files of the index's segments (not its bookkeeping, which every commit rewrites).
fn segment_files(srv: &TestServer) -> Vec<String> {
    let dir = srv.data_dir.path().join("forum-index");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the forum's index is in the data directory")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.ends_with(".lock") && !n.ends_with(".json") && !n.starts_with("sanad-"))
        .collect();
    names.sort();
    names
}

async fn found(who: &mut Client, q: &str) -> usize {
    let (st, page) = who.get(&format!("/api/v1/forum/search?q={q}")).await;
    assert_eq!(st, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().len()
}

async fn the_index_of_posts_outlives_a_restart(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let (_, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Fiche", "body": "Un mot motdurable."})).await;
    amal.post(&format!("/api/v1/forum/topics/{}/posts", id(&topic)), json!({"body": "Et motdurable encore."})).await;
    srv.index_now().await;
    assert_eq!(found(&mut amal, "motdurable").await, 2);

    // A week on, old index events are pruned, all but the newest, by any instance, any number of times.
    srv.clock().advance(chrono::Duration::days(8));
    let forum = &srv.server.app.forum;
    assert_eq!(forum.prune().await.expect("prune"), 1);
    assert_eq!(forum.prune().await.expect("prune"), 0);
    assert!(!forum.index_needs_rebuild().await.expect("check"), "an index that applied every event is current");

    // Restarted, the index is found as it was: searchable at once, its segments kept
    // (events of the last seconds are applied again, harmlessly).
    let before = segment_files(&srv);
    assert!(!before.is_empty());
    let srv = srv.restart(Options::default(), |_| {}).await;
    assert_eq!(found(&mut amal_again(&srv).await, "motdurable").await, 2, "searchable at once");
    srv.index_now().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after = segment_files(&srv);
    // Re-applying an event may drop a segment that held only its post; a rebuild drops them all.
    assert!(before.iter().any(|f| after.contains(f)), "not rebuilt: {before:?} then {after:?}");

    // Of another schema version, it is rebuilt from the database.
    let srv = srv
        .restart(Options::default(), |dir| std::fs::write(dir.join("forum-index/sanad-schema-version"), "0").expect("version file"))
        .await;
    let mut amal = amal_again(&srv).await;
    let mut n = 0;
    for _ in 0..100 {
        n = found(&mut amal, "motdurable").await;
        if n == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(n, 2, "rebuilt");
    srv.stop().await;
}

async fn amal_again(srv: &TestServer) -> Client {
    let mut c = srv.client();
    let (st, body) = c.post("/api/v1/auth/login", json!({"email": "amal@example.org", "password": "un mot de passe solide 42"})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    c
}
