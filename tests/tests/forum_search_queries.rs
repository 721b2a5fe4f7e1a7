//! The forum's search reads a page of hits in a fixed number of database
//! statements, however many hits the page has (one for the posts and their
//! topics), and keeps showing only what members may read. The statements
//! are counted from sqlx's own log of each one (`sqlx::query` events), by a
//! subscriber of this test binary; the two backends' runs take turns so
//! that one never counts the other's.

use reqwest::StatusCode;
use sanad_tests::{Backend, Client, Options, TestServer, on_both_backends, watch_statements};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};

on_both_backends!(search_reads_a_page_in_a_fixed_number_of_statements);

/// Statements that read or write forum posts or topics, since the binary started.
static FORUM_STATEMENTS: AtomicUsize = AtomicUsize::new(0);
/// One backend's run at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn count_statements() {
    watch_statements(|text| {
        if text.contains("forum_posts") || text.contains("forum_topics") {
            FORUM_STATEMENTS.fetch_add(1, Ordering::SeqCst);
        }
    });
}

/// The hits of a search, and how many forum statements it took.
async fn search(c: &mut Client, query: &str) -> (Value, usize) {
    let before = FORUM_STATEMENTS.load(Ordering::SeqCst);
    let (st, found) = c.get(&format!("/api/v1/forum/search?{query}")).await;
    assert_eq!(st, StatusCode::OK, "{found}");
    (found, FORUM_STATEMENTS.load(Ordering::SeqCst) - before)
}

async fn search_reads_a_page_in_a_fixed_number_of_statements(backend: Backend) {
    let _turn = ONE_AT_A_TIME.lock().await;
    count_statements();
    // Twelve replies from one new account: past its rate limit, which is not what this counts.
    let options = Options { env: vec![("SANAD_FORUM_RATE_LIMITS", "off".into())], ..Options::default() };
    let srv = TestServer::start_with(backend, options).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let (_, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Ateliers", "body": "Une idée motseul ?"})).await;
    let tid = topic["id"].as_str().unwrap().to_string();
    for i in 0..12 {
        let (st, _) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": format!("Atelier motcommun {i}.")})).await;
        assert_eq!(st, StatusCode::CREATED);
    }
    let (_, anon) = amal
        .post("/api/v1/forum/topics", json!({"category": "bien-etre", "title": "Fatigue", "body": "Épuisée motcommun.", "anonymous": true}))
        .await;
    let (st, _) =
        amal.post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Rappel", "body": "motcommun 06 98 76 54 32"})).await;
    assert_eq!(st, StatusCode::ACCEPTED, "held");
    // Nothing left for the background jobs to read: the fan-out and the index are done.
    srv.fan_out_now().await;
    srv.index_now().await;

    let (one, one_cost) = search(&mut badr, "q=motseul").await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1, "{one}");
    let (many, many_cost) = search(&mut badr, "q=motcommun&limit=20").await;
    let items = many["items"].as_array().unwrap();
    assert_eq!(items.len(), 13, "twelve replies and the anonymous topic, never the held post: {many}");
    assert_eq!(many_cost, one_cost, "as many statements for 13 hits as for one");
    assert_eq!(many_cost, 1, "the posts and their topics in one statement (and the count sees statements)");
    // Still in rank order with their titles, and the anonymous author by pseudonym only.
    let anon_hit = items.iter().find(|i| i["topic_id"] == anon["id"]).expect("the anonymous topic");
    assert_eq!(anon_hit["title"], "Fatigue");
    assert_eq!(anon_hit["author"].as_object().unwrap().keys().collect::<Vec<_>>(), ["pseudonym"], "{anon_hit}");
    assert!(!many.to_string().contains("Amal"), "{many}");
    assert!(items.iter().filter(|i| i["topic_id"] == tid.as_str()).all(|i| i["author"]["display_name"] == "Badr Chraibi"));
    let (page, _) = search(&mut badr, "q=motcommun&limit=5").await;
    let cursor = page["next_cursor"].as_str().expect("a next page").to_string();
    let (next, next_cost) = search(&mut badr, &format!("q=motcommun&limit=5&cursor={cursor}")).await;
    assert_eq!(next["items"].as_array().unwrap().len(), 5);
    assert_eq!(next_cost, one_cost);
    srv.stop().await;
}
