//! The metrics of the API server at `/metrics`: requests by verb, resource and code, and their
//! duration (and the process's, on Linux).

use std::time::Duration;

use prometheus_client::{
    encoding::{EncodeLabelSet, text},
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

/// The content type of the OpenMetrics text format.
pub(crate) const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    verb: String,
    resource: String,
    code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct VerbLabels {
    verb: String,
    resource: String,
}

/// The request metrics.
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<VerbLabels, Histogram, fn() -> Histogram>,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::default();
        registry.register(
            "apiserver_request",
            "Requests answered, by verb, resource and HTTP code",
            requests.clone(),
        );
        let durations: Family<_, _, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.001, 2.0, 14)));
        registry.register(
            "apiserver_request_duration_seconds",
            "How long requests take until their answer starts, by verb and resource",
            durations.clone(),
        );
        #[cfg(target_os = "linux")]
        registry.register_collector(Box::new(crate::manager::process::ProcessCollector));
        Metrics {
            registry,
            requests,
            durations,
        }
    }

    /// Counts a request.
    pub fn observe(&self, verb: &str, resource: &str, code: u16, elapsed: Duration) {
        let labels = RequestLabels {
            verb: verb.into(),
            resource: resource.into(),
            code: code.to_string(),
        };
        self.requests.get_or_create(&labels).inc();
        let labels = VerbLabels {
            verb: verb.into(),
            resource: resource.into(),
        };
        self.durations
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
    }

    /// Every metric, in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(error) = text::encode(&mut out, &self.registry) {
            tracing::warn!(%error, "cannot encode the metrics");
        }
        out
    }
}
