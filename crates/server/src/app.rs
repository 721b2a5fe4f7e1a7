//! Composition: one [`App`] holds the database, clock, metrics and services;
//! [`spawn`] binds the listener, starts the workers and serves until shut down.

use anyhow::Context;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::middleware::CookieJarManager;
use poem::{EndpointExt, Route};
use poem_openapi::OpenApiService;
use sanad_accounts::{Accounts, AccountsApi};
use sanad_courses::{Courses, CoursesApi};
use sanad_forum::search::Analyzers;
use sanad_forum::{Forum, ForumApi, ForumSeams, ModerationApi};
use sanad_library::directory::{Directory, DirectoryApi};
use sanad_library::extract::Extractor;
use sanad_library::files::FileStore;
use sanad_library::search::LibraryIndex;
use sanad_library::{Library, LibraryApi};
use sanad_mail::{MailTransport, MailWorker};
use sanad_platform::auth::SharedAuthenticator;
use sanad_platform::telemetry::Metrics;
use sanad_platform::{Clock, Config, Db};
use sanad_progress::{CohortApi, FieldSessionApi, Progress, ProgressApi, ProgressSeams};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Every API of the service, in the order they appear in the document.
pub type Apis = (AccountsApi, CoursesApi, ProgressApis, LibraryApi, DirectoryApi, ForumApis);

/// Progress, cohorts and field sessions: one crate's three APIs.
pub type ProgressApis = (ProgressApi, CohortApi, FieldSessionApi);

/// The forum and its moderation: one crate's two APIs.
pub type ForumApis = (ForumApi, ModerationApi);

/// The running parts of an instance.
#[derive(Clone)]
pub struct App {
    /// Resolved configuration.
    pub config: Config,
    /// The database.
    pub db: Db,
    /// The clock (tests move it).
    pub clock: Clock,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Accounts service.
    pub accounts: Accounts,
    /// The mail outbox worker.
    pub mail: MailWorker,
    /// Courses service.
    pub courses: Courses,
    /// Enrolments, completion and attestations.
    pub progress: Progress,
    /// The directory of services of each territory.
    pub directory: Directory,
    /// The resource library.
    pub library: Library,
    /// The practice community.
    pub forum: Forum,
    /// Whether the search index must be rebuilt from the database (it was missing, corrupt or outdated).
    pub index_needs_rebuild: bool,
    /// Whether the instance takes new work (`/readyz`); turned off when it is told to stop.
    pub readiness: crate::ops::Readiness,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("listen", &self.config.listen).finish()
    }
}

impl App {
    /// Opens the database, applies migrations and builds the services, with
    /// the search index on disk (the server, `sanad reindex`).
    pub async fn open(config: Config, clock: Clock) -> anyhow::Result<Self> {
        Self::open_with(config, clock, true).await
    }

    /// The same for command-line tasks that may run beside a server (`user
    /// add`, `import`...): the index stays with the server, which applies
    /// their changes through the index events.
    pub async fn open_offline(config: Config, clock: Clock) -> anyhow::Result<Self> {
        Self::open_with(config, clock, false).await
    }

