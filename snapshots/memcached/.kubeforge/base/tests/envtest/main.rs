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
    // The control plane is kube-apiserver and etcd only: no garbage collector deletes the
    // Deployment with its owner, so `deploys` checks the owner reference it would follow.
    envtest::deploys::<memcached_operator::api::v1alpha1::Memcached, _, _>(
        &control_plane,
        memcached_operator::controllers::memcached::run,
        include_str!("../../config/samples/cache_v1alpha1_memcached.yaml"),
        serde_json::json!({
            "metadata": { "labels": { "app.kubernetes.io/instance": "memcached-sample" } },
            "spec": {
                "replicas": 1,
                "template": {
                    "spec": {
                        "securityContext": {
                            "runAsNonRoot": true,
                            "runAsUser": 1001,
                            "seccompProfile": { "type": "RuntimeDefault" }
                        },
                        "containers": [{
                            "name": "memcached",
                            "image": "memcached:1.6.26-alpine",
                            "command": ["memcached", "--memory-limit=64", "-o", "modern", "-v"],
                            "ports": [{ "containerPort": 11211, "name": "memcached" }],
                            "securityContext": {
                                "allowPrivilegeEscalation": false,
                                "capabilities": { "drop": ["ALL"] }
                            }
                        }]
                    }
                }
            }
        }),
    )
    .await;
    // The control plane is kube-apiserver and etcd only: no garbage collector deletes the
    // Deployment with its owner, so `deploys` checks the owner reference it would follow.
    envtest::deploys::<memcached_operator::api::v1alpha1::Busybox, _, _>(
        &control_plane,
        memcached_operator::controllers::busybox::run,
        include_str!("../../config/samples/cache_v1alpha1_busybox.yaml"),
        serde_json::json!({
            "metadata": { "labels": { "app.kubernetes.io/instance": "busybox-sample" } },
            "spec": {
                "replicas": 1,
                "template": {
                    "spec": {
                        "securityContext": {
                            "runAsNonRoot": true,
                            "seccompProfile": { "type": "RuntimeDefault" }
                        },
                        "containers": [{
                            "name": "busybox",
                            "image": "busybox:1.36.1",
                            "securityContext": {
                                "allowPrivilegeEscalation": false,
                                "capabilities": { "drop": ["ALL"] }
                            }
                        }]
                    }
                }
            }
        }),
    )
    .await;
    // +kubeforge:scaffold:envtest
}
