// Copyright The external-operator Authors.
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

//! The controller of `Certificate` (`certs.example.org/v1`).
//!
//! It puts a finalizer on every Certificate, so that its cleanup runs before the object
//! goes away, and publishes an Event when a change is reconciled or a reconcile fails. The
//! status of Certificate has a shape of its own, so this controller leaves it alone:
//! `report` is where to fill it in.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use anyhow::Context as _;
use futures::StreamExt;
use kube::{
    Api, CustomResourceExt, ResourceExt,
    api::ListParams,
    runtime::{
        Controller,
        controller::Action,
        events::EventType,
        finalizer::{Event, finalizer},
        watcher,
    },
};

use crate::api::v1::Certificate;
use crate::manager::Manager;
use crate::reconcile::{Context, Error, Result, error_policy, key, log_outcome};

// Permissions of the controller: `kubeforge generate` derives config/rbac/role.yaml from them.
// +kubeforge:rbac:groups=certs.example.org,resources=certificates,verbs=get;list;watch;create;update;patch;delete
// +kubeforge:rbac:groups=certs.example.org,resources=certificates/status,verbs=get;update;patch
// +kubeforge:rbac:groups=certs.example.org,resources=certificates/finalizers,verbs=update
// +kubeforge:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

/// The finalizer that keeps a Certificate until its cleanup has succeeded.
pub const FINALIZER: &str = "external-operator.example.com/finalizer";

/// The field manager of what this controller applies, and the source of its Events.
const FIELD_MANAGER: &str = "external-operator-controller";

/// The name of this controller in metrics and logs.
const NAME: &str = "certificates.certs.example.org";

/// How long after a successful reconcile a Certificate is reconciled again, even if
/// nothing changed.
const RESYNC: Duration = Duration::from_secs(5 * 60);

/// Watches Certificate objects and reconciles them; only those of the manager's
/// namespace when it has one.
///
/// Returns once the manager shuts down and the reconciles in progress have finished.
pub async fn run(mgr: Manager) -> anyhow::Result<()> {
    let api: Api<Certificate> = mgr.api();
    let crd = Certificate::crd_name();
    api.list(&ListParams::default().limit(1))
        .await
        .with_context(|| format!("cannot list {crd}: is the CRD installed?"))?;

    let controller = Controller::new(api, watcher::Config::default().any_semantic());
    mgr.health.track(controller.store());
    let ctx = Arc::new(Context::new(&mgr, NAME, FIELD_MANAGER, Seen::default()));
    controller
        .graceful_shutdown_on(mgr.shutdown.clone().cancelled_owned())
        .run(|obj, ctx| obj.reconcile(ctx), error_policy, ctx)
        .for_each(log_outcome)
        .await;
    Ok(())
}

impl Certificate {
    /// Brings this object closer to its desired state.
    ///
    /// The finalizer helper calls `apply` while the object lives, and `cleanup` once it is
    /// being deleted.
    async fn reconcile(self: Arc<Self>, ctx: Arc<Ctx>) -> Result<Action> {
        ctx.observe(self.as_ref(), async {
            let ns = self.namespace().ok_or(Error::MissingNamespace)?;
            let api = Api::namespaced(ctx.client.clone(), &ns);
            finalizer(&api, FINALIZER, self.clone(), |event| async {
                match event {
                    Event::Apply(obj) => obj.apply(&ctx).await,
                    Event::Cleanup(obj) => obj.cleanup().await,
                }
            })
            .await
            .map_err(|error| Error::Finalizer(Box::new(error)))
        })
        .await
    }

    /// Makes the world match this object, then says how it went.
    ///
    /// It runs again after every change and every five minutes, so it must be idempotent.
    async fn apply(&self, ctx: &Ctx) -> Result<Action> {
        tracing::info!(object = %key(self), "applying");
        let outcome = self.ensure().await;
        self.report(ctx, &outcome).await;
        outcome?;
        Ok(Action::requeue(RESYNC))
    }

    /// Creates or updates what this object describes.
    async fn ensure(&self) -> Result<()> {
        // TODO: create or update the objects that this one describes, for example a Deployment
        // owned by it (see `Resource::controller_owner_ref`); pass it the `ctx` of `apply` for
        // a client.
        Ok(())
    }

    /// Publishes an Event when a change of this object is reconciled or a reconcile fails.
    async fn report(&self, ctx: &Ctx, outcome: &Result<()>) {
        // TODO: apply the status of Certificate that follows from `outcome`, with
        // `Api::patch_status` and `PatchParams::apply(FIELD_MANAGER)` (the RBAC markers above
        // allow it).
        let (type_, reason, note) = match outcome {
            Ok(()) if !ctx.state.is_new(&key(self), &self.metadata) => return,
            Ok(()) => (EventType::Normal, "Reconciled", "object reconciled".into()),
            Err(error) => (EventType::Warning, "ReconcileFailed", error.to_string()),
        };
        ctx.publish(self, type_, reason, note).await;
    }

    /// Releases what this object holds outside of Kubernetes, before it is deleted.
    ///
    /// Objects that it owns through owner references are deleted by the garbage collector.
    async fn cleanup(&self) -> Result<Action> {
        tracing::info!(object = %key(self), "cleaning up");
        // TODO: delete what this object created outside of Kubernetes.
        Ok(Action::await_change())
    }
}

/// The context of the reconciles of this controller.
type Ctx = Context<Seen>;

