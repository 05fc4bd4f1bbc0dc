//! Types of the `ship.example.org` API group, one module per version.

pub mod v1beta1;

// +kubeforge:scaffold:api-modules
