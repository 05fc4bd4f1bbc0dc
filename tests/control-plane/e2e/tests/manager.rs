//! A snapshot project's manager, built by the compile gate, runs against the control plane as
//! its own ServiceAccount, bound only by the RBAC that its `config/default` deploys (the roles
//! `kubeforge generate` derived from the markers): never as administrator. Any 403 in its log
//! fails the test. It must then run its controllers through a whole object lifecycle, and serve
//! its metrics only to callers that TokenReview and SubjectAccessReview let in.

use std::time::Instant;

use k8s_openapi::api::{apps::v1::Deployment, events::v1::Event};
use kube::{
    Api, Client,
    api::{
        ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams,
        PostParams,
    },
};
use serde_json::{Value, json};

use control_plane_e2e::{
    ControlPlane, Manager, binary, deploy_identity, eventually, get, https_client, project, report,
    service_account,
};

/// The status of condition `type_` of an object.
fn condition(obj: &DynamicObject, type_: &str) -> Option<String> {
    let conditions = obj.data["status"]["conditions"].as_array()?;
    let found = conditions.iter().find(|c| c["type"] == type_)?;
    found["status"].as_str().map(String::from)
}

/// Waits for an Event of `reason` about the object `name`; returns it.
async fn event_about(client: &Client, name: &str, reason: &str) -> Event {
    let events: Api<Event> = Api::all(client.clone());
    eventually(&format!("a {reason} Event about {name}"), || async {
        let list = events.list(&ListParams::default()).await.ok()?;
        list.items.into_iter().find(|e| {
            e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name)
                && e.reason.as_deref() == Some(reason)
        })
    })
    .await
}

#[tokio::test]
async fn guestbook_manager_reconciles_as_its_service_account() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    let began = Instant::now();
    let guestbook = project("guestbook");
    control_plane
        .install_crds(guestbook.join("config/crd/bases"))
        .await;
    let identity = deploy_identity(&control_plane, &guestbook);
    let mut manager = Manager::start(
        &control_plane,
        "guestbook",
        &binary("guestbook"),
        &identity.kubeconfig,
        &["--metrics-secure".into()],
    );
    manager.wait_ready().await;

    let client = control_plane.client().await;
    let gvk = GroupVersionKind::gvk("webapp.example.com", "v1", "Memcached");
    let api: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), "default", &ApiResource::from_gvk(&gvk));
    let sample: DynamicObject = serde_saphyr::from_str(
        &std::fs::read_to_string(guestbook.join("config/samples/webapp_v1_memcached.yaml"))
            .unwrap(),
    )
    .unwrap();
    let name = "memcached-sample";
    api.create(&PostParams::default(), &sample).await.unwrap();

    // Created: the finalizer goes on, then Ready=True for generation 1, and an Event.
    let ready_at = |generation: i64| {
        let api = api.clone();
        async move {
            eventually(
                &format!("{name} Ready at generation {generation}"),
                || async {
                    let obj = api.get(name).await.ok()?;
                    let observed = obj.data["status"]["observedGeneration"].as_i64();
                    let finalizers = obj.metadata.finalizers.clone().unwrap_or_default();
                    (finalizers == ["webapp.example.com/finalizer"]
                        && observed == Some(generation)
                        && obj.metadata.generation == Some(generation)
                        && condition(&obj, "Ready").as_deref() == Some("True"))
                    .then_some(obj)
                },
            )
            .await
        }
    };
    ready_at(1).await;
    let event = event_about(&client, name, "Reconciled").await;
    assert_eq!(event.type_.as_deref(), Some("Normal"));
    assert_eq!(
        event.reporting_controller.as_deref(),
        Some("guestbook-controller")
    );

    // Changed: observedGeneration follows the new generation.
    let change = json!({ "spec": { "foo": "changed" } });
    api.patch(name, &PatchParams::default(), &Patch::Merge(&change))
        .await
        .unwrap();
    let changed = ready_at(2).await;
    assert_eq!(changed.data["spec"]["foo"], "changed");

    // Deleted: the cleanup runs, the finalizer goes, and so does the object.
    api.delete(name, &DeleteParams::default()).await.unwrap();
    eventually(&format!("{name} gone"), || async {
        matches!(api.get_opt(name).await, Ok(None)).then_some(())
    })
    .await;
    assert!(
        manager.log().contains("cleaning up"),
        "the cleanup did not run"
    );
    report("manager lifecycle as its ServiceAccount", began.elapsed());

    let began = Instant::now();
    secure_metrics(&control_plane, &manager).await;
    report("secure metrics", began.elapsed());

    manager.signal("TERM");
    assert_eq!(
        manager.wait_exit().await,
        Some(0),
        "SIGTERM is a clean stop"
    );
    manager.assert_never_forbidden();
}

/// `/metrics` over HTTPS: 401 without a token, 403 for a ServiceAccount without the
/// metrics-reader role, 200 and Prometheus text with it.
async fn secure_metrics(control_plane: &ControlPlane, manager: &Manager) {
    let port = manager.metrics_port;
    let (code, _) = get(&https_client(port, None), "/metrics").await;
    assert_eq!(code, 401, "no token");

    let stranger = service_account(control_plane, "stranger", None);
    let (code, _) = get(&https_client(port, Some(&stranger)), "/metrics").await;
    assert_eq!(
        code, 403,
        "a ServiceAccount without the metrics-reader role"
    );

    let reader = service_account(
        control_plane,
        "prometheus",
        Some("guestbook-metrics-reader"),
    );
    let (code, body) = get(&https_client(port, Some(&reader)), "/metrics").await;
    assert_eq!(code, 200, "the metrics reader: {body}");
    assert!(body.contains("# TYPE"), "Prometheus text:\n{body}");
}

#[tokio::test]
async fn fleet_manager_reconciles_a_deployment() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    let began = Instant::now();
    let fleet = project("fleet");
    control_plane
        .install_crds(fleet.join("config/crd/bases"))
        .await;
    let identity = deploy_identity(&control_plane, &fleet);
    let mut manager = Manager::start(
        &control_plane,
        "fleet",
        &binary("fleet"),
        &identity.kubeconfig,
        &[],
    );
    manager.wait_ready().await;

    let client = control_plane.client().await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": { "name": "web" },
        "spec": {
            "selector": { "matchLabels": { "app": "web" } },
            "template": {
                "metadata": { "labels": { "app": "web" } },
                "spec": { "containers": [{ "name": "web", "image": "nginx" }] },
            },
        },
    }))
    .unwrap();
    deployments
        .create(&PostParams::default(), &deployment)
        .await
        .unwrap();
    let event = event_about(&client, "web", "Reconciled").await;
    let regarding: Value = serde_json::to_value(event.regarding).unwrap();
    assert_eq!(regarding["kind"], "Deployment");

    manager.signal("TERM");
    assert_eq!(
        manager.wait_exit().await,
        Some(0),
        "SIGTERM is a clean stop"
    );
    manager.assert_never_forbidden();
    report("built-in kind controller (Deployment)", began.elapsed());
}
