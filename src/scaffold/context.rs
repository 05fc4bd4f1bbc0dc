//! What the templates see: the project, the resource and the names its Rust code uses, and what
//! a webhook or a conversion spoke adds. Computed here, so templates only print.

use heck::ToSnakeCase;
use serde::Serialize;

use super::layout;
use crate::model::project::DeployImageOptions;
use crate::model::{License, Project, Resource};

/// What every template sees.
#[derive(Serialize)]
pub struct TemplateContext<'a> {
    pub header: String,
    pub project: ProjectContext,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<&'a Resource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust: Option<RustNames>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment: Option<FragmentContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<&'a WebhookContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spoke: Option<&'a SpokeContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy_image: Option<DeployImageContext>,
    /// The extension API server's names (`create apiserver`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apiserver: Option<&'a ApiserverContext>,
}

#[derive(Serialize)]
pub struct ProjectContext {
    pub name: String,
    pub crate_name: String,
    pub domain: String,
    pub owner: String,
    pub license: &'static str,
    pub namespaced: bool,
    pub multigroup: bool,
    pub k8s_feature: String,
    pub k8s_version: String,
    pub cli_version: String,
    pub leader_election_id: String,
    /// The project's dependency on `kubeforge-runtime`: `{ version = .., path = .. }` when
    /// vendored, `".."` from the registry; and the same with the `testing` feature.
    pub runtime_dependency: String,
    pub runtime_dev_dependency: String,
}

#[derive(Serialize)]
pub struct FragmentContext {
    pub module: String,
}

impl<'a> TemplateContext<'a> {
    pub fn new(project: &Project) -> TemplateContext<'a> {
        TemplateContext {
            header: license_header(project),
            project: ProjectContext {
                name: project.project_name.clone(),
                crate_name: project.project_name.to_snake_case(),
                domain: project.domain.clone(),
                owner: project.owner.clone(),
                license: match project.license {
                    License::Apache2 => "apache2",
                    License::None => "none",
                },
                namespaced: project.namespaced,
                multigroup: project.multigroup,
                k8s_feature: project.k8s_feature(),
                k8s_version: project.k8s_version.clone(),
                cli_version: project.cli_version.clone(),
                leader_election_id: format!("{}.{}", project.project_name, project.domain),
                runtime_dependency: crate::scaffold::vendor::dependency(project.runtime, &[]),
                runtime_dev_dependency: crate::scaffold::vendor::dependency(
                    project.runtime,
                    &["testing"],
                ),
            },
            resource: None,
            rust: None,
            fragment: None,
            webhook: None,
            spoke: None,
            deploy_image: None,
            apiserver: None,
        }
    }

    pub fn with_resource(mut self, resource: &'a Resource) -> Self {
        self.resource = Some(resource);
        self.rust = Some(RustNames::new(resource));
        self
    }

    /// Adds what the `deploy-image` plugin's templates see; needs the resource first.
    pub fn with_deploy_image(mut self, options: Option<&DeployImageOptions>) -> Self {
        self.deploy_image = match (options, self.resource) {
            (Some(o), Some(r)) => Some(DeployImageContext::new(o, r)),
            _ => None,
        };
        self
    }

    pub fn with_module(mut self, module: &str) -> Self {
        self.fragment = Some(FragmentContext {
            module: module.to_string(),
        });
        self
    }
}

/// How the Rust code generated for a kind names the kind and what it imports (`rust.*`), so that
/// no name clashes, whatever the kind is called. For most kinds this is the code one would write
/// by hand; a kind named like something the code uses is named through its module there, and
/// what the kind's types import under its name is written out in full.
#[derive(Serialize)]
pub struct RustNames {
    /// What the kind's controller and webhooks import for it: the kind, or its module.
    pub kind_import: String,
    /// The kind as its controller and webhooks name it: `Guestbook`, or `v1::Api`.
    pub kind: String,
    /// The `use` lines of the kind's types file.
    pub types_imports: String,
    /// The derives of the kind's spec, inside `#[derive(..)]`, laid out as rustfmt lays them out.
    pub spec_derives: String,
    /// The status condition type in the kind's types file.
    pub condition: String,
    /// The serde derives in the kind's types file.
    pub deserialize: String,
    pub serialize: String,
    /// The manager's call that starts the kind's controller, in `src/main.rs`.
    pub controller_call: String,
    /// The head of the kind's envtest check, `envtest::reconciles::<Kind, _, _>(`.
    pub reconciles_head: String,
    /// The same for a controller of the deploy-image plugin, `envtest::deploys::<Kind, _, _>(`.
    pub deploys_head: String,
}

/// What a kind's types file imports, by module.
const TYPES_IMPORTS: &[(&str, &[&str])] = &[
    (
        "k8s_openapi::apimachinery::pkg::apis::meta::v1",
        &["Condition"],
    ),
    ("kube", &["CustomResource", "KubeSchema"]),
    ("schemars", &["JsonSchema"]),
    ("serde", &["Deserialize", "Serialize"]),
];

