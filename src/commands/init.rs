//! `kubeforge init`: a new project in an empty (or non-Rust) directory.

use std::path::Path;

use crate::cli::{InitArgs, License as LicenseArg};
use crate::crd::CrdOptions;
use crate::error::{Error, Result};
use crate::model::names::{self, K8S_VERSIONS};
use crate::model::project::CLI_VERSION;
use crate::model::project::{LAYOUT, PROJECT_FILE, Runtime};
use crate::model::{License, Project};
use crate::scaffold::TemplateContext;
use crate::scaffold::{IfExists, Plan, Templates};

/// Validated options of `init`: the project file to be.
pub fn resolve(root: &Path, args: &InitArgs) -> Result<Project> {
    names::check_dns1123_subdomain(&args.domain).map_err(|e| {
        Error::usage(
            format!("--domain `{}` {e}", names::one_line(&args.domain)),
            "use a DNS name such as example.com",
        )
    })?;
    let project_name = match &args.project_name {
        Some(n) => n.clone(),
        None => root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default(),
    };
    names::check_project_name(&project_name).map_err(|e| {
        let flag = if args.project_name.is_some() {
            "--project-name"
        } else {
            "the directory name (default --project-name)"
        };
        Error::usage(
            format!("{flag} `{}` {e}", names::one_line(&project_name)),
            "pass --project-name with a lowercase DNS label such as `guestbook-operator`",
        )
    })?;
    names::check_one_line(&args.owner).map_err(|e| {
        Error::usage(
            format!("--owner `{}` {e}", names::one_line(&args.owner)),
            "pass the owner on one line, e.g. --owner \"The Guestbook Authors\"",
        )
    })?;
    if !K8S_VERSIONS.contains(&args.k8s_version.as_str()) {
        return Err(Error::usage(
            format!(
                "--k8s-version `{}` is not supported",
                names::one_line(&args.k8s_version)
            ),
            format!("use one of {}", K8S_VERSIONS.join(", ")),
        ));
    }
    Ok(Project {
        layout: LAYOUT.into(),
        cli_version: CLI_VERSION.into(),
        project_name,
        domain: args.domain.clone(),
        owner: args.owner.clone(),
        license: match args.license {
            LicenseArg::Apache2 => License::Apache2,
            LicenseArg::None => License::None,
        },
        k8s_version: args.k8s_version.clone(),
        multigroup: args.multigroup,
        namespaced: args.namespaced,
        runtime: match args.runtime {
            crate::cli::Runtime::Vendored => Runtime::Vendored,
            crate::cli::Runtime::Registry => Runtime::Registry,
        },
        helm: false,
        resources: Vec::new(),
        apiservers: Vec::new(),
    })
}

pub fn plan(mut plan: Plan, args: &InitArgs) -> Result<Plan> {
    let root = &plan.root().to_path_buf();
    let project = resolve(root, args)?;
    for existing in ["Cargo.toml", PROJECT_FILE] {
        if plan.exists(existing)? {
            return Err(Error::usage(
                format!("{} already holds a {existing}", root.display()),
                "run `kubeforge init` in a new, empty directory",
            ));
        }
    }
    let templates = Templates::load(root)?;
    let ctx = TemplateContext::new(&project);
    // Every template under templates/init/ makes the file at the same path.
    let mut files = templates.under("init");
    if project.license == License::Apache2 {
        files.extend(templates.under("license"));
    }
    for (template, path) in files {
        plan.scaffold(
            &path,
            templates.render(template, &ctx)?,
            IfExists::Keep,
            false,
        )?;
    }
    crate::derive::derive(&mut plan, &project, &CrdOptions::default())?;
    plan.regenerate(PROJECT_FILE, project.render()?)?;
    Ok(plan)
}
