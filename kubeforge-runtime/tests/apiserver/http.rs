//! The HTTP layer: discovery, OpenAPI, CRUD, watch, authentication and authorization.

use super::*;

const BASE: &str = "/apis/wardle.example.com/v1alpha1";
const FLUNDERS: &str = "/apis/wardle.example.com/v1alpha1/namespaces/ns/flunders";

fn body(name: &str) -> Value {
    json!({
        "apiVersion": "wardle.example.com/v1alpha1",
        "kind": "Flunder",
        "metadata": {"name": name, "labels": {"app": "web"}},
        "spec": {"reference": "x"},
    })
}

#[tokio::test]
async fn serves_discovery() {
    let server = start().await;
    let (status, content, groups) = server
        .send(
            As::Proxy("alice"),
            Method::GET,
            "/apis",
            "application/json",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content, "application/json");
    assert_eq!(groups["kind"], "APIGroupList");
    assert_eq!(groups["groups"][0]["name"], "wardle.example.com");

    let (status, group) = server
        .call(Method::GET, "/apis/wardle.example.com", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(group["kind"], "APIGroup");
    assert_eq!(
        group["preferredVersion"],
        json!({"groupVersion": "wardle.example.com/v1alpha1", "version": "v1alpha1"})
    );

    let (status, resources) = server.call(Method::GET, BASE, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(resources["kind"], "APIResourceList");
    assert_eq!(resources["groupVersion"], "wardle.example.com/v1alpha1");
    let flunders = &resources["resources"][0];
    assert_eq!(flunders["name"], "flunders");
    assert_eq!(flunders["singularName"], "flunder");
    assert_eq!(flunders["namespaced"], true);
    assert_eq!(flunders["kind"], "Flunder");
    assert_eq!(
        flunders["verbs"],
        json!([
            "create", "delete", "get", "list", "patch", "update", "watch"
        ])
    );

    let (status, missing) = server
        .call(Method::GET, "/apis/other.example.com", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["kind"], "Status");

    let (status, _, health) = server
        .send(As::Headers("nobody"), Method::GET, "/healthz", "", None)
        .await;
    assert_eq!((status, health), (StatusCode::OK, json!("ok")));
}

#[tokio::test]
async fn serves_openapi() {
    let server = start().await;
    let (status, index) = server.call(Method::GET, "/openapi/v3", None).await;
    assert_eq!(status, StatusCode::OK);
    let url = index["paths"]["apis/wardle.example.com/v1alpha1"]["serverRelativeURL"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        url.starts_with("/openapi/v3/apis/wardle.example.com/v1alpha1?hash="),
        "{url}"
    );

    let (status, document) = server.call(Method::GET, &url, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.0.0");
    let schemas = &document["components"]["schemas"];
    let kind = &schemas["com.example.wardle.v1alpha1.Flunder"];
    assert_eq!(
        kind["x-kubernetes-group-version-kind"],
        json!([{"group": "wardle.example.com", "version": "v1alpha1", "kind": "Flunder"}])
    );
    let spec = &kind["properties"]["spec"]["properties"]["reference"];
    assert_eq!(spec["description"], "The name of another flunder.");
    assert!(kind["properties"]["metadata"].is_object());
    assert_eq!(kind["properties"]["apiVersion"]["type"], "string");
    assert_eq!(kind["properties"]["kind"]["type"], "string");
    let list = &schemas["com.example.wardle.v1alpha1.FlunderList"];
    assert_eq!(
        list["x-kubernetes-group-version-kind"][0]["kind"],
        "FlunderList"
    );
    assert!(!document.to_string().contains("#/$defs"), "{document}");

    let (status, v2) = server.call(Method::GET, "/openapi/v2", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v2["swagger"], "2.0");
    assert!(v2["definitions"]["com.example.wardle.v1alpha1.Flunder"].is_object());
    assert!(!v2.to_string().contains("#/components"));
}

#[tokio::test]
async fn creates_reads_updates_patches_and_deletes() {
    let server = start().await;
    let (status, created) = server.call(Method::POST, FLUNDERS, Some(body("a"))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["metadata"]["namespace"], "ns");
    assert_eq!(created["kind"], "Flunder");
    let (status, exists) = server.call(Method::POST, FLUNDERS, Some(body("a"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(exists["reason"], "AlreadyExists");
    assert_eq!(
        exists["details"],
        json!({"name": "a", "group": "wardle.example.com", "kind": "flunders"})
    );

    let mut generated = body("");
    generated["metadata"] = json!({"generateName": "gen-"});
    let (status, generated) = server.call(Method::POST, FLUNDERS, Some(generated)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(
        generated["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("gen-")
    );

    let mut wrong = body("b");
    wrong["kind"] = json!("Other");
    let (status, bad) = server.call(Method::POST, FLUNDERS, Some(wrong)).await;
    assert_eq!(
        (status, bad["reason"].clone()),
        (StatusCode::BAD_REQUEST, json!("BadRequest"))
    );
    let (status, _) = server
        .call(Method::POST, FLUNDERS, Some(json!("not an object")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, got) = server
        .call(Method::GET, &format!("{FLUNDERS}/a"), None)
        .await;
    assert_eq!((status, got.clone()), (StatusCode::OK, created.clone()));
    let (status, missing) = server
        .call(Method::GET, &format!("{FLUNDERS}/absent"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        missing["message"],
        "flunders.wardle.example.com \"absent\" not found"
    );
    assert_eq!(missing["code"], 404);

    let (status, list) = server
        .call(
            Method::GET,
            &format!("{FLUNDERS}?labelSelector=app%3Dweb"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["kind"], "FlunderList");
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(list["metadata"]["resourceVersion"].is_string());
    let (_, all) = server
        .call(Method::GET, &format!("{BASE}/flunders"), None)
        .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    let mut changed = created.clone();
    changed["spec"]["reference"] = json!("y");
    let (status, updated) = server
        .call(Method::PUT, &format!("{FLUNDERS}/a"), Some(changed.clone()))
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["spec"]["reference"], "y");
    let (status, conflict) = server
        .call(Method::PUT, &format!("{FLUNDERS}/a"), Some(changed))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        conflict["message"],
        "Operation cannot be fulfilled on flunders.wardle.example.com \"a\": the object has been \
         modified; please apply your changes to the latest version and try again"
    );
    let (status, _) = server
        .call(
            Method::PUT,
            &format!("{FLUNDERS}/absent"),
            Some(body("absent")),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .call(Method::PUT, &format!("{FLUNDERS}/a"), Some(body("b")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let path = format!("{FLUNDERS}/a");
    let merge = json!({"spec": {"reference": "merged"}});
    let (status, _, merged) = server
        .send(
            As::Proxy("alice"),
            Method::PATCH,
            &path,
            "application/merge-patch+json",
            Some(merge),
        )
        .await;
    assert_eq!(
        (status, merged["spec"]["reference"].clone()),
        (StatusCode::OK, json!("merged"))
    );
    let ops = json!([{"op": "replace", "path": "/spec/reference", "value": "patched"}]);
    let (status, _, patched) = server
        .send(
            As::Proxy("alice"),
            Method::PATCH,
            &path,
            "application/json-patch+json",
            Some(ops),
        )
        .await;
    assert_eq!(
        (status, patched["spec"]["reference"].clone()),
        (StatusCode::OK, json!("patched"))
    );
    let (status, _, unsupported) = server
        .send(
            As::Proxy("alice"),
            Method::PATCH,
            &path,
            "application/strategic-merge-patch+json",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(unsupported["reason"], "UnsupportedMediaType");
    assert!(
        unsupported["message"]
            .as_str()
            .unwrap()
            .contains("application/merge-patch+json")
    );

    let stale = json!({"preconditions": {"resourceVersion": "1"}});
    let (status, refused) = server.call(Method::DELETE, &path, Some(stale)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .ends_with("Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: 5"),
        "{refused}"
    );
    let uid = json!({"preconditions": {"uid": created["metadata"]["uid"]}, "propagationPolicy": "Background"});
    let (status, deleted) = server.call(Method::DELETE, &path, Some(uid)).await;
    assert_eq!(
        (status, deleted["spec"]["reference"].clone()),
        (StatusCode::OK, json!("patched"))
    );
    let (status, _) = server.call(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Reads lines from a streamed body until `count` are there.
async fn lines(body: &mut hyper::body::Incoming, buffer: &mut String, count: usize) -> Vec<Value> {
    let read = async {
        while buffer.matches('\n').count() < count {
            let frame = body.frame().await.unwrap().unwrap();
            if let Ok(data) = frame.into_data() {
                buffer.push_str(std::str::from_utf8(&data).unwrap());
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap();
    let mut taken = Vec::new();
    for _ in 0..count {
        let (line, rest) = buffer.split_once('\n').unwrap();
        taken.push(serde_json::from_str(line).unwrap());
        *buffer = rest.to_string();
    }
    taken
}

#[tokio::test]
async fn watches() {
    let server = start().await;
    let (_, created) = server.call(Method::POST, FLUNDERS, Some(body("a"))).await;

    let who = As::Proxy("alice");
    let mut sender = server.connect(&who).await;
    let request = Server::request(
        &who,
        Method::GET,
        &format!("{FLUNDERS}?watch=true"),
        "",
        None,
    );
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    let mut body = response.into_body();
    let mut buffer = String::new();
    let added = lines(&mut body, &mut buffer, 1).await;
    assert_eq!(added[0]["type"], "ADDED");
    assert_eq!(added[0]["object"]["metadata"]["name"], "a");

    let mut changed = created.clone();
    changed["spec"]["reference"] = json!("y");
    server
        .call(Method::PUT, &format!("{FLUNDERS}/a"), Some(changed))
        .await;
    server
        .call(Method::DELETE, &format!("{FLUNDERS}/a"), None)
        .await;
    let events = lines(&mut body, &mut buffer, 2).await;
    assert_eq!(events[0]["type"], "MODIFIED");
    assert_eq!(events[0]["object"]["spec"]["reference"], "y");
    assert_eq!(events[1]["type"], "DELETED");

    // From the version of the creation: the same changes again, then the end at the timeout.
    let version = created["metadata"]["resourceVersion"].as_str().unwrap();
    let path = format!("{FLUNDERS}?watch=1&resourceVersion={version}&timeoutSeconds=1");
    let mut sender = server.connect(&who).await;
    let response = sender
        .send_request(Server::request(&who, Method::GET, &path, "", None))
        .await
        .unwrap();
    let bytes = tokio::time::timeout(Duration::from_secs(10), response.into_body().collect())
        .await
        .unwrap()
        .unwrap()
        .to_bytes();
    let types: Vec<String> = String::from_utf8_lossy(&bytes)
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(types, ["MODIFIED", "DELETED"]);
}

#[tokio::test]
async fn a_watch_from_a_gone_version_gets_an_expired_event() {
    let storage = MemoryStorage::<Flunder>::with_history(1);
    storage.create(flunder("ns", "a")).await.unwrap();
    storage.create(flunder("ns", "b")).await.unwrap();
    storage.create(flunder("ns", "c")).await.unwrap();
    let server = start_with(storage).await;
    let path = format!("{FLUNDERS}?watch=true&resourceVersion=1");
    let (status, _, body) = server
        .send(As::Proxy("alice"), Method::GET, &path, "", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["type"], "ERROR");
    assert_eq!(body["object"]["kind"], "Status");
    assert_eq!(body["object"]["code"], 410);
    assert_eq!(body["object"]["reason"], "Expired");
}

#[tokio::test]
async fn authenticates_the_front_proxy_and_tokens_only() {
    let server = start().await;
    // The front proxy's headers, without its certificate.
    let (status, _, refused) = server
        .send(As::Headers("alice"), Method::GET, BASE, "", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused["kind"], "Status");
    assert_eq!(refused["reason"], "Unauthorized");

    let (status, _, _) = server
        .send(As::Token("good-token"), Method::GET, BASE, "", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = server
        .send(As::Token("bad-token"), Method::GET, BASE, "", None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refuses_what_the_authorizer_denies() {
    let server = start().await;
    let (status, _, forbidden) = server
        .send(
            As::Proxy("mallory"),
            Method::GET,
            &format!("{FLUNDERS}/a"),
            "",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(forbidden["reason"], "Forbidden");
    assert_eq!(
        forbidden["message"],
        "flunders.wardle.example.com \"a\" is forbidden: User \"mallory\" cannot get resource \
         \"flunders\" in API group \"wardle.example.com\" in the namespace \"ns\""
    );
    let (status, _, _) = server
        .send(As::Proxy("mallory"), Method::GET, "/apis", "", None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn serves_metrics() {
    let server = start().await;
    server
        .call(Method::GET, &format!("{FLUNDERS}/absent"), None)
        .await;
    let (status, content, text) = server
        .send(As::Proxy("alice"), Method::GET, "/metrics", "", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(content.starts_with("application/openmetrics-text"));
    let text = text.as_str().unwrap();
    assert!(
        text.contains(r#"apiserver_request_total{verb="get",resource="flunders",code="404"} 1"#),
        "{text}"
    );
}

#[tokio::test]
async fn ignores_the_headers_from_other_certificates() {
    let server = start().await;
    // Signed by the request-header CA, but not an allowed name: not the front proxy.
    let (status, _, _) = server
        .send(
            As::Cert(&server.not_proxy, "alice"),
            Method::GET,
            BASE,
            "",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A user of the client CA is who the certificate says, whatever the headers say.
    let (status, _, forbidden) = server
        .send(
            As::Cert(&server.mallory, "alice"),
            Method::GET,
            BASE,
            "",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        forbidden["message"]
            .as_str()
            .unwrap()
            .contains("User \"mallory\"")
    );
    let (status, _, _) = server
        .send(
            As::Cert(&server.alice, "mallory"),
            Method::GET,
            BASE,
            "",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_selective_watch_sees_objects_leave_and_enter() {
    let server = start().await;
    let (_, created) = server.call(Method::POST, FLUNDERS, Some(body("a"))).await;
    let who = As::Proxy("alice");
    let mut sender = server.connect(&who).await;
    let path = format!("{FLUNDERS}?watch=true&labelSelector=app%3Dweb");
    let response = sender
        .send_request(Server::request(&who, Method::GET, &path, "", None))
        .await
        .unwrap();
    let mut body = response.into_body();
    let mut buffer = String::new();
    assert_eq!(lines(&mut body, &mut buffer, 1).await[0]["type"], "ADDED");

    let mut relabelled = created.clone();
    relabelled["metadata"]["labels"]["app"] = json!("db");
    let (_, relabelled) = server
        .call(Method::PUT, &format!("{FLUNDERS}/a"), Some(relabelled))
        .await;
    let mut back = relabelled.clone();
    back["metadata"]["labels"]["app"] = json!("web");
    server
        .call(Method::PUT, &format!("{FLUNDERS}/a"), Some(back))
        .await;
    let events = lines(&mut body, &mut buffer, 2).await;
    assert_eq!(events[0]["type"], "DELETED");
    assert_eq!(events[1]["type"], "ADDED");
}

#[tokio::test]
async fn a_dry_run_stores_nothing() {
    let server = start().await;
    let dry = |path: &str| format!("{path}?dryRun=All");
    let (status, checked) = server
        .call(Method::POST, &dry(FLUNDERS), Some(body("a")))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{checked}");
    assert_eq!(checked["metadata"]["name"], "a");
    let path = format!("{FLUNDERS}/a");
    let (status, _) = server.call(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, created) = server.call(Method::POST, FLUNDERS, Some(body("a"))).await;
    let mut changed = created.clone();
    changed["spec"]["reference"] = json!("dry");
    let (status, answered) = server
        .call(Method::PUT, &dry(&path), Some(changed.clone()))
        .await;
    assert_eq!(
        (status, answered["spec"]["reference"].clone()),
        (StatusCode::OK, json!("dry"))
    );
    let merge = json!({"spec": {"reference": "dry-patch"}});
    let (status, _, patched) = server
        .send(
            As::Proxy("alice"),
            Method::PATCH,
            &dry(&path),
            "application/merge-patch+json",
            Some(merge),
        )
        .await;
    assert_eq!(
        (status, patched["spec"]["reference"].clone()),
        (StatusCode::OK, json!("dry-patch"))
    );
    let (status, _) = server.call(Method::DELETE, &dry(&path), None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, stored) = server.call(Method::GET, &path, None).await;
    assert_eq!(stored, created);

    // A stale version conflicts in a dry run too; other values of dryRun are refused.
    server.call(Method::PUT, &path, Some(changed.clone())).await;
    let (status, _) = server.call(Method::PUT, &dry(&path), Some(changed)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = server
        .call(Method::DELETE, &format!("{path}?dryRun=Some"), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
