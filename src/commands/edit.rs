//! `kubeforge edit`: change project-wide options after `init`.

use std::path::Path;

use crate::cli::EditArgs;
use crate::crd::CrdOptions;
use crate::error::{Error, Result};
use crate::model::project::PROJECT_FILE;
use crate::scaffold::Plan;

pub fn plan(root: &Path, args: &EditArgs) -> Result<Plan> {
    let mut plan = Plan::new(root);
    let mut project = super::load_project(&plan)?;
    if args.multigroup.is_none() && args.namespaced.is_none() {
        return Err(Error::usage(
            "nothing to edit",
            "pass --multigroup[=BOOL] and/or --namespaced[=BOOL]",
        ));
    }
    if let Some(multigroup) = args.multigroup {
        if !multigroup && project.multigroup {
            let groups: std::collections::BTreeSet<&str> = project
                .resources
                .iter()
                .filter(|r| r.api.is_some())
                .map(|r| r.group.as_str())
                .collect();
            if groups.len() > 1 {
                return Err(Error::usage(
                    format!(
                        "--multigroup=false: the project has APIs in {} groups",
                        groups.len()
                    ),
                    "the single-group layout holds one group; keep --multigroup",
                ));
            }
        }
        if multigroup != project.multigroup
            && project
                .resources
                .iter()
                .any(|r| r.api.is_some() || r.controller)
        {
            plan.notes.push(
                "note      existing APIs and controllers stay where they are; only kinds created from now on use the new layout"
                    .into(),
            );
        }
        project.multigroup = multigroup;
    }
    if let Some(namespaced) = args.namespaced {
        project.namespaced = namespaced;
    }
    super::generate::derive(&mut plan, &project, &CrdOptions::default())?;
    plan.regenerate(PROJECT_FILE, project.render()?)?;
    Ok(plan)
}
