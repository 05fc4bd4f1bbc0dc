//! The shape of kubeforge's own source, checked on every run: the files of `src/` import one
//! another without cycles, no module imports from a layer above its own, and functions stay short
//! enough to read.
//!
//! Imports are read with syn: every `crate::`, `super::` and `self::` path, in `use` items and in
//! expressions and types alike, and every path that starts with a child module's name, is resolved
//! to the file that defines the module it names. An edge from a file to its own parent module
//! counts like any other, so a `mod.rs` and a child that use each other form a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

use crate::common;

/// The layers of the crate, top to bottom. A module may import from its own layer's modules and
/// from those of any layer below, never from one above.
const LAYERS: &[&[&str]] = &[
    &["main", "lib"],
    &["commands"],
    &["cli"],
    &["derive"],
    &["scaffold", "description"],
    &["crd", "model"],
    &["yaml"],
    &["error"],
];

/// At most this many functions (tests aside) may be longer than `LONG` lines ...
const LONG_ALLOWED: usize = 5;
const LONG: usize = 80;
/// ... and none longer than this.
const LONGEST: usize = 150;

/// A file of `src/` and the module path it defines, e.g. `crd::attrs`.
struct Source {
    module: Vec<String>,
    file: syn::File,
    path: PathBuf,
}

fn sources() -> Vec<Source> {
    let src = common::repo().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&src).unwrap();
            let mut module: Vec<String> = rel
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Source { module, file, path }
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file, as `a::b`; `lib.rs` and `main.rs` are the crate root.
fn name(module: &[String]) -> String {
    module.join("::")
}

/// Collects the module paths a file names.
struct Paths<'a> {
    module: &'a [String],
    children: BTreeSet<String>,
    found: BTreeSet<Vec<String>>,
}

impl Paths<'_> {
    fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let first = segments.first()?;
        let mut base: Vec<String> = match first.as_str() {
            "crate" => Vec::new(),
            "self" => self.module.to_vec(),
            "super" => {
                let mut base = self.module.to_vec();
                let mut rest = segments;
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                return Some(base);
            }
            child if self.children.contains(child) => {
                let mut base = self.module.to_vec();
                base.push(child.to_string());
                base.extend(segments[1..].iter().cloned());
                return Some(base);
            }
            _ => return None,
        };
        base.extend(segments[1..].iter().cloned());
        Some(base)
    }

    fn record(&mut self, segments: Vec<String>) {
        if let Some(path) = self.absolute(&segments) {
            self.found.insert(path);
        }
    }
}