/// The [`TYPES_IMPORTS`] that are derive macros and nothing else: they take no name from a type,
/// so a kind of their name keeps them.
const DERIVES_ONLY: &[&str] = &["CustomResource", "KubeSchema"];

/// Whether the kind's own type takes the name of `name`, one of the [`TYPES_IMPORTS`].
fn takes_name(kind: &str, name: &str) -> bool {
    name == kind && !DERIVES_ONLY.contains(&name)
}

impl RustNames {
    fn new(r: &Resource) -> RustNames {
        let (kind_import, kind) = crate::model::names::kind_import(&r.kind, &r.rust_type);
        let name = |name: &str| types_name(&r.kind, name);
        let spec_derives = [
            "CustomResource",
            &name("Deserialize"),
            &name("Serialize"),
            "Clone",
            "Debug",
            "Default",
            "PartialEq",
            &name("JsonSchema"),
        ]
        .join(", ");
        RustNames {
            kind_import,
            kind,
            types_imports: types_imports(&r.kind),
            spec_derives: layout::derive_args(&spec_derives),
            condition: name("Condition"),
            deserialize: name("Deserialize"),
            serialize: name("Serialize"),
            controller_call: layout::call(
                layout::CONTROLLERS_INDENT,
                "mgr.controller(",
                &format!("{}::run", r.controller_path),
                "),",
            ),
            reconciles_head: layout::generic_call_head(
                layout::ENVTEST_INDENT,
                "envtest::reconciles",
                &[&format!("{}::{}", r.api_path, r.kind), "_", "_"],
            ),
            deploys_head: layout::generic_call_head(
                layout::ENVTEST_INDENT,
                "envtest::deploys",
                &[&format!("{}::{}", r.api_path, r.kind), "_", "_"],
            ),
        }
    }
}

/// How a kind's types file names `name`, one of its [`TYPES_IMPORTS`]: as imported, or by its
/// full path when the kind takes the name.
fn types_name(kind: &str, name: &str) -> String {
    match TYPES_IMPORTS
        .iter()
        .find(|(_, names)| names.contains(&name))
    {
        Some((module, _)) if takes_name(kind, name) => format!("{module}::{name}"),
        _ => name.to_string(),
    }
}

/// The `use` lines of a kind's types file: [`TYPES_IMPORTS`] but the name the kind takes.
fn types_imports(kind: &str) -> String {
    let mut lines = Vec::new();
    for (module, names) in TYPES_IMPORTS {
        let names: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !takes_name(kind, n))
            .collect();
        match names.as_slice() {
            [] => {}
            [name] => lines.push(format!("use {module}::{name};")),
            _ => lines.push(format!("use {module}::{{{}}};", names.join(", "))),
        }
    }
    lines.join("\n")
}

/// The comment block heading every generated Rust file, or nothing.
fn license_header(project: &Project) -> String {
    match project.license {
        License::None => String::new(),
        License::Apache2 => {
            let owner = if project.owner.is_empty() {
                format!("The {} Authors", project.project_name)
            } else {
                project.owner.clone()
            };
            format!(
                "// Copyright {owner}.\n\
                 //\n\
                 // Licensed under the Apache License, Version 2.0 (the \"License\");\n\
                 // you may not use this file except in compliance with the License.\n\
                 // You may obtain a copy of the License at\n\
                 //\n\
                 //     http://www.apache.org/licenses/LICENSE-2.0\n\
                 //\n\
                 // Unless required by applicable law or agreed to in writing, software\n\
                 // distributed under the License is distributed on an \"AS IS\" BASIS,\n\
                 // WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.\n\
                 // See the License for the specific language governing permissions and\n\
                 // limitations under the License.\n\n"
            )
        }
    }
}

/// What the webhook templates see (`webhook.*`).
#[derive(Debug, Clone, Serialize)]
pub struct WebhookContext {
    /// What this run adds.
    pub add_defaulting: bool,
    pub add_validation: bool,
    pub add_conversion: bool,
    /// What the kind has afterwards.
    pub defaulting: bool,
    pub validation: bool,
    pub conversion: bool,
    /// `/mutate-webapp-example-com-v1-guestbook`, as kubebuilder names them.
    pub mutate_path: String,
    pub validate_path: String,
    /// `mguestbook-v1.webapp.example.com`: webhook names are fully qualified.
    pub mutate_name: String,
    pub validate_name: String,
    /// The `groups=` value of the manifest markers (`""` for the core group).
    pub groups: String,
    /// The kind's webhook module, relative to `crate::webhooks` (e.g. `v1::guestbook`).
    pub module_path: String,
    /// The conversion module, relative to `crate::webhooks` (e.g. `v1::guestbook_conversion`).
    pub conversion_module_path: String,
    /// The Rust type of the hub (the storage version).
    pub hub_type: String,
    /// `fail`, or `ignore` for kinds of Kubernetes: the manager's own pods (and whatever else it
    /// needs to start) must not wait for its webhook server.
    pub failure_policy: &'static str,
    /// The kind still has the scaffold's `spec.foo`, which the example hooks and tests use;
    /// otherwise they use labels and the kind's sample.
    pub example_field: bool,
    /// The kind's types have a status (conversions carry it over).
    pub has_status: bool,
    /// The kind's sample, relative to the project (tests read it).
    pub sample_file: String,
}

