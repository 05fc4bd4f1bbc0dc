//! Description → Rust types: structs named by path, enums for string enums, serde renames only
//! where needed, `Option` for optional fields, literal default functions, and every keyword as
//! a schemars or `#[x_kube]` attribute that kube-derive passes through unchanged.
//!
//! How keywords become Rust (each choice reproduces the described schema exactly):
//!
//! * an optional field is `Option<T>` with `#[serde(default, skip_serializing_if =
//!   "Option::is_none")]` and `#[schemars(with = "T")]` (without `with`, schemars would make it
//!   `nullable`); `nullable: true` adds `extend("nullable" = true)`;
//! * a scalar default is a default function returning a literal (`#[serde(default = "fn")]`),
//!   or `#[serde(default)]` when it is the type's own default; other defaults, and defaults of
//!   required fields, are `extend("default" = ..)`;
//! * `minLength`/`maxLength`/`minItems`/`maxItems` are `length(..)`, `minimum`/`maximum` are
//!   `range(..)`, `pattern` is `regex(pattern = ..)` (`inner(..)` for array items); the other
//!   keywords are `extend("key" = ..)`;
//! * CEL rules and list/map merge strategies are `#[x_kube(..)]` on fields and structs (which
//!   then derive `KubeSchema`), `extend(..)` where `x_kube` cannot go (enums, newtypes);
//! * `integer` without a format is `i64` with `extend("format" = null)`, `number` without a
//!   format is `f64` likewise; other formats are `extend("format" = ..)`;
//! * items and map values with keywords that `inner(..)` cannot carry become newtypes;
//! * an object that keeps unknown fields gets a flattened `BTreeMap<String, serde_json::Value>`,
//!   or, without properties, is a `BTreeMap<String, serde_json::Value>` whose schema comes from
//!   an empty struct (`#[schemars(with = ..)]`).

mod defs;
mod keywords;
mod render;
mod root;

use std::collections::BTreeSet;

use serde_json::Value;

use super::fmt::{Attr, Meta, float, json_arg, str_lit, vec_lit};
use super::ir::{Ir, Kind, Prop, WellKnown};
use super::names::{RULES, best_rule, field_idents, pascal, unraw, variant_ident};
use crate::crd::rename::RenameRule;
use defs::{EnumDef, FieldDef, NewtypeDef, StructDef, TypeDef};
use keywords::{Rendered, Site, container_attrs, extend_attr, keywords};
use render::{FnNames, render_enum, render_newtype, render_struct, type_complexity};
use root::kube_attrs;
pub use root::{PrintColumn, RootSettings};

/// Names the generated file imports or that the derives bring into scope.
const RESERVED: &[&str] = &[
    "BTreeMap",
    "CustomResource",
    "Deserialize",
    "Serialize",
    "JsonSchema",
    "KubeSchema",
    "Clone",
    "Debug",
    "Default",
    "PartialEq",
    "String",
    "Vec",
    "Option",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Result",
    "Value",
    "Rule",
    "Reason",
    "Message",
    "ListMerge",
    "MapMerge",
];

/// A Rust type for a node: how the data is held and what gives its schema.
#[derive(Debug, Clone)]
struct Ty {
    data: String,
    schema: String,
    /// Whether `data` implements `Default`.
    default: bool,
    /// Validations of array items (and items of items) for `inner(..)` at the field.
    inner: Vec<Meta>,
}

impl Ty {
    fn plain(t: &str, default: bool) -> Ty {
        Ty {
            data: t.to_string(),
            schema: t.to_string(),
            default,
            inner: Vec::new(),
        }
    }
}

pub struct Codegen {
    kind: String,
    used: BTreeSet<String>,
    types: Vec<TypeDef>,
    well_known: BTreeSet<&'static str>,
    btreemap: bool,
    kube_schema: bool,
    json_schema: bool,
}

