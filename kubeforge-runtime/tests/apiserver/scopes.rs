//! Several kinds: a cluster-scoped one in another version of the group, and Tables.

use super::*;

const FISCHERS: &str = "/apis/wardle.example.com/v1beta1/fischers";

#[tokio::test]
async fn serves_a_cluster_scoped_kind_of_another_version() {
    let server = start().await;
    let (status, group) = server
        .call(Method::GET, "/apis/wardle.example.com", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(group["versions"].as_array().unwrap().len(), 2);
    assert_eq!(group["preferredVersion"]["version"], "v1alpha1");
    let (_, resources) = server
        .call(Method::GET, "/apis/wardle.example.com/v1beta1", None)
        .await;
    assert_eq!(resources["resources"][0]["name"], "fischers");
    assert_eq!(resources["resources"][0]["namespaced"], false);
    let (_, index) = server.call(Method::GET, "/openapi/v3", None).await;
    assert!(index["paths"]["apis/wardle.example.com/v1beta1"].is_object());

    let fischer = json!({
        "apiVersion": "wardle.example.com/v1beta1",
        "kind": "Fischer",
        "metadata": {"name": "f", "namespace": "ignored"},
        "disallowed_flunders": ["a"],
    });
    let (status, created) = server.call(Method::POST, FISCHERS, Some(fischer)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(created["metadata"].get("namespace").is_none());
    let (status, got) = server
        .call(Method::GET, &format!("{FISCHERS}/f"), None)
        .await;
    assert_eq!(
        (status, got["disallowed_flunders"][0].clone()),
        (StatusCode::OK, json!("a"))
    );
    let namespaced = "/apis/wardle.example.com/v1beta1/namespaces/ns/fischers/f";
    let (status, _) = server.call(Method::GET, namespaced, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _, forbidden) = server
        .send(
            As::Proxy("mallory"),
            Method::DELETE,
            &format!("{FISCHERS}/f"),
            "",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        forbidden["message"],
        "fischers.wardle.example.com \"f\" is forbidden: User \"mallory\" cannot delete resource \
         \"fischers\" in API group \"wardle.example.com\" at the cluster scope"
    );
}

#[tokio::test]
async fn answers_tables_and_metadata() {
    let server = start().await;
    server
        .call(
            Method::POST,
            FISCHERS,
            Some(json!({"metadata": {"name": "f"}})),
        )
        .await;
    let accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    let (status, _, table) = server
        .send(As::Accept("alice", accept), Method::GET, FISCHERS, "", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(table["kind"], "Table");
    assert_eq!(table["columnDefinitions"][0]["name"], "Name");
    assert_eq!(table["rows"][0]["cells"][0], "f");
    assert_eq!(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");

    let (status, _, one) = server
        .send(
            As::Accept("alice", accept),
            Method::GET,
            &format!("{FISCHERS}/f"),
            "",
            None,
        )
        .await;
    assert_eq!(
        (status, one["kind"].clone()),
        (StatusCode::OK, json!("Table"))
    );
    assert_eq!(one["rows"].as_array().unwrap().len(), 1);

    // What the garbage collector and the namespace controller ask for.
    let metadata = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    let (status, _, partial) = server
        .send(
            As::Accept("alice", metadata),
            Method::GET,
            FISCHERS,
            "",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(partial["kind"], "PartialObjectMetadataList");
    assert_eq!(partial["items"][0]["kind"], "PartialObjectMetadata");
    assert_eq!(partial["items"][0]["metadata"]["name"], "f");
    assert!(partial["items"][0].get("disallowed_flunders").is_none());

    let (_, _, plain) = server
        .send(
            As::Accept("alice", "application/json"),
            Method::GET,
            FISCHERS,
            "",
            None,
        )
        .await;
    assert_eq!(plain["kind"], "FischerList");
}
