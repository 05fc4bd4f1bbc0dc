//! Prometheus metrics, served at `/metrics` in the OpenMetrics text format: for each controller,
//! its reconciles, their errors by reason and their duration; and, on Linux, the CPU time,
//! memory, file descriptors and start time of the process.
//!
//! # Example
//!
//! Each controller counts its reconciles, which
//! [`Context::observe`](crate::reconcile::Context::observe) does for it.
//!
//! ```
//! use std::time::Duration;
//!
//! use kubeforge_runtime::manager::metrics::{self, Metrics};
//!
//! let metrics = Metrics::new();
//! let widgets = metrics.controller("widgets");
//! widgets.reconciled(Duration::from_millis(12), None);
//! widgets.reconciled(Duration::from_millis(40), Some("ApiError"));
//!
//! let text = metrics::route(&metrics, "/metrics").body;
//! assert!(text.contains(r#"controller_reconciles_total{controller="widgets"} 2"#));
//! assert!(text.contains(r#"reconcile_errors_total{controller="widgets",reason="ApiError"} 1"#));
//! ```

use std::time::Duration;

use hyper::StatusCode;
use prometheus_client::{
    encoding::{EncodeLabelSet, text},
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

use super::http::Reply;

/// The content type of the OpenMetrics text format.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Every metric of the manager.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    reconciles: Family<ControllerLabels, Counter>,
    errors: Family<ErrorLabels, Counter>,
    durations: Family<ControllerLabels, Histogram, fn() -> Histogram>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ControllerLabels {
    controller: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ErrorLabels {
    controller: String,
    reason: String,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// The registry with the controllers' metrics (and the process's, on Linux).
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let reconciles = Family::default();
        registry.register(
            "controller_reconciles",
            "Reconciles run, by controller",
            reconciles.clone(),
        );
        let errors = Family::default();
        registry.register(
            "controller_reconcile_errors",
            "Reconciles that failed, by controller and reason",
            errors.clone(),
        );
        let durations: Family<_, _, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(exponential_buckets(0.005, 2.0, 12)));
        registry.register(
            "controller_reconcile_duration_seconds",
            "How long reconciles take, by controller",
            durations.clone(),
        );
        #[cfg(target_os = "linux")]
        registry.register_collector(Box::new(super::process::ProcessCollector));
        Metrics {
            registry,
            reconciles,
            errors,
            durations,
        }
    }

    /// The metrics of one controller.
    pub fn controller(&self, name: &str) -> ControllerMetrics {
        let labels = ControllerLabels {
            controller: name.into(),
        };
        ControllerMetrics {
            reconciles: self.reconciles.get_or_create(&labels).clone(),
            duration: self.durations.get_or_create(&labels).clone(),
            errors: self.errors.clone(),
            name: name.into(),
        }
    }

    /// Every metric, in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        text::encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}

/// The metrics of one controller, updated after each reconcile.
#[derive(Debug, Clone)]
pub struct ControllerMetrics {
    name: String,
    reconciles: Counter,
    duration: Histogram,
    errors: Family<ErrorLabels, Counter>,
}

impl ControllerMetrics {
    /// Counts a reconcile that took `elapsed`, and its error, if any, by `reason`.
    pub fn reconciled(&self, elapsed: Duration, error: Option<&str>) {
        self.reconciles.inc();
        self.duration.observe(elapsed.as_secs_f64());
        if let Some(reason) = error {
            let labels = ErrorLabels {
                controller: self.name.clone(),
                reason: reason.into(),
            };
            self.errors.get_or_create(&labels).inc();
        }
    }
}

/// The answers of the metrics server.
pub fn route(metrics: &Metrics, path: &str) -> Reply {
    match path {
        "/metrics" => Reply {
            status: StatusCode::OK,
            content_type: CONTENT_TYPE,
            body: metrics.encode(),
        },
        _ => Reply::not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_reconciles_and_errors() {
        let metrics = Metrics::new();
        let controller = metrics.controller("widgets");
        controller.reconciled(Duration::from_millis(20), None);
        controller.reconciled(Duration::from_millis(30), Some("Kube"));

        let reply = route(&metrics, "/metrics");
        assert_eq!(reply.status, StatusCode::OK);
        let text = reply.body;
        assert!(text.contains("controller_reconciles_total{controller=\"widgets\"} 2\n"));
        assert!(text.contains(
            "controller_reconcile_errors_total{controller=\"widgets\",reason=\"Kube\"} 1\n"
        ));
        assert!(
            text.contains(
                "controller_reconcile_duration_seconds_count{controller=\"widgets\"} 2\n"
            )
        );
        assert!(text.ends_with("# EOF\n"));
    }
}
