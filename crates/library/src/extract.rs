//! Text extraction from PDFs, isolated in a child process: a malformed or
//! hostile PDF can make a parser loop, allocate without end, or panic. The
//! child limits its own memory and CPU time (setrlimit) before touching the
//! file, and the parent kills it when the wall-clock time runs out. The
//! server only ever sees text, or nothing.

use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use unicode_normalization::UnicodeNormalization;

/// Memory a child may use.
pub const MEMORY_LIMIT: u64 = 512 * 1024 * 1024;
/// CPU seconds a child may use.
pub const CPU_SECONDS: u64 = 20;
/// Wall-clock time the parent waits.
pub const WALL_TIME: Duration = Duration::from_secs(30);
/// Most text kept from one file.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// How to start the extracting child: a program and the arguments before the file path.
#[derive(Clone, Debug)]
pub struct Extractor {
    program: PathBuf,
    args: Vec<String>,
}

impl Extractor {
    /// This very binary, run as `sanad extract-pdf <file>`.
    pub fn current_exe() -> std::io::Result<Self> {
        Ok(Self::subcommand(std::env::current_exe()?, "extract-pdf"))
    }

    /// `program` run as `<program> <subcommand> <file>`.
    pub fn subcommand(program: PathBuf, subcommand: &str) -> Self {
        Self { program, args: vec![subcommand.into()] }
    }

    /// Another program that follows the same protocol (`<program> <file>`, text on stdout).
    pub fn program(program: PathBuf) -> Self {
        Self { program, args: vec![] }
    }

    /// The text of the PDF `bytes` (files kept in a bucket have no path on
    /// this machine): written to a private temporary file for the child,
    /// removed afterwards.
    pub async fn pdf_text_of(&self, bytes: &[u8]) -> Option<String> {
        let path = std::env::temp_dir().join(format!("sanad-pdf-{}.pdf", uuid::Uuid::now_v7().simple()));
        if let Err(e) = tokio::fs::write(&path, bytes).await {
            tracing::warn!(error = %e, "cannot write a PDF for the extractor; its text is not indexed");
            return None;
        }
        let text = self.pdf_text(&path).await;
        let _ = tokio::fs::remove_file(&path).await;
        text
    }

    /// The text of the PDF at `path`, NFKC-normalized; `None` when it cannot be read in the bounds.
    pub async fn pdf_text(&self, path: &Path) -> Option<String> {
        let mut child = tokio::process::Command::new(&self.program)
            .args(&self.args)
            .arg(path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            // The server's allocator (mimalloc) reserves address space 1 GiB at
            // a time: beyond the child's 512 MiB limit, one start in ten
            // aborted and the PDF's text was silently not indexed.
            .env("MIMALLOC_ARENA_RESERVE", "65536")
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| tracing::warn!(error = %e, "cannot start the PDF extractor"))
            .ok()?;
        let mut stdout = child.stdout.take()?;
        let read = async {
            let mut out = Vec::new();
            // Read at most the limit, so a child printing without end cannot fill our memory.
            let _ = (&mut stdout).take(MAX_TEXT_BYTES as u64 + 1).read_to_end(&mut out).await;
            let status = child.wait().await.ok()?;
            status.success().then_some(out)
        };
        match tokio::time::timeout(WALL_TIME, read).await {
            Ok(Some(bytes)) => Some(normalize(&String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_TEXT_BYTES)]))),
            Ok(None) => {
                tracing::info!("a PDF could not be read; its text is not indexed");
                None
            }
            Err(_) => {
                tracing::warn!("PDF extraction ran out of time; its text is not indexed");
                None
            }
        }
    }
}

/// NFKC (ligatures such as "ﬁ" become "fi", Arabic presentation forms become
/// letters), control characters out, whitespace collapsed.
pub fn normalize(text: &str) -> String {
    let nfkc: String = text.nfkc().map(|c| if c.is_control() && c != '\n' { ' ' } else { c }).collect();
    nfkc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The child's side: bound itself, read the PDF, print its text. Returns the exit code.
pub fn run_child(path: &Path) -> i32 {
    #[cfg(unix)]
    {
        let _ = rlimit::setrlimit(rlimit::Resource::AS, MEMORY_LIMIT, MEMORY_LIMIT);
        let _ = rlimit::setrlimit(rlimit::Resource::CPU, CPU_SECONDS, CPU_SECONDS);
    }
    let Ok(bytes) = std::fs::read(path) else { return 2 };
    match std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(&bytes)) {
        Ok(Ok(text)) => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            if out.write_all(text.as_bytes()).is_err() {
                return 3;
            }
            0
        }
        _ => 1,
    }
}
