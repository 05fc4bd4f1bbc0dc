//! The runtime of operators scaffolded by kubeforge, on kube-rs.
//!
//! A generated project keeps its own types, controllers and webhooks; what they share lives here
//! and is upgraded with kubeforge:
//!
//! - [`manager`]: the process that runs the controllers: options, graceful shutdown, leader
//!   election, health probes, metrics (plain or behind TokenReview and SubjectAccessReview), the
//!   HTTPS servers with certificate reload, and the admission and conversion webhook server.
//! - [`reconcile`]: what every controller uses: its [`reconcile::Context`], the
//!   [`reconcile::Error`] type and error policy with per-object backoff, status conditions and
//!   events.
//!
//! - [`apiserver`] (feature `apiserver`): an extension API server behind an APIService, with
//!   delegated authentication and authorization, discovery, OpenAPI, REST and watch.
//!
//! With the `testing` feature, `reconcile::testing` holds a fake API server for reconcile tests,
//! `manager::webhook::testing` sends admission and conversion reviews to a webhook, and
//! `envtest` runs a real control plane (etcd and kube-apiserver) for the tests of a project.
//!
//! # Example
//!
//! The `main` of a manager binary: one controller, the metrics and the probes on their usual
//! ports, no leader election and no webhooks.
//!
//! ```no_run
//! use kubeforge_runtime::manager::{LogFormat, Manager, Options, logging};
//!
//! # mod widgets {
//! #     pub async fn run(_: kubeforge_runtime::manager::Manager) -> anyhow::Result<()> { Ok(()) }
//! # }
//! #[tokio::main]
//! async fn main() -> anyhow::Result<()> {
//!     logging::init(LogFormat::Text);
//!     let mgr = Manager::new(kube::Client::try_default().await?, None);
//!     let options = Options {
//!         metrics_address: ":8080".parse().map_err(anyhow::Error::msg)?,
//!         metrics_tls: None,
//!         health_address: ":8081".parse().map_err(anyhow::Error::msg)?,
//!         leader_election: None,
//!         webhooks: None,
//!     };
//!     // `widgets::run(mgr: Manager)` watches its objects; see `reconcile` for its body.
//!     let controllers = vec![mgr.controller(widgets::run)];
//!     mgr.run(options, controllers).await
//! }
//! ```
#![deny(missing_docs)]

#[cfg(feature = "apiserver")]
pub mod apiserver;
#[cfg(feature = "testing")]
pub mod envtest;
pub mod manager;
pub mod reconcile;
