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

//! The webhooks of the project, one module per API version: defaulting and validation of
//! objects as the API server admits them, and conversion between the versions of a kind.
//!
//! `kubeforge create webhook` adds modules here and lists the new webhooks in [`all`]; the
//! framework that serves them is [`crate::manager::webhook`].

use crate::manager::Webhook;

// +kubeforge:scaffold:webhook-modules

/// Every webhook that the manager serves. Without any, it runs no webhook server.
pub fn all() -> Vec<Webhook> {
    vec![
        // +kubeforge:scaffold:webhooks
    ]
}
