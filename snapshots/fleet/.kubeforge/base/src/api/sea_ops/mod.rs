//! Types of the `sea-ops.example.org` API group, one module per version.

pub mod v1;

// +kubeforge:scaffold:api-modules
