//! Differential validation: custom resources of every keyword family, good and bad, sent to the
//! API server under the CRD that kubeforge generated from the CronJob description fixture. The
//! server's accept or reject must equal kubeforge's verdict, and the defaults it applies must
//! equal those kubeforge expects. The compile gate computed the verdicts
//! (`kubeforge::description::check_object`) into `e2e-differential.json`.

use std::time::Instant;

use kube::{
    Api,
    api::{ApiResource, DynamicObject, GroupVersionKind, PostParams},
};
use serde_json::Value;

use control_plane_e2e::{ControlPlane, dry_run, report, workspace};

/// Numbers compared by value (`0` and `0.0` are equal), everything else exactly.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[tokio::test]
async fn the_api_server_agrees_with_kubeforge() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    let began = Instant::now();
    let data: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("e2e-differential.json")).unwrap(),
    )
    .unwrap();
    let crds = control_plane
        .install_crds(workspace().join(data["crds"].as_str().unwrap()))
        .await;
    let crd = &crds[0];
    let version = &crd.spec.versions[0].name;
    let gvk = GroupVersionKind::gvk(&crd.spec.group, version, &crd.spec.names.kind);
    let client = control_plane.client().await;
    let api: Api<DynamicObject> =
        Api::namespaced_with(client, "default", &ApiResource::from_gvk(&gvk));

    let mut disagreements = Vec::new();
    let cases = data["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let object: DynamicObject = serde_json::from_value(case["object"].clone()).unwrap();
        let result = match case.get("old").filter(|old| !old.is_null()) {
            Some(old) => {
                let old: DynamicObject = serde_json::from_value(old.clone()).unwrap();
                let stored = api.create(&PostParams::default(), &old).await.unwrap();
                let mut update = object.clone();
                update.metadata.resource_version = stored.metadata.resource_version;
                api.replace(name, &dry_run(), &update).await
            }
            None => api.create(&dry_run(), &object).await,
        };
        let expected_accept = case["accepted"].as_bool().unwrap();
        let problems = &case["problems"];
        match result {
            Ok(stored) if expected_accept => {
                let defaulted = &case["defaulted"]["spec"];
                if !same(&stored.data["spec"], defaulted) {
                    disagreements.push(format!(
                        "{name}: the API server stored spec {} but kubeforge expects {defaulted}",
                        stored.data["spec"]
                    ));
                }
            }
            Ok(_) => disagreements.push(format!(
                "{name}: the API server accepted it, kubeforge refuses it: {problems}"
            )),
            Err(kube::Error::Api(status)) if !expected_accept => {
                if let Some(message) = case["message"].as_str()
                    && !status.message.contains(message)
                {
                    disagreements.push(format!(
                        "{name}: the API server refused it with `{}`, not with `{message}`",
                        status.message
                    ));
                }
            }
            Err(error) => disagreements.push(format!(
                "{name}: the API server refused it ({error}), kubeforge accepts it"
            )),
        }
    }
    let accepted = cases.iter().filter(|c| c["accepted"] == true).count();
    eprintln!(
        "differential validation: {} cases ({accepted} accepted, {} refused by both)",
        cases.len(),
        cases.len() - accepted
    );
    assert!(
        disagreements.is_empty(),
        "the API server and kubeforge disagree:\n{}",
        disagreements.join("\n")
    );
    report("differential validation", began.elapsed());
}
