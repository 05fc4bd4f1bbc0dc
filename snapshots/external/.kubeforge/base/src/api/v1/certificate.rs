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

//! The `Certificate` kind of `certs.example.org/v1`.
//!
//! The CRD `certificates.certs.example.org` is another project's, which installs it: these types were
//! generated from it (kept in `config/crd/external/`), and `kubeforge generate` derives no CRD
//! of them.
//!
//! Optional fields are `Option`s whose schema comes from `#[schemars(with = "T")]`, so that the
//! CRD does not mark them nullable; `#[schemars(extend(..))]` carries the keywords that schemars
//! has no attribute for.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The certificate wanted.
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[kube(group = "certs.example.org", version = "v1")]
#[kube(kind = "Certificate", plural = "certificates", namespaced)]
#[kube(status = "CertificateStatus")]
#[kube(shortname = "cert")]
#[kube(printcolumn(name = "Secret", type_ = "string", json_path = ".spec.secretName"))]
#[kube(doc = "A request for a certificate, issued into a Secret.")]
#[serde(rename_all = "camelCase")]
pub struct CertificateSpec {
    /// The Secret the certificate and its key are written to.
    #[schemars(length(min = 1))]
    pub secret_name: String,
    /// The DNS names the certificate is for.
    #[schemars(length(min = 1))]
    pub dns_names: Vec<String>,
    /// How long the certificate is valid, e.g. `2160h`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub duration: Option<String>,
    /// The issuer that signs it.
    #[serde(default = "default_issuer")]
    pub issuer: String,
}

impl Default for CertificateSpec {
    fn default() -> Self {
        Self {
            secret_name: Default::default(),
            dns_names: Default::default(),
            duration: Default::default(),
            issuer: default_issuer(),
        }
    }
}

fn default_issuer() -> String {
    "self-signed".into()
}

/// What the issuer reports.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CertificateStatus {
    /// When the issued certificate expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    #[schemars(extend("format" = "date-time"))]
    pub not_after: Option<String>,
    /// How many times the certificate was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i32")]
    pub revision: Option<i32>,
    /// The issuer's findings, `Ready` among them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<CertificateStatusConditions>")]
    pub conditions: Option<Vec<CertificateStatusConditions>>,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct CertificateStatusConditions {
    pub r#type: String,
    pub status: CertificateStatusConditionsStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub message: Option<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub enum CertificateStatusConditionsStatus {
    #[default]
    True,
    False,
    Unknown,
}
