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

//! Types of `app.example.com/v1`, one module per kind.

mod api;
pub use api::*;

mod resource;
pub use resource::*;

mod result;
pub use result::*;

mod error;
pub use error::*;

mod context;
pub use context::*;

mod duration;
pub use duration::*;

mod arc;
pub use arc::*;

mod condition;
pub use condition::*;

mod json_schema;
pub use json_schema::*;

mod serialize;
pub use serialize::*;

mod deserialize;
pub use deserialize::*;

mod webhook;
pub use webhook::*;

mod operation;
pub use operation::*;

mod box_;
pub use box_::*;

mod event;
pub use event::*;

// +kubeforge:scaffold:kinds
