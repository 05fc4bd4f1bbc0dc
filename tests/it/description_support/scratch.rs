//! The generated types of descriptions as one crate of the compile gate's workspace: every
//! keyword case, every fixture, a batch of random descriptions and the shared CRDs (when
//! present), each in its own module. Its `crdgen` binary prints the CRD of every module's kind
//! (`crd()`), which must equal what `kubeforge::crd::crds_from_sources` derives from the source.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{derive, generate, keyword_cases, random_description, shared_cases, shared_crds_dir};

/// The crate's name (and its directory in the workspace).
pub const CRATE: &str = "descriptions";

/// Its binary that prints the CRDs, named apart from the projects' `crdgen`.
pub const BIN: &str = "descriptions-crdgen";

/// How many random descriptions go into the crate (`KUBEFORGE_DESCRIPTION_RANDOM` overrides).
pub const RANDOM: u64 = 40;

/// The dependencies the generated types use; their versions and features are taken from a
/// generated project, so that the workspace resolves them once.
pub const DEPENDENCIES: &[&str] = &["k8s-openapi", "kube", "schemars", "serde", "serde_json"];

/// One generated types file.
pub struct Module {
    pub name: String,
    pub kind: String,
    pub types_rs: String,
}

/// Generates every module of the crate.
pub fn modules() -> Vec<Module> {
    let mut out = Vec::new();
    let mut add = |name: String, yaml: &str| {
        let generated = generate(&name, yaml).unwrap_or_else(|e| panic!("{name}: {e}"));
        let desc = kubeforge::description::parse(Path::new("x.yaml"), yaml).unwrap();
        out.push(Module {
            kind: desc.kind().unwrap().to_string(),
            types_rs: generated.types_rs,
            name,
        });
    };
    for case in keyword_cases() {
        add(format!("k_{}", case.name), &case.yaml);
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/descriptions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for f in files {
        let stem = f.file_stem().unwrap().to_string_lossy().replace('-', "_");
        add(format!("f_{stem}"), &std::fs::read_to_string(&f).unwrap());
    }
    let random = std::env::var("KUBEFORGE_DESCRIPTION_RANDOM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RANDOM);
    for seed in 0..random {
        add(format!("r_{seed}"), &random_description(seed));
    }
    if let Some(shared) = shared_crds_dir() {
        for case in shared_cases(&shared) {
            add(format!("s_{}", case.name), &case.yaml);
        }
    }
    out
}

/// The `name = ...` lines of `deps` in a Cargo.toml.
fn dependency_lines(cargo_toml: &str, deps: &[&str]) -> String {
    let mut out = String::new();
    for dep in deps {
        let line = cargo_toml
            .lines()
            .find(|l| {
                l.strip_prefix(dep)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .unwrap_or_else(|| panic!("no `{dep}` dependency in\n{cargo_toml}"));
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Formats Rust source with rustfmt, read from standard input so that no module it declares is
/// formatted along with it.
fn rustfmt(source: &str) -> String {
    let beside_cargo = Path::new(env!("CARGO")).with_file_name("rustfmt");
    let program = if beside_cargo.exists() {
        beside_cargo
    } else {
        PathBuf::from("rustfmt")
    };
    let mut child = Command::new(program)
        .args(["--edition", "2024"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rustfmt runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "rustfmt failed:\n{}\n{source}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes the crate into `dir`, with the dependencies of the generated project whose
/// Cargo.toml is `project_cargo_toml`. The generated types are written as kubeforge gave them;
/// the files around them (module lists, the binary) are formatted with rustfmt.
pub fn write_crate(dir: &Path, modules: &[Module], project_cargo_toml: &str) {
    std::fs::create_dir_all(dir.join("src/api")).unwrap();
    std::fs::create_dir_all(dir.join("src/bin")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{CRATE}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [[bin]]\nname = \"{BIN}\"\npath = \"src/bin/crdgen.rs\"\n\n\
             [dependencies]\n{}",
            dependency_lines(project_cargo_toml, DEPENDENCIES)
        ),
    )
    .unwrap();
    let mut api_mod = String::new();
    let mut crdgen =
        String::from("use kube::CustomResourceExt;\n\nfn main() {\n    let crds = vec![\n");
    for m in modules {
        std::fs::write(dir.join(format!("src/api/{}.rs", m.name)), &m.types_rs).unwrap();
        api_mod.push_str(&format!("pub mod {};\n", m.name));
        crdgen.push_str(&format!(
            "(\"{name}\", {CRATE}::api::{name}::{kind}::crd()),\n",
            name = m.name,
            kind = m.kind
        ));
    }
    crdgen.push_str("    ];\n    println!(\"{}\", serde_json::to_string(&crds).unwrap());\n}\n");
    std::fs::write(dir.join("src/lib.rs"), rustfmt("pub mod api;\n")).unwrap();
    std::fs::write(dir.join("src/api/mod.rs"), rustfmt(&api_mod)).unwrap();
    std::fs::write(dir.join("src/bin/crdgen.rs"), rustfmt(&crdgen)).unwrap();
}

/// Compares what the crate's binary printed with what kubeforge derives from each module's
/// source; one message per difference.
pub fn compare(printed: &str, modules: &[Module]) -> Vec<String> {
    let compiled: Vec<(String, serde_json::Value)> =
        serde_json::from_str(printed).unwrap_or_else(|e| panic!("{e}: {printed}"));
    let mut failures = Vec::new();
    if compiled.len() != modules.len() {
        failures.push(format!(
            "{BIN} printed {} CRDs for {} modules",
            compiled.len(),
            modules.len()
        ));
    }
    for ((name, compiled), m) in compiled.iter().zip(modules) {
        assert_eq!(name, &m.name, "{BIN} printed the modules out of order");
        let derived = derive(&m.types_rs);
        if &derived != compiled {
            failures.push(format!(
                "{name}: crd() and kubeforge differ\ncrd():     {compiled}\nkubeforge: {derived}"
            ));
        }
    }
    failures
}
