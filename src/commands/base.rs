//! Keeping the scaffold base (`.kubeforge/base/`, see [`crate::scaffold::base`]): after every
//! command that changes PROJECT, the base becomes what this kubeforge scaffolds for the new
//! PROJECT, computed in memory by replaying `alpha generate`'s commands.
//!
//! The base holds what the templates make, never what `generate` derives from the source (CRDs,
//! RBAC roles, webhook configurations), the vendored runtime or PROJECT itself: those are
//! re-derived after an upgrade rather than merged.

use clap::Parser as _;
use std::collections::BTreeMap;

use super::external;
use crate::cli::Cli;
use crate::derive::{crds, rbac, webhooks};
use crate::error::{Error, Result};
use crate::model::project::{CLI_VERSION, PROJECT_FILE};
use crate::model::{Project, Resource};
use crate::scaffold::base::{self, BASE_DIR};
use crate::scaffold::{Plan, vendor};

/// Whether `path` is a file the templates make, which the base keeps.
pub fn scaffolded(path: &str) -> bool {
    let derived = path == PROJECT_FILE
        || path == rbac::ROLE
        || path == webhooks::MANIFESTS
        || path
            .strip_prefix(crds::CRD_BASES)
            .is_some_and(|rest| rest.starts_with('/'))
        || path
            .strip_prefix(vendor::VENDOR_DIR)
            .is_some_and(|rest| rest.starts_with('/'));
    !derived && !path.starts_with(".kubeforge/")
}

/// What this kubeforge scaffolds for `project`, with the template overrides of the project that
/// `plan` is on: `alpha generate`'s commands run one after the other on a tree in memory. The
/// CRDs that the project keeps of external kinds, which their `create api` reads, come from `plan`.
pub fn scaffold(plan: &Plan, project: &Project) -> Result<BTreeMap<String, String>> {
    let root = plan.root();
    let mut tree = BTreeMap::new();
    for entry in project.resources.iter().filter(|e| e.external.is_some()) {
        let path = external::crd_copy(&Resource::new(project, entry));
        if let Some(text) = plan.read(&path)? {
            tree.insert(path, text);
        }
    }
    for command in super::alpha_generate::replay(project, root) {
        let argv = std::iter::once("kubeforge".to_string()).chain(command);
        let cli = Cli::try_parse_from(argv).map_err(|e| Error::Other(e.into()))?;
        let plan = super::scaffolding(Plan::in_memory(root, tree), &cli.command)?;
        tree = plan.into_tree();
    }
    tree.retain(|path, _| scaffolded(path));
    Ok(tree)
}

/// Adds the new base to a command's plan when the command changes PROJECT. A project scaffolded
/// by another kubeforge (PROJECT's `cliVersion`) keeps the base of that version until
/// `alpha update` brings both up to date.
pub fn record(mut plan: Plan) -> Result<Plan> {
    let changed = plan
        .changes()
        .iter()
        .any(|(path, p)| *path == PROJECT_FILE && p.changes_disk());
    let Some(text) = plan.read(PROJECT_FILE)?.filter(|_| changed) else {
        return Ok(plan);
    };
    let (project, _) = Project::parse_as_written(&text)?;
    if project.cli_version != CLI_VERSION {
        plan.notes.push(format!(
            "note      {BASE_DIR} stays what kubeforge {} scaffolded: `kubeforge alpha update` upgrades the project to {CLI_VERSION}",
            project.cli_version
        ));
        return Ok(plan);
    }
    let tree = scaffold(&plan, &project)?;
    base::plan(&mut plan, &tree)?;
    Ok(plan)
}
