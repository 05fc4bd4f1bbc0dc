//! Leader election on a `coordination.k8s.io` Lease, so that several replicas of the manager can
//! run while only one of them reconciles.
//!
//! Every replica tries to hold the Lease. The one that does runs the controllers and renews the
//! Lease before it expires; the others wait as ready standbys. A leader that fails to renew the
//! Lease, or sees another replica take it, stops its controllers and the process exits with an
//! error, so that it restarts as a standby. On SIGTERM the leader stops its controllers and
//! releases the Lease, so that a standby takes over at once.
//!
//! # Example
//!
//! [`Manager::run`](super::Manager::run) does this when
//! [`Options::leader_election`](super::Options::leader_election) is set; by hand:
//!
//! ```no_run
//! use kubeforge_runtime::manager::{Manager, leader::LeaderElection};
//!
//! # async fn run_widgets(_: Manager) -> anyhow::Result<()> { Ok(()) }
//! # #[tokio::main]
//! # async fn main() -> anyhow::Result<()> {
//! let mgr = Manager::new(kube::Client::try_default().await?, None);
//! let election = LeaderElection { lease_name: "shop-lock".into(), namespace: "shop".into() };
//! // Runs until the controller returns (on SIGTERM) or the Lease is lost (an error).
//! let widgets = run_widgets(mgr.clone());
//! election
//!     .run_while_leading(&mgr.client, &mgr.shutdown, || mgr.health.lead(1), widgets)
//!     .await
//! # }
//! ```

use std::{
    collections::hash_map::RandomState,
    future::Future,
    hash::{BuildHasher, Hasher},
    time::Duration,
};

use anyhow::{Context as _, anyhow};
use futures::StreamExt;
use k8s_openapi::api::coordination::v1::Lease;
use kube::{
    Api, Client,
    runtime::{WatchStreamExt, watcher},
};
use kube_lease_manager::{LeaseManager, LeaseManagerBuilder};
use tokio_util::sync::CancellationToken;

// The Lease is granted by config/rbac/leader_election_role.yaml, in the manager's namespace.

/// How long the Lease stays valid after the leader last renewed it.
const LEASE_DURATION_SECONDS: u64 = 15;

/// How long before the Lease expires the leader renews it; also the clock skew tolerated
/// between nodes.
const RENEW_BEFORE_EXPIRY_SECONDS: u64 = 5;

/// How long a standby waits after failing to read the Lease before it tries again.
const RETRY_DELAY: Duration = Duration::from_secs(2);

/// Which Lease the replicas compete for.
#[derive(Debug, Clone)]
pub struct LeaderElection {
    /// The name of the Lease.
    pub lease_name: String,
    /// The namespace of the Lease.
    pub namespace: String,
}

impl LeaderElection {
    /// Waits until this replica holds the Lease, calls `on_leading`, then runs `controllers`
    /// until they finish or the Lease is lost.
    ///
    /// Returns `Ok` without running the controllers when `shutdown` is cancelled first, and an
    /// error when the Lease is lost.
    pub async fn run_while_leading<F>(
        &self,
        client: &Client,
        shutdown: &CancellationToken,
        on_leading: impl FnOnce(),
        controllers: F,
    ) -> anyhow::Result<()>
    where
        F: Future<Output = anyhow::Result<()>>,
    {
        let identity = identity();
        let lease = LeaseManagerBuilder::new(client.clone(), &self.lease_name)
            .with_namespace(&self.namespace)
            .with_identity(&identity)
            .with_duration(LEASE_DURATION_SECONDS)
            .with_grace(RENEW_BEFORE_EXPIRY_SECONDS)
            .build()
            .await
            .with_context(|| {
                format!(
                    "cannot read or create the Lease {}/{}",
                    self.namespace, self.lease_name
                )
            })?;
        tracing::info!(
            lease = %self.lease_name,
            namespace = %self.namespace,
            %identity,
            "waiting to lead"
        );

        tokio::select! {
            () = shutdown.cancelled() => return Ok(()),
            () = acquire(&lease, self.released(client)) => {}
        }
        tracing::info!(lease = %self.lease_name, %identity, "leading: starting the controllers");
        on_leading();

        let result = tokio::select! {
            result = controllers => result,
            lost = lost(&lease) => Err(lost),
        };
        // Hand over at once rather than when the Lease expires.
        if let Err(error) = lease.release().await {
            tracing::warn!(%error, "cannot release the leader lease");
        }
        result
    }

    /// An item each time the Lease is seen without a holder.
    fn released(&self, client: &Client) -> impl futures::Stream<Item = ()> + use<> {
        let leases: Api<Lease> = Api::namespaced(client.clone(), &self.namespace);
        let config =
            watcher::Config::default().fields(&format!("metadata.name={}", self.lease_name));
        watcher(leases, config)
            .default_backoff()
            .applied_objects()
            .filter_map(|lease| async move {
                let holder = lease.ok()?.spec?.holder_identity.unwrap_or_default();
                holder.is_empty().then_some(())
            })
    }
}

/// Returns once this replica holds the Lease.
///
/// The lease manager looks at a Lease held by another replica again only when its term ends;
/// `released` wakes it as soon as the holder lets go, so that a replica that stops cleanly hands
/// over within a second.
async fn acquire(lease: &LeaseManager, released: impl futures::Stream<Item = ()>) {
    let mut released = std::pin::pin!(released);
    loop {
        tokio::select! {
            changed = lease.changed() => match changed {
                Ok(true) => return,
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(%error, "cannot read the leader lease; retrying");
                    tokio::time::sleep(RETRY_DELAY).await;
                }
            },
            Some(()) = released.next() => {
                // Releasing a Lease held by another replica changes nothing, but makes the lease
                // manager read it again: it finds it free and takes it.
                if let Err(error) = lease.release().await {
                    tracing::warn!(%error, "cannot read the leader lease; retrying");
                }
            }
        }
    }
}

/// Keeps renewing the Lease; returns why this replica stopped holding it.
async fn lost(lease: &LeaseManager) -> anyhow::Error {
    loop {
        match lease.changed().await {
            Ok(true) => {}
            Ok(false) => return anyhow!("lost the leader lease to another replica"),
            Err(error) => {
                return anyhow::Error::new(error).context("cannot renew the leader lease");
            }
        }
    }
}

/// A name unique to this process: the host name (the pod name in a cluster) and a random suffix.
fn identity() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "manager".into());
    let suffix = RandomState::new().build_hasher().finish();
    format!("{host}_{suffix:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_unique() {
        assert_ne!(identity(), identity());
    }
}
