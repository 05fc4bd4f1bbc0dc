// Copyright The memcached-operator Authors.
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

//! The controller of `Memcached` (`cache.example.com/v1alpha1`), as kubebuilder's
//! deploy-image plugin makes it.
//!
//! Each Memcached gets a Deployment of its name, in its namespace, owned by it: `spec.size`
//! replicas of the image that the manager's environment variable `MEMCACHED_IMAGE` names
//! (else [`DEFAULT_IMAGE`]), with the restricted security context. The controller puts a
//! finalizer on every Memcached, reports in the status conditions `Available`,
//! `Progressing` and `Degraded`, and publishes an Event when it creates or scales the Deployment
//! and when the object is deleted.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use anyhow::Context as _;
use futures::StreamExt;
use k8s_openapi::{
    api::{
        apps::v1 as apps,
        core::v1::{
            Capabilities, Container, PodSecurityContext, PodSpec, PodTemplateSpec, SeccompProfile,
            SecurityContext,
        },
    },
    apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference},
};
use kube::{
    Api, CustomResourceExt, Resource, ResourceExt,
    api::{ListParams, Patch, PatchParams, PostParams},
    runtime::{
        Controller,
        controller::Action,
        events::EventType,
        finalizer::{Event, finalizer},
        watcher,
    },
};
use serde_json::json;

use crate::api::v1alpha1::Memcached;
use crate::manager::Manager;
use crate::reconcile::conditions::{self, DEGRADED, PROGRESSING};
use crate::reconcile::{Context, Error, Result, error_policy, key, log_outcome};

// Permissions of the controller: `kubeforge generate` derives config/rbac/role.yaml from them.
// +kubeforge:rbac:groups=cache.example.com,resources=memcacheds,verbs=get;list;watch;create;update;patch;delete
// +kubeforge:rbac:groups=cache.example.com,resources=memcacheds/status,verbs=get;update;patch
// +kubeforge:rbac:groups=cache.example.com,resources=memcacheds/finalizers,verbs=update
// +kubeforge:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;update;patch;delete
// +kubeforge:rbac:groups=core,resources=pods,verbs=get;list;watch
// +kubeforge:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

/// The finalizer that keeps a Memcached until its cleanup has succeeded.
pub const FINALIZER: &str = "cache.example.com/finalizer";

/// The manager's environment variable that names the image of the Deployments
/// (config/manager/manager.yaml sets it).
pub const IMAGE_ENV: &str = "MEMCACHED_IMAGE";

/// The image of the Deployments when [`IMAGE_ENV`] is unset.
pub const DEFAULT_IMAGE: &str = "memcached:1.6.26-alpine";

/// The command of the Deployments' container.
pub const COMMAND: &[&str] = &["memcached", "--memory-limit=64", "-o", "modern", "-v"];

/// The condition of an object whose Deployment is as its spec describes.
pub const AVAILABLE: &str = "Available";

/// The field manager of the status that this controller applies, and the source of its Events.
const FIELD_MANAGER: &str = "memcached-operator-controller";

/// The name of this controller in metrics and logs.
const NAME: &str = "memcacheds.cache.example.com";

/// How long after a successful reconcile a Memcached is reconciled again, even if
/// nothing changed.
const RESYNC: Duration = Duration::from_secs(5 * 60);

/// Watches Memcached objects and the Deployments they own, and reconciles them; only
/// those of the manager's namespace when it has one.
///
/// Returns once the manager shuts down and the reconciles in progress have finished.
pub async fn run(mgr: Manager) -> anyhow::Result<()> {
    let api: Api<Memcached> = mgr.api();
    let crd = Memcached::crd_name();
    api.list(&ListParams::default().limit(1))
        .await
        .with_context(|| format!("cannot list {crd}: is the CRD installed?"))?;

    let config = watcher::Config::default().any_semantic();
    let controller =
        Controller::new(api, config.clone()).owns(mgr.api::<apps::Deployment>(), config);
    mgr.health.track(controller.store());
    let ctx = Arc::new(Context::new(&mgr, NAME, FIELD_MANAGER, ()));
    controller
        .graceful_shutdown_on(mgr.shutdown.clone().cancelled_owned())
        .run(|obj, ctx| obj.reconcile(ctx), error_policy, ctx)
        .for_each(log_outcome)
        .await;
    Ok(())
}

/// The image of the Deployments: [`IMAGE_ENV`], else [`DEFAULT_IMAGE`].
fn image() -> String {
    std::env::var(IMAGE_ENV).unwrap_or_else(|_| DEFAULT_IMAGE.to_string())
}

