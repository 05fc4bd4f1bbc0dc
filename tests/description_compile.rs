//! The compile check of generated types (slow, opt-in): with
//! `KUBEFORGE_DESCRIPTION_COMPILE=/some/scratch/dir`, every keyword case, fixture, a batch of
//! random descriptions and the shared CRDs are generated into one scratch crate (kube 5,
//! k8s-openapi 0.29, schemars 1, locked by tests/compile-gate/Cargo.lock), which must pass
//! `cargo build`, `cargo clippy -D warnings` and `cargo fmt --check`; the CRDs that its compiled
//! types print (`crd()`) must equal what `kubeforge::crd::crds_from_sources` derives from the
//! same source. `KUBEFORGE_DESCRIPTION_TARGET` sets the scratch crate's target directory
//! (default: `<dir>/target`).

mod description_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use description_support::{
    generate, keyword_cases, random_description, shared_cases, shared_crds_dir,
};

const CARGO_TOML: &str = r#"[package]
name = "description-scratch"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
kube = { version = "=5.0.0", default-features = false, features = ["derive"] }
k8s-openapi = { version = "=0.29.0", features = ["v1_33", "schemars"] }
schemars = "=1.2.3"
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[workspace]
"#;

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?} failed\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn generated_types_compile_lint_format_and_match_crd() {
    let Some(dir) = std::env::var_os("KUBEFORGE_DESCRIPTION_COMPILE") else {
        eprintln!("skipped: set KUBEFORGE_DESCRIPTION_COMPILE=DIR to compile the generated types");
        return;
    };
    let dir = PathBuf::from(dir);
    let target = std::env::var_os("KUBEFORGE_DESCRIPTION_TARGET")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("target"));
    let _ = std::fs::remove_dir_all(dir.join("src"));
    std::fs::create_dir_all(dir.join("src/api")).unwrap();
    std::fs::create_dir_all(dir.join("src/bin")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), CARGO_TOML).unwrap();
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compile-gate/Cargo.lock");
    if lock.exists() && !dir.join("Cargo.lock").exists() {
        std::fs::copy(&lock, dir.join("Cargo.lock")).unwrap();
    }

    // (module, kind, types)
    let mut modules: Vec<(String, String, String)> = Vec::new();
    let mut add = |module: String, yaml: &str| {
        let out = generate(&module, yaml).unwrap_or_else(|e| panic!("{module}: {e}"));
        let desc = kubeforge::description::parse(Path::new("x.yaml"), yaml).unwrap();
        modules.push((module, desc.kind().unwrap().to_string(), out.types_rs));
    };
    for case in keyword_cases() {
        add(format!("k_{}", case.name), &case.yaml);
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/descriptions");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    for f in names {
        let stem = f.file_stem().unwrap().to_string_lossy().replace('-', "_");
        add(format!("f_{stem}"), &std::fs::read_to_string(&f).unwrap());
    }
    let random: u64 = std::env::var("KUBEFORGE_DESCRIPTION_RANDOM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    for seed in 0..random {
        add(format!("r_{seed}"), &random_description(seed));
    }
    if let Some(shared) = shared_crds_dir() {
        for case in shared_cases(&shared) {
            add(format!("s_{}", case.name), &case.yaml);
        }
    }

    let mut api_mod = String::new();
    let mut crdgen =
        String::from("use kube::CustomResourceExt;\n\nfn main() {\n    let crds = vec![\n");
    for (module, kind, types) in &modules {
        std::fs::write(dir.join(format!("src/api/{module}.rs")), types).unwrap();
        api_mod.push_str(&format!("pub mod {module};\n"));
        crdgen.push_str(&format!(
            "        (\"{module}\", description_scratch::api::{module}::{kind}::crd()),\n"
        ));
    }
    crdgen.push_str("    ];\n    println!(\"{}\", serde_json::to_string(&crds).unwrap());\n}\n");
    std::fs::write(dir.join("src/api/mod.rs"), api_mod).unwrap();
    std::fs::write(dir.join("src/lib.rs"), "pub mod api;\n").unwrap();
    std::fs::write(dir.join("src/bin/crdgen.rs"), crdgen).unwrap();

    cargo(&dir, &target, &["build", "--offline"]);
    cargo(
        &dir,
        &target,
        &[
            "clippy",
            "--offline",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    );
    // crdgen.rs and the module lists are not generated by kubeforge: format them first.
    cargo(
        &dir,
        &target,
        &[
            "fmt",
            "--",
            "src/bin/crdgen.rs",
            "src/lib.rs",
            "src/api/mod.rs",
        ],
    );
    cargo(&dir, &target, &["fmt", "--check"]);
    let printed = cargo(
        &dir,
        &target,
        &["run", "--quiet", "--offline", "--bin", "crdgen"],
    );
    let compiled: Vec<(String, serde_json::Value)> = serde_json::from_str(&printed).unwrap();
    let mut failures = Vec::new();
    for ((module, compiled), (_, _, types)) in compiled.iter().zip(&modules) {
        let derived = description_support::derive(types);
        if &derived != compiled {
            failures.push(format!(
                "{module}: crd() and kubeforge differ\ncrd():     {compiled}\nkubeforge: {derived}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
