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

//! Prints the CRDs of the project, computed from the compiled Rust types, as multi-document
//! YAML sorted by name: `cargo run --bin crdgen`.
//!
//! `kubeforge generate` writes the same CRDs to `config/crd/bases/` from the source, without
//! compiling; this program is the reference to check them against.

use std::collections::BTreeMap;

use anyhow::{Context as _, bail};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::{core::crd::merge_crds, prelude::*};

fn main() -> anyhow::Result<()> {
    // One entry per kind and version.
    let crds: Vec<CustomResourceDefinition> = vec![
        wardle::api::v1::Store::crd(),
        // +kubeforge:scaffold:crds
    ];

    // The versions of a kind share one CRD name: merge them into one CRD.
    let mut by_name: BTreeMap<String, Vec<CustomResourceDefinition>> = BTreeMap::new();
    for crd in crds {
        by_name.entry(crd.name_any()).or_default().push(crd);
    }
    let mut merged = Vec::with_capacity(by_name.len());
    for (name, crds) in by_name {
        let storage: Vec<String> = crds
            .iter()
            .flat_map(|crd| &crd.spec.versions)
            .filter(|version| version.storage)
            .map(|version| version.name.clone())
            .collect();
        let [storage] = storage.as_slice() else {
            bail!(
                "{name}: exactly one version must be the storage version, found {storage:?}; \
                 the others need #[kube(storage = false)]"
            );
        };
        let mut crd = merge_crds(crds, storage).with_context(|| format!("{name}: cannot merge"))?;
        crd.spec.versions.sort_by(|a, b| a.name.cmp(&b.name));
        merged.push(crd);
    }
    print!("{}", serde_saphyr::to_string_multiple(&merged)?);
    Ok(())
}
