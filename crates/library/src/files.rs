//! Uploaded files: stored once by content hash under `<data dir>/files`,
//! typed by their content (never by their name or declared type), and named
//! for download by a cleaned-up version of the name they came with.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

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

/// Where files live.
#[derive(Clone, Debug)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// Files under `root`.
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path(&self, hash: &str) -> Option<PathBuf> {
        // Only our own hex hashes name files: never a path a user chose.
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.root.join(&hash[..2]).join(hash))
    }

    /// Stores `bytes` (once per content) and returns its hash.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let hash = content_hash(bytes);
        let path = self.path(&hash).ok_or_else(|| std::io::Error::other("bad hash"))?;
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
        Ok(hash)
    }

    /// The bytes stored under `hash`.
    pub async fn get(&self, hash: &str) -> std::io::Result<Vec<u8>> {
        let path = self.path(hash).ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "bad hash"))?;
        tokio::fs::read(path).await
    }

    /// The path of a stored file (for the PDF extractor).
    pub fn local_path(&self, hash: &str) -> Option<PathBuf> {
        self.path(hash)
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }
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
        let store = FileStore::new(dir.path().to_path_buf());
        let a = store.put(b"%PDF-1.4 same").await.unwrap();
        let b = store.put(b"%PDF-1.4 same").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(store.get(&a).await.unwrap(), b"%PDF-1.4 same");
        assert!(store.get("../../etc/passwd").await.is_err());
    }
}
