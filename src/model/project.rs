//! The PROJECT file: the project's options and every resource, enough to replay the project.
//!
//! PROJECT follows kubebuilder's PROJECT v3 schema (`version: "3"`, a `layout` list of plugin
//! keys, `resources` with `api`, `controller`, `core` and `webhooks`), keys in alphabetical order
//! as kubebuilder's YAML marshaller writes them. kubeforge's own options live where kubebuilder
//! keeps a plugin's configuration: under `plugins`, keyed by the layout `kubeforge.io/v1`.
//! A kind's storage version, which kubebuilder keeps in a Go marker, is `api.storage`.
//!
//! The file written by earlier kubeforge versions (no `version`, `layout` a string, the options
//! at the top level, `builtin` and `spokes`) is still read; see [`Format::Legacy`].

use heck::ToSnakeCase;
use serde::{Deserialize, Serialize};

use super::builtin;
use super::names::rust_module;
use crate::error::Result;
use crate::yaml::Step;

pub const PROJECT_FILE: &str = "PROJECT";
pub const LAYOUT: &str = "kubeforge.io/v1";
/// The version of kubebuilder's PROJECT schema that PROJECT follows.
pub const VERSION: &str = "3";
/// The version of the CRDs and webhook configurations kubeforge writes.
pub const K8S_API_VERSION: &str = "v1";
/// The version of kubeforge recorded in PROJECT files.
pub const CLI_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The second line of PROJECT, after [`crate::yaml::GENERATED_HEADER`].
pub const REFERENCE: &str =
    "# Layout: https://book.kubebuilder.io/reference/project-config.html (PROJECT v3)\n";
/// The note of a command that rewrites a PROJECT of an earlier kubeforge.
pub const MIGRATE_NOTE: &str = "migrate   PROJECT to the kubebuilder v3 layout (version \"3\")";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ProjectFile", into = "ProjectFile")]
pub struct Project {
    pub layout: String,
    pub cli_version: String,
    pub project_name: String,
    pub domain: String,
    pub owner: String,
    pub license: License,
    pub k8s_version: String,
    pub multigroup: bool,
    pub namespaced: bool,
    /// Where the project gets `kubeforge-runtime` (absent: vendored).
    pub runtime: Runtime,
    /// The Helm chart under `dist/chart/` is kept with the project (`edit --plugins helm`).
    pub helm: bool,
    pub resources: Vec<ResourceEntry>,
    /// The kinds served by the project's extension API server (`create apiserver`).
    pub apiservers: Vec<AggregatedKind>,
}

/// A kind served by the project's extension API server behind an APIService, not by a CRD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AggregatedKind {
    pub group: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub namespaced: bool,
    pub plural: String,
    pub version: String,
}

/// Where a project gets the `kubeforge-runtime` crate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// A copy under `vendor/kubeforge-runtime/`, kept current by every command.
    #[default]
    Vendored,
    /// The published crate.
    Registry,
}

impl Runtime {
    fn is_vendored(&self) -> bool {
        *self == Runtime::Vendored
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum License {
    Apache2,
    None,
}

/// One resource of the project: a kind the project defines (`api`), reconciles (`controller`),
/// or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceEntry {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiOptions>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub controller: bool,
    /// A kind of Kubernetes itself (group `core`, `apps`, ...) the project reconciles; `core` in
    /// PROJECT.
    #[serde(default, rename = "core", skip_serializing_if = "std::ops::Not::not")]
    pub builtin: bool,
    /// The admission and conversion webhooks of this version of the kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<WebhookOptions>,
    /// The options of the `deploy-image` plugin, when the kind's controller was made by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_image: Option<DeployImageOptions>,
    /// The domain of a kind whose CRD another project installs (`create api --external`): its
    /// group is `<group>.<domain>`, PROJECT's `external: true` and `domain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<String>,
}

/// What `create api --plugins deploy-image` was given for a kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeployImageOptions {
    /// The container's command, one word per item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_command: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_port: Option<i32>,
    pub image: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
}

