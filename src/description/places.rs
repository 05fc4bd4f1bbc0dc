//! Where each schema node of a description was written, for errors about the generated files.

use std::collections::BTreeMap;

use super::format::Pos;
use super::ir::{Ir, Kind, Path2};
use super::sample::Known;

/// Records where each node from `ir` down was written (`path` is `ir`'s), and where well-known
/// types are used.
pub fn places(
    ir: &Ir,
    path: &mut Vec<String>,
    out: &mut BTreeMap<Vec<String>, Pos>,
    known: &mut Known,
) {
    out.insert(path.clone(), ir.pos);
    if let Kind::WellKnown(w) = &ir.kind {
        known.insert(path.clone(), w.name);
    }
    match &ir.kind {
        Kind::Object { props, additional } => {
            for p in props {
                path.push(p.name.clone());
                places(&p.schema, path, out, known);
                path.pop();
            }
            if let Some(a) = additional {
                path.push("{}".into());
                places(a, path, out, known);
                path.pop();
            }
        }
        Kind::Array(items) => {
            path.push("[]".into());
            places(items, path, out, known);
            path.pop();
        }
        _ => {}
    }
}

/// The place of the deepest described node on `path`.
pub fn place_of(places: &BTreeMap<Vec<String>, Pos>, path: &[String]) -> Pos {
    for n in (1..=path.len()).rev() {
        if let Some(p) = places.get(&path[..n]) {
            return *p;
        }
    }
    Pos { line: 1, column: 1 }
}

/// A path as messages show it (`spec.jobTemplate.containers[]`).
pub fn show_path(path: &[String]) -> String {
    Path2 {
        segments: path.to_vec(),
    }
    .show()
}
