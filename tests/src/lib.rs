//! Harness for end-to-end tests of the composed service: start `sanad` on a
//! free port with a temporary data directory, on SQLite or on a fresh
//! PostgreSQL database, and talk to it over HTTP like a client would.

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use sanad_platform::{Clock, Config};
use sanad_server::RunningServer;
use serde_json::Value;
use std::path::PathBuf;

/// The two database backends every scenario runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server URL for tests, when one is configured.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("SANAD_TEST_DATABASE_URL").ok().filter(|v| !v.is_empty())
}

/// Creates a fresh, empty database on the test PostgreSQL server.
pub async fn fresh_postgres_database() -> anyhow::Result<String> {
    use sqlx::Connection;
    let base = postgres_base_url().ok_or_else(|| anyhow::anyhow!("SANAD_TEST_DATABASE_URL is not set"))?;
    let name = format!("sanad_t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&base).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await?;
    conn.close().await?;
    let mut url = url::Url::parse(&base)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// The tests' PDF extractor binary (built by cargo beside the test executables,
/// which live in `target/<profile>/deps`).
fn test_pdf_extractor() -> String {
    if let Ok(path) = std::env::var("CARGO_BIN_EXE_sanad-test-pdf-text") {
        return path;
    }
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
    profile_dir.join("sanad-test-pdf-text").to_string_lossy().to_string()
}

/// A running instance with its own data directory and database.
pub struct TestServer {
    pub server: RunningServer,
    pub data_dir: tempfile::TempDir,
    pub backend: Backend,
    database_url: String,
}

/// Options for [`TestServer::start_with`].
#[derive(Default, Clone)]
pub struct Options {
    /// `SANAD_SMTP_URL`.
    pub smtp_url: Option<String>,
    /// `SANAD_STATIC_DIR`.
    pub static_dir: Option<PathBuf>,
    /// `SANAD_PUBLIC_URL`.
    pub public_url: Option<String>,
    /// `SANAD_DEMO_CONTENT=on` (off by default in tests).
    pub demo_content: bool,
    /// `SANAD_MAX_UPLOAD_MB`.
    pub max_upload_mb: Option<u64>,
    /// `SANAD_TRUSTED_PROXIES`.
    pub trusted_proxies: Option<String>,
    /// Any other `SANAD_*` settings, applied last.
    pub env: Vec<(&'static str, String)>,
}

impl TestServer {
    /// Starts on `backend` with default options.
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, Options::default()).await
    }

    /// Starts on `backend` with `options`.
    pub async fn start_with(backend: Backend, options: Options) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let data = data_dir.path().to_string_lossy().to_string();
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{data}/sanad.db"),
            Backend::Postgres => fresh_postgres_database().await.expect("fresh PostgreSQL database"),
        };
        Self::start_on(backend, options, data_dir, database_url).await
    }

    /// Starts on the PostgreSQL database at `database_url`, made by the test
    /// ([`fresh_postgres_database`]) and reached however it likes (through a
    /// link it can cut, say).
    pub async fn start_on_postgres(database_url: String, options: Options) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        Self::start_on(Backend::Postgres, options, data_dir, database_url).await
    }

    /// Stops this server, lets `between` touch its data directory, and starts
    /// another on the same data directory and database.
    pub async fn restart(self, options: Options, between: impl FnOnce(&std::path::Path)) -> Self {
        let (backend, data_dir, url) = (self.backend, self.data_dir, self.database_url.clone());
        self.server.stop().await.expect("clean shutdown");
        between(data_dir.path());
        Self::start_on(backend, options, data_dir, url).await
    }

    async fn start_on(backend: Backend, options: Options, data_dir: tempfile::TempDir, database_url: String) -> Self {
        let data = data_dir.path().to_string_lossy().to_string();
        let mut pairs: Vec<(&str, String)> = vec![
            ("SANAD_LISTEN", "127.0.0.1:0".into()),
            ("SANAD_DATA_DIR", data.clone()),
            ("SANAD_DATABASE_URL", database_url.clone()),
            // The server runs inside the test process: PDFs are read by the tests' own extractor binary.
            ("SANAD_PDF_EXTRACTOR", test_pdf_extractor()),
            ("SANAD_DEMO_CONTENT", if options.demo_content { "on".into() } else { "off".into() }),
        ];
        if let Some(smtp) = &options.smtp_url {
            pairs.push(("SANAD_SMTP_URL", smtp.clone()));
        }
        if let Some(proxies) = &options.trusted_proxies {
            pairs.push(("SANAD_TRUSTED_PROXIES", proxies.clone()));
        }
        if let Some(mb) = options.max_upload_mb {
            pairs.push(("SANAD_MAX_UPLOAD_MB", mb.to_string()));
        }
        if let Some(dir) = &options.static_dir {
            pairs.push(("SANAD_STATIC_DIR", dir.to_string_lossy().to_string()));
        }
        pairs.push(("SANAD_PUBLIC_URL", options.public_url.clone().unwrap_or_else(|| "http://sanad.test".into())));
        pairs.extend(options.env.iter().cloned());
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let config = Config::from_pairs(&borrowed).expect("config");
        let server = sanad_server::spawn(config, Clock::system(), false).await.expect("server starts");
        Self { server, data_dir, backend, database_url }
    }

    /// Another instance on the same database, with its own data directory
    /// (its own mail files), as a second server behind a load balancer.
    pub async fn another_instance(&self) -> TestServer {
        self.another_instance_with(Options::default()).await
    }

    /// Another instance on the same database with `options` (e.g. files in a bucket).
    pub async fn another_instance_with(&self, options: Options) -> TestServer {
        let data_dir = tempfile::tempdir().expect("temp dir");
        Self::start_on(self.backend, options, data_dir, self.database_url.clone()).await
    }

    /// Signs an existing account in through this instance.
    pub async fn sign_in(&self, email: &str, password: &str) -> Client {
        let mut c = self.client();
        let (st, body) = c.post("/api/v1/auth/login", serde_json::json!({"email": email, "password": password})).await;
        assert_eq!(st, StatusCode::OK, "login {body}");
        c
    }

    /// Applies the pending search-index events and indexes newly published
    /// lessons now (the indexer would within a second).
    pub async fn index_now(&self) {
        self.server.app.library.apply_index_events().await.expect("index events");
        self.server.app.library.sync_lessons().await.expect("lessons indexed");
        self.server.app.forum.apply_index_events().await.expect("forum index events");
    }

    /// Base URL.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// A new client with its own cookie jar.
    pub fn client(&self) -> Client {
        Client::new(self.url())
    }

    /// The clock of the instance (tests move it).
    pub fn clock(&self) -> &Clock {
        &self.server.app.clock
    }

    /// Creates an account with `role` through the same path as `sanad user add` and signs it in.
    pub async fn user_with_role(&self, email: &str, role: sanad_platform::Role) -> Client {
        self.server.app.accounts.add_user(email, "Test person", role, "correct horse battery 9".into()).await.expect("add user");
        let mut c = self.client();
        let (st, body) = c.post("/api/v1/auth/login", serde_json::json!({"email": email, "password": "correct horse battery 9"})).await;
        assert_eq!(st, StatusCode::OK, "login {body}");
        c
    }

    /// Registers a learner through the API and returns its signed-in client.
    pub async fn learner(&self, email: &str) -> Client {
        let mut c = self.client();
        let (st, body) = c
            .post(
                "/api/v1/auth/register",
                serde_json::json!({"email": email, "password": "un mot de passe solide 42", "display_name": "Amina"}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "register {body}");
        c
    }

    /// Sends every mail that is due and waits until none is left in flight
    /// (the background worker may be sending some at the same moment).
    /// Returns the outbox counts then.
    pub async fn drain_mail(&self) -> sanad_mail::store::OutboxCounts {
        // Some mail is queued after the request was answered (password resets).
        self.server.app.accounts.settle().await;
        let mail = &self.server.app.mail;
        let now = self.clock().now();
        for _ in 0..100 {
            mail.drain_once().await.expect("drain mail");
            if mail.in_flight(now).await.expect("outbox counts") == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        mail.counts().await.expect("outbox counts")
    }

    /// Tells the watchers of every post waiting for its fan-out now (the
    /// background job would within seconds), then sends the mail due.
    pub async fn fan_out_now(&self) {
        let forum = &self.server.app.forum;
        // The background job may hold one at this moment: wait for it too.
        for _ in 0..200 {
            forum.fan_out_once().await.expect("forum fan-out");
            if forum.fanout_waiting().await.expect("fan-out queue") == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        self.drain_mail().await;
    }

    /// Registers a member named `name` through the API and returns its signed-in client.
    pub async fn member(&self, email: &str, name: &str) -> Client {
        let mut c = self.client();
        let (st, body) = c
            .post(
                "/api/v1/auth/register",
                serde_json::json!({"email": email, "password": "un mot de passe solide 42", "display_name": name}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "register {body}");
        c
    }

    /// The `.eml` files written so far (file transport).
    pub fn mail_files(&self) -> Vec<String> {
        let dir = self.data_dir.path().join("mail");
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "eml") {
                    out.push(std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
        }
        out
    }

    /// Stops the server.
    pub async fn stop(self) {
        self.server.stop().await.expect("clean shutdown");
    }

    /// Stops the server (its background jobs with it) and opens its database
    /// again, for services a test runs as other instances would. The data
    /// directory (where SQLite's file lives) is kept while the guard returned
    /// with the database lives.
    pub async fn stop_and_open_database(self) -> (sanad_platform::Db, tempfile::TempDir) {
        self.server.stop().await.expect("clean shutdown");
        let db = sanad_platform::Db::connect(&self.database_url).await.expect("the database opens again");
        (db, self.data_dir)
    }

    /// Stops the server as SIGTERM does: `/readyz` turns 503, requests are
    /// served for the drain time, then it stops (see `SANAD_SHUTDOWN_DRAIN_SECS`).
    pub async fn leave(self) {
        self.server.leave().await.expect("clean shutdown");
    }
}

/// Finds `token=...` in a mail for `recipient` whose text contains `marker`.
pub fn token_in_mail(mails: &[String], recipient: &str, marker: &str) -> Option<String> {
    mails.iter().filter(|m| m.contains(recipient) && m.contains(marker)).find_map(|m| {
        let start = m.find("token=")? + "token=".len();
        Some(m[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
    })
}

/// An HTTP client with a cookie jar that remembers the CSRF token it is given.
/// A clone shares the cookie jar: another tab of the same browser.
#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
    /// The CSRF token sent on unsafe methods (taken from responses that carry one).
    pub csrf: Option<String>,
    /// A bearer token sent instead of the cookie.
    pub bearer: Option<String>,
    /// Headers of the last response.
    pub last_headers: HeaderMap,
}

impl Client {
    /// A client for `base`.
    pub fn new(base: String) -> Self {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder().cookie_provider(jar.clone()).build().expect("client");
        Self { base, http, jar, csrf: None, bearer: None, last_headers: HeaderMap::new() }
    }

    /// The same browser (cookie jar, CSRF token) sending to another instance
    /// (`base`), as a load balancer would send its next request.
    pub fn through(&self, base: String) -> Self {
        Self { base, ..self.clone() }
    }

    /// Another browser holding a copy of this one's cookies and CSRF token
    /// (a stolen cookie, a second tab that missed the logout), sending to `base`.
    pub fn copy_to(&self, base: String) -> Self {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = self.base.parse().expect("base URL");
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        if let Some(cookies) = self.jar.cookies(&url) {
            for cookie in cookies.to_str().expect("cookie header").split("; ") {
                jar.add_cookie_str(cookie, &url);
            }
        }
        let http = reqwest::Client::builder().cookie_provider(jar.clone()).build().expect("client");
        Self { base, http, jar, csrf: self.csrf.clone(), bearer: self.bearer.clone(), last_headers: HeaderMap::new() }
    }

    /// Posts a multipart form: text `fields`, then `files` as (field, file name, bytes, content type).
    pub async fn multipart(
        &mut self,
        path: &str,
        fields: &[(&str, String)],
        files: Vec<(&str, &str, Vec<u8>, &str)>,
    ) -> (StatusCode, Value) {
        let boundary = format!("sanad{}", uuid::Uuid::new_v4().simple());
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        for (field, file_name, bytes, ctype) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: {ctype}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(&bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let ctype = format!("multipart/form-data; boundary={boundary}");
        self.send(Method::POST, path, None, Some((body, ctype.as_str()))).await
    }

    /// Sends a request; `body` as JSON, or `raw` bytes with `content_type`.
    pub async fn send(&mut self, method: Method, path: &str, body: Option<Value>, raw: Option<(Vec<u8>, &str)>) -> (StatusCode, Value) {
        let (status, bytes) = self.send_bytes(method.clone(), path, body, raw).await;
        let text = String::from_utf8_lossy(&bytes).to_string();
        let value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if let Some(token) = value.get("csrf_token").and_then(Value::as_str) {
            self.csrf = Some(token.to_string());
        }
        assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{method} {path} answered 500: {value}");
        (status, value)
    }

    /// Opens a GET whose body is read as it comes (a stream of server-sent
    /// events), with extra `headers`; the caller reads it with `chunk()`.
    pub async fn open_stream(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{}", self.base, path)).header("accept", "text/event-stream");
        if let Some(token) = &self.bearer {
            req = req.bearer_auth(token);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.expect("request")
    }

    /// Sends a request and returns the raw body (for downloads).
    pub async fn send_bytes(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
        raw: Option<(Vec<u8>, &str)>,
    ) -> (StatusCode, Vec<u8>) {
        let mut req = self.http.request(method.clone(), format!("{}{}", self.base, path));
        if let Some(token) = &self.bearer {
            req = req.bearer_auth(token);
        }
        if method != Method::GET
            && method != Method::HEAD
            && let Some(csrf) = &self.csrf
        {
            req = req.header("X-CSRF-Token", csrf);
        }
        if let Some(body) = body {
            req = req.json(&body);
        } else if let Some((bytes, ctype)) = raw {
            req = req.header("content-type", ctype).body(bytes);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        self.last_headers = resp.headers().clone();
        let bytes = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        (status, bytes)
    }

    pub async fn get(&mut self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None, None).await
    }

    pub async fn post(&mut self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body), None).await
    }

    pub async fn patch(&mut self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::PATCH, path, Some(body), None).await
    }

    pub async fn put(&mut self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::PUT, path, Some(body), None).await
    }

    pub async fn delete(&mut self, path: &str) -> (StatusCode, Value) {
        self.send(Method::DELETE, path, None, None).await
    }

    /// The content type of the last response.
    pub fn content_type(&self) -> String {
        self.last_headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }
}

/// Asserts that the last answer was a problem+json with `status`.
/// The caller's notifications as (kind, post id) pairs, newest first.
pub async fn notification_kinds(c: &mut Client) -> Vec<(String, String)> {
    let (st, notes) = c.get("/api/v1/me/notifications").await;
    assert_eq!(st, StatusCode::OK, "{notes}");
    notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["kind"].as_str().unwrap().to_string(), n["post_id"].as_str().unwrap().to_string()))
        .collect()
}

