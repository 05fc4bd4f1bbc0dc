//! Check every planned file, then show the plan (with diffs on `--dry-run`) or write it: every
//! file through a temporary file, then the renames, the project file last (see `journal`). A
//! failed check writes nothing.

use std::fmt::Write as _;
use std::path::Path;

use super::journal;
use super::plan::{Action, Plan, Planned};
use crate::error::{Error, Result};

/// Verifies what the plan would write: Rust parses, YAML parses, text is LF with a final newline.
/// A file is checked once as long as its planned content stays the same: commands check their
/// plan before deriving from it and again before writing it, and parsing a large generated file
/// twice would double the cost.
pub fn check(plan: &Plan) -> Result<()> {
    for (path, planned) in plan.changes() {
        let conflicted = planned.action == Action::Merge { conflicts: true };
        if planned.checked.get() || planned.deleted() || conflicted {
            continue;
        }
        check_file(path, &planned.after)?;
        planned.checked.set(true);
    }
    Ok(())
}

fn check_file(path: &str, text: &str) -> Result<()> {
    let invalid = |message: String, line: usize, column: usize| Error::InvalidFile {
        file: path.into(),
        line: crate::error::known(line),
        column: crate::error::known(column),
        message,
        hint: Some(
            "this output would be broken; check the template overrides in .kubeforge/templates"
                .into(),
        ),
    };
    if text.contains('\r') {
        return Err(invalid(
            "generated text contains a carriage return".into(),
            0,
            0,
        ));
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(invalid(
            "generated text does not end with a newline".into(),
            0,
            0,
        ));
    }
    if path.ends_with(".rs") {
        if let Err(e) = syn::parse_file(text) {
            let start = e.span().start();
            return Err(invalid(
                format!("generated Rust does not parse: {e}"),
                start.line,
                start.column + 1,
            ));
        }
    } else if (path.ends_with(".yaml")
        || path.ends_with(".yml")
        || path == crate::model::project::PROJECT_FILE)
        // The chart's templates are Go templates; Helm makes YAML of them.
        && !chart_template(path)
        && let Err(e) = crate::yaml::check(Path::new(path), text)
    {
        return Err(invalid(format!("generated YAML does not parse: {e}"), 0, 0));
    }
    Ok(())
}

/// Whether `path` is a template of the Helm chart, or the scaffold base's copy of one.
fn chart_template(path: &str) -> bool {
    let path = path
        .strip_prefix(super::base::BASE_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(path);
    path.starts_with(super::helm::TEMPLATES_DIR)
}

/// One line per planned file, as shown to the user.
/// The scaffold base (`.kubeforge/base/`) is one line, however many of its files change.
pub fn summary(plan: &Plan) -> String {
    let mut out = String::new();
    let mut base = 0;
    for (path, p) in plan.changes() {
        if !p.changes_disk() {
            continue;
        }
        if super::base::holds(path) {
            base += 1;
            continue;
        }
        let line = match &p.action {
            Action::Create => format!("create    {path}"),
            Action::Overwrite { orig: Some(_) } => {
                format!("overwrite {path} (previous content kept as {path}.orig)")
            }
            Action::Overwrite { orig: None } => format!("overwrite {path} (unchanged)"),
            Action::Regenerate if p.before.is_none() => format!("create    {path}"),
            Action::Regenerate => format!("update    {path}"),
            Action::Inject(markers) => format!("update    {path} (at {})", markers.join(", ")),
            Action::Edit(what) => format!("update    {path} ({what})"),
            Action::Delete => format!("delete    {path}"),
            Action::Merge { conflicts: false } => format!("merge     {path}"),
            Action::Merge { conflicts: true } => {
                format!("conflict  {path} (both changed it: resolve the conflict markers)")
            }
        };
        let _ = writeln!(out, "{line}");
    }
    if base > 0 {
        let _ = writeln!(
            out,
            "record    {} ({base} file(s): what kubeforge scaffolds, for `kubeforge alpha update`)",
            super::base::BASE_DIR
        );
    }
    for note in &plan.notes {
        let _ = writeln!(out, "{note}");
    }
    out
}

/// A unified diff of one planned file (empty when unchanged).
pub fn diff(path: &str, p: &Planned) -> String {
    let before = p.before.as_deref().unwrap_or("");
    if !p.changes_disk() {
        return String::new();
    }
    let old = if p.before.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_string()
    };
    let new = if p.deleted() {
        "/dev/null".to_string()
    } else {
        format!("b/{path}")
    };
    let diff = similar::TextDiff::from_lines(before, p.after.as_str())
        .unified_diff()
        .context_radius(3)
        .header(&old, &new)
        .to_string();
    if diff.is_empty() {
        // An empty file deleted: the headers alone.
        return format!("--- {old}\n+++ {new}\n");
    }
    diff
}

/// Whether the plan changes anything on disk.
pub fn is_noop(plan: &Plan) -> bool {
    plan.changes().iter().all(|(_, p)| !p.changes_disk())
}

/// Writes every changed file and deletes the deleted ones, all or nothing (see `journal`).
/// `.orig` copies come before the files they preserve, the project file last.
pub fn write(plan: &Plan) -> Result<()> {
    let mut files: Vec<(String, &str)> = Vec::new();
    let mut deleted: Vec<String> = Vec::new();
    for (path, p) in plan.changes() {
        if !p.changes_disk() {
            continue;
        }
        if p.deleted() {
            deleted.push(path.to_string());
            continue;
        }
        if let Action::Overwrite {
            orig: Some(previous),
        } = &p.action
        {
            files.push((free_orig_path(plan.root(), path), previous));
        }
        files.push((path.to_string(), &p.after));
    }
    if files.is_empty() && deleted.is_empty() {
        return Ok(());
    }
    journal::commit(plan.root(), &files, &deleted)
}

/// `<file>.orig`, or `<file>.orig.N` when earlier copies exist.
fn free_orig_path(root: &Path, path: &str) -> String {
    let first = format!("{path}.orig");
    if !root.join(&first).exists() {
        return first;
    }
    (2..)
        .map(|n| format!("{path}.orig.{n}"))
        .find(|p| !root.join(p).exists())
        .expect("unbounded")
}
