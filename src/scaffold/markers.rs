//! Every marker the commands inject at: its name, the file that holds it, and the fragment
//! template that fills it. A command names the marker; where it is and what goes there is read
//! from this table.

use super::context::TemplateContext;
use super::plan::Plan;
use super::templates::Templates;
use crate::error::Result;

/// A `+kubeforge:scaffold:<name>` line in a generated file, and what is injected above it.
pub struct Marker {
    /// The name after `+kubeforge:scaffold:`.
    pub name: &'static str,
    /// The file that holds it: a path of the project, or a pattern of `Resource::expand`.
    pub file: &'static str,
    /// The template under `templates/fragments/` that renders what is injected, without `.tera`.
    pub fragment: &'static str,
}

impl Marker {
    /// Renders the marker's fragment with `ctx` and injects it in the marker's file (expanded for
    /// the context's resource).
    pub fn inject(
        &self,
        plan: &mut Plan,
        templates: &Templates,
        ctx: &TemplateContext,
    ) -> Result<()> {
        let text = templates.render(&self.template(), ctx)?;
        self.inject_text(plan, ctx, &text)
    }

    /// Injects `text` at the marker, in its file expanded for the context's resource.
    pub fn inject_text(&self, plan: &mut Plan, ctx: &TemplateContext, text: &str) -> Result<()> {
        let file = match ctx.resource {
            Some(r) => r.expand(self.file),
            None => self.file.to_string(),
        };
        plan.inject(&file, self.name, text)
    }

    /// The inverse of [`Marker::inject`]: removes the fragment rendered with `ctx` from the
    /// marker's file, where it stands; whether it was there.
    pub fn remove(
        &self,
        plan: &mut Plan,
        templates: &Templates,
        ctx: &TemplateContext,
    ) -> Result<bool> {
        let text = templates.render(&self.template(), ctx)?;
        self.remove_text(plan, ctx, &text)
    }

    /// Removes `text` from the marker's file, expanded for the context's resource.
    pub fn remove_text(&self, plan: &mut Plan, ctx: &TemplateContext, text: &str) -> Result<bool> {
        let file = match ctx.resource {
            Some(r) => r.expand(self.file),
            None => self.file.to_string(),
        };
        plan.remove_injected(&file, self.name, text)
    }

    /// The fragment's template name.
    pub fn template(&self) -> String {
        format!("fragments/{}.tera", self.fragment)
    }
}

const fn marker(name: &'static str, file: &'static str, fragment: &'static str) -> Marker {
    Marker {
        name,
        file,
        fragment,
    }
}

/// The version (single-group) or group (multigroup) module of a kind, in `src/api/mod.rs`.
pub const API_MODULES: Marker = marker("api-modules", "src/api/mod.rs", "api-modules");
/// The version module of a kind, in its group's module (multigroup).
pub const API_GROUP_MODULES: Marker = marker(
    "api-modules",
    "src/api/{group_module}/mod.rs",
    "api-modules",
);
/// The kind's module, in its version's module.
pub const KINDS: Marker = marker("kinds", "{api_dir}/mod.rs", "kinds");
/// The kind's CRD, printed by `crdgen`.
pub const CRDS: Marker = marker("crds", "src/bin/crdgen.rs", "crds");
/// The kind's sample, in the samples' kustomization.
pub const SAMPLES: Marker = marker(
    "manifestskustomizesamples",
    "config/samples/kustomization.yaml",
    "manifestskustomizesamples",
);
/// The kind's admin, editor and viewer roles.
pub const RBAC_ROLES: Marker = marker(
    "rbackustomizeroles",
    "config/rbac/kustomization.yaml",
    "rbackustomizeroles",
);
/// The CRDs, in the default kustomization (with the first kind).
pub const DEFAULT_CRD: Marker = marker(
    "defaultkustomizecrd",
    "config/default/kustomization.yaml",
    "defaultkustomizecrd",
);
/// The kind's CRD file, in the CRD kustomization; its text is the file's name, not a fragment.
pub const CRD_RESOURCES: Marker =
    marker("crdkustomizeresource", "config/crd/kustomization.yaml", "");
