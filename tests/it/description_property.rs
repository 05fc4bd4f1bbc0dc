//! Property test: random valid descriptions (a small deterministic PRNG picks types, keywords,
//! nesting and names) give Rust that parses (and that rustfmt leaves as it is, when rustfmt is
//! installed), a CRD through `kubeforge generate`'s derivation, and a sample that parses.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::description_support::{derive, generate, random_description};

fn rustfmt(text: &str) -> Option<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(text.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn random_descriptions_give_valid_rust_crds_and_samples() {
    let count: u64 = std::env::var("KUBEFORGE_DESCRIPTION_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let check_format = rustfmt("fn main() {}\n").is_some();
    if !check_format {
        println!("rustfmt is not installed: formatting is not checked");
    }
    let mut failures = Vec::new();
    for seed in 0..count {
        let yaml = random_description(seed);
        let out = match generate(&format!("random{seed}"), &yaml) {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("seed {seed}: {e}\n{yaml}"));
                continue;
            }
        };
        if let Err(e) = syn::parse_file(&out.types_rs) {
            failures.push(format!("seed {seed}: the Rust does not parse: {e}"));
        }
        let crd = derive(&out.types_rs);
        assert_eq!(crd["kind"], "CustomResourceDefinition");
        if let Err(e) =
            kubeforge::yaml::values_from_str(std::path::Path::new("sample.yaml"), &out.sample_yaml)
        {
            failures.push(format!("seed {seed}: the sample does not parse: {e}"));
        }
        if check_format
            && let Some(formatted) = rustfmt(&out.types_rs)
            && formatted != out.types_rs
        {
            let diff = similar::TextDiff::from_lines(&out.types_rs, &formatted)
                .unified_diff()
                .to_string();
            failures.push(format!("seed {seed}: rustfmt changes the Rust:\n{diff}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
