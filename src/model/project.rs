//! The PROJECT file: the project's options and every resource, enough to replay the project.

use serde::{Deserialize, Serialize};

use crate::error::Result;

pub const PROJECT_FILE: &str = "PROJECT";
pub const LAYOUT: &str = "kubeforge.io/v1";
/// The version of kubeforge recorded in PROJECT files.
pub const CLI_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Project {
    pub layout: String,
    pub cli_version: String,
    pub project_name: String,
    pub domain: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    pub license: License,
    pub k8s_version: String,
    pub multigroup: bool,
    pub namespaced: bool,
    /// Where the project gets `kubeforge-runtime` (absent: vendored).
    #[serde(default, skip_serializing_if = "Runtime::is_vendored")]
    pub runtime: Runtime,
    #[serde(default)]
    pub resources: Vec<ResourceEntry>,
}

/// Where a project gets the `kubeforge-runtime` crate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    /// A copy under `vendor/kubeforge-runtime/`, kept current by every command.
    #[default]
    Vendored,
    /// The published crate.
    Registry,
}

impl Runtime {
    fn is_vendored(&self) -> bool {
        *self == Runtime::Vendored
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum License {
    Apache2,
    None,
}

/// One resource of the project: a kind the project defines (`api`), reconciles (`controller`),
/// or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceEntry {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiOptions>,
    pub controller: bool,
    /// A kind of Kubernetes itself (group `core`, `apps`, ...) the project reconciles.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub builtin: bool,
    /// The admission and conversion webhooks of this version of the kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<WebhookOptions>,
    /// The options of the `deploy-image` plugin, when the kind's controller was made by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_image: Option<DeployImageOptions>,
}

/// What `create api --plugins deploy-image` was given for a kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeployImageOptions {
    pub image: String,
    /// The container's command, one word per item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_command: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
}

/// What `kubeforge create webhook` added for one version of a kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookOptions {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub defaulting: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub validation: bool,
    /// This version is the hub of conversions to and from `spokes`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conversion: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spokes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiOptions {
    pub namespaced: bool,
    pub storage: bool,
}

impl Project {
    pub fn render(&self) -> Result<String> {
        Ok(format!(
            "{}{}",
            crate::yaml::GENERATED_HEADER,
            crate::yaml::to_string(self)?
        ))
    }

    /// The `k8s-openapi` feature for the targeted Kubernetes version, e.g. `v1_33`.
    pub fn k8s_feature(&self) -> String {
        format!("v{}", self.k8s_version.replace('.', "_"))
    }

    /// Replaces the entry of the same group, version and kind, or adds `entry`.
    pub fn upsert(&mut self, entry: ResourceEntry) {
        let same = |r: &&mut ResourceEntry| {
            r.group == entry.group && r.version == entry.version && r.kind == entry.kind
        };
        match self.resources.iter_mut().find(same) {
            Some(slot) => *slot = entry,
            None => self.resources.push(entry),
        }
    }

    pub fn find(&self, group: &str, version: &str, kind: &str) -> Option<&ResourceEntry> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.kind == kind)
    }
}
