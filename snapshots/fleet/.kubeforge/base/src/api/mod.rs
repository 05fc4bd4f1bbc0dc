//! Custom resource types, one module per API group.
//!
//! `kubeforge create api` adds modules here, and `kubeforge generate` derives the CRDs in
//! `config/crd/bases/` from the types they hold.

pub mod ship;

pub mod sea_ops;

// +kubeforge:scaffold:api-modules
