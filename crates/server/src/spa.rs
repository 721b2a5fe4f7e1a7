//! The single-page app: files built by Vite (embedded in release builds, or
//! read from `SANAD_STATIC_DIR`), with `index.html` for client-side routes.

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Endpoint, IntoResponse, Request, Response};
use rust_embed::RustEmbed;
use sanad_platform::error::problem;
use std::path::PathBuf;

#[derive(RustEmbed)]
#[folder = "../../frontend/dist"]
#[allow_missing = true]
struct Built;

/// Serves the SPA.
#[derive(Debug, Clone)]
pub struct Spa {
    dir: Option<PathBuf>,
}

/// Script and style only from this origin; the API is same-origin.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; \
                   frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

impl Spa {
    /// From `dir` when given, otherwise from the copy embedded at build time.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self { dir }
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        if path.split('/').any(|seg| seg == ".." || seg.starts_with('.')) {
            return None;
        }
        match &self.dir {
            Some(dir) => std::fs::read(dir.join(path)).ok(),
            None => Built::get(path).map(|f| f.data.into_owned()),
        }
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
        if !path.is_empty()
            && let Some(bytes) = self.read(&path)
        {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
            return Ok(Response::builder().content_type(mime.as_ref()).header(header::CACHE_CONTROL, cache).body(bytes));
        }
        // A file-like path that does not exist is a 404, not the app.
        if path.starts_with("assets/") {
            return Err(poem::error::NotFoundError.into());
        }
        match self.read("index.html") {
            Some(bytes) => {
                let mut resp =
                    Response::builder().content_type("text/html; charset=utf-8").header(header::CACHE_CONTROL, "no-cache").body(bytes);
                resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
                Ok(resp)
            }
            None => Ok(problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "spa-not-built",
                "The web app has not been built",
                Some("run `npm ci && npm run build` in frontend/ and rebuild, or set SANAD_STATIC_DIR".into()),
                None,
            )
            .into_http()
            .into_response()),
        }
    }
}
