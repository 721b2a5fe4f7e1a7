//! The fan-out of a reply to many watchers, end to end on both backends:
//! every watcher is told once in the app, every one who wants immediate mail
//! gets one mail, also when part of the fan-out is done again (a lease run
//! out, or an instance that stopped and gave it back); and it takes a few
//! statements, not a few per watcher: the notifications and mails go in
//! multi-row INSERTs, and the mail worker marks a batch sent with one UPDATE.
//! On SQLite every write statement waits for the only write lock, which a
//! reply needs too. The statements are counted from sqlx's own log of each
//! one (`sqlx::query` events), by a subscriber of this test binary; the
//! scenarios take turns so that one never counts another's.

use async_trait::async_trait;
use chrono::Utc;
use reqwest::StatusCode;
use sanad_accounts::Accounts;
use sanad_forum::search::Analyzers;
use sanad_forum::{Forum, ForumSeams};
use sanad_platform::people::{PeopleDirectory, Person};
use sanad_platform::{Clock, Db, on_db};
use sanad_tests::{Backend, Client, Options, TestServer, on_both_backends, watch_statements};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::watch;
use uuid::Uuid;

on_both_backends!(a_reply_tells_six_hundred_watchers_once_in_few_statements, an_instance_that_stops_hands_its_fan_out_over);

/// Watchers of the topic: more than two statements' worth of rows.
const WATCHERS: usize = 600;

/// Statements since the binary started: notifications written, mails queued, mails marked sent.
static NOTIFICATION_INSERTS: AtomicUsize = AtomicUsize::new(0);
static MAIL_INSERTS: AtomicUsize = AtomicUsize::new(0);
static MAIL_MARKS: AtomicUsize = AtomicUsize::new(0);
/// One backend's run at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Counts the statements this test is about.
fn tally(text: &str) {
    if text.contains("INSERT INTO forum_notifications") {
        NOTIFICATION_INSERTS.fetch_add(1, Ordering::SeqCst);
    }
    if text.contains("INSERT INTO mail_outbox") {
        MAIL_INSERTS.fetch_add(1, Ordering::SeqCst);
    }
    if text.contains("UPDATE mail_outbox SET sent_at") {
        MAIL_MARKS.fetch_add(1, Ordering::SeqCst);
    }
}

fn count_statements() {
    watch_statements(tally);
}

fn counted() -> [usize; 3] {
    [NOTIFICATION_INSERTS.load(Ordering::SeqCst), MAIL_INSERTS.load(Ordering::SeqCst), MAIL_MARKS.load(Ordering::SeqCst)]
}

fn address(i: usize) -> String {
    format!("veilleur-{i}@veilleurs.example.org")
}

/// Writes [`WATCHERS`] watchers of `topic` straight into the database
/// (registering them would hash 600 passwords): one in six wants a daily
/// digest rather than mail, one in fifty is disabled. Returns them, and how
/// many want mail at once (488).
async fn add_watchers(db: &Db, topic: Uuid) -> (Vec<Uuid>, i64) {
    let now = Utc::now();
    let mut watchers = Vec::new();
    let mut immediate = 0;
    let mut tx = db.begin().await.unwrap();
    for i in 0..WATCHERS {
        let id = sanad_platform::ids::new_id();
        let disabled = (i % 50 == 1).then_some(now);
        let daily = i % 6 == 0;
        if !daily && disabled.is_none() {
            immediate += 1;
        }
        sanad_platform::on_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO users (id, email, email_normalized, display_name, password_hash, roles, locale, email_verified_at, \
                 disabled_at, created_at, updated_at) VALUES ($1, $2, $2, $3, 'x', 'learner', 'fr', $4, $5, $4, $4)")
                .bind(id).bind(address(i)).bind(format!("Veilleur {i}")).bind(now).bind(disabled).execute(&mut *c).await.unwrap();
            sqlx::query("INSERT INTO forum_subscriptions (topic_id, user_id, level) VALUES ($1, $2, 'watching')")
                .bind(topic).bind(id).execute(&mut *c).await.unwrap();
            if daily {
                sqlx::query("INSERT INTO forum_notification_settings (user_id, email) VALUES ($1, 'daily')")
                    .bind(id).execute(&mut *c).await.unwrap();
            }
        });
        watchers.push(id);
    }
    tx.commit().await.unwrap();
    assert_eq!(immediate, 488);
    (watchers, immediate)
}

/// Queues the fan-out of `post` again, as the reply's transaction does.
async fn requeue(db: &Db, post: Uuid) {
    on_db!(db, c => sqlx::query("INSERT INTO forum_fanout (id, post_id, created_at) VALUES ($1, $2, $3)")
        .bind(sanad_platform::ids::new_id()).bind(post).bind(Utc::now()).execute(c).await.unwrap().rows_affected());
}

