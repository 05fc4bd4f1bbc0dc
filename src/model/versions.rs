//! The releases of kube and schemars that kubeforge's schema derivation follows. kubeforge's own
//! Cargo.toml requires exactly these (`kube-core`, `schemars`), and the Cargo.toml of a generated
//! project pins them (`kube`, `schemars`), so the CRDs `kubeforge generate` derives are those the
//! project's `crd()` computes. Tests check that the three places agree.

/// The release of kube (and of kube-core and kube-derive, released together) that generated
/// projects pin.
pub const KUBE: &str = "5.0.0";

/// The release of schemars that generated projects pin.
pub const SCHEMARS: &str = "1.2.3";

#[cfg(test)]
mod tests {
    use super::*;

    /// kubeforge's own manifest.
    const KUBEFORGE_MANIFEST: &str = include_str!("../../Cargo.toml");
    /// The manifest template of generated projects.
    const PROJECT_MANIFEST: &str = include_str!("../../templates/init/Cargo.toml.tera");

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
    fn kubeforge_requires_exactly_these_releases() {
        assert_eq!(
            requirement(KUBEFORGE_MANIFEST, "kube-core"),
            Some(format!("={KUBE}").as_str())
        );
        assert_eq!(
            requirement(KUBEFORGE_MANIFEST, "schemars"),
            Some(format!("={SCHEMARS}").as_str())
        );
    }

    #[test]
    fn generated_projects_pin_these_releases() {
        assert_eq!(
            requirement(PROJECT_MANIFEST, "kube"),
            Some(format!("={KUBE}").as_str())
        );
        assert_eq!(
            requirement(PROJECT_MANIFEST, "schemars"),
            Some(format!("={SCHEMARS}").as_str())
        );
        for crate_of_kube in ["kube-core", "kube-derive", "kube-runtime", "kube-client"] {
            if let Some(req) = requirement(PROJECT_MANIFEST, crate_of_kube) {
                assert_eq!(req, format!("={KUBE}"), "{crate_of_kube}");
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
}