/// What `kubeforge create webhook` added for one version of a kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookOptions {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub defaulting: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub validation: bool,
    /// This version is the hub of conversions to and from `spokes`; `spoke` in PROJECT.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conversion: bool,
    #[serde(default, rename = "spoke", skip_serializing_if = "Vec::is_empty")]
    pub spokes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiOptions {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub namespaced: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub storage: bool,
}

/// How a PROJECT text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// kubebuilder's PROJECT v3 schema, as this kubeforge writes it.
    Kubebuilder,
    /// The file of earlier kubeforge versions: no `version`, `layout: kubeforge.io/v1` as a
    /// string, the options at the top level, `builtin` and `spokes`. Read, and written anew by
    /// the command that read it.
    Legacy,
}

/// A value PROJECT writes that kubeforge derives from other values, and what it derives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub path: Vec<Step<'static>>,
    pub written: String,
    /// `None`: kubeforge writes no such key there.
    pub expected: Option<String>,
    /// Why kubeforge writes `expected`.
    pub why: &'static str,
    /// Whether the key may be left out (kubeforge then derives it).
    pub optional: bool,
}

/// A PROJECT text read: the project, how the text is written, and the derived values it writes
/// that disagree with what kubeforge derives.
#[derive(Debug)]
pub struct Read {
    pub project: Project,
    pub format: Format,
    pub disagreements: Vec<Derived>,
}

/// Reads a PROJECT text of either [`Format`]; the values are not checked yet (see
/// `checks::check`).
pub fn read(text: &str) -> Result<Read> {
    let file = std::path::Path::new(PROJECT_FILE);
    let probe: Probe = crate::yaml::from_str(file, text)?;
    if probe.version.is_none() {
        let legacy: LegacyProject = crate::yaml::from_str(file, text)?;
        return Ok(Read {
            project: legacy.into(),
            format: Format::Legacy,
            disagreements: Vec::new(),
        });
    }
    let written: ProjectFile = crate::yaml::from_str(file, text)?;
    let project = Project::from(written.clone());
    let expected = ProjectFile::from(project.clone());
    Ok(Read {
        disagreements: disagreements(&written, &expected),
        project,
        format: Format::Kubebuilder,
    })
}

/// The top-level key that tells the formats apart: only kubebuilder's has `version`.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    version: Option<serde::de::IgnoredAny>,
}

/// The derived values of `written` that differ from those of `expected`, in the order of the
/// file.
fn disagreements(written: &ProjectFile, expected: &ProjectFile) -> Vec<Derived> {
    use Step::{Index, Key};
    let mut out = Vec::new();
    let mut differ = |path: Vec<Step<'static>>, w: Option<&str>, e: Option<&str>, why| {
        if let Some(w) = w
            && Some(w) != e
        {
            let optional = !matches!(path[..], [Key("layout" | "version")]);
            out.push(Derived {
                path,
                written: w.to_string(),
                expected: e.map(str::to_string),
                why,
                optional,
            });
        }
    };
    const V1: &str = "kubeforge writes v1 manifests";
    const DERIVED: &str = "kubeforge derives it from projectName, multigroup, group and version";
    if written.layout.len() != 1 {
        let list = format!("[{}]", written.layout.join(", "));
        let layout = format!("[{LAYOUT}]");
        let why = "a kubeforge project has one plugin, kubeforge's";
        differ(vec![Key("layout")], Some(&list), Some(&layout), why);
    }
    let (repo, expected_repo) = (written.repo.as_deref(), expected.repo.as_deref());
    let why = "kubeforge derives it, the crate's name, from projectName";
    differ(vec![Key("repo")], repo, expected_repo, why);
    let pairs = written.resources.iter().zip(&expected.resources);
    for (i, (w, e)) in pairs.enumerate() {
        let at = |key| vec![Key("resources"), Index(i), Key(key)];
        let in_ = |key, inner| vec![Key("resources"), Index(i), Key(key), Key(inner)];
        let crd = |r: &ResourceFile| r.api.as_ref().and_then(|a| a.crd_version.clone());
        let (w_crd, e_crd) = (crd(w), crd(e));
        differ(
            in_("api", "crdVersion"),
            w_crd.as_deref(),
            e_crd.as_deref(),
            V1,
        );
        let (w_domain, e_domain) = (w.domain.as_deref(), e.domain.as_deref());
        let why = "kubeforge writes the project's domain for its own kinds";
        differ(at("domain"), w_domain, e_domain, why);
        let (w_path, e_path) = (w.path.as_deref(), e.path.as_deref());
        differ(at("path"), w_path, e_path, DERIVED);
        let hook = |r: &ResourceFile| r.webhooks.as_ref().and_then(|h| h.webhook_version.clone());
        let (w_hook, e_hook) = (hook(w), hook(e));
        let path = in_("webhooks", "webhookVersion");
        differ(path, w_hook.as_deref(), e_hook.as_deref(), V1);
    }
    let why = "kubeforge writes kubebuilder's PROJECT v3";
    differ(
        vec![Key("version")],
        Some(&written.version),
        Some(VERSION),
        why,
    );
    out
}

