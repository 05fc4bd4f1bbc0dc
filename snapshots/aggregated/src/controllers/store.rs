// Copyright The wardle Authors.
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

//! The controller of `Store` (`shop.example.com/v1`).
//!
//! It puts a finalizer on every Store, so that its cleanup runs before the object
//! goes away; reports how each reconcile went in the status conditions `Ready`, `Progressing`
//! and `Degraded`; and publishes an Event when the object becomes ready or a reconcile fails.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use futures::StreamExt;
use kube::{
    Api, CustomResourceExt, Resource, ResourceExt,
    api::{ListParams, Patch, PatchParams},
    runtime::{
        Controller,
        controller::Action,
        events::EventType,
        finalizer::{Event, finalizer},
        watcher,
    },
};
use serde_json::json;

use crate::api::v1::Store;
use crate::manager::Manager;
use crate::reconcile::{Context, Error, Result, conditions, error_policy, key, log_outcome};

// Permissions of the controller: `kubeforge generate` derives config/rbac/role.yaml from them.
// +kubeforge:rbac:groups=shop.example.com,resources=stores,verbs=get;list;watch;create;update;patch;delete
// +kubeforge:rbac:groups=shop.example.com,resources=stores/status,verbs=get;update;patch
// +kubeforge:rbac:groups=shop.example.com,resources=stores/finalizers,verbs=update
// +kubeforge:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

/// The finalizer that keeps a Store until its cleanup has succeeded.
pub const FINALIZER: &str = "shop.example.com/finalizer";

/// The field manager of the status that this controller applies, and the source of its Events.
const FIELD_MANAGER: &str = "wardle-controller";

/// The name of this controller in metrics and logs.
const NAME: &str = "stores.shop.example.com";

/// How long after a successful reconcile a Store is reconciled again, even if
/// nothing changed.
const RESYNC: Duration = Duration::from_secs(5 * 60);

/// Watches Store objects and reconciles them; only those of the manager's
/// namespace when it has one.
///
/// Returns once the manager shuts down and the reconciles in progress have finished.
pub async fn run(mgr: Manager) -> anyhow::Result<()> {
    let api: Api<Store> = mgr.api();
    let crd = Store::crd_name();
    api.list(&ListParams::default().limit(1))
        .await
        .with_context(|| format!("cannot list {crd}: is the CRD installed?"))?;

    let controller = Controller::new(api, watcher::Config::default().any_semantic());
    mgr.health.track(controller.store());
    let ctx = Arc::new(Context::new(&mgr, NAME, FIELD_MANAGER, ()));
    controller
        .graceful_shutdown_on(mgr.shutdown.clone().cancelled_owned())
        .run(|obj, ctx| obj.reconcile(ctx), error_policy, ctx)
        .for_each(log_outcome)
        .await;
    Ok(())
}

impl Store {
    /// Brings this object closer to its desired state.
    ///
    /// The finalizer helper calls `apply` while the object lives, and `cleanup` once it is
    /// being deleted.
    async fn reconcile(self: Arc<Self>, ctx: Arc<Context>) -> Result<Action> {
        ctx.observe(self.as_ref(), async {
            let ns = self.namespace().ok_or(Error::MissingNamespace)?;
            let api = Api::namespaced(ctx.client.clone(), &ns);
            finalizer(&api, FINALIZER, self.clone(), |event| async {
                match event {
                    Event::Apply(obj) => obj.apply(&api, &ctx).await,
                    Event::Cleanup(obj) => obj.cleanup().await,
                }
            })
            .await
            .map_err(|error| Error::Finalizer(Box::new(error)))
        })
        .await
    }

    /// Makes the world match this object, then reports in the status how it went.
    ///
    /// It runs again after every change and every five minutes, so it must be idempotent.
    async fn apply(&self, api: &Api<Self>, ctx: &Context) -> Result<Action> {
        tracing::info!(object = %key(self), "applying");
        let outcome = self.ensure().await;
        let reported = self.report(api, ctx, &outcome).await;
        outcome?;
        reported?;
        Ok(Action::requeue(RESYNC))
    }

    /// Creates or updates what this object describes.
    async fn ensure(&self) -> Result<()> {
        // TODO: create or update the objects that this one describes, for example a Deployment
        // owned by it (see `Resource::controller_owner_ref`); pass it the `ctx` of `apply` for
        // a client.
        Ok(())
    }

