//! Kept pages (crates/forum/src/kept.rs): readers share a topic's page, and
//! each still sees only what is theirs on it; a change
//! made by another instance (here: written straight into the database, as
//! any other instance's write lands) shows on the next read, however it was
//! made, because the versions move by triggers. A category's list is read
//! fresh, but the names on it are kept as long as a kept page's. The reads
//! of many readers go to the database in batches (crates/platform/src/batch.rs;
//! on SQLite the lists only): each still gets their own answer.

use async_trait::async_trait;
use reqwest::StatusCode;
use sanad_accounts::Accounts;
use sanad_forum::search::Analyzers;
use sanad_forum::{Forum, ForumSeams};
use sanad_platform::auth::Credential;
use sanad_platform::people::{PeopleDirectory, Person};
use sanad_platform::{Caller, Clock, Role};
use sanad_tests::{Backend, TestServer, on_both_backends};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use uuid::Uuid;

on_both_backends!(
    readers_share_a_page_and_see_only_their_own_on_it,
    changes_from_another_instance_show_at_once,
    a_category_list_reads_the_names_on_it_once_for_every_reader,
    readers_asking_at_once_each_get_what_they_get_alone
);

fn uuid(v: &Value) -> Uuid {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not an id: {v}"))
}

/// Runs one statement on the database, as another instance would.
async fn elsewhere(srv: &TestServer, statement: &'static str, id: Uuid) {
    let done = sanad_platform::on_db!(&srv.server.app.db, c => sqlx::query(statement).bind(id).execute(c).await.map(|r| r.rows_affected()));
    assert_eq!(done.expect(statement), 1, "{statement}");
}

async fn readers_share_a_page_and_see_only_their_own_on_it(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let (st, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Signalement", "body": "Le **texte** d'Amal."})).await;
    assert_eq!(st, StatusCode::CREATED, "{topic}");
    let tid = uuid(&topic["id"]);
    let (st, reply) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "La réponse de Badr."})).await;
    assert_eq!(st, StatusCode::CREATED, "{reply}");
    let first = {
        let (_, view) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
        uuid(&view["posts"][0]["id"])
    };
    let (st, _) = badr.post(&format!("/api/v1/forum/posts/{first}/reactions"), json!({"kind": "thanks"})).await;
    assert_eq!(st, StatusCode::CREATED);

    // Badr's read keeps the page; Amal's and Badr's next reads share it, and
    // whoever reads first, each sees their own marks only.
    for _ in 0..2 {
        let (st, badr_view) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
        assert_eq!(st, StatusCode::OK, "{badr_view}");
        let (_, amal_view) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
        for (view, mine) in [(&badr_view, 1), (&amal_view, 0)] {
            let posts = view["posts"].as_array().unwrap();
            assert_eq!(posts.len(), 2, "{view}");
            for (i, post) in posts.iter().enumerate() {
                assert_eq!(post["mine"], i == mine, "{post}");
                assert_eq!(post["body"].is_string(), i == mine, "the Markdown of one's own posts only: {post}");
            }
            assert_eq!(posts[0]["reactions"]["thanks"], 1);
        }
        assert_eq!(badr_view["posts"][0]["my_reactions"], json!(["thanks"]));
        assert_eq!(amal_view["posts"][0]["my_reactions"], json!([]));
        assert_eq!(amal_view["posts"][0]["body"], "Le **texte** d'Amal.");
        assert_eq!(amal_view["topic"]["mine"], true);
        assert_eq!(badr_view["topic"]["mine"], false);
    }

    // A held post is its author's alone, beside the shared page.
    let (st, held) = amal.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Appelez la mère au 0661 23 45 67."})).await;
    assert_eq!((st, held["status"].as_str()), (StatusCode::ACCEPTED, Some("held")), "{held}");
    let (_, amal_view) = amal.get(&format!("/api/v1/forum/topics/{tid}")).await;
    let (_, badr_view) = badr.get(&format!("/api/v1/forum/topics/{tid}")).await;
    assert_eq!(amal_view["posts"].as_array().unwrap().len(), 3, "{amal_view}");
    assert_eq!(amal_view["posts"][2]["status"], "held");
    assert!(amal_view["posts"][2]["reasons"].as_array().is_some_and(|r| !r.is_empty()), "{amal_view}");
    assert_eq!(badr_view["posts"].as_array().unwrap().len(), 2, "{badr_view}");
    assert_eq!(badr_view["posts"][0]["my_reactions"], json!(["thanks"]));
    srv.stop().await;
}

