//! Exponential backoff per object: an object that keeps failing is retried less and less often,
//! without slowing down the others; its first success resets it. An object whose last failure
//! is older than twice the longest delay, such as a deleted one, is forgotten.
//!
//! # Example
//!
//! [`error_policy`](super::error_policy) and [`Context::observe`](super::Context::observe) use
//! the backoff of the [`Context`](super::Context), keyed by [`key`](super::key).
//!
//! ```
//! use std::time::Duration;
//!
//! use kubeforge_runtime::reconcile::Backoff;
//!
//! let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(4));
//! let delays: Vec<_> = (0..4).map(|_| backoff.failed("shop/widget").as_secs()).collect();
//! assert_eq!(delays, [1, 2, 4, 4]);
//! assert_eq!(backoff.failed("shop/gadget"), Duration::from_secs(1)); // per object
//!
//! backoff.reset("shop/widget"); // reconciled
//! assert_eq!(backoff.failed("shop/widget"), Duration::from_secs(1));
//! ```

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

/// The failures of each object since its last success.
#[derive(Debug)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Default for Backoff {
    /// One second after the first failure, then twice as long after each one, up to five
    /// minutes.
    fn default() -> Self {
        Backoff::new(Duration::from_secs(1), Duration::from_secs(5 * 60))
    }
}

impl Backoff {
    /// Waits `first` after a first failure, doubling after each further one up to `max`.
    pub fn new(first: Duration, max: Duration) -> Backoff {
        Backoff {
            first,
            max,
            failures: Mutex::default(),
        }
    }

    /// Records a failure of `object`; returns how long to wait before retrying it.
    pub fn failed(&self, object: &str) -> Duration {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        // Forget objects that stopped failing without a success, for example deleted ones.
        let stale = self.max * 2;
        failures.retain(|_, f| f.last.elapsed() < stale);
        let entry = failures.entry(object.into()).or_insert(Failures {
            count: 0,
            last: Instant::now(),
        });
        entry.count = entry.count.saturating_add(1);
        entry.last = Instant::now();
        let factor = 2u32.checked_pow(entry.count - 1).unwrap_or(u32::MAX);
        self.first.saturating_mul(factor).min(self.max)
    }

    /// Forgets the failures of `object`, after it was reconciled.
    pub fn reset(&self, object: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        failures.remove(object);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_maximum() {
        let backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(10));
        let delays: Vec<u64> = (0..6).map(|_| backoff.failed("a").as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        for _ in 0..100 {
            backoff.failed("a");
        }
        assert_eq!(backoff.failed("a"), Duration::from_secs(10));
    }

    #[test]
    fn is_per_object_and_resets_on_success() {
        let backoff = Backoff::default();
        backoff.failed("a");
        backoff.failed("a");
        assert_eq!(backoff.failed("b"), Duration::from_secs(1));
        backoff.reset("a");
        assert_eq!(backoff.failed("a"), Duration::from_secs(1));
    }
}
