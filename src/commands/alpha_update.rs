//! `kubeforge alpha update`: upgrades a project to this kubeforge by a three-way merge of every
//! scaffolded file, as kubebuilder's `alpha update` does with git:
//!
//! - base: what the project's kubeforge scaffolded, recorded in `.kubeforge/base/` by every
//!   command that changed PROJECT (see [`super::base`]);
//! - ours: the file as it is in the project;
//! - theirs: what this kubeforge scaffolds for the same PROJECT, replayed in memory.
//!
//! A file nobody changed stays; one only kubeforge changed is replaced; one both changed is
//! merged line by line, and where both changed the same lines it gets conflict markers and is
//! listed. Nothing the user wrote is dropped: a file the user deleted is not brought back, and a
//! file kubeforge no longer scaffolds is deleted only when the user left it as it was. The base
//! then becomes this kubeforge's, PROJECT's `cliVersion` this version, and the derived files
//! (CRDs, RBAC, webhook configurations, the vendored runtime) are re-derived, unless a Rust file
//! has conflicts: then `kubeforge generate` does that once they are resolved.

use std::collections::BTreeSet;

use diffy::{ConflictStyle, IncompleteHunkStyle, MergeOptions};

use crate::crd::CrdOptions;
use crate::error::{Error, Result};
use crate::model::project::{CLI_VERSION, PROJECT_FILE};
use crate::scaffold::base::{self, BASE_DIR};
use crate::scaffold::{IfExists, Plan};

/// The upgrade: its plan, and the files that will hold conflict markers.
pub struct Update {
    pub plan: Plan,
    pub conflicts: Vec<String>,
}

/// The command's outcome once the plan is written: a failure naming the files with conflicts.
pub fn outcome(conflicts: &[String]) -> Result<()> {
    if conflicts.is_empty() {
        return Ok(());
    }
    Err(Error::Failed(format!(
        "{} file(s) have conflicts between your changes and this kubeforge's: {}\n  hint: resolve the conflict markers (<<<<<<< ours is your file, ||||||| original what kubeforge scaffolded before, >>>>>>> theirs what it scaffolds now), then run `kubeforge generate`",
        conflicts.len(),
        conflicts.join(", ")
    )))
}

pub fn plan(mut plan: Plan) -> Result<Update> {
    let project = super::inputs::load_project(&mut plan)?;
    let recorded = base::read(&plan)?;
    let mut upgraded = project.clone();
    upgraded.cli_version = CLI_VERSION.into();
    let theirs = super::base::scaffold(&plan, &upgraded)?;
    if recorded.is_empty() {
        if project.cli_version != CLI_VERSION {
            return Err(Error::usage(
                format!(
                    "{BASE_DIR}/ is missing: there is no record of what kubeforge {} scaffolded, so your changes cannot be told from its",
                    project.cli_version
                ),
                "restore .kubeforge/base from version control; or scaffold the project afresh with `kubeforge alpha generate --output-dir DIR` and carry your code over by hand",
            ));
        }
        plan.notes.push(format!(
            "note      {BASE_DIR} was missing; it now records what kubeforge {CLI_VERSION} scaffolds, and there is nothing to merge"
        ));
        base::plan(&mut plan, &theirs)?;
        return Ok(Update {
            plan,
            conflicts: Vec::new(),
        });
    }

    let mut conflicts = Vec::new();
    let paths: BTreeSet<&String> = recorded.keys().chain(theirs.keys()).collect();
    for path in paths {
        let (was, will) = (recorded.get(path), theirs.get(path));
        if merge_file(&mut plan, path, was, will)? {
            conflicts.push(path.clone());
        }
    }
    base::plan(&mut plan, &theirs)?;
    plan.regenerate_if_changed(PROJECT_FILE, upgraded.render()?)?;
    if conflicts.iter().any(|path| path.ends_with(".rs")) {
        plan.notes.push(
            "note      CRDs and RBAC were not re-derived: Rust files have conflicts; resolve them, then run `kubeforge generate`"
                .into(),
        );
    } else {
        crate::derive::derive(&mut plan, &upgraded, &CrdOptions::default())?;
    }
    if crate::scaffold::writer::is_noop(&plan) {
        plan.notes.push(format!(
            "the project is up to date with kubeforge {CLI_VERSION}"
        ));
    }
    Ok(Update { plan, conflicts })
}

/// Plans one scaffolded file from what kubeforge scaffolded before (`was`) and scaffolds now
/// (`will`); whether it gets conflict markers.
fn merge_file(
    plan: &mut Plan,
    path: &str,
    was: Option<&String>,
    will: Option<&String>,
) -> Result<bool> {
    if was == will {
        return Ok(false);
    }
    let ours = plan.read(path)?;
    match (was, ours, will) {
        (Some(was), Some(ours), Some(will)) if ours == *was => {
            plan.merge(path, will.clone(), false)?;
        }
        (_, Some(ours), Some(will)) if ours == *will => {}
        (was, Some(ours), Some(will)) => {
            // A file the user made where kubeforge now scaffolds one merges from nothing.
            let was = was.map_or("", |w| w.as_str());
            return match merge3(was, &ours, will) {
                Ok(merged) => plan.merge(path, merged, false).map(|()| false),
                Err(marked) => plan.merge(path, marked, true).map(|()| true),
            };
        }
        (None, None, Some(will)) => plan.scaffold(path, will.clone(), IfExists::Keep, false)?,
        (Some(_), None, Some(_)) => plan.notes.push(format!(
            "skip      {path} (you deleted it; this kubeforge scaffolds it differently: `kubeforge alpha generate` shows it)"
        )),
        (Some(was), Some(ours), None) if ours == *was => plan.delete(path)?,
        (Some(_), Some(_), None) => plan.notes.push(format!(
            "keep      {path} (this kubeforge no longer scaffolds it; you changed it, so it stays)"
        )),
        (_, _, None) => {}
    }
    Ok(false)
}

/// The three-way merge of one text file: the merged text, or the text with conflict markers.
fn merge3(base: &str, ours: &str, theirs: &str) -> std::result::Result<String, String> {
    MergeOptions::new()
        .set_conflict_style(ConflictStyle::Diff3)
        .set_incomplete_hunk_style(IncompleteHunkStyle::Git)
        .merge(base, ours, theirs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_on_different_lines_merge_and_on_the_same_line_conflict() {
        let base = "a\nb\nc\nd\ne\n";
        let ours = "a\nB by the user\nc\nd\ne\n";
        let theirs = "a\nb\nc\nd\nE by kubeforge\n";
        assert_eq!(
            merge3(base, ours, theirs).unwrap(),
            "a\nB by the user\nc\nd\nE by kubeforge\n"
        );
        let clash = merge3(base, ours, "a\nb2\nc\nd\ne\n").unwrap_err();
        assert_eq!(
            clash,
            "a\n<<<<<<< ours\nB by the user\n||||||| original\nb\n=======\nb2\n>>>>>>> theirs\nc\nd\ne\n"
        );
    }
}
