// Copyright The deleted-operator Authors.
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

//! Conversions of the kind `Guestbook` between its hub, version `v1` (the storage
//! version), and its other versions, the spokes: one module per spoke, each listed in
//! `crate::webhooks::all`.
//!
//! The API server sends the objects to convert to `/convert`; each goes from its version to the
//! hub and from the hub to the version asked for, through the `TryFrom` impls below.

/// The hub: the version of `Guestbook` that every other version converts to and from.
pub type Hub = crate::api::v1::Guestbook;

/// The conversions between the hub and `v2`.
pub mod v2 {
    use super::Hub;
    use crate::manager::webhook::{ConversionError, Webhook, conversion::carry_over};

    /// A `Guestbook` of version `v2`.
    pub type Spoke = crate::api::v2::Guestbook;

    /// The webhook of these conversions, listed in `crate::webhooks::all`.
    pub fn webhook() -> Webhook {
        Webhook::conversion::<Hub, Spoke>()
    }

    // The versions have the same fields so far: they carry over as they are. Once the versions
    // differ, convert the fields that differ here, for example `spec.foo` of one version into
    // `spec.bar` of the other, and return a `ConversionError` for what cannot convert.

    impl TryFrom<Spoke> for Hub {
        type Error = ConversionError;

        fn try_from(spoke: Spoke) -> Result<Self, Self::Error> {
            Ok(Hub {
                metadata: spoke.metadata,
                spec: carry_over(spoke.spec)?,
                status: spoke.status.map(carry_over).transpose()?,
            })
        }
    }

    impl TryFrom<Hub> for Spoke {
        type Error = ConversionError;

        fn try_from(hub: Hub) -> Result<Self, Self::Error> {
            Ok(Spoke {
                metadata: hub.metadata,
                spec: carry_over(hub.spec)?,
                status: hub.status.map(carry_over).transpose()?,
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use kube::Resource;
        use serde_json::json;

        use super::*;
        use crate::manager::webhook::testing;

        /// A hub object with every field of the scaffold set.
        fn hub() -> Hub {
            let object = json!({
                "apiVersion": Hub::api_version(&()),
                "kind": Hub::kind(&()),
                "metadata": {
                    "name": "sample",
                    "namespace": "default",
                    "labels": {"app.kubernetes.io/name": "sample"},
                    "annotations": {"example.com/note": "kept"},
                    "generation": 3,
                    "resourceVersion": "42",
                    "uid": "d9607e19-f88f-11e6-a518-42010a800195",
                },
                "spec": {"foo": "bar"},
                "status": {
                    "observedGeneration": 3,
                    "conditions": [{
                        "type": "Ready",
                        "status": "True",
                        "reason": "Reconciled",
                        "message": "ready",
                        "lastTransitionTime": "2025-01-01T00:00:00Z",
                        "observedGeneration": 3,
                    }],
                },
            });
            serde_json::from_value(object).expect("a valid hub object")
        }

        #[tokio::test]
        async fn round_trips_through_v2() {
            let hub = hub();
            let spoke = testing::convert(&webhook(), &hub, &Spoke::api_version(&()))
                .await
                .unwrap();
            assert_eq!(spoke["apiVersion"], *Spoke::api_version(&()));

            let back = testing::convert(&webhook(), &spoke, &Hub::api_version(&()))
                .await
                .unwrap();
            assert_eq!(back, serde_json::to_value(&hub).unwrap());
        }
    }
}

// +kubeforge:scaffold:conversion-spokes
