// Copyright The names-operator Authors.
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
    envtest::reconciles::<names_operator::api::v1::Api, _, _>(
        &control_plane,
        names_operator::controllers::api::run,
        names_operator::controllers::api::FINALIZER,
        include_str!("../../config/samples/app_v1_api.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Resource, _, _>(
        &control_plane,
        names_operator::controllers::resource::run,
        names_operator::controllers::resource::FINALIZER,
        include_str!("../../config/samples/app_v1_resource.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Result, _, _>(
        &control_plane,
        names_operator::controllers::result::run,
        names_operator::controllers::result::FINALIZER,
        include_str!("../../config/samples/app_v1_result.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Error, _, _>(
        &control_plane,
        names_operator::controllers::error::run,
        names_operator::controllers::error::FINALIZER,
        include_str!("../../config/samples/app_v1_error.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Context, _, _>(
        &control_plane,
        names_operator::controllers::context::run,
        names_operator::controllers::context::FINALIZER,
        include_str!("../../config/samples/app_v1_context.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Duration, _, _>(
        &control_plane,
        names_operator::controllers::duration::run,
        names_operator::controllers::duration::FINALIZER,
        include_str!("../../config/samples/app_v1_duration.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Arc, _, _>(
        &control_plane,
        names_operator::controllers::arc::run,
        names_operator::controllers::arc::FINALIZER,
        include_str!("../../config/samples/app_v1_arc.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Condition, _, _>(
        &control_plane,
        names_operator::controllers::condition::run,
        names_operator::controllers::condition::FINALIZER,
        include_str!("../../config/samples/app_v1_condition.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::JsonSchema, _, _>(
        &control_plane,
        names_operator::controllers::json_schema::run,
        names_operator::controllers::json_schema::FINALIZER,
        include_str!("../../config/samples/app_v1_json_schema.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Serialize, _, _>(
        &control_plane,
        names_operator::controllers::serialize::run,
        names_operator::controllers::serialize::FINALIZER,
        include_str!("../../config/samples/app_v1_serialize.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Deserialize, _, _>(
        &control_plane,
        names_operator::controllers::deserialize::run,
        names_operator::controllers::deserialize::FINALIZER,
        include_str!("../../config/samples/app_v1_deserialize.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Webhook, _, _>(
        &control_plane,
        names_operator::controllers::webhook::run,
        names_operator::controllers::webhook::FINALIZER,
        include_str!("../../config/samples/app_v1_webhook.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Operation, _, _>(
        &control_plane,
        names_operator::controllers::operation::run,
        names_operator::controllers::operation::FINALIZER,
        include_str!("../../config/samples/app_v1_operation.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Box, _, _>(
        &control_plane,
        names_operator::controllers::box_::run,
        names_operator::controllers::box_::FINALIZER,
        include_str!("../../config/samples/app_v1_box_.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<names_operator::api::v1::Event, _, _>(
        &control_plane,
        names_operator::controllers::event::run,
        names_operator::controllers::event::FINALIZER,
        include_str!("../../config/samples/app_v1_event.yaml"),
        true,
    )
    .await;
    // +kubeforge:scaffold:envtest
}
