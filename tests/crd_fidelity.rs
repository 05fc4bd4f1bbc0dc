//! Fidelity: `crds_from_sources` over the fixture crate's `src/api` must equal what the compiled
//! fixture's `crdgen` (kube-derive's `crd()` + `merge_crds`) printed, compared as parsed values.
//!
//! Set `KUBEFORGE_FIDELITY_CRDGEN_YAML` to the path of crdgen's output; without it the test
//! prints a note and passes (the compile gate sets it).

use std::path::{Path, PathBuf};

use kubeforge::crd::{CrdOptions, SourceFile, crds_from_sources};

fn rust_files(dir: &Path, root: &Path, out: &mut Vec<SourceFile>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.ends_with("src/bin") {
                continue;
            }
            rust_files(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&p).expect("readable file");
            out.push(SourceFile {
                path: p.strip_prefix(root).expect("under root").to_path_buf(),
                text,
            });
        }
    }
}

/// The fixture's `src/**.rs` but `src/bin`, with paths relative to the fixture root (as the
/// compile gate passes them).
pub fn fixture_sources() -> Vec<SourceFile> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fidelity");
    let mut files = Vec::new();
    rust_files(&root.join("src"), &root, &mut files);
    files
}

fn docs(yaml: &str) -> Vec<serde_json::Value> {
    serde_saphyr::from_multiple::<serde_json::Value>(yaml).expect("valid multi-document YAML")
}

#[test]
fn fixture_crds_equal_kube_derive_output() {
    let Ok(path) = std::env::var("KUBEFORGE_FIDELITY_CRDGEN_YAML") else {
        println!("KUBEFORGE_FIDELITY_CRDGEN_YAML is not set: skipping the fidelity comparison");
        return;
    };
    let expected = docs(&std::fs::read_to_string(&path).expect("crdgen output readable"));
    let crds = crds_from_sources(&fixture_sources(), &CrdOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let ours: Vec<String> = crds
        .iter()
        .map(|c| serde_saphyr::to_string(c).expect("serializes"))
        .collect();
    let actual = docs(&ours.join("---\n"));
    let names = |v: &[serde_json::Value]| {
        v.iter()
            .map(|d| d["metadata"]["name"].as_str().unwrap_or("?").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&actual), names(&expected), "CRD names differ");
    let mut failures = Vec::new();
    for (a, e) in actual.iter().zip(&expected) {
        if a != e {
            let a = serde_json::to_string_pretty(a).expect("json");
            let e = serde_json::to_string_pretty(e).expect("json");
            let diff = similar::TextDiff::from_lines(&e, &a);
            failures.push(format!(
                "--- kube-derive\n+++ kubeforge\n{}",
                diff.unified_diff().context_radius(4)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fidelity mismatches:\n{}",
        failures.join("\n")
    );
    // The compile gate compares `serde_json::to_value` of the typed CRDs directly.
    for (crd, e) in crds.iter().zip(&expected) {
        assert!(
            &serde_json::to_value(crd).expect("json") == e,
            "to_value differs for {:?}",
            crd.metadata.name
        );
    }
}
