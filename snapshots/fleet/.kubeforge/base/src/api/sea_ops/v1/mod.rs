//! Types of `sea-ops.example.org/v1`, one module per kind.

mod admiral;
pub use admiral::*;

// +kubeforge:scaffold:kinds
