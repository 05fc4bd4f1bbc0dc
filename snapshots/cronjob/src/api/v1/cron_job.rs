// Copyright The cronjob-operator Authors.
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

//! The `CronJob` kind of `batch.example.com/v1`.
//!
//! These types are the source of the CRD `cronjobs.batch.example.com`. They were generated from a
//! resource description; after editing them, run `kubeforge generate` to update
//! `config/crd/bases/`.
//!
//! Optional fields are `Option`s whose schema comes from `#[schemars(with = "T")]`, so that the
//! CRD does not mark them nullable; `#[schemars(extend(..))]` carries the keywords that schemars
//! has no attribute for.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::core::Duration;
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The desired state of a CronJob.
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, PartialEq, KubeSchema)]
#[allow(clippy::duplicated_attributes)]
#[kube(group = "batch.example.com", version = "v1")]
#[kube(kind = "CronJob", plural = "cronjobs", namespaced)]
#[kube(status = "CronJobStatus")]
#[kube(shortname = "cj")]
#[kube(category = "all")]
#[kube(printcolumn(
    name = "Schedule",
    type_ = "string",
    json_path = ".spec.cronSpec",
    description = "The cron schedule."
))]
#[kube(printcolumn(
    name = "Replicas",
    type_ = "integer",
    json_path = ".spec.replicas",
    format = "int32"
))]
#[kube(printcolumn(
    name = "Ready",
    type_ = "string",
    json_path = ".status.conditions[?(@.type==\"Ready\")].status"
))]
#[kube(printcolumn(
    name = "Last Schedule",
    type_ = "date",
    json_path = ".status.lastScheduleTime",
    priority = 1
))]
#[kube(printcolumn(
    name = "Age",
    type_ = "date",
    json_path = ".metadata.creationTimestamp"
))]
#[kube(scale(
    spec_replicas_path = ".spec.replicas",
    status_replicas_path = ".status.replicas",
    label_selector_path = ".status.selector"
))]
#[kube(selectable = ".spec.concurrencyPolicy")]
#[kube(doc = "A CronJob runs a job on a cron schedule.")]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.startingDeadlineSeconds) || self.startingDeadlineSeconds >= 10").message("the starting deadline is at least 10 seconds"))]
#[x_kube(validation = Rule::new("self.image != oldSelf.image || self.replicas == oldSelf.replicas").message(Message::Expression("'change the image or the replicas, not both: ' + self.image".into())).reason(Reason::FieldValueForbidden).field_path(".replicas"))]
pub struct CronJobSpec {
    /// When the job runs, in cron format.
    #[schemars(regex(pattern = r"^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$"))]
    #[schemars(extend("example" = "*/5 * * * *"))]
    pub cron_spec: String,
    /// The container image of the job.
    #[schemars(length(min = 1, max = 255))]
    #[schemars(extend("example" = "registry.example.com/jobs/report:1.0"))]
    pub image: String,
    /// How many pods the job runs in parallel.
    #[serde(default = "default_replicas")]
    #[schemars(range(min = 1, max = 10))]
    pub replicas: i32,
    /// What to do when a run is still active at the next schedule.
    #[serde(default = "default_concurrency_policy")]
    pub concurrency_policy: CronJobSpecConcurrencyPolicy,
    /// Stops scheduling new runs.
    #[serde(default)]
    pub suspend: bool,
    /// How late a run may start, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i64", range(min = 0))]
    #[schemars(extend("exclusiveMinimum" = true))]
    pub starting_deadline_seconds: Option<i64>,
    /// The pause between retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "f64", title = "Backoff", range(min = 0, max = 60))]
    #[schemars(extend("exclusiveMaximum" = true))]
    #[schemars(extend("multipleOf" = 0.5))]
    pub backoff_seconds: Option<f64>,
    /// The time zone of the schedule, e.g. Europe/Berlin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", length(min = 1, max = 64))]
    #[schemars(extend("nullable" = true))]
    pub time_zone: Option<String>,
    /// The kind of report (a field named like a Rust keyword).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "CronJobSpecType")]
    pub r#type: Option<CronJobSpecType>,
    /// The priority class of the job, from 1 (low) to 3 (high).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i64")]
    #[schemars(extend("format" = null))]
    #[schemars(extend("enum" = [1, 2, 3]))]
    pub priority: Option<i64>,
    /// The port of the metrics endpoint, by number or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "IntOrString")]
    #[schemars(extend("nullable" = null))]
    pub port: Option<IntOrString>,
    /// The memory of each pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Quantity")]
    #[schemars(extend("nullable" = null))]
    pub memory: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "ResourceRequirements")]
    pub resources: Option<ResourceRequirements>,
    /// When runs may start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "CronJobSpecWindow")]
    pub window: Option<CronJobSpecWindow>,
    /// Labels of the job's pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "BTreeMap<String, String>")]
    #[schemars(extend("maxProperties" = 16))]
    #[x_kube(merge_strategy = MapMerge::Granular)]
    pub labels: Option<BTreeMap<String, String>>,
    /// Node labels the pods must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "BTreeMap<String, CronJobSpecSelector>")]
    #[schemars(extend("minProperties" = 1))]
    #[x_kube(merge_strategy = MapMerge::Atomic)]
    pub selector: Option<BTreeMap<String, CronJobSpecSelector>>,
    /// Arguments of the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<String>", length(max = 8), inner(length(max = 256)))]
    #[x_kube(merge_strategy = ListMerge::Atomic)]
    pub args: Option<Vec<String>>,
    /// Tags of the runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<String>", inner(regex(pattern = "^[a-z][a-z0-9-]*$")))]
    #[x_kube(merge_strategy = ListMerge::Set)]
    pub tags: Option<Vec<String>>,
    /// Environment variables of the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<CronJobSpecEnv>")]
    #[x_kube(merge_strategy = ListMerge::Map(vec!["name".into()]))]
    pub env: Option<Vec<CronJobSpecEnv>>,
    /// How failed runs are retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "CronJobSpecRetry")]
    #[schemars(extend("default" = {}))]
    pub retry: Option<CronJobSpecRetry>,
    /// Options passed to the job as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "CronJobSpecOptions")]
    pub options: Option<CronJobSpecOptions>,
    /// The job to create at each run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "CronJobSpecJobTemplate")]
    #[x_kube(validation = Rule::new("has(self.template) || has(self.command)").message("a job needs a template or a command"))]
    pub job_template: Option<CronJobSpecJobTemplate>,
}

