//! Source files → modules → items, and name resolution between them.
//!
//! Module paths follow file paths the way rustc does: `src/api/v1/guestbook.rs` is
//! `api::v1::guestbook`, `src/api/v1/mod.rs` is `api::v1`, and inline `mod x { .. }` blocks nest.
//! A name is looked up in its module first (items, child modules), then in the module's `use`
//! declarations (renames included), then in its glob imports; multi-segment paths walk modules
//! from `crate`, `self`, `super` or a name in scope. Anything that does not resolve to a local item
//! is an external path (e.g. `k8s_openapi::api::core::v1::Toleration`), classified by the caller.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::error::{CrdError, Result};

/// One Rust source file of the project.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the project root, e.g. `src/api/v1/guestbook.rs`.
    pub path: std::path::PathBuf,
    pub text: String,
}

/// A module path, `[]` being the crate root.
pub(crate) type ModPath = Vec<String>;

/// One `use` that binds `name` to `path` (relative to the module, as written).
#[derive(Debug, Clone)]
pub(crate) struct UseEntry {
    pub name: String,
    pub path: Vec<String>,
    pub leading_colon: bool,
}

/// A module: the file it lives in, its items and its imports.
pub(crate) struct Module<'a> {
    pub file: &'a Path,
    pub items: Vec<&'a syn::Item>,
    pub uses: Vec<UseEntry>,
    pub globs: Vec<UseEntry>,
}

/// Where a type or function is defined: the module (and its file) and the item itself.
#[derive(Clone, Copy)]
pub(crate) struct ItemRef<'a> {
    pub module: &'a ModPath,
    pub file: &'a Path,
    pub item: &'a syn::Item,
}

impl<'a> ItemRef<'a> {
    pub fn name(&self) -> String {
        item_name(self.item).unwrap_or_default()
    }
}

/// What a path names.
#[derive(Clone)]
pub(crate) enum Resolved<'a> {
    Item(ItemRef<'a>),
    Module(ModPath),
    /// Not defined in the given sources: the full path as far as it could be followed.
    Extern(Vec<String>),
}

pub(crate) struct Project<'a> {
    pub modules: BTreeMap<ModPath, Module<'a>>,
    /// Module paths that exist (every prefix of a module path included).
    known_modules: BTreeSet<ModPath>,
    /// Storage for module paths that `ItemRef` borrows.
    paths: BTreeMap<ModPath, Box<ModPath>>,
}

/// The module path of a file given relative to the project root.
pub(crate) fn module_path_of(path: &Path) -> ModPath {
    let mut comps: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if comps.first().map(String::as_str) == Some("src") {
        comps.remove(0);
    }
    if let Some(last) = comps.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_string();
        let is_root = comps.is_empty() && (stem == "lib" || stem == "main");
        if stem != "mod" && !is_root {
            comps.push(stem);
        }
    }
    comps
}

pub(crate) fn item_name(item: &syn::Item) -> Option<String> {
    Some(match item {
        syn::Item::Struct(s) => s.ident.to_string(),
        syn::Item::Enum(e) => e.ident.to_string(),
        syn::Item::Type(t) => t.ident.to_string(),
        syn::Item::Fn(f) => f.sig.ident.to_string(),
        syn::Item::Const(c) => c.ident.to_string(),
        syn::Item::Static(s) => s.ident.to_string(),
        syn::Item::Mod(m) => m.ident.to_string(),
        syn::Item::Trait(t) => t.ident.to_string(),
        syn::Item::Union(u) => u.ident.to_string(),
        _ => return None,
    })
}

/// The attributes of a struct or enum; none for other items.
pub(crate) fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Struct(s) => &s.attrs,
        syn::Item::Enum(e) => &e.attrs,
        _ => &[],
    }
}

/// Whether `item` is named `name` (as [`item_name`] spells it), without allocating.
fn item_is_named(item: &syn::Item, name: &str) -> bool {
    match item {
        syn::Item::Struct(s) => s.ident == name,
        syn::Item::Enum(e) => e.ident == name,
        syn::Item::Type(t) => t.ident == name,
        syn::Item::Fn(f) => f.sig.ident == name,
        syn::Item::Const(c) => c.ident == name,
        syn::Item::Static(s) => s.ident == name,
        syn::Item::Mod(m) => m.ident == name,
        syn::Item::Trait(t) => t.ident == name,
        syn::Item::Union(u) => u.ident == name,
        _ => false,
    }
}

/// Items under `#[cfg(test)]` are not part of the compiled API.
fn is_cfg_test(item: &syn::Item) -> bool {
    let attrs: &[syn::Attribute] = match item {
        syn::Item::Mod(m) => &m.attrs,
        syn::Item::Struct(s) => &s.attrs,
        syn::Item::Enum(e) => &e.attrs,
        syn::Item::Fn(f) => &f.attrs,
        syn::Item::Type(t) => &t.attrs,
        syn::Item::Use(u) => &u.attrs,
        syn::Item::Impl(i) => &i.attrs,
        _ => return false,
    };
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| matches!(m, syn::Meta::Path(p) if p.is_ident("test")))
    })
}

