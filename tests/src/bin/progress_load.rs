//! Load for bench/progress.sh, against a running `sanad` (release build):
//!
//! - `completions BASE LEARNERS SECONDS`: a trainer course of 20 lessons, LEARNERS
//!   registered learners, each marking lessons read as fast as it can for SECONDS;
//!   prints learning events per second and latency percentiles;
//! - `followed BASE`: one learner enrolled in 20 courses, half done; prints
//!   the script signs in as `banc-suivi@example.org` for wrk on `GET /api/v1/me/progress`;
//! - `cohort BASE MEMBERS`: a cohort of MEMBERS learners, each with a few items
//!   done and a quiz attempt; prints `cohort=<id>` for wrk on its dashboard.
//!
//! The trainer is `bench-trainer@example.org`, created beforehand with `sanad user add`.

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const PASSWORD: &str = "un mot de passe solide 42";

#[derive(Clone)]
struct Session {
    http: reqwest::Client,
    base: String,
    csrf: String,
}

impl Session {
    async fn sign(base: &str, path: &str, body: Value) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().cookie_store(true).build()?;
        let resp = http.post(format!("{base}{path}")).json(&body).send().await?;
        let status = resp.status();
        let answer: Value = resp.json().await?;
        anyhow::ensure!(status.is_success(), "{path}: {status} {answer}");
        Ok(Self { http, base: base.to_string(), csrf: answer["csrf_token"].as_str().unwrap_or_default().to_string() })
    }

    async fn learner(base: &str, email: &str) -> anyhow::Result<Self> {
        Self::sign(base, "/api/v1/auth/register", json!({"email": email, "password": PASSWORD, "display_name": email})).await
    }

    async fn trainer(base: &str) -> anyhow::Result<Self> {
        Self::sign(base, "/api/v1/auth/login", json!({"email": "bench-trainer@example.org", "password": PASSWORD})).await
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<(StatusCode, Value)> {
        let resp = self.http.post(format!("{}{path}", self.base)).header("X-CSRF-Token", &self.csrf).json(&body).send().await?;
        let status = resp.status();
        let text = resp.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        Ok(self.http.get(format!("{}{path}", self.base)).send().await?.json().await?)
    }
}

