//! Controllers of the `sea-ops.example.org` API group, one module per kind.

pub mod admiral;

// +kubeforge:scaffold:controller-modules