pub fn assert_problem(client: &Client, status: StatusCode, got: (StatusCode, &Value)) {
    assert_eq!(got.0, status, "expected {status}, got {} {}", got.0, got.1);
    assert!(client.content_type().starts_with("application/problem+json"), "content type {}", client.content_type());
    assert_eq!(got.1.get("status").and_then(Value::as_u64), Some(u64::from(status.as_u16())), "{}", got.1);
    assert!(got.1.get("type").and_then(Value::as_str).is_some_and(|t| !t.is_empty()), "{}", got.1);
    assert!(got.1.get("title").and_then(Value::as_str).is_some(), "{}", got.1);
}

/// Runs a scenario on SQLite and, when `SANAD_TEST_DATABASE_URL` is set, on PostgreSQL.
/// Generates `mod sqlite` and `mod postgres` test modules from one async fn per scenario.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::postgres_base_url().is_none() {
                        assert!(
                            std::env::var("SANAD_REQUIRE_POSTGRES").is_err(),
                            "SANAD_REQUIRE_POSTGRES is set but SANAD_TEST_DATABASE_URL is not: {} cannot run on PostgreSQL",
                            stringify!($name)
                        );
                        eprintln!("SANAD_TEST_DATABASE_URL not set: PostgreSQL run of {} skipped", stringify!($name));
                        return;
                    }
                    super::$name($crate::Backend::Postgres).await;
                }
            )*
        }
    };
}

