//! `kubeforge generate`: CRDs, RBAC and webhook manifests re-derived from the project's Rust
//! source, compiling nothing (see [`crate::derive`]).

use std::path::Path;

use crate::cli::GenerateArgs;
use crate::crd::CrdOptions;
use crate::error::Result;
use crate::scaffold::Plan;

/// What `generate` was asked for.
pub struct Settings {
    pub check: bool,
    pub crd: CrdOptions,
}

impl Settings {
    pub fn resolve(args: &GenerateArgs) -> Settings {
        Settings {
            check: args.check,
            crd: CrdOptions {
                max_desc_len: args.max_desc_len,
            },
        }
    }
}

pub fn plan(root: &Path, settings: &Settings) -> Result<Plan> {
    let mut plan = Plan::new(root);
    let project = super::inputs::load_project(&mut plan)?;
    crate::derive::derive(&mut plan, &project, &settings.crd)?;
    Ok(plan)
}
