//! The webhooks of the project, one module per API group: defaulting and validation of
//! objects as the API server admits them, and conversion between the versions of a kind.
//!
//! `kubeforge create webhook` adds modules here and lists the new webhooks in [`all`]; the
//! framework that serves them is [`crate::manager::webhook`].

use crate::manager::Webhook;

pub mod apps;
pub mod ship;
// +kubeforge:scaffold:webhook-modules

/// Every webhook that the manager serves. Without any, it runs no webhook server.
pub fn all() -> Vec<Webhook> {
    vec![
        Webhook::validating(ship::v1beta1::frigate::FrigateWebhook),
        Webhook::defaulting(apps::v1::deployment::DeploymentWebhook),
        // +kubeforge:scaffold:webhooks
    ]
}
