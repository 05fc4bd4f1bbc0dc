// Copyright The Guestbook Authors.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

//! Controllers, one module per kind, and what they share: the error type, the context
//! passed to every reconcile, and the error policy.

pub mod guestbook;

pub mod memcached;

// +kubeforge:scaffold:controller-modules

use std::{sync::Arc, time::Duration};

use futures::future::{BoxFuture, try_join_all};
use kube::{
    Client,
    runtime::{controller::Action, finalizer},
};

/// Runs the given controllers concurrently until they all stop.
///
/// Each controller stops gracefully on SIGTERM or Ctrl+C; the first one that fails stops the
/// others and its error is returned.
pub async fn run_all(controllers: Vec<BoxFuture<'_, anyhow::Result<()>>>) -> anyhow::Result<()> {
    if controllers.is_empty() {
        tracing::warn!("no controllers to run: add one with `kubeforge create api`");
    }
    try_join_all(controllers).await?;
    Ok(())
}

/// Why a reconcile failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A request to the Kubernetes API server failed.
    #[error("Kubernetes API request failed: {0}")]
    Kube(#[from] kube::Error),

    /// Adding or removing the finalizer failed, or the step it guards did.
    #[error("finalizer: {0}")]
    Finalizer(#[source] Box<finalizer::Error<Error>>),

    /// A namespaced object came without a namespace.
    #[error("object has no namespace")]
    MissingNamespace,
}

/// The result of a reconcile step.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What every reconcile gets besides the object.
pub struct Context {
    /// Client of the Kubernetes API server.
    pub client: Client,
}

/// Decides when to retry after a failed reconcile: five seconds later.
///
/// The failure itself is logged by the controller's `run`.
pub fn error_policy<K>(_object: Arc<K>, _error: &Error, _ctx: Arc<Context>) -> Action {
    Action::requeue(Duration::from_secs(5))
}

/// A fake API server for reconcile tests: no cluster needed.
#[cfg(test)]
pub mod testing {
    use std::{future::Future, time::Duration};

    use http::{Method, Request, Response};
    use kube::{Client, client::Body};
    use serde::Serialize;
    use serde_json::Value;
    use tower_test::mock::{self, Handle};

    /// The server side of a [`Client`] made by [`client`].
    pub struct ApiServer(Handle<Request<Body>, Response<Body>>);

    /// A client whose requests go to the returned [`ApiServer`].
    pub fn client() -> (Client, ApiServer) {
        let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
        (Client::new(service, "default"), ApiServer(handle))
    }

    impl ApiServer {
        /// Takes the next request, checks its method and path, answers it with `reply` as JSON,
        /// and returns the request's query string and JSON body.
        pub async fn expect(
            &mut self,
            method: Method,
            path: &str,
            reply: &impl Serialize,
        ) -> (String, Value) {
            let (request, respond) = self.0.next_request().await.expect("no request was sent");
            assert_eq!(request.method(), method);
            assert_eq!(request.uri().path(), path);
            let query = request.uri().query().unwrap_or_default().to_owned();
            let body = request.into_body().collect_bytes().await.unwrap();
            let body = if body.is_empty() {
                Value::Null
            } else {
                serde_json::from_slice(&body).expect("the request body is not JSON")
            };
            let reply = serde_json::to_vec(reply).unwrap();
            respond.send_response(Response::builder().body(Body::from(reply)).unwrap());
            (query, body)
        }
    }

    /// Awaits `future`, panicking after a second so that a missed request cannot hang a test.
    pub async fn timeout<F: Future>(future: F) -> F::Output {
        tokio::time::timeout(Duration::from_secs(1), future)
            .await
            .expect("timed out")
    }
}
