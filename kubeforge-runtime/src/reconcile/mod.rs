//! What the controllers share: the [`Context`] of every reconcile (with its metrics and its
//! Events), the [`Error`] type, the [`error_policy`] with its per-object [`backoff`],
//! [`log_outcome`] for the controller's stream, and helpers for status [`conditions`].
//!
//! # Example
//!
//! A controller of ConfigMaps, as the manager runs it.
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use futures::StreamExt;
//! use k8s_openapi::api::core::v1::ConfigMap;
//! use kube::runtime::{Controller, controller::Action, watcher};
//! use kubeforge_runtime::manager::Manager;
//! use kubeforge_runtime::reconcile::{Context, Result, error_policy, log_outcome};
//!
//! async fn reconcile(obj: Arc<ConfigMap>, ctx: Arc<Context>) -> Result<Action> {
//!     // Counted in the metrics; a success resets the object's backoff.
//!     ctx.observe(obj.as_ref(), async { Ok(Action::await_change()) }).await
//! }
//!
//! pub async fn run(mgr: Manager) -> anyhow::Result<()> {
//!     let controller = Controller::new(mgr.api::<ConfigMap>(), watcher::Config::default());
//!     mgr.health.track(controller.store());
//!     let ctx = Arc::new(Context::new(&mgr, "configmaps", "configmap-controller", ()));
//!     controller
//!         .graceful_shutdown_on(mgr.shutdown.clone().cancelled_owned())
//!         .run(reconcile, error_policy, ctx)
//!         .for_each(log_outcome)
//!         .await;
//!     Ok(())
//! }
//! ```

pub mod backoff;
pub mod conditions;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::{future::Future, sync::Arc, time::Instant};

use kube::{
    Client, Resource, ResourceExt,
    runtime::{
        controller::{self, Action},
        events::{Event, EventType, Recorder, Reporter},
        finalizer,
        reflector::ObjectRef,
        watcher,
    },
};

use crate::manager::{Manager, metrics::ControllerMetrics};
pub use backoff::Backoff;

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

impl Error {
    /// A short, stable name of the failure: the `reason` label of the error metric.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Kube(kube::Error::Api(_)) => "ApiError",
            Error::Kube(_) => "ClientError",
            Error::Finalizer(error) => match error.as_ref() {
                finalizer::Error::ApplyFailed(error) | finalizer::Error::CleanupFailed(error) => {
                    error.reason()
                }
                _ => "FinalizerError",
            },
            Error::MissingNamespace => "MissingNamespace",
        }
    }
}

/// The result of a reconcile step.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What every reconcile of one controller gets besides the object.
pub struct Context<S = ()> {
    /// Client of the Kubernetes API server.
    pub client: Client,
    /// Publishes Kubernetes Events about the reconciled objects.
    pub recorder: Recorder,
    /// The metrics of this controller.
    pub metrics: ControllerMetrics,
    /// How long to wait before retrying each failing object.
    pub backoff: Backoff,
    /// What this controller keeps between reconciles, such as a client of an outside service.
    pub state: S,
}

impl<S> Context<S> {
    /// The context of the controller `name`; its Events name `reporter` as their source.
    pub fn new(mgr: &Manager, name: &str, reporter: &str, state: S) -> Context<S> {
        Context {
            client: mgr.client.clone(),
            recorder: Recorder::new(mgr.client.clone(), Reporter::from(reporter)),
            metrics: mgr.metrics.controller(name),
            backoff: Backoff::default(),
            state,
        }
    }

    /// Runs `reconcile` for `obj`: counts it in the metrics and, when it succeeds, forgets the
    /// object's past failures.
    pub async fn observe<K: Resource>(
        &self,
        obj: &K,
        reconcile: impl Future<Output = Result<Action>>,
    ) -> Result<Action> {
        let started = Instant::now();
        let result = reconcile.await;
        let error = result.as_ref().err().map(Error::reason);
        self.metrics.reconciled(started.elapsed(), error);
        if result.is_ok() {
            self.backoff.reset(&key(obj));
        }
        result
    }

    /// Publishes an Event about `obj`, shown by `kubectl describe`. Events are informative:
    /// a failure to publish one is logged, not returned.
    pub async fn publish<K>(&self, obj: &K, type_: EventType, reason: &str, note: String)
    where
        K: Resource<DynamicType = ()>,
    {
        let event = Event {
            type_,
            reason: reason.into(),
            note: Some(note),
            action: "Reconcile".into(),
            secondary: None,
        };
        if let Err(error) = self.recorder.publish(&event, &obj.object_ref(&())).await {
            tracing::warn!(%error, object = %key(obj), reason, "cannot publish an event");
        }
    }
}

/// Decides when to retry after a failed reconcile: exponentially later for an object that
/// keeps failing (see [`Backoff`]), from one second up to five minutes.
pub fn error_policy<K: Resource, S>(obj: Arc<K>, error: &Error, ctx: Arc<Context<S>>) -> Action {
    let object = key(obj.as_ref());
    let delay = ctx.backoff.failed(&object);
    tracing::warn!(%object, %error, retry_in = ?delay, "reconcile failed");
    Action::requeue(delay)
}

/// Logs what the controller's stream reports. Failed reconciles are logged by
/// [`error_policy`], successful ones only at debug level.
pub async fn log_outcome<K>(
    outcome: Result<(ObjectRef<K>, Action), controller::Error<Error, watcher::Error>>,
) where
    K: Resource,
{
    match outcome {
        Ok((object, _)) => tracing::debug!(%object, "reconciled"),
        Err(controller::Error::ReconcilerFailed(..)) => {}
        Err(error) => tracing::warn!(%error, "controller error"),
    }
}

/// `namespace/name`, or `name` for a cluster-scoped object.
pub fn key<K: Resource>(obj: &K) -> String {
    match obj.namespace() {
        Some(namespace) => format!("{namespace}/{}", obj.name_any()),
        None => obj.name_any(),
    }
}
