//! The `Admiral` kind of `sea-ops.example.org/v1`.
//!
//! These types are the source of the CRD `admirals.sea-ops.example.org`.
//! After editing them, run `kubeforge generate` to update `config/crd/bases/`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The desired state of a Admiral.
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(group = "sea-ops.example.org", version = "v1")]
#[kube(kind = "Admiral")]
#[kube(status = "AdmiralStatus")]
#[serde(rename_all = "camelCase")]
pub struct AdmiralSpec {
    /// An example field of Admiral. Edit admiral.rs to remove or update it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foo: Option<String>,
}

/// The observed state of a Admiral.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, KubeSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdmiralStatus {
    /// The `.metadata.generation` that the controller last reconciled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,

    /// The latest observations of the object's state: `Ready`, `Progressing` and `Degraded`,
    /// one of each type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[x_kube(merge_strategy = kube::core::ListMerge::Map(vec!["type".into()]))]
    pub conditions: Vec<Condition>,
}
