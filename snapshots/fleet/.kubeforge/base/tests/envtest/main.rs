//! The controllers against a real API server, as kubebuilder's envtest suite: etcd and
//! kube-apiserver from `KUBEBUILDER_ASSETS` (`make setup-envtest` fetches them), the CRDs of
//! `config/crd/bases` installed, and each controller run in this process on its kind's sample.
//! Skipped, with a message, when `KUBEBUILDER_ASSETS` is unset.

use kubeforge_runtime::envtest;

#[tokio::test]
async fn controllers_reconcile_on_a_real_api_server() {
    let Some(control_plane) = envtest::ControlPlane::start().await else {
        return;
    };
    control_plane.install_crds("config/crd/bases").await;
    // One check per controller; `kubeforge create api` adds them here.
    envtest::reconciles::<fleet::api::ship::v1beta1::Frigate, _, _>(
        &control_plane,
        fleet::controllers::ship::frigate::run,
        fleet::controllers::ship::frigate::FINALIZER,
        include_str!("../../config/samples/ship_v1beta1_frigate.yaml"),
        true,
    )
    .await;
    envtest::reconciles::<fleet::api::sea_ops::v1::Admiral, _, _>(
        &control_plane,
        fleet::controllers::sea_ops::admiral::run,
        fleet::controllers::sea_ops::admiral::FINALIZER,
        include_str!("../../config/samples/sea-ops_v1_admiral.yaml"),
        true,
    )
    .await;
    // +kubeforge:scaffold:envtest
}
