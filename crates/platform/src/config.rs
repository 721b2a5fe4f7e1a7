//! Configuration: defaults < `sanad.toml` < environment (`SANAD_*`).

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Everything an instance needs to know to start.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on (`SANAD_LISTEN`, default `127.0.0.1:8080`).
    pub listen: String,
    /// Where the SQLite file, mail files, uploads and indexes live (`SANAD_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...` (`SANAD_DATABASE_URL`); SQLite in the data dir when unset.
    pub database_url: String,
    /// Connections each instance holds to PostgreSQL (`SANAD_DATABASE_CONNECTIONS`,
    /// 4 to 200, default [`DATABASE_CONNECTIONS`]; one of them listens for
    /// session changes, [`crate::db::batch_connections`] serve batched reads).
    /// SQLite ignores it.
    pub database_connections: u32,
    /// Public base URL used in links inside emails (`SANAD_PUBLIC_URL`).
    pub public_url: String,
    /// SMTP relay (`SANAD_SMTP_URL`), e.g. `smtp://host:25` or `smtps://user:pass@host`;
    /// when unset every email is written as an `.eml` file under `<data dir>/mail/`.
    pub smtp_url: Option<String>,
    /// Sender address of outgoing mail (`SANAD_MAIL_FROM`).
    pub mail_from: String,
    /// Largest accepted upload in MiB (`SANAD_MAX_UPLOAD_MB`, default 50).
    pub max_upload_mb: u64,
    /// Load the starter courses and demo library into a fresh instance (`SANAD_DEMO_CONTENT`, default on).
    pub demo_content: bool,
    /// Serve the SPA from this folder instead of the copy embedded at build time (`SANAD_STATIC_DIR`).
    pub static_dir: Option<PathBuf>,
    /// A program that prints a PDF's text (`SANAD_PDF_EXTRACTOR`); this binary (`sanad extract-pdf`) when unset.
    pub pdf_extractor: Option<PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers name the client (`SANAD_TRUSTED_PROXIES`, CIDRs; none by default).
    pub trusted_proxies: crate::client::TrustedProxies,
    /// Addresses allowed to read `/metrics` without a token (`SANAD_METRICS_ALLOW`, CIDRs; loopback by default).
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// A bearer token that also opens `/metrics` (`SANAD_METRICS_TOKEN`; unset by default).
    pub metrics_token: Option<String>,
    /// Registrations allowed per client address and hour (`SANAD_REGISTRATIONS_PER_HOUR`; the accounts default when unset).
    pub registrations_per_hour: Option<u32>,
    /// Whether the forum's rate limits per member apply (`SANAD_FORUM_RATE_LIMITS`, default on).
    pub forum_rate_limits: bool,
    /// How long an instance told to stop by SIGTERM keeps serving, with
    /// `/readyz` answering 503, before it stops accepting connections
    /// (`SANAD_SHUTDOWN_DRAIN_SECS`; default 5 on PostgreSQL, 0 on SQLite,
    /// which runs one instance): the time a load balancer needs to see it
    /// leave. Ctrl-C (SIGINT) stops at once.
    pub shutdown_drain_secs: u64,
    /// Where uploaded files live (`SANAD_FILES_URL`): unset for `<data dir>/files`,
    /// or `s3://bucket/prefix` for an S3-compatible bucket shared by several
    /// instances (endpoint, region and credentials from the `AWS_*` environment).
    pub files_url: Option<String>,
    /// The `AWS_*` settings of the bucket found in the environment ([`BUCKET_SETTINGS`]).
    pub bucket_settings: Vec<(String, String)>,
}

/// Connections to PostgreSQL an instance holds unless told otherwise
/// (docs/operations.md says when fewer serve better).
pub const DATABASE_CONNECTIONS: u32 = 16;

/// The environment variables of an S3-compatible bucket that Sanad passes on
/// (object_store also reads them, and other `AWS_*` ones, from the process).
pub const BUCKET_SETTINGS: &[&str] = &[
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ALLOW_HTTP",
    "AWS_VIRTUAL_HOSTED_STYLE_REQUEST",
];

