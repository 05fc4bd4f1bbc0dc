//! Keywords as attributes: each keyword of a node becomes a schemars item (`length`, `range`,
//! `regex`, `title`), an `extend("key" = ..)`, a `#[x_kube(..)]` item or `///` lines, depending
//! on the site it is written at.

use serde_json::Value;

use crate::description::expected::rule_json;
use crate::description::fmt::{Attr, Meta, bound, doc_safe, json_arg, str_lit};
use crate::description::format::{ListType, MapType};
use crate::description::ir::{Cel, Ir, Kind};

/// Where the attributes of a node go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Site {
    /// A field of a struct (x_kube allowed).
    Field,
    /// The single field of a newtype.
    NewtypeField,
    /// A struct (container attributes; x_kube allowed).
    Struct,
    /// An enum (container attributes).
    Enum,
}

/// Attributes rendered for one node at one site.
#[derive(Default)]
pub(super) struct Rendered {
    /// A description to write as `///` lines.
    pub(super) doc: Option<String>,
    /// Items of `#[schemars(..)]` that rustfmt formats (title, description, length, ...).
    pub(super) schemars: Vec<Meta>,
    /// `extend("key" = value)` entries, one attribute each.
    pub(super) extends: Vec<(String, String)>,
    /// `#[x_kube(..)]` items (validation = .., merge_strategy = ..).
    pub(super) x_kube: Vec<String>,
    /// A description that cannot be `///` lines: its own `#[schemars(description = ..)]`.
    pub(super) description: Option<String>,
}

impl Rendered {
    /// Adds `extend("key" = value)`.
    pub(super) fn extend(&mut self, key: &str, value: String) {
        self.extends.push((key.to_string(), value));
    }
}

