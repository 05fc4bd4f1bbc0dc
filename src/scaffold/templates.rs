//! Templates: tera bodies embedded from `templates/` at build time. A project can override any of
//! them by putting a file at the same relative path under `.kubeforge/templates/`.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context as _;
use include_dir::{Dir, include_dir};
use serde::Serialize;

use crate::error::Result;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Where a project keeps its template overrides.
pub const OVERRIDE_DIR: &str = ".kubeforge/templates";

pub struct Templates {
    tera: tera::Tera,
    names: Vec<String>,
    overridden: BTreeSet<String>,
}

impl Templates {
    /// The embedded templates, with overrides from `<root>/.kubeforge/templates` when present.
    pub fn load(root: &Path) -> Result<Templates> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![]);
        let mut bodies = Vec::new();
        collect(&EMBEDDED, &mut bodies);
        let mut overridden = BTreeSet::new();
        let override_root = root.join(OVERRIDE_DIR);
        for (name, body) in &mut bodies {
            let local = override_root.join(name.as_str());
            if local.is_file() {
                *body = std::fs::read_to_string(&local).with_context(|| {
                    format!("cannot read template override {}", local.display())
                })?;
                overridden.insert(name.clone());
            }
        }
        tera.add_raw_templates(bodies.iter().map(|(n, b)| (n.as_str(), b.as_str())))
            .map_err(|e| anyhow::anyhow!("{}", chain(&e)))?;
        let names = bodies.into_iter().map(|(n, _)| n).collect();
        Ok(Templates {
            tera,
            names,
            overridden,
        })
    }

    /// Renders template `name` (a path under templates/, e.g. `init/src/main.rs.tera`).
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String> {
        let ctx = tera::Context::from_serialize(context)
            .map_err(|e| anyhow::anyhow!("template context for {name}: {}", chain(&e)))?;
        let text = self
            .tera
            .render(name, &ctx)
            .map_err(|e| anyhow::anyhow!("cannot render template {name}: {}", chain(&e)))?;
        Ok(text)
    }

    /// The names of templates replaced by project-local overrides.
    pub fn overridden(&self) -> &BTreeSet<String> {
        &self.overridden
    }

    /// The templates under `dir/`, each with the output path it mirrors (relative to `dir`,
    /// without `.tera`), sorted.
    pub fn under(&self, dir: &str) -> Vec<(&str, String)> {
        let prefix = format!("{dir}/");
        let mut out: Vec<(&str, String)> = self
            .names
            .iter()
            .filter_map(|n| {
                let rel = n.strip_prefix(&prefix)?.strip_suffix(".tera")?;
                Some((n.as_str(), rel.to_string()))
            })
            .collect();
        out.sort();
        out
    }
}

fn collect(dir: &Dir<'static>, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        let name = file.path().to_string_lossy().replace('\\', "/");
        if name.ends_with(".tera") {
            out.push((name, file.contents_utf8().unwrap_or_default().to_string()));
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(cause) = src {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        src = cause.source();
    }
    s
}
