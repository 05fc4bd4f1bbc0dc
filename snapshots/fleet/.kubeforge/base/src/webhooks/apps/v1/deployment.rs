//! The webhooks of the Kubernetes kind `Deployment` (`apps/v1`): defaulting and
//! validation of the objects as the API server admits them, listed in `crate::webhooks::all`.
//!
//! Each hook follows its `+kubeforge:webhook` marker, from which `kubeforge generate` writes
//! `config/webhook/manifests.yaml`. The server answers each hook at the `path` of the marker, as
//! named by default; after changing a marker's `path`, override the hook's `path` to match.

use k8s_openapi::api::apps::v1::Deployment;

use crate::manager::webhook;

/// The webhooks of `Deployment`, implemented below:
/// [`webhook::Defaulter`], [`webhook::Validator`], or both.
#[derive(Debug, Clone, Copy)]
pub struct DeploymentWebhook;

// `failurePolicy=ignore`: the API server admits objects unchanged while the webhook is down, so
// that the manager's own pods (and the cluster's) never wait for it.
// +kubeforge:webhook:path=/mutate-apps-v1-deployment,mutating=true,failurePolicy=ignore,sideEffects=None,groups=apps,resources=deployments,verbs=create;update,versions=v1,name=mdeployment-v1.apps.example.org,admissionReviewVersions=v1
impl webhook::Defaulter<Deployment> for DeploymentWebhook {
    /// Sets the defaults of an object as it is created or updated; the API server receives
    /// the changes as a JSON patch.
    async fn default(&self, obj: &mut Deployment) -> webhook::Verdict {
        // An example, to replace with your defaults: label the object.
        obj.metadata
            .labels
            .get_or_insert_default()
            .entry("example.org/defaulted".into())
            .or_insert_with(|| "true".into());
        Ok(webhook::Warnings::new())
    }
}

#[cfg(test)]
mod defaulting_tests {
    use kube::{api::ObjectMeta, core::admission::Operation};

    use super::*;
    use crate::manager::webhook::{Webhook, testing};

    fn object(labels: &[(&str, &str)]) -> Deployment {
        Deployment {
            metadata: ObjectMeta {
                name: Some("sample".into()),
                labels: Some(
                    labels
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                ),
                ..ObjectMeta::default()
            },
            ..Deployment::default()
        }
    }

    #[tokio::test]
    async fn labels_the_object() {
        let obj = object(&[("app", "sample")]);
        let webhook = Webhook::defaulting(DeploymentWebhook);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(response.allowed);
        let label = ("example.org/defaulted", "true");
        assert_eq!(
            testing::patched(&obj, &response).metadata.labels,
            object(&[("app", "sample"), label]).metadata.labels
        );
    }

    #[tokio::test]
    async fn keeps_a_label_already_set() {
        let obj = object(&[("example.org/defaulted", "false")]);
        let webhook = Webhook::defaulting(DeploymentWebhook);
        let response = testing::admit(&webhook, Operation::Update, Some(&obj), Some(&obj)).await;
        assert!(response.allowed);
        assert_eq!(response.patch, None);
    }
}

// +kubeforge:scaffold:webhook-hooks
