//! A fake API server for reconcile tests: no cluster needed. Each test states the requests it
//! expects, in order, and what the API server answers.
//!
//! # Example
//!
//! ```
//! use http::Method;
//! use k8s_openapi::api::core::v1::ConfigMap;
//! use kube::runtime::events::EventType;
//! use kubeforge_runtime::reconcile::{Context, testing};
//!
//! # #[tokio::main]
//! # async fn main() {
//! let (mgr, mut server) = testing::manager();
//! let ctx = Context::new(&mgr, "configmaps", "configmap-controller", ());
//! let mut obj = ConfigMap::default();
//! obj.metadata.name = Some("settings".into());
//! obj.metadata.namespace = Some("shop".into());
//!
//! let publish = ctx.publish(&obj, EventType::Normal, "Reconciled", "ready".into());
//! let events = testing::events_path("shop");
//! let api = server.echo(Method::POST, &events);
//! let ((), event) = testing::timeout(async { tokio::join!(publish, api) }).await;
//! assert_eq!(event.body["reason"], "Reconciled");
//! # }
//! ```

use std::{future::Future, time::Duration};

use http::{Method, Request, Response, StatusCode};
use kube::{Client, client::Body};
use serde::Serialize;
use serde_json::{Value, json};
use tower_test::mock::{self, Handle, SendResponse};

use crate::manager::Manager;

/// The server side of the [`Manager`] made by [`manager`].
pub struct ApiServer(Handle<Request<Body>, Response<Body>>);

/// A manager whose client sends its requests to the returned [`ApiServer`].
pub fn manager() -> (Manager, ApiServer) {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = Client::new(service, "default");
    (Manager::new(client, None), ApiServer(handle))
}

/// A request received by the [`ApiServer`].
pub struct Received {
    /// The query string, such as `fieldManager=x&force=true`.
    pub query: String,
    /// The JSON body, or `null`.
    pub body: Value,
}

impl ApiServer {
    /// Takes the next request, checks its method and path, answers it with `reply` as JSON.
    pub async fn expect(&mut self, method: Method, path: &str, reply: &impl Serialize) -> Received {
        let (received, respond) = self.next(method, path).await;
        respond_json(respond, StatusCode::OK, reply);
        received
    }

    /// Takes the next request, checks its method and path, and answers with its own body, as
    /// the API server does for a create.
    pub async fn echo(&mut self, method: Method, path: &str) -> Received {
        let (received, respond) = self.next(method, path).await;
        respond_json(respond, StatusCode::CREATED, &received.body);
        received
    }

    /// Takes the next request, checks its method and path, and fails it with `status`.
    pub async fn fail(&mut self, method: Method, path: &str, status: StatusCode) -> Received {
        let (received, respond) = self.next(method, path).await;
        let reason = status.canonical_reason().unwrap_or_default();
        let body = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": reason,
            "reason": reason.replace(' ', ""),
            "code": status.as_u16(),
        });
        respond_json(respond, status, &body);
        received
    }

    async fn next(
        &mut self,
        method: Method,
        path: &str,
    ) -> (Received, SendResponse<Response<Body>>) {
        let (request, respond) = self.0.next_request().await.expect("no request was sent");
        assert_eq!(request.method(), method, "method of {}", request.uri());
        assert_eq!(request.uri().path(), path);
        let query = request.uri().query().unwrap_or_default().to_owned();
        let body = request.into_body().collect_bytes().await.unwrap();
        let body = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&body).expect("the request body is not JSON")
        };
        (Received { query, body }, respond)
    }
}

fn respond_json(respond: SendResponse<Response<Body>>, status: StatusCode, body: &impl Serialize) {
    let body = serde_json::to_vec(body).unwrap();
    let response = Response::builder()
        .status(status)
        .body(Body::from(body))
        .unwrap();
    respond.send_response(response);
}

/// The path of the Events of `namespace`, where the recorder creates them.
pub fn events_path(namespace: &str) -> String {
    format!("/apis/events.k8s.io/v1/namespaces/{namespace}/events")
}

/// Awaits `future`, panicking after a second so that a missed request cannot hang a test.
pub async fn timeout<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(1), future)
        .await
        .expect("timed out")
}
