//! Uploaded files: stored once by content hash under `<data dir>/files`,
//! typed by their content (never by their name or declared type), and named
//! for download by a cleaned-up version of the name they came with.

use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_util::io::ReaderStream;

/// Content types accepted for upload: documents, images, audio and video.
const ALLOWED: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/mpeg",
    "audio/ogg",
    "audio/x-wav",
    "audio/m4a",
    "audio/x-m4a",
    "audio/aac",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
];

/// The content type of `bytes` when it is one the library accepts.
pub fn detect(bytes: &[u8]) -> Option<&'static str> {
    let kind = infer::get(bytes)?;
    ALLOWED.iter().find(|a| **a == kind.mime_type()).copied()
}

/// A file name safe to show and to put in `Content-Disposition`: the last
/// path segment, without control characters, quotes or path separators.
pub fn clean_name(name: &str, content_type: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/' | ':' | '*' | '?' | '<' | '>' | '|')).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    let cleaned: String = cleaned.chars().take(120).collect();
    if cleaned.is_empty() { format!("fichier.{}", extension_for(content_type)) } else { cleaned }
}

fn extension_for(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "audio/mpeg" => "mp3",
        "video/mp4" => "mp4",
        _ => "bin",
    }
}

/// Hex SHA-256 of content.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored file being read: its length and its bytes as they arrive.
pub struct StoredBytes {
    /// Length in bytes (for `Content-Length`).
    pub len: u64,
    /// The content, in chunks: never held whole in memory.
    pub stream: BoxStream<'static, std::io::Result<Bytes>>,
}

/// What `sanad files migrate` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Migrated {
    /// Files copied into the bucket.
    pub copied: u64,
    /// Files the bucket already held (a previous, interrupted run copied them).
    pub present: u64,
}

/// Where files live: the data directory of this machine, or an
/// S3-compatible bucket that several instances share. Either way a file is
/// named by the SHA-256 of its content, `ab/abcdef…`, so it is written once.
#[derive(Clone, Debug)]
pub enum FileStore {
    /// `<data dir>/files/ab/<hash>` (the default).
    Local { root: PathBuf },
    /// `s3://bucket/prefix/ab/<hash>` (`SANAD_FILES_URL`).
    Bucket(Bucket),
}

/// An S3-compatible bucket and the prefix of Sanad's files in it.
#[derive(Clone)]
pub struct Bucket {
    store: Arc<AmazonS3>,
    prefix: String,
    url: String,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The client holds credentials: only the URL is shown.
        f.debug_struct("Bucket").field("url", &self.url).finish()
    }
}

/// Only our own hex hashes name files: never a path a user chose.
fn valid_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

fn not_found() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::NotFound, "bad hash")
}

fn bucket_error(e: object_store::Error) -> std::io::Error {
    match e {
        object_store::Error::NotFound { .. } => std::io::Error::new(std::io::ErrorKind::NotFound, e),
        e => std::io::Error::other(e),
    }
}

impl Bucket {
    /// The bucket named by `url` (`s3://bucket` or `s3://bucket/prefix`).
    /// Endpoint, region and credentials come from the process environment
    /// (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, …, read by
    /// `object_store`), then from `settings`, the same `AWS_*` names given
    /// explicitly (the configuration's copy, which tests set per instance).
    pub fn open(url: &str, settings: &[(String, String)]) -> anyhow::Result<Self> {
        let rest = url.strip_prefix("s3://").ok_or_else(|| anyhow::anyhow!("{url}: not an s3:// URL"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let mut builder = AmazonS3Builder::from_env();
        for (key, value) in settings {
            let key: AmazonS3ConfigKey =
                key.to_ascii_lowercase().parse().map_err(|e| anyhow::anyhow!("{key}: not a setting of the bucket ({e})"))?;
            builder = builder.with_config(key, value);
        }
        let store = builder.with_bucket_name(bucket).build().map_err(|e| anyhow::anyhow!("cannot open {url}: {e}"))?;
        Ok(Self { store: Arc::new(store), prefix: prefix.trim_matches('/').to_string(), url: url.to_string() })
    }

    fn key(&self, hash: &str) -> ObjectPath {
        let key = format!("{}/{hash}", &hash[..2]);
        if self.prefix.is_empty() { ObjectPath::from(key) } else { ObjectPath::from(format!("{}/{key}", self.prefix)) }
    }

    async fn has(&self, key: &ObjectPath) -> std::io::Result<bool> {
        match self.store.head(key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(std::io::Error::other(e)),
        }
    }

    async fn put(&self, hash: &str, bytes: Bytes) -> std::io::Result<()> {
        let key = self.key(hash);
        // Same key, same content: a file already there is not sent again.
        if !self.has(&key).await? {
            self.store.put(&key, PutPayload::from(bytes)).await.map_err(std::io::Error::other)?;
        }
        Ok(())
    }
}

impl FileStore {
    /// Files under `root` (the data directory's `files` folder).
    pub fn local(root: PathBuf) -> Self {
        Self::Local { root }
    }

    /// Files in the data directory's `files` folder, or in the bucket of
    /// `files_url` when one is set (see [`Bucket::open`]).
    pub fn open(data_dir: &Path, files_url: Option<&str>, settings: &[(String, String)]) -> anyhow::Result<Self> {
        match files_url {
            None => Ok(Self::local(data_dir.join("files"))),
            Some(url) => Ok(Self::Bucket(Bucket::open(url, settings)?)),
        }
    }

    /// Checks that the store answers: a bucket that cannot be reached or
    /// refuses the credentials stops the start with a clear error rather
    /// than the first upload failing.
    pub async fn check(&self) -> anyhow::Result<()> {
        if let Self::Bucket(b) = self {
            // A listing (one level: at most 256 `ab/` folders) fails on a missing
            // bucket, where reading a missing key would merely say "not found".
            let prefix = (!b.prefix.is_empty()).then(|| ObjectPath::from(b.prefix.as_str()));
            b.store
                .list_with_delimiter(prefix.as_ref())
                .await
                .map_err(|e| anyhow::anyhow!("cannot reach the files bucket {}: {e}", b.url))?;
        }
        Ok(())
    }

    fn path(root: &Path, hash: &str) -> Option<PathBuf> {
        valid_hash(hash).then(|| root.join(&hash[..2]).join(hash))
    }

    /// Stores `bytes` (once per content) and returns its hash.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let hash = content_hash(bytes);
        match self {
            Self::Local { root } => {
                let path = Self::path(root, &hash).ok_or_else(not_found)?;
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    return Ok(hash);
                }
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                // Write then rename, so a reader never sees half a file.
                let tmp = path.with_extension(format!("part-{}", uuid::Uuid::now_v7().simple()));
                tokio::fs::write(&tmp, bytes).await?;
                tokio::fs::rename(&tmp, &path).await?;
            }
            Self::Bucket(b) => b.put(&hash, Bytes::copy_from_slice(bytes)).await?,
        }
        Ok(hash)
    }