    async fn open_with(config: Config, clock: Clock, index_on_disk: bool) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir).with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
        let db = Db::connect_with(&config.database_url, config.database_connections)
            .await
            .with_context(|| format!("cannot open the database {}", sanad_platform::db::redact(&config.database_url)))?;
        db.migrate().await.context("cannot apply database migrations")?;
        let metrics = Metrics::new();
        let transport = MailTransport::from_config(config.smtp_url.as_deref(), config.mail_dir())?;
        let mail =
            MailWorker::new(db.clone(), clock.clone(), transport, config.mail_from.clone(), config.public_url.clone(), metrics.clone());
        let waker = mail.clone();
        let mut accounts = Accounts::new(db.clone(), clock.clone(), Arc::new(move || waker.wake()));
        if let Some(per_hour) = config.registrations_per_hour {
            accounts = accounts.with_registration_limit(per_hour);
        }
        let directory = Directory::new(db.clone(), clock.clone());
        let (index, index_needs_rebuild) = if index_on_disk {
            LibraryIndex::open(&config.data_dir.join("index"), 50_000_000, 1)
                .context("cannot open the library's search index (is another sanad using this data directory?)")?
        } else {
            (LibraryIndex::in_ram().context("cannot create an index in memory")?, false)
        };
        let extractor = match &config.pdf_extractor {
            Some(program) => Extractor::program(program.clone()),
            None => Extractor::current_exe().context("cannot find this program to extract PDF text")?,
        };
        let files = FileStore::open(&config.data_dir, config.files_url.as_deref(), &config.bucket_settings)
            .context("SANAD_FILES_URL: cannot open the files bucket")?;
        files.check().await?;
        let library = Library::new(db.clone(), clock.clone(), files, extractor, Arc::new(index), config.max_upload_mb)
            .with_lessons(Arc::new(crate::lessons::CourseLessons { db: db.clone() }));
        let waker = mail.clone();
        let (courses, progress) = learning(&db, &clock, &accounts, &library, Arc::new(move || waker.wake()), &config.public_url);
        let accounts = accounts.with_address_confirmations(Arc::new(progress.clone()));
        let waker = mail.clone();
        let mut forum = forum(&db, &clock, &accounts, Arc::new(move || waker.wake()))?;
        if !config.forum_rate_limits {
            forum = forum.with_limits(None);
        }
        if index_on_disk {
            forum = forum.with_index_dir(&config.data_dir.join("forum-index"), &analyzers())?;
        }
        if config.demo_content {
            let resources = library.load_demo().await.map_err(|e| anyhow::anyhow!("cannot load the demo library: {e}"))?;
            if resources > 0 {
                tracing::info!(resources, "demo library loaded");
            }
            let loaded = courses
                .load_starter(sanad_courses::starter::starter_courses())
                .await
                .map_err(|e| anyhow::anyhow!("cannot load the starter courses: {e}"))?;
            if loaded > 0 {
                tracing::info!(courses = loaded, "starter courses loaded");
            }
            let services = directory
                .load_demo(sanad_library::directory::DEMO_CSV)
                .await
                .map_err(|e| anyhow::anyhow!("cannot load the demo directory: {e:?}"))?;
            if services > 0 {
                tracing::info!(services, "demo directory loaded");
            }
        }
        Ok(Self {
            config,
            db,
            clock,
            metrics,
            accounts,
            mail,
            courses,
            progress,
            directory,
            library,
            forum,
            index_needs_rebuild,
            readiness: crate::ops::Readiness::default(),
        })
    }

    /// The HTTP application: API, docs, health, metrics and the SPA; live
    /// streams end when `shutdown` turns true.
    pub fn routes(&self, shutdown: watch::Receiver<bool>) -> impl poem::Endpoint + 'static {
        let apis: Apis = (
            AccountsApi::new(self.accounts.clone(), self.config.secure_cookies()),
            CoursesApi::new(self.courses.clone()),
            (ProgressApi::new(self.progress.clone()), CohortApi::new(self.progress.clone()), FieldSessionApi::new(self.progress.clone())),
            LibraryApi::new(self.library.clone()),
            DirectoryApi::new(self.directory.clone()),
            (ForumApi::new(self.forum.clone()), ModerationApi::new(self.forum.clone())),
        );
        let service = openapi_service(apis, &self.config.public_url);
        let allowed = crate::http::AllowedMethods::from_openapi(&serde_json::from_str(&service.spec()).unwrap_or_default());
        let docs = service.swagger_ui();
        let spec = service.spec_endpoint();
        let authenticator: SharedAuthenticator = Arc::new(self.accounts.clone());
        Route::new()
            // A stream, not an operation of the document (see sanad_forum::events).
            .at("/api/v1/forum/events", sanad_forum::events::LiveEvents::new(self.forum.clone(), shutdown))
            .nest_no_strip("/api/v1", service)
            .at("/api/openapi.json", spec)
            .nest("/api/docs", docs)
            .at(
                "/metrics",
                crate::ops::metrics_endpoint(
                    self.metrics.clone(),
                    crate::ops::MetricsAccess { allow: self.config.metrics_allow.clone(), token: self.config.metrics_token.clone() },
                ),
            )
            .at("/healthz", crate::ops::healthz)
            .at("/readyz", crate::ops::readyz)
            .nest("/", crate::spa::Spa::new(self.config.static_dir.clone()))
            .with(crate::representation::Representation)
            .with(CookieJarManager::new())
            .data(authenticator)
            .data(self.db.clone())
            .data(self.readiness.clone())
            .with(crate::http::Observe::new(self.metrics.clone(), self.body_limits(), allowed, self.config.trusted_proxies.clone()))
    }
}

impl App {
    /// JSON bodies up to 1 MiB; uploads (library files, course zips) up to `SANAD_MAX_UPLOAD_MB` plus room for the form.
    fn body_limits(&self) -> crate::http::BodyLimits {
        let mib = 1024 * 1024;
        crate::http::BodyLimits {
            json: mib,
            upload: (self.config.max_upload_mb as usize).saturating_mul(mib).saturating_add(mib),
            upload_paths: vec![
                "/api/v1/library/resources".into(),
                "/api/v1/courses/import".into(),
                "/api/v1/directory/services/import".into(),
            ],
        }
    }
}

