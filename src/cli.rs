//! The command line, as clap sees it. Nothing here touches the disk: each command's `resolve`
//! turns these raw arguments into validated settings, and its `plan` acts on them.
// The doc comments below are clap's help text, where `<group>` is text, not HTML.
#![allow(rustdoc::invalid_html_tags)]

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Scaffold and maintain Kubernetes operators written in Rust on kube-rs.
#[derive(Debug, Parser)]
#[command(name = "kubeforge", version)]
#[command(
    after_help = "Start a project:\n  kubeforge init --domain example.com\n  \
    kubeforge create api --group webapp --version v1 --kind Guestbook\n  \
    cargo build && cargo test"
)]
pub struct Cli {
    /// Show what would be written, with diffs, and write nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// Run in this directory instead of the current one.
    #[arg(short = 'C', long = "directory", global = true, value_name = "DIR")]
    pub directory: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a new project in the current directory.
    #[command(after_help = "Examples:\n  kubeforge init --domain example.com\n  \
        kubeforge init --domain example.com --project-name guestbook --owner \"The Guestbook Authors\"\n  \
        kubeforge init --domain example.com --multigroup --k8s-version 1.35")]
    Init(InitArgs),

    /// Add an API (a kind) or a webhook to the project.
    #[command(subcommand)]
    Create(CreateCommand),

    /// Remove an API (a kind, or one version of it) from the project.
    #[command(subcommand)]
    Delete(DeleteCommand),

    /// Re-derive CRDs and RBAC from the project's Rust source.
    #[command(after_help = "Examples:\n  kubeforge generate\n  kubeforge generate --check")]
    Generate(GenerateArgs),

    /// Change project-wide options.
    #[command(
        after_help = "Examples:\n  kubeforge edit --multigroup\n  kubeforge edit --namespaced=false\n  kubeforge edit --plugins helm"
    )]
    Edit(EditArgs),

    /// Commands that may still change: the project scaffolded afresh from PROJECT.
    #[command(subcommand)]
    Alpha(AlphaCommand),

    /// Print the JSON Schema of the resource description format (`create api --from`).
    #[command(after_help = "Example:\n  kubeforge schema > kubeforge-description.schema.json")]
    Schema,

    /// Print the version of kubeforge.
    Version,

    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  kubeforge completion bash > /etc/bash_completion.d/kubeforge"
    )]
    Completion {
        /// The shell to write completions for.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Domain of the project's API groups (groups become `<group>.<domain>`).
    #[arg(long, default_value = "my.domain")]
    pub domain: String,

    /// Name of the project and its crate [default: the directory name].
    #[arg(long)]
    pub project_name: Option<String>,

    /// Copyright owner named in the license header.
    #[arg(long, default_value = "")]
    pub owner: String,

    /// License of the generated code.
    #[arg(long, value_enum, default_value_t = License::Apache2)]
    pub license: License,

    /// The manager watches only its own namespace, with a Role instead of a ClusterRole.
    #[arg(long)]
    pub namespaced: bool,

    /// Lay out APIs and controllers by group (src/api/<group>/<version>/).
    #[arg(long)]
    pub multigroup: bool,

    /// Kubernetes API version targeted through k8s-openapi (1.33 to 1.37).
    #[arg(long, default_value = "1.33", value_name = "MAJOR.MINOR")]
    pub k8s_version: String,

    /// Where the project gets kubeforge-runtime, the manager and reconcile helpers it builds on.
    #[arg(long, value_enum, default_value_t = Runtime::Vendored)]
    pub runtime: Runtime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Runtime {
    /// A copy in vendor/kubeforge-runtime/, kept by `kubeforge generate`: builds offline.
    Vendored,
    /// The crate published on crates.io, in the version of this kubeforge.
    Registry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum License {
    /// Apache License 2.0: a LICENSE file and a header on every generated Rust file.
    Apache2,
    /// No license file and no header.
    None,
}

#[derive(Debug, Subcommand)]
pub enum CreateCommand {
    /// Add a kind: its Rust types, a controller, the CRD, RBAC and a sample.
    #[command(
        after_help = "Examples:\n  kubeforge create api --group webapp --version v1 --kind Guestbook\n  \
        kubeforge create api --group webapp --version v1 --kind Policy --namespaced=false\n  \
        kubeforge create api --group webapp --version v1 --kind Cache --controller=false\n  \
        kubeforge create api --group webapp --version v2 --kind Guestbook --storage\n  \
        kubeforge create api --from certificate-crd.yaml --external"
    )]
    Api(CreateApiArgs),

    /// Add admission webhooks (defaulting, validation) or conversion to a kind.
    #[command(
        after_help = "Examples:\n  kubeforge create webhook --group webapp --version v1 --kind Guestbook --defaulting\n  \
        kubeforge create webhook --group webapp --version v1 --kind Guestbook --programmatic-validation\n  \
        kubeforge create webhook --group webapp --version v1 --kind Guestbook --conversion --spoke v2\n  \
        kubeforge create webhook --group core --version v1 --kind Pod --defaulting\n\n\
        Webhooks can be added one at a time: each run adds only what the kind lacks and leaves the\n\
        code already there as it is."
    )]
    Webhook(CreateWebhookArgs),

    /// Add a kind served by an extension API server behind an APIService (API aggregation),
    /// rather than by a CRD.
    #[command(
        after_help = "Examples:\n  kubeforge create apiserver --group wardle --version v1alpha1 --kind Flunder\n  \
        kubeforge create apiserver --group wardle --version v1alpha1 --kind Fischer --namespaced=false"
    )]
    Apiserver(CreateApiserverArgs),
}