/// PROJECT in kubebuilder's v3 schema; fields in alphabetical order, as kubebuilder writes them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ProjectFile {
    cli_version: String,
    domain: String,
    layout: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    multigroup: bool,
    plugins: Plugins,
    project_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    repo: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    resources: Vec<ResourceFile>,
    version: String,
}

/// The configuration of each plugin of the layout, by plugin key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Plugins {
    /// The kinds of the extension API server (`create apiserver`).
    #[serde(
        rename = "apiserver.kubeforge.io/v1-alpha",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    apiserver: Option<ApiserverPlugin>,
    /// The kinds made by `create api --plugins deploy-image`, as kubebuilder's deploy-image
    /// plugin records its own.
    #[serde(
        rename = "deploy-image.kubeforge.io/v1-alpha",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    deploy_image: Option<DeployImagePlugin>,
    /// The Helm chart plugin, enabled by `edit --plugins helm`, as kubebuilder records its
    /// helm plugin; it has no options.
    #[serde(
        rename = "helm.kubeforge.io/v2-alpha",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    helm: Option<HelmPlugin>,
    #[serde(rename = "kubeforge.io/v1")]
    kubeforge: Options,
}

/// The configuration of the API server plugin: its kinds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiserverPlugin {
    resources: Vec<AggregatedKind>,
}

/// The configuration of the Helm chart plugin: none, written `{}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HelmPlugin {}

/// The configuration of the deploy-image plugin: its kinds and their options.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeployImagePlugin {
    resources: Vec<DeployImageResource>,
}

/// One kind of the deploy-image plugin.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeployImageResource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    domain: Option<String>,
    group: String,
    kind: String,
    options: DeployImageOptions,
    version: String,
}

impl DeployImagePlugin {
    /// The plugin's section for the kinds of `p` it made; `None` when there are none.
    fn of(p: &Project) -> Option<DeployImagePlugin> {
        let resources: Vec<DeployImageResource> = p
            .resources
            .iter()
            .filter_map(|r| {
                Some(DeployImageResource {
                    domain: Some(p.domain.clone()),
                    group: r.group.clone(),
                    kind: r.kind.clone(),
                    options: r.deploy_image.clone()?,
                    version: r.version.clone(),
                })
            })
            .collect();
        (!resources.is_empty()).then_some(DeployImagePlugin { resources })
    }

    /// Gives each resource of `resources` the options recorded for it.
    fn attach(self, resources: &mut [ResourceEntry]) {
        for d in self.resources {
            let same = |r: &&mut ResourceEntry| {
                r.group == d.group && r.version == d.version && r.kind == d.kind
            };
            if let Some(r) = resources.iter_mut().find(same) {
                r.deploy_image = Some(d.options);
            }
        }
    }
}

/// kubeforge's project-wide options.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Options {
    k8s_version: String,
    license: License,
    namespaced: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    owner: String,
    #[serde(default, skip_serializing_if = "Runtime::is_vendored")]
    runtime: Runtime,
}

