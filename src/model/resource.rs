//! Every name derived from a resource, computed once here so templates only print them.

use heck::ToSnakeCase;
use serde::Serialize;

use super::builtin;
use super::group::ApiGroup;
use super::names::{kube_derive_plural, rust_module};
use super::project::{Project, ResourceEntry};

/// A resource with all its derived names and paths. Serialized as `resource` into templates.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// The group as the command line writes it: `webapp` (of the project), `apps`, `core`.
    pub group: String,
    /// The group the API serves.
    pub full_group: ApiGroup,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub storage: bool,
    /// A kind of Kubernetes itself, which the project reconciles but does not define.
    pub builtin: bool,
    /// A kind whose CRD another project defines and installs (`create api --external`).
    pub external: bool,
    pub module: String,
    pub group_module: String,
    pub version_module: String,
    pub api_path: String,
    pub controller_path: String,
    /// The Rust type of the kind, as named inside the crate.
    pub rust_type: String,
    /// The group as RBAC markers write it (`core` for the core group).
    pub rbac_group: String,
    /// The plural `#[kube(plural)]` states, when kube-derive would compute another.
    pub explicit_plural: Option<String>,
    pub finalizer: String,
    pub sample_name: String,
    /// The kind's sample, `config/samples/<group>_<version>_<module>.yaml`.
    pub sample_file: String,
    pub field_manager: String,
    #[serde(skip)]
    pub paths: ResourcePaths,
}

/// Where a kind's sample lives, as a pattern of [`Resource::expand`].
pub const SAMPLE_FILE: &str = "config/samples/{group}_{version}_{module}.yaml";

/// Where a resource's files live in the project.
#[derive(Debug, Clone, Default)]
pub struct ResourcePaths {
    /// `src/api/<version>` or `src/api/<group>/<version>`.
    pub api_dir: String,
    /// `src/controllers` or `src/controllers/<group>`.
    pub controller_dir: String,
    /// `src/api/<group>/mod.rs` in the multigroup layout.
    pub group_mod: Option<String>,
    pub version_mod: String,
    pub types: String,
    /// `src/controllers/<group>/mod.rs` in the multigroup layout.
    pub controller_group_mod: Option<String>,
    /// The module `src/api/mod.rs` declares for this resource (`v1`, or the group module).
    pub api_root_module: String,
    /// Where the kind's webhooks live: `src/webhooks/v1` or `src/webhooks/<group>/v1`.
    pub webhook_dir: String,
    /// `src/webhooks/<group>/mod.rs` in the multigroup layout.
    pub webhook_group_mod: Option<String>,
    /// `<webhook_dir>/mod.rs`.
    pub webhook_version_mod: String,
}

impl Resource {
    pub fn new(project: &Project, entry: &ResourceEntry) -> Resource {
        let known = entry
            .builtin
            .then(|| builtin::find(&entry.group, &entry.version, &entry.kind))
            .flatten();
        let domain = entry.external.as_deref().unwrap_or(&project.domain);
        let full_group = match known {
            Some(b) => ApiGroup::from_written(b.group),
            None => ApiGroup::of_project(&entry.group, domain),
        };
        let module = rust_module(&entry.kind);
        // The group as written: a built-in kind's PROJECT entry may leave the core group empty.
        let group = match known {
            Some(_) => ApiGroup::from_written(&entry.group).written().to_string(),
            None => entry.group.clone(),
        };
        let group_module = rust_module(&group);
        let version_module = entry.version.clone();
        let crate_name = project.project_name.to_snake_case();
        let (api_rel, ctrl_rel) =
            relative_modules(project.multigroup, &group_module, &version_module, &module);
        let singular = entry.kind.to_ascii_lowercase();
        let api = entry.api.as_ref();
        let mut resource = Resource {
            rbac_group: full_group.written().to_string(),
            rust_type: match known {
                Some(b) => b.rust_type.to_string(),
                None => format!("crate::api::{api_rel}::{}", entry.kind),
            },
            full_group: full_group.clone(),
            version: entry.version.clone(),
            kind: entry.kind.clone(),
            plural: entry.plural.clone(),
            namespaced: known.map_or(api.is_none_or(|a| a.namespaced), |b| b.namespaced),
            storage: api.is_none_or(|a| a.storage),
            builtin: known.is_some(),
            external: entry.external.is_some(),
            api_path: format!("{crate_name}::api::{api_rel}"),
            controller_path: format!("{crate_name}::controllers::{ctrl_rel}"),
            explicit_plural: explicit_plural(entry),
            finalizer: finalizer(project, entry, &full_group),
            sample_name: format!("{singular}-sample"),
            sample_file: String::new(),
            field_manager: format!("{}-controller", project.project_name),
            paths: resource_paths(project.multigroup, &group_module, &version_module, &module),
            group,
            singular,
            module,
            group_module,
            version_module,
        };
        resource.sample_file = resource.expand(SAMPLE_FILE);
        resource
    }