#[derive(Debug, Subcommand)]
pub enum AlphaCommand {
    /// Scaffold the project afresh from its PROJECT file into another directory: `init`, then
    /// `create api` and `create webhook` for every resource, with the options PROJECT records.
    #[command(
        after_help = "Example:\n  kubeforge alpha generate --output-dir ../guestbook-fresh\n\n\
        Code written by hand is not carried over, and kinds made from a resource description\n\
        come back with the scaffold's example types: compare the two trees and move your code."
    )]
    Generate(AlphaGenerateArgs),
    /// Upgrade the project to this kubeforge: every scaffolded file merged three ways, between
    /// what the project's kubeforge scaffolded (kept in .kubeforge/base/), the file as it is, and
    /// what this kubeforge scaffolds.
    #[command(after_help = "Example:\n  kubeforge alpha update\n\n\
        Changes the templates made are applied to your files; where you changed the same lines,\n\
        the file gets conflict markers (<<<<<<< yours, ======= and >>>>>>> kubeforge) and is\n\
        listed, and the command exits with 1. Resolve them, then run `kubeforge generate`.")]
    Update,
}

#[derive(Debug, Args)]
pub struct AlphaGenerateArgs {
    /// Where to scaffold the project (relative to the project's directory): a directory that
    /// does not exist yet, or is empty.
    #[arg(long, value_name = "DIR")]
    pub output_dir: std::path::PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum DeleteCommand {
    /// Remove a kind, or one version of it: its files, the code commands added for it, and its
    /// entries in PROJECT.
    #[command(
        after_help = "Examples:\n  kubeforge delete api --group webapp --kind Guestbook\n  \
        kubeforge delete api --group webapp --version v2 --kind Guestbook\n  \
        kubeforge delete api --group apps --version v1 --kind Deployment\n\n\
        Refused while code outside the kind's own files uses it (each place is listed);\n\
        --force deletes anyway."
    )]
    Api(DeleteApiArgs),
}

#[derive(Debug, Args)]
pub struct DeleteApiArgs {
    /// API group, without the project domain (e.g. `webapp`); `apps`, `core`, ... for the
    /// controllers of Kubernetes' own kinds.
    #[arg(long)]
    pub group: String,

    /// The version to remove [default: every version of the kind].
    #[arg(long)]
    pub version: Option<String>,

    /// Kind, in UpperCamelCase (e.g. `Guestbook`).
    #[arg(long)]
    pub kind: String,

    /// Delete even though other code of the project uses the kind (it will not compile until
    /// that code is changed).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CreateApiserverArgs {
    /// API group, without the project domain (e.g. `wardle`).
    #[arg(long)]
    pub group: String,

    /// API version (e.g. `v1alpha1`).
    #[arg(long)]
    pub version: String,

    /// Kind, in UpperCamelCase (e.g. `Flunder`).
    #[arg(long)]
    pub kind: String,

    /// The resource's plural, the last part of its URLs (default: derived from the kind).
    #[arg(long)]
    pub plural: Option<String>,