/// Courses and progress, each given the other's side of their seam: courses
/// reports learning events to progress, progress reads courses' outlines.
fn learning(
    db: &Db,
    clock: &Clock,
    accounts: &Accounts,
    library: &Library,
    wake_mail: Arc<dyn Fn() + Send + Sync>,
    public_url: &str,
) -> (Courses, Progress) {
    let courses = Courses::new(db.clone(), clock.clone(), Arc::new(accounts.clone()));
    let seams = ProgressSeams {
        outlines: Arc::new(courses.clone()),
        people: Arc::new(accounts.clone()),
        resources: Arc::new(library.clone()),
        wake_mail,
    };
    let progress = Progress::new(db.clone(), clock.clone(), seams, public_url);
    (courses.with_learning(Arc::new(progress.clone())), progress)
}

/// The forum, which names people through accounts, queues mail, and
/// analyses posts with the library's analyzers.
fn forum(db: &Db, clock: &Clock, accounts: &Accounts, wake_mail: Arc<dyn Fn() + Send + Sync>) -> anyhow::Result<Forum> {
    Forum::new(db.clone(), clock.clone(), ForumSeams { people: Arc::new(accounts.clone()), wake_mail, analyzers: analyzers() })
        .context("cannot create the forum's index of posts")
}

/// The library's analyzers, for the forum's index of posts.
fn analyzers() -> Analyzers {
    Analyzers { register: sanad_library::search::register_analyzers, names: sanad_library::search::LANGS.map(|(_, name)| name) }
}

/// The APIs with placeholder services, for printing the document without a database.
pub fn documented_apis() -> Apis {
    let db =
        Db::Sqlite(sqlx::sqlite::SqlitePool::connect_lazy("sqlite::memory:").expect("in-memory SQLite URL is valid"), Default::default());
    let accounts = Accounts::new(db.clone(), Clock::system(), Arc::new(|| {}));
    let directory = Directory::new(db.clone(), Clock::system());
    let index = LibraryIndex::in_ram().expect("an index in memory");
    let library = Library::new(
        db.clone(),
        Clock::system(),
        FileStore::local(std::env::temp_dir()),
        Extractor::program("true".into()),
        Arc::new(index),
        50,
    );
    let (courses, progress) = learning(&db, &Clock::system(), &accounts, &library, Arc::new(|| {}), "http://localhost");
    let forum = forum(&db, &Clock::system(), &accounts, Arc::new(|| {})).expect("an index of posts in memory");
    (
        AccountsApi::new(accounts, false),
        CoursesApi::new(courses),
        (ProgressApi::new(progress.clone()), CohortApi::new(progress.clone()), FieldSessionApi::new(progress)),
        LibraryApi::new(library),
        DirectoryApi::new(directory),
        (ForumApi::new(forum.clone()), ModerationApi::new(forum)),
    )
}

/// The OpenAPI service for `apis`, as served at `/api/openapi.json`.
pub fn openapi_service(apis: Apis, public_url: &str) -> OpenApiService<Apis, ()> {
    // No `summary`: OpenAPI 3.0 (what poem-openapi declares) has no info.summary.
    OpenApiService::new(apis, "Sanad", env!("CARGO_PKG_VERSION"))
        .description(
            "JSON API of Sanad, the learning and practice platform for child-protection professionals. Errors are application/problem+json (RFC 9457). Lists take ?cursor= and ?limit= \
             (default 20, max 100) and return {items, next_cursor}. Text comes in the language ?lang= names (fr, ar, en), else the one \
             the Accept-Language header prefers, else the account's locale, else French. The SPA authenticates with a session cookie and \
             must send X-CSRF-Token on unsafe methods; scripts send Authorization: Bearer <personal API token>.",
        )
        .server(public_url.to_string())
}

/// A server bound and serving in the background.
pub struct RunningServer {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    /// The composed application (tests reach services and the clock through it).
    pub app: App,
    shutdown: watch::Sender<bool>,
    leave: watch::Sender<bool>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer").field("addr", &self.addr).finish()
    }
}

impl RunningServer {
    /// Base URL of the server, e.g. `http://127.0.0.1:4312`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, stops the workers.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.shutdown.send(true);
        self.task.await.context("server task")?
    }

    /// Stops as on SIGTERM: `/readyz` answers 503 at once, requests keep
    /// being served for `SANAD_SHUTDOWN_DRAIN_SECS`, then the server stops
    /// accepting, lets requests in flight finish and stops the workers.
    pub async fn leave(self) -> anyhow::Result<()> {
        let _ = self.leave.send(true);
        self.task.await.context("server task")?
    }

    /// Waits until the server stops by itself (SIGTERM / Ctrl-C).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("server task")?
    }
}

