//! The outermost middleware: a request id on every response and log line,
//! request metrics, body size limits, security headers, and problem+json for
//! every error, including the framework's own (parse errors, 404, 405).

use poem::http::{HeaderName, HeaderValue, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Middleware, Request, Response};
use sanad_platform::client::{ClientAddress, TrustedProxies};
use sanad_platform::error::{PROBLEM_JSON, ProblemType};
use sanad_platform::telemetry::{Metrics, with_request_id};
use std::sync::Arc;
use std::time::Instant;
use tokio::io::AsyncReadExt;
use tracing::Instrument;

/// Header carrying the request id, in and out.
pub const REQUEST_ID: &str = "x-request-id";

/// The middleware; see the module documentation.
#[derive(Clone, Debug)]
pub struct Observe {
    metrics: Metrics,
    limits: Arc<BodyLimits>,
    allowed: Arc<AllowedMethods>,
    proxies: Arc<TrustedProxies>,
}

/// Largest request bodies: JSON everywhere, more on upload paths.
#[derive(Clone, Debug)]
pub struct BodyLimits {
    /// Bytes for any body.
    pub json: usize,
    /// Bytes for the bodies of `upload_paths`.
    pub upload: usize,
    /// Paths that take uploads.
    pub upload_paths: Vec<String>,
}

impl BodyLimits {
    fn for_path(&self, path: &str) -> usize {
        if self.upload_paths.iter().any(|p| p == path) { self.upload } else { self.json }
    }
}

impl Observe {
    /// Records into `metrics`, refuses bodies over `limits`, and
    /// answers 405 with the `Allow` header that `allowed` gives.
    /// The client address is resolved through `proxies` and put in the
    /// request's extensions as a [`ClientAddress`].
    pub fn new(metrics: Metrics, limits: BodyLimits, allowed: AllowedMethods, proxies: TrustedProxies) -> Self {
        Self { metrics, limits: Arc::new(limits), allowed: Arc::new(allowed), proxies: Arc::new(proxies) }
    }
}

impl<E: Endpoint> Middleware<E> for Observe {
    type Output = ObserveEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        ObserveEndpoint {
            inner,
            metrics: self.metrics.clone(),
            limits: self.limits.clone(),
            allowed: self.allowed.clone(),
            proxies: self.proxies.clone(),
        }
    }
}

/// The methods of each documented path, for the `Allow` header of a 405
/// (RFC 9110 requires it; the router does not say which methods exist).
#[derive(Debug, Default)]
pub struct AllowedMethods {
    paths: Vec<(Vec<String>, String)>,
}

impl AllowedMethods {
    /// Reads the paths and methods of an OpenAPI document.
    pub fn from_openapi(spec: &serde_json::Value) -> Self {
        let mut paths = Vec::new();
        if let Some(map) = spec.get("paths").and_then(|p| p.as_object()) {
            for (path, ops) in map {
                let mut methods: Vec<String> =
                    ops.as_object().map(|o| o.keys().map(|m| m.to_ascii_uppercase()).collect()).unwrap_or_default();
                if methods.iter().any(|m| m == "GET") {
                    methods.push("HEAD".into());
                }
                let segments = path.trim_matches('/').split('/').map(str::to_string).collect();
                paths.push((segments, methods.join(", ")));
            }
        }
        Self { paths }
    }

    fn for_path(&self, path: &str) -> Option<&str> {
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.paths
            .iter()
            .find(|(segments, _)| {
                segments.len() == wanted.len()
                    && segments.iter().zip(&wanted).all(|(s, w)| (s.starts_with('{') && s.ends_with('}')) || s == w)
            })
            .map(|(_, allow)| allow.as_str())
    }
}

/// [`Observe`] applied to an endpoint.
#[derive(Debug)]
pub struct ObserveEndpoint<E> {
    inner: E,
    metrics: Metrics,
    limits: Arc<BodyLimits>,
    allowed: Arc<AllowedMethods>,
    proxies: Arc<TrustedProxies>,
}

impl<E: Endpoint> Endpoint for ObserveEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let started = Instant::now();
        let id = incoming_request_id(&req).unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
        let method = req.method().to_string();
        // The path only: query strings may carry search words or other personal data.
        let path = req.uri().path().to_string();
        let span = tracing::info_span!("request", id = %id, method = %method, path = %path);
        let mut resp = with_request_id(id.clone(), self.handle(req)).instrument(span.clone()).await;
        let status = resp.status().as_u16();
        let elapsed = started.elapsed();
        self.metrics.observe_request(&method, status, elapsed.as_secs_f64());
        span.in_scope(|| tracing::info!(status, ms = elapsed.as_millis() as u64, "answered"));
        let headers = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&id) {
            headers.insert(HeaderName::from_static(REQUEST_ID), v);
        }
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        // Reset and verification tokens travel in URLs: never leak them to other sites.
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        Ok(resp)
    }
}

