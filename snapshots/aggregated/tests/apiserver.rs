// Copyright The wardle Authors.
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

//! The extension API server on a real control plane (etcd and kube-apiserver from
//! `KUBEBUILDER_ASSETS`; `make setup-envtest` fetches them), as the cluster runs it: in a network
//! namespace of its own behind a Service (the API server proxies to no loopback address),
//! registered by an APIService for each group-version, and used through the API server: create,
//! get, list, watch, update, patch and delete of every kind, a user without RBAC refused by the
//! delegated check, discovery and OpenAPI as kubectl reads them.
//!
//! Making the network namespace needs root: without it, or without `KUBEBUILDER_ASSETS`, the test
//! says why and passes.

use kubeforge_runtime::envtest::{ControlPlane, ExtensionServer};

use wardle::api;

#[tokio::test]
async fn serves_every_kind_through_the_api_server() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    let binary = env!("CARGO_BIN_EXE_apiserver");
    let namespace = "wardle-system";
    let Some(server) =
        ExtensionServer::start(&control_plane, binary, namespace, "wardle-apiserver").await
    else {
        return;
    };
    // `kubeforge create apiserver` adds each kind here.
    server.serves::<api::v1alpha1::Flunder>().await;
    server.serves::<api::v1alpha1::Fischer>().await;
    // +kubeforge:scaffold:apiserver-checks
}
