//! The runtime crate in generated projects: vendored by default, equal to the crate, restored
//! and upgraded by `kubeforge generate`; or taken from the registry with `init --runtime
//! registry`.

use crate::common;

use std::path::Path;

use crate::common::{VENDORED, fails, kubeforge, ok, read, vendored_runtime_is_the_crate};

fn project(extra: &[&str]) -> tempfile::TempDir {
    common::guestbook_project(extra)
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[test]
fn init_vendors_the_runtime_crate_as_a_path_dependency() {
    let dir = project(&[]);
    vendored_runtime_is_the_crate(dir.path());
    let manifest = read(dir.path(), "Cargo.toml");
    assert!(
        manifest.contains(&format!(
            "kubeforge-runtime = {{ version = \"={}\", path = \"vendor/kubeforge-runtime\" }}",
            version()
        )),
        "{manifest}"
    );
    assert!(
        manifest.contains("features = [\"testing\"] }"),
        "{manifest}"
    );
    assert!(!read(dir.path(), "PROJECT").contains("runtime:"));
}

#[test]
fn generate_check_reports_edits_to_the_vendored_crate_and_generate_restores_it() {
    let dir = project(&[]);
    let file = format!("{VENDORED}src/reconcile/backoff.rs");
    let original = read(dir.path(), &file);
    std::fs::write(dir.path().join(&file), format!("{original}// my change\n")).unwrap();
    let out = kubeforge(dir.path(), &["generate", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&file), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("-// my change"));

    let stdout = ok(dir.path(), &["generate"]);
    assert!(stdout.contains(&format!("update    {file}")), "{stdout}");
    vendored_runtime_is_the_crate(dir.path());
    ok(dir.path(), &["generate", "--check"]);
}

#[test]
fn generate_upgrades_an_older_vendored_crate_and_says_so() {
    let dir = project(&[]);
    let manifest = format!("{VENDORED}Cargo.toml");
    let text = read(dir.path(), &manifest);
    let older = text.replacen(
        &format!("version = \"{}\"", version()),
        "version = \"0.0.9\"",
        1,
    );
    assert_ne!(older, text);
    std::fs::write(dir.path().join(&manifest), older).unwrap();
    std::fs::remove_file(dir.path().join(VENDORED).join("src/manager/shutdown.rs")).unwrap();

    let stdout = ok(dir.path(), &["generate"]);
    assert!(
        stdout.contains(&format!(
            "upgrade   kubeforge-runtime 0.0.9 -> {}",
            version()
        )),
        "{stdout}"
    );
    vendored_runtime_is_the_crate(dir.path());
}

#[test]
fn init_with_the_registry_runtime_vendors_nothing() {
    let dir = project(&["--runtime", "registry"]);
    assert!(!dir.path().join("vendor").exists());
    let manifest = read(dir.path(), "Cargo.toml");
    assert!(
        manifest.contains(&format!(
            "kubeforge-runtime = {{ version = \"={}\" }}",
            version()
        )),
        "{manifest}"
    );
    assert!(
        manifest.contains(&format!(
            "kubeforge-runtime = {{ version = \"={}\", features = [\"testing\"] }}",
            version()
        )),
        "{manifest}"
    );
    assert!(read(dir.path(), "PROJECT").contains("runtime: registry"));
    ok(dir.path(), &["generate", "--check"]);
    assert!(!dir.path().join("vendor").exists());
}

#[test]
fn an_unknown_runtime_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = fails(dir.path(), &["init", "--runtime", "git"], 2);
    assert!(stderr.contains("--runtime"), "{stderr}");
    assert!(!Path::new(&dir.path().join("PROJECT")).exists());
}
