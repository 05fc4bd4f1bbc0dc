//! Writes stay inside the project: every directory a changed file would be written through is
//! checked, symbolic links resolved, to lie under the project root.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use super::plan::{Action, Plan};
use crate::error::{Error, Result};

/// Refuses the plan when a file would land outside the project: a path that leaves it, or a
/// directory on the way that is a symbolic link to somewhere else.
pub fn check(plan: &Plan) -> Result<()> {
    let Ok(root) = plan.root().canonicalize() else {
        // A project directory that does not exist yet is created with real directories only.
        return Ok(());
    };
    let mut inside = BTreeSet::new();
    for (path, planned) in plan.changes() {
        if !planned.changes_disk() {
            continue;
        }
        check_path(plan.root(), &root, path, &mut inside)?;
        if let Action::Overwrite { orig: Some(_) } = planned.action {
            check_path(plan.root(), &root, &format!("{path}.orig"), &mut inside)?;
        }
    }
    Ok(())
}

/// Checks each directory of `path` that exists; `inside` remembers those found good.
fn check_path(base: &Path, root: &Path, path: &str, inside: &mut BTreeSet<PathBuf>) -> Result<()> {
    let relative = Path::new(path);
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(outside(base.join(path), "the path leaves the project"));
    }
    let mut dir = PathBuf::new();
    for component in relative.parent().into_iter().flat_map(Path::components) {
        dir.push(component);
        if inside.contains(&dir) {
            continue;
        }
        let full = base.join(&dir);
        let Ok(meta) = std::fs::symlink_metadata(&full) else {
            // Missing from here on: created as plain directories.
            return Ok(());
        };
        if meta.file_type().is_symlink() {
            match full.canonicalize() {
                Ok(target) if target.starts_with(root) => {}
                Ok(target) => {
                    return Err(outside(
                        full,
                        &format!(
                            "a symbolic link to {}, outside the project",
                            target.display()
                        ),
                    ));
                }
                Err(_) => return Err(outside(full, "a symbolic link that leads nowhere")),
            }
        }
        inside.insert(dir.clone());
    }
    Ok(())
}

fn outside(file: PathBuf, what: &str) -> Error {
    Error::InvalidFile {
        file,
        line: None,
        column: None,
        message: format!(
            "{what}: kubeforge writes only inside the project, so nothing was written"
        ),
        hint: Some(
            "replace the link with a directory of the project, or point it inside the project"
                .into(),
        ),
    }
}