/// An S3-compatible server for tests: moto's server (PyPI `moto[server]`,
/// installed by `make tools`) on a free port, with one bucket, stopped when
/// dropped.
pub struct S3Server {
    child: std::process::Child,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    /// The bucket created at start.
    pub bucket: String,
}

impl S3Server {
    /// Starts moto and creates a bucket; `None` (said on stderr) when
    /// moto is not installed, unless `SANAD_REQUIRE_S3` is set, which
    /// makes a missing moto fail the test `who`.
    pub async fn start(who: &str) -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        // `python3 -m moto.server` rather than `moto_server`: pip may put the script off PATH (or a pyenv shim on it).
        let installed = match std::process::Command::new("python3").args(["-c", "import moto.server"]).output() {
            Ok(out) if out.status.success() => Ok(()),
            Ok(_) => Err(std::io::Error::other("python3 cannot import moto.server")),
            Err(e) => Err(e),
        };
        let child = match installed.and_then(|()| {
            std::process::Command::new("python3")
                .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
        }) {
            Ok(child) => child,
            Err(e) => {
                assert!(
                    std::env::var("SANAD_REQUIRE_S3").is_err(),
                    "SANAD_REQUIRE_S3 is set but moto cannot start ({e}): {who} cannot run against a bucket (make tools installs it)"
                );
                eprintln!("moto not installed ({e}; `make tools` installs moto[server]): {who} skipped");
                return None;
            }
        };
        let mut server = Self { child, endpoint: format!("http://127.0.0.1:{port}"), bucket: "sanad-test".into() };
        let http = reqwest::Client::new();
        // moto takes a second or two to listen; it does not check signatures, so a plain PUT creates the bucket.
        for _ in 0..600 {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("moto stopped at start ({status})");
            }
            if let Ok(resp) = http.put(format!("{}/{}", server.endpoint, server.bucket)).send().await {
                assert!(resp.status().is_success(), "creating the bucket: {}", resp.status());
                return Some(server);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("moto did not answer on {}", server.endpoint);
    }