/// Runs one statement with `binds` (uuids) and returns the rows it changed.
async fn exec(srv: &TestServer, statement: &str, binds: &[Uuid]) -> u64 {
    on_db!(&srv.server.app.db, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(statement));
        for b in binds {
            q = q.bind(*b);
        }
        q.execute(c).await.unwrap().rows_affected()
    })
}

async fn count(srv: &TestServer, statement: &str, post: Uuid) -> i64 {
    count_on(&srv.server.app.db, statement, post).await
}

async fn count_on(db: &Db, statement: &str, post: Uuid) -> i64 {
    on_db!(db, c => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(statement)).bind(post).fetch_one(c).await.unwrap())
}

/// Watchers told in the app of `post`, and the mails to watchers queued (any state) and sent.
async fn told(srv: &TestServer, post: Uuid) -> (i64, i64, i64) {
    let notified = count(srv, "SELECT COUNT(*) FROM forum_notifications WHERE post_id = $1 AND kind = 'watched'", post).await;
    let queued = on_db!(&srv.server.app.db, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM mail_outbox \
         WHERE recipient LIKE '%@veilleurs.example.org'").fetch_one(c).await.unwrap());
    (notified, queued.0, queued.1)
}

/// Mail files to each watcher's address: every one is at most one.
fn mails_per_watcher(srv: &TestServer) -> Vec<usize> {
    let files = srv.mail_files();
    (0..WATCHERS).map(|i| files.iter().filter(|m| m.contains(&format!("To: {}\r\n", address(i)))).count()).collect()
}

/// Amal opens a topic that Badr will reply to: Badr, and the topic's id.
async fn a_topic_of_amal(srv: &TestServer) -> (Client, Uuid) {
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let (st, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Ateliers parents", "body": "Vos idées ?"})).await;
    assert_eq!(st, StatusCode::CREATED, "{topic}");
    (badr, topic["id"].as_str().unwrap().parse().unwrap())
}

async fn a_reply_tells_six_hundred_watchers_once_in_few_statements(backend: Backend) {
    let _turn = ONE_AT_A_TIME.lock().await;
    count_statements();
    let srv = TestServer::start_with(backend, Options::default()).await;
    let (mut badr, tid) = a_topic_of_amal(&srv).await;
    srv.fan_out_now().await;

    let (watchers, immediate) = add_watchers(&srv.server.app.db, tid).await;

    // A reply: the topic's author is told in its transaction, the watchers by the fan-out.
    let before = counted();
    let (st, reply) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": "Un atelier sur l'écoute."})).await;
    assert_eq!(st, StatusCode::CREATED, "{reply}");
    let post: Uuid = reply["post_id"].as_str().unwrap().parse().unwrap();
    srv.fan_out_now().await;
    let after = counted();
    assert_eq!(told(&srv, post).await, (WATCHERS as i64, immediate, immediate), "every watcher told once, mail to each who wants it");
    assert!(mails_per_watcher(&srv).iter().all(|n| *n <= 1), "nobody gets two mails");
    assert_eq!(mails_per_watcher(&srv).iter().sum::<usize>() as i64, immediate);

    // Statements: the author's notification and mail, then 600 watchers in
    // statements of 250 rows; 489 mails marked sent in batches of 50 (a
    // batch is marked in parts only if its sending takes over a second).
    let [notifications, mails, marks] = [after[0] - before[0], after[1] - before[1], after[2] - before[2]];
    assert!((2..=4).contains(&notifications), "{notifications} INSERTs of notifications for 601 of them");
    assert!((2..=4).contains(&mails), "{mails} INSERTs of mails for 489 of them");
    assert!((10..=40).contains(&marks), "{marks} UPDATEs marking 489 mails sent");

    // The fan-out done again, as when its lease ran out after some of its
    // transactions: 250 watchers' notifications and mails had not been
    // written, the others had. Each is told once, and gets one mail.
    let redo: Vec<Uuid> = watchers[..250].to_vec();
    for id in &redo {
        exec(&srv, "DELETE FROM forum_notifications WHERE user_id = $1 AND post_id = $2", &[*id, post]).await;
    }
    let addresses: Vec<String> = (0..250).map(address).collect();
    for a in &addresses {
        on_db!(&srv.server.app.db, c => sqlx::query("DELETE FROM mail_outbox WHERE recipient = $1").bind(a).execute(c).await.unwrap().rows_affected());
    }
    let (notified, queued, _) = told(&srv, post).await;
    assert_eq!(notified, (WATCHERS - 250) as i64);
    requeue(&srv.server.app.db, post).await;
    srv.fan_out_now().await;
    assert_eq!(told(&srv, post).await, (WATCHERS as i64, immediate, immediate), "the 250 told again, the others not");
    assert!(queued < immediate);

    // Once more, with nothing missing: nobody is told twice.
    requeue(&srv.server.app.db, post).await;
    srv.fan_out_now().await;
    assert_eq!(told(&srv, post).await, (WATCHERS as i64, immediate, immediate));
    srv.stop().await;
}

/// Posts whose fan-out waits when the instance is told to stop.
const BACKLOG: usize = 3;

/// The people an instance reads its watchers from, telling the instance to
/// stop as it reads the first of them: the stop arrives while a fan-out's
/// first transaction is in hand.
struct StopWhileReading {
    accounts: Accounts,
    stop: watch::Sender<bool>,
}

#[async_trait]
impl PeopleDirectory for StopWhileReading {
    async fn find_by_email(&self, email: &str) -> sanad_platform::Result<Option<Uuid>> {
        self.accounts.find_by_email(email).await
    }

    async fn people(&self, ids: &[Uuid]) -> sanad_platform::Result<Vec<Person>> {
        self.stop.send_replace(true);
        self.accounts.people(ids).await
    }
}

/// The forum as an instance on `db` runs it, reading people from `people`.
fn forum_instance(db: &Db, people: Arc<dyn PeopleDirectory>) -> Forum {
    let seams = ForumSeams { people, wake_mail: Arc::new(|| {}), analyzers: Analyzers::default() };
    Forum::new(db.clone(), Clock::system(), seams).expect("forum")
}

/// Mails queued to the watchers, by recipient.
async fn mails_by_watcher(db: &Db) -> Vec<i64> {
    on_db!(db, c => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM mail_outbox WHERE recipient LIKE '%@veilleurs.example.org' GROUP BY recipient")
        .fetch_all(c).await.unwrap())
}

/// An instance told to stop with a backlog of fan-outs finishes the
/// transaction in hand, begins no other, and gives back the post it was
/// fanning out: another instance takes it and the rest at once, not after
/// the two minutes of the lease, and every watcher is told of each post
/// once and mailed once.
async fn an_instance_that_stops_hands_its_fan_out_over(backend: Backend) {
    let _turn = ONE_AT_A_TIME.lock().await;
    let srv = TestServer::start_with(backend, Options::default()).await;
    let (mut badr, tid) = a_topic_of_amal(&srv).await;
    let mut posts = Vec::new();
    for i in 0..BACKLOG {
        let (st, reply) = badr.post(&format!("/api/v1/forum/topics/{tid}/posts"), json!({"body": format!("Atelier n° {i}.")})).await;
        assert_eq!(st, StatusCode::CREATED, "{reply}");
        posts.push(reply["post_id"].as_str().unwrap().parse::<Uuid>().unwrap());
    }
    srv.fan_out_now().await;
    // The server's own fan-out job would take the backlog too: the two
    // instances of this scenario are the test's, on the same database.
    let (db, _data_dir) = srv.stop_and_open_database().await;
    // Only the watchers written here are fanned out to (the topic's author
    // was told in each reply's transaction).
    on_db!(&db, c => sqlx::query("DELETE FROM forum_subscriptions WHERE topic_id = $1").bind(tid).execute(c).await.unwrap().rows_affected());
    let (watchers, immediate) = add_watchers(&db, tid).await;
    for post in &posts {
        requeue(&db, *post).await;
    }
    let notified =
        async |post: Uuid| count_on(&db, "SELECT COUNT(*) FROM forum_notifications WHERE post_id = $1 AND kind = 'watched'", post).await;

    // The first instance is told to stop as it reads the first 250 watchers of the first post.
    let accounts = Accounts::new(db.clone(), Clock::system(), Arc::new(|| {}));
    let (stop, stopped) = watch::channel(false);
    let first = forum_instance(&db, Arc::new(StopWhileReading { accounts: accounts.clone(), stop }));
    tokio::time::timeout(std::time::Duration::from_secs(60), first.run_fanout(stopped)).await.expect("the fan-out job stops");
    assert_eq!(notified(posts[0]).await, 250, "the transaction in hand is written whole, and no other is begun");
    for post in &posts[1..] {
        assert_eq!(notified(*post).await, 0, "no other post is taken once told to stop");
    }
    let waiting = on_db!(&db, c => sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN claimed_until IS NOT NULL OR claim_token IS NOT NULL THEN 1 ELSE 0 END), 0) \
         FROM forum_fanout").fetch_one(c).await.unwrap());
    assert_eq!(waiting, (BACKLOG as i64, 0), "every post still waits, none held: the one in hand was given back");

    // Another instance, its clock nowhere near the end of a lease, takes them all now.
    let second = forum_instance(&db, Arc::new(accounts));
    assert_eq!(second.fan_out_once().await.unwrap(), BACKLOG, "the post given back is claimed at once");
    assert_eq!(second.fanout_waiting().await.unwrap(), 0);
    for post in &posts {
        assert_eq!(notified(*post).await, watchers.len() as i64, "every watcher told once of each post");
    }
    let mails = mails_by_watcher(&db).await;
    assert_eq!(mails.len() as i64, immediate, "a mail to each watcher who wants one");
    assert!(mails.iter().all(|n| *n == BACKLOG as i64), "one mail a post, none twice: {mails:?}");
    db.close().await;
}
