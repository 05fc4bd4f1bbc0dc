//! The CRD-level settings of a description and the `#[kube(..)]` attributes of the root struct
//! they become.

use crate::description::fmt::{Attr, Meta, str_lit};

/// The CRD-level settings the generated root struct carries.
pub struct RootSettings {
    pub full_group: String,
    pub version: String,
    pub kind: String,
    /// `Some` when it differs from kube-derive's default.
    pub plural: Option<String>,
    pub singular: Option<String>,
    pub namespaced: bool,
    pub storage: bool,
    pub served: bool,
    pub deprecated: Option<Option<String>>,
    pub doc: Option<String>,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub printcolumns: Vec<PrintColumn>,
    pub scale: Option<(String, String, Option<String>)>,
    pub selectable: Vec<String>,
    pub has_status: bool,
    /// The fields of the spec struct sit at the root of the object (`#[kube(no_spec)]`).
    pub no_spec: bool,
    /// The CRD's own annotations and labels.
    pub annotations: Vec<(String, String)>,
    pub labels: Vec<(String, String)>,
}

/// A printer column of the CRD (`additionalPrinterColumns`).
pub struct PrintColumn {
    pub name: String,
    pub type_: String,
    pub json_path: String,
    pub description: Option<String>,
    pub format: Option<String>,
    pub priority: Option<i32>,
}

/// The `#[kube(..)]` attributes of the root struct, in the order kube-derive documents them.
pub(super) fn kube_attrs(root: &RootSettings) -> Vec<Attr> {
    let mut lists = resource(root);
    lists.extend(names(root));
    lists.extend(root.printcolumns.iter().map(printcolumn));
    lists.extend(scale(root));
    lists.extend(fields_and_metadata(root));
    lists.extend(version(root));
    lists
        .into_iter()
        .map(|items| Attr::new("kube", items))
        .collect()
}

/// Group, version, storage, kind, plural, scope, singular and status.
fn resource(root: &RootSettings) -> Vec<Vec<Meta>> {
    let mut lists = vec![vec![
        Meta::str("group", &root.full_group),
        Meta::str("version", &root.version),
    ]];
    if !root.storage {
        lists.push(vec![Meta::lit("storage", "false".into())]);
    }
    let mut kind = vec![Meta::str("kind", &root.kind)];
    if let Some(p) = &root.plural {
        kind.push(Meta::str("plural", p));
    }
    if root.namespaced {
        kind.push(Meta::path("namespaced"));
    }
    if root.no_spec {
        kind.push(Meta::path("no_spec"));
    }
    lists.push(kind);
    if let Some(s) = &root.singular {
        lists.push(vec![Meta::str("singular", s)]);
    }
    if root.has_status {
        lists.push(vec![Meta::str("status", &format!("{}Status", root.kind))]);
    }
    lists
}

/// Short names and categories, each list in one attribute.
fn names(root: &RootSettings) -> Vec<Vec<Meta>> {
    [
        ("shortname", &root.short_names),
        ("category", &root.categories),
    ]
    .into_iter()
    .filter(|(_, names)| !names.is_empty())
    .map(|(key, names)| names.iter().map(|s| Meta::str(key, s)).collect())
    .collect()
}

/// `printcolumn(..)` for one printer column.
fn printcolumn(c: &PrintColumn) -> Vec<Meta> {
    let mut items = vec![
        Meta::str("name", &c.name),
        Meta::str("type_", &c.type_),
        Meta::str("json_path", &c.json_path),
    ];
    if let Some(d) = &c.description {
        items.push(Meta::str("description", d));
    }
    if let Some(f) = &c.format {
        items.push(Meta::str("format", f));
    }
    if let Some(p) = c.priority {
        items.push(Meta::lit("priority", p.to_string()));
    }
    vec![Meta::list("printcolumn", items)]
}

/// `scale(..)` for the scale subresource.
fn scale(root: &RootSettings) -> Option<Vec<Meta>> {
    let (spec, status, selector) = root.scale.as_ref()?;
    let mut items = vec![
        Meta::str("spec_replicas_path", spec),
        Meta::str("status_replicas_path", status),
    ];
    if let Some(s) = selector {
        items.push(Meta::str("label_selector_path", s));
    }
    Some(vec![Meta::list("scale", items)])
}

/// Selectable fields, then the CRD's annotations and labels, one attribute each.
fn fields_and_metadata(root: &RootSettings) -> Vec<Vec<Meta>> {
    let mut lists: Vec<Vec<Meta>> = root
        .selectable
        .iter()
        .map(|s| vec![Meta::str("selectable", s)])
        .collect();
    for (what, pairs) in [("annotation", &root.annotations), ("label", &root.labels)] {
        for (key, value) in pairs {
            let pair = format!("{what}({}, {})", str_lit(key), str_lit(value));
            lists.push(vec![Meta::Raw(pair)]);
        }
    }
    lists
}

/// Whether the version is served or deprecated, and the root's documentation.
fn version(root: &RootSettings) -> Vec<Vec<Meta>> {
    let mut lists = Vec::new();
    if !root.served {
        lists.push(vec![Meta::lit("served", "false".into())]);
    }
    match &root.deprecated {
        Some(Some(w)) => lists.push(vec![Meta::str("deprecated", w)]),
        Some(None) => lists.push(vec![Meta::path("deprecated")]),
        None => {}
    }
    if let Some(d) = &root.doc {
        lists.push(vec![Meta::str("doc", d)]);
    }
    lists
}
