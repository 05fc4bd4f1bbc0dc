//! The releases that kubeforge's schema derivation follows are the ones generated projects get:
//! kubeforge's own Cargo.toml requires exactly `kube-core`, `schemars` and `k8s-openapi` at some
//! releases, and the Cargo.toml template of generated projects pins `kube` (released together
//! with kube-core), `schemars` and `k8s-openapi` to the same, so that the CRDs `kubeforge
//! generate` derives are those the project's `crd()` prints.

use crate::common::repo;

/// The version requirement of dependency `name` in `manifest`, written either as
/// `name = "req"` or as `name = { version = "req", .. }`.
fn requirement<'a>(manifest: &'a str, name: &str) -> Option<&'a str> {
    manifest.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        if key.trim() != name {
            return None;
        }
        let value = value.trim();
        let quoted = match value.strip_prefix('{') {
            Some(table) => table
                .split_once("version")?
                .1
                .trim_start()
                .strip_prefix('=')?,
            None => value,
        };
        quoted.trim_start().strip_prefix('"')?.split('"').next()
    })
}

#[test]
fn generated_projects_pin_the_releases_kubeforge_follows() {
    let own = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let template = std::fs::read_to_string(repo().join("templates/init/Cargo.toml.tera")).unwrap();
    for (ours, theirs) in [
        ("kube-core", "kube"),
        ("schemars", "schemars"),
        ("k8s-openapi", "k8s-openapi"),
    ] {
        let pinned = requirement(&own, ours).unwrap_or_else(|| panic!("no {ours} in Cargo.toml"));
        assert!(
            pinned.starts_with('='),
            "kubeforge requires {ours} {pinned}, not one release"
        );
        assert_eq!(
            requirement(&template, theirs),
            Some(pinned),
            "{theirs} in the template"
        );
    }
    // The crates of kube released together with it are pinned alike, where named.
    for part in ["kube-core", "kube-derive", "kube-runtime", "kube-client"] {
        if let Some(req) = requirement(&template, part) {
            assert_eq!(Some(req), requirement(&own, "kube-core"), "{part}");
        }
    }
}

#[test]
fn requirements_are_read_in_both_forms() {
    let manifest = "a = \"1.2\"\nb = { version = \"=3.0.0\", features = [\"x\"] }\n";
    assert_eq!(requirement(manifest, "a"), Some("1.2"));
    assert_eq!(requirement(manifest, "b"), Some("=3.0.0"));
    assert_eq!(requirement(manifest, "c"), None);
}
