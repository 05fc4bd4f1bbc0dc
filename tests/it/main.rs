//! kubeforge's integration tests, one binary: each module checks one area through the built
//! `kubeforge` binary or the library.

mod common;
mod description_support;

mod adoption;
mod all_or_nothing;
mod alpha_generate;
mod alpha_update;
mod apiserver;
mod architecture;
mod bounded_input;
mod cli;
mod compile_gate;
mod confinement;
mod crd_k8s_schemas;
mod crd_refusals;
mod crd_robustness;
mod create_webhook;
mod delete_api;
mod deploy_image;
mod description_errors;
mod description_fixtures;
mod description_keywords;
mod description_property;
mod description_shared_crds;
mod external;
mod fuzz;
mod helm;
mod kind_names;
mod long_names;
mod makefile;
mod manifests;
mod metrics_manifests;
mod multigroup_force;
mod pins;
mod project_format;
mod project_lock;
mod project_validation;
mod recursion_limits;
mod runtime_vendoring;
mod snapshots;
mod webhook_markers;
