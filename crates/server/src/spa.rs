//! The single-page app: files built by Vite (embedded in release builds, or
//! read from `SANAD_STATIC_DIR`), with `index.html` for client-side routes.
//!
//! Every file is loaded into memory once, with the Brotli and gzip copies the
//! build wrote beside it (`frontend/scripts/precompress.mjs`): a request picks
//! a copy by `Accept-Encoding` and nothing is compressed per request. Each
//! copy has a strong ETag, so a revisit costs a 304.

use poem::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Request, Response};
use rust_embed::RustEmbed;
use sanad_platform::error::ProblemType;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(RustEmbed)]
#[folder = "../../frontend/dist"]
#[allow_missing = true]
struct Built;

/// Serves the SPA.
#[derive(Debug, Clone)]
pub struct Spa {
    files: Arc<HashMap<String, StaticFile>>,
    /// The Content-Security-Policy of `index.html`, allowing its own inline scripts by hash.
    csp: HeaderValue,
}

/// One file in its encodings.
#[derive(Debug)]
struct StaticFile {
    mime: String,
    /// Identity, Brotli, gzip: each with its bytes and ETag.
    identity: Encoded,
    brotli: Option<Encoded>,
    gzip: Option<Encoded>,
}

#[derive(Debug)]
struct Encoded {
    bytes: bytes::Bytes,
    etag: HeaderValue,
}

/// Script and style only from this origin (plus the page's own inline scripts
/// by hash); the API is same-origin.
const CSP_BASE: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; \
                        frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'; manifest-src 'self'; \
                        worker-src 'self'";

impl Spa {
    /// From `dir` when given, otherwise from the copy embedded at build time.
    pub fn new(dir: Option<PathBuf>) -> Self {
        let mut raw: HashMap<String, Vec<u8>> = HashMap::new();
        match &dir {
            Some(dir) => read_tree(dir, dir, &mut raw),
            None => {
                for name in Built::iter() {
                    if let Some(f) = Built::get(&name) {
                        raw.insert(name.to_string(), f.data.into_owned());
                    }
                }
            }
        }
        let mut files = HashMap::new();
        for (name, bytes) in &raw {
            if name.ends_with(".br") || name.ends_with(".gz") {
                continue;
            }
            let sidecar = |ext: &str, tag: &str| {
                raw.get(&format!("{name}.{ext}")).filter(|c| c.len() < bytes.len()).map(|c| Encoded::new(c.clone(), tag))
            };
            let file = StaticFile {
                mime: mime_guess::from_path(name).first_or_octet_stream().to_string(),
                brotli: sidecar("br", "br"),
                gzip: sidecar("gz", "gz"),
                identity: Encoded::new(bytes.clone(), ""),
            };
            files.insert(name.clone(), file);
        }
        let csp = raw.get("index.html").map(|html| csp_for(&String::from_utf8_lossy(html))).unwrap_or_else(|| csp_for(""));
        Self { files: Arc::new(files), csp: HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(CSP_BASE)) }
    }
}

impl Encoded {
    fn new(bytes: Vec<u8>, suffix: &str) -> Self {
        let digest = Sha256::digest(&bytes);
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let tag = if suffix.is_empty() { format!("\"{hex}\"") } else { format!("\"{hex}-{suffix}\"") };
        Self { bytes: bytes.into(), etag: HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"0\"")) }
    }
}

fn read_tree(root: &Path, dir: &Path, out: &mut HashMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if let (Ok(rel), Ok(bytes)) = (path.strip_prefix(root), std::fs::read(&path)) {
            out.insert(rel.to_string_lossy().replace('\\', "/"), bytes);
        }
    }
}

/// The policy with a `'sha256-...'` source for each inline script of `html`
/// (the one that sets the reading direction before first paint).
fn csp_for(html: &str) -> String {
    use base64::Engine as _;
    let mut hashes = String::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(tag_end) = after.find('>') else { break };
        let tag = &after[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = after[body_start..].find("</script>") else { break };
        if !tag.contains("src=") {
            let body = &after[body_start..body_start + close];
            let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes()));
            hashes.push_str(&format!(" 'sha256-{digest}'"));
        }
        rest = &after[body_start + close..];
    }
    format!("{CSP_BASE}; script-src 'self'{hashes}")
}

