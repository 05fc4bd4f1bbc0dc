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

use fleet::manager::Manager;

#[tokio::test]
async fn controllers_reconcile_on_a_real_api_server() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    control_plane.install_crds("config/crd/bases").await;
    // One check per controller; `kubeforge create api` adds them here.
    reconciles::<fleet::api::ship::v1beta1::Frigate, _, _>(
        &control_plane,
        fleet::controllers::ship::frigate::run,
        fleet::controllers::ship::frigate::FINALIZER,
        include_str!("../../config/samples/ship_v1beta1_frigate.yaml"),
        true,
    )
    .await;
    reconciles::<fleet::api::sea_ops::v1::Admiral, _, _>(
        &control_plane,
        fleet::controllers::sea_ops::admiral::run,
        fleet::controllers::sea_ops::admiral::FINALIZER,
        include_str!("../../config/samples/sea-ops_v1_admiral.yaml"),
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
