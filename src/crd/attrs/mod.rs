//! Attribute readers, one file per attribute family: `#[kube]`, `#[serde]`, `#[schemars]` (with its
//! validation keywords and `extend`), validator's and garde's field attributes, `#[x_kube]`,
//! `#[derive]` and doc comments. Each reader keeps the span of what it read, for error positions.

pub(crate) mod derive;
pub(crate) mod docs;
pub(crate) mod extend;
pub(crate) mod foreign;
pub(crate) mod kube;
pub(crate) mod meta;
pub(crate) mod schemars;
pub(crate) mod serde;
pub(crate) mod validation;
pub(crate) mod x_kube;
