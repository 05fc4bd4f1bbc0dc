// Copyright The wardle Authors.
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

//! `wardle`: a Kubernetes operator built on kube-rs.
//!
//! - [`api`]: the custom resource types, one module per API version.
//! - [`controllers`]: one controller per kind.
//! - [`webhooks`]: the admission and conversion webhooks, one module per API version.
//!
//! What the controllers share ([`reconcile`]: their context, errors, error policy, conditions)
//! and the process that runs them ([`manager`]: leader election, health probes, metrics,
//! shutdown, the webhook server) come from the `kubeforge-runtime` crate, released with
//! kubeforge.
//!
//! The manager binary (`src/main.rs`) runs the controllers; `src/bin/crdgen.rs` prints the CRDs.

pub mod api;
pub mod apiserver;
pub mod controllers;
pub mod webhooks;
// +kubeforge:scaffold:lib-modules

pub use kubeforge_runtime::{manager, reconcile};
