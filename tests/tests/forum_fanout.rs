//! The fan-out of a reply to many watchers, end to end on both backends:
//! every watcher is told once in the app, every one who wants immediate mail
//! gets one mail, also when part of the fan-out is done again (a lease run
//! out); and it takes a few statements, not a few per watcher: the
//! notifications and mails go in multi-row INSERTs, and the mail worker marks
//! a batch sent with one UPDATE. On SQLite every write statement waits for the
//! only write lock, which a reply needs too. The statements are counted from
//! sqlx's own log of each one (`sqlx::query` events), by a subscriber of this
//! test binary; the two backends' runs take turns so that one never counts
//! the other's.

use chrono::Utc;
use reqwest::StatusCode;
use sanad_platform::on_db;
use sanad_tests::{Backend, Options, TestServer, on_both_backends, watch_statements};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use uuid::Uuid;

on_both_backends!(a_reply_tells_six_hundred_watchers_once_in_few_statements);

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
    on_db!(&srv.server.app.db, c => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(statement)).bind(post).fetch_one(c).await.unwrap())
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

async fn a_reply_tells_six_hundred_watchers_once_in_few_statements(backend: Backend) {
    let _turn = ONE_AT_A_TIME.lock().await;
    count_statements();
    let srv = TestServer::start_with(backend, Options::default()).await;
    let mut amal = srv.member("amal@example.org", "Amal Berrada").await;
    let mut badr = srv.member("badr@example.org", "Badr Chraibi").await;
    let (st, topic) =
        amal.post("/api/v1/forum/topics", json!({"category": "prevention", "title": "Ateliers parents", "body": "Vos idées ?"})).await;
    assert_eq!(st, StatusCode::CREATED, "{topic}");
    let tid: Uuid = topic["id"].as_str().unwrap().parse().unwrap();
    srv.fan_out_now().await;

    // 600 watchers written straight into the database (registering them
    // would hash 600 passwords): one in six wants a daily digest rather than
    // mail, one in fifty is disabled; the other 488 want mail at once.
    let now = Utc::now();
    let mut watchers = Vec::new();
    let mut immediate = 0;
    let mut tx = srv.server.app.db.begin().await.unwrap();
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
                .bind(tid).bind(id).execute(&mut *c).await.unwrap();
            if daily {
                sqlx::query("INSERT INTO forum_notification_settings (user_id, email) VALUES ($1, 'daily')")
                    .bind(id).execute(&mut *c).await.unwrap();
            }
        });
        watchers.push(id);
    }
    tx.commit().await.unwrap();
    assert_eq!(immediate, 488);

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
    let requeue = "INSERT INTO forum_fanout (id, post_id, created_at) VALUES ($1, $2, $3)";
    on_db!(&srv.server.app.db, c => sqlx::query(requeue).bind(sanad_platform::ids::new_id()).bind(post).bind(Utc::now())
        .execute(c).await.unwrap().rows_affected());
    srv.fan_out_now().await;
    assert_eq!(told(&srv, post).await, (WATCHERS as i64, immediate, immediate), "the 250 told again, the others not");
    assert!(queued < immediate);

    // Once more, with nothing missing: nobody is told twice.
    on_db!(&srv.server.app.db, c => sqlx::query(requeue).bind(sanad_platform::ids::new_id()).bind(post).bind(Utc::now())
        .execute(c).await.unwrap().rows_affected());
    srv.fan_out_now().await;
    assert_eq!(told(&srv, post).await, (WATCHERS as i64, immediate, immediate));
    srv.stop().await;
}