/// Strips `r#` from raw identifiers.
pub(crate) fn ident_str(ident: &syn::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    leading: bool,
    uses: &mut Vec<UseEntry>,
    globs: &mut Vec<UseEntry>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(ident_str(&p.ident));
            flatten_use(&p.tree, prefix, leading, uses, globs);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = ident_str(&n.ident);
            if name == "self" {
                if let Some(last) = prefix.last() {
                    uses.push(UseEntry {
                        name: last.clone(),
                        path: prefix.clone(),
                        leading_colon: leading,
                    });
                }
            } else {
                let mut path = prefix.clone();
                path.push(name.clone());
                uses.push(UseEntry {
                    name,
                    path,
                    leading_colon: leading,
                });
            }
        }
        syn::UseTree::Rename(r) => {
            let alias = ident_str(&r.rename);
            if alias == "_" {
                return;
            }
            let mut path = prefix.clone();
            let name = ident_str(&r.ident);
            if name != "self" {
                path.push(name);
            }
            uses.push(UseEntry {
                name: alias,
                path,
                leading_colon: leading,
            });
        }
        syn::UseTree::Glob(_) => globs.push(UseEntry {
            name: String::new(),
            path: prefix.clone(),
            leading_colon: leading,
        }),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix, leading, uses, globs);
            }
        }
    }
}

impl<'a> Project<'a> {
    /// Parses every file; a syntax error is a `CrdError` at its place.
    pub fn parse(files: &[SourceFile]) -> Result<Vec<(PathBuf, syn::File)>> {
        let mut out = Vec::new();
        for f in files {
            match super::nesting::parse_file(&f.path, &f.text)? {
                Ok(parsed) => out.push((f.path.clone(), parsed)),
                Err(e) => {
                    return Err(CrdError::at(
                        &f.path,
                        e.span(),
                        format!("cannot parse Rust source: {e}"),
                    ));
                }
            }
        }
        Ok(out)
    }

    pub fn new(parsed: &'a [(PathBuf, syn::File)]) -> Self {
        let mut project = Project {
            modules: BTreeMap::new(),
            known_modules: BTreeSet::new(),
            paths: BTreeMap::new(),
        };
        for (path, file) in parsed {
            let mp = module_path_of(path);
            project.add_module(mp, path, &file.items);
        }
        let all: Vec<ModPath> = project.modules.keys().cloned().collect();
        for m in all {
            for i in 0..=m.len() {
                project.known_modules.insert(m[..i].to_vec());
            }
        }
        let known: Vec<ModPath> = project.known_modules.iter().cloned().collect();
        for m in known {
            project.paths.insert(m.clone(), Box::new(m));
        }
        project
    }

    fn add_module(&mut self, mp: ModPath, file: &'a Path, items: &'a [syn::Item]) {
        let mut module = Module {
            file,
            items: Vec::new(),
            uses: Vec::new(),
            globs: Vec::new(),
        };
        for item in items {
            if is_cfg_test(item) {
                continue;
            }
            match item {
                syn::Item::Use(u) => flatten_use(
                    &u.tree,
                    &mut Vec::new(),
                    u.leading_colon.is_some(),
                    &mut module.uses,
                    &mut module.globs,
                ),
                syn::Item::Mod(m) => {
                    if let Some((_, content)) = &m.content {
                        let mut child = mp.clone();
                        child.push(ident_str(&m.ident));
                        self.add_module(child, file, content);
                    }
                    module.items.push(item);
                }
                _ => module.items.push(item),
            }
        }
        match self.modules.get_mut(&mp) {
            // Two sources for one module (e.g. `a.rs` and `a/mod.rs`): keep both item lists.
            Some(existing) => {
                existing.items.extend(module.items);
                existing.uses.extend(module.uses);
                existing.globs.extend(module.globs);
            }
            None => {
                self.modules.insert(mp, module);
            }
        }
    }

    /// The stored copy of a module path (so that `ItemRef` can borrow it for `'a`-like lifetimes).
    fn stored_path(&self, mp: &ModPath) -> Option<&ModPath> {
        self.paths.get(mp).map(|b| &**b)
    }

