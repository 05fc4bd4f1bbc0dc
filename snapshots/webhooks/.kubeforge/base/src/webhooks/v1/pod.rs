// Copyright The webhook-operator Authors.
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

//! The webhooks of the Kubernetes kind `Pod` (`v1`): defaulting and
//! validation of the objects as the API server admits them, listed in `crate::webhooks::all`.
//!
//! Each hook follows its `+kubeforge:webhook` marker, from which `kubeforge generate` writes
//! `config/webhook/manifests.yaml`. The server answers each hook at the `path` of the marker, as
//! named by default; after changing a marker's `path`, override the hook's `path` to match.

use k8s_openapi::api::core::v1::Pod;

use crate::manager::webhook;

/// The webhooks of `Pod`, implemented below:
/// [`webhook::Defaulter`], [`webhook::Validator`], or both.
#[derive(Debug, Clone, Copy)]
pub struct PodWebhook;

// `failurePolicy=ignore`: the API server admits objects unchanged while the webhook is down, so
// that the manager's own pods (and the cluster's) never wait for it.
// +kubeforge:webhook:path=/mutate--v1-pod,mutating=true,failurePolicy=ignore,sideEffects=None,groups="",resources=pods,verbs=create;update,versions=v1,name=mpod-v1.core.example.com,admissionReviewVersions=v1
impl webhook::Defaulter<Pod> for PodWebhook {
    /// Sets the defaults of an object as it is created or updated; the API server receives
    /// the changes as a JSON patch.
    async fn default(&self, obj: &mut Pod) -> webhook::Verdict {
        // An example, to replace with your defaults: label the object.
        obj.metadata
            .labels
            .get_or_insert_default()
            .entry("example.com/defaulted".into())
            .or_insert_with(|| "true".into());
        Ok(webhook::Warnings::new())
    }
}

#[cfg(test)]
mod defaulting_tests {
    use kube::{api::ObjectMeta, core::admission::Operation};

    use super::*;
    use crate::manager::webhook::{Webhook, testing};

    fn object(labels: &[(&str, &str)]) -> Pod {
        Pod {
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
            ..Pod::default()
        }
    }

    #[tokio::test]
    async fn labels_the_object() {
        let obj = object(&[("app", "sample")]);
        let webhook = Webhook::defaulting(PodWebhook);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(response.allowed);
        let label = ("example.com/defaulted", "true");
        assert_eq!(
            testing::patched(&obj, &response).metadata.labels,
            object(&[("app", "sample"), label]).metadata.labels
        );
    }

    #[tokio::test]
    async fn keeps_a_label_already_set() {
        let obj = object(&[("example.com/defaulted", "false")]);
        let webhook = Webhook::defaulting(PodWebhook);
        let response = testing::admit(&webhook, Operation::Update, Some(&obj), Some(&obj)).await;
        assert!(response.allowed);
        assert_eq!(response.patch, None);
    }
}

// +kubeforge:scaffold:webhook-hooks
