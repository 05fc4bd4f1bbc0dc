//! The webhooks scenario's manager serves its admission and conversion webhooks to a real API
//! server: registered from `config/webhook/manifests.yaml` (and the CRD's conversion patch)
//! with `clientConfig.url` on loopback and the control plane's CA as `caBundle`, and a serving
//! certificate in `--webhook-cert-path`, laid out as a kubelet mounts a Secret, so that it can be
//! swapped while the API server keeps calling.

use std::{
    os::unix::fs::symlink,
    path::Path,
    time::{Duration, Instant},
};

use k8s_openapi::{
    ByteString, apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
};
use kube::{
    Api, Client,
    api::{
        ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams,
        PostParams,
    },
};
use serde_json::{Value, json};

use control_plane_e2e::{
    ControlPlane, Manager, binary, deploy_identity, documents, dry_run, eventually, free_port,
    kubectl, kubectl_stderr, project, report,
};

/// Where the manager serves its conversions.
const CONVERT_PATH: &str = "/convert";

/// How often the manager re-reads its certificate (src/manager/tls.rs).
const RELOAD_INTERVAL: Duration = Duration::from_secs(5);

/// Writes a certificate for 127.0.0.1 into `dir` the way a kubelet projects a Secret: the files
/// in a timestamped directory, `..data` a symbolic link to it, swapped atomically, and `tls.crt`
/// and `tls.key` links through `..data`.
fn project_certificate(control_plane: &ControlPlane, dir: &Path, generation: u32) {
    let (cert, key) = control_plane.issue("webhook", &[], &["127.0.0.1"]);
    let versioned = dir.join(format!("..2026_12_03_{generation:02}"));
    std::fs::create_dir_all(&versioned).unwrap();
    std::fs::write(versioned.join("tls.crt"), cert).unwrap();
    std::fs::write(versioned.join("tls.key"), key).unwrap();
    let staged = dir.join("..data_tmp");
    let _ = std::fs::remove_file(&staged);
    symlink(versioned.file_name().unwrap(), &staged).unwrap();
    std::fs::rename(&staged, dir.join("..data")).unwrap();
    for file in ["tls.crt", "tls.key"] {
        let link = dir.join(file);
        if link.symlink_metadata().is_err() {
            symlink(format!("..data/{file}"), link).unwrap();
        }
    }
}

/// The admission webhooks of `config/webhook/manifests.yaml`, pointed at `base` with `ca`.
fn webhook_configurations(manifests: &Path, base: &str, ca: &Value) -> Vec<Value> {
    let text = std::fs::read_to_string(manifests).unwrap();
    let mut configs = documents(&text);
    for config in &mut configs {
        for webhook in config["webhooks"].as_array_mut().unwrap() {
            let path = webhook["clientConfig"]["service"]["path"]
                .as_str()
                .unwrap()
                .to_string();
            webhook["clientConfig"] = json!({ "url": format!("{base}{path}"), "caBundle": ca });
        }
    }
    configs
}

fn guestbook(name: &str, spec_foo: Option<&str>) -> DynamicObject {
    let spec = match spec_foo {
        Some(value) => json!({ "foo": value }),
        None => json!({}),
    };
    serde_json::from_value(json!({
        "apiVersion": "webapp.example.com/v1",
        "kind": "Guestbook",
        "metadata": { "name": name },
        "spec": spec,
    }))
    .unwrap()
}

fn guestbooks(client: &Client, version: &str) -> Api<DynamicObject> {
    let gvk = GroupVersionKind::gvk("webapp.example.com", version, "Guestbook");
    Api::namespaced_with(client.clone(), "default", &ApiResource::from_gvk(&gvk))
}

