//! Types of `ship.example.org/v1beta1`, one module per kind.

mod frigate;
pub use frigate::*;

// +kubeforge:scaffold:kinds