/// Whether every value of a string `enum` can be a Rust enum variant (strings, no null).
pub fn rust_enum_values(ir: &Ir) -> Option<Vec<String>> {
    if !matches!(ir.kind, Kind::String) {
        return None;
    }
    let e = ir.enum_.as_ref()?;
    e.value
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn is_int_or_string_like(ir: &Ir) -> bool {
    match &ir.kind {
        Kind::IntOrString => true,
        Kind::WellKnown(w) => matches!(w.name, "IntOrString" | "Quantity"),
        _ => false,
    }
}

impl Codegen {
    pub fn new(kind: &str) -> Codegen {
        let mut used: BTreeSet<String> = RESERVED.iter().map(|s| s.to_string()).collect();
        used.insert(kind.to_string());
        for w in super::ir::WELL_KNOWN {
            used.insert(w.name.to_string());
        }
        Codegen {
            kind: kind.to_string(),
            used,
            types: Vec::new(),
            well_known: BTreeSet::new(),
            btreemap: false,
            kube_schema: false,
            json_schema: false,
        }
    }

    fn claim(&mut self, wanted: &str) -> String {
        let base = if wanted.is_empty() { "Field" } else { wanted };
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        for i in 2.. {
            let n = format!("{base}{i}");
            if self.used.insert(n.clone()) {
                return n;
            }
        }
        unreachable!("some suffix is free")
    }

    fn well_known_name(&mut self, w: &'static WellKnown) -> String {
        if w.name == self.kind {
            return w.rust_path.to_string();
        }
        self.well_known.insert(w.rust_path);
        w.name.to_string()
    }

    /// The type of a node used at a field (or newtype field); `name`: the path-based name the
    /// node's own type gets if it needs one.
    fn field_type(&mut self, n: &Ir, name: &str, inner_ok: bool) -> Ty {
        match &n.kind {
            Kind::String => match rust_enum_values(n) {
                Some(values) => {
                    let default = n
                        .default
                        .as_ref()
                        .and_then(|d| d.value.as_str().map(str::to_string));
                    let t = self.enum_type(n, name, &values, default.as_deref(), false);
                    Ty::plain(&t, true)
                }
                None => Ty::plain("String", true),
            },
            Kind::Integer => Ty::plain(
                if n.format.as_deref() == Some("int32") {
                    "i32"
                } else {
                    "i64"
                },
                true,
            ),
            Kind::Number => Ty::plain(
                if n.format.as_deref() == Some("float") {
                    "f32"
                } else {
                    "f64"
                },
                true,
            ),
            Kind::Boolean => Ty::plain("bool", true),
            Kind::IntOrString => {
                let t = self.well_known_name(super::ir::well_known("IntOrString").expect("listed"));
                Ty::plain(&t, true)
            }
            Kind::WellKnown(w) => {
                let t = self.well_known_name(w);
                Ty::plain(&t, !matches!(w.name, "Time" | "MicroTime" | "Duration"))
            }
            Kind::Array(items) => {
                let it = self.item_type(items, name, true, inner_ok);
                Ty {
                    data: format!("Vec<{}>", it.data),
                    schema: format!("Vec<{}>", it.schema),
                    default: true,
                    inner: it.inner,
                }
            }
            Kind::Object {
                additional: Some(v),
                ..
            } => {
                self.btreemap = true;
                let vt = self.item_type(v, name, false, inner_ok);
                Ty {
                    data: format!("BTreeMap<String, {}>", vt.data),
                    schema: format!("BTreeMap<String, {}>", vt.schema),
                    default: true,
                    inner: Vec::new(),
                }
            }
            Kind::Object { .. } if n.is_free_object() => {
                self.btreemap = true;
                let helper = self.helper_type(n, name, false);
                Ty {
                    data: "BTreeMap<String, serde_json::Value>".into(),
                    schema: helper,
                    default: true,
                    inner: Vec::new(),
                }
            }
            Kind::Object { props, .. } => {
                let (t, default) = self.struct_type(n, props, name, false, None);
                Ty::plain(&t, default)
            }
        }
    }

    /// Whether the items of an array node (or their items) put validations into `inner(..)`.
    fn items_need_inner(n: &Ir) -> bool {
        match &n.kind {
            Kind::Array(items) => {
                let named = matches!(
                    &items.kind,
                    Kind::Object {
                        additional: None,
                        ..
                    }
                ) || (rust_enum_values(items).is_some()
                    && items.nullable != Some(true));
                !named
                    && Self::inner_able(items)
                    && (!Self::no_validation(items) || Self::items_need_inner(items))
            }
            _ => false,
        }
    }

    /// Whether a node has none of the keywords `inner(..)` carries.
    fn no_validation(n: &Ir) -> bool {
        n.min_length.is_none()
            && n.max_length.is_none()
            && n.pattern.is_none()
            && n.minimum.is_none()
            && n.maximum.is_none()
            && n.min_items.is_none()
            && n.max_items.is_none()
    }

    /// Whether a node's keywords can all go into `inner(..)` of the field that holds its array.
    fn inner_able(n: &Ir) -> bool {
        let plain_format = match (&n.kind, n.format.as_deref()) {
            (Kind::Integer, Some("int32" | "int64")) | (Kind::Number, Some("float" | "double")) => {
                true
            }
            (Kind::Integer | Kind::Number, None) => false,
            (_, None) => true,
            _ => false,
        };
        let enum_ok = n.enum_.is_none() || rust_enum_values(n).is_some();
        plain_format
            && enum_ok
            && n.description.is_none()
            && n.title.is_none()
            && n.nullable.is_none()
            && n.default.is_none()
            && n.example.is_none()
            && n.exclusive_minimum.is_none()
            && n.exclusive_maximum.is_none()
            && n.multiple_of.is_none()
            && n.min_properties.is_none()
            && n.max_properties.is_none()
            && n.validations.is_empty()
            && n.list_type.is_none()
            && n.map_type.is_none()
            && n.embedded_resource.is_none()
            && n.preserve_unknown_fields != Some(false)
            && !n.int_or_string_false
            && n.junctors.is_empty()
            && n.external_docs.is_none()
            && !matches!(n.kind, Kind::IntOrString)
            && (matches!(n.kind, Kind::String | Kind::Integer | Kind::Number)
                || (n.pattern.is_none() && n.minimum.is_none() && n.maximum.is_none()))
            && (matches!(n.kind, Kind::String)
                || (n.min_length.is_none() && n.max_length.is_none()))
            && (matches!(n.kind, Kind::Array(_))
                || (n.min_items.is_none() && n.max_items.is_none()))
            && !matches!(&n.kind, Kind::WellKnown(_) if n.pattern.is_some() || n.minimum.is_some() || n.maximum.is_some())
    }

    /// The type of an item of an array (`array`), or a value of a map, named `own_name` if it
    /// needs a type of its own. `inner_ok`: the field that holds the array can take `inner(..)`.
    fn item_type(&mut self, n: &Ir, own_name: &str, array: bool, inner_ok: bool) -> Ty {
        let own_name = own_name.to_string();
        match &n.kind {
            Kind::Object {
                props,
                additional: None,
            } if !n.is_free_object() && n.nullable != Some(true) => {
                let (t, default) = self.struct_type(n, props, &own_name, true, None);
                return Ty::plain(&t, default);
            }
            Kind::Object {
                additional: None, ..
            } if n.is_free_object() && n.nullable != Some(true) => {
                self.btreemap = true;
                let helper = self.helper_type(n, &own_name, true);
                return Ty {
                    data: "BTreeMap<String, serde_json::Value>".into(),
                    schema: helper,
                    default: true,
                    inner: Vec::new(),
                };
            }
            Kind::String if rust_enum_values(n).is_some() && n.nullable != Some(true) => {
                let values = rust_enum_values(n).expect("checked");
                let default = n
                    .default
                    .as_ref()
                    .and_then(|d| d.value.as_str().map(str::to_string));
                let t = self.enum_type(n, &own_name, &values, default.as_deref(), true);
                return Ty::plain(&t, true);
            }
            _ => {}
        }
        let plain = Self::inner_able(n)
            && ((array && inner_ok) || (Self::no_validation(n) && !Self::items_need_inner(n)));
        if plain {
            // Items whose own items might carry keywords go one level deeper.
            let mut t = self.field_type(n, &own_name, inner_ok);
            let r = keywords(n, Site::NewtypeField, rust_enum_values(n).is_some());
            let mut inner = r.schemars;
            if !t.inner.is_empty() {
                inner.push(Meta::list("inner", std::mem::take(&mut t.inner)));
            }
            if !r.extends.is_empty() {
                // Not inner-able after all (should not happen): fall back to a newtype.
                return self.newtype(n, &own_name);
            }
            t.inner = inner;
            return t;
        }
        self.newtype(n, &own_name)
    }

    /// A newtype around a node whose keywords sit on its single field.
    fn newtype(&mut self, n: &Ir, name: &str) -> Ty {
        let name = self.claim(name);
        let slot = self.types.len();
        self.types.push(TypeDef::Pending);
        // No `inner(..)` on a newtype's field: rustfmt lays out a lone attribute there badly.
        let t = self.field_type(n, &format!("{name}Item"), false);
        let rust_enum = rust_enum_values(n).is_some() && matches!(n.kind, Kind::String);
        let nullable = n.nullable == Some(true);
        // What only the field can carry.
        let mut must: Vec<Attr> = Vec::new();
        if nullable || t.data != t.schema {
            must.push(Attr::new("schemars", vec![Meta::str("with", &t.schema)]));
        }
        if !t.inner.is_empty() {
            must.push(Attr::new(
                "schemars",
                vec![Meta::list("inner", t.inner.clone())],
            ));
        }
        let (inner, default) = if nullable {
            (format!("Option<{}>", t.data), true)
        } else {
            (t.data.clone(), t.default)
        };
        // rustfmt lays out a tuple field with exactly one attribute badly: keywords go on the
        // container when the field needs no attribute, and on the field otherwise.
        let site = if must.is_empty() {
            Site::Enum
        } else {
            Site::NewtypeField
        };
        let mut r = keywords(n, site, rust_enum);
        if let Some(b) = n.nullable {
            r.extend("nullable", b.to_string());
        }
        if let Some(d) = &n.default {
            r.extend("default", json_arg(&d.value));
        }
        let mut container = Vec::new();
        let mut field_attrs = Vec::new();
        let mut doc = None;
        let mut field_doc = None;
        if must.is_empty() {
            doc = r.doc.take();
            container = container_attrs(r);
        } else {
            field_attrs = must;
            if !r.schemars.is_empty() {
                field_attrs.push(Attr::new("schemars", std::mem::take(&mut r.schemars)));
            }
            if let Some(d) = r.description.take() {
                field_attrs.push(Attr::new("schemars", vec![Meta::str("description", &d)]));
            }
            for (k, v) in &r.extends {
                field_attrs.push(extend_attr(k, v));
            }
            field_doc = r.doc.take();
        }
        self.json_schema = true;
        self.types[slot] = TypeDef::Newtype(NewtypeDef {
            name: name.clone(),
            doc,
            attrs: container,
            field_doc,
            field_attrs,
            inner,
            implements_default: default,
        });
        Ty::plain(&name, default)
    }

    /// An empty struct that gives the schema of an object keeping unknown fields.
    fn helper_type(&mut self, n: &Ir, name: &str, container_keywords: bool) -> String {
        let name = self.claim(name);
        let slot = self.types.len();
        self.types.push(TypeDef::Pending);
        let mut attrs = Vec::new();
        let mut doc = None;
        let mut kube_schema = false;
        if container_keywords {
            let mut r = keywords(n, Site::Struct, false);
            doc = r.doc.take();
            kube_schema = !r.x_kube.is_empty();
            attrs.extend(container_attrs(r));
        }
        attrs.push(extend_attr("x-kubernetes-preserve-unknown-fields", "true"));
        self.uses_schema_derive(kube_schema);
        self.types[slot] = TypeDef::Struct(StructDef {
            name: name.clone(),
            doc,
            comment: Some(format!(
                "The schema of an object that keeps any fields (`{name}` itself holds no data)."
            )),
            attrs,
            fields: Vec::new(),
            kube_schema,
            custom_resource: false,
            schema_only: true,
            default_fns: Vec::new(),
        });
        name
    }

    /// A Rust enum for a string enum.
    fn enum_type(
        &mut self,
        n: &Ir,
        name: &str,
        values: &[String],
        default: Option<&str>,
        container_keywords: bool,
    ) -> String {
        let name = self.claim(name);
        let slot = self.types.len();
        self.types.push(TypeDef::Pending);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut idents = Vec::new();
        for v in values {
            let base = variant_ident(v);
            let mut ident = base.clone();
            let mut i = 2;
            while !seen.insert(ident.clone()) {
                ident = format!("{base}{i}");
                i += 1;
            }
            idents.push(ident);
        }
        let pairs: Vec<(String, String)> =
            idents.iter().cloned().zip(values.iter().cloned()).collect();
        let rule = best_rule(&pairs, |r, i| r.variant(i), RULES);
        let variants: Vec<(String, Option<String>)> = pairs
            .iter()
            .map(|(i, v)| {
                let renamed = match rule {
                    Some(r) => r.variant(i),
                    None => i.clone(),
                };
                (i.clone(), (renamed != *v).then(|| v.clone()))
            })
            .collect();
        let default_index = default
            .and_then(|d| values.iter().position(|v| v == d))
            .unwrap_or(0);
        let mut attrs = Vec::new();
        if let Some(r) = rule {
            attrs.push(Attr::new("serde", vec![Meta::str("rename_all", r.name())]));
        }
        let mut doc = None;
        if container_keywords {
            let mut r = keywords(n, Site::Enum, true);
            if let Some(d) = &n.default {
                r.extend("default", json_arg(&d.value));
            }
            doc = r.doc.take();
            attrs.extend(container_attrs(r));
        }
        self.json_schema = true;
        let allow_variant_names = variant_names_lint(&name, &idents);
        self.types[slot] = TypeDef::Enum(EnumDef {
            name: name.clone(),
            doc,
            attrs,
            variants,
            default_index,
            allow_variant_names,
        });
        name
    }

    /// A struct for an object with properties. `container_keywords`: the object's own keywords
    /// go on the struct (it is an item, or the spec/status root).
    fn struct_type(
        &mut self,
        n: &Ir,
        props: &[Prop],
        name: &str,
        container_keywords: bool,
        root: Option<&RootSettings>,
    ) -> (String, bool) {
        let reserved = root.is_some() || name == format!("{}Status", self.kind);
        let name = if reserved {
            name.to_string()
        } else {
            self.claim(name)
        };
        let slot = self.types.len();
        self.types.push(TypeDef::Pending);
        let idents = field_idents(props.iter().map(|p| p.name.as_str()));
        let rule = field_rule(props, &idents);
        let mut default_fns = Vec::new();
        let mut fields = self.fields(props, &idents, rule, &name, &mut default_fns);
        if n.preserve_unknown_fields == Some(true) && !props.is_empty() {
            self.btreemap = true;
            fields.push(unknown_fields(&idents));
        }
        let container = container_keywords.then(|| struct_keywords(n));
        let kube_schema = container.as_ref().is_some_and(|r| !r.x_kube.is_empty())
            || fields
                .iter()
                .any(|f| f.attrs.iter().any(|a| a.name == "x_kube"));
        let mut attrs = root.map(kube_attrs).unwrap_or_default();
        if let Some(r) = rule {
            attrs.push(Attr::new("serde", vec![Meta::str("rename_all", r.name())]));
        }
        let doc = container.and_then(|mut r| {
            let doc = r.doc.take();
            attrs.extend(container_attrs(r));
            doc
        });
        self.uses_schema_derive(kube_schema);
        let default = fields.iter().all(|f| f.implements_default);
        self.types[slot] = TypeDef::Struct(StructDef {
            name: name.clone(),
            doc,
            comment: None,
            attrs,
            fields,
            kube_schema,
            custom_resource: root.is_some(),
            schema_only: false,
            default_fns,
        });
        (name, default)
    }

    /// Records which schema derive a type uses, for the imports.
    fn uses_schema_derive(&mut self, kube_schema: bool) {
        if kube_schema {
            self.kube_schema = true;
        } else {
            self.json_schema = true;
        }
    }

    /// The fields of the struct `struct_name` for its properties, renamed where `rule` does not
    /// give a property's name.
    fn fields(
        &mut self,
        props: &[Prop],
        idents: &[String],
        rule: Option<RenameRule>,
        struct_name: &str,
        default_fns: &mut Vec<(String, String, String)>,
    ) -> Vec<FieldDef> {
        let mut fields = Vec::new();
        for (p, ident) in props.iter().zip(idents) {
            let json_name = match rule {
                Some(r) => r.field(unraw(ident)),
                None => unraw(ident).to_string(),
            };
            let rename = (json_name != p.name).then(|| p.name.clone());
            let child_name = format!("{struct_name}{}", pascal(&p.name));
            fields.push(self.field(p, ident, rename, &child_name, default_fns));
        }
        fields
    }

    /// One field of a struct.
    fn field(
        &mut self,
        p: &Prop,
        ident: &str,
        rename: Option<String>,
        child_name: &str,
        default_fns: &mut Vec<(String, String, String)>,
    ) -> FieldDef {
        let n = &p.schema;
        let t = self.field_type(n, child_name, true);
        let mut r = keywords(n, Site::Field, rust_enum_values(n).is_some());
        let nullable = n.nullable == Some(true);
        let literal = n
            .default
            .as_ref()
            .filter(|_| !p.required)
            .and_then(|d| self.literal_default(n, &d.value, &t, nullable));
        let holding = match literal {
            Some(lit) => Holding::literal(lit, &t, ident, nullable, default_fns),
            None => {
                if let Some(d) = &n.default {
                    r.extend("default", json_arg(&d.value));
                }
                if p.required {
                    Holding::required(&t, nullable)
                } else {
                    Holding::optional(&t)
                }
            }
        };
        if let Some(b) = n.nullable {
            r.extend("nullable", b.to_string());
        } else if !p.required && is_int_or_string_like(n) {
            // kube marks optional int-or-string properties nullable unless told otherwise.
            r.extend("nullable", "null".into());
        }
        let mut implements_default =
            holding.ty.starts_with("Option<") || t.default || holding.default_call.is_some();
        let default_value = (!implements_default)
            .then(|| value_without_default(&holding.ty))
            .flatten();
        implements_default |= default_value.is_some();
        FieldDef {
            attrs: field_attrs(rename, holding.serde, holding.schemars, &t, &r),
            doc: r.doc,
            comment: None,
            ident: ident.to_string(),
            ty: holding.ty,
            default_call: holding.default_call,
            default_value,
            implements_default,
        }
    }

    /// How a default can be a literal: the type's own default, or a function body.
    fn literal_default(&self, n: &Ir, d: &Value, t: &Ty, nullable: bool) -> Option<Literal> {
        if t.data != t.schema {
            return None;
        }
        match (&n.kind, d) {
            (Kind::String, Value::String(s)) if rust_enum_values(n).is_some() => {
                // The enum's variant for this value.
                let variant = self.variant_of(&t.data, s)?;
                Some(Literal::function(
                    format!("{}::{variant}", t.data),
                    nullable,
                ))
            }
            (Kind::String | Kind::Integer | Kind::Number | Kind::Boolean, _) => {
                let (body, is_default) = scalar_literal(n, d, &t.data)?;
                if is_default && !nullable {
                    Some(Literal::TypeDefault)
                } else {
                    Some(Literal::function(body, nullable))
                }
            }
            (Kind::Array(items), Value::Array(values)) => {
                self.array_literal(items, values, &t.data, nullable)
            }
            (
                Kind::Object {
                    additional: Some(_),
                    ..
                },
                Value::Object(m),
            ) if m.is_empty() && !nullable => Some(Literal::TypeDefault),
            _ => None,
        }
    }

    /// A default array of type `ty` as a literal: `vec![..]` of scalars or enum variants.
    fn array_literal(
        &self,
        items: &Ir,
        values: &[Value],
        ty: &str,
        nullable: bool,
    ) -> Option<Literal> {
        let item_ty = ty.strip_prefix("Vec<")?.strip_suffix('>')?;
        if values.is_empty() && !nullable {
            return Some(Literal::TypeDefault);
        }
        let mut out = Vec::new();
        for v in values {
            if rust_enum_values(items).is_some() {
                let s = v.as_str()?;
                out.push(format!("{item_ty}::{}", self.variant_of(item_ty, s)?));
            } else {
                if !matches!(item_ty, "String" | "i32" | "i64" | "f32" | "f64" | "bool") {
                    return None;
                }
                out.push(scalar_literal(items, v, item_ty)?.0);
            }
        }
        Some(Literal::function(vec_lit(&out, 4), nullable))
    }

    fn variant_of(&self, enum_name: &str, value: &str) -> Option<String> {
        self.types.iter().find_map(|t| match t {
            TypeDef::Enum(e) if e.name == enum_name => e
                .variants
                .iter()
                .find(|(ident, rename)| {
                    rename.as_deref().unwrap_or(&names_variant_json(e, ident)) == value
                })
                .map(|(i, _)| i.clone()),
            _ => None,
        })
    }

    /// The types of the spec (and status): the whole file body.
    pub fn file(
        mut self,
        spec: &Ir,
        status: Option<&Ir>,
        root: &RootSettings,
        header: &str,
    ) -> String {
        let spec_props = spec.props().unwrap_or(&[]).to_vec();
        // With `no_spec` the struct holds the root's fields, one of which may be `spec`.
        let spec_name = if root.no_spec {
            format!("{}Fields", root.kind)
        } else {
            format!("{}Spec", root.kind)
        };
        self.used.insert(spec_name.clone());
        let status_name = format!("{}Status", root.kind);
        self.used.insert(status_name.clone());
        self.struct_type(spec, &spec_props, &spec_name, true, Some(root));
        if let Some(st) = status {
            let props = st.props().unwrap_or(&[]).to_vec();
            self.struct_type(st, &props, &status_name, true, None);
        }
        // Default functions: a number after names that several structs use.
        let mut counts: FnNames = FnNames::new();
        let mut taken: BTreeSet<String> = BTreeSet::new();
        for t in &self.types {
            if let TypeDef::Struct(s) = t {
                for (f, _, _) in &s.default_fns {
                    let mut name = f.clone();
                    let mut i = 2;
                    while !taken.insert(name.clone()) {
                        name = format!("{f}_{i}");
                        i += 1;
                    }
                    counts.insert((s.name.clone(), f.clone()), name);
                }
            }
        }
        let mut out = String::new();
        out.push_str(header);
        // Deeply nested maps and lists make types clippy finds complex; derives (KubeSchema)
        // copy the fields elsewhere, so only a module-wide allow reaches them.
        let complex = self.types.iter().any(|t| match t {
            TypeDef::Struct(s) => s.fields.iter().any(|f| type_complexity(&f.ty) > 250),
            TypeDef::Newtype(n) => type_complexity(&n.inner) > 250,
            _ => false,
        });
        if complex {
            out.push_str("#![allow(clippy::type_complexity)]\n\n");
        }
        out.push_str(&self.imports());
        let types = std::mem::take(&mut self.types);
        for t in &types {
            out.push('\n');
            match t {
                TypeDef::Struct(s) => out.push_str(&render_struct(s, &counts)),
                TypeDef::Enum(e) => out.push_str(&render_enum(e)),
                TypeDef::Newtype(n) => out.push_str(&render_newtype(n)),
                TypeDef::Pending => {}
            }
        }
        out
    }

    fn imports(&self) -> String {
        let mut out = String::new();
        if self.btreemap {
            out.push_str("use std::collections::BTreeMap;\n\n");
        }
        let mut lines: Vec<String> = Vec::new();
        for p in &self.well_known {
            lines.push(format!("use {p};"));
        }
        lines.push(if self.kube_schema {
            "use kube::{CustomResource, KubeSchema};".to_string()
        } else {
            "use kube::CustomResource;".to_string()
        });
        if self.json_schema {
            lines.push("use schemars::JsonSchema;".to_string());
        }
        lines.push("use serde::{Deserialize, Serialize};".to_string());
        lines.sort_by_key(|l| use_key(l));
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
        out
    }
}

/// rustfmt's order of `use` lines: by path segments, a `{..}` list after plain segments.
fn use_key(line: &str) -> Vec<(u8, String)> {
    let path = line.trim_start_matches("use ").trim_end_matches(';');
    path.split("::")
        .map(|seg| {
            if seg.starts_with('{') {
                (2, seg.to_string())
            } else {
                (1, seg.to_string())
            }
        })
        .collect()
}

/// How a field's default is written in Rust.
enum Literal {
    /// The type's own default: `#[serde(default)]`.
    TypeDefault,
    /// A default function with this body.
    Fn(String),
}

impl Literal {
    /// A default function returning `body` (in `Some(..)` when the field is nullable).
    fn function(body: String, nullable: bool) -> Literal {
        Literal::Fn(if nullable {
            format!("Some({body})")
        } else {
            body
        })
    }
}

/// How a field holds its value: its Rust type, its serde and schemars items, and the call that
/// gives its default.
struct Holding {
    ty: String,
    serde: Vec<Meta>,
    schemars: Vec<Meta>,
    default_call: Option<String>,
}

impl Holding {
    /// A required field: the type itself, or an `Option` that must be present when nullable.
    fn required(t: &Ty, nullable: bool) -> Holding {
        let mut schemars = Vec::new();
        let ty = if nullable {
            schemars.push(Meta::str("with", &t.schema));
            schemars.push(Meta::path("required"));
            format!("Option<{}>", t.data)
        } else {
            if t.data != t.schema {
                schemars.push(Meta::str("with", &t.schema));
            }
            t.data.clone()
        };
        Holding {
            ty,
            serde: Vec::new(),
            schemars,
            default_call: None,
        }
    }

    /// An optional field with a literal default: the type's own default, or a default
    /// function (added to `default_fns`) named after the field.
    fn literal(
        lit: Literal,
        t: &Ty,
        ident: &str,
        nullable: bool,
        default_fns: &mut Vec<(String, String, String)>,
    ) -> Holding {
        let body = match lit {
            Literal::TypeDefault => {
                return Holding {
                    ty: t.data.clone(),
                    serde: vec![Meta::path("default")],
                    schemars: Vec::new(),
                    default_call: None,
                };
            }
            Literal::Fn(body) => body,
        };
        let fn_name = format!("default_{}", unraw(ident));
        let ty = if nullable {
            format!("Option<{}>", t.data)
        } else {
            t.data.clone()
        };
        default_fns.push((fn_name.clone(), ty.clone(), body));
        let schemars = if nullable {
            vec![Meta::str("with", &t.schema)]
        } else {
            Vec::new()
        };
        Holding {
            ty,
            serde: vec![Meta::str("default", &fn_name)],
            schemars,
            default_call: Some(format!("{fn_name}()")),
        }
    }

    /// An optional field without a literal default: an `Option` left out when `None`.
    fn optional(t: &Ty) -> Holding {
        Holding {
            ty: format!("Option<{}>", t.data),
            serde: vec![
                Meta::path("default"),
                Meta::str("skip_serializing_if", "Option::is_none"),
            ],
            schemars: vec![Meta::str("with", &t.schema)],
            default_call: None,
        }
    }
}

/// The attributes of a field: rename, serde, schemars (the holding's items, then the
/// keywords', then `inner(..)`), description, extends and x_kube.
fn field_attrs(
    rename: Option<String>,
    serde: Vec<Meta>,
    mut schemars: Vec<Meta>,
    t: &Ty,
    r: &Rendered,
) -> Vec<Attr> {
    schemars.extend(r.schemars.iter().cloned());
    if !t.inner.is_empty() {
        schemars.push(Meta::list("inner", t.inner.clone()));
    }
    let mut attrs = Vec::new();
    if let Some(rn) = &rename {
        attrs.push(Attr::new("serde", vec![Meta::str("rename", rn)]));
    }
    if !serde.is_empty() {
        attrs.push(Attr::new("serde", serde));
    }
    if !schemars.is_empty() {
        attrs.push(Attr::new("schemars", schemars));
    }
    if let Some(d) = &r.description {
        attrs.push(Attr::new("schemars", vec![Meta::str("description", d)]));
    }
    for (k, v) in &r.extends {
        attrs.push(extend_attr(k, v));
    }
    for x in &r.x_kube {
        attrs.push(Attr::new("x_kube", vec![Meta::Raw(x.clone())]));
    }
    attrs
}

/// A scalar default as a Rust literal of type `ty`, and whether it is the type's own default;
/// `None` for a value the type cannot hold and for enum values.
fn scalar_literal(n: &Ir, d: &Value, ty: &str) -> Option<(String, bool)> {
    match (&n.kind, d) {
        (Kind::String, Value::String(s)) if rust_enum_values(n).is_none() => {
            Some((format!("{}.into()", str_lit(s)), s.is_empty()))
        }
        (Kind::Integer, Value::Number(x)) if x.is_i64() || x.is_u64() => {
            let v = x.as_i64()?;
            if ty == "i32" && i32::try_from(v).is_err() {
                return None;
            }
            Some((v.to_string(), v == 0))
        }
        (Kind::Number, Value::Number(x)) => {
            let f = x.as_f64()?;
            if ty == "f32" && (f as f32) as f64 != f {
                return None;
            }
            Some((float(f), f == 0.0))
        }
        (Kind::Boolean, Value::Bool(b)) => Some((b.to_string(), !b)),
        _ => None,
    }
}

/// The names of a struct's fields follow `rename_all = "camelCase"` when that gives every
/// property's name; `None` otherwise.
fn field_rule(props: &[Prop], idents: &[String]) -> Option<RenameRule> {
    let pairs: Vec<(String, String)> = idents
        .iter()
        .cloned()
        .zip(props.iter().map(|p| p.name.clone()))
        .collect();
    best_rule(&pairs, |r, i| r.field(i), &[RenameRule::Camel])
}

/// The keywords of an object on its own struct, with its `default` and `nullable`.
fn struct_keywords(n: &Ir) -> Rendered {
    let mut r = keywords(n, Site::Struct, false);
    if let Some(d) = &n.default {
        r.extend("default", json_arg(&d.value));
    }
    if let Some(b) = n.nullable {
        r.extend("nullable", b.to_string());
    }
    r
}

/// A flattened map for the fields the schema does not list, named apart from the others.
fn unknown_fields(idents: &[String]) -> FieldDef {
    let mut ident = "unknown_fields".to_string();
    while idents.iter().any(|i| unraw(i) == ident) {
        ident.push('_');
    }
    FieldDef {
        doc: None,
        attrs: vec![Attr::new("serde", vec![Meta::path("flatten")])],
        comment: Some("Fields the schema does not list, kept as they are.".into()),
        ident,
        ty: "BTreeMap<String, serde_json::Value>".into(),
        default_call: None,
        default_value: None,
        implements_default: true,
    }
}

fn names_variant_json(e: &EnumDef, ident: &str) -> String {
    let rule = e.attrs.iter().find_map(|a| {
        if a.name != "serde" {
            return None;
        }
        a.items.iter().find_map(|m| match m {
            Meta::NameValue(k, super::fmt::Lit::Plain(v)) if k == "rename_all" => {
                let v = v.trim_matches('"');
                RenameRule::parse(v)
            }
            _ => None,
        })
    });
    match rule {
        Some(r) => r.variant(ident),
        None => ident.to_string(),
    }
}

/// Whether clippy's `enum_variant_names` would fire: three or more variants sharing a leading
/// or trailing camel-case word, or a variant starting or ending with the enum's name.
fn variant_names_lint(enum_name: &str, variants: &[String]) -> bool {
    fn words(s: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in s.chars() {
            if c.is_uppercase() || out.is_empty() {
                out.push(c.to_string());
            } else if let Some(last) = out.last_mut() {
                last.push(c);
            }
        }
        out
    }
    for v in variants {
        if v.starts_with(enum_name) || v.ends_with(enum_name) {
            return true;
        }
    }
    if variants.len() < 3 {
        return false;
    }
    let ws: Vec<Vec<String>> = variants.iter().map(|v| words(v)).collect();
    let first = &ws[0];
    let prefix = ws.iter().all(|w| w.len() > 1 && w.first() == first.first());
    let suffix = ws.iter().all(|w| w.len() > 1 && w.last() == first.last());
    prefix || suffix || variants.iter().any(|v| v.len() <= 1)
}

/// A value for a hand-written `Default` of well-known types that have no `Default`.
fn value_without_default(ty: &str) -> Option<String> {
    let last = ty.rsplit("::").next().unwrap_or(ty);
    match last {
        "Time" | "MicroTime" => Some(format!("{ty}(Default::default())")),
        "Duration" => Some("std::time::Duration::ZERO.into()".to_string()),
        _ => None,
    }
}
