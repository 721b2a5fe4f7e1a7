//! Request ids and Prometheus metrics.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::future::Future;
use std::sync::{Arc, Mutex};

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served by this task, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

/// Runs `fut` with `id` as the current request id.
pub async fn with_request_id<F: Future>(id: String, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

/// Labels of the HTTP request counter. Paths are left out on purpose: ids in
/// paths would make the number of series unbounded.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// HTTP method.
    pub method: String,
    /// Status code.
    pub status: u16,
}

/// The metrics an instance exports at `/metrics`. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Mutex<Registry>>,
    requests: Family<RequestLabels, Counter>,
    latency: Histogram,
    /// Mails sent, by outcome; incremented by the mail worker.
    pub mails_sent: Counter,
    /// Mail sending attempts that failed and will be retried.
    pub mails_failed: Counter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh registry with Sanad's metrics in it.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("sanad");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]);
        let mails_sent = Counter::default();
        let mails_failed = Counter::default();
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register("http_request_duration_seconds", "Time to answer an HTTP request", latency.clone());
        registry.register("mails_sent", "Emails handed to the transport", mails_sent.clone());
        registry.register("mail_failures", "Email attempts that failed and will be retried", mails_failed.clone());
        Self { registry: Arc::new(Mutex::new(registry)), requests, latency, mails_sent, mails_failed }
    }

    /// Records one answered request.
    pub fn observe_request(&self, method: &str, status: u16, seconds: f64) {
        self.requests.get_or_create(&RequestLabels { method: method.to_string(), status }).inc();
        self.latency.observe(seconds);
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|p| p.into_inner());
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &registry);
        out
    }
}
