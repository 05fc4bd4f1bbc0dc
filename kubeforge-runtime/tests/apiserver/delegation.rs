//! The real delegation: the authentication ConfigMap, TokenReviews and SubjectAccessReviews
//! sent to a fake API server.

use super::*;

const CONFIG_MAP: &str =
    "/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication";
const TOKEN_REVIEWS: &str = "/apis/authentication.k8s.io/v1/tokenreviews";
const ACCESS_REVIEWS: &str = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

fn config_map([requestheader, client]: [String; 2]) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "extension-apiserver-authentication", "namespace": "kube-system"},
        "data": {
            "client-ca-file": client,
            "requestheader-client-ca-file": requestheader,
            "requestheader-allowed-names": "[\"front-proxy-client\"]",
            "requestheader-username-headers": "[\"X-Remote-User\"]",
            "requestheader-group-headers": "[\"X-Remote-Group\"]",
            "requestheader-extra-headers-prefix": "[\"X-Remote-Extra-\"]",
        },
    })
}

fn access_review(allowed: bool, reason: &str) -> Value {
    json!({
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {},
        "status": {"allowed": allowed, "reason": reason},
    })
}

#[tokio::test]
async fn delegates_to_the_api_server() {
    let (server, mut api, cas) = launch(MemoryStorage::new(), false, true).await;
    testing::timeout(api.expect(Method::GET, CONFIG_MAP, &config_map(cas))).await;

    // The front proxy's user, refused by the SubjectAccessReview.
    let path = "/apis/wardle.example.com/v1alpha1/namespaces/ns/flunders/a";
    let request = server.send(As::Proxy("alice"), Method::GET, path, "", None);
    let refusal = access_review(false, "nope");
    let review = api.expect(Method::POST, ACCESS_REVIEWS, &refusal);
    let ((status, _, forbidden), received) =
        testing::timeout(async { tokio::join!(request, review) }).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        forbidden["message"].as_str().unwrap().ends_with(": nope"),
        "{forbidden}"
    );
    let spec = &received.body["spec"];
    assert_eq!(spec["user"], "alice");
    assert_eq!(spec["groups"], json!(["system:authenticated", "devs"]));
    assert_eq!(
        spec["resourceAttributes"],
        json!({
            "group": "wardle.example.com",
            "version": "v1alpha1",
            "resource": "flunders",
            "namespace": "ns",
            "name": "a",
            "verb": "get",
        })
    );

    // A token: a TokenReview, then a SubjectAccessReview of the path.
    let request = server.send(As::Token("t0k3n"), Method::GET, "/apis", "", None);
    let reviews = async {
        let token_review = json!({
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenReview",
            "spec": {},
            "status": {
                "authenticated": true,
                "user": {"username": "bob", "uid": "42", "groups": ["system:authenticated"]},
            },
        });
        let received = api.expect(Method::POST, TOKEN_REVIEWS, &token_review).await;
        assert_eq!(received.body["spec"]["token"], "t0k3n");
        let received = api
            .expect(Method::POST, ACCESS_REVIEWS, &access_review(true, ""))
            .await;
        let spec = &received.body["spec"];
        assert_eq!(
            (spec["user"].clone(), spec["uid"].clone()),
            (json!("bob"), json!("42"))
        );
        assert_eq!(
            spec["nonResourceAttributes"],
            json!({"path": "/apis", "verb": "get"})
        );
    };
    let ((status, _, _), ()) = testing::timeout(async { tokio::join!(request, reviews) }).await;
    assert_eq!(status, StatusCode::OK);

    // Both answers are cached: the API server is not asked again.
    let (status, _, _) =
        testing::timeout(server.send(As::Token("t0k3n"), Method::GET, "/apis", "", None)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn fails_to_start_without_the_authentication_config_map() {
    let (server, mut api, _) = launch(MemoryStorage::new(), false, true).await;
    testing::timeout(api.fail(Method::GET, CONFIG_MAP, StatusCode::FORBIDDEN)).await;
    let mut server = server;
    let task = server.task.take().unwrap();
    let error = testing::timeout(task).await.unwrap().unwrap_err();
    assert!(
        format!("{error:#}").contains("extension-apiserver-authentication"),
        "{error:#}"
    );
}
