//! kubeforge's verdict on a custom resource: what the API server should answer when it is created
//! (or updated) under a CRD version's schema. The same checks stand behind every sample kubeforge
//! writes: defaults applied the way the API server applies them, then the schema validator, then
//! the CEL rules (with kube-cel, `oldSelf` bound on updates).

use serde_json::Value;

use super::validate;

/// What kubeforge expects of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Why the API server should refuse the object; empty when it should accept it.
    pub problems: Vec<String>,
    /// The object as the API server should store it: with the schema's defaults.
    pub defaulted: Value,
}

impl Verdict {
    /// The API server should accept the object.
    pub fn accepted(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks `object` against `root_schema` (a version's `openAPIV3Schema`); `old` is the stored
/// object on an update, which CEL transition rules compare with.
pub fn check_object(root_schema: &Value, object: &Value, old: Option<&Value>) -> Verdict {
    let mut defaulted = object.clone();
    validate::apply_defaults(root_schema, &mut defaulted);
    let mut problems: Vec<String> = validate::validate(root_schema, &defaulted, "")
        .into_iter()
        .map(|invalid| format!("{}: {}", invalid.path, invalid.message))
        .collect();
    if problems.is_empty() {
        problems = cel_problems(root_schema, &defaulted, old);
    }
    Verdict {
        problems,
        defaulted,
    }
}

/// The CEL rules that `object` breaks. Rules kube-cel cannot evaluate are not reported.
fn cel_problems(root_schema: &Value, object: &Value, old: Option<&Value>) -> Vec<String> {
    use kube_cel::ErrorKind;
    let mut old_defaulted = old.cloned();
    if let Some(old) = &mut old_defaulted {
        validate::apply_defaults(root_schema, old);
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        kube_cel::Validator::new().validate(root_schema, object, old_defaulted.as_ref())
    }));
    let Ok(Err(errors)) = outcome else {
        return Vec::new();
    };
    errors
        .as_slice()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                ErrorKind::ValidationFailure
                    | ErrorKind::InvalidResult
                    | ErrorKind::EvaluationError
            )
        })
        .map(|e| format!("{}: {} (rule `{}`)", e.field_path, e.message, e.rule))
        .collect()
}
