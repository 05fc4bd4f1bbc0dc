//! The runtime crate (`kubeforge-runtime/` of this repository), embedded in the binary and
//! vendored into each project under `vendor/kubeforge-runtime/`, so that the project builds with
//! crates.io alone. Every command that re-derives the project's files restores the vendored copy
//! (so `kubeforge generate` upgrades it after a newer kubeforge, and `generate --check` reports
//! local edits to it); projects made with `init --runtime registry` depend on the published
//! crate instead.

use include_dir::{Dir, include_dir};

use super::plan::Plan;
use crate::error::Result;
use crate::model::project::Runtime;

static RUNTIME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/kubeforge-runtime");

/// Where a project keeps its copy of the runtime.
pub const VENDOR_DIR: &str = "vendor/kubeforge-runtime";

/// The runtime's name on crates.io and in `Cargo.toml` files.
pub const CRATE: &str = "kubeforge-runtime";

/// The runtime's version: it is released with kubeforge.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The runtime's files (path relative to the crate, content), sorted: its manifest, README and
/// sources.
pub fn files() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for file in ["Cargo.toml", "README.md"] {
        let f = RUNTIME.get_file(file).expect("the runtime has this file");
        out.push((file.to_string(), f.contents_utf8().expect("UTF-8")));
    }
    let src = RUNTIME.get_dir("src").expect("the runtime has sources");
    super::templates::embedded_files(src, &mut out);
    out.sort();
    out
}

/// The dependency specification of a project on the runtime, with `features`.
pub fn dependency(runtime: Runtime, features: &[&str]) -> String {
    let mut fields = vec![format!("version = \"={VERSION}\"")];
    if runtime == Runtime::Vendored {
        fields.push(format!("path = \"{VENDOR_DIR}\""));
    }
    if !features.is_empty() {
        let list: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
        fields.push(format!("features = [{}]", list.join(", ")));
    }
    format!("{{ {} }}", fields.join(", "))
}

/// Plans the vendored copy, and a note when it replaces another version.
pub fn plan(plan: &mut Plan) -> Result<()> {
    let manifest = format!("{VENDOR_DIR}/Cargo.toml");
    if let Some(old) = plan.read(&manifest)?.as_deref().and_then(version_of)
        && old != VERSION
    {
        plan.notes.push(format!(
            "upgrade   {CRATE} {old} -> {VERSION} (in {VENDOR_DIR}; see its README for what changed)"
        ));
    }
    for (path, text) in files() {
        let path = format!("{VENDOR_DIR}/{path}");
        if plan.read(&path)?.as_deref() != Some(text) {
            plan.regenerate(&path, text.to_string())?;
        }
    }
    Ok(())
}

/// The `version` of a crate manifest's `[package]` table.
fn version_of(manifest: &str) -> Option<String> {
    let package = manifest.split("\n[").next()?;
    package.lines().find_map(|line| {
        let value = line
            .strip_prefix("version")?
            .trim_start()
            .strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_is_released_with_kubeforge() {
        let (_, manifest) = files()
            .into_iter()
            .find(|(p, _)| p == "Cargo.toml")
            .unwrap();
        assert_eq!(version_of(manifest).as_deref(), Some(VERSION));
    }

    #[test]
    fn files_are_the_crate_and_nothing_else() {
        let files = files();
        assert!(files.iter().any(|(p, _)| p == "src/lib.rs"));
        assert!(files.iter().any(|(p, _)| p == "src/manager/mod.rs"));
        assert!(
            files
                .iter()
                .all(|(p, _)| p == "Cargo.toml" || p == "README.md" || p.starts_with("src/")),
            "{:?}",
            files.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
    }
}