    /// All items of all modules with their module path, in module order.
    pub fn all_items(&self) -> Vec<ItemRef<'_>> {
        let mut out = Vec::new();
        for (mp, m) in &self.modules {
            let mp = self.stored_path(mp).expect("module path is stored");
            for item in &m.items {
                out.push(ItemRef {
                    module: mp,
                    file: m.file,
                    item,
                });
            }
        }
        out
    }

    /// Looks `name` up in module `mp`: its items and child modules, then its `use`s, then its globs.
    #[cfg(test)]
    pub fn lookup(&self, mp: &ModPath, name: &str) -> Option<Resolved<'_>> {
        self.lookup_guarded(mp, name, &mut BTreeSet::new(), 0)
    }

    /// Looks `name` up in module `mp`: its items and child modules, then its `use`s, then its
    /// globs. `seen` ends cycles of `use`s, and a name reached through more than
    /// [`MAX_DEPTH`](super::nesting::MAX_DEPTH) of them (`depth`) is not found.
    fn lookup_guarded(
        &self,
        mp: &ModPath,
        name: &str,
        seen: &mut BTreeSet<(ModPath, String)>,
        depth: usize,
    ) -> Option<Resolved<'_>> {
        if depth > super::nesting::MAX_DEPTH || !seen.insert((mp.clone(), name.to_string())) {
            return None;
        }
        let module = self.modules.get(mp);
        if let Some(module) = module {
            for item in &module.items {
                if item_is_named(item, name) {
                    if let syn::Item::Mod(_) = item {
                        let mut child = mp.clone();
                        child.push(name.to_string());
                        return Some(Resolved::Module(child));
                    }
                    let module_path = self.stored_path(mp).expect("module path is stored");
                    return Some(Resolved::Item(ItemRef {
                        module: module_path,
                        file: module.file,
                        item,
                    }));
                }
            }
        }
        let mut child = mp.clone();
        child.push(name.to_string());
        if self.known_modules.contains(&child) {
            return Some(Resolved::Module(child));
        }
        let module = module?;
        for u in &module.uses {
            if u.name == name {
                return self.resolve_use_path(mp, &u.path, u.leading_colon, seen, depth + 1);
            }
        }
        for g in &module.globs {
            match self.resolve_use_path(mp, &g.path, g.leading_colon, seen, depth + 1) {
                Some(Resolved::Module(target)) => {
                    if let Some(found) = self.lookup_guarded(&target, name, seen, depth + 1) {
                        return Some(found);
                    }
                }
                Some(Resolved::Extern(mut p)) => {
                    p.push(name.to_string());
                    if super::k8s::is_known_extern(&p) {
                        return Some(Resolved::Extern(p));
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn resolve_use_path(
        &self,
        mp: &ModPath,
        segs: &[String],
        leading_colon: bool,
        seen: &mut BTreeSet<(ModPath, String)>,
        depth: usize,
    ) -> Option<Resolved<'_>> {
        if segs.is_empty() {
            return None;
        }
        if leading_colon {
            return Some(Resolved::Extern(segs.to_vec()));
        }
        let rest;
        let mut cur: Resolved = match segs[0].as_str() {
            "crate" => {
                rest = &segs[1..];
                Resolved::Module(Vec::new())
            }
            "self" => {
                rest = &segs[1..];
                Resolved::Module(mp.clone())
            }
            "super" => {
                let mut m = mp.clone();
                let mut i = 0;
                while i < segs.len() && segs[i] == "super" {
                    m.pop();
                    i += 1;
                }
                rest = &segs[i..];
                Resolved::Module(m)
            }
            first => {
                rest = &segs[1..];
                match self.lookup_guarded(mp, first, seen, depth) {
                    Some(r) => r,
                    None => Resolved::Extern(vec![first.to_string()]),
                }
            }
        };
        for seg in rest {
            cur = match cur {
                Resolved::Module(m) => self.lookup_guarded(&m, seg, seen, depth)?,
                Resolved::Extern(mut p) => {
                    p.push(seg.clone());
                    Resolved::Extern(p)
                }
                Resolved::Item(_) => return None,
            };
        }
        Some(cur)
    }

    /// Resolves a path written in module `mp` (a type or a function path).
    pub fn resolve_path(&self, mp: &ModPath, path: &syn::Path) -> Option<Resolved<'_>> {
        let segs: Vec<String> = path.segments.iter().map(|s| ident_str(&s.ident)).collect();
        self.resolve_segments(mp, &segs, path.leading_colon.is_some())
    }

    pub fn resolve_segments(
        &self,
        mp: &ModPath,
        segs: &[String],
        leading_colon: bool,
    ) -> Option<Resolved<'_>> {
        let mut seen = BTreeSet::new();
        if segs.len() == 1 && !leading_colon {
            return Some(
                self.lookup_guarded(mp, &segs[0], &mut seen, 0)
                    .unwrap_or_else(|| Resolved::Extern(segs.to_vec())),
            );
        }
        self.resolve_use_path(mp, segs, leading_colon, &mut seen, 0)
    }

    /// `impl` blocks anywhere whose self type resolves to `target`, with the module they are in.
    pub fn impls_of(&self, target: &ItemRef<'_>) -> Vec<(ItemRef<'_>, &syn::ItemImpl)> {
        let mut out = Vec::new();
        for it in self.all_items() {
            if let syn::Item::Impl(imp) = it.item
                && let syn::Type::Path(tp) = &*imp.self_ty
                && let Some(Resolved::Item(r)) = self.resolve_path(it.module, &tp.path)
                && std::ptr::eq(r.item, target.item)
            {
                out.push((it, imp));
            }
        }
        out
    }
}
