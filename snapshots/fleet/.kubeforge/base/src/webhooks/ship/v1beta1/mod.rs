//! Webhooks of the kinds of version `v1beta1`, one module per kind, and one for each kind's
//! conversions.

pub mod frigate;
// +kubeforge:scaffold:webhook-kinds
