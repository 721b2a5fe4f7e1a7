//! Operations endpoints: liveness, readiness and Prometheus metrics.

use ipnet::IpNet;
use poem::Request;
use poem::http::header;
use poem::web::Data;
use poem::{Endpoint, IntoResponse, Response, handler};
use sanad_platform::Db;
use sanad_platform::client::{ClientAddress, in_networks};
use sanad_platform::error::ProblemType;
use sanad_platform::secret::constant_time_eq;
use sanad_platform::telemetry::Metrics;
use sanad_platform::{Error, ReasonCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// `/healthz`: the process is alive.
#[handler]
pub fn healthz() -> &'static str {
    "ok"
}

/// `/readyz`: the database answers and every migration is applied.
#[handler]
pub async fn readyz(db: Data<&Db>, readiness: Data<&Readiness>) -> Response {
    if readiness.is_draining() {
        return ProblemType::NotReady.problem(Some("shutting down: finishing requests in flight".into())).into_http().into_response();
    }
    if db.is_ready().await {
        Response::builder().content_type("application/json").body(r#"{"database":"ok"}"#)
    } else {
        ProblemType::NotReady.problem(Some("database unreachable or migrations pending".into())).into_http().into_response()
    }
}

/// Whether this instance still takes new work. It stops when told to
/// (SIGTERM): `/readyz` then answers 503 so that a load balancer sends the
/// next requests elsewhere, while the requests already here finish.
#[derive(Clone, Debug, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    /// From now on, `/readyz` says this instance is leaving.
    pub fn drain(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`drain`](Self::drain) was called.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Who may read `/metrics`: clients from `allow` (loopback by default), or
/// anyone presenting `token` as a bearer token. Counts of requests and mail
/// say how busy a programme is; they are not for everyone.
#[derive(Clone, Debug)]
pub struct MetricsAccess {
    /// Networks allowed without a token.
    pub allow: Vec<IpNet>,
    /// Bearer token that opens the endpoint from anywhere.
    pub token: Option<String>,
}

impl MetricsAccess {
    fn admits(&self, req: &Request) -> bool {
        if req.extensions().get::<ClientAddress>().is_some_and(|c| in_networks(&self.allow, c.0)) {
            return true;
        }
        let presented = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        matches!((&self.token, presented), (Some(expected), Some(given)) if constant_time_eq(expected.as_bytes(), given.trim().as_bytes()))
    }
}

/// `/metrics` in the Prometheus text format, for the clients `access` admits.
pub fn metrics_endpoint(metrics: Metrics, access: MetricsAccess) -> impl Endpoint {
    poem::endpoint::make(move |req: Request| {
        let metrics = metrics.clone();
        let admitted = access.admits(&req);
        async move {
            if !admitted {
                return Error::Forbidden(ReasonCode::MetricsRefused.into()).into_response();
            }
            Response::builder().content_type("application/openmetrics-text; version=1.0.0; charset=utf-8").body(metrics.render())
        }
    })
}
