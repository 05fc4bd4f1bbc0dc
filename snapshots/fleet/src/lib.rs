//! `fleet`: a Kubernetes operator built on kube-rs.
//!
//! - [`api`]: the custom resource types, one module per API group and version.
//! - [`controllers`]: one controller per kind.
//! - [`reconcile`]: what the controllers share: their context, errors, error policy, conditions.
//! - [`manager`]: the process that runs them: leader election, health probes, metrics, shutdown,
//!   and the webhook server.
//! - [`webhooks`]: the admission and conversion webhooks, one module per API group.
//!
//! The manager binary (`src/main.rs`) runs the controllers; `src/bin/crdgen.rs` prints the CRDs.

pub mod api;
pub mod controllers;
pub mod manager;
pub mod reconcile;
pub mod webhooks;