/// The controller's module (single-group) or group module (multigroup).
pub const CONTROLLER_MODULES: Marker = marker(
    "controller-modules",
    "src/controllers/mod.rs",
    "controller-modules",
);
/// The controller's module, in its group's module (multigroup).
pub const CONTROLLER_GROUP_MODULES: Marker = marker(
    "controller-modules",
    "{controller_dir}/mod.rs",
    "controller-modules",
);
/// The controller, started by the manager.
pub const CONTROLLERS: Marker = marker("controllers", "src/main.rs", "controllers");
/// The controller's check on the real API server, for a controller that reports conditions.
pub const ENVTEST: Marker = marker("envtest", "tests/envtest/main.rs", "envtest");
/// The same, for a controller that leaves the status to the kind's own code.
pub const ENVTEST_NO_STATUS: Marker =
    marker("envtest", "tests/envtest/main.rs", "envtest-no-status");
/// The same, for a controller of the deploy-image plugin: its Deployment.
pub const ENVTEST_DEPLOY_IMAGE: Marker =
    marker("envtest", "tests/envtest/main.rs", "envtest-deploy-image");
/// The same, for the controller of an external kind: its CRD, kept under `config/crd/external/`,
/// installed first.
pub const ENVTEST_EXTERNAL: Marker = marker("envtest", "tests/envtest/main.rs", "envtest-external");
/// An environment variable of the manager's container, such as the image of the deploy-image
/// plugin.
pub const MANAGER_ENV: Marker = marker("managerenv", "config/manager/manager.yaml", "managerenv");
/// The webhook manifests, in the default kustomization (with the first webhook).
pub const DEFAULT_WEBHOOK: Marker = marker(
    "defaultkustomizewebhook",
    "config/default/kustomization.yaml",
    "defaultkustomizewebhook",
);
/// The manager's webhook patches, in the default kustomization (with the first webhook).
pub const DEFAULT_WEBHOOK_PATCHES: Marker = marker(
    "defaultkustomizewebhookpatches",
    "config/default/kustomization.yaml",
    "defaultkustomizewebhookpatches",
);
/// The network policy that lets the API server reach the webhooks.
pub const NETWORK_POLICY: Marker = marker(
    "networkpolicykustomize",
    "config/network-policy/kustomization.yaml",
    "networkpolicykustomize",
);
/// The version (single-group) or group (multigroup) module of a kind's webhooks.
pub const WEBHOOK_MODULES: Marker =
    marker("webhook-modules", "src/webhooks/mod.rs", "webhook-modules");
/// The version module of a kind's webhooks, in its group's module (multigroup).
pub const WEBHOOK_GROUP_MODULES: Marker = marker(
    "webhook-modules",
    "src/webhooks/{group_module}/mod.rs",
    "webhook-modules",
);
/// A kind's webhook or conversion module, in its version's module.
pub const WEBHOOK_KINDS: Marker = marker("webhook-kinds", "{webhook_dir}/mod.rs", "webhook-kinds");
/// The defaulting and validation hooks of a kind.
pub const WEBHOOK_HOOKS: Marker = marker(
    "webhook-hooks",
    "{webhook_dir}/{module}.rs",
    "webhook-hooks",
);
/// A spoke of a kind's conversion.
pub const CONVERSION_SPOKES: Marker = marker(
    "conversion-spokes",
    "{webhook_dir}/{module}_conversion.rs",
    "conversion-spokes",
);
/// A webhook's registration with the manager's webhook server.
pub const WEBHOOKS: Marker = marker("webhooks", "src/webhooks/mod.rs", "webhooks");
/// The webhook manifests, in the webhook kustomization.
pub const WEBHOOK_MANIFESTS: Marker = marker(
    "webhookkustomizemanifests",
    "config/webhook/kustomization.yaml",
    "webhookkustomizemanifests",
);
/// The conversion patch of a kind's CRD.
pub const CRD_WEBHOOK_PATCH: Marker = marker(
    "crdkustomizewebhookpatch",
    "config/crd/kustomization.yaml",
    "crdkustomizewebhookpatch",
);

