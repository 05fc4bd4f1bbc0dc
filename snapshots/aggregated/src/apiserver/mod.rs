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

//! The kinds that the extension API server (`src/bin/apiserver.rs`) serves, rather than CRDs:
//! one module per kind, with the storage of its objects. `kubeforge create apiserver` adds them.
//!
//! The cluster's API server proxies the requests for their group-versions to this server, behind
//! the APIServices of `config/apiserver/`. Authentication and authorization are delegated back to
//! it (front-proxy client certificates, TokenReview, SubjectAccessReview): `kubeforge_runtime`'s
//! `apiserver` does that, serves discovery and OpenAPI from the types' schemas, and the REST
//! verbs from the storage.

use kube::Client;
use kubeforge_runtime::apiserver::ApiServer;

pub mod fischer;
pub mod flunder;
// +kubeforge:scaffold:apiserver-kinds

/// The API server with every kind of the project, each on its storage.
pub fn server(client: Client) -> ApiServer {
    let mut server = ApiServer::new(client);
    server = server.resource(flunder::storage());
    server = server.resource(fischer::storage());
    // +kubeforge:scaffold:apiserver-resources
    server
}