/// One spoke of a conversion (`spoke.*`).
#[derive(Debug, Clone, Serialize)]
pub struct SpokeContext {
    pub version: String,
    pub rust_type: String,
}

/// What the templates of the `deploy-image` plugin see (`deploy_image.*`): the options as Rust,
/// YAML and JSON write them, and the names of the container.
#[derive(Serialize)]
pub struct DeployImageContext {
    /// The manager's environment variable that names the image, `MEMCACHED_IMAGE`.
    pub image_env: String,
    /// The image as a YAML (and JSON) string.
    pub image_yaml: String,
    /// `pub const DEFAULT_IMAGE: &str = "..";`, laid out as rustfmt lays it out.
    pub image_const: String,
    /// `pub const COMMAND: &[&str] = &[..];`, when a command was given.
    pub command_const: Option<String>,
    /// The command as a JSON array.
    pub command_json: Option<String>,
    pub container_port: Option<i32>,
    pub run_as_user: Option<i64>,
    /// The container's name, a DNS label: `memcached`.
    pub container_name: String,
    /// The port's name, an IANA service name of at most 15 characters.
    pub port_name: String,
}

impl DeployImageContext {
    fn new(o: &DeployImageOptions, r: &Resource) -> DeployImageContext {
        let container_name = r.module.replace('_', "-");
        let port_name: String = container_name.chars().take(15).collect();
        let json = |s: &str| serde_json::Value::from(s).to_string();
        let words: Vec<String> = o.container_command.iter().map(|w| json(w)).collect();
        let has_command = !words.is_empty();
        DeployImageContext {
            image_env: format!("{}_IMAGE", r.module.to_uppercase()),
            image_yaml: json(&o.image),
            image_const: rust_const("DEFAULT_IMAGE", "&str", &[format!("{:?}", o.image)], false),
            command_const: has_command.then(|| {
                let words: Vec<String> = o
                    .container_command
                    .iter()
                    .map(|w| format!("{w:?}"))
                    .collect();
                rust_const("COMMAND", "&[&str]", &words, true)
            }),
            command_json: has_command.then(|| format!("[{}]", words.join(", "))),
            container_port: o.container_port,
            run_as_user: o.run_as_user,
            port_name: port_name.trim_end_matches('-').to_string(),
            container_name,
        }
    }
}

/// `pub const NAME: TYPE = VALUE;` at the top level, laid out as rustfmt lays it out: `items`
/// are the value, or the items of an array (`&[..]`) when `array`.
fn rust_const(name: &str, type_: &str, items: &[String], array: bool) -> String {
    let head = format!("pub const {name}: {type_} =");
    let value = if array {
        format!("&[{}]", items.join(", "))
    } else {
        items.join("")
    };
    let line = format!("{head} {value};");
    if line.len() <= layout::MAX_WIDTH {
        line
    } else if array {
        let items: String = items.iter().map(|i| format!("    {i},\n")).collect();
        format!("{head} &[\n{items}];")
    } else {
        format!("{head}\n    {value};")
    }
}

/// What the templates of the server see, besides the project and the kind (`apiserver.*`).
#[derive(Serialize)]
pub struct ApiserverContext {
    /// The namespace the server runs in, and the prefix of its objects' names.
    pub namespace: String,
    /// The server's Service, Deployment, ServiceAccount and certificate.
    pub name: String,
    /// The DNS name of its Service, which its serving certificate names.
    pub service_host: String,
    /// The APIService of the kind's group-version, `<version>.<group>`.
    pub api_service: String,
    /// The kind's type below the crate, `api::<version>::<Kind>`.
    pub kind_path: String,
}

impl ApiserverContext {
    pub fn new(project: &Project, r: &Resource) -> ApiserverContext {
        let namespace = format!("{}-system", project.project_name);
        let name = format!("{}-apiserver", project.project_name);
        let api_service = format!("{}.{}", r.version, r.full_group.api());
        ApiserverContext {
            service_host: format!("{name}.{namespace}.svc"),
            api_service,
            kind_path: r
                .rust_type
                .strip_prefix("crate::")
                .unwrap_or(&r.rust_type)
                .to_string(),
            namespace,
            name,
        }
    }
}