/// The generation of each Certificate last reconciled, so that each change gets one Event.
#[derive(Debug, Default)]
struct Seen(Mutex<HashMap<String, i64>>);

impl Seen {
    /// Records the generation in `meta` as reconciled for `object`; true if it was not before.
    fn is_new(&self, object: &str, meta: &kube::core::ObjectMeta) -> bool {
        let generation = meta.generation.unwrap_or_default();
        let mut seen = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        seen.insert(object.into(), generation) != Some(generation)
    }
}

#[cfg(test)]
mod tests {
    use http::{Method, StatusCode};
    use k8s_openapi::{apimachinery::pkg::apis::meta::v1::Time, jiff::Timestamp};
    use kube::Resource;
    use serde_json::json;

    use super::*;
    use crate::reconcile::testing::{self, ApiServer, events_path, timeout};

    /// A Certificate named `test` at generation `generation`, as the API server would
    /// send it.
    fn test_object(generation: i64) -> Certificate {
        let mut obj = Certificate::new("test", Default::default());
        obj.metadata.namespace = Some("default".into());
        obj.metadata.generation = Some(generation);
        obj
    }

    /// The same, once the controller has put its finalizer on it.
    fn test_object_with_finalizer(generation: i64) -> Certificate {
        let mut obj = test_object(generation);
        obj.metadata.finalizers = Some(vec![FINALIZER.into()]);
        obj
    }

    /// The path of `test` on the API server.
    fn path() -> String {
        let collection = Certificate::url_path(&(), Some("default"));
        format!("{collection}/test")
    }

    /// A context whose requests go to the returned fake API server.
    fn context() -> (Arc<Ctx>, ApiServer) {
        let (mgr, server) = testing::manager();
        let ctx = Context::new(&mgr, NAME, FIELD_MANAGER, Seen::default());
        (Arc::new(ctx), server)
    }

    #[tokio::test]
    async fn adds_the_finalizer_first() {
        let (ctx, mut server) = context();
        let api_server = tokio::spawn(async move {
            let reply = test_object_with_finalizer(1);
            let patch = server.expect(Method::PATCH, &path(), &reply).await;
            let expected = json!([
                { "op": "test", "path": "/metadata/finalizers", "value": null },
                { "op": "add", "path": "/metadata/finalizers", "value": [FINALIZER] },
            ]);
            assert_eq!(patch.body, expected);
            server
        });

        let obj = Arc::new(test_object(1));
        let action = timeout(obj.reconcile(ctx)).await.unwrap();
        assert_eq!(action, Action::await_change());
        timeout(api_server).await.unwrap();
    }

    #[tokio::test]
    async fn publishes_one_event_per_change() {
        let (ctx, mut server) = context();
        let api_server = tokio::spawn(async move {
            let event = server.echo(Method::POST, &events_path("default")).await;
            assert_eq!(event.body["type"], "Normal");
            assert_eq!(event.body["reason"], "Reconciled");
            assert_eq!(event.body["regarding"]["name"], "test");
            // The next change adds to the same Event, as a series.
            let name = event.body["metadata"]["name"].as_str().unwrap();
            let path = format!("{}/{name}", events_path("default"));
            let event = server.echo(Method::PATCH, &path).await;
            assert_eq!(event.body["series"]["count"], 2);
            // The server stays up: an unexpected request would go unanswered and time out.
            server
        });

        for generation in [1, 1, 2] {
            let obj = Arc::new(test_object_with_finalizer(generation));
            let action = timeout(obj.reconcile(ctx.clone())).await.unwrap();
            assert_eq!(action, Action::requeue(RESYNC));
        }
        timeout(api_server).await.unwrap();
    }

    #[tokio::test]
    async fn cleans_up_then_removes_the_finalizer() {
        let mut obj = test_object_with_finalizer(1);
        obj.metadata.deletion_timestamp = Some(Time(Timestamp::now()));
        let (ctx, mut server) = context();
        let api_server = tokio::spawn(async move {
            let reply = test_object(1);
            let patch = server.expect(Method::PATCH, &path(), &reply).await;
            let expected = json!([
                { "op": "test", "path": "/metadata/finalizers/0", "value": FINALIZER },
                { "op": "remove", "path": "/metadata/finalizers/0" },
            ]);
            assert_eq!(patch.body, expected);
            server
        });

        let action = timeout(Arc::new(obj).reconcile(ctx)).await.unwrap();
        assert_eq!(action, Action::await_change());
        timeout(api_server).await.unwrap();
    }

    #[tokio::test]
    async fn fails_and_backs_off_when_the_api_server_fails() {
        let (ctx, mut server) = context();
        let api_server = tokio::spawn(async move {
            let error = StatusCode::INTERNAL_SERVER_ERROR;
            server.fail(Method::PATCH, &path(), error).await;
            server
        });

        let obj = Arc::new(test_object(1));
        let result = timeout(obj.clone().reconcile(ctx.clone())).await;
        let error = result.unwrap_err();
        assert_eq!(error.reason(), "FinalizerError");
        timeout(api_server).await.unwrap();

        let first = error_policy(obj.clone(), &error, ctx.clone());
        let second = error_policy(obj, &error, ctx);
        assert_eq!(first, Action::requeue(Duration::from_secs(1)));
        assert_eq!(second, Action::requeue(Duration::from_secs(2)));
    }
}
