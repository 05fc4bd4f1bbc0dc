//! The `status` subresource of a kind with a status.

use kube::{
    Api,
    api::{Patch, PatchParams, PostParams},
};

use super::*;

const FLUNDERS: &str = "/apis/wardle.example.com/v1alpha1/namespaces/ns/flunders";

fn with_status(phase: &str) -> Value {
    json!({
        "apiVersion": "wardle.example.com/v1alpha1",
        "kind": "Flunder",
        "metadata": {"name": "a"},
        "spec": {"reference": "x"},
        "status": {"phase": phase},
    })
}

#[tokio::test]
async fn serves_the_status_apart() {
    let server = start().await;
    let (_, resources) = server
        .call(Method::GET, "/apis/wardle.example.com/v1alpha1", None)
        .await;
    let names: Vec<&str> = resources["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|resource| resource["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["flunders", "flunders/status"]);

    // A create drops the status.
    let (status, created) = server
        .call(Method::POST, FLUNDERS, Some(with_status("Created")))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(created.get("status").is_none(), "{created}");

    // An update of the status changes the status only.
    let status_path = format!("{FLUNDERS}/a/status");
    let mut changed = with_status("Ready");
    changed["spec"]["reference"] = json!("ignored");
    changed["metadata"]["resourceVersion"] = created["metadata"]["resourceVersion"].clone();
    let (status, updated) = server.call(Method::PUT, &status_path, Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["status"]["phase"], "Ready");
    assert_eq!(updated["spec"]["reference"], "x");
    // At a stale version: a conflict.
    let mut stale = with_status("Stale");
    stale["metadata"]["resourceVersion"] = created["metadata"]["resourceVersion"].clone();
    let (status, _) = server.call(Method::PUT, &status_path, Some(stale)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // An update of the object keeps the status.
    let mut object = updated.clone();
    object["spec"]["reference"] = json!("y");
    object["status"]["phase"] = json!("ignored");
    let (status, updated) = server
        .call(Method::PUT, &format!("{FLUNDERS}/a"), Some(object))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["spec"]["reference"], "y");
    assert_eq!(updated["status"]["phase"], "Ready");

    // A patch of the status.
    let patch = json!({"spec": {"reference": "ignored"}, "status": {"phase": "Done"}});
    let (status, _, patched) = server
        .send(
            As::Proxy("alice"),
            Method::PATCH,
            &status_path,
            "application/merge-patch+json",
            Some(patch),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(patched["status"]["phase"], "Done");
    assert_eq!(patched["spec"]["reference"], "y");
    let (status, got) = server.call(Method::GET, &status_path, None).await;
    assert_eq!((status, got), (StatusCode::OK, patched));

    // No status, no subresource; and no other subresource.
    let fischer = "/apis/wardle.example.com/v1beta1/fischers/f/status";
    let (status, _) = server.call(Method::GET, fischer, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .call(Method::GET, &format!("{FLUNDERS}/a/scale"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.call(Method::DELETE, &status_path, None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn kube_rs_patches_the_status() {
    let server = start().await;
    let api = Api::<Flunder>::namespaced(server.kube_client(), "ns");
    api.create(&PostParams::default(), &flunder("ns", "a"))
        .await
        .unwrap();
    let patch = Patch::Merge(json!({"status": {"phase": "Ready"}}));
    let patched = api
        .patch_status("a", &PatchParams::default(), &patch)
        .await
        .unwrap();
    assert_eq!(patched.status.unwrap().phase.as_deref(), Some("Ready"));
    let status = api.get_status("a").await.unwrap();
    assert_eq!(status.status.unwrap().phase.as_deref(), Some("Ready"));
}
