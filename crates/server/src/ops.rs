//! Operations endpoints: liveness, readiness and Prometheus metrics.

use poem::http::StatusCode;
use poem::web::Data;
use poem::{Endpoint, IntoResponse, Response, handler};
use sanad_platform::Db;
use sanad_platform::error::problem;
use sanad_platform::telemetry::Metrics;

/// `/healthz`: the process is alive.
#[handler]
pub fn healthz() -> &'static str {
    "ok"
}

/// `/readyz`: the database answers and every migration is applied.
#[handler]
pub async fn readyz(db: Data<&Db>) -> Response {
    if db.is_ready().await {
        Response::builder().content_type("application/json").body(r#"{"database":"ok"}"#)
    } else {
        problem(StatusCode::SERVICE_UNAVAILABLE, "not-ready", "Not ready", Some("database unreachable or migrations pending".into()), None)
            .into_http()
            .into_response()
    }
}

/// `/metrics` in the Prometheus text format.
pub fn metrics_endpoint(metrics: Metrics) -> impl Endpoint {
    poem::endpoint::make(move |_| {
        let metrics = metrics.clone();
        async move { Response::builder().content_type("application/openmetrics-text; version=1.0.0; charset=utf-8").body(metrics.render()) }
    })
}