/// Which copy the client takes: the smallest it accepts (q=0 refuses).
fn choose<'a>(file: &'a StaticFile, headers: &HeaderMap) -> (&'a Encoded, Option<&'static str>) {
    let accepted = |coding: &str| {
        headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
            (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
        })
    };
    let mut best: (&Encoded, Option<&'static str>) = (&file.identity, None);
    for (copy, coding) in [(&file.brotli, "br"), (&file.gzip, "gzip")] {
        if let Some(copy) = copy
            && accepted(coding)
            && copy.bytes.len() < best.0.bytes.len()
        {
            best = (copy, Some(coding));
        }
    }
    best
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for GET).
pub fn none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let Ok(etag) = etag.to_str() else { return false };
    let bare = etag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == bare)
}

impl Spa {
    fn serve(&self, req: &Request, file: &StaticFile, cache: &'static str, csp: bool) -> Response {
        let (copy, coding) = choose(file, req.headers());
        let mut resp = if none_match(req.headers(), &copy.etag) {
            Response::builder().status(StatusCode::NOT_MODIFIED).body(Body::empty())
        } else {
            Response::builder().content_type(file.mime.as_str()).body(Body::from_bytes(copy.bytes.clone()))
        };
        let headers = resp.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(header::ETAG, copy.etag.clone());
        if file.brotli.is_some() || file.gzip.is_some() {
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
        if let Some(coding) = coding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        if csp {
            headers.insert(header::CONTENT_SECURITY_POLICY, self.csp.clone());
        }
        resp
    }
}

impl Endpoint for Spa {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let path = req.uri().path().trim_start_matches('/').to_string();
        if path.starts_with("api/") || path == "api" {
            return Err(poem::error::NotFoundError.into());
        }
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return Err(poem::error::MethodNotAllowedError.into());
        }
        let hidden = path.split('/').any(|seg| seg == ".." || seg.starts_with('.'));
        if !path.is_empty()
            && path != "index.html"
            && !hidden
            && let Some(file) = self.files.get(&path)
        {
            // Hashed names under assets/ never change; anything else is revalidated.
            let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
            return Ok(self.serve(&req, file, cache, false));
        }
        // A file-like path that does not exist is a 404, not the app.
        if path.starts_with("assets/") {
            return Err(poem::error::NotFoundError.into());
        }
        match self.files.get("index.html") {
            Some(index) => Ok(self.serve(&req, index, "no-cache", true)),
            None => Ok(ProblemType::SpaNotBuilt
                .problem(Some("run `npm ci && npm run build` in frontend/ and rebuild, or set SANAD_STATIC_DIR".into()))
                .into_http()
                .into_response()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_hash_only() {
        let csp = csp_for("<script>a()</script><script type=\"module\" src=\"/x.js\"></script>");
        assert_eq!(csp.matches("'sha256-").count(), 1, "{csp}");
        assert!(!csp.contains("unsafe-inline"));
    }

    #[tokio::test]
    async fn the_service_worker_is_revalidated_at_the_root_and_allowed_by_the_policy() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<!doctype html><title>Sanad</title>").unwrap();
        std::fs::write(dir.path().join("sw.js"), "self.addEventListener('fetch', () => {});").unwrap();
        std::fs::write(dir.path().join("manifest.webmanifest"), "{}").unwrap();
        let spa = Spa::new(Some(dir.path().to_path_buf()));
        let get = |path: &str| Request::builder().uri(path.parse().unwrap()).finish();
        // At the root, so its scope is the whole app; never kept without asking (a new build is a new worker).
        let sw = spa.call(get("/sw.js")).await.unwrap();
        assert_eq!(sw.status(), StatusCode::OK);
        assert_eq!(sw.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(sw.headers()[header::CONTENT_TYPE].to_str().unwrap().contains("javascript"));
        let manifest = spa.call(get("/manifest.webmanifest")).await.unwrap();
        assert_eq!(manifest.status(), StatusCode::OK);
        let page = spa.call(get("/lessons/x")).await.unwrap();
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
        assert!(csp.contains("worker-src 'self'") && csp.contains("manifest-src 'self'"), "{csp}");
    }

    #[test]
    fn the_smallest_accepted_copy_is_chosen() {
        let file = StaticFile {
            mime: "text/javascript".into(),
            identity: Encoded::new(vec![b'a'; 100], ""),
            brotli: Some(Encoded::new(vec![b'b'; 10], "br")),
            gzip: Some(Encoded::new(vec![b'g'; 20], "gz")),
        };
        let mut h = HeaderMap::new();
        assert_eq!(choose(&file, &h).1, None);
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, deflate, br"));
        assert_eq!(choose(&file, &h).1, Some("br"));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip, br;q=0"));
        assert_eq!(choose(&file, &h).1, Some("gzip"));
        let etag = choose(&file, &h).0.etag.clone();
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&format!("W/{}", etag.to_str().unwrap())).unwrap());
        assert!(none_match(&h, &etag));
    }
}