    /// The output path of a per-resource template: `{api_dir}`, `{controller_dir}`,
    /// `{webhook_dir}`, `{group_module}`, `{module}`, `{plural}`, `{group}` and `{version}` replaced.
    pub fn expand(&self, pattern: &str) -> String {
        pattern
            .replace("{api_dir}", &self.paths.api_dir)
            .replace("{controller_dir}", &self.paths.controller_dir)
            .replace("{webhook_dir}", &self.paths.webhook_dir)
            .replace("{group_module}", &self.group_module)
            .replace("{module}", &self.module)
            .replace("{plural}", &self.plural)
            .replace("{group}", &self.group)
            .replace("{version}", &self.version)
    }
}

/// The finalizer of the kind's controller: named after the kind's group, or, for an external
/// kind, whose group is another project's, after this project's domain.
fn finalizer(project: &Project, entry: &ResourceEntry, full_group: &ApiGroup) -> String {
    match entry.external {
        Some(_) => format!("{}.{}/finalizer", project.project_name, project.domain),
        None => format!("{}/finalizer", full_group.api()),
    }
}

/// The kind's API module and controller module below `api::` and `controllers::`:
/// `(v1, guestbook)`, or `(<group>::v1, <group>::guestbook)` in the multigroup layout.
fn relative_modules(
    multigroup: bool,
    group_module: &str,
    version_module: &str,
    module: &str,
) -> (String, String) {
    if multigroup {
        (
            format!("{group_module}::{version_module}"),
            format!("{group_module}::{module}"),
        )
    } else {
        (version_module.to_string(), module.to_string())
    }
}

/// The plural that `#[kube(plural)]` has to state: none when kube-derive computes the same.
fn explicit_plural(entry: &ResourceEntry) -> Option<String> {
    (kube_derive_plural(&entry.kind) != entry.plural).then(|| entry.plural.clone())
}

/// Where the kind's API, controller and webhook files live, in the single-group or the
/// multigroup layout.
fn resource_paths(
    multigroup: bool,
    group_module: &str,
    version_module: &str,
    module: &str,
) -> ResourcePaths {
    let (api_dir, controller_dir, webhook_dir) = if multigroup {
        (
            format!("src/api/{group_module}/{version_module}"),
            format!("src/controllers/{group_module}"),
            format!("src/webhooks/{group_module}/{version_module}"),
        )
    } else {
        (
            format!("src/api/{version_module}"),
            "src/controllers".to_string(),
            format!("src/webhooks/{version_module}"),
        )
    };
    ResourcePaths {
        group_mod: multigroup.then(|| format!("src/api/{group_module}/mod.rs")),
        version_mod: format!("{api_dir}/mod.rs"),
        types: format!("{api_dir}/{module}.rs"),
        controller_group_mod: multigroup.then(|| format!("{controller_dir}/mod.rs")),
        api_root_module: if multigroup {
            group_module.to_string()
        } else {
            version_module.to_string()
        },
        webhook_group_mod: multigroup.then(|| format!("src/webhooks/{group_module}/mod.rs")),
        webhook_version_mod: format!("{webhook_dir}/mod.rs"),
        webhook_dir,
        api_dir,
        controller_dir,
    }
}
