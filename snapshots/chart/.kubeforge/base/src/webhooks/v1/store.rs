// Copyright The chart-operator Authors.
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

//! The webhooks of the kind `Store` (`shop.example.com/v1`): defaulting and
//! validation of the objects as the API server admits them, listed in `crate::webhooks::all`.
//!
//! Each hook follows its `+kubeforge:webhook` marker, from which `kubeforge generate` writes
//! `config/webhook/manifests.yaml`. The server answers each hook at the `path` of the marker, as
//! named by default; after changing a marker's `path`, override the hook's `path` to match.

use crate::api::v1::Store;
use crate::manager::webhook;

/// The webhooks of `Store`, implemented below:
/// [`webhook::Defaulter`], [`webhook::Validator`], or both.
#[derive(Debug, Clone, Copy)]
pub struct StoreWebhook;

// +kubeforge:webhook:path=/mutate-shop-example-com-v1-store,mutating=true,failurePolicy=fail,sideEffects=None,groups=shop.example.com,resources=stores,verbs=create;update,versions=v1,name=mstore-v1.shop.example.com,admissionReviewVersions=v1
impl webhook::Defaulter<Store> for StoreWebhook {
    /// Sets the defaults of an object as it is created or updated; the API server receives
    /// the changes as a JSON patch.
    async fn default(&self, obj: &mut Store) -> webhook::Verdict {
        // An example, to replace with your defaults: `foo` is `bar` unless set.
        if obj.spec.foo.is_none() {
            obj.spec.foo = Some("bar".into());
        }
        Ok(webhook::Warnings::new())
    }
}

#[cfg(test)]
mod defaulting_tests {
    use kube::core::admission::Operation;

    use super::*;
    use crate::manager::webhook::{Webhook, testing};

    /// A Store named `sample` whose `spec.foo` is `foo`, and the rest defaults.
    fn object(foo: Option<&str>) -> Store {
        let mut obj = Store::new("sample", Default::default());
        obj.spec.foo = foo.map(String::from);
        obj
    }

    #[tokio::test]
    async fn sets_foo_when_unset() {
        let obj = object(None);
        let webhook = Webhook::defaulting(StoreWebhook);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(response.allowed);
        let defaulted = testing::patched(&obj, &response);
        assert_eq!(defaulted.spec, object(Some("bar")).spec);
    }

    #[tokio::test]
    async fn keeps_foo_when_set() {
        let obj = object(Some("baz"));
        let webhook = Webhook::defaulting(StoreWebhook);
        let response = testing::admit(&webhook, Operation::Update, Some(&obj), Some(&obj)).await;
        assert!(response.allowed);
        assert_eq!(response.patch, None);
    }
}

// Add `delete` to `verbs` to have `validate_delete` called.
// +kubeforge:webhook:path=/validate-shop-example-com-v1-store,mutating=false,failurePolicy=fail,sideEffects=None,groups=shop.example.com,resources=stores,verbs=create;update,versions=v1,name=vstore-v1.shop.example.com,admissionReviewVersions=v1
impl webhook::Validator<Store> for StoreWebhook {
    /// Checks an object about to be created.
    async fn validate_create(&self, obj: &Store) -> webhook::Verdict {
        check(obj)
    }

    /// Checks an update of an object.
    async fn validate_update(
        &self,
        old: &Store, // as stored
        new: &Store, // as asked for
    ) -> webhook::Verdict {
        // An example, to replace with your checks: `foo` cannot change once set.
        if old.spec.foo.is_some() && old.spec.foo != new.spec.foo {
            return Err(webhook::Denied::new("spec.foo cannot change once set"));
        }
        check(new)
    }

    /// Checks an object about to be deleted.
    async fn validate_delete(&self, _obj: &Store) -> webhook::Verdict {
        Ok(webhook::Warnings::new())
    }
}

/// What an object must satisfy when created or updated.
fn check(obj: &Store) -> webhook::Verdict {
    // An example, to replace with your checks: `foo` is not empty, and better set.
    match obj.spec.foo.as_deref() {
        Some("") => Err(webhook::Denied::new("spec.foo must not be empty")),
        Some(_) => Ok(webhook::Warnings::new()),
        None => Ok(vec!["spec.foo is not set".into()]),
    }
}

#[cfg(test)]
mod validation_tests {
    use kube::core::admission::Operation;

    use super::*;
    use crate::manager::webhook::{Webhook, testing};

    /// A Store named `sample` whose `spec.foo` is `foo`, and the rest defaults.
    fn object(foo: Option<&str>) -> Store {
        let mut obj = Store::new("sample", Default::default());
        obj.spec.foo = foo.map(String::from);
        obj
    }

    #[tokio::test]
    async fn allows_a_valid_object() {
        let obj = object(Some("bar"));
        let webhook = Webhook::validating(StoreWebhook);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(response.allowed);
        assert_eq!(response.warnings, None);
    }

    #[tokio::test]
    async fn denies_an_empty_foo() {
        let obj = object(Some(""));
        let webhook = Webhook::validating(StoreWebhook);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(!response.allowed);
        assert_eq!(response.result.message, "spec.foo must not be empty");
    }

    #[tokio::test]
    async fn warns_when_foo_is_unset() {
        let obj = object(None);
        let webhook = Webhook::validating(StoreWebhook);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(response.allowed);
        assert_eq!(response.warnings, Some(vec!["spec.foo is not set".into()]));
    }

    #[tokio::test]
    async fn denies_a_change_of_foo() {
        let old = object(Some("bar"));
        let new = object(Some("baz"));
        let webhook = Webhook::validating(StoreWebhook);
        let response = testing::admit(&webhook, Operation::Update, Some(&new), Some(&old)).await;
        assert!(!response.allowed);
        assert_eq!(response.result.message, "spec.foo cannot change once set");
    }

    #[tokio::test]
    async fn allows_deletes() {
        let obj = object(None);
        let webhook = Webhook::validating(StoreWebhook);
        let response = testing::admit(&webhook, Operation::Delete, None, Some(&obj)).await;
        assert!(response.allowed);
    }
}

// +kubeforge:scaffold:webhook-hooks
