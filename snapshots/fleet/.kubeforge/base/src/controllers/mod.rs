//! Controllers, one module per API group.
//!
//! Each controller has a `run` function, which the manager in `src/main.rs` calls once this
//! replica leads. What the controllers share is in [`crate::reconcile`].

pub mod ship;

pub mod sea_ops;

pub mod apps;

// +kubeforge:scaffold:controller-modules