/// The subset of keys a `sanad.toml` may set; all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    database_connections: Option<u32>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    max_upload_mb: Option<u64>,
    demo_content: Option<bool>,
    static_dir: Option<PathBuf>,
    pdf_extractor: Option<PathBuf>,
    trusted_proxies: Option<String>,
    metrics_allow: Option<String>,
    metrics_token: Option<String>,
    registrations_per_hour: Option<u32>,
    forum_rate_limits: Option<bool>,
    shutdown_drain_secs: Option<u64>,
    files_url: Option<String>,
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("invalid {path}: {source}")]
    Parse { path: PathBuf, source: toml::de::Error },
    #[error("invalid value for {key}: {value:?} ({why})")]
    Value { key: &'static str, value: String, why: &'static str },
}

impl Config {
    /// Reads `sanad.toml` (or the file named by `SANAD_CONFIG`) and the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        let explicit = std::env::var_os("SANAD_CONFIG").map(PathBuf::from);
        let path = explicit.clone().unwrap_or_else(|| PathBuf::from("sanad.toml"));
        let file = if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read { path: path.clone(), source })?;
            toml::from_str(&text).map_err(|source| ConfigError::Parse { path: path.clone(), source })?
        } else if let Some(path) = explicit {
            return Err(ConfigError::Read { path, source: std::io::Error::new(std::io::ErrorKind::NotFound, "file not found") });
        } else {
            FileConfig::default()
        };
        Self::resolve(file, |key| std::env::var(key).ok().filter(|v| !v.is_empty()))
    }

    /// Builds a configuration for tests: defaults, then the given environment-style pairs (the last of a key wins).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self, ConfigError> {
        Self::resolve(FileConfig::default(), |key| pairs.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
    }

    fn resolve(file: FileConfig, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let listen = env("SANAD_LISTEN").or(file.listen).unwrap_or_else(|| "127.0.0.1:8080".into());
        let data_dir = env("SANAD_DATA_DIR").map(PathBuf::from).or(file.data_dir).unwrap_or_else(|| PathBuf::from("sanad-data"));
        let database_url = env("SANAD_DATABASE_URL").or(file.database_url).unwrap_or_else(|| default_sqlite_url(&data_dir));
        let public_url =
            env("SANAD_PUBLIC_URL").or(file.public_url).unwrap_or_else(|| format!("http://{listen}")).trim_end_matches('/').to_string();
        if url::Url::parse(&public_url).is_err() {
            return Err(ConfigError::Value { key: "SANAD_PUBLIC_URL", value: public_url, why: "not an absolute URL" });
        }
        let smtp_url = env("SANAD_SMTP_URL").or(file.smtp_url);
        let mail_from = env("SANAD_MAIL_FROM").or(file.mail_from).unwrap_or_else(|| "Sanad <no-reply@sanad.invalid>".into());
        let max_upload_mb = match env("SANAD_MAX_UPLOAD_MB") {
            Some(v) => v.parse().map_err(|_| ConfigError::Value { key: "SANAD_MAX_UPLOAD_MB", value: v, why: "a whole number of MiB" })?,
            None => file.max_upload_mb.unwrap_or(50),
        };
        let demo_content = match env("SANAD_DEMO_CONTENT") {
            Some(v) => parse_switch(&v).ok_or(ConfigError::Value { key: "SANAD_DEMO_CONTENT", value: v, why: "on or off" })?,
            None => file.demo_content.unwrap_or(true),
        };
        let static_dir = env("SANAD_STATIC_DIR").map(PathBuf::from).or(file.static_dir);
        let pdf_extractor = env("SANAD_PDF_EXTRACTOR").map(PathBuf::from).or(file.pdf_extractor);
        let proxies = env("SANAD_TRUSTED_PROXIES").or(file.trusted_proxies).unwrap_or_default();
        let trusted_proxies = crate::client::TrustedProxies::parse(&proxies).map_err(|_| ConfigError::Value {
            key: "SANAD_TRUSTED_PROXIES",
            value: proxies,
            why: "a list of addresses or networks such as 10.0.0.0/8",
        })?;
        let allow = env("SANAD_METRICS_ALLOW").or(file.metrics_allow).unwrap_or_else(|| "127.0.0.0/8, ::1".into());
        let metrics_allow = crate::client::parse_networks(&allow).map_err(|_| ConfigError::Value {
            key: "SANAD_METRICS_ALLOW",
            value: allow,
            why: "a list of addresses or networks such as 10.0.0.0/8",
        })?;
        let metrics_token = env("SANAD_METRICS_TOKEN").or(file.metrics_token);
        let registrations_per_hour = match env("SANAD_REGISTRATIONS_PER_HOUR") {
            Some(v) => Some(v.parse().ok().filter(|n| *n > 0).ok_or(ConfigError::Value {
                key: "SANAD_REGISTRATIONS_PER_HOUR",
                value: v,
                why: "a whole number above 0",
            })?),
            None => file.registrations_per_hour,
        };
        let forum_rate_limits = match env("SANAD_FORUM_RATE_LIMITS") {
            Some(v) => parse_switch(&v).ok_or(ConfigError::Value { key: "SANAD_FORUM_RATE_LIMITS", value: v, why: "on or off" })?,
            None => file.forum_rate_limits.unwrap_or(true),
        };
        let connections_error =
            |value: String| ConfigError::Value { key: "SANAD_DATABASE_CONNECTIONS", value, why: "a whole number from 4 to 200" };
        let database_connections = match env("SANAD_DATABASE_CONNECTIONS") {
            Some(v) => v.parse().map_err(|_| connections_error(v.clone()))?,
            None => file.database_connections.unwrap_or(DATABASE_CONNECTIONS),
        };
        if !(4..=200).contains(&database_connections) {
            return Err(connections_error(database_connections.to_string()));
        }
        let shutdown_drain_secs = match env("SANAD_SHUTDOWN_DRAIN_SECS") {
            Some(v) => v.parse().ok().filter(|n| *n <= 600).ok_or(ConfigError::Value {
                key: "SANAD_SHUTDOWN_DRAIN_SECS",
                value: v,
                why: "a whole number of seconds, at most 600",
            })?,
            // Only PostgreSQL runs several instances behind a balancer; a SQLite instance is alone.
            None => file.shutdown_drain_secs.unwrap_or(if database_url.starts_with("postgres") { 5 } else { 0 }),
        };
        let files_url = env("SANAD_FILES_URL").or(file.files_url);
        if let Some(url) = &files_url {
            check_files_url(url).map_err(|why| ConfigError::Value { key: "SANAD_FILES_URL", value: url.clone(), why })?;
        }
        let bucket_settings = BUCKET_SETTINGS.iter().filter_map(|k| env(k).map(|v| (k.to_string(), v))).collect();
        Ok(Self {
            listen,
            data_dir,
            database_url,
            database_connections,
            public_url,
            smtp_url,
            mail_from,
            max_upload_mb,
            demo_content,
            static_dir,
            pdf_extractor,
            trusted_proxies,
            metrics_allow,
            metrics_token,
            registrations_per_hour,
            forum_rate_limits,
            shutdown_drain_secs,
            files_url,
            bucket_settings,
        })
    }

    /// Whether cookies must carry `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Folder where `.eml` files are written when no SMTP relay is configured.
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }
}

