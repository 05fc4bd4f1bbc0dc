//! Rust types → raw JSON schemas, the way `#[derive(JsonSchema)]` (schemars 1.2.3) and
//! `#[derive(KubeSchema)]` (kube-derive 5.0.0) build them with kube's generator settings
//! (OpenAPI 3, every subschema inlined, deserialize contract). The result is "raw": schemars'
//! and kube-core's transforms run afterwards, in `transforms.rs`, by calling those crates.

use std::cell::Cell;
use std::path::Path;

use proc_macro2::Span;
use serde_json::{Map, Value, json};
use syn::spanned::Spanned;

use super::attrs::derive::derives;
use super::attrs::docs::title_and_description;
use super::attrs::schemars::{AttrSite, SchemarsAttrs};
use super::attrs::serde::SerdeAttrs;
use super::attrs::validation::Validation;
use super::attrs::x_kube::XKube;
use super::error::{CrdError, Result};
use super::rename::RenameRule;
use super::source::{ItemRef, ModPath, Project, Resolved, ident_str, item_attrs};
use super::transforms::apply_kube_transforms;
use super::{k8s, nesting};

/// Where a piece of syntax was written: its module (for name resolution) and file (for errors).
#[derive(Clone, Copy)]
pub(crate) struct Loc<'p> {
    pub module: &'p ModPath,
    pub file: &'p Path,
}

impl<'p> Loc<'p> {
    pub fn of(item: &ItemRef<'p>) -> Self {
        Loc {
            module: item.module,
            file: item.file,
        }
    }
    pub fn err(&self, span: Span, msg: impl Into<String>) -> CrdError {
        CrdError::at(self.file, span, msg)
    }
}

