//! `kubeforge create api --from crd.yaml --external`: a kind whose CRD another project defines
//! and installs, as kubebuilder's `--external-api-path` and `--external-api-domain`. The kind's
//! types are written from the CRD and it gets a controller, but the project derives no CRD of
//! it: the CRD is kept as given under `config/crd/external/`, outside `config/default`, for the
//! envtest suite to install.
//!
//! PROJECT records such a kind as kubebuilder does: `external: true`, its `group` the CRD's group
//! up to the first dot and its `domain` the rest (`cert-manager` and `io` for `cert-manager.io`).

use crate::cli::CreateApiArgs;
use crate::derive::crds::crd_file_name;
use crate::description::Description;
use crate::error::{Error, Result};
use crate::model::Resource;
use crate::scaffold::Plan;

/// Where the CRDs of external kinds are kept, each as given.
pub const EXTERNAL_CRDS: &str = "config/crd/external";

/// The kept copy of the CRD of the external kind `r`.
pub fn crd_copy(r: &Resource) -> String {
    format!(
        "{EXTERNAL_CRDS}/{}",
        crd_file_name(r.full_group.api(), &r.plural)
    )
}

/// Refuses the flags that `--external` does not go with, before anything is read.
pub fn check_flags(args: &CreateApiArgs) -> Result<()> {
    if !args.external {
        return Ok(());
    }
    let refuse = |what: &str, fix: &str| Err(Error::usage(format!("--external {what}"), fix));
    if args.from.is_none() {
        return refuse(
            "needs --from with the kind's CRD manifest",
            "pass the CRD that the other project installs: `kubeforge create api --from crd.yaml --external`",
        );
    }
    if args.resource == Some(false) {
        return refuse(
            "with --resource=false",
            "leave out --resource=false: an external kind's types come from its CRD",
        );
    }
    if !args.plugins.is_empty() {
        return refuse(
            "with --plugins",
            "leave out --plugins: the deploy-image plugin makes kinds of the project's own",
        );
    }
    Ok(())
}

/// The domain of the external kind of `desc`: its CRD's group after the first label. Refuses a
/// resource description (it is not another project's CRD) and a file of several documents.
pub fn domain(args: &CreateApiArgs, desc: &Description) -> Result<String> {
    let from = args.from.as_deref().unwrap_or(std::path::Path::new("?"));
    if desc.crd().is_none() {
        return Err(Error::usage(
            format!(
                "--external: {} is a resource description, not a CustomResourceDefinition",
                from.display()
            ),
            "give --from the CRD manifest the other project installs, or leave out --external to make a kind of this project",
        ));
    }
    let group = desc.group().unwrap_or_default();
    let Some((short, domain)) = group.split_once('.') else {
        return Err(desc.error_at(
            "group",
            format!("the CRD's group `{group}` has no dot"),
            "a CRD's group is a domain name with a dot, such as `cert-manager.io`",
        ));
    };
    if let Some(flag) = &args.group
        && flag != short
        && flag != group
    {
        return Err(desc.error_at(
            "group",
            format!("`group: {group}` disagrees with --group {flag}"),
            format!("drop --group, or pass --group {group}"),
        ));
    }
    Ok(domain.to_string())
}

/// The text of `--from` kept as the external kind's CRD: one document, the CRD alone.
pub fn keep(plan: &mut Plan, r: &Resource, text: &str, force: bool) -> Result<()> {
    let from = crate::yaml::documents(text);
    if from.len() != 1 {
        return Err(Error::usage(
            format!(
                "--external: the file holds {} YAML documents; the kind's CRD is kept as given, alone",
                from.len()
            ),
            "give --from a file with the kind's CRD alone",
        ));
    }
    let path = crd_copy(r);
    plan.scaffold(
        &path,
        text.to_string(),
        crate::scaffold::IfExists::KeepUnlessForced,
        force,
    )
}
