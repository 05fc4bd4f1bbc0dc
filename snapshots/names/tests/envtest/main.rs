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

#[allow(dead_code)]
mod control_plane;

use std::{fmt::Debug, future::Future};

use k8s_openapi::api::events::v1::Event;
use kube::{
    Api, CustomResourceExt, Resource, ResourceExt,
    api::{ApiResource, DeleteParams, DynamicObject, ListParams, PostParams},
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use control_plane::{ControlPlane, eventually};

use names_operator::manager::Manager;

#[tokio::test]
async fn controllers_reconcile_on_a_real_api_server() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    control_plane.install_crds("config/crd/bases").await;
    // One check per controller; `kubeforge create api` adds them here.
    reconciles::<names_operator::api::v1::Api, _, _>(
        &control_plane,
        names_operator::controllers::api::run,
        names_operator::controllers::api::FINALIZER,
        include_str!("../../config/samples/app_v1_api.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Resource, _, _>(
        &control_plane,
        names_operator::controllers::resource::run,
        names_operator::controllers::resource::FINALIZER,
        include_str!("../../config/samples/app_v1_resource.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Result, _, _>(
        &control_plane,
        names_operator::controllers::result::run,
        names_operator::controllers::result::FINALIZER,
        include_str!("../../config/samples/app_v1_result.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Error, _, _>(
        &control_plane,
        names_operator::controllers::error::run,
        names_operator::controllers::error::FINALIZER,
        include_str!("../../config/samples/app_v1_error.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Context, _, _>(
        &control_plane,
        names_operator::controllers::context::run,
        names_operator::controllers::context::FINALIZER,
        include_str!("../../config/samples/app_v1_context.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Duration, _, _>(
        &control_plane,
        names_operator::controllers::duration::run,
        names_operator::controllers::duration::FINALIZER,
        include_str!("../../config/samples/app_v1_duration.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Arc, _, _>(
        &control_plane,
        names_operator::controllers::arc::run,
        names_operator::controllers::arc::FINALIZER,
        include_str!("../../config/samples/app_v1_arc.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Condition, _, _>(
        &control_plane,
        names_operator::controllers::condition::run,
        names_operator::controllers::condition::FINALIZER,
        include_str!("../../config/samples/app_v1_condition.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::JsonSchema, _, _>(
        &control_plane,
        names_operator::controllers::json_schema::run,
        names_operator::controllers::json_schema::FINALIZER,
        include_str!("../../config/samples/app_v1_json_schema.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Serialize, _, _>(
        &control_plane,
        names_operator::controllers::serialize::run,
        names_operator::controllers::serialize::FINALIZER,
        include_str!("../../config/samples/app_v1_serialize.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Deserialize, _, _>(
        &control_plane,
        names_operator::controllers::deserialize::run,
        names_operator::controllers::deserialize::FINALIZER,
        include_str!("../../config/samples/app_v1_deserialize.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Webhook, _, _>(
        &control_plane,
        names_operator::controllers::webhook::run,
        names_operator::controllers::webhook::FINALIZER,
        include_str!("../../config/samples/app_v1_webhook.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Operation, _, _>(
        &control_plane,
        names_operator::controllers::operation::run,
        names_operator::controllers::operation::FINALIZER,
        include_str!("../../config/samples/app_v1_operation.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Box, _, _>(
        &control_plane,
        names_operator::controllers::box_::run,
        names_operator::controllers::box_::FINALIZER,
        include_str!("../../config/samples/app_v1_box_.yaml"),
        true,
    )
    .await;
    reconciles::<names_operator::api::v1::Event, _, _>(
        &control_plane,
        names_operator::controllers::event::run,
        names_operator::controllers::event::FINALIZER,
        include_str!("../../config/samples/app_v1_event.yaml"),
        true,
    )
    .await;
    // +kubeforge:scaffold:envtest
}

/// Runs the controller `run` of kind `K`, creates `sample` (in namespace `default` if `K` is
/// namespaced), and checks that the controller puts its `finalizer` on it, reports `Ready` for
/// its generation (if `reports_ready`), publishes an Event about it, and lets it go once it is
/// deleted.
#[allow(dead_code)] // until the project has a controller of a kind of its own
async fn reconciles<K, F, Fut>(
    control_plane: &ControlPlane,
    run: F,
    finalizer: &str,
    sample: &str,
    reports_ready: bool,
) where
    K: Resource<DynamicType = ()> + CustomResourceExt + DeserializeOwned + Clone + Debug,
    F: FnOnce(Manager) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let client = control_plane.client().await;
    let manager = Manager::new(client.clone(), None);
    let controller = tokio::spawn(run(manager.clone()));

    let resource = ApiResource::erase::<K>(&());
    let api: Api<DynamicObject> = if K::crd().spec.scope == "Namespaced" {
        Api::namespaced_with(client.clone(), "default", &resource)
    } else {
        Api::all_with(client.clone(), &resource)
    };
    let sample: DynamicObject = serde_saphyr::from_str(sample).expect("the sample parses");
    let name = sample.name_any();
    let created = api.create(&PostParams::default(), &sample).await.unwrap();
    let generation = created.metadata.generation;

    let ready = eventually(&format!("{} {name} Ready", K::kind(&())), || async {
        let obj = api.get(&name).await.ok()?;
        let has_finalizer = obj.finalizers().iter().any(|f| f == finalizer);
        if !reports_ready {
            return has_finalizer.then_some(obj);
        }
        let status = obj.data.get("status")?;
        let observed = status["observedGeneration"].as_i64() == generation;
        (has_finalizer && observed && condition(status, "Ready") == Some("True")).then_some(obj)
    })
    .await;
    // What the API server stored (with its defaults and the controller's status) must still
    // decode as `K`, or the controller's watch fails on the object.
    let _: K = serde_json::from_value(serde_json::to_value(&ready).unwrap())
        .expect("the object decodes as its Rust type");

    let events: Api<Event> = Api::all(client.clone());
    eventually(&format!("an Event about {name}"), || async {
        let list = events.list(&ListParams::default()).await.ok()?;
        list.items
            .iter()
            .any(|e| e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(&name))
            .then_some(())
    })
    .await;

    api.delete(&name, &DeleteParams::default()).await.unwrap();
    eventually(&format!("{name} deleted after its cleanup"), || async {
        matches!(api.get_opt(&name).await, Ok(None)).then_some(())
    })
    .await;

    manager.shutdown.cancel();
    controller
        .await
        .expect("the controller did not panic")
        .expect("the controller stopped cleanly");
}

/// The `status` of the condition `type_` in `status.conditions`.
fn condition<'a>(status: &'a Value, type_: &str) -> Option<&'a str> {
    let conditions = status["conditions"].as_array()?;
    let found = conditions.iter().find(|c| c["type"] == type_)?;
    found["status"].as_str()
}