/// What a Rust type is, for schema purposes.
pub(crate) enum Class<'p> {
    Prim(&'static str),
    Unit,
    Option(Box<syn::Type>, Loc<'p>),
    Seq(Box<syn::Type>, Loc<'p>),
    /// HashSet, BTreeSet: `uniqueItems`, which kube-core removes.
    Set(Box<syn::Type>, Loc<'p>),
    Map(Box<syn::Type>, Box<syn::Type>, Loc<'p>),
    Boxed(Box<syn::Type>, Loc<'p>),
    Local(ItemRef<'p>),
    K8s(&'static str),
    JsonValue,
}

const PRIMS: &[&str] = &[
    "String", "str", "bool", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64",
    "u128", "usize", "f32", "f64", "char",
];

/// The raw schema of a primitive.
pub(crate) fn prim_schema(name: &str) -> Value {
    match name {
        "String" | "str" => json!({"type": "string"}),
        "bool" => json!({"type": "boolean"}),
        "f32" => json!({"type": "number", "format": "float"}),
        "f64" => json!({"type": "number", "format": "double"}),
        "i8" => {
            json!({"type": "integer", "format": "int8", "minimum": i8::MIN, "maximum": i8::MAX})
        }
        "i16" => {
            json!({"type": "integer", "format": "int16", "minimum": i16::MIN, "maximum": i16::MAX})
        }
        "i32" => json!({"type": "integer", "format": "int32"}),
        "i64" => json!({"type": "integer", "format": "int64"}),
        "i128" => json!({"type": "integer", "format": "int128"}),
        "isize" => json!({"type": "integer", "format": "int"}),
        "u8" => {
            json!({"type": "integer", "format": "uint8", "minimum": u8::MIN, "maximum": u8::MAX})
        }
        "u16" => {
            json!({"type": "integer", "format": "uint16", "minimum": u16::MIN, "maximum": u16::MAX})
        }
        "u32" => json!({"type": "integer", "format": "uint32", "minimum": 0}),
        "u64" => json!({"type": "integer", "format": "uint64", "minimum": 0}),
        "u128" => json!({"type": "integer", "format": "uint128", "minimum": 0}),
        "usize" => json!({"type": "integer", "format": "uint", "minimum": 0}),
        "char" => json!({"type": "string", "minLength": 1, "maxLength": 1}),
        _ => json!({}),
    }
}

fn type_args(seg: &syn::PathSegment) -> Vec<syn::Type> {
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A type as written, for messages (rendered only when one is shown).
pub(crate) struct Shown<'t>(&'t syn::Type);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ty = self.0;
        f.write_str(&quote::quote!(#ty).to_string().replace(' ', ""))
    }
}

fn item_generics(item: &syn::Item) -> Option<&syn::Generics> {
    match item {
        syn::Item::Struct(s) => Some(&s.generics),
        syn::Item::Enum(e) => Some(&e.generics),
        syn::Item::Type(t) => Some(&t.generics),
        _ => None,
    }
}

fn item_ident(item: &syn::Item) -> Option<&syn::Ident> {
    match item {
        syn::Item::Struct(s) => Some(&s.ident),
        syn::Item::Enum(e) => Some(&e.ident),
        syn::Item::Type(t) => Some(&t.ident),
        _ => None,
    }
}

/// `schema.has_type(t)` of schemars.
fn has_type(schema: &Value, t: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(s)) => s == t,
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(t)),
        _ => false,
    }
}

fn obj(schema: &mut Value) -> &mut Map<String, Value> {
    if !schema.is_object() {
        // schemars' `ensure_object`: `true` becomes `{}`, `false` becomes `{"not": {}}`.
        *schema = if schema.as_bool() == Some(false) {
            json!({"not": {}})
        } else {
            json!({})
        };
    }
    schema.as_object_mut().expect("object")
}

const IMMEDIATE_SUBSCHEMA_KEYS: &[&str] = &["if", "allOf", "anyOf", "oneOf", "$ref"];

fn has_immediate_subschema(m: &Map<String, Value>) -> bool {
    IMMEDIATE_SUBSCHEMA_KEYS.iter().any(|k| m.contains_key(*k))
}

/// `Option<T>`: the schema of `T` that also accepts `null` (schemars' `allow_null`).
pub(crate) fn allow_null(mut schema: Value) -> Value {
    let is_null_schema = |v: &Value| has_type(v, "null");
    match &mut schema {
        Value::Bool(true) => schema,
        Value::Bool(false) => json!({"type": "null"}),
        Value::Object(m) => {
            if m.len() == 1
                && m.get("anyOf")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(is_null_schema))
            {
                return schema;
            }
            if has_immediate_subschema(m) {
                return json!({"anyOf": [schema, {"type": "null"}]});
            }
            if let Some(t) = m.get_mut("type") {
                match t {
                    Value::Array(a) if !a.contains(&json!("null")) => a.push(json!("null")),
                    Value::String(s) if s != "null" => {
                        *t = json!([s.clone(), "null"]);
                    }
                    _ => {}
                }
            }
            if let Some(c) = m.remove("const") {
                if !c.is_null() {
                    m.insert("enum".into(), json!([c, null]));
                }
            } else if let Some(Value::Array(e)) = m.get_mut("enum")
                && !e.contains(&Value::Null)
            {
                e.push(Value::Null);
            }
            schema
        }
        _ => schema,
    }
}

/// Adds a property (and, unless optional, its name to `required`), as schemars does.
pub(crate) fn insert_property(schema: &mut Value, name: &str, optional: bool, sub: Value) {
    let m = obj(schema);
    if let Some(Value::Object(props)) = Some(m.entry("properties").or_insert_with(|| json!({}))) {
        props.insert(name.to_string(), sub);
    }
    if !optional && let Value::Array(req) = m.entry("required").or_insert_with(|| json!([])) {
        req.push(json!(name));
    }
}

fn insert_if_nonempty(schema: &mut Value, key: &str, value: &str) {
    if !value.is_empty() {
        obj(schema).insert(key.into(), json!(value));
    }
}

/// schemars' common mutators (title, description, deprecated, examples).
pub(crate) fn apply_common(schema: &mut Value, a: &SchemarsAttrs) {
    let (doc_title, doc_desc) = match &a.doc {
        Some(d) => {
            let (t, d) = title_and_description(d);
            (Some(t), Some(d))
        }
        None => (None, None),
    };
    if let Some(t) = a.title.clone().or(doc_title) {
        insert_if_nonempty(schema, "title", &t);
    }
    if let Some(d) = a.description.clone().or(doc_desc) {
        insert_if_nonempty(schema, "description", &d);
    }
    if a.deprecated {
        obj(schema).insert("deprecated".into(), json!(true));
    }
    if !a.examples.is_empty() {
        obj(schema).insert("examples".into(), Value::Array(a.examples.clone()));
    }
}

/// schemars' post-mutators: `extend(...)` keys, in order. Refuses an `anyOf`/`oneOf`/`allOf`/`not`
/// that would replace the one the type's schema has (an enum's variants, `Option` of a struct).
fn apply_extensions(schema: &mut Value, a: &SchemarsAttrs, loc: Loc<'_>) -> Result<()> {
    for (i, (k, v)) in a.extensions.iter().enumerate() {
        if matches!(k.as_str(), "anyOf" | "oneOf" | "allOf" | "not")
            && let Some(old) = schema.get(k.as_str())
            && old != v
        {
            let span = a
                .extension_spans
                .get(i)
                .copied()
                .unwrap_or_else(Span::call_site);
            return Err(loc
                .err(span, format!("`extend(\"{k}\" = ..)` would replace the `{k}` of the type's own schema"))
                .hint("put the constraint on a field whose type has no `anyOf`/`oneOf`/`allOf`/`not` (e.g. `#[schemars(with = \"T\")]` for an `Option<T>`), or use a CEL rule"));
        }
        obj(schema).insert(k.clone(), v.clone());
    }
    Ok(())
}

fn escape_regex(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '.'
                | '+'
                | '*'
                | '?'
                | '('
                | ')'
                | '|'
                | '['
                | ']'
                | '{'
                | '}'
                | '^'
                | '$'
                | '#'
                | '&'
                | '-'
                | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn apply_validation(schema: &mut Value, v: &Validation) {
    let put = |schema: &mut Value, ty: &str, key: &str, value: &Value| {
        if has_type(schema, ty) || (ty == "number" && has_type(schema, "integer")) {
            obj(schema).insert(key.into(), value.clone());
        }
    };
    if let Some(b) = &v.length {
        if let Some(min) = &b.min {
            put(schema, "string", "minLength", min);
        }
        if let Some(max) = &b.max {
            put(schema, "string", "maxLength", max);
        }
        if let Some(min) = &b.min {
            put(schema, "array", "minItems", min);
        }
        if let Some(max) = &b.max {
            put(schema, "array", "maxItems", max);
        }
    }
    if let Some(b) = &v.range {
        if let Some(min) = &b.min {
            put(schema, "number", "minimum", min);
        }
        if let Some(max) = &b.max {
            put(schema, "number", "maximum", max);
        }
    }
    if let Some(p) = &v.pattern {
        put(schema, "string", "pattern", &json!(p));
    }
    if let Some(c) = &v.contains {
        put(schema, "string", "pattern", &json!(escape_regex(c)));
    }
    if let Some(f) = v.format {
        obj(schema).insert("format".into(), json!(f));
    }
    if let Some(inner) = &v.inner
        && !inner.is_empty()
        && let Some(items) = schema.get_mut("items")
        && (items.is_object() || items.is_boolean())
    {
        apply_validation(items, inner);
    }
}

/// Merges a flattened field's schema into its parent (schemars' `flatten`), refusing the cases
/// where schemars would switch to `unevaluatedProperties`.
pub(crate) fn flatten_into(
    parent: &mut Value,
    other: Value,
    loc: Loc<'_>,
    span: Span,
) -> Result<()> {
    let Value::Object(mut other) = other else {
        return Err(loc
            .err(span, "this flattened field has no object schema")
            .hint("flatten a struct, or a map of serde_json::Value"));
    };
    let p = obj(parent);
    let clash = |a: &Map<String, Value>, b: &Map<String, Value>| {
        a.contains_key("additionalProperties")
            && (b.contains_key("unevaluatedProperties") || has_immediate_subschema(b))
    };
    if clash(p, &other) || clash(&other, p) {
        return Err(loc.err(span, "flattening this field mixes additionalProperties with subschemas (schemars then emits unevaluatedProperties)")
            .hint("avoid combining a flattened enum with `deny_unknown_fields` or a flattened map"));
    }
    for (k, v) in std::mem::take(&mut other) {
        flatten_key(p, k, v);
    }
    Ok(())
}

fn flatten_key(p: &mut Map<String, Value>, k: String, v: Value) {
    match p.get_mut(&k) {
        None => {
            p.insert(k, v);
        }
        Some(existing) => match k.as_str() {
            "required" | "allOf" => {
                if let (Value::Array(a), Value::Array(b)) = (existing, v) {
                    a.extend(b);
                }
            }
            "properties" | "patternProperties" => {
                if let (Value::Object(a), Value::Object(b)) = (existing, v) {
                    a.extend(b);
                }
            }
            "oneOf" | "anyOf" => {
                let current = p.remove(&k).expect("present");
                flatten_key(p, "allOf".into(), json!([{ k.clone(): current }, { k: v }]));
            }
            _ => {}
        },
    }
}

/// schemars' `AllowUnknownProperties` on a flattened schema: drop `additionalProperties: false`
/// here and in immediate subschemas.
pub(crate) fn allow_unknown_properties(schema: &mut Value) {
    if let Value::Object(m) = schema {
        for key in ["additionalProperties", "unevaluatedProperties"] {
            if m.get(key) == Some(&Value::Bool(false)) {
                m.remove(key);
            }
        }
        for (k, v) in m.iter_mut() {
            match k.as_str() {
                "if" | "then" | "else" => allow_unknown_properties(v),
                "allOf" | "anyOf" | "oneOf" => {
                    if let Value::Array(a) = v {
                        a.iter_mut().for_each(allow_unknown_properties);
                    }
                }
                _ => {}
            }
        }
    }
}

/// One named field, read once.
pub(crate) struct FieldInfo<'f> {
    pub field: &'f syn::Field,
    pub ident: String,
    pub serde: SerdeAttrs,
    pub schemars: SchemarsAttrs,
}

pub(crate) struct Gen<'p, 'a> {
    pub project: &'p Project<'a>,
    pub(crate) stack: Vec<*const syn::Item>,
    /// The structs and enums derived so far, with the schema of those derived twice (a schema
    /// depends on the item alone; one used once is not kept).
    schemas: std::collections::HashMap<*const syn::Item, Option<Value>>,
    /// How many types the walk is inside of (containers, aliases, fields), at most
    /// [`nesting::MAX_DEPTH`].
    depth: Cell<usize>,
}

impl<'p, 'a> Gen<'p, 'a> {
    pub fn new(project: &'p Project<'a>) -> Self {
        Gen {
            project,
            stack: Vec::new(),
            schemas: std::collections::HashMap::new(),
            depth: Cell::new(0),
        }
    }

    /// Runs `walk` one type deeper; past [`nesting::MAX_DEPTH`], refused at `span`.
    pub(crate) fn deeper<T>(
        &mut self,
        loc: Loc<'p>,
        span: Span,
        walk: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        self.enter(loc, span)?;
        let out = walk(self);
        self.leave();
        out
    }

    /// [`Gen::deeper`] for a walk that only reads.
    fn deeper_ref<T>(
        &self,
        loc: Loc<'p>,
        span: Span,
        walk: impl FnOnce(&Self) -> Result<T>,
    ) -> Result<T> {
        self.enter(loc, span)?;
        let out = walk(self);
        self.leave();
        out
    }

    /// Counts one type more that the walk is inside of.
    fn enter(&self, loc: Loc<'p>, span: Span) -> Result<()> {
        let depth = self.depth.get() + 1;
        if depth > nesting::MAX_DEPTH {
            return Err(nesting::too_deep(loc.file, span));
        }
        self.depth.set(depth);
        Ok(())
    }

    /// Counts the type the walk has finished.
    fn leave(&self) {
        self.depth.set(self.depth.get() - 1);
    }

    /// Classifies a type written at `loc`.
    pub fn classify(&self, loc: Loc<'p>, ty: &syn::Type) -> Result<Class<'p>> {
        match ty {
            syn::Type::Paren(p) => {
                self.deeper_ref(loc, ty.span(), |this| this.classify(loc, &p.elem))
            }
            syn::Type::Group(g) => {
                self.deeper_ref(loc, ty.span(), |this| this.classify(loc, &g.elem))
            }
            syn::Type::Reference(r) => {
                self.deeper_ref(loc, ty.span(), |this| this.classify(loc, &r.elem))
            }
            syn::Type::Tuple(t) if t.elems.is_empty() => Ok(Class::Unit),
            syn::Type::Tuple(t) => Err(loc.err(t.span(), "tuple types are not supported in a CRD schema")
                .hint("use a struct with named fields (schemars emits `prefixItems` for tuples, which a CRD cannot hold)")),
            syn::Type::Array(a) => Err(loc.err(a.span(), "fixed-size arrays are not supported").hint("use Vec<T> with `#[schemars(length(min = N, max = N))]`")),
            syn::Type::Slice(s) => Ok(Class::Seq(s.elem.clone(), loc)),
            syn::Type::Path(tp) if tp.qself.is_none() => self.classify_path(loc, ty, &tp.path),
            other => Err(loc.err(other.span(), "this kind of type is not supported in a CRD schema")),
        }
    }

    fn classify_path(&self, loc: Loc<'p>, ty: &syn::Type, path: &syn::Path) -> Result<Class<'p>> {
        let shown = Shown(ty);
        let last = path.segments.last().expect("a path has a segment");
        let args = type_args(last);
        let resolved = self.project.resolve_path(loc.module, path);
        match resolved {
            Some(Resolved::Item(item)) => {
                if let Some(g) = item_generics(item.item)
                    && !g.params.is_empty()
                {
                    return Err(loc.err(path.span(), format!("generic type `{shown}` is not supported"))
                        .hint("kubeforge reads types without compiling; use a concrete (non-generic) type"));
                }
                if !args.is_empty() {
                    return Err(loc.err(path.span(), format!("type arguments on `{shown}` are not supported")));
                }
                match item.item {
                    syn::Item::Struct(_) | syn::Item::Enum(_) => Ok(Class::Local(item)),
                    // A type alias that refers to itself ends at the depth limit.
                    syn::Item::Type(alias) => self.deeper_ref(loc, path.span(), |this| {
                        this.classify(Loc::of(&item), &alias.ty)
                    }),
                    _ => Err(loc.err(path.span(), format!("`{shown}` is not a struct, an enum or a type alias"))),
                }
            }
            Some(Resolved::Module(_)) => Err(loc.err(path.span(), format!("`{shown}` is a module, not a type"))),
            Some(Resolved::Extern(segs)) => self.classify_extern(loc, path, &shown, &segs, args),
            None => Err(loc.err(path.span(), format!("cannot resolve type `{shown}`"))
                .hint("define the type in a file under src/api/, import it with `use`, or use a supported well-known type")),
        }
    }

    fn classify_extern(
        &self,
        loc: Loc<'p>,
        path: &syn::Path,
        shown: &Shown<'_>,
        segs: &[String],
        args: Vec<syn::Type>,
    ) -> Result<Class<'p>> {
        if let Some(c) = k8s::canonical(segs) {
            return Ok(Class::K8s(c));
        }
        let name = segs.last().map(String::as_str).unwrap_or("");
        let std_like = segs.len() == 1 || matches!(segs[0].as_str(), "std" | "core" | "alloc");
        if segs.first().map(String::as_str) == Some("serde_json") && name == "Value" {
            return Ok(Class::JsonValue);
        }
        if std_like {
            let arg = |i: usize| -> Result<Box<syn::Type>> {
                args.get(i)
                    .cloned()
                    .map(Box::new)
                    .ok_or_else(|| loc.err(path.span(), format!("`{shown}` needs type arguments")))
            };
            if PRIMS.contains(&name) && args.is_empty() {
                let p = PRIMS.iter().find(|p| **p == name).expect("listed");
                return Ok(Class::Prim(p));
            }
            match name {
                "PathBuf" => return Ok(Class::Prim("String")),
                "Option" => return Ok(Class::Option(arg(0)?, loc)),
                "Vec" | "VecDeque" | "LinkedList" => return Ok(Class::Seq(arg(0)?, loc)),
                "BTreeMap" | "HashMap" => return Ok(Class::Map(arg(0)?, arg(1)?, loc)),
                "Box" | "Rc" | "Arc" => return Ok(Class::Boxed(arg(0)?, loc)),
                "BTreeSet" | "HashSet" => return Ok(Class::Set(arg(0)?, loc)),
                _ => {}
            }
        }
        if k8s::is_k8s_crate(segs) {
            return Err(loc
                .err(
                    path.span(),
                    format!(
                        "`{}` is not one of the well-known Kubernetes types kubeforge knows",
                        segs.join("::")
                    ),
                )
                .hint(format!(
                    "supported: {}",
                    k8s::WELL_KNOWN
                        .iter()
                        .map(|p| p.rsplit("::").next().unwrap_or(p))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
        }
        Err(loc.err(path.span(), format!("cannot resolve type `{shown}`"))
            .hint("define the type in a file under src/api/, import it with `use`, or use a supported well-known type"))
    }

    /// `subschema_for::<T>()` (always inlined with kube's settings).
    pub fn schema(&mut self, loc: Loc<'p>, ty: &syn::Type) -> Result<Value> {
        self.deeper(loc, ty.span(), |this| {
            let class = this.classify(loc, ty)?;
            this.class_schema(loc, ty, class)
        })
    }

    fn class_schema(&mut self, loc: Loc<'p>, ty: &syn::Type, class: Class<'p>) -> Result<Value> {
        match class {
            Class::Prim(p) => Ok(prim_schema(p)),
            Class::Unit => Ok(json!({"type": "null"})),
            Class::Option(inner, iloc) => {
                let s = self.schema(iloc, &inner)?;
                if let Value::Object(m) = &s
                    && m.contains_key("enum")
                    && !has_immediate_subschema(m)
                {
                    return Err(loc.err(ty.span(), "an optional enum whose variants have no doc comments gets a `null` enum entry from kube")
                        .hint("document every variant with a `///` comment (kube then emits a clean enum), or make the field non-optional with #[serde(default)]"));
                }
                Ok(allow_null(s))
            }
            Class::Seq(inner, iloc) => Ok(json!({"type": "array", "items": self.schema(iloc, &inner)?})),
            Class::Set(inner, iloc) => Ok(json!({"type": "array", "uniqueItems": true, "items": self.schema(iloc, &inner)?})),
            Class::Map(key, value, iloc) => {
                match self.classify(iloc, &key)? {
                    Class::Prim("String" | "str") => {}
                    _ => {
                        return Err(loc.err(key.span(), "map keys must be strings in a CRD schema").hint("use BTreeMap<String, V>"));
                    }
                }
                Ok(json!({"type": "object", "additionalProperties": self.schema(iloc, &value)?}))
            }
            Class::Boxed(inner, iloc) => self.schema(iloc, &inner),
            Class::Local(item) => self.item_schema(item, ty.span(), loc),
            Class::K8s(c) => k8s::raw_schema(c).ok_or_else(|| {
                loc.err(ty.span(), format!("no captured schema for `{c}`")).hint("regenerate src/crd/k8s_schemas.json with UPDATE_K8S_SCHEMAS=1 cargo test --test it crd_k8s_schemas::")
            }),
            Class::JsonValue => Err(loc.err(ty.span(), "serde_json::Value has no structural schema")
                .hint("use a typed struct, or `#[serde(flatten)] extra: BTreeMap<String, serde_json::Value>` to keep unknown fields")),
        }
    }

    /// `_schemars_private_is_option()` of a type.
    pub fn is_option(&self, loc: Loc<'p>, ty: &syn::Type) -> Result<bool> {
        Ok(match self.classify(loc, ty)? {
            Class::Option(..) => true,
            Class::Boxed(inner, iloc) => {
                self.deeper_ref(loc, ty.span(), |this| this.is_option(iloc, &inner))?
            }
            _ => false,
        })
    }

    /// `_schemars_private_non_optional_json_schema()` of a type.
    pub fn non_optional_schema(&mut self, loc: Loc<'p>, ty: &syn::Type) -> Result<Value> {
        match self.classify(loc, ty)? {
            Class::Option(inner, iloc) | Class::Boxed(inner, iloc) => {
                self.deeper(loc, ty.span(), |this| {
                    this.non_optional_schema(iloc, &inner)
                })
            }
            class => self.class_schema(loc, ty, class),
        }
    }

    /// The schema of the `#[derive(CustomResource)]` type itself.
    pub fn item_schema_for_root(&mut self, item: ItemRef<'p>, span: Span) -> Result<Value> {
        self.item_schema(item, span, Loc::of(&item))
    }

    /// The schema of a type written in the module of `item`.
    pub fn schema_at(&mut self, item: ItemRef<'p>, ty: &syn::Type) -> Result<Value> {
        self.schema(Loc::of(&item), ty)
    }

    /// The schema of a struct or enum defined in the sources.
    pub fn item_schema(
        &mut self,
        item: ItemRef<'p>,
        use_span: Span,
        use_loc: Loc<'p>,
    ) -> Result<Value> {
        let key = item.item as *const syn::Item;
        if let Some(Some(schema)) = self.schemas.get(&key) {
            return Ok(schema.clone());
        }
        if self.stack.contains(&key) {
            return Err(use_loc
                .err(
                    use_span,
                    format!("recursive type `{}` is not supported", item.name()),
                )
                .hint("a CRD schema cannot refer to itself; break the cycle"));
        }
        let loc = Loc::of(&item);
        let attrs = item_attrs(item.item);
        let ident = item_ident(item.item).expect("struct or enum");
        let derived = derives(attrs);
        let kube_schema = derived.iter().any(|d| d == "KubeSchema");
        let json_schema = derived.iter().any(|d| d == "JsonSchema");
        if !kube_schema && !json_schema {
            return Err(loc.err(ident.span(), format!("`{ident}` does not derive JsonSchema"))
                .hint("add `#[derive(JsonSchema)]` (or `KubeSchema` for CEL rules); hand-written JsonSchema impls cannot be read"));
        }
        self.stack.push(key);
        let result = self.item_schema_inner(item, loc, kube_schema);
        self.stack.pop();
        if let Ok(schema) = &result {
            let again = self.schemas.contains_key(&key);
            self.schemas.insert(key, again.then(|| schema.clone()));
        }
        result
    }

    fn item_schema_inner(
        &mut self,
        item: ItemRef<'p>,
        loc: Loc<'p>,
        kube_schema: bool,
    ) -> Result<Value> {
        let attrs = item_attrs(item.item);
        let serde = SerdeAttrs::parse(attrs, loc.file)?;
        let mut schemars = SchemarsAttrs::parse(attrs, AttrSite::Container, loc.file)?;
        // KubeSchema re-derives the type keeping only serde/schemars/doc attributes.
        schemars.deprecated &= !kube_schema;
        if let Some((k, span)) = &serde.unsupported {
            return Err(loc.err(*span, format!("`#[serde({k})]` on a type is not supported"))
                .hint("kubeforge reads the type's own fields; write the schema-relevant type directly"));
        }
        match item.item {
            syn::Item::Struct(s) => {
                self.struct_item_schema(item, s, &serde, &schemars, loc, kube_schema)
            }
            syn::Item::Enum(e) => {
                if kube_schema {
                    return Err(loc
                        .err(
                            e.ident.span(),
                            "`#[derive(KubeSchema)]` supports structs with named fields only",
                        )
                        .hint("derive JsonSchema on enums"));
                }
                let mut schema = self.enum_schema(e, &serde, loc)?;
                apply_common(&mut schema, &schemars);
                apply_extensions(&mut schema, &schemars, loc)?;
                Ok(schema)
            }
            _ => unreachable!("item_schema is called for structs and enums"),
        }
    }

    /// The schema of a struct: its fields' schema, then the container's metadata and extensions
    /// and, with KubeSchema, the `#[x_kube]` rules of the struct and its fields.
    fn struct_item_schema(
        &mut self,
        item: ItemRef<'p>,
        s: &syn::ItemStruct,
        serde: &SerdeAttrs,
        schemars: &SchemarsAttrs,
        loc: Loc<'p>,
        kube_schema: bool,
    ) -> Result<Value> {
        let xkube = if kube_schema {
            XKube::parse(&s.attrs, false, loc.file)?
        } else {
            XKube::default()
        };
        if !kube_schema && let Some(a) = s.attrs.iter().find(|a| a.path().is_ident("x_kube")) {
            return Err(loc
                .err(
                    a.span(),
                    "`#[x_kube]` needs `#[derive(KubeSchema)]` instead of JsonSchema",
                )
                .hint("replace `JsonSchema` with `kube::KubeSchema` in the struct's derive list"));
        }
        let mut schema = self.struct_fields_schema(item, s, serde, loc, kube_schema)?;
        apply_common(&mut schema, schemars);
        apply_extensions(&mut schema, schemars, loc)?;
        if kube_schema {
            for rule in &xkube.validations {
                push_validation(&mut schema, rule.clone());
            }
            if let syn::Fields::Named(named) = &s.fields {
                self.apply_field_x_kube(&mut schema, named.named.iter(), serde, loc)?;
            }
        }
        Ok(schema)
    }

    /// The schema of a struct's fields: an object for named fields, the field's own schema for a
    /// newtype (JsonSchema only); tuple and unit structs are refused.
    fn struct_fields_schema(
        &mut self,
        item: ItemRef<'p>,
        s: &syn::ItemStruct,
        serde: &SerdeAttrs,
        loc: Loc<'p>,
        kube_schema: bool,
    ) -> Result<Value> {
        match &s.fields {
            syn::Fields::Named(named) => {
                let fields = self.read_fields(named.named.iter(), loc, kube_schema)?;
                let rule = serde.rename_all_de;
                let container_default = self.container_default(&item, serde, loc)?;
                self.struct_schema(
                    &fields,
                    rule,
                    container_default,
                    serde.deny_unknown_fields,
                    loc,
                )
            }
            syn::Fields::Unnamed(un) if un.unnamed.len() == 1 && !kube_schema => {
                let f = &un.unnamed[0];
                let fs = SerdeAttrs::parse(&f.attrs, loc.file)?;
                let fa = SchemarsAttrs::parse(&f.attrs, AttrSite::Field, loc.file)?;
                let mut s = self.field_base_schema(f, &fa, loc)?;
                self.field_mutators(&mut s, &fa, &fs);
                apply_extensions(&mut s, &fa, loc)?;
                Ok(s)
            }
            syn::Fields::Unnamed(un) => Err(loc
                .err(un.span(), "tuple structs are not supported in a CRD schema")
                .hint("use a struct with named fields")),
            syn::Fields::Unit => Err(loc
                .err(
                    s.ident.span(),
                    "unit structs have a `null` schema, which a CRD cannot hold",
                )
                .hint("use a struct with named fields")),
        }
    }

    /// Reads the named fields of a struct or struct variant.
    pub fn read_fields<'f>(
        &self,
        fields: impl Iterator<Item = &'f syn::Field>,
        loc: Loc<'p>,
        kube_schema: bool,
    ) -> Result<Vec<FieldInfo<'f>>> {
        let mut out = Vec::new();
        for f in fields {
            let ident = f.ident.as_ref().map(ident_str).unwrap_or_default();
            let serde = SerdeAttrs::parse(&f.attrs, loc.file)?;
            if let Some((k, span)) = &serde.unsupported {
                return Err(loc.err(*span, format!("`#[serde({k})]` on a field is not supported"))
                    .hint("use `#[schemars(with = \"Type\")]` to give the field the schema of another type"));
            }
            let mut schemars = SchemarsAttrs::parse(&f.attrs, AttrSite::Field, loc.file)?;
            schemars.deprecated &= !kube_schema;
            if kube_schema && let Some(span) = schemars.garde_span {
                return Err(loc.err(span, "`#[derive(KubeSchema)]` drops `#[garde(..)]` attributes, so kube leaves this constraint out of the CRD")
                    .hint("repeat it in `#[schemars(..)]` (or in `#[validate(..)]`, which KubeSchema keeps), or derive JsonSchema if the struct needs no `#[x_kube]`"));
            }
            let has_xkube = f.attrs.iter().find(|a| a.path().is_ident("x_kube"));
            if let Some(a) = has_xkube
                && !kube_schema
            {
                return Err(loc.err(a.span(), "`#[x_kube]` needs `#[derive(KubeSchema)]` on the struct instead of JsonSchema")
                    .hint("replace `JsonSchema` with `kube::KubeSchema` in the struct's derive list"));
            }
            XKube::parse(&f.attrs, true, loc.file)?;
            out.push(FieldInfo {
                field: f,
                ident,
                serde,
                schemars,
            });
        }
        Ok(out)
    }

    /// The schema of a field's type (or of its `with` type), non-optional when `required`.
    fn field_base_schema(
        &mut self,
        f: &syn::Field,
        a: &SchemarsAttrs,
        loc: Loc<'p>,
    ) -> Result<Value> {
        let ty = a.with.as_ref().unwrap_or(&f.ty);
        if a.required {
            self.non_optional_schema(loc, ty)
        } else {
            self.schema(loc, ty)
        }
    }

    /// Field mutators before the default: common metadata, validation, read/write-only.
    fn field_mutators(&self, schema: &mut Value, a: &SchemarsAttrs, s: &SerdeAttrs) {
        apply_common(schema, a);
        apply_validation(schema, &a.validation);
        if s.skip_de {
            obj(schema).insert("readOnly".into(), json!(true));
        }
        if s.skip_ser {
            obj(schema).insert("writeOnly".into(), json!(true));
        }
    }

    /// `expr_for_struct`: an object schema with one property per (deserialized) field.
    pub fn struct_schema(
        &mut self,
        fields: &[FieldInfo<'_>],
        rule: Option<RenameRule>,
        container_default: bool,
        deny_unknown_fields: bool,
        loc: Loc<'p>,
    ) -> Result<Value> {
        let mut schema = if deny_unknown_fields {
            json!({"type": "object", "additionalProperties": false})
        } else {
            json!({"type": "object"})
        };
        for fi in fields {
            if fi.serde.skip_de {
                continue;
            }
            let f = fi.field;
            let ty = fi.schemars.with.as_ref().unwrap_or(&f.ty);
            if fi.serde.flatten {
                self.flatten_field(&mut schema, fi, ty, loc)?;
                continue;
            }
            let mut prop = self.field_base_schema(f, &fi.schemars, loc)?;
            self.field_mutators(&mut prop, &fi.schemars, &fi.serde);
            let has_default = container_default || !fi.serde.default.is_none();
            if let Some(default) = self.field_default(fi, container_default, loc)? {
                obj(&mut prop).insert("default".into(), default);
            }
            apply_extensions(&mut prop, &fi.schemars, loc)?;
            let optional = has_default || (!fi.schemars.required && self.is_option(loc, ty)?);
            let name = fi.serde.de_name(&fi.ident, rule, false);
            insert_property(&mut schema, &name, optional, prop);
        }
        Ok(schema)
    }

    /// Merges a `#[serde(flatten)]` field's schema into the struct's `schema`: a struct, an
    /// untagged enum (its variants objects), an Option of either, or a map of
    /// `serde_json::Value`.
    fn flatten_field(
        &mut self,
        schema: &mut Value,
        fi: &FieldInfo<'_>,
        ty: &syn::Type,
        loc: Loc<'p>,
    ) -> Result<()> {
        let f = fi.field;
        let mut other = match self.classify(loc, ty)? {
            Class::Map(k, v, mloc) if matches!(self.classify(mloc, &v)?, Class::JsonValue) => {
                if !matches!(self.classify(mloc, &k)?, Class::Prim("String" | "str")) {
                    return Err(loc.err(k.span(), "map keys must be strings in a CRD schema"));
                }
                json!({"type": "object", "additionalProperties": true})
            }
            _ => self.non_optional_schema(loc, ty)?,
        };
        let optional = self.is_option(loc, ty)? && !fi.schemars.required;
        let is_object = |v: &Value| v.get("type") == Some(&json!("object"));
        // A struct, or an untagged enum (variants that are objects, under `anyOf`), or a
        // struct that holds one flattened.
        let (flattenable, untagged_enum) = match &other {
            Value::Object(m) => {
                let variants = m.get("anyOf").and_then(Value::as_array);
                let ok = !m.contains_key("oneOf")
                    && !m.contains_key("allOf")
                    && variants.is_none_or(|a| a.iter().all(is_object))
                    && (is_object(&other) || (!m.contains_key("type") && variants.is_some()));
                (ok, variants.is_some())
            }
            _ => (false, false),
        };
        if !flattenable {
            return Err(loc.err(f.ty.span(), "only structs, untagged enums and maps of serde_json::Value can be flattened")
                .hint("flatten a struct or a `#[serde(untagged)]` enum (or an Option of one), or `BTreeMap<String, serde_json::Value>` to keep unknown fields"));
        }
        if untagged_enum
            && let Some(k) = ["anyOf", "oneOf", "allOf"]
                .into_iter()
                .find(|k| schema.get(k).is_some())
        {
            return Err(loc.err(f.ty.span(), format!("this flattened enum would meet the `{k}` of another flattened enum under `allOf`, whose variants kube does not hoist (the schema would not be structural)"))
                .hint("flatten at most one enum into a struct; put the other in a field of its own"));
        }
        if optional && let Value::Object(m) = &mut other {
            m.remove("required");
            // schemars lets an absent untagged enum match with an empty variant.
            if let Some(Value::Array(variants)) = m.get_mut("anyOf")
                && !variants.contains(&json!({}))
            {
                variants.push(json!({}));
            }
        }
        allow_unknown_properties(&mut other);
        flatten_into(schema, other, loc, f.ty.span())?;
        Ok(())
    }

    /// Adds field-level `#[x_kube]` rules and merge strategies to the properties (KubeSchema).
    fn apply_field_x_kube<'f>(
        &mut self,
        schema: &mut Value,
        fields: impl Iterator<Item = &'f syn::Field>,
        serde: &SerdeAttrs,
        loc: Loc<'p>,
    ) -> Result<()> {
        for f in fields {
            let xk = XKube::parse(&f.attrs, true, loc.file)?;
            if xk.validations.is_empty() && xk.merge_strategy.is_empty() {
                continue;
            }
            let span = xk.span.unwrap_or_else(|| f.span());
            let fs = SerdeAttrs::parse(&f.attrs, loc.file)?;
            if fs.flatten || fs.skip_de {
                return Err(loc.err(span, "`#[x_kube]` on a flattened or skipped field is not supported")
                    .hint("put the rule on the struct (`#[x_kube(validation = ..)]` above it) instead"));
            }
            if !serde.default.is_none() {
                return Err(loc.err(span, "`#[x_kube]` on a field of a struct with `#[serde(default)]` does not compile with kube")
                    .hint("put `#[serde(default)]` on the fields instead of the struct"));
            }
            let name = fs.de_name(
                &f.ident.as_ref().map(ident_str).unwrap_or_default(),
                serde.rename_all_de,
                false,
            );
            let props = obj(schema).entry("properties").or_insert_with(|| json!({}));
            if let Some(prop) = props.get_mut(&name) {
                for rule in xk.validations {
                    push_validation(prop, rule);
                }
                for (k, v) in xk.merge_strategy {
                    if let Value::Object(m) = prop {
                        m.insert(k, v);
                    }
                }
            }
        }
        Ok(())
    }

    /// The enum schemas schemars derives (externally tagged or untagged).
    fn enum_schema(
        &mut self,
        e: &syn::ItemEnum,
        serde: &SerdeAttrs,
        loc: Loc<'p>,
    ) -> Result<Value> {
        check_enum_shape(e, serde, loc)?;
        let mut unit_names = Vec::new();
        let mut any_unit = false;
        let mut complex: Vec<Value> = Vec::new();
        let mut unique = !serde.untagged;
        for v in &e.variants {
            match self.variant_part(v, serde, loc)? {
                VariantPart::Skipped => {}
                VariantPart::PlainUnit(name) => {
                    any_unit = true;
                    unit_names.push(json!(name));
                }
                VariantPart::Schema(s, untagged_variant) => {
                    if untagged_variant {
                        unique = false;
                    }
                    complex.push(s);
                }
            }
        }
        let unit_schema = json!({"type": "string", "enum": unit_names});
        if complex.is_empty() && !serde.untagged {
            return Ok(unit_schema);
        }
        let mut all = Vec::new();
        if any_unit {
            all.push(unit_schema);
        }
        all.extend(complex);
        let schema = if unique {
            json!({"oneOf": all})
        } else {
            json!({"anyOf": all})
        };
        // kube's rewriter hoists the variants' properties and panics on conflicts: find out here,
        // where the enum is, rather than later on the whole CRD.
        if let Err(msg) = apply_kube_transforms(schema.clone()) {
            return Err(loc
                .err(e.ident.span(), format!("enum `{}`: {msg}", e.ident))
                .hint("give properties that appear in several variants the same type and docs"));
        }
        Ok(schema)
    }

    /// What one variant adds to its enum's schema.
    fn variant_part(
        &mut self,
        v: &syn::Variant,
        serde: &SerdeAttrs,
        loc: Loc<'p>,
    ) -> Result<VariantPart> {
        let vs = SerdeAttrs::parse(&v.attrs, loc.file)?;
        let va = SchemarsAttrs::parse(&v.attrs, AttrSite::Variant, loc.file)?;
        if let Some((k, span)) = &vs.unsupported {
            return Err(loc.err(
                *span,
                format!("`#[serde({k})]` on a variant is not supported"),
            ));
        }
        if va.with.is_some() {
            return Err(loc.err(
                v.ident.span(),
                "`#[schemars(with)]` on a variant is not supported",
            ));
        }
        if vs.skip_de {
            return Ok(VariantPart::Skipped);
        }
        let name = vs.de_name(&ident_str(&v.ident), serde.rename_all_de, true);
        let is_unit = matches!(v.fields, syn::Fields::Unit);
        let untagged = serde.untagged || vs.untagged;
        if !serde.untagged && is_unit && va.is_plain() && !vs.untagged {
            return Ok(VariantPart::PlainUnit(name));
        }
        let field_rule = vs.rename_all_de.or(serde.rename_all_fields_de);
        let mut s = if untagged {
            let s = self.variant_content(v, field_rule, serde.deny_unknown_fields, loc)?;
            if s.get("type") != Some(&json!("object")) {
                return Err(loc.err(v.ident.span(), format!("untagged variant `{}` is not an object, which gives a non-structural schema", v.ident))
                    .hint("give untagged variants named fields (or a struct payload); for int-or-string use k8s IntOrString"));
            }
            s
        } else if is_unit {
            json!({"type": "string", "const": name})
        } else {
            let sub = self.variant_content(v, field_rule, serde.deny_unknown_fields, loc)?;
            json!({"type": "object", "properties": {name.clone(): sub}, "required": [name], "additionalProperties": false})
        };
        apply_common(&mut s, &va);
        apply_extensions(&mut s, &va, loc)?;
        Ok(VariantPart::Schema(s, vs.untagged))
    }

    /// The content of a variant: `null` for unit, the field's schema for newtype, an object for
    /// struct variants.
    fn variant_content(
        &mut self,
        v: &syn::Variant,
        field_rule: Option<RenameRule>,
        deny: bool,
        loc: Loc<'p>,
    ) -> Result<Value> {
        match &v.fields {
            syn::Fields::Unit => Ok(json!({"type": "null"})),
            syn::Fields::Unnamed(un) if un.unnamed.len() == 1 => {
                let f = &un.unnamed[0];
                let fs = SerdeAttrs::parse(&f.attrs, loc.file)?;
                let fa = SchemarsAttrs::parse(&f.attrs, AttrSite::Field, loc.file)?;
                let mut s = self.field_base_schema(f, &fa, loc)?;
                self.field_mutators(&mut s, &fa, &fs);
                apply_extensions(&mut s, &fa, loc)?;
                Ok(s)
            }
            syn::Fields::Unnamed(un) => Err(loc.err(un.span(), "tuple variants are not supported in a CRD schema")
                .hint("use a struct variant `Variant { a: T, b: U }` or a newtype variant `Variant(Struct)`")),
            syn::Fields::Named(named) => {
                let fields = self.read_fields(named.named.iter(), loc, false)?;
                self.struct_schema(&fields, field_rule, false, deny, loc)
            }
        }
    }
}

/// What one variant adds to its enum's schema.
enum VariantPart {
    /// Not deserialized: nothing.
    Skipped,
    /// A unit variant without metadata: its name, a value of the enum's string `enum`.
    PlainUnit(String),
    /// A variant schema of `oneOf`/`anyOf`, and whether the variant is `#[serde(untagged)]`.
    Schema(Value, bool),
}

/// Refuses the enums kube cannot take: internally or adjacently tagged ones, empty ones, and
/// externally tagged ones mixing unit and data variants.
fn check_enum_shape(e: &syn::ItemEnum, serde: &SerdeAttrs, loc: Loc<'_>) -> Result<()> {
    if let Some(span) = serde.tag {
        return Err(loc.err(span, "internally and adjacently tagged enums (`#[serde(tag = ..)]`) are not supported")
            .hint("kube's structural schema rewriter panics on them; use the default (externally tagged) representation or #[serde(untagged)]"));
    }
    if let Some(span) = serde.content {
        return Err(loc
            .err(
                span,
                "adjacently tagged enums (`#[serde(tag, content)]`) are not supported",
            )
            .hint("use the default (externally tagged) representation or #[serde(untagged)]"));
    }
    if e.variants.is_empty() {
        return Err(loc
            .err(
                e.ident.span(),
                "an enum without variants has no valid schema",
            )
            .hint("add variants, or remove the field that uses this enum"));
    }
    if !serde.untagged {
        let mut tagged = e.variants.iter().filter(|v| {
            SerdeAttrs::parse(&v.attrs, loc.file)
                .map(|a| !a.untagged && !a.skip_de)
                .unwrap_or(true)
        });
        let units = tagged
            .clone()
            .filter(|v| matches!(v.fields, syn::Fields::Unit))
            .count();
        if units > 0 && tagged.any(|v| !matches!(v.fields, syn::Fields::Unit)) {
            return Err(loc.err(e.ident.span(), format!("enum `{}` mixes unit variants and variants with data", e.ident))
                .hint("kube's structural schema rewriter panics on that; give the unit variants a payload (e.g. `Empty {}`) or split the enum"));
        }
    }
    Ok(())
}

/// kube-core's `validate`: append a rule to `x-kubernetes-validations`.
pub(crate) fn push_validation(schema: &mut Value, rule: Value) {
    let m = obj(schema);
    match m.get_mut("x-kubernetes-validations") {
        Some(Value::Array(a)) => a.push(rule),
        Some(_) => {}
        None => {
            m.insert("x-kubernetes-validations".into(), json!([rule]));
        }
    }
}