    /// The file stored under `hash`, as a stream of bytes with its length.
    pub async fn get(&self, hash: &str) -> std::io::Result<StoredBytes> {
        if !valid_hash(hash) {
            return Err(not_found());
        }
        match self {
            Self::Local { root } => {
                let path = Self::path(root, hash).ok_or_else(not_found)?;
                let file = tokio::fs::File::open(path).await?;
                let len = file.metadata().await?.len();
                Ok(StoredBytes { len, stream: ReaderStream::with_capacity(file, 64 * 1024).boxed() })
            }
            Self::Bucket(b) => {
                let found = b.store.get(&b.key(hash)).await.map_err(bucket_error)?;
                let len = found.meta.size;
                Ok(StoredBytes { len, stream: found.into_stream().map_err(std::io::Error::other).boxed() })
            }
        }
    }

    /// The path of a stored file on this machine (for the PDF extractor);
    /// `None` in a bucket.
    pub fn local_path(&self, hash: &str) -> Option<PathBuf> {
        match self {
            Self::Local { root } => Self::path(root, hash),
            Self::Bucket(_) => None,
        }
    }

    /// Copies every file of this local store into `to`, skipping those it
    /// already holds: a run cut short is finished by the next one. A file
    /// whose content no longer matches its name is reported, not copied.
    pub async fn migrate_to(&self, to: &Bucket, mut progress: impl FnMut(&Migrated)) -> anyhow::Result<Migrated> {
        let Self::Local { root } = self else {
            anyhow::bail!("only files in the data directory can be copied into a bucket");
        };
        let mut done = Migrated::default();
        for path in stored_files(root)? {
            let hash = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            let key = to.key(&hash);
            if to.has(&key).await.map_err(|e| anyhow::anyhow!("cannot reach {}: {e}", to.url))? {
                done.present += 1;
            } else {
                // One file at a time, each at most the upload limit.
                let bytes = tokio::fs::read(&path).await.map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
                if content_hash(&bytes) != hash {
                    anyhow::bail!("{} does not hold the content its name promises: not copied", path.display());
                }
                to.store
                    .put(&key, PutPayload::from(Bytes::from(bytes)))
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot copy {hash} into {}: {e}", to.url))?;
                done.copied += 1;
            }
            progress(&done);
        }
        Ok(done)
    }
}

/// The stored files under `root` (`ab/<hash>`), in a stable order; half-written
/// `.part-…` files and anything else are left out.
fn stored_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let dirs = match std::fs::read_dir(root) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => anyhow::bail!("cannot read {}: {e}", root.display()),
    };
    for dir in dirs {
        let dir = dir?.path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir)? {
            let path = file?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if valid_hash(name) && dir.file_name().and_then(|d| d.to_str()) == Some(&name[..2]) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content() {
        assert_eq!(detect(b"%PDF-1.4\n%...."), Some("application/pdf"));
        assert_eq!(detect(b"<html><script>alert(1)</script></html>"), None);
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(detect(b"MZ\x90\0"), None, "executables are refused");
    }

    #[test]
    fn names_lose_their_paths_and_tricks() {
        assert_eq!(clean_name("../../etc/passwd", "application/pdf"), "passwd");
        assert_eq!(clean_name("C:\\Users\\x\\fiche.pdf", "application/pdf"), "fiche.pdf");
        assert_eq!(clean_name("a\"b\r\n.pdf", "application/pdf"), "ab.pdf");
        assert_eq!(clean_name("...", "application/pdf"), "fichier.pdf");
        assert_eq!(clean_name(".htaccess", "application/pdf"), "htaccess");
    }

    #[tokio::test]
    async fn stored_once_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::local(dir.path().to_path_buf());
        let a = store.put(b"%PDF-1.4 same").await.unwrap();
        let b = store.put(b"%PDF-1.4 same").await.unwrap();
        assert_eq!(a, b);
        let got = store.get(&a).await.unwrap();
        assert_eq!(got.len, 13);
        let bytes: Vec<Bytes> = got.stream.try_collect().await.unwrap();
        assert_eq!(bytes.concat(), b"%PDF-1.4 same");
        assert!(store.get("../../etc/passwd").await.is_err());
        let _ = std::fs::write(dir.path().join(&a[..2]).join(format!("{a}.part-1")), b"half");
        assert_eq!(stored_files(dir.path()).unwrap(), vec![dir.path().join(&a[..2]).join(&a)], "half-written files are not stored files");
    }
}
