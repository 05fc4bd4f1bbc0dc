//! The `Frigate` kind of `ship.example.org/v1beta1`.
//!
//! These types are the source of the CRD `frigates.ship.example.org`.
//! After editing them, run `kubeforge generate` to update `config/crd/bases/`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The desired state of a Frigate.
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(group = "ship.example.org", version = "v1beta1")]
#[kube(kind = "Frigate", namespaced)]
#[kube(status = "FrigateStatus")]
#[serde(rename_all = "camelCase")]
pub struct FrigateSpec {
    /// An example field of Frigate. Edit frigate.rs to remove or update it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foo: Option<String>,
}

/// The observed state of a Frigate.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, KubeSchema)]
#[serde(rename_all = "camelCase")]
pub struct FrigateStatus {
    /// The `.metadata.generation` that the controller last reconciled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,

    /// The latest observations of the object's state: `Ready`, `Progressing` and `Degraded`,
    /// one of each type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[x_kube(merge_strategy = kube::core::ListMerge::Map(vec!["type".into()]))]
    pub conditions: Vec<Condition>,
}
