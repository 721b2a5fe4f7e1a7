//! `sanad`: the command line of the service.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use sanad_platform::{Clock, Config, Role};
use std::io::{BufRead, IsTerminal};
use std::path::Path;

// glibc malloc serialises the two workers on its arena locks under load
// (futex waits in profiles of lesson reads); mimalloc keeps per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Sanad: learning and practice platform for child-protection professionals.
#[derive(Parser)]
#[command(name = "sanad", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document (the SPA's types are generated from it).
    Openapi,
    /// Import a course folder (docs/course-format.md) and publish it.
    Import {
        /// The course folder, e.g. courses/concepts.
        folder: std::path::PathBuf,
        /// Keep it as a draft instead of publishing it.
        #[arg(long)]
        draft: bool,
    },
    /// Rebuild the library's search index from the database.
    Reindex,
    /// Uploaded files.
    Files {
        #[command(subcommand)]
        command: FilesCommand,
    },
    /// Print the text of a PDF, within memory and CPU bounds (run by the server itself, in a child process).
    #[command(hide = true)]
    ExtractPdf { file: std::path::PathBuf },
    /// Export a course's draft to a folder in the course format.
    Export {
        /// The course's slug.
        slug: String,
        /// Where to write the folder (created if missing).
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum FilesCommand {
    /// Copy the files of the data directory into an S3-compatible bucket.
    /// Files the bucket already holds are skipped, so running it again
    /// after an interruption finishes the job. Endpoint, region and
    /// credentials come from the AWS_* environment (docs/operations.md).
    Migrate {
        /// The bucket, `s3://bucket/prefix`: what SANAD_FILES_URL will say.
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value = "learner")]
        role: RoleArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Learner,
    Trainer,
    Moderator,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Learner => Role::Learner,
            RoleArg::Trainer => Role::Trainer,
            RoleArg::Moderator => Role::Moderator,
            RoleArg::Admin => Role::Admin,
        }
    }
}

fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // JSON for log collectors, readable lines for a person at a terminal.
    if std::io::stderr().is_terminal() {
        builder.init();
    } else {
        builder.json().flatten_event(true).with_current_span(true).with_span_list(false).init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command.unwrap_or(Command::Serve) {
        // Run by the server in a child process: no logging, no configuration.
        Command::ExtractPdf { file } => std::process::exit(sanad_library::extract::run_child(&file)),
        Command::Openapi => print_openapi(),
        command => {
            init_logging();
            let config = Config::load()?;
            match command {
                Command::Serve => sanad_server::spawn(config, Clock::system(), true).await?.wait().await,
                Command::Migrate => migrate(config).await,
                Command::User { command: UserCommand::Add { email, name, role } } => add_user(config, &email, &name, role.into()).await,
                Command::Import { folder, draft } => import(config, &folder, !draft).await,
                Command::Export { slug, to } => export(config, &slug, &to).await,
                Command::Reindex => reindex(config).await,
                Command::Files { command: FilesCommand::Migrate { to } } => migrate_files(config, &to).await,
                Command::Openapi | Command::ExtractPdf { .. } => unreachable!("handled above"),
            }
        }
    }
}

/// `sanad openapi`: the document with the default configuration.
fn print_openapi() -> anyhow::Result<()> {
    let config = Config::from_pairs(&[]).unwrap_or_else(|_| unreachable!("defaults are valid"));
    let service = sanad_server::openapi_service(sanad_server::app::documented_apis(), &config.public_url);
    println!("{}", service.spec());
    Ok(())
}

/// `sanad migrate`.
async fn migrate(config: Config) -> anyhow::Result<()> {
    let app = sanad_server::App::open_offline(config, Clock::system()).await?;
    app.db.close().await;
    eprintln!("migrations applied");
    Ok(())
}