/// The message of a refused request.
fn refusal(result: kube::Result<DynamicObject>) -> String {
    match result {
        Err(kube::Error::Api(status)) => status.message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn admission_and_conversion_webhooks_on_a_real_api_server() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    let began = Instant::now();
    let webhooks = project("webhooks");
    let crds = control_plane
        .install_crds(webhooks.join("config/crd/bases"))
        .await;
    let identity = deploy_identity(&control_plane, &webhooks);
    let certs = control_plane.path("webhook-certs");
    project_certificate(&control_plane, &certs, 1);
    let port = free_port();
    let mut manager = Manager::start(
        &control_plane,
        "webhook-operator",
        &binary("webhook-operator"),
        &identity.kubeconfig,
        &[
            "--enable-webhooks=true".into(),
            format!("--webhook-bind-address=127.0.0.1:{port}"),
            format!("--webhook-cert-path={}", certs.display()),
        ],
    );
    manager.wait_ready().await;

    let base = format!("https://127.0.0.1:{port}");
    let ca = serde_json::to_value(ByteString(control_plane.ca_pem().into_bytes())).unwrap();
    let configs =
        webhook_configurations(&webhooks.join("config/webhook/manifests.yaml"), &base, &ca);
    let (mutating, validating): (Vec<Value>, Vec<Value>) = configs
        .into_iter()
        .partition(|c| c["kind"] == "MutatingWebhookConfiguration");
    let client = control_plane.client().await;
    let v1 = guestbooks(&client, "v1");

    // Validation alone first, so that its warning about an unset field reaches the client.
    kubectl(
        &control_plane,
        &["apply", "--server-side", "-f", "-"],
        &validating[0].to_string(),
    );
    eventually("the validating webhook in force", || async {
        let empty = guestbook("probe", Some(""));
        v1.create(&dry_run(), &empty).await.is_err().then_some(())
    })
    .await;
    let unset = serde_json::to_string(&guestbook("warned", None)).unwrap();
    let warnings = kubectl_stderr(
        &control_plane,
        &["create", "--dry-run=server", "-f", "-"],
        &unset,
    );
    assert!(
        warnings.contains("Warning: spec.foo is not set"),
        "the validator's warning reaches the client: {warnings}"
    );
    let denied = refusal(
        v1.create(&PostParams::default(), &guestbook("empty", Some("")))
            .await,
    );
    assert!(
        denied.contains("spec.foo must not be empty"),
        "denied with the validator's message: {denied}"
    );

    // Then defaulting: an unset field is set by the manager.
    kubectl(
        &control_plane,
        &["apply", "--server-side", "-f", "-"],
        &mutating[0].to_string(),
    );
    let defaulted = eventually("the mutating webhook in force", || async {
        let obj = v1
            .create(&dry_run(), &guestbook("probe", None))
            .await
            .ok()?;
        (obj.data["spec"]["foo"] == "bar").then_some(obj)
    })
    .await;
    assert_eq!(defaulted.data["spec"]["foo"], "bar");
    let created = v1
        .create(&PostParams::default(), &guestbook("defaulted", None))
        .await
        .unwrap();
    assert_eq!(created.data["spec"]["foo"], "bar", "defaulted on create");

    // Updates are validated against the stored object.
    let change = json!({ "spec": { "foo": "other" } });
    let denied = refusal(
        v1.patch("defaulted", &PatchParams::default(), &Patch::Merge(&change))
            .await,
    );
    assert!(
        denied.contains("spec.foo cannot change once set"),
        "update denied with the validator's message: {denied}"
    );

    // Deletes go through the validator once the rules name DELETE (markers with
    // `verbs=create;update;delete`); with failurePolicy Fail, a webhook that mishandled the
    // review would block the delete.
    let mut with_delete = validating[0].clone();
    with_delete["webhooks"][0]["rules"][0]["operations"] = json!(["CREATE", "UPDATE", "DELETE"]);
    kubectl(
        &control_plane,
        &["apply", "--server-side", "--force-conflicts", "-f", "-"],
        &with_delete.to_string(),
    );
    v1.create(&PostParams::default(), &guestbook("deleted", Some("x")))
        .await
        .unwrap();
    v1.delete("deleted", &DeleteParams::default())
        .await
        .expect("the validator allows the delete");
    report("admission webhooks", began.elapsed());

    let began = Instant::now();
    conversion(&client, &crds[0], &base, &ca).await;
    report("conversion webhook", began.elapsed());

    let began = Instant::now();
    certificate_reload(&control_plane, &manager, &v1, &certs).await;
    report("certificate reload", began.elapsed());

    manager.assert_never_forbidden();
}

/// The CRD converted by the manager: created at v1, read at v2 and back unchanged, listed at
/// both versions.
async fn conversion(client: &Client, crd: &CustomResourceDefinition, base: &str, ca: &Value) {
    let name = crd.metadata.name.clone().unwrap();
    let patch = json!({
        "spec": { "conversion": {
            "strategy": "Webhook",
            "webhook": {
                "clientConfig": { "url": format!("{base}{CONVERT_PATH}"), "caBundle": ca },
                "conversionReviewVersions": ["v1"],
            },
        }},
    });
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    crds.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    let (v1, v2) = (guestbooks(client, "v1"), guestbooks(client, "v2"));
    v1.create(
        &PostParams::default(),
        &guestbook("converted", Some("round-trip")),
    )
    .await
    .unwrap();
    let at_v2 = eventually("converted at v2", || async {
        v2.get("converted").await.ok()
    })
    .await;
    assert_eq!(
        at_v2.types.as_ref().unwrap().api_version,
        "webapp.example.com/v2"
    );
    assert_eq!(at_v2.data["spec"]["foo"], "round-trip");

    let label = json!({ "metadata": { "labels": { "written-at": "v2" } } });
    v2.patch("converted", &PatchParams::default(), &Patch::Merge(&label))
        .await
        .unwrap();
    let back = v1.get("converted").await.unwrap();
    assert_eq!(
        back.data["spec"]["foo"], "round-trip",
        "unchanged after v1 → v2 → v1"
    );
    assert_eq!(back.metadata.labels.unwrap()["written-at"], "v2");

    for api in [&v1, &v2] {
        let list = api.list(&ListParams::default()).await.unwrap();
        assert!(
            list.items
                .iter()
                .any(|o| o.metadata.name.as_deref() == Some("converted"))
        );
    }
}

/// The serving certificate swapped the way a kubelet updates a Secret volume, while the API
/// server keeps calling the webhooks: no call fails, and the manager loads the new certificate.
async fn certificate_reload(
    control_plane: &ControlPlane,
    manager: &Manager,
    v1: &Api<DynamicObject>,
    certs: &Path,
) {
    project_certificate(control_plane, certs, 2);
    let until = Instant::now() + RELOAD_INTERVAL * 2 + Duration::from_secs(1);
    let mut calls = 0;
    while Instant::now() < until {
        v1.create(&dry_run(), &guestbook("reload", None))
            .await
            .expect("a webhook call while the certificate changes");
        calls += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(calls > 10);
    assert!(
        manager.log().contains("loaded the new certificate"),
        "the manager reloaded its certificate:\n{}",
        manager.log()
    );
}