/// Opens the app, binds `config.listen`, and serves until [`RunningServer::stop`]
/// or, when `signals` is true, SIGTERM/SIGINT.
pub async fn spawn(config: Config, clock: Clock, signals: bool) -> anyhow::Result<RunningServer> {
    let app = App::open(config, clock).await?;
    let acceptor = TcpListener::bind(app.config.listen.clone())
        .into_acceptor()
        .await
        .with_context(|| format!("cannot listen on {}", app.config.listen))?;
    let addr = acceptor.local_addr().first().and_then(|a| a.as_socket_addr().copied()).context("listener has no address")?;
    let (shutdown, mut stop_rx) = watch::channel(false);
    let (leave, mut leave_rx) = watch::channel(false);
    let readiness = app.readiness.clone();
    let drain = Duration::from_secs(app.config.shutdown_drain_secs);
    let workers = start_workers(&app, shutdown.subscribe());
    let routes = app.routes(shutdown.subscribe());
    let db = app.db.clone();
    let trigger = shutdown.clone();
    let end_streams = shutdown.clone();
    let task = tokio::spawn(async move {
        let stop = async move {
            let signal = async { if signals { termination().await } else { std::future::pending().await } };
            let leaving = tokio::select! {
                _ = stop_rx.changed() => false,
                _ = leave_rx.changed() => true,
                how = signal => how == Termination::Leave,
            };
            if leaving {
                // Told to leave (SIGTERM): say so on /readyz, and keep serving while the balancer notices.
                readiness.drain();
                tracing::info!(seconds = drain.as_secs(), "leaving: /readyz answers 503, still serving");
                tokio::time::sleep(drain).await;
            }
            // Live streams never finish by themselves: end them now.
            let _ = end_streams.send(true);
            tracing::info!("shutting down: finishing requests in flight");
        };
        let served = poem::Server::new_with_acceptor(acceptor)
            .idle_timeout(Duration::from_secs(60))
            .run_with_graceful_shutdown(routes, stop, Some(Duration::from_secs(20)))
            .await;
        let _ = trigger.send(true);
        for worker in workers {
            let _ = worker.await;
        }
        db.close().await;
        served.context("HTTP server")
    });
    tracing::info!(%addr, "sanad is listening");
    Ok(RunningServer { addr, app, shutdown, leave, task })
}

fn start_workers(app: &App, shutdown: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let mail = tokio::spawn(app.mail.clone().run(shutdown.clone()));
    let shutdown_fanout = shutdown.clone();
    let shutdown_clone = shutdown.clone();
    let shutdown_sessions = shutdown.clone();
    let accounts = app.accounts.clone();
    let learning = app.progress.clone();
    let mut stop = shutdown;
    // Deleting what has expired is idempotent, so every instance may run it.
    let pruner = tokio::spawn(async move {
        loop {
            if let Err(e) = accounts.prune_sessions().await {
                tracing::warn!(error = %e, "could not prune expired sessions");
            }
            if let Err(e) = learning.prune_idempotency_keys().await {
                tracing::warn!(error = %e, "could not prune old idempotency keys");
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
                _ = stop.changed() => break,
            }
        }
    });
    let indexer = tokio::spawn(app.library.clone().run_indexer(app.index_needs_rebuild, shutdown_clone.clone()));
    let progress = app.progress.clone();
    let mut stop = shutdown_clone;
    // Each reminder is claimed in the database, so every instance may run this loop.
    let follow_ups = tokio::spawn(async move {
        loop {
            if let Err(e) = progress.send_follow_up_reminders().await {
                tracing::warn!(error = %e, "could not send the field-session reminders");
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
                _ = stop.changed() => break,
            }
        }
    });
    // Each fan-out is claimed in the database, so every instance may run it.
    let fanout = tokio::spawn(app.forum.clone().run_fanout(shutdown_fanout.clone()));
    let forum_indexer = tokio::spawn(app.forum.clone().run_indexer(shutdown_fanout.clone()));
    // Pruning old index events is idempotent, so every instance may run it.
    let forum_upkeep = tokio::spawn(app.forum.clone().run_upkeep(shutdown_fanout.clone()));
    // Each digest is claimed in the database, so every instance may run this job.
    let digests = tokio::spawn(app.forum.clone().run_digests(shutdown_fanout));
    // Each instance keeps its own sessions, told of every change by the database.
    let sessions = tokio::spawn(app.accounts.clone().follow_session_changes(shutdown_sessions));
    vec![mail, pruner, indexer, follow_ups, fanout, forum_indexer, forum_upkeep, digests, sessions]
}

/// How the process was told to stop.
#[derive(Debug, PartialEq, Eq)]
enum Termination {
    /// SIGTERM, from a supervisor or an orchestrator: drain first.
    Leave,
    /// Ctrl-C, from a person at a terminal: stop now.
    Interrupt,
}

async fn termination() -> Termination {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return Termination::Interrupt;
            }
        };
        tokio::select! {
            _ = term.recv() => Termination::Leave,
            _ = tokio::signal::ctrl_c() => Termination::Interrupt,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        Termination::Interrupt
    }
}