    /// The `AWS_*` settings of this server, as an instance's environment.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ACCESS_KEY_ID", "sanad-test".into()),
            ("AWS_SECRET_ACCESS_KEY", "sanad-test-secret".into()),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }

    /// The `AWS_*` settings as the configuration keeps them.
    pub fn settings(&self) -> Vec<(String, String)> {
        self.env().into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// Options for an instance whose files live under `prefix` in the bucket.
    pub fn options(&self, prefix: &str) -> Options {
        let mut env = self.env();
        env.push(("SANAD_FILES_URL", self.url(prefix)));
        Options { env, ..Options::default() }
    }

    /// `s3://<bucket>/<prefix>`.
    pub fn url(&self, prefix: &str) -> String {
        format!("s3://{}/{prefix}", self.bucket)
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Calls `seen` with the text of every SQL statement this test process runs, as sqlx logs it
/// (`sqlx::query` events). Installs the process's one tracing subscriber the first time; a test
/// binary that counts statements calls it with one function for all its scenarios, and runs
/// them one at a time so that one never counts another's.
pub fn watch_statements(seen: fn(&str)) {
    use std::fmt::Write as _;
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::{Context, SubscriberExt};

    /// The text of an event's fields.
    struct Fields(String);

    impl tracing::field::Visit for Fields {
        fn record_str(&mut self, _: &tracing::field::Field, value: &str) {
            self.0.push_str(value);
            self.0.push(' ');
        }

        fn record_debug(&mut self, _: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, "{value:?} ");
        }
    }

    struct Statements(fn(&str));

    impl<S: tracing::Subscriber> Layer<S> for Statements {
        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            let mut fields = Fields(String::new());
            event.record(&mut fields);
            (self.0)(&fields.0);
        }
    }

    static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    INSTALLED.get_or_init(|| {
        let only_statements = tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::TRACE);
        let subscriber = tracing_subscriber::registry().with(Statements(seen).with_filter(only_statements));
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this binary");
    });
}
