//! The generated types written as Rust, laid out as rustfmt lays them out.

use std::collections::BTreeSet;

use super::defs::{EnumDef, FieldDef, NewtypeDef, StructDef};
use crate::description::fmt::{Attr, Lit, MAX_WIDTH, Meta, doc_lines, fn_head, str_lit};

/// The derives of a type that holds data: `first`, serde, `Clone`, `Debug`, `Default` when
/// `default`, `PartialEq` and the schema derive.
fn derive_line(first: &[&str], default: bool, schema: &str) -> String {
    let mut d: Vec<&str> = first.to_vec();
    d.extend(["Deserialize", "Serialize", "Clone", "Debug"]);
    if default {
        d.push("Default");
    }
    d.push("PartialEq");
    d.push(schema);
    derive(&d)
}

/// `#[derive(..)]`: rustfmt keeps it on one line up to 100 columns.
fn derive(names: &[&str]) -> String {
    let line = format!("#[derive({})]\n", names.join(", "));
    if line.len() <= 101 {
        return line;
    }
    format!("#[derive(\n    {},\n)]\n", names.join(", "))
}

/// `///` lines of a doc at an indentation.
fn render_doc(doc: &Option<String>, indent: usize) -> String {
    doc.as_ref()
        .map(|d| doc_lines(d, indent))
        .unwrap_or_default()
}

/// The final name of each default function, by (struct, function).
pub(super) type FnNames = std::collections::BTreeMap<(String, String), String>;

/// A struct: its derives and attributes, its fields, a hand-written `Default` where derive
/// cannot give it, and its default functions.
pub(super) fn render_struct(s: &StructDef, counts: &FnNames) -> String {
    let fn_name = |f: &str| -> String {
        counts
            .get(&(s.name.clone(), f.to_string()))
            .cloned()
            .unwrap_or_else(|| f.to_string())
    };
    let all_default = s.fields.iter().all(|f| f.implements_default);
    let hand_written =
        !s.default_fns.is_empty() || s.fields.iter().any(|f| f.default_value.is_some());
    let mut out = struct_head(s, all_default && !hand_written);
    out.push_str(&struct_body(s, &fn_name));
    if hand_written && all_default {
        out.push_str(&default_impl(s, &fn_name));
    }
    for (name, ret, body) in &s.default_fns {
        out.push('\n');
        out.push_str(&fn_head(&fn_name(name), ret));
        out.push('\n');
        out.push_str(&format!("    {body}\n}}\n"));
    }
    out
}

/// The comment, doc, derives and container attributes of a struct.
fn struct_head(s: &StructDef, derive_default: bool) -> String {
    let mut out = String::new();
    if let Some(c) = &s.comment {
        out.push_str(&format!("// {c}\n"));
    }
    out.push_str(&render_doc(&s.doc, 0));
    let schema = if s.kube_schema {
        "KubeSchema"
    } else {
        "JsonSchema"
    };
    if s.schema_only {
        out.push_str(&derive(&[schema]));
    } else {
        let first: &[&str] = if s.custom_resource {
            &["CustomResource"]
        } else {
            &[]
        };
        out.push_str(&derive_line(first, derive_default, schema));
    }
    if duplicated_attributes(&s.attrs) {
        out.push_str("#[allow(clippy::duplicated_attributes)]\n");
    }
    for a in &s.attrs {
        out.push_str(&a.render(0));
    }
    out
}

/// `pub struct Name { .. }`, its fields' attributes naming default functions by `fn_name`.
fn struct_body(s: &StructDef, fn_name: &dyn Fn(&str) -> String) -> String {
    if s.fields.is_empty() {
        return format!("pub struct {} {{}}\n", s.name);
    }
    let has_fns = !s.default_fns.is_empty();
    let mut out = format!("pub struct {} {{\n", s.name);
    for f in &s.fields {
        if let Some(c) = &f.comment {
            out.push_str(&format!("    // {c}\n"));
        }
        out.push_str(&render_doc(&f.doc, 4));
        for a in &f.attrs {
            let mut a = a.clone();
            if has_fns {
                rename_default_fn(&mut a, fn_name);
            }
            out.push_str(&a.render(4));
        }
        out.push_str(&field_line(&f.ident, &f.ty));
    }
    out.push_str("}\n");
    out
}