    /// Whether the kind's objects live in namespaces (`--namespaced=false`: cluster-scoped).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub namespaced: Option<bool>,
}

#[derive(Debug, Args)]
pub struct CreateWebhookArgs {
    /// API group, without the project domain (e.g. `webapp`); `core`, `apps`, ... for the kinds
    /// of Kubernetes itself.
    #[arg(long)]
    pub group: String,

    /// API version (e.g. `v1`). With --conversion, the hub: the storage version.
    #[arg(long)]
    pub version: String,

    /// Kind, in UpperCamelCase (e.g. `Guestbook`).
    #[arg(long)]
    pub kind: String,

    /// A mutating webhook that sets defaults (`default(&mut K)`).
    #[arg(long)]
    pub defaulting: bool,

    /// A validating webhook (`validate_create`, `validate_update`, `validate_delete`).
    #[arg(long)]
    pub programmatic_validation: bool,

    /// Conversion between this version (the hub) and the --spoke versions, served at /convert.
    #[arg(long, requires = "spoke")]
    pub conversion: bool,

    /// The other versions of the kind, converted to and from the hub (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        requires = "conversion",
        value_name = "VERSION"
    )]
    pub spoke: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CreateApiArgs {
    /// API group, without the project domain (e.g. `webapp`).
    #[arg(long, required_unless_present = "from")]
    pub group: Option<String>,

    /// API version (e.g. `v1`, `v1alpha1`, `v2beta3`).
    #[arg(long, required_unless_present = "from")]
    pub version: Option<String>,

    /// Kind, in UpperCamelCase (e.g. `Guestbook`).
    #[arg(long, required_unless_present = "from")]
    pub kind: Option<String>,

    /// Generate the kind's types, CRD and sample from a resource description (YAML; see
    /// `kubeforge schema`). Flags given as well must agree with it.
    #[arg(long, value_name = "FILE")]
    pub from: Option<std::path::PathBuf>,

    /// Plural resource name [default: the English plural of the kind, lowercased].
    #[arg(long)]
    pub plural: Option<String>,

    /// Namespaced kind [default: true]; `--namespaced=false` makes it cluster-scoped.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub namespaced: Option<bool>,

    /// Scaffold the Rust types and the CRD [default: true].
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub resource: Option<bool>,

    /// Scaffold a controller [default: true, false for a further version of an existing kind].
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub controller: Option<bool>,

    /// Make this version the storage version of its kind (the previous one gets
    /// `#[kube(storage = false)]`). A further version of a kind is served only, by default.
    #[arg(long)]
    pub storage: bool,

    /// Re-render this kind's files; changed files are kept beside them as `<file>.orig`.
    #[arg(long)]
    pub force: bool,

    /// The kind of another project, whose CRD (given to `--from`) that project installs: its
    /// types and a controller, no CRD of this project's; the CRD is kept under
    /// `config/crd/external/` for the envtest suite.
    #[arg(long)]
    pub external: bool,

    /// Plugins that change what is scaffolded: `deploy-image` (or `deploy-image/v1-alpha`), a
    /// controller that runs --image in a Deployment owned by each object of the kind.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub plugins: Vec<String>,

    /// With `--plugins deploy-image`: the container image of the Deployment.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,

    /// With `--plugins deploy-image`: the container's command, comma-separated.
    #[arg(long, value_name = "COMMAND")]
    pub image_container_command: Option<String>,

    /// With `--plugins deploy-image`: the container's port; the kind's spec gets `containerPort`.
    #[arg(long, value_name = "PORT")]
    pub image_container_port: Option<i64>,

    /// With `--plugins deploy-image`: the user ID the container runs as.
    #[arg(long, value_name = "UID")]
    pub run_as_user: Option<i64>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Write nothing; print a diff of every stale file and exit 1 when anything is stale.
    #[arg(long)]
    pub check: bool,

    /// Trim schema descriptions to this many characters (off by default).
    #[arg(long, value_name = "N")]
    pub max_desc_len: Option<usize>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Lay out kinds created from now on by group (src/api/<group>/<version>/).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub multigroup: Option<bool>,

    /// The manager watches only its own namespace, with a Role instead of a ClusterRole.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub namespaced: Option<bool>,

    /// Plugins to enable: `helm` (or `helm/v2-alpha`), a Helm chart of the manager in
    /// dist/chart/, kept current by every later command.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub plugins: Vec<String>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
