//! Controllers of the `ship.example.org` API group, one module per kind.

pub mod frigate;

// +kubeforge:scaffold:controller-modules