async fn changes_from_another_instance_show_at_once(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let (_, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Ateliers", "body": "Premier message."})).await;
    let tid = uuid(&topic["id"]);
    let (_, reply) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Deuxième message."})).await;
    let reply_id = uuid(&reply["post_id"]);
    let page = format!("/api/v1/forum/topics/{tid}");
    let list = "/api/v1/forum/categories/prevention/topics";
    let (_, before) = amal.get(&page).await;
    assert_eq!(before["posts"].as_array().unwrap().len(), 2);
    let (_, listed) = amal.get(list).await;
    assert_eq!(listed["items"][0]["title"], "Ateliers");

    elsewhere(&srv, "UPDATE forum_posts SET body_html = '<p>Réécrit ailleurs.</p>' WHERE id = $1", reply_id).await;
    let (_, after) = amal.get(&page).await;
    assert_eq!(after["posts"][1]["body_html"], "<p>Réécrit ailleurs.</p>", "an edit elsewhere: {after}");

    elsewhere(&srv, "INSERT INTO forum_reactions (post_id, user_id, kind, created_at) SELECT id, author_id, 'support', created_at FROM forum_posts WHERE id = $1", reply_id).await;
    let (_, after) = amal.get(&page).await;
    assert_eq!(after["posts"][1]["reactions"]["support"], 1, "a reaction elsewhere: {after}");
    let (_, own) = badr.get(&page).await;
    assert_eq!(own["posts"][1]["my_reactions"], json!(["support"]), "and it is Badr's: {own}");

    elsewhere(&srv, "UPDATE forum_posts SET status = 'rejected' WHERE id = $1", reply_id).await;
    let (_, after) = amal.get(&page).await;
    assert_eq!(after["posts"].as_array().unwrap().len(), 1, "a post rejected elsewhere is gone: {after}");

    elsewhere(&srv, "DELETE FROM forum_reactions WHERE post_id = $1", reply_id).await;
    elsewhere(&srv, "UPDATE forum_posts SET status = 'published' WHERE id = $1", reply_id).await;
    let (_, after) = amal.get(&page).await;
    assert_eq!(after["posts"].as_array().unwrap().len(), 2, "{after}");
    assert!(after["posts"][1]["reactions"].get("support").is_none(), "a reaction removed elsewhere: {after}");

    elsewhere(&srv, "UPDATE forum_topics SET title = 'Ateliers de prévention' WHERE id = $1", tid).await;
    let (_, listed) = amal.get(list).await;
    assert_eq!(listed["items"][0]["title"], "Ateliers de prévention", "a title changed elsewhere: {listed}");
    elsewhere(&srv, "UPDATE forum_topics SET post_seq = post_seq + 1, last_published_seq = post_seq + 1 WHERE id = $1", tid).await;
    let (_, listed) = amal.get(list).await;
    assert_eq!(listed["items"][0]["unread"], true, "a post added elsewhere is unread: {listed}");
    elsewhere(&srv, "UPDATE forum_topics SET status = 'deleted' WHERE id = $1", tid).await;
    let (st, listed) = amal.get(list).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(listed["items"], json!([]), "a topic removed elsewhere leaves the list: {listed}");
    let (st, _) = amal.get(&page).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    srv.stop().await;
}

/// The accounts, counting the names asked of them.
struct CountedPeople {
    accounts: Accounts,
    asked: AtomicUsize,
}

#[async_trait]
impl PeopleDirectory for CountedPeople {
    async fn find_by_email(&self, email: &str) -> sanad_platform::Result<Option<Uuid>> {
        self.accounts.find_by_email(email).await
    }

    async fn people(&self, ids: &[Uuid]) -> sanad_platform::Result<Vec<Person>> {
        self.asked.fetch_add(ids.len(), Ordering::SeqCst);
        self.accounts.people(ids).await
    }
}

fn member(user_id: Uuid) -> Caller {
    Caller { user_id, roles: vec![Role::Learner], locale: "fr".into(), credential: Credential::Session, session: None }
}

/// Every list of a category needs its topics' authors' names: read once,
/// they serve every reader and every page for a minute (as a kept topic
/// page does) instead of a query each time; an author not yet named on
/// this instance is read then.
async fn a_category_list_reads_the_names_on_it_once_for_every_reader(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    for (who, title) in [(&mut amal, "Signalement"), (&mut badr, "Audition")] {
        let (st, topic) = who.post("/api/v1/forum/topics", json!({"category": "concepts", "title": title, "body": "Un texte."})).await;
        assert_eq!(st, StatusCode::CREATED, "{topic}");
    }
    let (db, _data_dir) = srv.stop_and_open_database().await;
    let accounts = Accounts::new(db.clone(), Clock::system(), Arc::new(|| {}));
    let people = Arc::new(CountedPeople { accounts, asked: AtomicUsize::new(0) });
    let seams = ForumSeams { people: people.clone(), wake_mail: Arc::new(|| {}), analyzers: Analyzers::default() };
    let forum = Forum::new(db.clone(), Clock::system(), seams).expect("forum");

    let readers = [member(Uuid::now_v7()), member(Uuid::now_v7()), member(Uuid::now_v7())];
    for reader in &readers {
        let list = forum.topics(reader, "concepts", None, None).await.expect("the list");
        let names: Vec<_> = list.items.iter().map(|t| t.author.display_name.clone().unwrap_or_default()).collect();
        assert_eq!(names, ["Badr Chraibi", "Amal Berrada"], "latest first, with their authors' names");
    }
    assert_eq!(people.asked.load(Ordering::SeqCst), 2, "two names read once, for three readers");
    db.close().await;
}

/// Many members read topics and lists at the same moment, in batches (on
/// PostgreSQL one statement, each a row of the same arrays; on SQLite the
/// lists, each list once and the readers' marks beside): every answer
/// is the one its reader gets asking alone (their own posts, reactions and
/// read marks; pages of every size and cursor; a topic that does not exist).
async fn readers_asking_at_once_each_get_what_they_get_alone(backend: Backend) {
    use poem_openapi::types::ToJSON;
    let srv = TestServer::start(backend).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut topics = Vec::new();
    for (category, title) in [("concepts", "Signalement"), ("concepts", "Audition"), ("prevention", "Ateliers")] {
        let (st, topic) =
            amal.post("/api/v1/forum/topics", json!({"category": category, "title": title, "body": "Le texte d'Amal."})).await;
        assert_eq!(st, StatusCode::CREATED, "{topic}");
        topics.push(uuid(&topic["id"]));
    }
    let kinds = ["thanks", "helpful", "support"];
    let mut readers = Vec::new();
    for i in 0..9 {
        let mut m = srv.member(&format!("membre{i}@example.org"), &format!("Membre {i}")).await;
        let (_, me) = m.get("/api/v1/me").await;
        let topic = topics[i % 2];
        let (st, reply) = m.post(&format!("/api/v1/forum/topics/{topic}/posts"), json!({"body": format!("La réponse {i}.")})).await;
        assert_eq!(st, StatusCode::CREATED, "{reply}");
        let (_, view) = m.get(&format!("/api/v1/forum/topics/{topic}")).await;
        let first = uuid(&view["posts"][0]["id"]);
        let (st, _) = m.post(&format!("/api/v1/forum/posts/{first}/reactions"), json!({"kind": kinds[i % 3]})).await;
        assert_eq!(st, StatusCode::CREATED);
        readers.push(member(uuid(&me["id"])));
    }
    let (db, _data_dir) = srv.stop_and_open_database().await;
    let accounts = Accounts::new(db.clone(), Clock::system(), Arc::new(|| {}));
    let seams = ForumSeams { people: Arc::new(accounts), wake_mail: Arc::new(|| {}), analyzers: Analyzers::default() };
    let forum = Forum::new(db.clone(), Clock::system(), seams).expect("forum");

    // What each reader asks: a topic's pages (whole, or two posts at a time
    // from the start and after a cursor), a list of each category at two
    // sizes, and a topic that does not exist.
    let second_page = {
        let first = forum.topic(&readers[0], topics[0], None, Some(2)).await.expect("a page");
        first.next_cursor().expect("a second page").to_string()
    };
    let list_cursor = forum.topics(&readers[0], "concepts", None, Some(1)).await.expect("a list").next_cursor.expect("more");
    let asked = |r: usize| -> [(u8, Uuid, Option<String>, Option<u32>); 6] {
        [
            (0, topics[r % 3], None, None),
            (0, topics[0], Some(second_page.clone()), Some(2)),
            (0, Uuid::now_v7(), None, None),
            (1, Uuid::nil(), None, None),
            (2, Uuid::nil(), None, Some(1)),
            (2, Uuid::nil(), Some(list_cursor.clone()), Some(1)),
        ]
    };
    let read = |r: usize, (what, topic, cursor, limit): (u8, Uuid, Option<String>, Option<u32>)| {
        let forum = forum.clone();
        let reader = readers[r].clone();
        async move {
            let answer = match what {
                0 => forum
                    .topic(&reader, topic, cursor.as_deref(), limit)
                    .await
                    .and_then(|t| t.json_bytes())
                    .map(|json| Some(serde_json::from_slice(&json).expect("a page is JSON"))),
                1 => forum.topics(&reader, "prevention", cursor.as_deref(), limit).await.map(|t| t.to_json()),
                _ => forum.topics(&reader, "concepts", cursor.as_deref(), limit).await.map(|t| t.to_json()),
            };
            answer.map_err(|e| e.to_string())
        }
    };
    // Alone, twice: the first read of a topic page moves the reader's read mark.
    let mut alone = Vec::new();
    for _ in 0..2 {
        alone.clear();
        for r in 0..readers.len() {
            for q in asked(r) {
                alone.push(read(r, q).await);
            }
        }
    }
    assert!(alone[2].as_ref().is_err_and(|e| e.contains("not found")), "{:?}", alone[2]);
    let own = |answer: &Result<Option<Value>, String>| {
        answer.clone().unwrap().unwrap()["posts"].as_array().unwrap().iter().filter(|p| p["mine"] == true).count()
    };
    assert_eq!(own(&alone[0]), 1, "reader 0 sees their own reply as theirs");
    for round in 0..3 {
        let started: Vec<_> =
            (0..readers.len()).flat_map(|r| asked(r).map(move |q| (r, q))).map(|(r, q)| tokio::spawn(read(r, q))).collect();
        let mut at_once = Vec::new();
        for read in started {
            at_once.push(read.await.expect("a read"));
        }
        assert_eq!(at_once, alone, "round {round}: read at once, each answer is the one read alone");
    }
    db.close().await;
}