/// A published course of `lessons` lessons in one module; returns the lesson ids and the quiz id.
async fn course(t: &Session, slug: &str, lessons: usize) -> anyhow::Result<(Vec<String>, String)> {
    let (st, body) = t.post("/api/v1/courses", json!({"slug": slug, "title": slug, "summary": "banc", "theme": "pec"})).await?;
    anyhow::ensure!(st.is_success(), "course: {body}");
    let (_, m) = t.post(&format!("/api/v1/courses/{slug}/modules"), json!({"title": "Module"})).await?;
    let m = m["id"].as_str().unwrap_or_default().to_string();
    let mut ids = Vec::new();
    for i in 0..lessons {
        let (_, l) = t.post(&format!("/api/v1/modules/{m}/lessons"), json!({"title": format!("Leçon {i}"), "body": "Texte."})).await?;
        ids.push(l["id"].as_str().unwrap_or_default().to_string());
    }
    let (_, q) = t
        .post(
            &format!("/api/v1/modules/{m}/quizzes"),
            json!({"title": "Quiz", "pass_mark": 100, "shuffle": false, "questions": [
                {"kind": "single", "prompt": "Écouter ?", "choices": [{"label": "Oui", "correct": true}, {"label": "Non", "correct": false}]}]}),
        )
        .await?;
    let (st, body) = t.post(&format!("/api/v1/courses/{slug}/publish"), json!({})).await?;
    anyhow::ensure!(st.is_success(), "publish: {body}");
    Ok((ids, q["id"].as_str().unwrap_or_default().to_string()))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn completions(base: &str, learners: usize, seconds: u64) -> anyhow::Result<()> {
    let t = Session::trainer(base).await?;
    let (lessons, _) = course(&t, "banc-completions", 20).await?;
    let lessons = Arc::new(lessons);
    let mut sessions = Vec::new();
    for i in 0..learners {
        sessions.push(Session::learner(base, &format!("banc-{i}@example.org")).await?);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (n, s) in sessions.into_iter().enumerate() {
        let (stop, lessons) = (stop.clone(), lessons.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut failures = 0u64;
            let mut i = n;
            while !stop.load(Ordering::Relaxed) {
                let at = Instant::now();
                let lesson = &lessons[i % lessons.len()];
                match s.post(&format!("/api/v1/lessons/{lesson}/completion"), json!({})).await {
                    Ok((StatusCode::NO_CONTENT, _)) => times.push(at.elapsed()),
                    _ => failures += 1,
                }
                i += 1;
            }
            (times, failures)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (times, failed) = task.await?;
        all.extend(times);
        failures += failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    println!(
        "completions: {learners} learners, {:.0} events/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, {} events, {failures} failed",
        all.len() as f64 / elapsed,
        percentile(&all, 0.50),
        percentile(&all, 0.95),
        percentile(&all, 0.99),
        all.len()
    );
    Ok(())
}

async fn followed(base: &str) -> anyhow::Result<()> {
    let t = Session::trainer(base).await?;
    let learner = Session::learner(base, "banc-suivi@example.org").await?;
    for c in 0..20 {
        let (lessons, _) = course(&t, &format!("banc-suivi-{c}"), 10).await?;
        for l in lessons.iter().take(5) {
            learner.post(&format!("/api/v1/lessons/{l}/completion"), json!({})).await?;
        }
    }
    let mine = learner.get("/api/v1/me/progress").await?;
    anyhow::ensure!(mine["items"].as_array().map_or(0, Vec::len) == 20, "20 courses followed: {mine}");
    println!("ok");
    Ok(())
}

async fn cohort(base: &str, members: usize) -> anyhow::Result<()> {
    let t = Session::trainer(base).await?;
    let (lessons, quiz) = course(&t, "banc-cohorte", 10).await?;
    let today = chrono::Utc::now().date_naive();
    let (_, c) = t
        .post(
            "/api/v1/cohorts",
            json!({"course_slug": "banc-cohorte", "title": "Banc", "starts_on": today, "ends_on": today + chrono::Duration::days(30)}),
        )
        .await?;
    let id = c["id"].as_str().unwrap_or_default().to_string();
    let quiz_view = t.get(&format!("/api/v1/quizzes/{quiz}")).await?;
    let question = quiz_view["questions"][0].clone();
    let mut emails = Vec::new();
    for i in 0..members {
        let email = format!("banc-membre-{i}@example.org");
        let s = Session::learner(base, &email).await?;
        for l in lessons.iter().take(i % 10) {
            s.post(&format!("/api/v1/lessons/{l}/completion"), json!({})).await?;
        }
        let choice = &question["choices"][i % 2]["id"];
        s.post(&format!("/api/v1/quizzes/{quiz}/attempts"), json!({"answers": [{"question_id": question["id"], "choice_ids": [choice]}]}))
            .await?;
        emails.push(email);
    }
    for chunk in emails.chunks(500) {
        let (st, body) = t.post(&format!("/api/v1/cohorts/{id}/members"), json!({"emails": chunk})).await?;
        anyhow::ensure!(st.is_success(), "members: {body}");
    }
    let dash = t.get(&format!("/api/v1/cohorts/{id}/progress")).await?;
    anyhow::ensure!(dash["members"].as_array().map_or(0, Vec::len) == members, "members on the dashboard");
    println!("cohort={id}");
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(1).as_str() {
        "completions" => completions(&arg(2), arg(3).parse()?, arg(4).parse()?).await,
        "followed" => followed(&arg(2)).await,
        "cohort" => cohort(&arg(2), arg(3).parse()?).await,
        _ => anyhow::bail!("usage: progress_load completions BASE LEARNERS SECONDS | followed BASE | cohort BASE MEMBERS"),
    }
}