/// One entry of `resources`: the derived `domain`, `path`, `crdVersion` and `webhookVersion`
/// are written for kubebuilder's readers; on reading, they must agree with what kubeforge
/// derives.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResourceFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api: Option<ApiFile>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    controller: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    core: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    domain: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    external: bool,
    group: String,
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    plural: String,
    version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    webhooks: Option<WebhooksFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ApiFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crd_version: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    namespaced: bool,
    /// Whether this version is the one the API server stores; kubeforge's own key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    storage: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WebhooksFile {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    conversion: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    defaulting: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    spoke: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    validation: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    webhook_version: Option<String>,
}

impl From<Project> for ProjectFile {
    fn from(p: Project) -> ProjectFile {
        let resources = p.resources.iter().map(|r| resource_file(&p, r)).collect();
        let deploy_image = DeployImagePlugin::of(&p);
        ProjectFile {
            repo: Some(p.crate_name()),
            cli_version: p.cli_version,
            domain: p.domain,
            layout: vec![p.layout],
            multigroup: p.multigroup,
            plugins: Plugins {
                apiserver: (!p.apiservers.is_empty()).then(|| ApiserverPlugin {
                    resources: p.apiservers.clone(),
                }),
                deploy_image,
                helm: p.helm.then_some(HelmPlugin {}),
                kubeforge: Options {
                    k8s_version: p.k8s_version,
                    license: p.license,
                    namespaced: p.namespaced,
                    owner: p.owner,
                    runtime: p.runtime,
                },
            },
            project_name: p.project_name,
            resources,
            version: VERSION.into(),
        }
    }
}

/// The entry of `r` in PROJECT, with the values kubeforge derives.
fn resource_file(p: &Project, r: &ResourceEntry) -> ResourceFile {
    ResourceFile {
        api: r.api.as_ref().map(|a| ApiFile {
            // An external kind's CRD is not the project's.
            crd_version: r.external.is_none().then(|| K8S_API_VERSION.into()),
            namespaced: a.namespaced,
            storage: a.storage,
        }),
        controller: r.controller,
        core: r.builtin,
        domain: match &r.external {
            Some(domain) => Some(domain.clone()),
            None => (!r.builtin).then(|| p.domain.clone()),
        },
        external: r.external.is_some(),
        group: r.group.clone(),
        kind: r.kind.clone(),
        path: Some(p.types_path(r)),
        plural: r.plural.clone(),
        version: r.version.clone(),
        webhooks: r.webhooks.as_ref().map(|w| WebhooksFile {
            conversion: w.conversion,
            defaulting: w.defaulting,
            spoke: w.spokes.clone(),
            validation: w.validation,
            webhook_version: Some(K8S_API_VERSION.into()),
        }),
    }
}

impl From<ProjectFile> for Project {
    fn from(f: ProjectFile) -> Project {
        let options = f.plugins.kubeforge;
        let mut resources: Vec<ResourceEntry> =
            f.resources.into_iter().map(ResourceEntry::from).collect();
        if let Some(plugin) = f.plugins.deploy_image {
            plugin.attach(&mut resources);
        }
        Project {
            // A list of other than one key is refused by the checks (see `disagreements`).
            layout: f.layout.into_iter().next().unwrap_or_default(),
            cli_version: f.cli_version,
            project_name: f.project_name,
            domain: f.domain,
            owner: options.owner,
            license: options.license,
            k8s_version: options.k8s_version,
            multigroup: f.multigroup,
            namespaced: options.namespaced,
            runtime: options.runtime,
            helm: f.plugins.helm.is_some(),
            resources,
            apiservers: f.plugins.apiserver.map(|a| a.resources).unwrap_or_default(),
        }
    }
}

impl From<ResourceFile> for ResourceEntry {
    fn from(r: ResourceFile) -> ResourceEntry {
        ResourceEntry {
            group: r.group,
            version: r.version,
            kind: r.kind,
            plural: r.plural,
            api: r.api.map(|a| ApiOptions {
                namespaced: a.namespaced,
                storage: a.storage,
            }),
            controller: r.controller,
            builtin: r.core,
            webhooks: r.webhooks.map(|w| WebhookOptions {
                defaulting: w.defaulting,
                validation: w.validation,
                conversion: w.conversion,
                spokes: w.spoke,
            }),
            deploy_image: None,
            // The domain of an external kind is its own; `checks` refuses one left out.
            external: r.external.then(|| r.domain.unwrap_or_default()),
        }
    }
}

