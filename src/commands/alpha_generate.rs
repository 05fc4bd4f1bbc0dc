//! `kubeforge alpha generate`: the project scaffolded afresh from its PROJECT file into another
//! directory, as kubebuilder's `alpha generate` does. `init` is run with the project's options,
//! then `create api` for each resource and `create webhook` for each that has webhooks, in the
//! order PROJECT lists them, `create apiserver` for each aggregated kind, and last `edit --plugins
//! helm` when the project has the Helm chart.
//!
//! An external kind is made again from the copy of its CRD that the project keeps, as it was.
//! What PROJECT does not record is not replayed: the kinds come back as the templates make them
//! (a kind made from a resource description gets the scaffold's example types), code written by
//! hand is left behind, and kinds made before `edit --multigroup` take the project's layout.

use std::path::{Path, PathBuf};

use crate::cli::AlphaGenerateArgs;
use crate::error::{Error, Result};
use crate::model::Resource;
use crate::model::project::{AggregatedKind, License, Project, ResourceEntry, Runtime};
use crate::scaffold::Plan;

/// What `alpha generate` does: replay `commands` into `output`.
pub struct Settings {
    /// The new project's directory, which does not exist yet or is empty.
    pub output: PathBuf,
    /// The command lines to run there, in order (without the program name).
    pub commands: Vec<Vec<String>>,
}

/// Reads the project at `root` and settles where to scaffold it again.
pub fn resolve(root: &Path, args: &AlphaGenerateArgs) -> Result<Settings> {
    let output = if args.output_dir.is_absolute() {
        args.output_dir.clone()
    } else {
        root.join(&args.output_dir)
    };
    let empty = match std::fs::read_dir(&output) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(_) => false,
    };
    if !empty {
        return Err(Error::usage(
            format!(
                "--output-dir {}: not an empty directory",
                args.output_dir.display()
            ),
            "name a directory that does not exist yet (or is empty): the project is scaffolded there afresh",
        ));
    }
    let project = super::inputs::load_project(&mut Plan::new(root))?;
    Ok(Settings {
        output,
        commands: replay(&project, root),
    })
}

/// The command lines that scaffold `project`, which is at `root`, again, in order.
pub fn replay(project: &Project, root: &Path) -> Vec<Vec<String>> {
    let mut commands = vec![init(project)];
    let mut made: Vec<&ResourceEntry> = Vec::new();
    for entry in &project.resources {
        if entry.external.is_some() {
            commands.push(create_external(project, entry, root));
        } else if entry.api.is_some() || entry.controller {
            commands.push(create_api(entry, &made));
            made.push(entry);
        }
    }
    commands.extend(project.resources.iter().filter_map(create_webhook));
    commands.extend(project.apiservers.iter().map(create_apiserver));
    if project.helm {
        commands.push(words(&["edit", "--plugins", "helm"]));
    }
    commands
}

/// `init` with the project's options.
fn init(project: &Project) -> Vec<String> {
    let mut args = words(&["init", "--domain", &project.domain]);
    args.extend(words(&["--project-name", &project.project_name]));
    if !project.owner.is_empty() {
        args.extend(words(&["--owner", &project.owner]));
    }
    if project.license == License::None {
        args.extend(words(&["--license", "none"]));
    }
    args.extend(words(&["--k8s-version", &project.k8s_version]));
    if project.multigroup {
        args.push("--multigroup".into());
    }
    if project.namespaced {
        args.push("--namespaced".into());
    }
    if project.runtime == Runtime::Registry {
        args.extend(words(&["--runtime", "registry"]));
    }
    args
}

/// `create api` for one resource; `made` are the resources replayed before it.
fn create_api(entry: &ResourceEntry, made: &[&ResourceEntry]) -> Vec<String> {
    let mut args = words(&["create", "api", "--group", &entry.group]);
    args.extend(words(&["--version", &entry.version, "--kind", &entry.kind]));
    args.push(format!("--controller={}", entry.controller));
    match &entry.api {
        None => args.push("--resource=false".into()),
        Some(api) => {
            args.extend(words(&["--plural", &entry.plural]));
            args.push(format!("--namespaced={}", api.namespaced));
            // A further version of a kind is served only unless it takes over the storage.
            let earlier = made
                .iter()
                .any(|m| m.group == entry.group && m.kind == entry.kind && m.api.is_some());
            if api.storage && earlier {
                args.push("--storage".into());
            }
        }
    }
    if let Some(d) = &entry.deploy_image {
        args.extend(words(&["--plugins", "deploy-image", "--image", &d.image]));
        if !d.container_command.is_empty() {
            let command = d.container_command.join(",");
            args.extend(words(&["--image-container-command", &command]));
        }
        if let Some(port) = d.container_port {
            args.push(format!("--image-container-port={port}"));
        }
        if let Some(user) = d.run_as_user {
            args.push(format!("--run-as-user={user}"));
        }
    }
    args
}

/// `create api --external` for an external kind, from the copy of its CRD the project keeps.
fn create_external(project: &Project, entry: &ResourceEntry, root: &Path) -> Vec<String> {
    let crd = root.join(super::external::crd_copy(&Resource::new(project, entry)));
    let mut args = words(&["create", "api", "--group", &entry.group]);
    args.extend(words(&["--version", &entry.version, "--kind", &entry.kind]));
    args.push(format!("--controller={}", entry.controller));
    args.extend(words(&["--from", &crd.to_string_lossy(), "--external"]));
    args
}

/// `create apiserver` for one aggregated kind.
fn create_apiserver(kind: &AggregatedKind) -> Vec<String> {
    let mut args = words(&["create", "apiserver", "--group", &kind.group]);
    args.extend(words(&["--version", &kind.version, "--kind", &kind.kind]));
    args.extend(words(&["--plural", &kind.plural]));
    args.push(format!("--namespaced={}", kind.namespaced));
    args
}

/// `create webhook` for one resource, when it has webhooks.
fn create_webhook(entry: &ResourceEntry) -> Option<Vec<String>> {
    let hooks = entry.webhooks.as_ref()?;
    let mut args = words(&["create", "webhook", "--group", &entry.group]);
    args.extend(words(&["--version", &entry.version, "--kind", &entry.kind]));
    if hooks.defaulting {
        args.push("--defaulting".into());
    }
    if hooks.validation {
        args.push("--programmatic-validation".into());
    }
    if hooks.conversion {
        args.push("--conversion".into());
        args.push(format!("--spoke={}", hooks.spokes.join(",")));
    }
    Some(args)
}

fn words(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}
