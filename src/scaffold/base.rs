//! The scaffold base: the files kubeforge scaffolds for the project as its PROJECT describes it,
//! kept under `.kubeforge/base/` with the paths they have in the project. It is what the
//! project's files were before the user changed them, so `kubeforge alpha update` can tell the
//! user's changes from a newer kubeforge's, and merge the two.
//!
//! A `.gitignore` is kept as `.gitignore.scaffolded`, so that git does not take the copy for rules
//! of the base's own files.

use std::collections::BTreeMap;

use super::plan::Plan;
use crate::error::Result;

/// Where a project keeps its scaffold base.
pub const BASE_DIR: &str = ".kubeforge/base";

/// The name the base keeps `.gitignore` files under.
const GITIGNORE: (&str, &str) = (".gitignore", ".gitignore.scaffolded");

/// Where the base keeps the project's file `path`.
fn stored(path: &str) -> String {
    let (dir, name) = path.rsplit_once('/').map_or(("", path), |(d, n)| (d, n));
    let name = if name == GITIGNORE.0 {
        GITIGNORE.1
    } else {
        name
    };
    match dir {
        "" => format!("{BASE_DIR}/{name}"),
        dir => format!("{BASE_DIR}/{dir}/{name}"),
    }
}

/// The project's file that the base keeps at `stored` (a path under the base).
fn project_path(stored: &str) -> String {
    let rel = &stored[BASE_DIR.len() + 1..];
    match rel.strip_suffix(GITIGNORE.1) {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("{dir}{}", GITIGNORE.0),
        _ => rel.to_string(),
    }
}

/// Whether `path` (relative to the project) is a file of the base.
pub fn holds(path: &str) -> bool {
    path.strip_prefix(BASE_DIR)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The base as the plan has it: path in the project, content.
pub fn read(plan: &Plan) -> Result<BTreeMap<String, String>> {
    let mut tree = BTreeMap::new();
    for path in plan.list(BASE_DIR, "")? {
        if let Some(text) = plan.read(&path)? {
            tree.insert(project_path(&path), text);
        }
    }
    Ok(tree)
}

/// Plans the base to be `tree` (path in the project, content): changed files rewritten, files no
/// longer scaffolded deleted.
pub fn plan(plan: &mut Plan, tree: &BTreeMap<String, String>) -> Result<()> {
    for (path, text) in tree {
        plan.regenerate_if_changed(&stored(path), text.clone())?;
    }
    for path in plan.list(BASE_DIR, "")? {
        if !tree.contains_key(&project_path(&path)) {
            plan.delete(&path)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gitignore_is_kept_under_another_name() {
        assert_eq!(
            stored(".gitignore"),
            ".kubeforge/base/.gitignore.scaffolded"
        );
        assert_eq!(
            stored("a/.gitignore"),
            ".kubeforge/base/a/.gitignore.scaffolded"
        );
        assert_eq!(stored("src/main.rs"), ".kubeforge/base/src/main.rs");
        for path in [
            ".gitignore",
            "a/.gitignore",
            "src/main.rs",
            "x.gitignore.scaffolded",
        ] {
            if path.ends_with(GITIGNORE.1) {
                continue;
            }
            assert_eq!(project_path(&stored(path)), path);
        }
        assert_eq!(
            project_path(".kubeforge/base/a.gitignore.scaffolded"),
            "a.gitignore.scaffolded"
        );
    }
}
