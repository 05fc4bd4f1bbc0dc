//! Health probes: `/healthz` answers while the process runs; `/readyz` answers once the replica
//! can do its job. A standby replica (waiting for the leader lease) is ready; the leader is
//! ready once the cache of every controller holds its first complete list of objects.
//!
//! [`Manager::run`](super::Manager::run) counts one cache per controller when this replica
//! starts leading ([`Health::lead`]), so each controller reports its own cache, once, with
//! [`Health::track`]: `mgr.health.track(controller.store())`.
//!
//! # Example
//!
//! ```
//! use hyper::StatusCode;
//! use kubeforge_runtime::manager::health::{self, Health};
//!
//! let health = Health::default();
//! assert_eq!(health::route(&health, "/readyz").status, StatusCode::OK); // a standby
//!
//! health.lead(2); // leading, with two controllers whose caches fill
//! assert_eq!(health::route(&health, "/readyz").status, StatusCode::SERVICE_UNAVAILABLE);
//! health.cache_synced();
//! health.cache_synced();
//! assert!(health.is_ready());
//! assert_eq!(health::route(&health, "/healthz").status, StatusCode::OK);
//! ```

use std::{
    hash::Hash,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use hyper::StatusCode;
use kube::runtime::reflector::{Lookup, Store};

use super::http::Reply;

/// Readiness of the replica, shared by the manager, the controllers and the probe server.
#[derive(Debug, Clone, Default)]
pub struct Health(Arc<State>);

#[derive(Debug, Default)]
struct State {
    leading: AtomicBool,
    /// Caches not yet synced, among those of the controllers that run.
    unsynced: AtomicUsize,
}

impl Health {
    /// This replica starts its controllers, which have `caches` caches to fill.
    pub fn lead(&self, caches: usize) {
        self.0.unsynced.store(caches, Ordering::SeqCst);
        self.0.leading.store(true, Ordering::SeqCst);
    }

    /// One more cache holds its first complete list.
    pub fn cache_synced(&self) {
        let _ = self
            .0
            .unsynced
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    }

    /// Calls [`Health::cache_synced`] once `store` is filled, from a background task.
    pub fn track<K>(&self, store: Store<K>)
    where
        K: Lookup + Clone + Send + Sync + 'static,
        K::DynamicType: Eq + Hash + Clone + Send + Sync,
    {
        let health = self.clone();
        tokio::spawn(async move {
            // A store wakes only one of the tasks that wait for it, and the controller waits
            // too: look again every second instead of relying on the wake-up.
            loop {
                match tokio::time::timeout(Duration::from_secs(1), store.wait_until_ready()).await {
                    Ok(Ok(())) => return health.cache_synced(),
                    Ok(Err(_)) => return,
                    Err(_) => continue,
                }
            }
        });
    }

    /// Whether `/readyz` answers 200.
    pub fn is_ready(&self) -> bool {
        !self.0.leading.load(Ordering::SeqCst) || self.0.unsynced.load(Ordering::SeqCst) == 0
    }
}

/// The answers of the probe server.
pub fn route(health: &Health, path: &str) -> Reply {
    match path {
        "/healthz" => Reply::text(StatusCode::OK, "ok\n"),
        "/readyz" if health.is_ready() => Reply::text(StatusCode::OK, "ok\n"),
        "/readyz" => Reply::text(
            StatusCode::SERVICE_UNAVAILABLE,
            "waiting for the caches to sync\n",
        ),
        _ => Reply::not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_standby_replica_is_ready() {
        let health = Health::default();
        assert!(health.is_ready());
        assert_eq!(route(&health, "/readyz").status, StatusCode::OK);
        assert_eq!(route(&health, "/healthz").status, StatusCode::OK);
    }

    #[test]
    fn the_leader_is_ready_once_every_cache_synced() {
        let health = Health::default();
        health.lead(2);
        assert_eq!(
            route(&health, "/readyz").status,
            StatusCode::SERVICE_UNAVAILABLE
        );
        health.cache_synced();
        assert!(!health.is_ready());
        health.cache_synced();
        assert_eq!(route(&health, "/readyz").status, StatusCode::OK);
        assert_eq!(route(&health, "/healthz").status, StatusCode::OK);
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert_eq!(route(&Health::default(), "/").status, StatusCode::NOT_FOUND);
    }
}
