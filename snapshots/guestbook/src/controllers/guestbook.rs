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

//! The controller of `Guestbook` (`webapp.example.com/v1`).
//!
//! It puts a finalizer on every Guestbook, so that its cleanup runs before the object
//! goes away, and reports what it did in the status.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use futures::StreamExt;
use kube::{
    Api, Client, CustomResourceExt, Resource, ResourceExt,
    api::{ListParams, Patch, PatchParams},
    runtime::{
        Controller,
        controller::Action,
        finalizer::{Event, finalizer},
        watcher,
    },
};
use serde_json::json;

use crate::api::v1::Guestbook;
use crate::api::v1::GuestbookStatus;
use crate::controllers::{Context, Error, Result, error_policy};

// Permissions of the controller: `kubeforge generate` derives config/rbac/role.yaml from them.
// +kubeforge:rbac:groups=webapp.example.com,resources=guestbooks,verbs=get;list;watch;create;update;patch;delete
// +kubeforge:rbac:groups=webapp.example.com,resources=guestbooks/status,verbs=get;update;patch
// +kubeforge:rbac:groups=webapp.example.com,resources=guestbooks/finalizers,verbs=update

/// The finalizer that keeps a Guestbook until its cleanup has succeeded.
pub const FINALIZER: &str = "guestbooks.webapp.example.com/finalizer";

/// The field manager of the status that this controller applies.
const FIELD_MANAGER: &str = "guestbook-controller";

/// Watches every Guestbook in all namespaces and reconciles it.
///
/// Returns on SIGTERM or Ctrl+C, once the reconciles in progress have finished.
pub async fn run(client: &Client) -> anyhow::Result<()> {
    let ctx = Arc::new(Context {
        client: client.clone(),
    });
    let api = Api::<Guestbook>::all(client.clone());
    let crd = Guestbook::crd_name();
    api.list(&ListParams::default().limit(1))
        .await
        .with_context(|| format!("cannot list {crd}: is the CRD installed?"))?;

    Controller::new(api, watcher::Config::default())
        .shutdown_on_signal()
        .run(reconcile, error_policy, ctx)
        .for_each(|result| async move {
            match result {
                Ok((object, _)) => tracing::info!(%object, "reconciled"),
                Err(error) => tracing::warn!(%error, "reconcile failed"),
            }
        })
        .await;
    Ok(())
}

/// Brings one Guestbook closer to its desired state.
///
/// The finalizer helper calls `apply` while the object lives, and `cleanup` once it is being
/// deleted.
async fn reconcile(obj: Arc<Guestbook>, ctx: Arc<Context>) -> Result<Action> {
    let ns = obj.namespace().ok_or(Error::MissingNamespace)?;
    let api = Api::<Guestbook>::namespaced(ctx.client.clone(), &ns);
    finalizer(&api, FINALIZER, obj, |event| async {
        match event {
            Event::Apply(obj) => obj.apply(&api).await,
            Event::Cleanup(obj) => obj.cleanup().await,
        }
    })
    .await
    .map_err(|error| Error::Finalizer(Box::new(error)))
}

impl Guestbook {
    /// Makes the world match this object, then records in the status that its current
    /// generation is done.
    ///
    /// It runs again after every change and every five minutes, so it must be idempotent.
    async fn apply(&self, api: &Api<Self>) -> Result<Action> {
        tracing::info!(name = %self.name_any(), "applying");
        // TODO: create or update what this object describes.

        let status = json!({
            "apiVersion": Self::api_version(&()),
            "kind": Self::kind(&()),
            "status": GuestbookStatus {
                observed_generation: self.metadata.generation,
            },
        });
        let params = PatchParams::apply(FIELD_MANAGER).force();
        api.patch_status(&self.name_any(), &params, &Patch::Apply(&status))
            .await?;
        Ok(Action::requeue(Duration::from_secs(5 * 60)))
    }

    /// Releases what this object holds outside of Kubernetes, before it is deleted.
    ///
    /// Objects that it owns through owner references are deleted by the garbage collector.
    async fn cleanup(&self) -> Result<Action> {
        tracing::info!(name = %self.name_any(), "cleaning up");
        // TODO: delete what this object created outside of Kubernetes.
        Ok(Action::await_change())
    }
}

#[cfg(test)]
mod tests {
    use http::Method;
    use k8s_openapi::{apimachinery::pkg::apis::meta::v1::Time, jiff::Timestamp};

    use super::*;
    use crate::controllers::testing::{self, timeout};

    /// A Guestbook named `test`, as the API server would send it.
    fn test_object() -> Guestbook {
        let mut obj = Guestbook::new("test", Default::default());
        obj.metadata.namespace = Some("default".into());
        obj.metadata.generation = Some(1);
        obj
    }

    /// The same, once the controller has put its finalizer on it.
    fn test_object_with_finalizer() -> Guestbook {
        let mut obj = test_object();
        obj.metadata.finalizers = Some(vec![FINALIZER.into()]);
        obj
    }

    /// The path of `test` on the API server.
    fn path() -> String {
        let collection = Guestbook::url_path(&(), Some("default"));
        format!("{collection}/test")
    }

    async fn run_reconcile(obj: Guestbook, client: Client) -> Action {
        let ctx = Arc::new(Context { client });
        timeout(reconcile(Arc::new(obj), ctx))
            .await
            .expect("reconcile failed")
    }

    #[tokio::test]
    async fn adds_the_finalizer_first() {
        let (client, mut server) = testing::client();
        let api_server = tokio::spawn(async move {
            let reply = test_object_with_finalizer();
            let (_, patch) = server.expect(Method::PATCH, &path(), &reply).await;
            let expected = json!([
                { "op": "test", "path": "/metadata/finalizers", "value": null },
                { "op": "add", "path": "/metadata/finalizers", "value": [FINALIZER] },
            ]);
            assert_eq!(patch, expected);
        });

        let action = run_reconcile(test_object(), client).await;
        assert_eq!(action, Action::await_change());
        timeout(api_server).await.unwrap();
    }

    #[tokio::test]
    async fn applies_the_status() {
        let (client, mut server) = testing::client();
        let api_server = tokio::spawn(async move {
            let reply = test_object_with_finalizer();
            let status_path = format!("{}/status", path());
            let (query, patch) = server.expect(Method::PATCH, &status_path, &reply).await;
            assert!(query.contains(&format!("fieldManager={FIELD_MANAGER}")));
            assert_eq!(patch["status"], json!({ "observedGeneration": 1 }));
        });

        let action = run_reconcile(test_object_with_finalizer(), client).await;
        assert_eq!(action, Action::requeue(Duration::from_secs(5 * 60)));
        timeout(api_server).await.unwrap();
    }

    #[tokio::test]
    async fn cleans_up_then_removes_the_finalizer() {
        let mut obj = test_object_with_finalizer();
        obj.metadata.deletion_timestamp = Some(Time(Timestamp::now()));
        let (client, mut server) = testing::client();
        let api_server = tokio::spawn(async move {
            let reply = test_object();
            let (_, patch) = server.expect(Method::PATCH, &path(), &reply).await;
            let expected = json!([
                { "op": "test", "path": "/metadata/finalizers/0", "value": FINALIZER },
                { "op": "remove", "path": "/metadata/finalizers/0" },
            ]);
            assert_eq!(patch, expected);
        });

        let action = run_reconcile(obj, client).await;
        assert_eq!(action, Action::await_change());
        timeout(api_server).await.unwrap();
    }
}
