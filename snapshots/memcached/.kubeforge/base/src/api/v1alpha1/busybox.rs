// Copyright The memcached-operator Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

//! The `Busybox` kind of `cache.example.com/v1alpha1`: each object
//! runs `"busybox:1.36.1"` in a Deployment of its name.
//!
//! These types are the source of the CRD `busyboxes.cache.example.com`.
//! After editing them, run `kubeforge generate` to update `config/crd/bases/`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The desired state of a Busybox.
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(group = "cache.example.com", version = "v1alpha1")]
#[kube(kind = "Busybox", namespaced)]
#[kube(status = "BusyboxStatus")]
#[serde(rename_all = "camelCase")]
pub struct BusyboxSpec {
    /// The number of replicas of the Deployment, from 1 to 3.
    #[schemars(range(min = 1, max = 3))]
    pub size: i32,
}

/// The observed state of a Busybox.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, KubeSchema)]
#[serde(rename_all = "camelCase")]
pub struct BusyboxStatus {
    /// The latest observations of the object's state: `Available`, `Progressing` and
    /// `Degraded`, one of each type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[x_kube(merge_strategy = kube::core::ListMerge::Map(vec!["type".into()]))]
    pub conditions: Vec<Condition>,
}
