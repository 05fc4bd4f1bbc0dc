// Copyright The names-operator Authors.
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

//! The webhooks of the kind `Box` (`app.example.com/v1`): defaulting and
//! validation of the objects as the API server admits them, listed in `crate::webhooks::all`.
//!
//! Each hook follows its `+kubeforge:webhook` marker, from which `kubeforge generate` writes
//! `config/webhook/manifests.yaml`. The server answers each hook at the `path` of the marker, as
//! named by default; after changing a marker's `path`, override the hook's `path` to match.

use crate::api::v1;
use crate::manager::webhook;

/// The webhooks of `Box`, implemented below:
/// [`webhook::Defaulter`], [`webhook::Validator`], or both.
#[derive(Debug, Clone, Copy)]
pub struct BoxWebhook;

// +kubeforge:webhook:path=/mutate-app-example-com-v1-box,mutating=true,failurePolicy=fail,sideEffects=None,groups=app.example.com,resources=boxes,verbs=create;update,versions=v1,name=mbox-v1.app.example.com,admissionReviewVersions=v1
impl webhook::Defaulter<v1::Box> for BoxWebhook {
    /// Sets the defaults of an object as it is created or updated; the API server receives
    /// the changes as a JSON patch.
    async fn default(&self, obj: &mut v1::Box) -> webhook::Verdict {
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

    /// A Box named `sample` whose `spec.foo` is `foo`, and the rest defaults.
    fn object(foo: Option<&str>) -> v1::Box {
        let mut obj = v1::Box::new("sample", Default::default());
        obj.spec.foo = foo.map(String::from);
        obj
    }

    #[tokio::test]
    async fn sets_foo_when_unset() {
        let obj = object(None);
        let webhook = Webhook::defaulting(BoxWebhook);
        let response = testing::admit(&webhook, Operation::Create, Some(&obj), None).await;
        assert!(response.allowed);
        let defaulted = testing::patched(&obj, &response);
        assert_eq!(defaulted.spec, object(Some("bar")).spec);
    }

    #[tokio::test]
    async fn keeps_foo_when_set() {
        let obj = object(Some("baz"));
        let webhook = Webhook::defaulting(BoxWebhook);
        let response = testing::admit(&webhook, Operation::Update, Some(&obj), Some(&obj)).await;
        assert!(response.allowed);
        assert_eq!(response.patch, None);
    }
}

// +kubeforge:scaffold:webhook-hooks
