//! Every name derived from a resource, computed once here so templates only print them.

use heck::ToSnakeCase;
use serde::Serialize;

use super::names::{kube_derive_plural, rust_module};
use super::project::{Project, ResourceEntry};

/// A resource with all its derived names and paths. Serialized as `resource` into templates.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub group: String,
    pub full_group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub storage: bool,
    pub module: String,
    pub group_module: String,
    pub version_module: String,
    pub api_path: String,
    pub crate_api_path: String,
    pub controller_path: String,
    pub explicit_plural: String,
    pub finalizer: String,
    pub sample_name: String,
    pub field_manager: String,
    #[serde(skip)]
    pub paths: ResourcePaths,
}

/// Where a resource's files live in the project.
#[derive(Debug, Clone, Default)]
pub struct ResourcePaths {
    /// `src/api/<group>/mod.rs` in the multigroup layout.
    pub group_mod: Option<String>,
    pub version_mod: String,
    pub types: String,
    /// `src/controllers/<group>/mod.rs` in the multigroup layout.
    pub controller_group_mod: Option<String>,
    pub controller: String,
    pub sample: String,
    pub sample_file: String,
    /// The module `src/api/mod.rs` declares for this resource (`v1`, or the group module).
    pub api_root_module: String,
}

impl Resource {
    pub fn new(project: &Project, entry: &ResourceEntry) -> Resource {
        let full_group = format!("{}.{}", entry.group, project.domain);
        let module = rust_module(&entry.kind);
        let group_module = rust_module(&entry.group);
        let version_module = entry.version.clone();
        let crate_name = project.project_name.to_snake_case();
        let (api_rel, ctrl_rel) = if project.multigroup {
            (
                format!("{group_module}::{version_module}"),
                format!("{group_module}::{module}"),
            )
        } else {
            (version_module.clone(), module.clone())
        };
        let api_dir = if project.multigroup {
            format!("src/api/{group_module}/{version_module}")
        } else {
            format!("src/api/{version_module}")
        };
        let ctrl_dir = if project.multigroup {
            format!("src/controllers/{group_module}")
        } else {
            "src/controllers".to_string()
        };
        let sample_file = format!("{}_{}_{}.yaml", entry.group, entry.version, module);
        let singular = entry.kind.to_ascii_lowercase();
        let explicit_plural = if kube_derive_plural(&entry.kind) == entry.plural {
            String::new()
        } else {
            entry.plural.clone()
        };
        let api = entry.api.as_ref();
        Resource {
            full_group: full_group.clone(),
            version: entry.version.clone(),
            kind: entry.kind.clone(),
            plural: entry.plural.clone(),
            namespaced: api.is_none_or(|a| a.namespaced),
            storage: api.is_none_or(|a| a.storage),
            api_path: format!("{crate_name}::api::{api_rel}"),
            crate_api_path: format!("crate::api::{api_rel}"),
            controller_path: format!("{crate_name}::controllers::{ctrl_rel}"),
            explicit_plural,
            finalizer: format!("{}.{full_group}/finalizer", entry.plural),
            sample_name: format!("{singular}-sample"),
            field_manager: format!("{}-controller", project.project_name),
            paths: ResourcePaths {
                group_mod: project
                    .multigroup
                    .then(|| format!("src/api/{group_module}/mod.rs")),
                version_mod: format!("{api_dir}/mod.rs"),
                types: format!("{api_dir}/{module}.rs"),
                controller_group_mod: project.multigroup.then(|| format!("{ctrl_dir}/mod.rs")),
                controller: format!("{ctrl_dir}/{module}.rs"),
                sample: format!("config/samples/{sample_file}"),
                sample_file,
                api_root_module: if project.multigroup {
                    group_module.clone()
                } else {
                    version_module.clone()
                },
            },
            group: entry.group.clone(),
            singular,
            module,
            group_module,
            version_module,
        }
    }
}