/// Why `url` cannot name a bucket: only `s3://bucket` or `s3://bucket/prefix` can.
pub fn check_files_url(url: &str) -> Result<(), &'static str> {
    let Some(rest) = url.strip_prefix("s3://") else {
        return Err("s3://bucket/prefix (leave unset for the data directory)");
    };
    let bucket = rest.split('/').next().unwrap_or("");
    let valid =
        (3..=63).contains(&bucket.len()) && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if valid { Ok(()) } else { Err("s3://bucket/prefix, the bucket 3 to 63 lowercase letters, digits, dots or dashes") }
}

fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("sanad.db").display())
}

fn parse_switch(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Some(true),
        "off" | "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_then_environment() {
        let c = Config::from_pairs(&[]).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://sanad-data/sanad.db");
        assert!(c.demo_content);
        assert_eq!(c.max_upload_mb, 50);
        let c = Config::from_pairs(&[
            ("SANAD_DATA_DIR", "/tmp/x"),
            ("SANAD_DEMO_CONTENT", "off"),
            ("SANAD_PUBLIC_URL", "https://sanad.example/"),
        ])
        .unwrap();
        assert_eq!(c.database_url, "sqlite:///tmp/x/sanad.db");
        assert!(!c.demo_content);
        assert!(c.secure_cookies());
        assert_eq!(c.public_url, "https://sanad.example");
    }

    #[test]
    fn file_values_sit_between_defaults_and_environment() {
        let file: FileConfig = toml::from_str("listen = \"0.0.0.0:9000\"\nmax_upload_mb = 10\n").unwrap();
        let c = Config::resolve(file, |k| (k == "SANAD_MAX_UPLOAD_MB").then(|| "20".to_string())).unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.max_upload_mb, 20);
    }

    #[test]
    fn bad_values_are_named() {
        assert_eq!(Config::from_pairs(&[]).unwrap().shutdown_drain_secs, 0, "SQLite: one instance, no balancer to wait for");
        assert_eq!(Config::from_pairs(&[("SANAD_DATABASE_URL", "postgres://db/sanad")]).unwrap().shutdown_drain_secs, 5);
        assert_eq!(Config::from_pairs(&[("SANAD_SHUTDOWN_DRAIN_SECS", "0")]).unwrap().shutdown_drain_secs, 0);
        assert!(Config::from_pairs(&[("SANAD_SHUTDOWN_DRAIN_SECS", "soon")]).is_err());
        assert_eq!(Config::from_pairs(&[]).unwrap().database_connections, DATABASE_CONNECTIONS);
        assert_eq!(Config::from_pairs(&[("SANAD_DATABASE_CONNECTIONS", "4")]).unwrap().database_connections, 4);
        for bad in ["3", "201", "many", "-1"] {
            let err = Config::from_pairs(&[("SANAD_DATABASE_CONNECTIONS", bad)]).unwrap_err();
            assert!(err.to_string().contains("SANAD_DATABASE_CONNECTIONS"), "{err}");
        }
        assert_eq!(Config::from_pairs(&[]).unwrap().files_url, None, "files in the data directory by default");
        let c = Config::from_pairs(&[("SANAD_FILES_URL", "s3://sanad-files/prod")]).unwrap();
        assert_eq!(c.files_url.as_deref(), Some("s3://sanad-files/prod"));
        assert!(Config::from_pairs(&[("SANAD_FILES_URL", "s3://sanad-files")]).is_ok());
        let err = Config::from_pairs(&[("SANAD_FILES_URL", "/srv/files")]).unwrap_err();
        assert!(err.to_string().contains("SANAD_FILES_URL"), "{err}");
        assert!(Config::from_pairs(&[("SANAD_FILES_URL", "s3://")]).is_err());
        assert!(Config::from_pairs(&[("SANAD_FILES_URL", "s3://Bad_Bucket/x")]).is_err());
        let err = Config::from_pairs(&[("SANAD_MAX_UPLOAD_MB", "lots")]).unwrap_err();
        assert!(err.to_string().contains("SANAD_MAX_UPLOAD_MB"));
        assert!(toml::from_str::<FileConfig>("unknown = 1").is_err());
        let err = Config::from_pairs(&[("SANAD_TRUSTED_PROXIES", "nginx")]).unwrap_err();
        assert!(err.to_string().contains("SANAD_TRUSTED_PROXIES"));
        assert!(Config::from_pairs(&[("SANAD_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]).is_ok());
    }
}
