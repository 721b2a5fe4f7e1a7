//! Mail through a real SMTP server (aiosmtpd): nothing is lost while the
//! server is down, and the mail goes out once it is back.

use chrono::Duration;
use reqwest::StatusCode;
use sanad_tests::{Backend, Options, TestServer, on_both_backends, token_in_mail};
use serde_json::json;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};

on_both_backends!(smtp_outage_loses_nothing);

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
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp_sink.py");
    let mut child = Command::new("python3")
        .arg(script)
        .arg(port.to_string())
        .arg(dir)
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
