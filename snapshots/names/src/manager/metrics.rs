// Copyright The names-operator Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

//! Prometheus metrics, served at `/metrics` in the OpenMetrics text format: for each controller,
//! its reconciles, their errors by reason and their duration; and, on Linux, the CPU time,
//! memory, file descriptors and start time of the process.

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
