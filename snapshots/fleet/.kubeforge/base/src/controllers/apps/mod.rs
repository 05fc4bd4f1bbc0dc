//! Controllers of the `apps` API group, one module per kind.

pub mod deployment;

// +kubeforge:scaffold:controller-modules