    /// Applies the status conditions that follow from `outcome`, and publishes an Event when
    /// the object becomes ready or a reconcile fails.
    async fn report(&self, api: &Api<Self>, ctx: &Context, outcome: &Result<()>) -> Result<()> {
        let previous = self
            .status
            .as_ref()
            .map(|status| status.conditions.as_slice())
            .unwrap_or_default();
        let generation = self.metadata.generation;
        let conditions = match outcome {
            Ok(()) => conditions::reconciled(previous, generation),
            Err(error) => conditions::failed(previous, generation, &error.to_string()),
        };
        let status = json!({
            "apiVersion": Self::api_version(&()),
            "kind": Self::kind(&()),
            // Only the fields this controller owns: server-side apply leaves the others alone.
            "status": {
                "observedGeneration": generation,
                "conditions": conditions,
            },
        });
        let params = PatchParams::apply(FIELD_MANAGER).force();
        api.patch_status(&self.name_any(), &params, &Patch::Apply(&status))
            .await?;

        let (type_, reason, note) = match outcome {
            Ok(()) if conditions::is_true(previous, conditions::READY) => return Ok(()),
            Ok(()) => (EventType::Normal, "Reconciled", "object is ready".into()),
            Err(error) => (EventType::Warning, "ReconcileFailed", error.to_string()),
        };
        ctx.publish(self, type_, reason, note).await;
        Ok(())
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

#[cfg(test)]
mod tests {
    use http::{Method, StatusCode};
    use k8s_openapi::{apimachinery::pkg::apis::meta::v1::Time, jiff::Timestamp};
    use serde_json::Value;

    use super::*;
    use crate::reconcile::{
        conditions::{DEGRADED, PROGRESSING, READY},
        testing::{self, ApiServer, events_path, timeout},
    };

    /// A Store named `test`, as the API server would send it.
    fn test_object() -> Store {
        let mut obj = Store::new("test", Default::default());
        obj.metadata.namespace = Some("default".into());
        obj.metadata.generation = Some(1);
        obj
    }

    /// The same, once the controller has put its finalizer on it.
    fn test_object_with_finalizer() -> Store {
        let mut obj = test_object();
        obj.metadata.finalizers = Some(vec![FINALIZER.into()]);
        obj
    }

    /// The path of `test` on the API server.
    fn path() -> String {
        let collection = Store::url_path(&(), Some("default"));
        format!("{collection}/test")
    }

    /// A context whose requests go to the returned fake API server.
    fn context() -> (Arc<Context>, ApiServer) {
        let (mgr, server) = testing::manager();
        let ctx = Context::new(&mgr, NAME, FIELD_MANAGER, ());
        (Arc::new(ctx), server)
    }

    /// The condition `type_` in the `status` of an applied patch.
    fn condition<'a>(patch: &'a Value, type_: &str) -> &'a Value {
        let conditions = patch["status"]["conditions"].as_array().unwrap();
        conditions.iter().find(|c| c["type"] == type_).unwrap()
    }

    #[tokio::test]
    async fn adds_the_finalizer_first() {
        let (ctx, mut server) = context();
        let api_server = tokio::spawn(async move {
            let reply = test_object_with_finalizer();
            let patch = server.expect(Method::PATCH, &path(), &reply).await;
            let expected = json!([
                { "op": "test", "path": "/metadata/finalizers", "value": null },
                { "op": "add", "path": "/metadata/finalizers", "value": [FINALIZER] },
            ]);
            assert_eq!(patch.body, expected);
            server
        });

        let obj = Arc::new(test_object());
        let action = timeout(obj.reconcile(ctx)).await.unwrap();
        assert_eq!(action, Action::await_change());
        timeout(api_server).await.unwrap();
    }

    #[tokio::test]
    async fn reports_ready_and_publishes_an_event() {
        let (ctx, mut server) = context();
        let api_server = tokio::spawn(async move {
            let status_path = format!("{}/status", path());
            let reply = test_object_with_finalizer();
            let patch = server.expect(Method::PATCH, &status_path, &reply).await;
            let field_manager = format!("fieldManager={FIELD_MANAGER}");
            assert!(patch.query.contains(&field_manager));
            assert!(patch.query.contains("force=true"));
            assert_eq!(patch.body["status"]["observedGeneration"], 1);
            assert_eq!(condition(&patch.body, READY)["status"], "True");
            assert_eq!(condition(&patch.body, PROGRESSING)["status"], "False");
            assert_eq!(condition(&patch.body, DEGRADED)["status"], "False");

            let event = server.echo(Method::POST, &events_path("default")).await;
            assert_eq!(event.body["type"], "Normal");
            assert_eq!(event.body["reason"], "Reconciled");
            assert_eq!(event.body["regarding"]["name"], "test");
            server
        });

        let obj = Arc::new(test_object_with_finalizer());
        let action = timeout(obj.reconcile(ctx)).await.unwrap();
        assert_eq!(action, Action::requeue(RESYNC));
        timeout(api_server).await.unwrap();
    }

    #[tokio::test]
    async fn publishes_no_event_while_it_stays_ready() {
        let mut obj = test_object_with_finalizer();
        let status = obj.status.get_or_insert_with(Default::default);
        status.observed_generation = Some(1);
        status.conditions = conditions::reconciled(&[], Some(1));
        let (ctx, mut server) = context();
        let reply = obj.clone();
        let api_server = tokio::spawn(async move {
            let status_path = format!("{}/status", path());
            server.expect(Method::PATCH, &status_path, &reply).await;
            // The server stays up: a further request would go unanswered and time out.
            server
        });

        let action = timeout(Arc::new(obj).reconcile(ctx)).await.unwrap();
        assert_eq!(action, Action::requeue(RESYNC));
        timeout(api_server).await.unwrap();
    }

    #[tokio::test]
    async fn cleans_up_then_removes_the_finalizer() {
        let mut obj = test_object_with_finalizer();
        obj.metadata.deletion_timestamp = Some(Time(Timestamp::now()));
        let (ctx, mut server) = context();
        let api_server = tokio::spawn(async move {
            let reply = test_object();
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
            let status_path = format!("{}/status", path());
            let error = StatusCode::INTERNAL_SERVER_ERROR;
            server.fail(Method::PATCH, &status_path, error).await;
            server
        });

        let obj = Arc::new(test_object_with_finalizer());
        let result = timeout(obj.clone().reconcile(ctx.clone())).await;
        let error = result.unwrap_err();
        assert_eq!(error.reason(), "ApiError");
        timeout(api_server).await.unwrap();

        let first = error_policy(obj.clone(), &error, ctx.clone());
        let second = error_policy(obj, &error, ctx);
        assert_eq!(first, Action::requeue(Duration::from_secs(1)));
        assert_eq!(second, Action::requeue(Duration::from_secs(2)));
    }
}