/// The keywords that are always `extend("key" = ..)`, in the order they are written, with
/// their values. `rust_enum`: the node's `enum` is its Rust type.
fn plain_extends(n: &Ir, rust_enum: bool) -> [(&'static str, Option<String>); 10] {
    let enum_ = n.enum_.as_ref().filter(|_| !rust_enum);
    [
        (
            "exclusiveMinimum",
            n.exclusive_minimum.map(|v| v.to_string()),
        ),
        (
            "exclusiveMaximum",
            n.exclusive_maximum.map(|v| v.to_string()),
        ),
        ("multipleOf", n.multiple_of.map(bound)),
        ("minProperties", n.min_properties.map(|v| v.to_string())),
        ("maxProperties", n.max_properties.map(|v| v.to_string())),
        (
            "enum",
            enum_.map(|e| json_arg(&Value::Array(e.value.clone()))),
        ),
        ("example", n.example.as_ref().map(json_arg)),
        (
            "x-kubernetes-embedded-resource",
            n.embedded_resource.map(|b| b.to_string()),
        ),
        (
            "x-kubernetes-preserve-unknown-fields",
            (n.preserve_unknown_fields == Some(false)).then(|| "false".to_string()),
        ),
        (
            "x-kubernetes-int-or-string",
            n.int_or_string_false.then(|| "false".to_string()),
        ),
    ]
}

/// Renders the keywords of `n` for a site. `rust_enum`: the node is a Rust enum (its `enum`
/// is the type).
pub(super) fn keywords(n: &Ir, site: Site, rust_enum: bool) -> Rendered {
    let mut r = Rendered::default();
    let field_like = matches!(site, Site::Field | Site::NewtypeField);
    texts(&mut r, n);
    format(&mut r, n);
    lengths(&mut r, n, field_like);
    range(&mut r, n, field_like);
    pattern(&mut r, n, field_like);
    for (key, value) in plain_extends(n, rust_enum) {
        if let Some(v) = value {
            r.extend(key, v);
        }
    }
    merge_strategy(&mut r, n, site);
    if let Some(d) = &n.external_docs {
        r.extend("externalDocs", json_arg(d));
    }
    for (k, v) in &n.junctors {
        r.extend(k, json_arg(v));
    }
    validations(&mut r, n, site);
    r
}

/// `description` and `title`.
fn texts(r: &mut Rendered, n: &Ir) {
    if let Some(d) = &n.description {
        description(r, d);
    } else if matches!(n.kind, Kind::IntOrString) {
        r.extend("description", "null".into());
    }
    if let Some(t) = &n.title {
        if t.is_empty() {
            r.extend("title", "\"\"".into());
        } else {
            r.schemars.push(Meta::str("title", t));
        }
    }
}

/// A description as `///` lines where it can be; otherwise `#[schemars(description = ..)]`.
fn description(r: &mut Rendered, text: &str) {
    if text.is_empty() {
        r.extend("description", "\"\"".into());
    } else if doc_safe(text) {
        r.doc = Some(text.to_string());
    } else {
        r.description = Some(text.to_string());
    }
}

/// The formats that the Rust type does not give.
fn format(r: &mut Rendered, n: &Ir) {
    let natural = match (&n.kind, n.format.as_deref()) {
        (Kind::Integer, Some("int32" | "int64")) | (Kind::Number, Some("float" | "double")) => true,
        (Kind::Integer | Kind::Number, None) => {
            r.extend("format", "null".into());
            true
        }
        (_, None) => true,
        _ => false,
    };
    if !natural && let Some(f) = &n.format {
        r.extend("format", str_lit(f));
    }
}

/// `length(..)` for the lengths of strings and arrays at a field; `extend` elsewhere.
fn lengths(r: &mut Rendered, n: &Ir, field_like: bool) {
    let (lmin, lmax) = match n.kind {
        Kind::String => (n.min_length, n.max_length),
        Kind::Array(_) => (n.min_items, n.max_items),
        _ => (None, None),
    };
    if field_like && (lmin.is_some() || lmax.is_some()) {
        let mut items = Vec::new();
        if let Some(v) = lmin {
            items.push(Meta::lit("min", v.to_string()));
        }
        if let Some(v) = lmax {
            items.push(Meta::lit("max", v.to_string()));
        }
        r.schemars.push(Meta::list("length", items));
    } else {
        for (k, v) in [
            ("minLength", n.min_length),
            ("maxLength", n.max_length),
            ("minItems", n.min_items),
            ("maxItems", n.max_items),
        ] {
            if let Some(v) = v {
                r.extend(k, v.to_string());
            }
        }
    }
}

/// Whether a bound can be written in `range(..)`: schemars passes it to `impl Into<Value>`, so
/// an integer literal is an `i32`, and integral bounds outside its range would not compile.
fn fits_range(v: Option<f64>) -> bool {
    v.is_none_or(|v| {
        let integral = v.fract() == 0.0 && v.abs() < 9.0e15;
        !integral || (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&v)
    })
}

/// `range(..)` for the bounds of numbers at a field; `extend` elsewhere.
fn range(r: &mut Rendered, n: &Ir, field_like: bool) {
    if field_like
        && matches!(n.kind, Kind::Integer | Kind::Number)
        && fits_range(n.minimum)
        && fits_range(n.maximum)
        && (n.minimum.is_some() || n.maximum.is_some())
    {
        let mut items = Vec::new();
        if let Some(v) = n.minimum {
            items.push(Meta::lit("min", bound(v)));
        }
        if let Some(v) = n.maximum {
            items.push(Meta::lit("max", bound(v)));
        }
        r.schemars.push(Meta::list("range", items));
    } else {
        for (k, v) in [("minimum", n.minimum), ("maximum", n.maximum)] {
            if let Some(v) = v {
                r.extend(k, bound(v));
            }
        }
    }
}

/// `regex(pattern = ..)` for a string at a field; `extend` elsewhere.
fn pattern(r: &mut Rendered, n: &Ir, field_like: bool) {
    if let Some(p) = &n.pattern {
        if field_like && matches!(n.kind, Kind::String) {
            r.schemars
                .push(Meta::list("regex", vec![Meta::str("pattern", &p.value)]));
        } else {
            r.extend("pattern", str_lit(&p.value));
        }
    }
}

/// List and map merge strategies: `#[x_kube(merge_strategy = ..)]` at a field, the
/// `x-kubernetes-*` extensions elsewhere.
fn merge_strategy(r: &mut Rendered, n: &Ir, site: Site) {
    if site == Site::Field {
        if let Some(m) = merge_expr(n) {
            r.x_kube.push(format!("merge_strategy = {m}"));
        }
        return;
    }
    if let Some(l) = &n.list_type {
        r.extend("x-kubernetes-list-type", str_lit(list_type_word(l.value)));
        if let Some(keys) = &n.list_map_keys {
            r.extend(
                "x-kubernetes-list-map-keys",
                json_arg(&serde_json::json!(keys.value)),
            );
        }
    }
    if let Some(mt) = n.map_type {
        r.extend("x-kubernetes-map-type", str_lit(map_type_word(mt)));
    }
}

/// The `ListMerge`/`MapMerge` value of a node's merge strategy; the list type comes first.
fn merge_expr(n: &Ir) -> Option<String> {
    match (n.list_type.as_ref().map(|l| l.value), n.map_type) {
        (Some(ListType::Map), _) => {
            let keys: Vec<String> = n
                .list_map_keys
                .as_ref()
                .map(|k| {
                    k.value
                        .iter()
                        .map(|k| format!("{}.into()", str_lit(k)))
                        .collect()
                })
                .unwrap_or_default();
            Some(format!("ListMerge::Map(vec![{}])", keys.join(", ")))
        }
        (Some(ListType::Set), _) => Some("ListMerge::Set".to_string()),
        (Some(ListType::Atomic), _) => Some("ListMerge::Atomic".to_string()),
        (None, Some(MapType::Atomic)) => Some("MapMerge::Atomic".to_string()),
        (None, Some(MapType::Granular)) => Some("MapMerge::Granular".to_string()),
        (None, None) => None,
    }
}

/// The word of a list type in `x-kubernetes-list-type`.
fn list_type_word(l: ListType) -> &'static str {
    match l {
        ListType::Atomic => "atomic",
        ListType::Set => "set",
        ListType::Map => "map",
    }
}

