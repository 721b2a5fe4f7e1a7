//! Mail through a real SMTP server (aiosmtpd): nothing is lost while the
//! server is down, the mail goes out once it is back, and several workers on
//! one outbox deliver each mail once, also when a lease runs out mid-send.

use chrono::Duration;
use reqwest::StatusCode;
use sanad_mail::{MailParams, MailTransport, MailWorker, OutgoingMail, Template, WorkerSettings};
use sanad_tests::{Backend, Options, TestServer, on_both_backends, token_in_mail};
use serde_json::json;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};

on_both_backends!(
    smtp_outage_loses_nothing,
    workers_on_one_outbox_deliver_each_mail_once,
    a_send_that_outlives_its_lease_is_not_delivered_twice,
    an_instance_that_stops_hands_its_batch_over
);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Sink(Child);

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_sink(port: u16, dir: &std::path::Path) -> Sink {
    start_slow_sink(port, dir, 0.0)
}

/// A sink that waits `delay` seconds before accepting each message.
fn start_slow_sink(port: u16, dir: &std::path::Path, delay: f64) -> Sink {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp_sink.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .arg(dir)
        .arg(delay.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with aiosmtpd (pip install aiosmtpd) is needed for the mail tests");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "aiosmtpd sink did not start (pip install aiosmtpd)");
    Sink(child)
}

fn received(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

async fn smtp_outage_loses_nothing(backend: Backend) {
    let port = free_port();
    let inbox = tempfile::tempdir().unwrap();
    let srv = TestServer::start_with(backend, Options { smtp_url: Some(format!("smtp://127.0.0.1:{port}")), ..Options::default() }).await;

    // The SMTP server is down: the request still succeeds and the mail waits.
    let mut anon = srv.client();
    let (st, _) = anon
        .post(
            "/api/v1/auth/register",
            json!({"email": "outage@example.org", "password": "un mot de passe solide 42", "display_name": "Nadia", "locale": "ar"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let counts = srv.drain_mail().await;
    assert_eq!((counts.pending, counts.sent), (1, 0));
    assert!(srv.mail_files().is_empty(), "no file fallback when SMTP is configured");

    // Back up, but the retry is not due yet.
    let _sink = start_sink(port, inbox.path());
    let counts = srv.drain_mail().await;
    assert_eq!((counts.pending, counts.sent), (1, 0), "backs off before retrying");
    assert!(received(inbox.path()).is_empty());
    srv.clock().advance(Duration::seconds(31));
    let counts = srv.drain_mail().await;
    assert_eq!((counts.pending, counts.sent), (0, 1));

    let mails = received(inbox.path());
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: outage@example.org"), "{}", mails[0]);
    let token = token_in_mail(&mails, "outage@example.org", "verify-email").expect("link in the mail");
    // The Arabic template was chosen from the account's locale.
    assert!(mails[0].contains("مرحبا") || mails[0].contains("Subject: =?utf-8?"), "{}", mails[0]);
    let (st, _) = anon.post("/api/v1/auth/verify-email", json!({"token": token})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);

    // The worker delivers on its own too (woken by the commit).
    let (st, _) = anon.post("/api/v1/auth/password-reset", json!({"email": "outage@example.org"})).await;
    assert_eq!(st, StatusCode::ACCEPTED);
    let mut delivered = false;
    for _ in 0..50 {
        if received(inbox.path()).len() == 2 {
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(delivered, "the background worker sent the reset mail");
    srv.stop().await;
}

/// How many messages a slow sink began to receive (accepted or not).
fn started(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "started")).count())
        .unwrap_or_default()
}

/// Queues one verification mail per recipient, as a registration would, and wakes the instance's worker.
async fn queue_mails(srv: &TestServer, recipients: &[String]) {
    let app = &srv.server.app;
    let mut tx = app.db.begin().await.unwrap();
    for (i, recipient) in recipients.iter().enumerate() {
        let mail = OutgoingMail {
            recipient: recipient.clone(),
            locale: "fr".into(),
            template: Template::VerifyEmail,
            params: MailParams { display_name: "Nadia".into(), token: Some(format!("jeton-{i}")), ..MailParams::default() },
        };
        sanad_mail::enqueue(&mut tx, &mail, srv.clock().now()).await.unwrap();
    }
    tx.commit().await.unwrap();
    app.mail.wake();
}

/// Another worker on the same outbox and clock, as a second instance would run.
fn another_worker(srv: &TestServer, port: u16) -> MailWorker {
    let app = &srv.server.app;
    let transport = MailTransport::from_config(Some(&format!("smtp://127.0.0.1:{port}")), srv.data_dir.path().join("unused")).unwrap();
    MailWorker::new(
        app.db.clone(),
        app.clock.clone(),
        transport,
        app.config.mail_from.clone(),
        app.config.public_url.clone(),
        app.metrics.clone(),
    )
}

/// Waits until `check` holds, for at most a minute (the sink is slow on purpose).
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..600 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never happened: {what}");
}

async fn workers_on_one_outbox_deliver_each_mail_once(backend: Backend) {
    let port = free_port();
    let inbox = tempfile::tempdir().unwrap();
    let _sink = start_slow_sink(port, inbox.path(), 0.05);
    let srv = TestServer::start_with(backend, Options { smtp_url: Some(format!("smtp://127.0.0.1:{port}")), ..Options::default() }).await;
    let recipients: Vec<String> = (0..120).map(|i| format!("personne{i}@example.org")).collect();

    // Three workers drain at once: the instance's own (batches of 50, each
    // marked sent in one statement, or in parts a second apart) and two more
    // taking five at a time.
    queue_mails(&srv, &recipients).await;
    let small = WorkerSettings { batch: 5, ..WorkerSettings::default() };
    let (second, third) = (another_worker(&srv, port).with_settings(small.clone()), another_worker(&srv, port).with_settings(small));
    let (a, b) = tokio::join!(second.drain_once(), third.drain_once());
    a.unwrap();
    b.unwrap();
    let mail = &srv.server.app.mail;
    eventually("every mail marked sent", async || mail.counts().await.unwrap().sent == 120).await;

    let mails = received(inbox.path());
    assert_eq!(mails.len(), 120, "one delivery per mail");
    for recipient in &recipients {
        let to = format!("To: {recipient}\r\n");
        assert_eq!(mails.iter().filter(|m| m.contains(&to)).count(), 1, "{recipient} got one mail");
    }
    assert_eq!(mail.counts().await.unwrap().pending, 0);
    srv.stop().await;
}

async fn a_send_that_outlives_its_lease_is_not_delivered_twice(backend: Backend) {
    let port = free_port();
    let inbox = tempfile::tempdir().unwrap();
    let _sink = start_slow_sink(port, inbox.path(), 3.0);
    let srv = TestServer::start_with(backend, Options { smtp_url: Some(format!("smtp://127.0.0.1:{port}")), ..Options::default() }).await;

    // The instance's worker claims the mail and is in the middle of sending it.
    queue_mails(&srv, &["lente@example.org".to_string()]).await;
    eventually("the first worker is sending", async || started(inbox.path()) == 1).await;

    // Its lease runs out before the server accepts the mail, and another
    // worker claims the mail again and sends it.
    srv.clock().advance(Duration::minutes(3));
    let second = another_worker(&srv, port);
    second.drain_once().await.unwrap();
    let mail = &srv.server.app.mail;
    let now = srv.clock().now();
    eventually("the mail marked sent", async || mail.counts().await.unwrap().sent == 1 && mail.in_flight(now).await.unwrap() == 0).await;

    // Two attempts reached the server, one was delivered: the first worker
    // hung up when its lease ran out, before the server took the mail.
    assert_eq!(started(inbox.path()), 2);
    let mails = received(inbox.path());
    assert_eq!(mails.len(), 1, "delivered once");
    assert!(mails[0].contains("To: lente@example.org"), "{}", mails[0]);
    assert_eq!(token_in_mail(&mails, "lente@example.org", "verify-email").as_deref(), Some("jeton-0"));
    let counts = mail.counts().await.unwrap();
    assert_eq!((counts.pending, counts.sent, counts.failed), (0, 1, 0));
    srv.stop().await;
}

/// An instance told to stop in the middle of a batch marks what went out and gives the rest back:
/// another instance sends it at once, not after the two minutes of the lease.
async fn an_instance_that_stops_hands_its_batch_over(backend: Backend) {
    let port = free_port();
    let inbox = tempfile::tempdir().unwrap();
    let _sink = start_slow_sink(port, inbox.path(), 0.3);
    let srv = TestServer::start_with(backend, Options { smtp_url: Some(format!("smtp://127.0.0.1:{port}")), ..Options::default() }).await;
    let other = srv.another_instance().await;
    let recipients: Vec<String> = (0..20).map(|i| format!("relais{i}@example.org")).collect();
    queue_mails(&srv, &recipients).await;
    eventually("the first instance is sending its batch", async || started(inbox.path()) >= 2).await;
    srv.stop().await;

    // The other instance (mail as files) takes what the first gave back, well within the lease.
    let from_first = received(inbox.path());
    assert!(from_first.len() < recipients.len(), "stopped in the middle of its batch: {}", from_first.len());
    let files = || other.mail_files();
    eventually("the rest sent by the other instance", async || from_first.len() + files().len() == recipients.len()).await;
    let all: Vec<String> = from_first.into_iter().chain(files()).collect();
    for recipient in &recipients {
        let to = format!("To: {recipient}\r\n");
        assert_eq!(all.iter().filter(|m| m.contains(&to)).count(), 1, "{recipient} got one mail");
    }
    other.stop().await;
}