/// What a reconcile did to the Deployment.
#[derive(Debug, PartialEq)]
enum Change {
    Created,
    Scaled,
    Unchanged,
}

impl Memcached {
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
                    Event::Cleanup(obj) => obj.cleanup(&api, &ctx).await,
                }
            })
            .await
            .map_err(|error| Error::Finalizer(Box::new(error)))
        })
        .await
    }

    /// Makes the Deployment match this object, then reports in the status how it went.
    ///
    /// It runs again after every change of the object or its Deployment and every five
    /// minutes, so it must be idempotent.
    async fn apply(&self, api: &Api<Self>, ctx: &Context) -> Result<Action> {
        tracing::info!(object = %key(self), "applying");
        let outcome = self.ensure(ctx).await;
        let reported = self.report(api, ctx, &outcome).await;
        outcome?;
        reported?;
        Ok(Action::requeue(RESYNC))
    }

    /// Creates the Deployment when it is missing, and scales it to `spec.size`.
    async fn ensure(&self, ctx: &Context) -> Result<Change> {
        let ns = self.namespace().ok_or(Error::MissingNamespace)?;
        let deployments: Api<apps::Deployment> = Api::namespaced(ctx.client.clone(), &ns);
        let name = self.name_any();
        let Some(found) = deployments.get_opt(&name).await? else {
            let deployment = self.deployment(&image());
            deployments
                .create(&PostParams::default(), &deployment)
                .await?;
            return Ok(Change::Created);
        };
        if found.spec.and_then(|spec| spec.replicas) == Some(self.spec.size) {
            return Ok(Change::Unchanged);
        }
        let patch = json!({ "spec": { "replicas": self.spec.size } });
        deployments
            .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await?;
        Ok(Change::Scaled)
    }

    /// The labels of the Deployment and its pods.
    fn labels(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("app.kubernetes.io/name".into(), "memcached".into()),
            ("app.kubernetes.io/instance".into(), self.name_any()),
        ])
    }

    /// The reference of the Deployment to this object, its controller: the garbage collector
    /// deletes the Deployment with the object, and the object waits for that in the
    /// foreground deletion.
    fn owner_reference(&self) -> Option<OwnerReference> {
        let owner = self.controller_owner_ref(&())?;
        Some(OwnerReference {
            block_owner_deletion: Some(true),
            ..owner
        })
    }

    /// The Deployment of this object: `spec.size` replicas of `image`, owned by the object so
    /// that the garbage collector deletes it with the object.
    fn deployment(&self, image: &str) -> apps::Deployment {
        let labels = self.labels();
        // The restricted Pod Security Standard: no root, no privilege escalation, no
        // capabilities, the runtime's seccomp profile.
        let pod_security = PodSecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(1001),
            seccomp_profile: Some(SeccompProfile {
                type_: "RuntimeDefault".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let security = SecurityContext {
            allow_privilege_escalation: Some(false),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".into()]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let container = Container {
            name: "memcached".into(),
            image: Some(image.into()),
            image_pull_policy: Some("IfNotPresent".into()),
            command: Some(COMMAND.iter().map(|word| word.to_string()).collect()),
            ports: Some(vec![k8s_openapi::api::core::v1::ContainerPort {
                container_port: self.spec.container_port,
                name: Some("memcached".into()),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
            security_context: Some(security),
            ..Default::default()
        };
        apps::Deployment {
            metadata: ObjectMeta {
                name: Some(self.name_any()),
                namespace: self.namespace(),
                labels: Some(labels.clone()),
                owner_references: self.owner_reference().map(|owner| vec![owner]),
                ..Default::default()
            },
            spec: Some(apps::DeploymentSpec {
                replicas: Some(self.spec.size),
                selector: LabelSelector {
                    match_labels: Some(labels.clone()),
                    ..Default::default()
                },
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some(labels),
                        ..Default::default()
                    }),
                    spec: Some(PodSpec {
                        containers: vec![container],
                        security_context: Some(pod_security),
                        ..Default::default()
                    }),
                },
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// Applies the status conditions that follow from `outcome`, and publishes an Event when
    /// the Deployment was created or scaled, or a reconcile failed.
    async fn report(&self, api: &Api<Self>, ctx: &Context, outcome: &Result<Change>) -> Result<()> {
        let previous = self.conditions();
        let generation = self.metadata.generation;
        let (name, size) = (self.name_any(), self.spec.size);
        let condition = |type_, status, reason, message: String| {
            conditions::condition(previous, type_, status, reason, message, generation)
        };
        let conditions = match outcome {
            Ok(change) => vec![
                condition(
                    AVAILABLE,
                    true,
                    "Reconciling",
                    format!(
                        "Deployment for custom resource ({name}) with {size} replicas created successfully"
                    ),
                ),
                condition(
                    PROGRESSING,
                    *change != Change::Unchanged,
                    "Reconciling",
                    String::new(),
                ),
                condition(DEGRADED, false, "Reconciling", String::new()),
            ],
            Err(error) => vec![
                condition(
                    AVAILABLE,
                    false,
                    "Reconciling",
                    format!(
                        "Failed to reconcile the Deployment for the custom resource ({name}): {error}"
                    ),
                ),
                condition(PROGRESSING, true, "Retrying", error.to_string()),
                condition(DEGRADED, true, "Reconciling", error.to_string()),
            ],
        };
        self.apply_conditions(api, conditions).await?;

        let (type_, reason, note) = match outcome {
            Ok(Change::Unchanged) => return Ok(()),
            Ok(Change::Created) => (
                EventType::Normal,
                "Created",
                format!("created Deployment {name} with {size} replicas"),
            ),
            Ok(Change::Scaled) => (
                EventType::Normal,
                "Scaled",
                format!("scaled Deployment {name} to {size} replicas"),
            ),
            Err(error) => (EventType::Warning, "ReconcileFailed", error.to_string()),
        };
        ctx.publish(self, type_, reason, note).await;
        Ok(())
    }

    /// The status conditions so far.
    fn conditions(&self) -> &[k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition] {
        self.status
            .as_ref()
            .map(|status| status.conditions.as_slice())
            .unwrap_or_default()
    }

    /// Applies `conditions` as the status: only the fields this controller owns, so that
    /// server-side apply leaves the others alone.
    async fn apply_conditions(
        &self,
        api: &Api<Self>,
        conditions: Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition>,
    ) -> Result<()> {
        let status = json!({
            "apiVersion": Self::api_version(&()),
            "kind": Self::kind(&()),
            "status": { "conditions": conditions },
        });
        let params = PatchParams::apply(FIELD_MANAGER).force();
        api.patch_status(&self.name_any(), &params, &Patch::Apply(&status))
            .await?;
        Ok(())
    }

    /// Runs once the object is being deleted: reports `Degraded` while finalizing, then runs
    /// [`Self::do_finalizer_operations`]. The Deployment is left to the garbage collector,
    /// which follows its owner reference.
    async fn cleanup(&self, api: &Api<Self>, ctx: &Context) -> Result<Action> {
        tracing::info!(object = %key(self), "finalizing");
        let message = format!(
            "Performing finalizer operations for the custom resource: {}",
            self.name_any()
        );
        let finalizing = conditions::condition(
            self.conditions(),
            DEGRADED,
            true,
            "Finalizing",
            message,
            self.metadata.generation,
        );
        let mut conditions = self.conditions().to_vec();
        conditions.retain(|c| c.type_ != DEGRADED);
        conditions.push(finalizing);
        self.apply_conditions(api, conditions).await?;
        self.do_finalizer_operations(ctx).await;
        Ok(Action::await_change())
    }

    /// What is done before the object goes away: an Event says so.
    async fn do_finalizer_operations(&self, ctx: &Context) {
        // TODO: release here what this object holds outside of Kubernetes (backups, DNS
        // records...); objects it owns are deleted by the garbage collector.
        let note = format!(
            "Custom Resource {} is being deleted from the namespace {}",
            self.name_any(),
            self.namespace().unwrap_or_default()
        );
        ctx.publish(self, EventType::Warning, "Finalizing", note)
            .await;
    }
}

#[cfg(test)]
mod tests {
    use http::{Method, StatusCode};
    use k8s_openapi::{apimachinery::pkg::apis::meta::v1::Time, jiff::Timestamp};
    use serde_json::Value;

    use super::*;
    use crate::reconcile::testing::{self, ApiServer, events_path, timeout};

    /// A Memcached named `test` of size 2, as the API server would send it.
    fn test_object() -> Memcached {
        let mut obj = Memcached::new("test", Default::default());
        obj.spec.size = 2;
        obj.spec.container_port = 11211;
        obj.metadata.namespace = Some("default".into());
        obj.metadata.uid = Some("4b9a2a51".into());
        obj.metadata.generation = Some(1);
        obj
    }

    /// The same, once the controller has put its finalizer on it.
    fn test_object_with_finalizer() -> Memcached {
        let mut obj = test_object();
        obj.metadata.finalizers = Some(vec![FINALIZER.into()]);
        obj
    }

    /// The path of `test` on the API server.
    fn path() -> String {
        let collection = Memcached::url_path(&(), Some("default"));
        format!("{collection}/test")
    }

    /// The Deployments of namespace `default`.
    const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/default/deployments";

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
    async fn creates_the_deployment() {
        let (ctx, mut server) = context();
        let api_server = tokio::spawn(async move {
            let deployment = format!("{DEPLOYMENTS}/test");
            server
                .fail(Method::GET, &deployment, StatusCode::NOT_FOUND)
                .await;
            let created = server.echo(Method::POST, DEPLOYMENTS).await.body;
            let status_path = format!("{}/status", path());
            let reply = test_object_with_finalizer();
            let patch = server.expect(Method::PATCH, &status_path, &reply).await;
            assert_eq!(condition(&patch.body, AVAILABLE)["status"], "True");
            assert_eq!(condition(&patch.body, PROGRESSING)["status"], "True");
            assert_eq!(condition(&patch.body, DEGRADED)["status"], "False");
            let event = server.echo(Method::POST, &events_path("default")).await;
            assert_eq!(event.body["reason"], "Created");
            (server, created)
        });

        let obj = Arc::new(test_object_with_finalizer());
        let action = timeout(obj.reconcile(ctx)).await.unwrap();
        assert_eq!(action, Action::requeue(RESYNC));
        let (_server, created) = timeout(api_server).await.unwrap();

        let deployment: apps::Deployment = serde_json::from_value(created).unwrap();
        let owner = &deployment.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(owner.kind, Memcached::kind(&()));
        assert_eq!(owner.uid, "4b9a2a51");
        assert_eq!(owner.controller, Some(true));
        assert_eq!(owner.block_owner_deletion, Some(true));
        let spec = deployment.spec.unwrap();
        assert_eq!(spec.replicas, Some(2));
        let pod = spec.template.spec.unwrap();
        let pod_security = pod.security_context.unwrap();
        assert_eq!(pod_security.run_as_non_root, Some(true));
        assert_eq!(pod_security.run_as_user, Some(1001));
        let seccomp = pod_security.seccomp_profile.unwrap();
        assert_eq!(seccomp.type_, "RuntimeDefault");
        let container = &pod.containers[0];
        assert_eq!(container.image.as_deref(), Some(image().as_str()));
        assert_eq!(container.command.as_deref().unwrap(), COMMAND);
        assert_eq!(container.ports.as_ref().unwrap()[0].container_port, 11211);
        let security = container.security_context.as_ref().unwrap();
        assert_eq!(security.allow_privilege_escalation, Some(false));
        let capabilities = security.capabilities.as_ref().unwrap();
        assert_eq!(capabilities.drop.as_deref(), Some(&["ALL".to_string()][..]));
    }

    #[tokio::test]
    async fn scales_the_deployment_to_the_size() {
        let mut found = test_object().deployment(DEFAULT_IMAGE);
        found.spec.as_mut().unwrap().replicas = Some(1);
        let (ctx, mut server) = context();
        let api_server = tokio::spawn(async move {
            let deployment = format!("{DEPLOYMENTS}/test");
            server.expect(Method::GET, &deployment, &found).await;
            let patch = server.expect(Method::PATCH, &deployment, &found).await;
            assert_eq!(patch.body, json!({ "spec": { "replicas": 2 } }));
            let status_path = format!("{}/status", path());
            let reply = test_object_with_finalizer();
            server.expect(Method::PATCH, &status_path, &reply).await;
            let event = server.echo(Method::POST, &events_path("default")).await;
            assert_eq!(event.body["reason"], "Scaled");
            server
        });

        let obj = Arc::new(test_object_with_finalizer());
        let action = timeout(obj.reconcile(ctx)).await.unwrap();
        assert_eq!(action, Action::requeue(RESYNC));
        timeout(api_server).await.unwrap();
    }

    #[tokio::test]
    async fn finalizes_with_an_event_then_removes_the_finalizer() {
        let mut obj = test_object_with_finalizer();
        obj.metadata.deletion_timestamp = Some(Time(Timestamp::now()));
        let (ctx, mut server) = context();
        let reply = obj.clone();
        let api_server = tokio::spawn(async move {
            let status_path = format!("{}/status", path());
            let patch = server.expect(Method::PATCH, &status_path, &reply).await;
            assert_eq!(condition(&patch.body, DEGRADED)["reason"], "Finalizing");
            let event = server.echo(Method::POST, &events_path("default")).await;
            assert_eq!(event.body["reason"], "Finalizing");
            let patch = server.expect(Method::PATCH, &path(), &test_object()).await;
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
}
