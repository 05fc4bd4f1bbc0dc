//! The scaffolding engine: plan every file in memory, check them all, then write.

pub mod base;
pub mod confine;
pub mod context;
pub mod helm;
pub mod inject;
pub mod journal;
pub mod layout;
pub mod lock;
pub mod markers;
pub mod plan;
pub mod templates;
pub mod vendor;
pub mod writer;

pub use context::TemplateContext;
pub use plan::{IfExists, Plan};
pub use templates::Templates;