/// PROJECT as earlier kubeforge versions wrote it ([`Format::Legacy`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LegacyProject {
    layout: String,
    cli_version: String,
    project_name: String,
    domain: String,
    #[serde(default)]
    owner: String,
    license: License,
    k8s_version: String,
    multigroup: bool,
    namespaced: bool,
    #[serde(default)]
    runtime: Runtime,
    #[serde(default)]
    resources: Vec<LegacyResource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LegacyResource {
    group: String,
    version: String,
    kind: String,
    plural: String,
    #[serde(default)]
    api: Option<LegacyApi>,
    controller: bool,
    #[serde(default)]
    builtin: bool,
    #[serde(default)]
    webhooks: Option<LegacyWebhooks>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyApi {
    namespaced: bool,
    storage: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LegacyWebhooks {
    #[serde(default)]
    defaulting: bool,
    #[serde(default)]
    validation: bool,
    #[serde(default)]
    conversion: bool,
    #[serde(default)]
    spokes: Vec<String>,
}

impl From<LegacyProject> for Project {
    fn from(l: LegacyProject) -> Project {
        Project {
            layout: l.layout,
            cli_version: l.cli_version,
            project_name: l.project_name,
            domain: l.domain,
            owner: l.owner,
            license: l.license,
            k8s_version: l.k8s_version,
            multigroup: l.multigroup,
            namespaced: l.namespaced,
            runtime: l.runtime,
            helm: false,
            resources: l.resources.into_iter().map(ResourceEntry::from).collect(),
            apiservers: Vec::new(),
        }
    }
}

impl From<LegacyResource> for ResourceEntry {
    fn from(r: LegacyResource) -> ResourceEntry {
        ResourceEntry {
            group: r.group,
            version: r.version,
            kind: r.kind,
            plural: r.plural,
            api: r.api.map(|a| ApiOptions {
                namespaced: a.namespaced,
                storage: a.storage,
            }),
            controller: r.controller,
            builtin: r.builtin,
            webhooks: r.webhooks.map(|w| WebhookOptions {
                defaulting: w.defaulting,
                validation: w.validation,
                conversion: w.conversion,
                spokes: w.spokes,
            }),
            deploy_image: None,
            external: None,
        }
    }
}

impl Project {
    pub fn render(&self) -> Result<String> {
        Ok(format!(
            "{}{REFERENCE}{}",
            crate::yaml::GENERATED_HEADER,
            crate::yaml::to_string(self)?
        ))
    }

    /// The name of the project's crate: `guestbook_operator`.
    pub fn crate_name(&self) -> String {
        self.project_name.to_snake_case()
    }

    /// The Rust module of the kind's types, PROJECT's `path`: `guestbook::api::v1`
    /// (`guestbook::api::webapp::v1` in the multigroup layout), or the k8s-openapi module of a
    /// kind of Kubernetes itself, `k8s_openapi::api::apps::v1`.
    pub fn types_path(&self, entry: &ResourceEntry) -> String {
        let known = entry
            .builtin
            .then(|| builtin::find(&entry.group, &entry.version, &entry.kind))
            .flatten();
        if let Some((module, _)) = known.and_then(|b| b.rust_type.rsplit_once("::")) {
            return module.to_string();
        }
        let crate_name = self.crate_name();
        if self.multigroup {
            let group = rust_module(&entry.group);
            format!("{crate_name}::api::{group}::{}", entry.version)
        } else {
            format!("{crate_name}::api::{}", entry.version)
        }
    }

    /// The `k8s-openapi` feature for the targeted Kubernetes version, e.g. `v1_33`.
    pub fn k8s_feature(&self) -> String {
        format!("v{}", self.k8s_version.replace('.', "_"))
    }

    /// Replaces the entry of the same group, version and kind, or adds `entry`.
    pub fn upsert(&mut self, entry: ResourceEntry) {
        let same = |r: &&mut ResourceEntry| {
            r.group == entry.group && r.version == entry.version && r.kind == entry.kind
        };
        match self.resources.iter_mut().find(same) {
            Some(slot) => *slot = entry,
            None => self.resources.push(entry),
        }
    }

    pub fn find(&self, group: &str, version: &str, kind: &str) -> Option<&ResourceEntry> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The project of the `webhooks` snapshot: Guestbook v1 (API, controller, defaulting,
    /// validation and the conversion hub of v2), Guestbook v2, and a defaulting webhook on Pods.
    fn webhooks() -> Project {
        let guestbook = |version: &str, storage, controller, webhooks| ResourceEntry {
            group: "webapp".into(),
            version: version.into(),
            kind: "Guestbook".into(),
            plural: "guestbooks".into(),
            api: Some(ApiOptions {
                namespaced: true,
                storage,
            }),
            controller,
            builtin: false,
            webhooks,
            deploy_image: None,
            external: None,
        };
        let hub = WebhookOptions {
            defaulting: true,
            validation: true,
            conversion: true,
            spokes: vec!["v2".into()],
        };
        let pod = ResourceEntry {
            group: "core".into(),
            version: "v1".into(),
            kind: "Pod".into(),
            plural: "pods".into(),
            api: None,
            controller: false,
            builtin: true,
            webhooks: Some(WebhookOptions {
                defaulting: true,
                ..WebhookOptions::default()
            }),
            deploy_image: None,
            external: None,
        };
        Project {
            layout: LAYOUT.into(),
            cli_version: "0.1.0".into(),
            project_name: "webhook-operator".into(),
            domain: "example.com".into(),
            owner: String::new(),
            license: License::Apache2,
            k8s_version: "1.33".into(),
            multigroup: false,
            namespaced: false,
            runtime: Runtime::Vendored,
            helm: false,
            resources: vec![
                guestbook("v1", true, true, Some(hub)),
                guestbook("v2", false, false, None),
                pod,
            ],
            apiservers: Vec::new(),
        }
    }

    #[test]
    fn aggregated_kinds_are_the_apiserver_plugins() {
        let mut project = webhooks();
        project.apiservers.push(AggregatedKind {
            group: "wardle".into(),
            kind: "Flunder".into(),
            namespaced: true,
            plural: "flunders".into(),
            version: "v1alpha1".into(),
        });
        let text = project.render().unwrap();
        let section = "  apiserver.kubeforge.io/v1-alpha:\n    resources:\n    - group: wardle\n      kind: Flunder\n      namespaced: true\n      plural: flunders\n      version: v1alpha1\n";
        assert!(text.contains(section), "{text}");
        assert_eq!(Project::parse(&text).unwrap(), project);
        assert!(!webhooks().render().unwrap().contains("apiserver"));
    }

    const WEBHOOKS: &str = r#"# Code generated by kubeforge. DO NOT EDIT.
# Layout: https://book.kubebuilder.io/reference/project-config.html (PROJECT v3)
cliVersion: "0.1.0"
domain: example.com
layout:
- kubeforge.io/v1
plugins:
  kubeforge.io/v1:
    k8sVersion: "1.33"
    license: apache2
    namespaced: false
projectName: webhook-operator
repo: webhook_operator
resources:
- api:
    crdVersion: v1
    namespaced: true
    storage: true
  controller: true
  domain: example.com
  group: webapp
  kind: Guestbook
  path: webhook_operator::api::v1
  plural: guestbooks
  version: v1
  webhooks:
    conversion: true
    defaulting: true
    spoke:
    - v2
    validation: true
    webhookVersion: v1
- api:
    crdVersion: v1
    namespaced: true
  domain: example.com
  group: webapp
  kind: Guestbook
  path: webhook_operator::api::v2
  plural: guestbooks
  version: v2
- core: true
  group: core
  kind: Pod
  path: k8s_openapi::api::core::v1
  plural: pods
  version: v1
  webhooks:
    defaulting: true
    webhookVersion: v1
version: "3"
"#;

    #[test]
    fn renders_kubebuilders_v3_layout() {
        assert_eq!(webhooks().render().unwrap(), WEBHOOKS);
    }

    #[test]
    fn reads_what_it_renders() {
        let mut other = webhooks();
        other.owner = "The Authors".into();
        other.multigroup = true;
        other.namespaced = true;
        other.runtime = Runtime::Registry;
        other.license = License::None;
        other.resources[1].deploy_image = Some(DeployImageOptions {
            container_command: vec!["memcached".into(), "-v".into()],
            container_port: Some(11211),
            image: "memcached:1.6.26-alpine".into(),
            run_as_user: Some(1001),
        });
        for project in [webhooks(), other] {
            let text = project.render().unwrap();
            let (read, format) = Project::parse_as_written(&text).unwrap();
            assert_eq!(read, project);
            assert_eq!(format, Format::Kubebuilder);
            assert_eq!(read.render().unwrap(), text);
        }
    }

    #[test]
    fn an_external_kind_has_its_own_domain_and_no_crd_version() {
        let mut project = webhooks();
        project.resources.truncate(1);
        project.resources[0].group = "cert-manager".into();
        project.resources[0].kind = "Certificate".into();
        project.resources[0].plural = "certificates".into();
        project.resources[0].webhooks = None;
        project.resources[0].external = Some("io".into());
        let text = project.render().unwrap();
        let entry = "- api:\n    namespaced: true\n    storage: true\n  controller: true\n  domain: io\n  external: true\n  group: cert-manager\n";
        assert!(text.contains(entry), "{text}");
        assert_eq!(Project::parse(&text).unwrap(), project);
        let err = Project::parse(&text.replace("  domain: io\n", ""))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("resources[0]: an external kind without its `domain`"),
            "{err}"
        );
    }

    #[test]
    fn multigroup_paths_name_the_group_module() {
        let mut project = webhooks();
        project.multigroup = true;
        project.resources[0].group = "sea-ops".into();
        let text = project.render().unwrap();
        assert!(
            text.contains("  path: webhook_operator::api::sea_ops::v1\n"),
            "{text}"
        );
        assert!(text.contains("multigroup: true\n"), "{text}");
        assert!(!webhooks().render().unwrap().contains("multigroup"));
    }

    #[test]
    fn migrates_the_earlier_format() {
        let legacy = include_str!("../../tests/fixtures/project/webhooks-legacy.PROJECT");
        let (project, format) = Project::parse_as_written(legacy).unwrap();
        assert_eq!(format, Format::Legacy);
        assert_eq!(project, webhooks());
        assert_eq!(project.render().unwrap(), WEBHOOKS);
    }

    #[test]
    fn derived_values_are_optional_and_must_agree() {
        let bare = WEBHOOKS
            .lines()
            .filter(|l| {
                !["repo:", "path:", "domain: example.com", "Version: v1"]
                    .iter()
                    .any(|key| l.trim_start().starts_with(key) && !l.starts_with("domain"))
            })
            .map(|l| format!("{l}\n"))
            .collect::<String>();
        assert!(
            !bare.contains("path:") && !bare.contains("  domain:"),
            "{bare}"
        );
        assert_eq!(Project::parse(&bare).unwrap(), webhooks());
        let core_domain = WEBHOOKS.replace("- core: true\n", "- core: true\n  domain: k8s.io\n");
        let err = Project::parse(&core_domain).unwrap_err().to_string();
        assert!(
            err.contains("resources[2].domain `k8s.io`: kubeforge writes no `domain`"),
            "{err}"
        );
        let own_domain = WEBHOOKS.replacen("  domain: example.com\n", "  domain: example.org\n", 1);
        let err = Project::parse(&own_domain).unwrap_err().to_string();
        assert!(
            err.contains("PROJECT:20:11: resources[0].domain `example.org` disagrees"),
            "{err}"
        );
        let version = WEBHOOKS.replace("version: \"3\"", "version: \"4\"");
        let err = Project::parse(&version).unwrap_err().to_string();
        assert!(err.contains("version `4` disagrees with `3`"), "{err}");
        let layouts = WEBHOOKS.replace(
            "- kubeforge.io/v1\n",
            "- kubeforge.io/v1\n- go.kubebuilder.io/v4\n",
        );
        let err = Project::parse(&layouts).unwrap_err().to_string();
        assert!(
            err.contains("PROJECT:6:3: layout `[kubeforge.io/v1, go.kubebuilder.io/v4]`"),
            "{err}"
        );
    }
}
