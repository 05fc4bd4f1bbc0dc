//! The rules of the values in PROJECT. Each value read from the file passes the check of the flag
//! that gave it: the names in PROJECT become paths, Rust modules and manifests, so a value that
//! no command would accept is refused before anything is planned.

use super::builtin;
use super::names::{self, K8S_VERSIONS, NameResult};
use super::project::{Derived, Format, LAYOUT, PROJECT_FILE, Project, ResourceEntry};
use crate::error::{Error, Result};
use crate::yaml::{Step, show_path};

/// A value of PROJECT that breaks its rule: where it is, what is wrong and how to fix it.
#[derive(Debug)]
pub struct Refusal {
    pub path: Vec<Step<'static>>,
    pub message: String,
    pub hint: String,
}

/// A check of a value: `Err` says which rule the value breaks.
type Check = fn(&str) -> NameResult;

/// Checks `value`, written at `path`, with the check of its flag.
fn apply(path: Vec<Step<'static>>, value: &str, check: Check, hint: &str) -> Result<(), Refusal> {
    check(value).map_err(|rule| Refusal {
        message: format!("{} `{}` {rule}", show_path(&path), value.escape_debug()),
        hint: hint.to_string(),
        path,
    })
}

/// The layout this kubeforge writes.
fn check_layout(value: &str) -> NameResult {
    if value == LAYOUT {
        Ok(())
    } else {
        Err("is not supported by this kubeforge".into())
    }
}

/// A Kubernetes version that `init --k8s-version` accepts.
fn check_k8s_version(value: &str) -> NameResult {
    if K8S_VERSIONS.contains(&value) {
        Ok(())
    } else {
        Err("is not supported".into())
    }
}

/// The path of `layout`'s plugin key.
fn layout_path(format: Format) -> Vec<Step<'static>> {
    match format {
        Format::Kubebuilder => vec![Step::Key("layout"), Step::Index(0)],
        Format::Legacy => vec![Step::Key("layout")],
    }
}

/// The path of one of kubeforge's project-wide options: under `plugins`, by the layout's key.
fn option_path(format: Format, key: &'static str) -> Vec<Step<'static>> {
    match format {
        Format::Kubebuilder => vec![Step::Key("plugins"), Step::Key(LAYOUT), Step::Key(key)],
        Format::Legacy => vec![Step::Key(key)],
    }
}

/// The key that marks a kind of Kubernetes itself.
fn core_key(format: Format) -> &'static str {
    match format {
        Format::Kubebuilder => "core",
        Format::Legacy => "builtin",
    }
}

/// The first value of `project` that breaks its rule, in the order of the file; the paths are
/// those of `format`.
pub fn check(project: &Project, format: Format) -> Result<(), Refusal> {
    use Step::Key;
    apply(
        layout_path(format),
        &project.layout,
        check_layout,
        &format!(
            "this kubeforge writes layout `{LAYOUT}`; install the kubeforge named by cliVersion"
        ),
    )?;
    apply(
        vec![Key("cliVersion")],
        &project.cli_version,
        names::check_release,
        "write the release of kubeforge that keeps the project, e.g. `0.1.0`",
    )?;
    apply(
        vec![Key("projectName")],
        &project.project_name,
        names::check_project_name,
        "use a lowercase DNS label such as `guestbook-operator`, as --project-name takes it",
    )?;
    apply(
        vec![Key("domain")],
        &project.domain,
        names::check_dns1123_subdomain,
        "use a DNS name such as example.com, as --domain takes it",
    )?;
    apply(
        option_path(format, "owner"),
        &project.owner,
        names::check_one_line,
        "write the owner on one line, as --owner takes it",
    )?;
    apply(
        option_path(format, "k8sVersion"),
        &project.k8s_version,
        check_k8s_version,
        &format!(
            "use one of {}, as --k8s-version takes it",
            K8S_VERSIONS.join(", ")
        ),
    )?;
    for (i, entry) in project.resources.iter().enumerate() {
        check_resource(project, format, i, entry)?;
    }
    Ok(())
}