/// `impl Default` for a struct whose fields call default functions or have no `Default`.
fn default_impl(s: &StructDef, fn_name: &dyn Fn(&str) -> String) -> String {
    let inits: Vec<String> = s
        .fields
        .iter()
        .map(|f| format!("{}: {}", f.ident, default_value(f, fn_name)))
        .collect();
    let mut out = format!(
        "\nimpl Default for {} {{\n    fn default() -> Self {{\n",
        s.name
    );
    // rustfmt's `struct_lit_width`: bodies up to 18 columns stay on one line.
    if inits.join(", ").chars().count() <= 18 {
        out.push_str(&format!("        Self {{ {} }}\n", inits.join(", ")));
    } else {
        out.push_str("        Self {\n");
        for (f, i) in s.fields.iter().zip(&inits) {
            out.push_str(&init_line(&f.ident, i));
        }
        out.push_str("        }\n");
    }
    out.push_str("    }\n}\n");
    out
}

/// A field's value in a hand-written `Default`.
fn default_value(f: &FieldDef, fn_name: &dyn Fn(&str) -> String) -> String {
    match (&f.default_call, &f.default_value) {
        (Some(call), _) => fn_name(call.trim_end_matches("()")) + "()",
        (None, Some(v)) => v.clone(),
        (None, None) => "Default::default()".to_string(),
    }
}

/// `ident: value,` in a struct literal over several lines, broken where rustfmt breaks it.
fn init_line(ident: &str, init: &str) -> String {
    let line = format!("            {init},");
    let value = &init[ident.len() + 2..];
    let open = format!("            {ident}: {}", value.trim_end_matches(')'));
    if line.chars().count() <= MAX_WIDTH {
        format!("{line}\n")
    } else if value.ends_with("()") && open.chars().count() <= MAX_WIDTH {
        // rustfmt breaks inside the empty argument list first.
        format!("{open}\n            ),\n")
    } else {
        format!("            {ident}:\n                {value},\n")
    }
}

/// `pub name: Type,` in a struct; rustfmt moves a type that does not fit to the next line
/// (when it fits there).
fn field_line(ident: &str, ty: &str) -> String {
    let one = format!("    pub {ident}: {ty},");
    let next = format!("        {ty},");
    if one.chars().count() <= MAX_WIDTH {
        format!("{one}\n")
    } else if next.chars().count() <= MAX_WIDTH {
        format!("    pub {ident}:\n{next}\n")
    } else {
        let prefix = format!("    pub {ident}: ");
        format!(
            "{prefix}{}\n",
            type_layout(ty, 4, prefix.chars().count(), ",")
        )
    }
}

/// A type as rustfmt breaks it when it does not fit: `Name<` and one argument per line.
fn type_layout(ty: &str, indent: usize, start: usize, suffix: &str) -> String {
    if start + ty.chars().count() + suffix.len() <= MAX_WIDTH {
        return format!("{ty}{suffix}");
    }
    let Some(open) = ty.find('<') else {
        return format!("{ty}{suffix}");
    };
    let name = &ty[..open];
    let inner = &ty[open + 1..ty.len() - 1];
    let mut args = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in inner.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            args.push(cur.trim().to_string());
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    args.push(cur.trim().to_string());
    let pad = " ".repeat(indent + 4);
    let mut out = format!("{name}<\n");
    for a in &args {
        out.push_str(&pad);
        out.push_str(&type_layout(a, indent + 4, indent + 4, ","));
        out.push('\n');
    }
    out.push_str(&" ".repeat(indent));
    out.push('>');
    out.push_str(suffix);
    out
}

