//! How an answer travels: compressed only where it pays, and not at all
//! when a revalidation shows the client already has it.
//!
//! - Responses that already carry a `Content-Encoding` (the SPA's
//!   precompressed files) pass untouched.
//! - Text and JSON of at least [`MIN_COMPRESS_BYTES`] are compressed with
//!   a fast level (Brotli 4 or gzip 1): on a 2-core server, maximum levels
//!   cost more CPU than the bytes they save on a phone.
//! - A `GET` whose `If-None-Match` names the response's ETag gets a 304
//!   without a body, whoever produced the response.

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::{Body, Endpoint, IntoResponse, Middleware, Request, Response};
use std::io::Write;

/// Smaller bodies go out as they are: compressing them saves less than a packet.
pub const MIN_COMPRESS_BYTES: usize = 1024;

/// The middleware; see the module documentation.
#[derive(Clone, Copy, Debug, Default)]
pub struct Representation;

impl<E: Endpoint> Middleware<E> for Representation {
    type Output = RepresentationEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        RepresentationEndpoint { inner }
    }
}

/// [`Representation`] applied to an endpoint.
#[derive(Debug)]
pub struct RepresentationEndpoint<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for RepresentationEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let conditional = matches!(*req.method(), Method::GET | Method::HEAD);
        // Only the validators are kept: copying every header costs more per request.
        let mut if_none_match = poem::http::HeaderMap::new();
        for v in req.headers().get_all(header::IF_NONE_MATCH) {
            if_none_match.append(header::IF_NONE_MATCH, v.clone());
        }
        let coding = negotiate(&req);
        let resp = self.inner.call(req).await?.into_response();
        if conditional
            && !if_none_match.is_empty()
            && resp.status() == StatusCode::OK
            && let Some(etag) = resp.headers().get(header::ETAG)
            && crate::spa::none_match(&if_none_match, etag)
        {
            let mut not_modified = Response::builder().status(StatusCode::NOT_MODIFIED).body(Body::empty());
            for name in [header::ETAG, header::CACHE_CONTROL, header::VARY, header::CONTENT_LOCATION, header::EXPIRES] {
                if let Some(v) = resp.headers().get(&name) {
                    not_modified.headers_mut().insert(name, v.clone());
                }
            }
            return Ok(not_modified);
        }
        Ok(compress_if_it_pays(resp, coding).await)
    }
}

/// A coding this middleware writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
}

/// The coding to compress with, if the client takes one (Brotli first).
fn negotiate(req: &Request) -> Option<Coding> {
    let offered: Vec<(String, bool)> = req
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = parts.any(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
            (name, !refused)
        })
        .collect();
    let takes = |coding: &str| offered.iter().any(|(name, ok)| *ok && name == coding);
    if takes("br") {
        Some(Coding::Brotli)
    } else if takes("gzip") {
        Some(Coding::Gzip)
    } else {
        None
    }
}

fn compressible(content_type: Option<&HeaderValue>) -> bool {
    let Some(ct) = content_type.and_then(|v| v.to_str().ok()) else { return false };
    let ct = ct.to_ascii_lowercase();
    // Event streams never end: they are not bodies to buffer.
    (ct.starts_with("text/") && !ct.starts_with("text/event-stream"))
        || ct.starts_with("application/json")
        || ct.starts_with("application/problem+json")
        || ct.starts_with("application/openmetrics-text")
        || ct.starts_with("application/javascript")
        || ct.starts_with("image/svg+xml")
}

async fn compress_if_it_pays(resp: Response, coding: Option<Coding>) -> Response {
    let Some(coding) = coding else { return resp };
    if resp.headers().contains_key(header::CONTENT_ENCODING) || !compressible(resp.headers().get(header::CONTENT_TYPE)) {
        return resp;
    }
    // Streams of unknown length (downloads, server-sent events) are never text bodies built in memory.
    let (mut parts, body) = resp.into_parts();
    let bytes = match body.into_bytes().await {
        Ok(b) => b,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    add_vary(&mut parts.headers);
    if bytes.len() < MIN_COMPRESS_BYTES {
        return Response::from_parts(parts, Body::from_bytes(bytes));
    }
    // A compressed copy is another representation: its ETag must not claim byte equality.
    if let Some(etag) = parts.headers.get(header::ETAG).and_then(|v| v.to_str().ok())
        && !etag.starts_with("W/")
        && let Ok(weak) = HeaderValue::from_str(&format!("W/{etag}"))
    {
        parts.headers.insert(header::ETAG, weak);
    }
    let Some(compressed) = compress(&bytes, coding) else {
        return Response::from_parts(parts, Body::from_bytes(bytes));
    };
    parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(if coding == Coding::Brotli { "br" } else { "gzip" }));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from_vec(compressed))
}

/// The compressed bytes, when they are smaller.
fn compress(bytes: &[u8], coding: Coding) -> Option<Vec<u8>> {
    let out = match coding {
        Coding::Brotli => {
            let mut w = brotli::CompressorWriter::new(Vec::with_capacity(bytes.len() / 3), 4096, 4, 20);
            w.write_all(bytes).ok()?;
            w.into_inner()
        }
        Coding::Gzip => {
            let mut w = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::fast());
            w.write_all(bytes).ok()?;
            w.finish().ok()?
        }
    };
    (out.len() < bytes.len()).then_some(out)
}

fn add_vary(headers: &mut poem::http::HeaderMap) {
    let already =
        headers.get_all(header::VARY).iter().any(|v| v.to_str().is_ok_and(|s| s.to_ascii_lowercase().contains("accept-encoding")));
    if !already {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
}