/// The path of a key of the `i`th resource.
fn at(i: usize, key: &'static str) -> Vec<Step<'static>> {
    vec![Step::Key("resources"), Step::Index(i), Step::Key(key)]
}

/// Group, version, kind and plural of one resource as `create api` checks its flags, and the
/// versions its conversion webhook names as `create webhook --spoke` checks them.
fn check_resource(
    project: &Project,
    format: Format,
    i: usize,
    entry: &ResourceEntry,
) -> Result<(), Refusal> {
    apply(
        at(i, "group"),
        &entry.group,
        names::check_dns1123_subdomain,
        "use a lowercase DNS name such as `webapp`, as --group takes it",
    )?;
    apply(
        at(i, "version"),
        &entry.version,
        names::check_version,
        "use e.g. `v1`, as --version takes it",
    )?;
    apply(
        at(i, "kind"),
        &entry.kind,
        names::check_kind_type,
        "use an UpperCamelCase kind such as `Guestbook`, as --kind takes it",
    )?;
    if entry.builtin {
        check_builtin(core_key(format), i, entry)?;
    } else {
        check_own(project, i, entry)?;
    }
    let spokes = entry.webhooks.iter().flat_map(|w| w.spokes.iter());
    for (j, spoke) in spokes.enumerate() {
        let path = vec![
            Step::Key("resources"),
            Step::Index(i),
            Step::Key("webhooks"),
            Step::Key(match format {
                Format::Kubebuilder => "spoke",
                Format::Legacy => "spokes",
            }),
            Step::Index(j),
        ];
        apply(
            path,
            spoke,
            names::check_version,
            "use e.g. `v2`, as --spoke takes it",
        )?;
    }
    Ok(())
}

/// A kind of the project: its full group is a DNS name, its plural a DNS label.
fn check_own(project: &Project, i: usize, entry: &ResourceEntry) -> Result<(), Refusal> {
    let domain = entry.external.as_deref().unwrap_or(&project.domain);
    if domain.is_empty() {
        return Err(Refusal {
            path: at(i, "domain"),
            message: format!(
                "resources[{i}]: an external kind without its `domain` (its group `{}` is the CRD's up to the first dot)",
                entry.group
            ),
            hint: "add `domain:` with the rest of the CRD's group, e.g. `io` for `cert-manager.io`"
                .into(),
        });
    }
    let full_group = format!("{}.{domain}", entry.group);
    names::check_dns1123_subdomain(&full_group).map_err(|rule| Refusal {
        path: at(i, "group"),
        message: format!(
            "resources[{i}].group `{}`: the full group `{full_group}` {rule}",
            entry.group
        ),
        hint: "use a shorter group, as --group takes it".into(),
    })?;
    apply(
        at(i, "plural"),
        &entry.plural,
        names::check_dns1035_label,
        "use a lowercase name such as `guestbooks`, as --plural takes it",
    )
}

/// A kind of Kubernetes itself: one kubeforge knows, with the plural it is served as.
fn check_builtin(key: &str, i: usize, entry: &ResourceEntry) -> Result<(), Refusal> {
    let Some(known) = builtin::find(&entry.group, &entry.version, &entry.kind) else {
        let kinds: Vec<String> = builtin::of_group(&entry.group)
            .map(|b| format!("{}/{}", b.version, b.kind))
            .collect();
        return Err(Refusal {
            path: at(i, "kind"),
            message: format!(
                "resources[{i}] is `{key}`, but {}/{} {} is not a built-in kind kubeforge knows",
                entry.group, entry.version, entry.kind
            ),
            hint: format!(
                "name a built-in kind (known kinds of `{}`: {}), or remove `{key}: true`",
                entry.group,
                kinds.join(", ")
            ),
        });
    };
    if entry.plural != known.plural {
        return Err(Refusal {
            path: at(i, "plural"),
            message: format!(
                "resources[{i}].plural `{}`: {} is served as `{}`",
                entry.plural.escape_debug(),
                known.kind,
                known.plural
            ),
            hint: format!("write `plural: {}`", known.plural),
        });
    }
    Ok(())
}

/// A derived value that disagrees with what kubeforge derives.
fn disagreement(d: Derived) -> Refusal {
    let key = match d.path.last() {
        Some(Step::Key(key)) => *key,
        _ => "",
    };
    let at = show_path(&d.path);
    let written = d.written.escape_debug();
    let (message, hint) = match &d.expected {
        Some(expected) => {
            // A value YAML would read as a number is written quoted: `version: "3"`.
            let value = match expected.parse::<f64>() {
                Ok(_) => format!("\"{expected}\""),
                Err(_) => expected.clone(),
            };
            let hint = format!("write `{key}: {value}`");
            (
                format!("{at} `{written}` disagrees with `{expected}`: {}", d.why),
                match d.optional {
                    true => format!("{hint}, or leave `{key}` out"),
                    false => hint,
                },
            )
        }
        None => (
            format!("{at} `{written}`: kubeforge writes no `{key}` here"),
            format!("remove `{key}`"),
        ),
    };
    Refusal {
        path: d.path,
        message,
        hint,
    }
}

/// The line and column of the value at `path`, or of the nearest value above it that is written.
fn locate(text: &str, path: &[Step]) -> Option<(usize, usize)> {
    (0..=path.len())
        .rev()
        .find_map(|len| crate::yaml::locate(text, &path[..len]))
}

impl Project {
    /// Reads PROJECT and checks every value as the flag that gave it is checked; a value that
    /// breaks its rule is an error at its line and column.
    pub fn parse(text: &str) -> Result<Project> {
        Project::parse_as_written(text).map(|(project, _)| project)
    }

    /// [`Project::parse`], with the format the text is written in.
    pub fn parse_as_written(text: &str) -> Result<(Project, Format)> {
        let read = super::project::read(text)?;
        let first = check(&read.project, read.format).err().or_else(|| {
            let mut rest = read.disagreements.into_iter();
            rest.next().map(disagreement)
        });
        if let Some(refusal) = first {
            let at = locate(text, &refusal.path);
            return Err(Error::InvalidFile {
                file: PROJECT_FILE.into(),
                line: at.map(|(line, _)| line),
                column: at.map(|(_, column)| column),
                message: refusal.message,
                hint: Some(refusal.hint),
            });
        }
        Ok((read.project, read.format))
    }
}