/// clippy's `type_complexity` score of a type written as `A<B, C<D>>`: every path counts ten
/// times its nesting level.
pub(super) fn type_complexity(ty: &str) -> u64 {
    let mut score = 0;
    let mut nest = 1u64;
    let mut in_name = false;
    for c in ty.chars() {
        match c {
            '<' => {
                nest += 1;
                in_name = false;
            }
            '>' => {
                nest -= 1;
                in_name = false;
            }
            ',' | ' ' => in_name = false,
            ':' => {}
            _ if !in_name => {
                score += 10 * nest;
                in_name = true;
            }
            _ => {}
        }
    }
    score
}

/// Whether clippy's `duplicated_attributes` fires on these attributes: the same `key = "value"`
/// (or the same key with another literal) twice under the same path, as in two printer columns
/// of the same type.
fn duplicated_attributes(attrs: &[Attr]) -> bool {
    fn walk(m: &Meta, parent: &mut Vec<String>, seen: &mut BTreeSet<String>) -> bool {
        match m {
            Meta::Path(p) => !seen.insert(format!("{}:{p}", parent.join(":"))),
            Meta::NameValue(k, Lit::Plain(v)) if v.starts_with('"') || v.starts_with('r') => {
                !seen.insert(format!("{}:{k}={v}", parent.join(":")))
            }
            Meta::NameValue(k, _) => !seen.insert(format!("{}:{k}", parent.join(":"))),
            Meta::List(k, items) => {
                parent.push(k.clone());
                let mut dup = false;
                for i in items {
                    dup |= walk(i, parent, seen);
                }
                parent.pop();
                dup
            }
            Meta::Raw(_) => false,
        }
    }
    let mut seen = BTreeSet::new();
    let mut dup = false;
    for a in attrs {
        let m = Meta::List(a.name.clone(), a.items.clone());
        if a.items.iter().any(|i| matches!(i, Meta::Raw(_))) {
            continue;
        }
        dup |= walk(&m, &mut Vec::new(), &mut seen);
    }
    dup
}

/// Names a `#[serde(default = "..")]` function by its final name.
fn rename_default_fn(a: &mut Attr, fn_name: &dyn Fn(&str) -> String) {
    if a.name != "serde" {
        return;
    }
    for m in &mut a.items {
        if let Meta::NameValue(k, Lit::Plain(v)) = m
            && k == "default"
        {
            let inner = v.trim_matches('"');
            *v = str_lit(&fn_name(inner));
        }
    }
}

/// An enum with its derives, attributes and variants.
pub(super) fn render_enum(e: &EnumDef) -> String {
    let mut out = String::new();
    out.push_str(&render_doc(&e.doc, 0));
    out.push_str(&derive_line(&[], true, "JsonSchema"));
    if e.allow_variant_names {
        out.push_str("#[allow(clippy::enum_variant_names)]\n");
    }
    for a in &e.attrs {
        out.push_str(&a.render(0));
    }
    out.push_str(&format!("pub enum {} {{\n", e.name));
    for (i, (ident, rename)) in e.variants.iter().enumerate() {
        if i == e.default_index {
            out.push_str("    #[default]\n");
        }
        if let Some(r) = rename {
            out.push_str(&Attr::new("serde", vec![Meta::str("rename", r)]).render(4));
        }
        out.push_str(&format!("    {ident},\n"));
    }
    out.push_str("}\n");
    out
}

/// A newtype: on one line when its field has no attributes and fits.
pub(super) fn render_newtype(n: &NewtypeDef) -> String {
    let mut out = String::new();
    out.push_str(&render_doc(&n.doc, 0));
    out.push_str(&derive_line(&[], n.implements_default, "JsonSchema"));
    for a in &n.attrs {
        out.push_str(&a.render(0));
    }
    let one = format!("pub struct {}(pub {});", n.name, n.inner);
    if n.field_attrs.is_empty() && n.field_doc.is_none() && one.chars().count() <= MAX_WIDTH {
        out.push_str(&one);
        out.push('\n');
    } else {
        out.push_str(&format!("pub struct {}(\n", n.name));
        out.push_str(&render_doc(&n.field_doc, 4));
        for a in &n.field_attrs {
            out.push_str(&a.render(4));
        }
        out.push_str(&format!(
            "    pub {}\n);\n",
            type_layout(&n.inner, 4, 8, ",")
        ));
    }
    out
}
