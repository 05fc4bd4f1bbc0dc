//! Every CRD in ../shared/crds/ (real-world CRDs of other projects) has its spec and status
//! accepted as a description, and the CRD kubeforge derives from the generated types reproduces
//! them, modulo the documented equivalences (see `kubeforge::description::compare`).

use crate::description_support::{derive, generate, root_schema, shared_cases, shared_crds_dir};

#[test]
fn shared_crds_are_reproduced() {
    let Some(dir) = shared_crds_dir() else {
        println!("skipped: ../shared/crds is absent");
        return;
    };
    let cases = shared_cases(&dir);
    assert!(!cases.is_empty(), "no CRDs in {}", dir.display());
    let mut failures = Vec::new();
    for case in &cases {
        let started = std::time::Instant::now();
        let generated = generate(&case.name, &case.yaml);
        let elapsed = started.elapsed();
        let out = match generated {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("{}: not accepted: {e}", case.name));
                continue;
            }
        };
        let crd = derive(&out.types_rs);
        let root = root_schema(&crd);
        let mut expected = vec![("spec", case.spec.clone())];
        if let Some(status) = &case.status {
            let mut status = status.clone();
            // kube makes the status an `Option`: nullable.
            status["nullable"] = serde_json::json!(true);
            expected.push(("status", status));
        }
        for (name, want) in expected {
            for d in kubeforge::description::compare(&want, &root["properties"][name]) {
                failures.push(format!(
                    "{}: {name}.{}: {}",
                    case.name,
                    d.path.join("."),
                    d.message
                ));
            }
        }
        println!(
            "{}: reproduced ({} bytes of Rust, generated in {} ms)",
            case.name,
            out.types_rs.len(),
            elapsed.as_millis()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
