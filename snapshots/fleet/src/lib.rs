//! `fleet`: a Kubernetes operator built on kube-rs.
//!
//! - [`api`]: the custom resource types, one module per API group and version.
//! - [`controllers`]: one controller per kind.
//! - [`webhooks`]: the admission and conversion webhooks, one module per API group.
//!
//! What the controllers share ([`reconcile`]: their context, errors, error policy, conditions)
//! and the process that runs them ([`manager`]: leader election, health probes, metrics,
//! shutdown, the webhook server) come from the `kubeforge-runtime` crate, released with
//! kubeforge.
//!
//! The manager binary (`src/main.rs`) runs the controllers; `src/bin/crdgen.rs` prints the CRDs.

pub mod api;
pub mod controllers;
pub mod webhooks;
// +kubeforge:scaffold:lib-modules

pub use kubeforge_runtime::{manager, reconcile};
