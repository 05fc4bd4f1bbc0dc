//! kubeforge's verdict on a custom resource: what the API server should answer when it is created
//! (or updated) under a CRD version's schema. The same checks stand behind every sample kubeforge
//! writes: defaults applied the way the API server applies them, then the schema validator, then
//! the CEL rules (with kube-cel, `oldSelf` bound on updates).

use std::collections::BTreeSet;

use serde_json::Value;

use super::validate;

/// How deep [`optional_old_self_rules`] looks into a schema.
const MAX_DEPTH: usize = 64;

/// What kubeforge expects of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Why the API server should refuse the object; empty when it should accept it (unless a
    /// rule of `undecided` refuses it).
    pub problems: Vec<String>,
    /// CEL rules that failed here but that kube-cel cannot evaluate as the API server does
    /// (rules with `optionalOldSelf`): the API server's to decide.
    pub undecided: Vec<String>,
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
    let problems: Vec<String> = validate::validate(root_schema, &without_type_meta(&defaulted), "")
        .into_iter()
        .map(|invalid| format!("{}: {}", invalid.path, invalid.message))
        .collect();
    if !problems.is_empty() {
        return Verdict {
            problems,
            undecided: Vec::new(),
            defaulted,
        };
    }
    let (problems, undecided) = cel_problems(root_schema, &defaulted, old);
    Verdict {
        problems,
        undecided,
        defaulted,
    }
}

/// `object` without `apiVersion`, `kind` and `metadata`, which the API server checks itself
/// whatever the schema says of them (a CRD's schema usually leaves them out).
fn without_type_meta(object: &Value) -> Value {
    let mut out = object.clone();
    if let Some(map) = out.as_object_mut() {
        for key in ["apiVersion", "kind", "metadata"] {
            map.remove(key);
        }
    }
    out
}

/// The CEL rules that `object` breaks, and those that failed but are not kube-cel's to decide.
/// Rules kube-cel cannot compile are not reported.
fn cel_problems(
    root_schema: &Value,
    object: &Value,
    old: Option<&Value>,
) -> (Vec<String>, Vec<String>) {
    let mut old_defaulted = old.cloned();
    if let Some(old) = &mut old_defaulted {
        validate::apply_defaults(root_schema, old);
    }
    let errors = rule_failures(root_schema, object, old_defaulted.as_ref());
    let optional = optional_old_self_rules(root_schema);
    let (mut problems, mut undecided) = (Vec::new(), Vec::new());
    for error in &errors {
        let text = format!(
            "{}: {} (rule `{}`)",
            error.field_path, error.message, error.rule
        );
        if optional.contains(&error.rule) {
            undecided.push(text);
        } else if decidable(error, old.is_some()) {
            problems.push(text);
        }
    }
    (problems, undecided)
}

/// What kube-cel reports of the CEL rules of `root_schema` on `object` (`old` bound to `oldSelf`
/// on an update); nothing when it cannot run them.
pub fn rule_failures(
    root_schema: &Value,
    object: &Value,
    old: Option<&Value>,
) -> Vec<kube_cel::ValidationError> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        kube_cel::Validator::new().validate(root_schema, object, old)
    }));
    match outcome {
        Ok(Err(errors)) => errors.as_slice().to_vec(),
        _ => Vec::new(),
    }
}

/// Whether a failure that kube-cel reports is the API server's too: rules kube-cel cannot
/// compile are left to the API server, and so are rules that read `oldSelf` on a create (the API
/// server runs them only with `optionalOldSelf`, which kube-cel does not support).
pub fn decidable(error: &kube_cel::ValidationError, update: bool) -> bool {
    use kube_cel::ErrorKind;
    let failed = matches!(
        error.kind,
        ErrorKind::ValidationFailure | ErrorKind::InvalidResult | ErrorKind::EvaluationError
    );
    failed && (update || !error.rule.contains("oldSelf"))
}

/// The rules of `schema` marked `optionalOldSelf: true`.
fn optional_old_self_rules(schema: &Value) -> BTreeSet<String> {
    fn walk(schema: &Value, depth: usize, out: &mut BTreeSet<String>) {
        if depth > MAX_DEPTH {
            return;
        }
        match schema {
            Value::Object(map) => {
                if let Some(rules) = map
                    .get("x-kubernetes-validations")
                    .and_then(Value::as_array)
                {
                    for rule in rules {
                        if rule["optionalOldSelf"] == true
                            && let Some(text) = rule["rule"].as_str()
                        {
                            out.insert(text.to_string());
                        }
                    }
                }
                for value in map.values() {
                    walk(value, depth + 1, out);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, depth + 1, out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(schema, 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "required": ["image"],
                    "properties": {
                        "image": { "type": "string" },
                        "replicas": { "type": "integer", "default": 1 },
                        "zone": { "type": "string", "nullable": true },
                        "backoff": { "type": "number", "multipleOf": 0.5 },
                        "ttl": {
                            "type": "integer",
                            "x-kubernetes-validations": [{
                                "rule": "!oldSelf.hasValue() || self >= oldSelf.value()",
                                "optionalOldSelf": true,
                            }],
                        },
                    },
                    "x-kubernetes-validations": [{ "rule": "self.image != 'forbidden'" }],
                },
            },
        })
    }

    fn object(spec: Value) -> Value {
        json!({ "apiVersion": "x/v1", "kind": "X", "metadata": { "name": "x" }, "spec": spec })
    }

    #[test]
    fn a_null_where_not_nullable_is_dropped_before_defaulting() {
        let verdict = check_object(
            &schema(),
            &object(json!({ "image": "a", "replicas": null })),
            None,
        );
        assert!(verdict.accepted(), "{:?}", verdict.problems);
        assert_eq!(verdict.defaulted["spec"]["replicas"], 1);

        let verdict = check_object(&schema(), &object(json!({ "image": null })), None);
        assert!(!verdict.accepted(), "a dropped required field is missing");

        let verdict = check_object(
            &schema(),
            &object(json!({ "image": "a", "zone": null })),
            None,
        );
        assert!(verdict.accepted());
        assert_eq!(
            verdict.defaulted["spec"]["zone"],
            Value::Null,
            "kept where nullable"
        );
    }

    #[test]
    fn integral_values_meet_a_fractional_factor_cut_to_an_integer() {
        let integral = check_object(
            &schema(),
            &object(json!({ "image": "a", "backoff": 1 })),
            None,
        );
        assert!(!integral.accepted());
        let fraction = check_object(
            &schema(),
            &object(json!({ "image": "a", "backoff": 1.0 })),
            None,
        );
        assert!(fraction.accepted(), "{:?}", fraction.problems);
        let off = check_object(
            &schema(),
            &object(json!({ "image": "a", "backoff": 0.3 })),
            None,
        );
        assert!(!off.accepted());
    }

    #[test]
    fn cel_rules_are_checked_and_optional_old_self_left_to_the_api_server() {
        let broken = check_object(&schema(), &object(json!({ "image": "forbidden" })), None);
        assert_eq!(broken.problems.len(), 1, "{:?}", broken.problems);

        let old = object(json!({ "image": "a", "ttl": 20 }));
        let shrunk = check_object(
            &schema(),
            &object(json!({ "image": "a", "ttl": 10 })),
            Some(&old),
        );
        assert!(shrunk.problems.is_empty(), "{:?}", shrunk.problems);
        assert_eq!(shrunk.undecided.len(), 1, "{:?}", shrunk.undecided);
    }
}
