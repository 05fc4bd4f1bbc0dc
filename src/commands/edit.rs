//! `kubeforge edit`: change project-wide options after `init`.
//!
//! The files `init` wrote that depend on an option are re-rendered when the user has not changed
//! them (their content is still what `init` would write under the old options); files the user
//! changed are kept, and the plan says what to adapt by hand.

use crate::cli::EditArgs;
use crate::crd::CrdOptions;
use crate::error::{Error, Result};
use crate::model::License;
use crate::model::project::PROJECT_FILE;
use crate::scaffold::TemplateContext;
use crate::scaffold::{Plan, Templates};

pub fn plan(mut plan: Plan, args: &EditArgs) -> Result<Plan> {
    let root = &plan.root().to_path_buf();
    let old = super::inputs::load_project(&mut plan)?;
    let mut project = old.clone();
    let helm = plugins(&args.plugins)?;
    if args.multigroup.is_none() && args.namespaced.is_none() && !helm {
        return Err(Error::usage(
            "nothing to edit",
            "pass --multigroup[=BOOL], --namespaced[=BOOL] and/or --plugins helm",
        ));
    }
    project.helm |= helm;
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
                "note      existing APIs and controllers stay where they are; kinds created from now on use the new layout"
                    .into(),
            );
        }
        project.multigroup = multigroup;
    }
    if let Some(namespaced) = args.namespaced {
        project.namespaced = namespaced;
    }

    let templates = Templates::load(root)?;
    let (before, after) = (TemplateContext::new(&old), TemplateContext::new(&project));
    let mut files = templates.under("init");
    if project.license == License::Apache2 {
        files.extend(templates.under("license"));
    }
    for (template, path) in files {
        let (was, will) = (
            templates.render(template, &before)?,
            templates.render(template, &after)?,
        );
        if was == will {
            continue;
        }
        match plan.read_disk(&path)? {
            Some(disk) if disk == was => plan.rewrite(&path, will, "follows the new options")?,
            Some(_) => plan.notes.push(format!(
                "keep      {path} (changed since init; adapt it by hand: `kubeforge init --dry-run` in an empty directory shows the new version)"
            )),
            None => plan.notes.push(format!("skip      {path} (removed from the project)")),
        }
    }
    crate::derive::derive(&mut plan, &project, &CrdOptions::default())?;
    plan.regenerate(PROJECT_FILE, project.render()?)?;
    Ok(plan)
}

/// The plugins `--plugins` of `edit` knows, as kubebuilder names its helm plugin.
const PLUGINS: &[&str] = &["helm", "helm/v2-alpha"];

/// Whether `--plugins` enables the Helm chart; an unknown plugin is refused.
fn plugins(names: &[String]) -> Result<bool> {
    if let Some(unknown) = names.iter().find(|p| !PLUGINS.contains(&p.as_str())) {
        return Err(Error::usage(
            format!("--plugins `{unknown}`: no such plugin for edit"),
            format!("the plugins edit knows are {}", PLUGINS.join(", ")),
        ));
    }
    Ok(!names.is_empty())
}
