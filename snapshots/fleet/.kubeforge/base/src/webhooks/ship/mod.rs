//! Webhooks of the `ship.example.org` kinds, one module per version.

pub mod v1beta1;
// +kubeforge:scaffold:webhook-modules
