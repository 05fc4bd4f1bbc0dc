//! Templates: tera bodies embedded from `templates/` at build time. A project can override any of
//! them by putting a file at the same relative path under `.kubeforge/templates/`.
//!
//! The embedded templates stand alone (none includes, extends or imports another; a test checks
//! it), so each is parsed when it is first rendered: a command renders a few of them, and parsing
//! all of them would cost more than the rest of a small command. A project with overrides gets
//! every template parsed at once, as an override may refer to any other template and its errors
//! are reported before anything is rendered.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context as _;
use include_dir::{Dir, include_dir};
use serde::Serialize;

use super::plan::IfExists;
use crate::error::Result;

pub(super) static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Where a project keeps its template overrides.
pub const OVERRIDE_DIR: &str = ".kubeforge/templates";

pub struct Templates {
    /// The templates parsed so far.
    tera: RefCell<tera::Tera>,
    /// Every template, with its embedded body (`None` for overridden templates, which are parsed
    /// at load), in the order of the embedded directory.
    bodies: Vec<(String, Option<&'static str>)>,
    overridden: BTreeSet<String>,
}

impl Templates {
    /// The embedded templates, with overrides from `<root>/.kubeforge/templates` when present.
    pub fn load(root: &Path) -> Result<Templates> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![]);
        let mut embedded = Vec::new();
        collect(&EMBEDDED, &mut embedded);
        let mut overrides = Vec::new();
        let override_root = root.join(OVERRIDE_DIR);
        if override_root.is_dir() {
            for (name, _) in &embedded {
                let local = override_root.join(name.as_str());
                if local.is_file() {
                    let body = std::fs::read_to_string(&local).with_context(|| {
                        format!("cannot read template override {}", local.display())
                    })?;
                    overrides.push((name.clone(), body));
                }
            }
        }
        if !overrides.is_empty() {
            let body = |name: &String, text: &'static str| {
                overrides
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(text, |(_, b)| b.as_str())
            };
            tera.add_raw_templates(embedded.iter().map(|(n, b)| (n.as_str(), body(n, b))))
                .map_err(|e| anyhow::anyhow!("{}", chain(&e)))?;
        }
        let overridden: BTreeSet<String> = overrides.into_iter().map(|(n, _)| n).collect();
        let eager = !overridden.is_empty();
        let bodies = embedded
            .into_iter()
            .map(|(name, body)| (name, (!eager).then_some(body)))
            .collect();
        Ok(Templates {
            tera: RefCell::new(tera),
            bodies,
            overridden,
        })
    }

    /// Renders template `name` (a path under templates/, e.g. `init/src/main.rs.tera`).
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String> {
        let ctx = tera::Context::from_serialize(context)
            .map_err(|e| anyhow::anyhow!("template context for {name}: {}", chain(&e)))?;
        self.parse(name)?;
        let text = self
            .tera
            .borrow()
            .render(name, &ctx)
            .map_err(|e| anyhow::anyhow!("cannot render template {name}: {}", chain(&e)))?;
        Ok(text)
    }

    /// Parses embedded template `name` if it is not yet parsed.
    fn parse(&self, name: &str) -> Result<()> {
        let Some((_, Some(body))) = self.bodies.iter().find(|(n, _)| n == name) else {
            return Ok(());
        };
        let mut tera = self.tera.borrow_mut();
        if !tera.get_template_names().any(|n| n == name) {
            tera.add_raw_template(name, body)
                .map_err(|e| anyhow::anyhow!("{}", chain(&e)))?;
        }
        Ok(())
    }

    /// Whether a file that exists already is kept: a template that holds a marker makes a file
    /// that other commands inject into, which re-rendering would lose, so it is always kept; any
    /// other is re-rendered with `--force`.
    pub fn if_exists(&self, name: &str) -> IfExists {
        let collects = self.bodies.iter().any(|(n, body)| {
            n == name
                && body
                    .or_else(|| embedded_body(n))
                    .is_some_and(|b| b.contains(MARKER))
        });
        if collects {
            IfExists::Keep
        } else {
            IfExists::KeepUnlessForced
        }
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
            .bodies
            .iter()
            .filter_map(|(n, _)| {
                let rel = n.strip_prefix(&prefix)?.strip_suffix(".tera")?;
                Some((n.as_str(), rel.to_string()))
            })
            .collect();
        out.sort();
        out
    }
}

/// What every marker line holds.
const MARKER: &str = "+kubeforge:scaffold:";

/// The embedded body of template `name`.
fn embedded_body(name: &str) -> Option<&'static str> {
    EMBEDDED.get_file(name).and_then(|f| f.contents_utf8())
}

fn collect(dir: &Dir<'static>, out: &mut Vec<(String, &'static str)>) {
    embedded_files(dir, out);
    out.retain(|(name, _)| name.ends_with(".tera"));
}

/// Every UTF-8 file under an embedded directory: its path ('/'-separated, relative to the
/// embedded root) and its text.
pub fn embedded_files(dir: &Dir<'static>, out: &mut Vec<(String, &'static str)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push((file.path().to_string_lossy().replace('\\', "/"), text));
        }
    }
    for sub in dir.dirs() {
        embedded_files(sub, out);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Embedded templates are parsed one at a time, when first rendered: each must parse alone
    /// and need no other template.
    #[test]
    fn embedded_templates_stand_alone() {
        let refers = regex::Regex::new(r"\{%-?\s*(include|extends|import)\b").unwrap();
        let mut embedded = Vec::new();
        collect(&EMBEDDED, &mut embedded);
        assert!(!embedded.is_empty());
        for (name, body) in &embedded {
            let mut tera = tera::Tera::default();
            tera.add_raw_template(name, body)
                .unwrap_or_else(|e| panic!("{name}: {}", chain(&e)));
            assert!(!refers.is_match(body), "{name} refers to another template");
        }
    }

    #[test]
    fn templates_are_parsed_when_rendered() {
        let dir = tempfile::tempdir().unwrap();
        let templates = Templates::load(dir.path()).unwrap();
        assert_eq!(templates.tera.borrow().get_template_names().count(), 0);
        let (name, _) = templates.under("init").into_iter().next().unwrap();
        let name = name.to_string();
        // Rendering parses the template, whether or not the empty context is enough for it.
        let _ = templates.render(&name, &serde_json::json!({}));
        let tera = templates.tera.borrow();
        let parsed: Vec<&str> = tera.get_template_names().collect();
        assert_eq!(parsed, [name.as_str()]);
    }
}
