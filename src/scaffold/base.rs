//! The scaffold base: the files kubeforge scaffolds for the project as its PROJECT describes it,
//! kept under `.kubeforge/base/` with the paths they have in the project. It is what the
//! project's files were before the user changed them, so `kubeforge alpha update` can tell the
//! user's changes from a newer kubeforge's, and merge the two.

use std::collections::BTreeMap;

use super::plan::Plan;
use crate::error::Result;

/// Where a project keeps its scaffold base.
pub const BASE_DIR: &str = ".kubeforge/base";

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
            let rel = path[BASE_DIR.len() + 1..].to_string();
            tree.insert(rel, text);
        }
    }
    Ok(tree)
}

/// Plans the base to be `tree` (path in the project, content): changed files rewritten, files no
/// longer scaffolded deleted.
pub fn plan(plan: &mut Plan, tree: &BTreeMap<String, String>) -> Result<()> {
    for (path, text) in tree {
        plan.regenerate_if_changed(&format!("{BASE_DIR}/{path}"), text.clone())?;
    }
    for path in plan.list(BASE_DIR, "")? {
        if !tree.contains_key(&path[BASE_DIR.len() + 1..]) {
            plan.delete(&path)?;
        }
    }
    Ok(())
}
