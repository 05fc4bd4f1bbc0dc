//! What the commands read and check alike: the PROJECT file and the flags naming a kind.

use crate::error::{Error, Result};
use crate::model::{Project, Resource, ResourceEntry, builtin, names};
use crate::scaffold::Plan;

/// `--<flag> <value>` must be an API version such as `v1` or `v2beta3`; `example` goes in the
/// hint.
pub fn check_version_flag(flag: &str, value: &str, example: &str) -> Result<()> {
    names::check_version(value).map_err(|e| {
        Error::usage(
            format!("--{flag} `{}` {e}", names::one_line(value)),
            format!("use e.g. --{flag} {example}"),
        )
    })
}

/// `--kind <value>` must be an UpperCamelCase kind that can name a Rust type.
pub fn check_kind_flag(value: &str) -> Result<()> {
    names::check_kind_type(value).map_err(|e| {
        Error::usage(
            format!("--kind `{}` {e}", names::one_line(value)),
            "use e.g. --kind Guestbook",
        )
    })
}

/// What a kind's generated module is, for [`check_module_free`].
pub struct ModuleRole {
    /// The module's path, with `Resource::expand` placeholders.
    pub pattern: &'static str,
    /// Whether a resource of the project has such a module.
    pub has: fn(&ResourceEntry) -> bool,
    /// `its controller would be`, `its webhooks would be in`.
    pub phrase: &'static str,
    /// `controllers`, `webhooks`.
    pub plural: &'static str,
}

/// Two kinds cannot share one module (e.g. a `Deployment` CRD of the project and apps/v1
/// Deployment in the single-group layout).
pub fn check_module_free(project: &Project, new: &Resource, role: &ModuleRole) -> Result<()> {
    let path = new.expand(role.pattern);
    for other in project.resources.iter().filter(|r| (role.has)(r)) {
        let other = Resource::new(project, other);
        if other.kind == new.kind && other.group == new.group {
            continue;
        }
        if other.expand(role.pattern) == path {
            return Err(Error::usage(
                format!(
                    "--kind `{}`: {} {path}, which belongs to {}/{}",
                    new.kind,
                    role.phrase,
                    other.full_group.written(),
                    other.kind
                ),
                format!(
                    "start the project with `kubeforge init --multigroup` to keep {} apart by group",
                    role.plural
                ),
            ));
        }
    }
    Ok(())
}

/// Reads the PROJECT file of the project the plan works on. A PROJECT of an earlier kubeforge
/// is planned anew in the current format, with a note.
pub fn load_project(plan: &mut Plan) -> Result<Project> {
    use crate::model::project::{Format, MIGRATE_NOTE, PROJECT_FILE};
    match plan.read(PROJECT_FILE)? {
        Some(text) => {
            let (project, format) = Project::parse_as_written(&text)?;
            if format == Format::Legacy {
                plan.notes.push(MIGRATE_NOTE.into());
                plan.regenerate(PROJECT_FILE, project.render()?)?;
            }
            Ok(project)
        }
        None => Err(Error::usage(
            format!("no {PROJECT_FILE} file in {}", plan.root().display()),
            "run `kubeforge init` first, or pass the project directory with -C DIR",
        )),
    }
}

/// The error for `group/version kind`, which is not one of the built-in kinds kubeforge knows; the
/// hint lists those of the group.
pub fn unknown_builtin(group: &str, version: &str, kind: &str) -> Error {
    let kinds: Vec<String> = builtin::of_group(group)
        .map(|b| format!("{}/{}", b.version, b.kind))
        .collect();
    Error::usage(
        format!("--kind `{kind}`: {group}/{version} {kind} is not a built-in kind kubeforge knows"),
        format!("known kinds of `{group}`: {}", kinds.join(", ")),
    )
}