impl<E: Endpoint> ObserveEndpoint<E> {
    async fn handle(&self, mut req: Request) -> Response {
        if let Some(client) = self.client_address(&req) {
            req.extensions_mut().insert(client);
        }
        if let Some(refused) = refuse_encoded_body(&mut req).await {
            return refused;
        }
        let limit = self.limits.for_path(req.uri().path());
        if let Some(refused) = enforce_body_limit(&mut req, limit).await {
            return refused;
        }
        let path = req.uri().path().to_string();
        match self.inner.call(req).await {
            Ok(resp) => resp.into_response(),
            Err(err) => {
                let mut resp = problem_response(err);
                if resp.status() == StatusCode::METHOD_NOT_ALLOWED {
                    let allow = self.allowed.for_path(&path).unwrap_or("GET, HEAD");
                    if let Ok(v) = HeaderValue::from_str(allow) {
                        resp.headers_mut().insert(header::ALLOW, v);
                    }
                }
                resp
            }
        }
    }
}

impl<E> ObserveEndpoint<E> {
    fn client_address(&self, req: &Request) -> Option<ClientAddress> {
        let peer = req.remote_addr().as_socket_addr()?.ip();
        let values = |name: &str| -> Vec<&str> { req.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).collect() };
        Some(ClientAddress(self.proxies.client(peer, &values("x-forwarded-for"), &values("forwarded"))))
    }
}

fn incoming_request_id(req: &Request) -> Option<String> {
    let v = req.headers().get(REQUEST_ID)?.to_str().ok()?;
    let ok = !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    ok.then(|| v.to_string())
}

/// Largest refused body that is still read to its end before the 413 goes out.
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// Refuses request bodies that are encoded (gzip, br...): no route needs
/// them, and a few kilobytes of gzip inflate to gigabytes before any size
/// check could count them (RFC 7694: 415 naming the accepted coding). The
/// bytes already sent are read as they are (never inflated) and dropped, so
/// the client gets the answer instead of a broken connection.
async fn refuse_encoded_body(req: &mut Request) -> Option<Response> {
    let encoded = req.headers().get_all(header::CONTENT_ENCODING).iter().any(|v| {
        v.to_str().map(|s| s.split(',').any(|c| !c.trim().is_empty() && !c.trim().eq_ignore_ascii_case("identity"))).unwrap_or(true)
    });
    if !encoded {
        return None;
    }
    let mut reader = req.take_body().into_async_read().take(DRAIN_LIMIT);
    let _ = tokio::io::copy(&mut reader, &mut tokio::io::sink()).await;
    let mut resp =
        ProblemType::UnsupportedMediaType.problem(Some("request bodies must not be compressed (Content-Encoding)".into())).into_http();
    resp.headers_mut().insert(header::ACCEPT_ENCODING, HeaderValue::from_static("identity"));
    Some(resp)
}

/// Refuses bodies over `limit` with 413, whatever their framing: announced
/// by Content-Length (HTTP/1.1 or HTTP/2), chunked, or an HTTP/2 stream
/// with no length at all. Bodies without a length are read here, at most
/// `limit + 1` bytes, so nothing past the limit is ever held.
async fn enforce_body_limit(req: &mut Request, limit: usize) -> Option<Response> {
    let too_large = || ProblemType::PayloadTooLarge.problem(Some(format!("at most {limit} bytes"))).into_http();
    let unreadable = |why: &str| ProblemType::BadRequest.problem(Some(why.into())).into_http();
    match req.headers().get(header::CONTENT_LENGTH).map(|v| v.to_str().ok().and_then(|s| s.parse::<u64>().ok())) {
        Some(Some(n)) if n > limit as u64 => {
            // Read the rest of a moderately large body before answering: many
            // clients (phones on slow links included) only read the answer once
            // they have sent everything, and would otherwise see a broken connection.
            if n <= DRAIN_LIMIT {
                let mut reader = req.take_body().into_async_read().take(DRAIN_LIMIT);
                let _ = tokio::io::copy(&mut reader, &mut tokio::io::sink()).await;
            }
            return Some(too_large());
        }
        // hyper holds a body with a declared length to that length.
        Some(Some(_)) => return None,
        Some(None) => {
            return Some(unreadable("invalid Content-Length"));
        }
        None => {}
    }
    // No length: chunked HTTP/1.1, or HTTP/2 (which has no Transfer-Encoding
    // header at all). Reads and GETs without a body cost one empty read.
    let mut buf = Vec::new();
    let mut body = req.take_body().into_async_read();
    if (&mut body).take(limit as u64 + 1).read_to_end(&mut buf).await.is_err() {
        return Some(unreadable("the body could not be read"));
    }
    if buf.len() > limit {
        // As above: a client still sending should get the answer, not a broken pipe.
        let _ = tokio::io::copy(&mut body.take(DRAIN_LIMIT), &mut tokio::io::sink()).await;
        return Some(too_large());
    }
    req.set_body(Body::from(buf));
    None
}

/// Turns any error into problem+json, keeping responses that already are.
fn problem_response(err: poem::Error) -> Response {
    let status = err.status();
    let message = err.to_string();
    let resp = err.into_response();
    let is_problem = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if is_problem {
        return resp;
    }
    let detail = if status.is_server_error() {
        tracing::error!(error = %message, "internal error");
        None
    } else {
        Some(message)
    };
    let mut out = ProblemType::for_status(status).problem(detail);
    // The framework's status stands even where the table has no type of its own (a 400 for a 406...).
    out.status = status.as_u16();
    let mut out = out.into_http();
    // Keep headers such as Allow or Retry-After that the framework set.
    for (name, value) in resp.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out.into_response()
}
