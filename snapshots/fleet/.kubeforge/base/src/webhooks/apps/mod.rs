//! Webhooks of the `apps` kinds, one module per version.

pub mod v1;
// +kubeforge:scaffold:webhook-modules
