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

//! The webhooks of the kind `Certificate` (`certs.example.org/v1`): defaulting and
//! validation of the objects as the API server admits them, listed in `crate::webhooks::all`.
//!
//! Each hook follows its `+kubeforge:webhook` marker, from which `kubeforge generate` writes
//! `config/webhook/manifests.yaml`. The server answers each hook at the `path` of the marker, as
//! named by default; after changing a marker's `path`, override the hook's `path` to match.

use crate::api::v1::Certificate;
use crate::manager::webhook;

/// The webhooks of `Certificate`, implemented below:
/// [`webhook::Defaulter`], [`webhook::Validator`], or both.
#[derive(Debug, Clone, Copy)]
pub struct CertificateWebhook;

// +kubeforge:webhook:path=/mutate-certs-example-org-v1-certificate,mutating=true,failurePolicy=fail,sideEffects=None,groups=certs.example.org,resources=certificates,verbs=create;update,versions=v1,name=mcertificate-v1.certs.example.com,admissionReviewVersions=v1
impl webhook::Defaulter<Certificate> for CertificateWebhook {
    /// Sets the defaults of an object as it is created or updated; the API server receives
    /// the changes as a JSON patch.
    async fn default(&self, obj: &mut Certificate) -> webhook::Verdict {
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
    use kube::core::admission::Operation;

    use super::*;
    use crate::manager::webhook::{Webhook, testing};

    /// The sample of config/samples, with these labels.
    fn object(labels: &[(&str, &str)]) -> Certificate {
        let sample = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/config/samples/certs_v1_certificate.yaml"
        ));
        let mut obj: Certificate = serde_saphyr::from_str(sample).expect("a valid sample");
        obj.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        obj
    }

    #[tokio::test]
    async fn labels_the_object() {
        let obj = object(&[("app", "sample")]);
        let webhook = Webhook::defaulting(CertificateWebhook);
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
        let webhook = Webhook::defaulting(CertificateWebhook);
        let response = testing::admit(&webhook, Operation::Update, Some(&obj), Some(&obj)).await;
        assert!(response.allowed);
        assert_eq!(response.patch, None);
    }
}

// Add `delete` to `verbs` to have `validate_delete` called.
// +kubeforge:webhook:path=/validate-certs-example-org-v1-certificate,mutating=false,failurePolicy=fail,sideEffects=None,groups=certs.example.org,resources=certificates,verbs=create;update,versions=v1,name=vcertificate-v1.certs.example.com,admissionReviewVersions=v1
impl webhook::Validator<Certificate> for CertificateWebhook {
    /// Checks an object about to be created.
    async fn validate_create(&self, obj: &Certificate) -> webhook::Verdict {
        check(obj)
    }

    /// Checks an update of an object.
    async fn validate_update(
        &self,
        old: &Certificate, // as stored
        new: &Certificate, // as asked for
    ) -> webhook::Verdict {
        // An example, to replace with your checks: the `app.kubernetes.io/name` label stays.
        let name = |obj: &Certificate| {
            let labels = obj.metadata.labels.as_ref()?;
            labels.get("app.kubernetes.io/name").cloned()
        };
        if name(old).is_some() && name(old) != name(new) {
            return Err(webhook::Denied::new(
                "the label app.kubernetes.io/name cannot change",
            ));
        }
        check(new)
    }

    /// Checks an object about to be deleted.
    async fn validate_delete(&self, _obj: &Certificate) -> webhook::Verdict {
        Ok(webhook::Warnings::new())
    }
}

/// What an object must satisfy when created or updated.
fn check(obj: &Certificate) -> webhook::Verdict {
    // An example, to replace with your checks: warn about objects without labels.
    let mut warnings = webhook::Warnings::new();
    if obj
        .metadata
        .labels
        .as_ref()
        .is_none_or(|labels| labels.is_empty())
    {
        warnings.push("the object has no labels".into());
    }
    Ok(warnings)
}

#[cfg(test)]
mod validation_tests {
    use kube::core::admission::Operation;

    use super::*;
    use crate::manager::webhook::{Webhook, testing};

    /// The sample of config/samples, with these labels.
    fn object(labels: &[(&str, &str)]) -> Certificate {
        let sample = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/config/samples/certs_v1_certificate.yaml"
        ));
        let mut obj: Certificate = serde_saphyr::from_str(sample).expect("a valid sample");
        obj.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        obj
    }

    #[tokio::test]
    async fn allows_a_labelled_object() {
        let obj = object(&[("app.kubernetes.io/name", "sample")]);
        let webhook = Webhook::validating(CertificateWebhook);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(response.allowed);
        assert_eq!(response.warnings, None);
    }

    #[tokio::test]
    async fn warns_about_an_object_without_labels() {
        let obj = object(&[]);
        let webhook = Webhook::validating(CertificateWebhook);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(response.allowed);
        assert_eq!(
            response.warnings,
            Some(vec!["the object has no labels".into()])
        );
    }

    #[tokio::test]
    async fn denies_a_change_of_name() {
        let old = object(&[("app.kubernetes.io/name", "sample")]);
        let new = object(&[("app.kubernetes.io/name", "other")]);
        let webhook = Webhook::validating(CertificateWebhook);
        let response = testing::admit(&webhook, Operation::Update, Some(&new), Some(&old)).await;
        assert!(!response.allowed);
        assert_eq!(
            response.result.message,
            "the label app.kubernetes.io/name cannot change"
        );
    }
}

// +kubeforge:scaffold:webhook-hooks