/// `sanad user add`: the password comes from the first line of standard input.
async fn add_user(config: Config, email: &str, name: &str, role: Role) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password).context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let app = sanad_server::App::open_offline(config, Clock::system()).await?;
    let result = app.accounts.add_user(email, name, role, password).await;
    app.db.close().await;
    match result {
        Ok(id) => {
            println!("{id}");
            Ok(())
        }
        Err(sanad_platform::Error::Invalid(errors)) => {
            let why: Vec<String> = errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect();
            anyhow::bail!("cannot add user: {}", why.join("; "))
        }
        Err(e) => anyhow::bail!("cannot add user: {}", e.problem().detail.unwrap_or_else(|| e.to_string())),
    }
}

/// `sanad import`: a course folder, published unless `publish` is false.
async fn import(config: Config, folder: &Path, publish: bool) -> anyhow::Result<()> {
    let files = sanad_courses::folder::files_from_dir(folder).with_context(|| format!("reading {}", folder.display()))?;
    let app = sanad_server::App::open_offline(config, Clock::system()).await?;
    let result = app.courses.import(None, &files, publish).await;
    app.db.close().await;
    match result {
        Ok(done) => {
            println!("{} {}", if done.created { "created" } else { "updated" }, done.slug);
            Ok(())
        }
        Err(sanad_platform::Error::Invalid(errors)) => {
            for e in &errors {
                eprintln!("{}", e.message);
            }
            anyhow::bail!("{} problem(s) in {}", errors.len(), folder.display())
        }
        Err(e) => anyhow::bail!("cannot import: {e}"),
    }
}

/// `sanad export`: a course's draft, written as a folder under `to`.
async fn export(config: Config, slug: &str, to: &Path) -> anyhow::Result<()> {
    let app = sanad_server::App::open_offline(config, Clock::system()).await?;
    let files = app.courses.export_files(slug).await;
    app.db.close().await;
    let files = files.map_err(|e| anyhow::anyhow!("cannot export {slug}: {e}"))?;
    for (path, text) in files {
        let target = to.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, text).with_context(|| format!("writing {}", target.display()))?;
    }
    println!("exported {slug} to {}", to.display());
    Ok(())
}

/// `sanad files migrate --to s3://…`: the data directory's files into a bucket.
/// The server may keep running meanwhile (files are only ever added); switch
/// it to the bucket (SANAD_FILES_URL) after a last run.
async fn migrate_files(config: Config, to: &str) -> anyhow::Result<()> {
    sanad_platform::config::check_files_url(to).map_err(|why| anyhow::anyhow!("--to {to:?}: {why}"))?;
    let from = config.data_dir.join("files");
    let local = sanad_library::files::FileStore::local(from.clone());
    let bucket = sanad_library::files::Bucket::open(to, &config.bucket_settings)?;
    sanad_library::files::FileStore::Bucket(bucket.clone()).check().await?;
    let mut last = std::time::Instant::now();
    let done = local
        .migrate_to(&bucket, |so_far| {
            if last.elapsed().as_secs() >= 5 {
                last = std::time::Instant::now();
                eprintln!("{} copied, {} already there…", so_far.copied, so_far.present);
            }
        })
        .await
        .with_context(|| format!("stopped copying {} into {to} (run it again to resume)", from.display()))?;
    println!("copied {} files into {to}; {} were already there", done.copied, done.present);
    Ok(())
}

/// `sanad reindex`: the server must be stopped (it holds the index).
async fn reindex(config: Config) -> anyhow::Result<()> {
    let app = sanad_server::App::open(config, Clock::system())
        .await
        .context("stop the server first (or simply restart it: a missing index is rebuilt at start)")?;
    let result = app.library.rebuild_index().await;
    let posts = app.forum.rebuild_index().await;
    app.db.close().await;
    let n = result.map_err(|e| anyhow::anyhow!("cannot rebuild the index: {e}"))?;
    let posts = posts.map_err(|e| anyhow::anyhow!("cannot rebuild the forum's index: {e}"))?;
    println!("indexed {n} resources and {posts} forum posts");
    Ok(())
}