/// A module of the crate, in `src/lib.rs`.
pub const LIB_MODULES: Marker = marker("lib-modules", "src/lib.rs", "lib-modules");
/// An aggregated kind's storage module, in the API server's module.
pub const APISERVER_KINDS: Marker =
    marker("apiserver-kinds", "src/apiserver/mod.rs", "apiserver-kinds");
/// An aggregated kind, served by the API server.
pub const APISERVER_RESOURCES: Marker = marker(
    "apiserver-resources",
    "src/apiserver/mod.rs",
    "apiserver-resources",
);
/// An aggregated kind's APIService (one per group-version), in the API server's kustomization.
pub const APISERVER_SERVICES: Marker = marker(
    "apiserver-apiservices",
    "config/apiserver/kustomization.yaml",
    "apiserver-apiservices",
);
/// An aggregated kind's roles, in the API server's kustomization.
pub const APISERVER_ROLES: Marker = marker(
    "apiserver-roles",
    "config/apiserver/kustomization.yaml",
    "apiserver-roles",
);

/// An aggregated kind's check on the control plane, in the API server's test.
pub const APISERVER_CHECKS: Marker =
    marker("apiserver-checks", "tests/apiserver.rs", "apiserver-checks");

/// Every marker, for checks.
pub const ALL: &[&Marker] = &[
    &API_MODULES,
    &API_GROUP_MODULES,
    &KINDS,
    &CRDS,
    &SAMPLES,
    &RBAC_ROLES,
    &DEFAULT_CRD,
    &CRD_RESOURCES,
    &CONTROLLER_MODULES,
    &CONTROLLER_GROUP_MODULES,
    &CONTROLLERS,
    &ENVTEST,
    &ENVTEST_NO_STATUS,
    &ENVTEST_DEPLOY_IMAGE,
    &ENVTEST_EXTERNAL,
    &MANAGER_ENV,
    &DEFAULT_WEBHOOK,
    &DEFAULT_WEBHOOK_PATCHES,
    &NETWORK_POLICY,
    &WEBHOOK_MODULES,
    &WEBHOOK_GROUP_MODULES,
    &WEBHOOK_KINDS,
    &WEBHOOK_HOOKS,
    &CONVERSION_SPOKES,
    &WEBHOOKS,
    &WEBHOOK_MANIFESTS,
    &CRD_WEBHOOK_PATCH,
    &LIB_MODULES,
    &APISERVER_KINDS,
    &APISERVER_RESOURCES,
    &APISERVER_SERVICES,
    &APISERVER_ROLES,
    &APISERVER_CHECKS,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::inject::marker as marker_line;
    use crate::scaffold::templates::{EMBEDDED, embedded_files};

    /// Each marker has its fragment template, and is a line of some embedded template (the one
    /// that makes its file), written as the file's comments are.
    #[test]
    fn every_marker_has_its_fragment_and_its_line() {
        let mut embedded = Vec::new();
        embedded_files(&EMBEDDED, &mut embedded);
        for m in ALL {
            if !m.fragment.is_empty() {
                assert!(
                    embedded.iter().any(|(name, _)| *name == m.template()),
                    "{}: no template {}",
                    m.name,
                    m.template()
                );
            }
            let line = marker_line(m.file, m.name);
            assert!(
                embedded
                    .iter()
                    .any(|(_, body)| body.lines().any(|l| l.trim() == line)),
                "no template holds `{line}`"
            );
        }
    }
}
