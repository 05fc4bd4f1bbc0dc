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

//! Where the API server keeps Flunder objects.

use kubeforge_runtime::apiserver::MemoryStorage;

/// The storage of Flunder objects: in memory, so they are lost when the server restarts
/// and not shared between replicas. Replace it with your own implementation of
/// `kubeforge_runtime::apiserver::Storage` (a database, another system's API) to keep them.
pub fn storage() -> MemoryStorage<crate::api::v1alpha1::Flunder> {
    MemoryStorage::default()
}