impl Default for CronJobSpec {
    fn default() -> Self {
        Self {
            cron_spec: Default::default(),
            image: Default::default(),
            replicas: default_replicas(),
            concurrency_policy: default_concurrency_policy(),
            suspend: Default::default(),
            starting_deadline_seconds: Default::default(),
            backoff_seconds: Default::default(),
            time_zone: Default::default(),
            r#type: Default::default(),
            priority: Default::default(),
            port: Default::default(),
            memory: Default::default(),
            resources: Default::default(),
            window: Default::default(),
            labels: Default::default(),
            selector: Default::default(),
            args: Default::default(),
            tags: Default::default(),
            env: Default::default(),
            retry: Default::default(),
            options: Default::default(),
            job_template: Default::default(),
        }
    }
}

fn default_replicas() -> i32 {
    1
}

fn default_concurrency_policy() -> CronJobSpecConcurrencyPolicy {
    CronJobSpecConcurrencyPolicy::Allow
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub enum CronJobSpecConcurrencyPolicy {
    #[default]
    Allow,
    Forbid,
    Replace,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CronJobSpecType {
    #[default]
    DailyReport,
    HourlyReport,
    AdHoc,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct CronJobSpecWindow {
    #[schemars(extend("format" = "date-time"))]
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Duration")]
    pub duration: Option<Duration>,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[schemars(extend("maxLength" = 63))]
pub struct CronJobSpecSelector(pub String);

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct CronJobSpecEnv {
    #[schemars(length(min = 1))]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub value: Option<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
pub struct CronJobSpecRetry {
    #[serde(default = "default_limit")]
    #[schemars(range(min = 0))]
    pub limit: i32,
    #[serde(default = "default_delays")]
    pub delays: Vec<i32>,
}

impl Default for CronJobSpecRetry {
    fn default() -> Self {
        Self {
            limit: default_limit(),
            delays: default_delays(),
        }
    }
}

fn default_limit() -> i32 {
    6
}

fn default_delays() -> Vec<i32> {
    vec![10, 30, 60]
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct CronJobSpecOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool")]
    pub verbose: Option<bool>,
    // Fields the schema does not list, kept as they are.
    #[serde(flatten)]
    pub unknown_fields: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, KubeSchema)]
#[serde(rename_all = "camelCase")]
pub struct CronJobSpecJobTemplate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<String>", length(min = 1))]
    pub command: Option<Vec<String>>,
    /// A pod template, kept as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "CronJobSpecJobTemplateTemplate")]
    #[schemars(extend("x-kubernetes-embedded-resource" = true))]
    pub template: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i32", range(min = 0))]
    #[x_kube(validation = Rule::new("!oldSelf.hasValue() || self >= oldSelf.value()").message("the TTL cannot shrink").optional_old_self(true))]
    pub ttl_seconds_after_finished: Option<i32>,
}

// The schema of an object that keeps any fields (`CronJobSpecJobTemplateTemplate` itself holds no data).
#[derive(JsonSchema)]
#[schemars(extend("x-kubernetes-preserve-unknown-fields" = true))]
pub struct CronJobSpecJobTemplateTemplate {}

/// The observed state of a CronJob.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, KubeSchema)]
#[serde(rename_all = "camelCase")]
pub struct CronJobStatus {
    /// The `.metadata.generation` that the controller last reconciled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i64")]
    pub observed_generation: Option<i64>,
    /// The current state of the CronJob.
    #[serde(default)]
    #[x_kube(merge_strategy = ListMerge::Map(vec!["type".into()]))]
    pub conditions: Vec<Condition>,
    /// The running jobs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<ObjectReference>")]
    pub active: Option<Vec<ObjectReference>>,
    /// When a job was last scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Time")]
    pub last_schedule_time: Option<Time>,
    /// The pods of the running job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i32")]
    pub replicas: Option<i32>,
    /// The label selector of the pods, for the scale subresource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub selector: Option<String>,
}