fn use_tree(prefix: &mut Vec<String>, tree: &syn::UseTree, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_tree(prefix, &p.tree, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut path = prefix.clone();
            if n.ident != "self" {
                path.push(n.ident.to_string());
            }
            out.push(path);
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push(path);
        }
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_tree(prefix, tree, out);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Paths<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        use_tree(&mut Vec::new(), &item.tree, &mut paths);
        for path in paths {
            self.record(path);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() {
            self.record(path.segments.iter().map(|s| s.ident.to_string()).collect());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {
        // `pub(super)` and `pub(in path)` name no import.
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        // Test modules may reach anywhere.
        if !is_test(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let text = quote::quote!(#a).to_string();
        text.contains("cfg (test)") || text.contains("# [test]")
    })
}

/// The file-level import graph: module -> modules it imports from (other than itself).
fn graph(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut graph = BTreeMap::new();
    for source in sources {
        if source.path.ends_with("tests.rs") {
            continue;
        }
        let children = source
            .file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(m) if m.content.is_none() => Some(m.ident.to_string()),
                _ => None,
            })
            .collect();
        let mut paths = Paths {
            module: &source.module,
            children,
            found: BTreeSet::new(),
        };
        paths.visit_file(&source.file);
        let mut edges = BTreeSet::new();
        for mut path in paths.found {
            // The longest prefix that is a module file.
            while !path.is_empty() && !modules.contains(&path) {
                path.pop();
            }
            if path != source.module && !path.is_empty() {
                edges.insert(name(&path));
            }
        }
        graph.insert(name(&source.module), edges);
    }
    graph
}

fn layer(module: &str) -> usize {
    let top = module.split("::").next().unwrap_or("");
    let top = if top.is_empty() { "lib" } else { top };
    LAYERS
        .iter()
        .position(|layer| layer.contains(&top))
        .unwrap_or_else(|| panic!("module {module} has no layer in LAYERS"))
}

#[test]
fn src_files_import_without_cycles() {
    let graph = graph(&sources());
    // Depth-first search for back edges.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    let mut cycles = Vec::new();
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(node, 1);
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| *n == next).unwrap();
                    let mut cycle: Vec<&str> = stack[start..].to_vec();
                    cycle.push(next);
                    cycles.push(cycle.join(" -> "));
                }
                Some(_) => {}
                None => visit(next, graph, state, stack, cycles),
            }
        }
        stack.pop();
        state.insert(node, 2);
    }
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            visit(node, &graph, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles between files of src/:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn no_module_imports_from_a_layer_above() {
    let graph = graph(&sources());
    let mut upward = Vec::new();
    for (from, targets) in &graph {
        for to in targets {
            if layer(to) < layer(from) {
                upward.push(format!("{from} -> {to}"));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports from a layer above:\n{}",
        upward.join("\n")
    );
}

/// Every function outside tests, with its length in lines.
fn function_lengths(sources: &[Source]) -> Vec<(usize, String)> {
    struct Lengths<'a> {
        file: &'a Path,
        out: Vec<(usize, String)>,
    }
    impl Lengths<'_> {
        fn add(&mut self, name: &syn::Ident, block: &syn::Block) {
            let lines = block.brace_token.span.close().end().line - name.span().start().line + 1;
            self.out
                .push((lines, format!("{}: {}", self.file.display(), name)));
        }
    }
    impl<'ast> Visit<'ast> for Lengths<'_> {
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            if !is_test(&f.attrs) {
                self.add(&f.sig.ident, &f.block);
                syn::visit::visit_item_fn(self, f);
            }
        }
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            if !is_test(&f.attrs) {
                self.add(&f.sig.ident, &f.block);
                syn::visit::visit_impl_item_fn(self, f);
            }
        }
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            if !is_test(&m.attrs) {
                syn::visit::visit_item_mod(self, m);
            }
        }
    }
    let root = common::repo();
    let mut all = Vec::new();
    for source in sources {
        if source.path.ends_with("tests.rs") {
            continue;
        }
        let mut lengths = Lengths {
            file: source.path.strip_prefix(&root).unwrap(),
            out: Vec::new(),
        };
        lengths.visit_file(&source.file);
        all.extend(lengths.out);
    }
    all.sort_by(|a, b| b.cmp(a));
    all
}

#[test]
fn functions_stay_short() {
    let lengths = function_lengths(&sources());
    let long: Vec<String> = lengths
        .iter()
        .filter(|(lines, _)| *lines > LONG)
        .map(|(lines, f)| format!("{lines:>4} {f}"))
        .collect();
    println!("functions over {LONG} lines:\n{}", long.join("\n"));
    assert!(
        long.len() <= LONG_ALLOWED && lengths.first().is_none_or(|(lines, _)| *lines <= LONGEST),
        "at most {LONG_ALLOWED} functions may be over {LONG} lines, none over {LONGEST}:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_check() {
    // The graph has the edges it must have, so an empty cycle list means something.
    let graph = graph(&sources());
    assert!(
        graph["commands::generate"]
            .iter()
            .any(|m| m.starts_with("scaffold"))
    );
    assert!(
        graph["crd"].contains("crd::attrs") || graph["crd"].iter().any(|m| m.starts_with("crd::"))
    );
    let lengths = function_lengths(&sources());
    assert!(lengths.len() > 300, "{} functions found", lengths.len());
    assert!(lengths.iter().any(|(_, f)| f.ends_with("src/lib.rs: run")));
}
