//! Forum notifications beyond replies, end to end on both backends: daily
//! and weekly digests (once per period, across two instances, a link only
//! for sensitive posts), mentions and quotes, watched categories, and the
//! live stream of a topic and of the unread count, written through one
//! instance and read through another.

use chrono::Duration;
use reqwest::StatusCode;
use sanad_platform::Role;
use sanad_tests::{Backend, TestServer, assert_problem, notification_kinds, on_both_backends};
use serde_json::{Value, json};

on_both_backends!(
    digests_come_once_per_period_across_instances,
    mentions_and_quotes_notify_the_named_member,
    watching_a_category_tells_of_new_topics,
    live_streams_carry_posts_and_counts_across_instances,
);

const PASSWORD: &str = "un mot de passe solide 42";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

/// The digests (mails linking to the notifications page) to `who` among the mail files of `servers`.
fn digests_to(servers: &[&TestServer], who: &str) -> Vec<String> {
    servers
        .iter()
        .flat_map(|s| s.mail_files())
        .filter(|m| m.contains(who))
        .filter(|m| m.contains("http://sanad.test/notifications"))
        .collect()
}

async fn digests_come_once_per_period_across_instances(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let other = srv.another_instance().await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    let mut dalia = other.member("dalia@example.org", "Dalia El Fassi").await;
    for (who, email) in [(&mut amal, "daily"), (&mut badr, "weekly"), (&mut chama, "off")] {
        let (st, body) = who.put("/api/v1/me/notification-settings", json!({"email": email})).await;
        assert_eq!(st, StatusCode::OK, "{body}");
    }
    let (_, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Ateliers parents", "body": "Vos idées ?"})).await;
    let tid = id(&topic);
    let (_, sensitive) =
        amal.post("/api/v1/forum/topics", json!({"category": "bien-etre", "title": "Fatigue secrète", "body": "Je craque."})).await;
    let sid = id(&sensitive);
    for who in [&mut badr, &mut chama] {
        let (st, _) = who.put(&format!("/api/v1/forum/topics/{tid}/subscription"), json!({"level": "watching"})).await;
        assert_eq!(st, StatusCode::OK);
    }
    let (st, _) = dalia.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Un atelier motdigest."})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = dalia.post(&format!("/api/v1/forum/topics/{sid}/posts"), json!({"body": "Courage motsecret."})).await;
    assert_eq!(st, StatusCode::CREATED);
    srv.fan_out_now().await;
    other.drain_mail().await;
    let servers = [&srv, &other];
    for who in ["amal@example.org", "badr@example.org", "chama@example.org"] {
        let immediate = servers.iter().flat_map(|s| s.mail_files()).filter(|m| m.contains(who) && m.contains("/forum/topics/")).count();
        assert_eq!(immediate, 0, "{who} chose a digest or nothing: no mail at once");
    }

    // Before a period has passed, nothing.
    let forum_a = srv.server.app.forum.clone();
    let forum_b = other.server.app.forum.clone();
    assert_eq!(forum_a.send_digests_once().await.expect("digests"), 0);
    assert_eq!(forum_b.send_digests_once().await.expect("digests"), 0);

    // A day later: one digest for the daily member, whichever instances run the job, however often.
    for s in servers {
        s.clock().advance(Duration::days(1) + Duration::minutes(1));
    }
    let (a, b, c) = tokio::join!(forum_a.send_digests_once(), forum_b.send_digests_once(), forum_a.send_digests_once());
    assert!(a.expect("digests") + b.expect("digests") + c.expect("digests") <= 1);
    assert_eq!(forum_b.send_digests_once().await.expect("digests"), 0, "taken once");
    srv.drain_mail().await;
    other.drain_mail().await;
    let to_amal = digests_to(&servers, "amal@example.org");
    assert_eq!(to_amal.len(), 1, "one digest: {to_amal:?}");
    let digest = &to_amal[0];
    assert!(digest.contains("Ateliers parents") && digest.contains(&format!("http://sanad.test/forum/topics/{tid}")), "{digest}");
    assert!(digest.contains(&format!("http://sanad.test/forum/topics/{sid}")), "a sensitive topic by its link: {digest}");
    for secret in ["motdigest", "motsecret", "Fatigue", "Dalia", "dalia@example.org"] {
        assert!(!digest.contains(secret), "a digest carries no text, no sensitive title, no author ({secret}): {digest}");
    }
    assert!(digest.contains("List-Unsubscribe: <http://sanad.test/api/v1/forum/unsubscribe/"), "{digest}");
    assert!(digest.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(digests_to(&servers, "badr@example.org").is_empty(), "a weekly member waits the week");
    assert!(digests_to(&servers, "chama@example.org").is_empty(), "off is off");

    // A new post after the digest goes in the next one; the weekly member gets theirs after seven days.
    let (st, _) = dalia.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Encore une idée."})).await;
    assert_eq!(st, StatusCode::CREATED);
    other.fan_out_now().await;
    for s in servers {
        s.clock().advance(Duration::days(6));
    }
    let (a, b) = tokio::join!(forum_a.send_digests_once(), forum_b.send_digests_once());
    assert!(a.expect("digests") + b.expect("digests") <= 2);
    assert_eq!(forum_a.send_digests_once().await.expect("digests"), 0);
    srv.drain_mail().await;
    other.drain_mail().await;
    assert_eq!(digests_to(&servers, "amal@example.org").len(), 2, "the next day's digest");
    let to_badr = digests_to(&servers, "badr@example.org");
    assert_eq!(to_badr.len(), 1, "one weekly digest: {to_badr:?}");
    assert!(to_badr[0].contains("Ateliers parents") && !to_badr[0].contains("motdigest"), "{}", to_badr[0]);
    assert!(digests_to(&servers, "chama@example.org").is_empty());

    // Nothing new, nothing sent: the period passes all the same.
    for s in servers {
        s.clock().advance(Duration::days(8));
    }
    forum_a.send_digests_once().await.expect("digests");
    srv.drain_mail().await;
    assert_eq!(digests_to(&servers, "amal@example.org").len(), 2);
    assert_eq!(digests_to(&servers, "badr@example.org").len(), 1);
    other.stop().await;
    srv.stop().await;
}

async fn mentions_and_quotes_notify_the_named_member(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    let mut dalia = srv.member("dalia@example.org", "Dalia El Fassi").await;
    let mut modo = srv.user_with_role("moderatrice@example.org", Role::Moderator).await;
    srv.drain_mail().await;

    let (_, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Écoute active", "body": "Vos pratiques ?"})).await;
    let tid = id(&topic);
    let (st, _) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Je rejoins la question."})).await;
    assert_eq!(st, StatusCode::CREATED);
    // Names as written, in any case, each once; Dalia took no part in the topic, chama is not told of herself.
    let (st, named) = chama
        .post(
            &format!("/api/v1/forum/topics/{tid}/posts"),
            json!({"body": "Merci @amal berrada, et @Badr Chraibi ! @Badr Chraibi encore. @Dalia El Fassi ? @Chama Daoudi"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{named}");
    let named_post = named["post_id"].as_str().unwrap().to_string();
    let amal_kinds = notification_kinds(&mut amal).await;
    assert!(amal_kinds.contains(&("mention".into(), named_post.clone())), "a mention, before the reply to her topic: {amal_kinds:?}");
    assert_eq!(amal_kinds.iter().filter(|(_, p)| *p == named_post).count(), 1, "told once of a post");
    assert!(notification_kinds(&mut badr).await.contains(&("mention".into(), named_post.clone())));
    assert!(notification_kinds(&mut dalia).await.is_empty(), "only people of the topic are named");
    assert!(notification_kinds(&mut chama).await.is_empty(), "never told of oneself");
    srv.drain_mail().await;
    let to_badr: Vec<String> = srv.mail_files().into_iter().filter(|m| m.contains("badr@example.org") && m.contains(&tid)).collect();
    assert_eq!(to_badr.len(), 1, "a mention is mailed as the member chose (immediate)");

    // A quote: a block quote in a reply to a post tells that post's author; names inside the quote count for nothing.
    let (st, quoting) = badr
        .post(
            &format!("/api/v1/forum/topics/{tid}/posts"),
            json!({"body": "> Merci @amal berrada\n\nTout à fait d'accord.", "reply_to": named_post}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{quoting}");
    let quoting_post = quoting["post_id"].as_str().unwrap().to_string();
    assert!(notification_kinds(&mut chama).await.contains(&("quote".into(), quoting_post.clone())));
    assert!(notification_kinds(&mut amal).await.contains(&("reply".into(), quoting_post.clone())), "the topic's author, told of a reply");

    // A held post tells nobody until it is published.
    let (st, held) =
        badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "@Chama Daoudi rappelle la mère au 06 98 76 54 32"})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{held}");
    let held_post = held["post_id"].as_str().unwrap().to_string();
    assert!(!notification_kinds(&mut chama).await.iter().any(|(_, p)| *p == held_post), "held: nobody is told");
    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["post_id"] == held_post.as_str()).map(id).expect("queued");
    let (st, _) = modo
        .post(
            &format!("/api/v1/moderation/items/{item}/decision"),
            json!({"decision": "redact", "note": "numéro", "body": "@Chama Daoudi rappelle la mère."}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(notification_kinds(&mut chama).await.contains(&("mention".into(), held_post.clone())), "told once published");

    // Anonymous: a pseudonym is named like a name, and no mention tells who is behind one.
    let (_, anon) = amal
        .post(
            "/api/v1/forum/topics",
            json!({"category": "bien-etre", "title": "Épuisement", "body": "Je n'en peux plus.", "anonymous": true}),
        )
        .await;
    let aid = id(&anon);
    let (_, view) = badr.get(&format!("/api/v1/forum/topics/{aid}")).await;
    let pseudonym = view["posts"][0]["author"]["pseudonym"].as_str().expect("a pseudonym").to_string();
    let (st, to_pseudonym) =
        badr.post(&format!("/api/v1/forum/topics/{aid}/posts"), json!({"body": format!("@{pseudonym} courage, tu n'es pas seule.")})).await;
    assert_eq!(st, StatusCode::CREATED);
    let to_pseudonym = to_pseudonym["post_id"].as_str().unwrap().to_string();
    assert!(notification_kinds(&mut amal).await.contains(&("mention".into(), to_pseudonym)), "the pseudonym reaches its author");
    let (st, anon_reply) = amal
        .post(&format!("/api/v1/forum/topics/{aid}/posts"), json!({"body": "Merci @Badr Chraibi motanonyme.", "anonymous": true}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let anon_reply = anon_reply["post_id"].as_str().unwrap().to_string();
    let (_, notes) = badr.get("/api/v1/me/notifications").await;
    let note = notes["items"].as_array().unwrap().iter().find(|n| n["post_id"] == anon_reply.as_str()).expect("mentioned").clone();
    assert_eq!(note["kind"], "mention");
    assert_eq!(note["actor"].as_object().unwrap().keys().collect::<Vec<_>>(), ["pseudonym"], "{note}");
    assert!(!notes.to_string().contains("Amal Berrada"), "{notes}");
    srv.drain_mail().await;
    for mail in srv.mail_files().iter().filter(|m| m.contains("badr@example.org") && m.contains(&aid)) {
        for secret in ["Amal", "amal@example.org", "motanonyme", "Épuisement"] {
            assert!(!mail.contains(secret), "{secret}: {mail}");
        }
    }
    srv.stop().await;
}

async fn watching_a_category_tells_of_new_topics(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let mut chama = srv.member("chama@example.org", "Chama Daoudi").await;
    let mut modo = srv.user_with_role("moderatrice@example.org", Role::Moderator).await;
    let mut nobody = srv.client();
    srv.drain_mail().await;

    let path = "/api/v1/forum/categories/prevention/subscription";
    let (st, _) = nobody.get(path).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, level) = chama.get(path).await;
    assert_eq!((st, level["level"].as_str()), (StatusCode::OK, Some("normal")));
    let got = chama.put("/api/v1/forum/categories/nulle-part/subscription", json!({"level": "watching"})).await;
    assert_problem(&chama, StatusCode::NOT_FOUND, (got.0, &got.1));
    let got = chama.put(path, json!({"level": "loud"})).await;
    assert!(got.0.is_client_error(), "{got:?}");
    let (st, level) = chama.put(path, json!({"level": "watching"})).await;
    assert_eq!((st, level["level"].as_str()), (StatusCode::OK, Some("watching")));
    let (_, level) = chama.get(path).await;
    assert_eq!(level["level"], "watching");

    let (st, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Affiches école", "body": "Un modèle motcat ?"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let tid = id(&topic);
    let (_, other_topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Définitions", "body": "Ailleurs."})).await;
    srv.fan_out_now().await;
    let kinds = notification_kinds(&mut chama).await;
    assert_eq!(kinds.len(), 1, "the watched category's topic only: {kinds:?}");
    assert_eq!(kinds[0].0, "new_topic");
    let (_, notes) = chama.get("/api/v1/me/notifications").await;
    assert_eq!(notes["items"][0]["topic_id"], tid.as_str());
    assert_ne!(notes["items"][0]["topic_id"], id(&other_topic).as_str());
    assert!(notification_kinds(&mut amal).await.is_empty(), "its author is not told");
    assert!(notification_kinds(&mut badr).await.is_empty());
    let mails: Vec<String> = srv.mail_files().into_iter().filter(|m| m.contains("chama@example.org") && m.contains(&tid)).collect();
    assert_eq!(mails.len(), 1, "mailed at once, as she chose");
    assert!(mails[0].contains("Affiches école") && mails[0].contains("List-Unsubscribe"), "{}", mails[0]);

    // A held topic is told once published.
    let (st, held) =
        badr.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Rappel", "body": "Appeler le 06 98 76 54 32"})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    srv.fan_out_now().await;
    assert_eq!(notification_kinds(&mut chama).await.len(), 1, "held: nobody told");
    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["topic_id"] == id(&held).as_str()).map(id).expect("queued");
    let (st, _) = modo.post(&format!("/api/v1/moderation/items/{item}/decision"), json!({"decision": "approve"})).await;
    assert_eq!(st, StatusCode::OK);
    srv.fan_out_now().await;
    assert_eq!(notification_kinds(&mut chama).await.len(), 2, "told once approved");

    // Unwatched: no more.
    let (st, _) = chama.put(path, json!({"level": "normal"})).await;
    assert_eq!(st, StatusCode::OK);
    amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Encore", "body": "Un autre."})).await;
    srv.fan_out_now().await;
    assert_eq!(notification_kinds(&mut chama).await.len(), 2);
    srv.stop().await;
}

/// Server-sent events read from a response as they come.
struct Events {
    resp: reqwest::Response,
    /// Bytes: a chunk may end inside a character.
    buf: Vec<u8>,
}

/// One event: its type, data and id.
#[derive(Debug)]
struct Sse {
    event: String,
    data: String,
    id: Option<String>,
}

impl Events {
    fn new(resp: reqwest::Response) -> Self {
        Self { resp, buf: Vec::new() }
    }

    /// The next event (comments and `retry` skipped), or None when nothing came within `secs`.
    async fn next(&mut self, secs: u64) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            while let Some(end) = self.buf.windows(2).position(|w| w == b"\n\n") {
                let bytes: Vec<u8> = self.buf.drain(..end + 2).collect();
                let block = String::from_utf8_lossy(&bytes);
                let (mut event, mut data, mut id) = ("message".to_string(), String::new(), None);
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event: ") {
                        event = v.to_string();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    } else if let Some(v) = line.strip_prefix("id: ") {
                        id = Some(v.to_string());
                    }
                }
                if !data.is_empty() {
                    return Some(Sse { event, data, id });
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.resp.chunk()).await.ok()?.ok()??;
            self.buf.extend_from_slice(&chunk);
        }
    }

    /// Events until one of type `kind` comes (within `secs`): that one, and every event seen.
    async fn until(&mut self, kind: &str, secs: u64) -> (Option<Sse>, Vec<Sse>) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now()).as_secs().max(1);
            match self.next(left).await {
                Some(e) if e.event == kind => return (Some(e), seen),
                Some(e) => seen.push(e),
                None => return (None, seen),
            }
            if tokio::time::Instant::now() >= deadline {
                return (None, seen);
            }
        }
    }
}

async fn live_streams_carry_posts_and_counts_across_instances(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let other = srv.another_instance().await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    srv.member("badr@example.org", "Badr Chraibi").await;
    let mut badr = other.sign_in("badr@example.org", PASSWORD).await;
    let mut modo = other.user_with_role("moderatrice@example.org", Role::Moderator).await;
    let amal_id = id(&amal.get("/api/v1/me").await.1);

    // Signed in only; a topic that is not one is refused before any stream.
    let nobody = srv.client();
    let resp = nobody.open_stream("/api/v1/forum/events", &[]).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    let resp = amal.open_stream("/api/v1/forum/events?topic=nope", &[]).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resp = amal.open_stream(&format!("/api/v1/forum/events?topic={}", uuid::Uuid::now_v7()), &[]).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let (_, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "En direct", "body": "Premier message."})).await;
    let tid = id(&topic);
    let resp = amal.open_stream(&format!("/api/v1/forum/events?topic={tid}"), &[]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut stream = Events::new(resp);
    let (first, _) = stream.until("unread", 10).await;
    assert_eq!(serde_json::from_str::<Value>(&first.expect("the count at once").data).unwrap()["unread"], 0);

    // Written through the other instance: a held post never comes, a published one does, and the count moves.
    let (st, held) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Appelez le 06 98 76 54 32 motretenu"})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let held_post = held["post_id"].as_str().unwrap().to_string();
    let (st, reply) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Réponse **motdirect**"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (post, seen) = stream.until("post", 15).await;
    let post = post.expect("the new post, live");
    let view: Value = serde_json::from_str(&post.data).unwrap();
    assert_eq!(view["id"], reply["post_id"]);
    assert!(view["body_html"].as_str().unwrap().contains("<strong>motdirect</strong>"), "{view}");
    assert_eq!(view["author"]["display_name"], "Badr Chraibi");
    assert_eq!(post.id.as_deref(), Some("3.2"), "the post's number and the topic's second publication: the event's id");
    assert!(seen.iter().all(|e| !e.data.contains("motretenu")), "{seen:?}");
    let unread = if seen.iter().any(|e| e.event == "unread" && e.data.contains("1")) {
        true
    } else {
        stream.until("unread", 10).await.0.is_some_and(|e| e.data.contains('1'))
    };
    assert!(unread, "the count follows the reply to her topic");

    // The held post, approved (redacted) by a moderator after post 3 was streamed, comes live then.
    let (_, queue) = modo.get("/api/v1/moderation/queue").await;
    let item = queue["items"].as_array().unwrap().iter().find(|i| i["post_id"] == held_post.as_str()).map(id).expect("queued");
    let (st, _) = modo
        .post(
            &format!("/api/v1/moderation/items/{item}/decision"),
            json!({"decision": "redact", "note": "numéro", "body": "Appelez-la motapprouve"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (post, seen) = stream.until("post", 15).await;
    let post = post.expect("the approved post, live");
    let view: Value = serde_json::from_str(&post.data).unwrap();
    assert_eq!((view["id"].as_str(), view["seq"].as_i64()), (Some(held_post.as_str()), Some(2)), "{view}");
    assert!(view["body_html"].as_str().unwrap().contains("motapprouve"), "{view}");
    assert_eq!(post.id.as_deref(), Some("3.3"));
    assert!(seen.iter().chain([&post]).all(|e| !e.data.contains("motretenu")), "{seen:?}");
    drop(stream);

    // A reconnection names where it stood: what was published since is sent at once.
    let resp = amal.open_stream(&format!("/api/v1/forum/events?topic={tid}"), &[("last-event-id", "3.2")]).await;
    let mut again = Events::new(resp);
    let (post, _) = again.until("post", 10).await;
    assert_eq!(serde_json::from_str::<Value>(&post.expect("the approval again").data).unwrap()["seq"], 2);
    drop(again);
    let resp = amal.open_stream(&format!("/api/v1/forum/events?topic={tid}"), &[("last-event-id", "1")]).await;
    let mut again = Events::new(resp);
    let (post, _) = again.until("post", 10).await;
    assert_eq!(serde_json::from_str::<Value>(&post.expect("post 2 again").data).unwrap()["seq"], 2);
    let (post, _) = again.until("post", 10).await;
    assert_eq!(serde_json::from_str::<Value>(&post.expect("post 3 again").data).unwrap()["seq"], 3);
    drop(again);
    let resp = amal.open_stream(&format!("/api/v1/forum/events?topic={tid}"), &[("last-event-id", "3.x")]).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Anonymous posts come with their pseudonym only.
    let (_, anon) =
        amal.post("/api/v1/forum/topics", json!({"category": "bien-etre", "title": "Fatigue", "body": "Dur.", "anonymous": true})).await;
    let aid = id(&anon);
    let resp = badr.open_stream(&format!("/api/v1/forum/events?topic={aid}"), &[]).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let mut watching = Events::new(resp);
    watching.until("unread", 10).await;
    let (st, _) = amal.post(&format!("/api/v1/forum/topics/{aid}/posts"), json!({"body": "Merci à vous.", "anonymous": true})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (post, _) = watching.until("post", 15).await;
    let post = post.expect("the anonymous post, live");
    let view: Value = serde_json::from_str(&post.data).unwrap();
    assert_eq!(view["author"].as_object().unwrap().keys().collect::<Vec<_>>(), ["pseudonym"], "{view}");
    assert!(!post.data.contains("Amal") && !post.data.contains(&amal_id), "{}", post.data);
    drop(watching);

    // A bound on open streams per member and instance.
    let chama = other.member("chama@example.org", "Chama Daoudi").await;
    let mut open = Vec::new();
    for _ in 0..sanad_forum::events::STREAMS_PER_MEMBER {
        let resp = chama.open_stream("/api/v1/forum/events", &[]).await;
        assert_eq!(resp.status(), StatusCode::OK);
        open.push(resp);
    }
    let resp = chama.open_stream("/api/v1/forum/events", &[]).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    drop(open);
    other.stop().await;
    srv.stop().await;
}