/// The word of a map type in `x-kubernetes-map-type`.
fn map_type_word(m: MapType) -> &'static str {
    match m {
        MapType::Atomic => "atomic",
        MapType::Granular => "granular",
    }
}

/// CEL rules: `#[x_kube(validation = ..)]` on fields and structs, `extend` elsewhere.
fn validations(r: &mut Rendered, n: &Ir, site: Site) {
    if n.validations.is_empty() {
        return;
    }
    if matches!(site, Site::Field | Site::Struct) {
        for c in &n.validations {
            r.x_kube.push(format!("validation = {}", rule_expr(c)));
        }
    } else {
        let rules: Vec<Value> = n.validations.iter().map(rule_json).collect();
        r.extend("x-kubernetes-validations", json_arg(&Value::Array(rules)));
    }
}

/// `Rule::new(..)` (or a plain string) for a CEL rule, as `#[x_kube(validation = ..)]` takes it.
fn rule_expr(c: &Cel) -> String {
    let plain = c.message.is_none()
        && c.message_expression.is_none()
        && c.reason.is_none()
        && c.field_path.is_none()
        && c.optional_old_self.is_none();
    if plain {
        return str_lit(&c.rule.value);
    }
    let mut s = format!("Rule::new({})", str_lit(&c.rule.value));
    if let Some(m) = &c.message_expression {
        s.push_str(&format!(
            ".message(Message::Expression({}.into()))",
            str_lit(&m.value)
        ));
    } else if let Some(m) = &c.message {
        s.push_str(&format!(".message({})", str_lit(m)));
    }
    if let Some(r) = c.reason {
        s.push_str(&format!(".reason(Reason::{})", r.as_str()));
    }
    if let Some(f) = &c.field_path {
        s.push_str(&format!(".field_path({})", str_lit(&f.value)));
    }
    if let Some(o) = c.optional_old_self {
        s.push_str(&format!(".optional_old_self({o})"));
    }
    s
}

/// `#[schemars(extend("key" = value))]`.
pub(super) fn extend_attr(key: &str, value: &str) -> Attr {
    Attr::new(
        "schemars",
        vec![Meta::Raw(format!("extend({} = {value})", str_lit(key)))],
    )
}

/// Container attributes (x_kube, schemars) of rendered keywords.
pub(super) fn container_attrs(r: Rendered) -> Vec<Attr> {
    let mut attrs = Vec::new();
    for x in r.x_kube {
        attrs.push(Attr::new("x_kube", vec![Meta::Raw(x)]));
    }
    if !r.schemars.is_empty() {
        attrs.push(Attr::new("schemars", r.schemars));
    }
    if let Some(d) = r.description {
        attrs.push(Attr::new("schemars", vec![Meta::str("description", &d)]));
    }
    for (k, v) in r.extends {
        attrs.push(extend_attr(&k, &v));
    }
    attrs
}
