//! A table test per keyword: a description in, the Rust it generates and the CRD fragment that
//! `kubeforge generate` derives from that Rust out.

use crate::description_support::{derive, generate, keyword_cases};
use serde_json::Value;

/// Every key of `expected` is in `actual` with an equal value (numbers compared by value).
fn subset(expected: &Value, actual: &Value) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                let Some(w) = a.get(k) else {
                    return Err(format!("`{k}` is missing"));
                };
                subset(v, w).map_err(|m| format!("{k}: {m}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (v, w)) in e.iter().zip(a).enumerate() {
                subset(v, w).map_err(|m| format!("[{i}]: {m}"))?;
            }
            Ok(())
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        _ if expected == actual => Ok(()),
        _ => Err(format!("expected {expected}, found {actual}")),
    }
}

#[test]
fn every_keyword_gives_its_rust_and_crd() {
    let mut failures = Vec::new();
    for case in keyword_cases() {
        let out = match generate(case.name, &case.yaml) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        for want in &case.rust {
            if !out.types_rs.contains(want) {
                failures.push(format!(
                    "{}: the Rust lacks `{want}`:\n{}",
                    case.name, out.types_rs
                ));
            }
        }
        if case.crd.is_null() {
            continue;
        }
        let crd = derive(&out.types_rs);
        let Some(actual) = crd.pointer(case.pointer) else {
            failures.push(format!("{}: no CRD node at {}", case.name, case.pointer));
            continue;
        };
        let problems: Vec<String> = if case.pointer.ends_with("/versions/0") {
            subset(&case.crd, actual).err().into_iter().collect()
        } else {
            kubeforge::description::compare(&case.crd, actual)
                .into_iter()
                .map(|d| format!("{:?}: {}", d.path, d.message))
                .collect()
        };
        for p in problems {
            failures.push(format!(
                "{}: CRD fragment differs: {p}\n{actual:#}",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn generation_is_deterministic() {
    for case in keyword_cases().into_iter().take(20) {
        let a = generate(case.name, &case.yaml).unwrap();
        let b = generate(case.name, &case.yaml).unwrap();
        assert_eq!(a.types_rs, b.types_rs, "{}", case.name);
        assert_eq!(a.sample_yaml, b.sample_yaml, "{}", case.name);
    }
}
