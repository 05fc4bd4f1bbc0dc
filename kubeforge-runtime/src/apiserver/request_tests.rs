//! The routes, verbs and queries of requests.

use super::*;
use crate::apiserver::resource::{Event, KindInfo};
use futures::future::BoxFuture;
use serde_json::Value;

use crate::apiserver::status::ApiError;

/// An endpoint with names only.
struct Names(KindInfo);

impl Endpoint for Names {
    fn info(&self) -> &KindInfo {
        &self.0
    }
    fn get(&self, _: Option<String>, _: String) -> BoxFuture<'_, Result<Value, ApiError>> {
        unimplemented!()
    }
    fn list(&self, _: Option<String>) -> BoxFuture<'_, Result<(Vec<Value>, String), ApiError>> {
        unimplemented!()
    }
    fn create(&self, _: Value) -> BoxFuture<'_, Result<Value, ApiError>> {
        unimplemented!()
    }
    fn update(&self, _: Value) -> BoxFuture<'_, Result<Value, ApiError>> {
        unimplemented!()
    }
    fn delete(&self, _: Option<String>, _: String) -> BoxFuture<'_, Result<Value, ApiError>> {
        unimplemented!()
    }
    fn watch(
        &self,
        _: Option<String>,
        _: Option<String>,
    ) -> BoxFuture<'_, Result<futures::stream::BoxStream<'static, Event>, ApiError>> {
        unimplemented!()
    }
    fn schema(&self) -> Value {
        Value::Null
    }
    fn validate(&self, object: Value) -> Result<Value, ApiError> {
        Ok(object)
    }
}

fn endpoints() -> Vec<Box<dyn Endpoint>> {
    let kind = |plural: &str, namespaced| -> Box<dyn Endpoint> {
        Box::new(Names(KindInfo {
            group: "g.io".into(),
            version: "v1".into(),
            kind: "K".into(),
            plural: plural.into(),
            namespaced,
            has_status: false,
        }))
    };
    vec![kind("ns-kinds", true), kind("cluster-kinds", false)]
}

fn target(endpoint: usize, namespace: Option<&str>, name: Option<&str>) -> Route {
    Route::Objects(Target {
        endpoint,
        namespace: namespace.map(str::to_string),
        name: name.map(str::to_string),
        subresource: None,
    })
}

#[test]
fn routes_paths() {
    let endpoints = endpoints();
    let route = |path: &str| Route::of(path, &endpoints);
    assert_eq!(route("/healthz"), Route::Health);
    assert_eq!(route("/readyz/ping"), Route::Health);
    assert_eq!(route("/apis"), Route::Groups);
    assert_eq!(route("/apis/g.io/"), Route::Group("g.io".into()));
    assert_eq!(
        route("/apis/g.io/v1"),
        Route::Resources("g.io".into(), "v1".into())
    );
    assert_eq!(
        route("/openapi/v3/apis/g.io/v1"),
        Route::OpenApiV3GroupVersion("g.io".into(), "v1".into())
    );
    assert_eq!(
        route("/apis/g.io/v1/namespaces/a/ns-kinds"),
        target(0, Some("a"), None)
    );
    assert_eq!(
        route("/apis/g.io/v1/namespaces/a/ns-kinds/x"),
        target(0, Some("a"), Some("x"))
    );
    assert_eq!(route("/apis/g.io/v1/ns-kinds"), target(0, None, None));
    assert_eq!(route("/apis/g.io/v1/ns-kinds/x"), Route::Unknown);
    assert_eq!(
        route("/apis/g.io/v1/cluster-kinds/x"),
        target(1, None, Some("x"))
    );
    assert_eq!(
        route("/apis/g.io/v1/namespaces/a/cluster-kinds"),
        Route::Unknown
    );
    assert_eq!(route("/apis/g.io/v2/cluster-kinds"), Route::Unknown);
    assert_eq!(
        route("/apis/g.io/v1/cluster-kinds/x/status/more"),
        Route::Unknown
    );
    assert_eq!(route("/api/v1/pods"), Route::Unknown);
    assert_eq!(route(""), Route::Unknown);
}

#[test]
fn names_verbs() {
    let named = Target {
        endpoint: 0,
        namespace: None,
        name: Some("x".into()),
        subresource: None,
    };
    let collection = Target {
        name: None,
        ..named.clone()
    };
    assert_eq!(verb(&Method::GET, &named, false), Some("get"));
    assert_eq!(verb(&Method::GET, &collection, false), Some("list"));
    assert_eq!(verb(&Method::GET, &collection, true), Some("watch"));
    assert_eq!(verb(&Method::POST, &collection, false), Some("create"));
    assert_eq!(verb(&Method::POST, &named, false), None);
    assert_eq!(verb(&Method::PATCH, &named, false), Some("patch"));
    assert_eq!(verb(&Method::DELETE, &collection, false), None);
}

#[test]
fn decodes_queries() {
    let uri: hyper::Uri = "/x?watch=1&labelSelector=a%3Db%2Cc%21%3Dd&x"
        .parse()
        .unwrap();
    let query = query(&uri);
    assert!(flag(&query, "watch"));
    assert_eq!(query["labelSelector"], "a=b,c!=d");
    assert_eq!(query["x"], "");
}
