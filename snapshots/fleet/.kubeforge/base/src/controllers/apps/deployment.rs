//! A controller of `Deployment` (`apps/v1`).
//!
//! This project watches Deployment objects but does not own them: the controller puts
//! no finalizer on them and keeps no status of its own. It reconciles each one after every
//! change and every five minutes, and publishes an Event the first time it sees a change.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use kube::{
    Api,
    runtime::{Controller, controller::Action, events::EventType, watcher},
};

use crate::manager::Manager;
use crate::reconcile::{Context, Result, error_policy, key, log_outcome};

// Permissions of the controller: `kubeforge generate` derives config/rbac/role.yaml from them.
// +kubeforge:rbac:groups=apps,resources=deployments,verbs=get;list;watch;update;patch
// +kubeforge:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

/// The source of the Events of this controller.
const REPORTER: &str = "fleet-controller";

/// The name of this controller in metrics and logs.
const NAME: &str = "deployments.apps";

/// How long after a successful reconcile a Deployment is reconciled again, even if
/// nothing changed.
const RESYNC: Duration = Duration::from_secs(5 * 60);

/// Watches Deployment objects and reconciles them; only those of the manager's
/// namespace when it has one.
///
/// Returns once the manager shuts down and the reconciles in progress have finished.
pub async fn run(mgr: Manager) -> anyhow::Result<()> {
    let api: Api<Deployment> = mgr.api();
    let controller = Controller::new(api, watcher::Config::default().any_semantic());
    mgr.health.track(controller.store());
    let ctx = Arc::new(Context::new(&mgr, NAME, REPORTER, Seen::default()));
    controller
        .graceful_shutdown_on(mgr.shutdown.clone().cancelled_owned())
        .run(reconcile, error_policy, ctx)
        .for_each(log_outcome)
        .await;
    Ok(())
}

/// Reconciles one Deployment. It runs again after every change and every five minutes,
/// so it must be idempotent.
async fn reconcile(obj: Arc<Deployment>, ctx: Arc<Ctx>) -> Result<Action> {
    ctx.observe(obj.as_ref(), async {
        let object = key(obj.as_ref());
        tracing::info!(%object, "reconciling");
        // TODO: act on the Deployment, for example patch its labels through
        // `Api::<Deployment>::namespaced(ctx.client.clone(), namespace)` with
        // `PatchParams::apply(REPORTER)`.

        if ctx.state.is_new(&object, &obj.metadata) {
            let note = format!("{object} reconciled");
            ctx.publish(obj.as_ref(), EventType::Normal, "Reconciled", note)
                .await;
        }
        Ok(Action::requeue(RESYNC))
    })
    .await
}

/// The context of the reconciles of this controller.
type Ctx = Context<Seen>;

/// The version of each Deployment last reconciled, so that each change gets one Event.
#[derive(Debug, Default)]
struct Seen(Mutex<HashMap<String, String>>);

impl Seen {
    /// Records the version in `meta` as seen for `object`; true if it was not seen before.
    fn is_new(&self, object: &str, meta: &kube::core::ObjectMeta) -> bool {
        let version = match (meta.generation, &meta.resource_version) {
            (Some(generation), _) => generation.to_string(),
            (None, Some(resource_version)) => resource_version.clone(),
            (None, None) => String::new(),
        };
        let mut seen = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        seen.insert(object.into(), version.clone()).as_ref() != Some(&version)
    }
}

#[cfg(test)]
mod tests {
    use http::Method;

    use super::*;
    use crate::reconcile::testing::{self, events_path, timeout};

    /// A Deployment named `test` at generation `generation`, as the API server would
    /// send it.
    fn test_object(generation: i64) -> Deployment {
        let mut obj = Deployment::default();
        obj.metadata.name = Some("test".into());
        obj.metadata.namespace = Some("default".into());
        obj.metadata.generation = Some(generation);
        obj
    }

    #[tokio::test]
    async fn publishes_one_event_per_change() {
        let (mgr, mut server) = testing::manager();
        let ctx = Arc::new(Context::new(&mgr, NAME, REPORTER, Seen::default()));
        let api_server = tokio::spawn(async move {
            let event = server.echo(Method::POST, &events_path("default")).await;
            assert_eq!(event.body["type"], "Normal");
            assert_eq!(event.body["reason"], "Reconciled");
            assert_eq!(event.body["regarding"]["kind"], "Deployment");
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
            let obj = Arc::new(test_object(generation));
            let action = timeout(reconcile(obj, ctx.clone())).await.unwrap();
            assert_eq!(action, Action::requeue(RESYNC));
        }
        timeout(api_server).await.unwrap();
    }
}
