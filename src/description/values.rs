//! Defaults, examples and enum values, checked against the schema of the node they are on.

use serde_json::Value;

use super::errors::Errs;
use super::expected;
use super::ir::{Ir, Kind, Path2};
use super::validate;
use crate::error::Error;

/// Defaults, examples and enum values are valid against their own schema.
pub fn check_values(e: Errs<'_>, ir: &Ir, path: &Path2) -> Result<(), Error> {
    if ir.enum_.is_some() || ir.default.is_some() || ir.example.is_some() {
        check_own_values(e, ir, path)?;
    }
    match &ir.kind {
        Kind::Object { props, additional } => {
            for p in props {
                check_values(e, &p.schema, &path.child(p.name.clone()))?;
            }
            if let Some(a) = additional {
                check_values(e, a, &path.child("{}"))?;
            }
        }
        Kind::Array(items) => check_values(e, items, &path.child("[]"))?,
        _ => {}
    }
    Ok(())
}

/// The enum values, default and example of one node are valid against its schema (built only
/// for the nodes that have them: it holds the node's whole subtree).
fn check_own_values(e: Errs<'_>, ir: &Ir, path: &Path2) -> Result<(), Error> {
    let schema = expected::schema(ir);
    let strip = |keys: &[&str]| {
        let mut s = schema.clone();
        if let Value::Object(m) = &mut s {
            for k in keys {
                m.remove(*k);
            }
        }
        s
    };
    if let Some(en) = &ir.enum_ {
        let s = strip(&["enum", "default", "example"]);
        for v in &en.value {
            if v.is_null() && ir.nullable == Some(true) {
                continue;
            }
            if let Some(bad) = validate::validate(&s, v, "").first() {
                return Err(e.at(
                    en.pos(),
                    format!(
                        "the enum value {v} of `{}` is invalid: {}",
                        path.show(),
                        bad.message
                    ),
                    if v.is_boolean() && matches!(ir.kind, Kind::String) {
                        "quote the value: YAML reads unquoted y, n, yes, no, on, off, true and false as booleans"
                    } else {
                        "list values of the node's type that satisfy its constraints"
                    },
                ));
            }
        }
    }
    if let Some(d) = &ir.default {
        let s = strip(&["default"]);
        let mut v = d.value.clone();
        validate::apply_defaults(&s, &mut v);
        if let Some(bad) = validate::validate(&s, &v, "").first() {
            let at = if bad.path.is_empty() {
                String::new()
            } else {
                format!(" (at `{}`)", bad.path.trim_start_matches('.'))
            };
            return Err(e.at(d.pos(), format!("the default of `{}` is invalid{at}: {}", path.show(), bad.message), "give a default that satisfies the node's own schema (the API server rejects the CRD otherwise)"));
        }
    }
    if let Some(x) = &ir.example {
        let s = strip(&["example"]);
        let mut v = x.clone();
        validate::apply_defaults(&s, &mut v);
        if let Some(bad) = validate::validate(&s, &v, "").first() {
            return Err(e.at(ir.pos, format!("the example of `{}` is invalid: {}", path.show(), bad.message), "give an example that satisfies the node's schema (kubeforge uses it in the sample)"));
        }
    }
    Ok(())
}
