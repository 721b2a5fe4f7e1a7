//! Load for bench/forum.sh, against a running `sanad` (release build) over
//! a forum written by `forum_seed`. Members are `membre-{i}@forum-bench.example.org`;
//! the reader is member 0.
//!
//! - `cursor BASE TOPIC SEQ`: follows a topic's pages (100 posts a page) as
//!   a client would until past post SEQ; prints `cursor=<the next page's cursor>`;
//! - `replies BASE WRITERS SECONDS`: WRITERS members, each signed in, reply
//!   as fast as they can for SECONDS in topics of every category (each
//!   reply screened; one in twenty carries a phone number and is held);
//!   prints replies per second and latency percentiles;
//! - `fanout BASE WATCHED QUIET REPLIES`: one member replies REPLIES times,
//!   ten a second, in the topic without watchers, then in the topic with
//!   1,000 watchers; prints the latency of each series, then how long after
//!   the last reply a watcher has been told of every one (the fan-out drained).

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const PASSWORD: &str = "un mot de passe solide 42";

const SENTENCES: [&str; 10] = [
    "Merci pour ce partage, nous vivons la même chose dans notre service.",
    "Nous avons mis en place une fiche de liaison avec l'école, elle aide beaucoup.",
    "Le premier entretien avec les parents reste le moment le plus délicat.",
    "Je rejoins l'avis précédent sur la place de la parole de l'enfant.",
    "Une supervision régulière de l'équipe nous a permis de tenir dans la durée.",
    "Avez-vous une trame d'entretien à partager ici ?",
    "La coordination avec les partenaires associatifs a été rapide cette fois.",
    "الإنصات للطفل هو أساس كل تدخل ناجح.",
    "التنسيق مع المدرسة ضروري منذ البداية.",
    "Il faut préparer le retour en famille avec la famille elle-même.",
];

#[derive(Clone)]
struct Session {
    http: reqwest::Client,
    base: String,
    csrf: String,
}

impl Session {
    async fn member(base: &str, i: usize) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().cookie_store(true).build()?;
        let email = format!("membre-{i}@forum-bench.example.org");
        let resp = http.post(format!("{base}/api/v1/auth/login")).json(&json!({"email": email, "password": PASSWORD})).send().await?;
        let status = resp.status();
        let answer: Value = resp.json().await?;
        anyhow::ensure!(status.is_success(), "login of {email}: {status} {answer}");
        Ok(Self { http, base: base.to_string(), csrf: answer["csrf_token"].as_str().unwrap_or_default().to_string() })
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<(StatusCode, Value)> {
        let resp = self.http.post(format!("{}{path}", self.base)).header("X-CSRF-Token", &self.csrf).json(&body).send().await?;
        let status = resp.status();
        let text = resp.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let resp = self.http.get(format!("{}{path}", self.base)).send().await?;
        let status = resp.status();
        let answer: Value = resp.json().await?;
        anyhow::ensure!(status.is_success(), "{path}: {status} {answer}");
        Ok(answer)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(times, 0.50),
        percentile(times, 0.95),
        percentile(times, 0.99),
        percentile(times, 1.0)
    )
}

/// A reply of two to four sentences; one in `held_every` carries a phone number.
fn reply_body(n: usize, held_every: usize) -> String {
    let mut text: Vec<&str> = (0..2 + n % 3).map(|k| SENTENCES[(n * 7 + k * 3) % SENTENCES.len()]).collect();
    if held_every > 0 && n % held_every == held_every - 1 {
        text.push("Vous pouvez joindre la mère au 06 98 76 54 32.");
    }
    text.join(" ")
}

async fn cursor(base: &str, topic: &str, seq: i64) -> anyhow::Result<()> {
    let reader = Session::member(base, 0).await?;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/forum/topics/{topic}?limit=100&cursor={c}"),
            None => format!("/api/v1/forum/topics/{topic}?limit=100"),
        };
        let page = reader.get(&path).await?;
        let last = page["posts"].as_array().and_then(|p| p.last()).and_then(|p| p["seq"].as_i64()).unwrap_or(0);
        let next = page["next_cursor"].as_str().map(str::to_string);
        anyhow::ensure!(next.is_some(), "the topic ended before post {seq}");
        cursor = next;
        if last >= seq {
            break;
        }
    }
    println!("cursor={}", cursor.unwrap_or_default());
    Ok(())
}

/// Topics to write in: the first page of every category.
async fn some_topics(s: &Session) -> anyhow::Result<Vec<String>> {
    let categories = s.get("/api/v1/forum/categories").await?;
    let mut topics = Vec::new();
    for c in categories["items"].as_array().into_iter().flatten() {
        let slug = c["slug"].as_str().unwrap_or_default();
        let page = s.get(&format!("/api/v1/forum/categories/{slug}/topics?limit=100")).await?;
        topics.extend(page["items"].as_array().into_iter().flatten().filter_map(|t| t["id"].as_str().map(str::to_string)));
    }
    anyhow::ensure!(!topics.is_empty(), "no topics");
    Ok(topics)
}

