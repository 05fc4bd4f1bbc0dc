//! Leader election on a real Lease: of two guestbook managers with `--leader-elect`, exactly one
//! reconciles while the other stands by (and answers `/readyz` 200); a killed leader is replaced
//! once its Lease expires, a stopped one hands over at once.

use std::time::{Duration, Instant};

use k8s_openapi::api::coordination::v1::Lease;
use kube::{
    Api, Client,
    api::{ApiResource, DynamicObject, GroupVersionKind, PostParams},
};
use serde_json::json;

use control_plane_e2e::{
    ControlPlane, Identity, Manager, binary, deploy_identity, eventually, project, report,
};

/// The Lease the guestbook managers compete for (`<project>.<domain>`).
const LEASE: &str = "guestbook.example.com";

/// The lease duration plus the renew deadline of the generated manager (src/manager/leader.rs):
/// the longest a standby may wait for a killed leader's Lease.
const TAKEOVER_AFTER_KILL: Duration = Duration::from_secs(15 + 5);

/// How soon a standby takes over from a leader that stopped cleanly and released its Lease.
const TAKEOVER_AFTER_STOP: Duration = Duration::from_secs(2);

fn start_manager(control_plane: &ControlPlane, identity: &Identity, name: &str) -> Manager {
    Manager::start(
        control_plane,
        name,
        &binary("guestbook"),
        &identity.kubeconfig,
        &[
            "--leader-elect".into(),
            format!("--leader-election-namespace={}", identity.namespace),
        ],
    )
}

/// The holder of the Lease, once someone holds it.
async fn holder(leases: &Api<Lease>) -> String {
    eventually("a holder of the Lease", || async {
        let lease = leases.get(LEASE).await.ok()?;
        lease.spec?.holder_identity.filter(|h| !h.is_empty())
    })
    .await
}

/// Which of `managers` holds the Lease: the one whose log names the holder's identity.
async fn leader(leases: &Api<Lease>, managers: &[&Manager]) -> usize {
    let holder = holder(leases).await;
    managers
        .iter()
        .position(|m| m.log().contains(&holder))
        .unwrap_or_else(|| panic!("no manager logged the identity {holder}"))
}

/// Creates a Memcached `name` and waits until a manager reports it Ready.
async fn reconciled(client: &Client, name: &str) {
    let gvk = GroupVersionKind::gvk("webapp.example.com", "v1", "Memcached");
    let api: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), "default", &ApiResource::from_gvk(&gvk));
    let obj: DynamicObject = serde_json::from_value(json!({
        "apiVersion": "webapp.example.com/v1",
        "kind": "Memcached",
        "metadata": { "name": name },
        "spec": { "foo": "bar" },
    }))
    .unwrap();
    api.create(&PostParams::default(), &obj).await.unwrap();
    eventually(&format!("{name} Ready"), || async {
        let obj = api.get(name).await.ok()?;
        let conditions = obj.data["status"]["conditions"].as_array()?.clone();
        conditions
            .iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn one_leader_reconciles_and_a_standby_takes_over() {
    let Some(control_plane) = ControlPlane::start().await else {
        return;
    };
    let began = Instant::now();
    let guestbook = project("guestbook");
    control_plane
        .install_crds(guestbook.join("config/crd/bases"))
        .await;
    let identity = deploy_identity(&control_plane, &guestbook);
    let client = control_plane.client().await;
    let leases: Api<Lease> = Api::namespaced(client.clone(), &identity.namespace);

    let mut first = start_manager(&control_plane, &identity, "first");
    let mut second = start_manager(&control_plane, &identity, "second");
    first.wait_ready().await;
    second.wait_ready().await;
    reconciled(&client, "one").await;
    let lead = leader(&leases, &[&first, &second]).await;
    let (leading, standing_by) = if lead == 0 {
        (&mut first, &mut second)
    } else {
        (&mut second, &mut first)
    };
    assert!(leading.log().contains("applying"), "the leader reconciles");
    assert!(
        !standing_by.log().contains("applying"),
        "the standby does not reconcile:\n{}",
        standing_by.log()
    );
    assert_eq!(standing_by.readyz(), Some(200), "a standby is ready");

    // A killed leader keeps its Lease until it expires.
    let killed_at = Instant::now();
    leading.signal("KILL");
    leading.wait_exit().await;
    let old = holder(&leases).await;
    eventually("the standby holding the Lease", || async {
        (holder(&leases).await != old).then_some(())
    })
    .await;
    reconciled(&client, "two").await;
    let takeover = killed_at.elapsed();
    eprintln!(
        "takeover after SIGKILL of the leader: {:.1} s",
        takeover.as_secs_f64()
    );
    assert!(
        takeover <= TAKEOVER_AFTER_KILL + Duration::from_secs(3),
        "takeover after a kill took {takeover:?}"
    );

    // A leader asked to stop releases its Lease: the next standby takes over at once.
    let mut third = start_manager(&control_plane, &identity, "third");
    third.wait_ready().await;
    let old = holder(&leases).await;
    let stopped_at = Instant::now();
    standing_by.signal("TERM");
    eventually("the third manager holding the Lease", || async {
        let now = holder(&leases).await;
        (now != old && third.log().contains(&now)).then_some(())
    })
    .await;
    let handover = stopped_at.elapsed();
    assert_eq!(
        standing_by.wait_exit().await,
        Some(0),
        "SIGTERM is a clean stop"
    );
    reconciled(&client, "three").await;
    eprintln!(
        "takeover after SIGTERM of the leader: {:.1} s",
        handover.as_secs_f64()
    );
    assert!(
        handover <= TAKEOVER_AFTER_STOP + Duration::from_millis(500),
        "takeover after a clean stop took {handover:?}"
    );
    for manager in [&*standing_by, &third] {
        manager.assert_never_forbidden();
    }
    report("leader election", began.elapsed());
}
