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

//! The controllers against a real API server, as kubebuilder's envtest suite: etcd and
//! kube-apiserver from `KUBEBUILDER_ASSETS` (`make setup-envtest` fetches them), the CRDs of
//! `config/crd/bases` installed, and each controller run in this process on its kind's sample.
//! Skipped, with a message, when `KUBEBUILDER_ASSETS` is unset.

use kubeforge_runtime::envtest;

#[tokio::test]
async fn controllers_reconcile_on_a_real_api_server() {
    let Some(control_plane) = envtest::ControlPlane::start().await else {
        return;
    };
    control_plane.install_crds("config/crd/bases").await;
    // One check per controller; `kubeforge create api` adds them here.
    envtest::reconciles::<wardle::api::v1::Store, _, _>(
        &control_plane,
        wardle::controllers::store::run,
        wardle::controllers::store::FINALIZER,
        include_str!("../../config/samples/shop_v1_store.yaml"),
        true,
    )
    .await;
    // +kubeforge:scaffold:envtest
}
