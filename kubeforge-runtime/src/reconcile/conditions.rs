//! Status conditions, as `kubectl wait --for=condition=Ready` and other tools read them. Each
//! condition's `lastTransitionTime` changes only when its status does.
//!
//! # Example
//!
//! ```
//! use kubeforge_runtime::reconcile::conditions::{self, DEGRADED, READY};
//!
//! // After a successful reconcile of generation 1, with no conditions yet:
//! let ok = conditions::reconciled(&[], Some(1));
//! assert!(conditions::is_true(&ok, READY));
//!
//! // Then a failure: not ready, degraded, with why.
//! let failed = conditions::failed(&ok, Some(2), "quota exceeded");
//! assert!(!conditions::is_true(&failed, READY));
//! let degraded = conditions::find(&failed, DEGRADED).unwrap();
//! assert_eq!(degraded.message, "quota exceeded");
//!
//! // The status stays the same: so does the transition time.
//! let again = conditions::failed(&failed, Some(2), "quota exceeded");
//! assert_eq!(again[0].last_transition_time, failed[0].last_transition_time);
//! ```

use k8s_openapi::{
    apimachinery::pkg::apis::meta::v1::{Condition, Time},
    jiff::Timestamp,
};

/// The object is as its spec describes.
pub const READY: &str = "Ready";
/// The controller is working towards the spec: creating, updating or waiting for something.
pub const PROGRESSING: &str = "Progressing";
/// The controller failed to reach the spec and will try again.
pub const DEGRADED: &str = "Degraded";

/// The conditions after a successful reconcile: ready, no longer progressing, not degraded.
pub fn reconciled(previous: &[Condition], generation: Option<i64>) -> Vec<Condition> {
    vec![
        condition(previous, READY, true, "Reconciled", "", generation),
        condition(previous, PROGRESSING, false, "Reconciled", "", generation),
        condition(previous, DEGRADED, false, "Reconciled", "", generation),
    ]
}

/// The conditions after a failed reconcile: not ready, retrying, degraded; `message` says why.
pub fn failed(previous: &[Condition], generation: Option<i64>, message: &str) -> Vec<Condition> {
    vec![
        condition(
            previous,
            READY,
            false,
            "ReconcileFailed",
            message,
            generation,
        ),
        condition(previous, PROGRESSING, true, "Retrying", message, generation),
        condition(
            previous,
            DEGRADED,
            true,
            "ReconcileFailed",
            message,
            generation,
        ),
    ]
}

/// The condition `type_` with `status`, keeping the transition time of the same condition in
/// `previous` when its status has not changed.
pub fn condition(
    previous: &[Condition],
    type_: &str,
    status: bool,
    reason: &str,
    message: impl Into<String>,
    observed_generation: Option<i64>,
) -> Condition {
    let status = if status { "True" } else { "False" };
    let last_transition_time = match find(previous, type_) {
        Some(old) if old.status == status => old.last_transition_time.clone(),
        _ => Time(Timestamp::now()),
    };
    Condition {
        type_: type_.into(),
        status: status.into(),
        reason: reason.into(),
        message: message.into(),
        observed_generation,
        last_transition_time,
    }
}

/// The condition `type_`, if present.
pub fn find<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// Whether the condition `type_` is present and true.
pub fn is_true(conditions: &[Condition], type_: &str) -> bool {
    find(conditions, type_).is_some_and(|c| c.status == "True")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_transition_time_while_the_status_holds() {
        let first = condition(&[], READY, true, "Reconciled", "", Some(1));
        let earlier = Time(Timestamp::UNIX_EPOCH);
        let previous = [Condition {
            last_transition_time: earlier.clone(),
            ..first
        }];

        let same = condition(&previous, READY, true, "Reconciled", "again", Some(2));
        assert_eq!(same.last_transition_time, earlier);
        assert_eq!(same.observed_generation, Some(2));
        assert!(is_true(&[same], READY));

        let changed = condition(&previous, READY, false, "Failed", "boom", Some(2));
        assert_ne!(changed.last_transition_time, earlier);
        assert!(!is_true(&[changed], READY));
        assert!(!is_true(&[], READY));
    }

    #[test]
    fn reports_success_and_failure() {
        let ok = reconciled(&[], Some(3));
        assert!(is_true(&ok, READY));
        assert!(!is_true(&ok, PROGRESSING));
        assert!(!is_true(&ok, DEGRADED));

        let failed = failed(&ok, Some(3), "boom");
        assert!(!is_true(&failed, READY));
        assert!(is_true(&failed, PROGRESSING));
        assert!(is_true(&failed, DEGRADED));
        assert_eq!(find(&failed, DEGRADED).unwrap().message, "boom");
    }
}
