//! Webhooks of the kinds of version `v1`, one module per kind, and one for each kind's
//! conversions.

pub mod deployment;
// +kubeforge:scaffold:webhook-kinds