async fn replies(base: &str, writers: usize, seconds: u64) -> anyhow::Result<()> {
    // Members 2000 and up: neither the reader, nor watchers, nor the fan-out's writer.
    let mut sessions = Vec::new();
    for i in 0..writers {
        sessions.push(Session::member(base, 2000 + i).await?);
    }
    let topics = Arc::new(some_topics(&sessions[0]).await?);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (w, s) in sessions.into_iter().enumerate() {
        let (stop, topics) = (stop.clone(), topics.clone());
        tasks.push(tokio::spawn(async move {
            let (mut times, mut held, mut failures) = (Vec::new(), 0u64, 0u64);
            let mut n = w * 7919;
            while !stop.load(Ordering::Relaxed) {
                let topic = &topics[n % topics.len()];
                let at = Instant::now();
                match s.post(&format!("/api/v1/forum/topics/{topic}/posts"), json!({"body": reply_body(n, 20)})).await {
                    Ok((StatusCode::CREATED, _)) => times.push(at.elapsed()),
                    Ok((StatusCode::ACCEPTED, _)) => {
                        times.push(at.elapsed());
                        held += 1;
                    }
                    Ok((status, body)) => {
                        if failures == 0 {
                            eprintln!("reply refused: {status} {body}");
                        }
                        failures += 1;
                    }
                    Err(e) => {
                        if failures == 0 {
                            eprintln!("reply failed: {e}");
                        }
                        failures += 1;
                    }
                }
                n += 1;
            }
            (times, held, failures)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let (mut all, mut held, mut failures) = (Vec::new(), 0, 0);
    for task in tasks {
        let (times, h, f) = task.await?;
        all.extend(times);
        held += h;
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "replies: {writers} writers, {:.0} replies/s, {}, {} replies ({held} held by screening), {failures} failed",
        all.len() as f64 / elapsed,
        summary(&mut all),
        all.len()
    );
    Ok(())
}

async fn series(writer: &Session, topic: &str, replies: usize, offset: usize) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(replies);
    let pace = Duration::from_millis(100);
    for n in 0..replies {
        let at = Instant::now();
        let (status, body) =
            writer.post(&format!("/api/v1/forum/topics/{topic}/posts"), json!({"body": reply_body(offset + n, 0)})).await?;
        let took = at.elapsed();
        anyhow::ensure!(status == StatusCode::CREATED, "reply: {status} {body}");
        times.push(took);
        tokio::time::sleep(pace.saturating_sub(took)).await;
    }
    Ok(times)
}

async fn fanout(base: &str, watched: &str, quiet: &str, replies: usize) -> anyhow::Result<()> {
    let writer = Session::member(base, 1500).await?;
    // Member 10 is the first of the watched topic's watchers.
    let watcher = Session::member(base, 10).await?;
    let unread = |v: &Value| v["unread"].as_i64().unwrap_or(0);
    let before = unread(&watcher.get("/api/v1/me/notifications?limit=1").await?);
    let mut quiet_times = series(&writer, quiet, replies, 0).await?;
    println!("reply in a topic without watchers: {replies} replies, {}", summary(&mut quiet_times));
    let mut watched_times = series(&writer, watched, replies, replies).await?;
    let last = Instant::now();
    println!("reply in a topic with 1,000 watchers: {replies} replies, {}", summary(&mut watched_times));
    loop {
        let now = unread(&watcher.get("/api/v1/me/notifications?limit=1").await?);
        if now - before >= replies as i64 {
            println!(
                "fan-out drained: a watcher had all {replies} notifications {:.1} s after the last reply ({} notifications written for 1,000 watchers)",
                last.elapsed().as_secs_f64(),
                replies * 1000
            );
            return Ok(());
        }
        anyhow::ensure!(last.elapsed() < Duration::from_secs(600), "fan-out not drained after 10 minutes ({} of {replies})", now - before);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(1).as_str() {
        "cursor" => cursor(&arg(2), &arg(3), arg(4).parse()?).await,
        "replies" => replies(&arg(2), arg(3).parse()?, arg(4).parse()?).await,
        "fanout" => fanout(&arg(2), &arg(3), &arg(4), arg(5).parse()?).await,
        _ => anyhow::bail!("usage: forum_load cursor BASE TOPIC SEQ | replies BASE WRITERS SECONDS | fanout BASE WATCHED QUIET REPLIES"),
    }
}
