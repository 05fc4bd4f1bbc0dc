//! The validated domain: names, the PROJECT file and resources with their derived names.

pub mod builtin;
pub mod checks;
pub mod group;
pub mod names;
pub mod project;
pub mod resource;

pub use group::ApiGroup;
pub use project::{ApiOptions, License, Project, ResourceEntry, WebhookOptions};
pub use resource::Resource;
