//! The database out of reach: PostgreSQL behind a link the test cuts and
//! mends, SQLite's file held by another process past the busy wait. Requests
//! are answered `503 unavailable` with `Retry-After`, never 500; what was
//! stored before is still there, and the instance answers again once the
//! database does, without a restart.

use reqwest::{Method, StatusCode};
use sanad_tests::{Backend, Client, Options, TestServer, on_both_backends};
use serde_json::{Value, json};
use sqlx::Connection;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

on_both_backends!(the_database_out_of_reach_is_503_and_nothing_stored_is_lost);

/// A TCP link to PostgreSQL that the test can cut (every connection
/// closed, new ones closed as soon as they are accepted) and mend.
struct Link {
    port: u16,
    cut: Arc<AtomicBool>,
    relays: Arc<Mutex<JoinSet<()>>>,
    _listening: tokio::task::JoinHandle<()>,
}

impl Link {
    async fn open(to: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().expect("address").port();
        let (cut, relays) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(JoinSet::new())));
        let listening = tokio::spawn({
            let (cut, relays) = (cut.clone(), relays.clone());
            async move {
                while let Ok((mut near, _)) = listener.accept().await {
                    if cut.load(Ordering::SeqCst) {
                        continue; // dropped: closed at once
                    }
                    relays.lock().unwrap().spawn(async move {
                        if let Ok(mut far) = TcpStream::connect(to).await {
                            let _ = tokio::io::copy_bidirectional(&mut near, &mut far).await;
                        }
                    });
                }
            }
        });
        Link { port, cut, relays, _listening: listening }
    }

    async fn cut(&mut self) {
        self.cut.store(true, Ordering::SeqCst);
        let mut relays = std::mem::take(&mut *self.relays.lock().unwrap());
        relays.shutdown().await;
    }

    fn mend(&mut self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// What keeps the database from the server, and gives it back.
enum Outage {
    Link(Link),
    /// Another process's write transaction on the SQLite file.
    Holder(std::path::PathBuf, Option<sqlx::SqliteConnection>),
}

impl Outage {
    async fn begin(&mut self) {
        match self {
            Outage::Link(link) => link.cut().await,
            Outage::Holder(file, held) => {
                let url = format!("sqlite://{}", file.display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("another connection to the file");
                sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await.expect("the write lock");
                *held = Some(conn);
            }
        }
    }

    async fn end(&mut self) {
        match self {
            Outage::Link(link) => link.mend(),
            Outage::Holder(_, held) => {
                let mut conn = held.take().expect("held");
                sqlx::query("ROLLBACK").execute(&mut conn).await.expect("released");
                conn.close().await.expect("closed");
            }
        }
    }
}

/// Asserts a `503 unavailable` problem with `Retry-After`.
fn assert_unavailable(c: &Client, st: StatusCode, body: &Value, what: &str) {
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{what}: {body}");
    assert_eq!(body["type"], "urn:sanad:problem:unavailable", "{what}: {body}");
    assert_eq!(c.last_headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("5"), "{what}");
}

/// A request sent again while the database is coming back, as a client that
/// waits as `Retry-After` asks: a connection that was in use just before the
/// cut fails once more (it is pinged only after a second idle:
/// docs/operations.md), always as `unavailable`.
async fn answered(c: &mut Client, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    for _ in 0..20 {
        let (st, answer) = c.send(method.clone(), path, body.clone(), None).await;
        if st != StatusCode::SERVICE_UNAVAILABLE {
            return (st, answer);
        }
        assert_unavailable(c, st, &answer, "a request just after the database came back");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    panic!("{method} {path}: still unavailable after 20 tries");
}

async fn the_database_out_of_reach_is_503_and_nothing_stored_is_lost(backend: Backend) {
    let (srv, mut outage) = match backend {
        Backend::Sqlite => {
            let srv = TestServer::start(backend).await;
            let file = srv.data_dir.path().join("sanad.db");
            (srv, Outage::Holder(file, None))
        }
        Backend::Postgres => {
            let url = sanad_tests::fresh_postgres_database().await.expect("a database");
            let mut through = url::Url::parse(&url).expect("URL");
            let to = format!("{}:{}", through.host_str().expect("host"), through.port().unwrap_or(5432));
            let to = tokio::net::lookup_host(to).await.expect("address").next().expect("an address");
            let link = Link::open(to).await;
            through.set_port(Some(link.port)).expect("a port");
            (TestServer::start_on_postgres(through.to_string(), Options::default()).await, Outage::Link(link))
        }
    };
    let mut amal = srv.member("amal@example.org", "Amal").await;
    let (st, opened) = amal
        .post("/api/v1/forum/topics", json!({"category": "concepts", "title": "Premier accueil", "body": "Comment faites-vous ?"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{opened}");
    let topic = opened["id"].as_str().expect("topic id").to_string();
    let page = format!("/api/v1/forum/topics/{topic}");

    outage.begin().await;
    let (st, body) = amal.post(&format!("{page}/posts"), json!({"body": "Une réponse écrite pendant la coupure."})).await;
    assert_unavailable(&amal, st, &body, "a reply while the database is out of reach");
    if backend == Backend::Postgres {
        // Reads need the database too; on SQLite they go on beside the held write lock.
        let (st, body) = amal.get(&page).await;
        assert_unavailable(&amal, st, &body, "a topic read while the database is out of reach");
        let (st, body) = amal.get("/api/v1/forum/categories/concepts/topics").await;
        assert_unavailable(&amal, st, &body, "a category list while the database is out of reach");
    }
    outage.end().await;

    let (st, seen) = answered(&mut amal, Method::GET, &page, None).await;
    assert_eq!(st, StatusCode::OK, "{seen}");
    let bodies: Vec<&str> = seen["posts"].as_array().expect("posts").iter().filter_map(|p| p["body"].as_str()).collect();
    assert_eq!(bodies, ["Comment faites-vous ?"], "the topic stored before, and nothing of the refused reply");
    let again = json!({"body": "La même réponse, à nouveau."});
    let (st, reply) = answered(&mut amal, Method::POST, &format!("{page}/posts"), Some(again)).await;
    assert_eq!(st, StatusCode::CREATED, "{reply}");
    let (_, seen) = answered(&mut amal, Method::GET, &page, None).await;
    assert_eq!(seen["posts"].as_array().map(Vec::len), Some(2), "the reply once, none of the refused ones: {seen}");
    srv.stop().await;
}
