//! Statically known `default` values: `#[serde(default)]` on fields and containers (through a
//! derived `Default`), and `default = "path"` functions whose body is a literal.

use proc_macro2::Span;
use serde_json::{Map, Value, json};
use syn::Expr;
use syn::spanned::Spanned;

use super::attrs::derive::derives;
use super::attrs::serde::{SerdeAttrs, SerdeDefault};
use super::error::{CrdError, Result};
use super::schema::{Class, FieldInfo, Gen, Loc};
use super::source::{ItemRef, Resolved, ident_str, item_attrs};
use super::value::{eval_literal, string_like};

const DEFAULT_FN_HINT: &str = "kubeforge evaluates default functions without compiling: the body must be a literal, \
`String::from(\"..\")`, `\"..\".into()`, `\"..\".to_string()`, `vec![..]` of literals, `Some(..)`/`None`, an enum variant or \
`Default::default()`; or drop the function and use `#[schemars(extend(\"default\" = ..))]`";

fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        _ => expr,
    }
}

fn path_tail(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// `Default::default()`, `T::default()`, `<T>::default()`.
fn is_default_call(expr: &Expr) -> bool {
    if let Expr::Call(c) = expr
        && c.args.is_empty()
        && let Expr::Path(p) = &*c.func
    {
        return p.path.segments.last().is_some_and(|s| s.ident == "default");
    }
    false
}

fn call<'e>(expr: &'e Expr, names: &[&str]) -> Option<Vec<&'e Expr>> {
    if let Expr::Call(c) = expr
        && let Expr::Path(p) = &*c.func
    {
        let tail = path_tail(&p.path);
        let n = names.len();
        if tail.len() >= n
            && tail[tail.len() - n..]
                .iter()
                .zip(names)
                .all(|(a, b)| a == b)
        {
            return Some(c.args.iter().collect());
        }
        if n == 2 && tail.len() == 1 && tail[0] == names[1] && p.qself.is_some() {
            return Some(c.args.iter().collect());
        }
    }
    None
}

impl<'p, 'a> Gen<'p, 'a> {
    /// Whether a container `#[serde(default)]` gives every field a default (refusing the forms
    /// whose values cannot be known without compiling).
    pub(crate) fn container_default(
        &self,
        item: &ItemRef<'p>,
        serde: &SerdeAttrs,
        loc: Loc<'p>,
    ) -> Result<bool> {
        let ident_span = match item.item {
            syn::Item::Struct(s) => s.ident.span(),
            _ => Span::call_site(),
        };
        match &serde.default {
            SerdeDefault::None => Ok(false),
            SerdeDefault::Path(_, span) => Err(loc
                .err(
                    *span,
                    "a container `#[serde(default = \"..\")]` function is not supported",
                )
                .hint(
                    "put `#[serde(default)]` or `#[serde(default = \"fn\")]` on the fields instead",
                )),
            SerdeDefault::Default => {
                if derives(item_attrs(item.item))
                    .iter()
                    .any(|d| d == "Default")
                {
                    Ok(true)
                } else {
                    Err(loc.err(ident_span, format!("`#[serde(default)]` on `{}` needs its Default, which is hand-written or missing", item.name()))
                        .hint("use `#[derive(Default)]` (with field defaults it becomes readable), or put `#[serde(default = \"fn\")]` on each field"))
                }
            }
        }
    }

    /// The `default` a field's schema gets, if any.
    pub(crate) fn field_default(
        &mut self,
        fi: &FieldInfo<'_>,
        container_default: bool,
        loc: Loc<'p>,
    ) -> Result<Option<Value>> {
        if fi.serde.skip_ser {
            return Ok(None);
        }
        let f = fi.field;
        let value = match &fi.serde.default {
            SerdeDefault::Default => self.default_of_type(loc, &f.ty)?,
            SerdeDefault::Path(p, span) => self.eval_default_fn(loc, p, *span)?,
            SerdeDefault::None if container_default => self.default_of_type(loc, &f.ty)?,
            SerdeDefault::None => return Ok(None),
        };
        if let Some(span) = fi.serde.serialize_with {
            return Err(loc.err(span, "a default on a field with `serialize_with` is not supported")
                .hint("the default's JSON form depends on the serializer; use `#[schemars(extend(\"default\" = ..))]`"));
        }
        if let Some((pred, span)) = &fi.serde.skip_ser_if
            && self.skip_if(pred, *span, &value, loc)?
        {
            return Ok(None);
        }
        Ok(Some(value))
    }

    /// Evaluates a `skip_serializing_if` predicate on a default value.
    fn skip_if(&self, pred: &syn::Path, span: Span, value: &Value, loc: Loc<'p>) -> Result<bool> {
        let tail = path_tail(pred);
        Ok(match tail.last().map(String::as_str) {
            Some("is_none") => value.is_null(),
            Some("is_some") => !value.is_null(),
            Some("is_empty") => match value {
                Value::String(s) => s.is_empty(),
                Value::Array(a) => a.is_empty(),
                Value::Object(o) => o.is_empty(),
                _ => false,
            },
            Some("not") => *value == Value::Bool(false),
            _ => {
                return Err(loc.err(span, format!("cannot evaluate `skip_serializing_if = \"{}\"` on the default value", tail.join("::")))
                    .hint("use Option::is_none, Vec::is_empty, String::is_empty, BTreeMap::is_empty or std::ops::Not::not"));
            }
        })
    }

    /// The serialized `Default::default()` of a type.
    pub(crate) fn default_of_type(&mut self, loc: Loc<'p>, ty: &syn::Type) -> Result<Value> {
        self.deeper(loc, ty.span(), |this| this.type_default(loc, ty))
    }

    /// [`Gen::default_of_type`], one type deeper.
    fn type_default(&mut self, loc: Loc<'p>, ty: &syn::Type) -> Result<Value> {
        Ok(match self.classify(loc, ty)? {
            Class::Prim(p) => match p {
                "String" | "str" => json!(""),
                "bool" => json!(false),
                "f32" | "f64" => json!(0.0),
                "char" => json!("\u{0}"),
                _ => json!(0),
            },
            Class::Unit | Class::Option(..) | Class::JsonValue => Value::Null,
            Class::Seq(..) | Class::Set(..) => json!([]),
            Class::Map(..) => json!({}),
            Class::Boxed(inner, iloc) => self.default_of_type(iloc, &inner)?,
            Class::Local(item) => self.item_default(item, ty.span(), loc)?,
            Class::K8s(c) => {
                return Err(loc
                    .err(
                        ty.span(),
                        format!("the default value of `{c}` is not known to kubeforge"),
                    )
                    .hint("drop `#[serde(default)]` here, or make the field an Option"));
            }
        })
    }

    fn item_default(&mut self, item: ItemRef<'p>, span: Span, use_loc: Loc<'p>) -> Result<Value> {
        let key = item.item as *const syn::Item;
        if self.stack.contains(&key) {
            return Err(use_loc.err(span, format!("recursive default of `{}`", item.name())));
        }
        let loc = Loc::of(&item);
        if !derives(item_attrs(item.item))
            .iter()
            .any(|d| d == "Default")
        {
            return Err(use_loc
                .err(
                    span,
                    format!(
                        "the default of `{}` comes from a hand-written or missing `impl Default`",
                        item.name()
                    ),
                )
                .hint("derive Default on the type, or drop `#[serde(default)]` on this field"));
        }
        self.stack.push(key);
        let result = self.item_default_inner(item, loc);
        self.stack.pop();
        result
    }

    fn item_default_inner(&mut self, item: ItemRef<'p>, loc: Loc<'p>) -> Result<Value> {
        let attrs = item_attrs(item.item);
        let serde = SerdeAttrs::parse(attrs, loc.file)?;
        match item.item {
            syn::Item::Struct(s) => {
                match &s.fields {
                    syn::Fields::Named(named) => {
                        let mut out = Map::new();
                        for f in &named.named {
                            let fs = SerdeAttrs::parse(&f.attrs, loc.file)?;
                            if fs.skip_ser {
                                continue;
                            }
                            if let Some(span) = fs.serialize_with {
                                return Err(loc.err(span, "a default through a field with `serialize_with` is not supported"));
                            }
                            let v = self.default_of_type(loc, &f.ty)?;
                            if let Some((pred, span)) = &fs.skip_ser_if
                                && self.skip_if(pred, *span, &v, loc)?
                            {
                                continue;
                            }
                            if fs.flatten {
                                if let Value::Object(m) = v {
                                    out.extend(m);
                                }
                                continue;
                            }
                            let name = fs.ser_name(
                                &f.ident.as_ref().map(ident_str).unwrap_or_default(),
                                serde.rename_all_ser,
                                false,
                            );
                            out.insert(name, v);
                        }
                        Ok(Value::Object(out))
                    }
                    syn::Fields::Unnamed(un) if un.unnamed.len() == 1 => {
                        self.default_of_type(loc, &un.unnamed[0].ty)
                    }
                    _ => Err(loc.err(
                        s.ident.span(),
                        "the default of this struct is not supported",
                    )),
                }
            }
            syn::Item::Enum(e) => {
                let Some(v) = e
                    .variants
                    .iter()
                    .find(|v| v.attrs.iter().any(|a| a.path().is_ident("default")))
                else {
                    return Err(loc.err(
                        e.ident.span(),
                        "enum derives Default without a `#[default]` variant",
                    ));
                };
                if !matches!(v.fields, syn::Fields::Unit) {
                    return Err(loc.err(
                        v.ident.span(),
                        "a default enum variant with data is not supported",
                    ));
                }
                self.unit_variant_value(e, v, &serde, loc)
            }
            _ => Err(loc.err(Span::call_site(), "unsupported default")),
        }
    }

    fn unit_variant_value(
        &self,
        e: &syn::ItemEnum,
        v: &syn::Variant,
        serde: &SerdeAttrs,
        loc: Loc<'p>,
    ) -> Result<Value> {
        let vs = SerdeAttrs::parse(&v.attrs, loc.file)?;
        if serde.untagged || vs.untagged {
            return Ok(Value::Null);
        }
        if serde.tag.is_some() {
            return Err(loc.err(e.ident.span(), "tagged enums are not supported"));
        }
        Ok(json!(vs.ser_name(
            &ident_str(&v.ident),
            serde.rename_all_ser,
            true
        )))
    }

    /// Evaluates `default = "path"`: a function whose body is a literal-like expression.
    pub(crate) fn eval_default_fn(
        &mut self,
        loc: Loc<'p>,
        path: &syn::Path,
        span: Span,
    ) -> Result<Value> {
        let shown = path_tail(path).join("::");
        let not_found = || {
            loc.err(span, format!("cannot find the default function `{shown}`"))
                .hint("define it as a free `fn` in a file under src/api/ (or import it with `use`)")
        };
        let segs = path_tail(path);
        let resolved = self.project.resolve_path(loc.module, path);
        let (fn_loc, sig, block): (Loc<'p>, &'p syn::Signature, &'p syn::Block) = match resolved {
            Some(Resolved::Item(it)) => match it.item {
                syn::Item::Fn(f) => (Loc::of(&it), &f.sig, &*f.block),
                _ => return Err(not_found()),
            },
            _ if segs.len() >= 2 => {
                // `Type::function`: an inherent associated function.
                let type_path = syn::Path {
                    leading_colon: path.leading_colon,
                    segments: path.segments.iter().take(segs.len() - 1).cloned().collect(),
                };
                let Some(Resolved::Item(owner)) = self.project.resolve_path(loc.module, &type_path)
                else {
                    return Err(not_found());
                };
                let mut found = None;
                for (it, imp) in self.project.impls_of(&owner) {
                    if imp.trait_.is_some() {
                        continue;
                    }
                    for ii in &imp.items {
                        if let syn::ImplItem::Fn(f) = ii
                            && f.sig.ident == segs[segs.len() - 1].as_str()
                        {
                            found = Some((Loc::of(&it), &f.sig, &f.block));
                        }
                    }
                }
                found.ok_or_else(not_found)?
            }
            _ => return Err(not_found()),
        };
        let syn::ReturnType::Type(_, ret) = &sig.output else {
            return Err(loc.err(span, format!("`{shown}` returns nothing")));
        };
        let body_expr = match block.stmts.as_slice() {
            [syn::Stmt::Expr(e, None)] => e,
            [syn::Stmt::Expr(Expr::Return(r), _)] if r.expr.is_some() => {
                r.expr.as_ref().expect("checked")
            }
            _ => {
                return Err(fn_loc
                    .err(
                        block.span(),
                        format!("the body of `{shown}` is not a single literal expression"),
                    )
                    .hint(DEFAULT_FN_HINT));
            }
        };
        self.eval_typed(fn_loc, ret, body_expr)
    }

    /// Evaluates an expression of type `ty` to the JSON serde would serialize it to.
    fn eval_typed(&mut self, loc: Loc<'p>, ty: &syn::Type, expr: &Expr) -> Result<Value> {
        self.deeper(loc, ty.span(), |this| this.eval_typed_here(loc, ty, expr))
    }

    /// [`Gen::eval_typed`], one type deeper.
    fn eval_typed_here(&mut self, loc: Loc<'p>, ty: &syn::Type, expr: &Expr) -> Result<Value> {
        let expr = strip(expr);
        if is_default_call(expr) {
            return self.default_of_type(loc, ty);
        }
        match self.classify(loc, ty)? {
            Class::Prim(p) => eval_prim(p, expr).ok_or_else(|| refuse(loc, expr)),
            Class::Option(inner, iloc) => {
                if let Expr::Path(p) = expr
                    && p.path.is_ident("None")
                {
                    return Ok(Value::Null);
                }
                match call(expr, &["Some"]) {
                    Some(args) if args.len() == 1 => self.eval_typed(iloc, &inner, args[0]),
                    _ => Err(refuse(loc, expr)),
                }
            }
            Class::Seq(inner, iloc) => self.eval_seq(loc, &inner, iloc, expr),
            Class::Set(..) => eval_empty_set(loc, expr),
            Class::Map(_, value_ty, iloc) => self.eval_map(loc, &value_ty, iloc, expr),
            Class::Boxed(inner, iloc) => match call(expr, &["Box", "new"]) {
                Some(args) if args.len() == 1 => self.eval_typed(iloc, &inner, args[0]),
                _ => Err(refuse(loc, expr)),
            },
            Class::Local(item) => self.eval_unit_variant(loc, item, expr),
            Class::Unit | Class::JsonValue | Class::K8s(_) => Err(refuse(loc, expr)),
        }
    }

    /// A `Vec` default: `vec![..]` of items of type `inner`, or `Vec::new()`.
    fn eval_seq(
        &mut self,
        loc: Loc<'p>,
        inner: &syn::Type,
        iloc: Loc<'p>,
        expr: &Expr,
    ) -> Result<Value> {
        if let Expr::Macro(m) = expr
            && m.mac.path.is_ident("vec")
        {
            let elems = m
                .mac
                .parse_body_with(
                    syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
                )
                .map_err(|_| refuse(loc, expr))?;
            let mut out = Vec::new();
            for e in &elems {
                out.push(self.eval_typed(iloc, inner, e)?);
            }
            return Ok(Value::Array(out));
        }
        match call(expr, &["Vec", "new"]) {
            Some(a) if a.is_empty() => Ok(json!([])),
            _ => Err(refuse(loc, expr)),
        }
    }

    /// A map default: `BTreeMap::new()`/`HashMap::new()`, or `from([..])` of `(key, value)` pairs
    /// with string-like keys and values of type `value_ty`.
    fn eval_map(
        &mut self,
        loc: Loc<'p>,
        value_ty: &syn::Type,
        iloc: Loc<'p>,
        expr: &Expr,
    ) -> Result<Value> {
        if call(expr, &["BTreeMap", "new"])
            .or_else(|| call(expr, &["HashMap", "new"]))
            .is_some_and(|a| a.is_empty())
        {
            return Ok(json!({}));
        }
        let args = call(expr, &["BTreeMap", "from"])
            .or_else(|| call(expr, &["HashMap", "from"]))
            .ok_or_else(|| refuse(loc, expr))?;
        let [Expr::Array(arr)] = args.as_slice() else {
            return Err(refuse(loc, expr));
        };
        let mut out = Map::new();
        for e in &arr.elems {
            let Expr::Tuple(t) = strip(e) else {
                return Err(refuse(loc, expr));
            };
            if t.elems.len() != 2 {
                return Err(refuse(loc, expr));
            }
            let k = string_like(&t.elems[0]).ok_or_else(|| refuse(loc, expr))?;
            let v = self.eval_typed(iloc, value_ty, &t.elems[1])?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }

    /// A default of a local enum: a path to one of its unit variants (`Enum::Variant`,
    /// `Self::Variant`).
    fn eval_unit_variant(&self, loc: Loc<'p>, item: ItemRef<'p>, expr: &Expr) -> Result<Value> {
        let syn::Item::Enum(e) = item.item else {
            return Err(refuse(loc, expr));
        };
        let Expr::Path(p) = expr else {
            return Err(refuse(loc, expr));
        };
        let segs = path_tail(&p.path);
        let (Some(variant_name), true) = (segs.last(), segs.len() >= 2) else {
            return Err(refuse(loc, expr));
        };
        // The enum part of the path must name this enum.
        let enum_path = syn::Path {
            leading_colon: p.path.leading_colon,
            segments: p
                .path
                .segments
                .iter()
                .take(segs.len() - 1)
                .cloned()
                .collect(),
        };
        let same = segs[segs.len() - 2] == "Self"
            || matches!(self.project.resolve_path(loc.module, &enum_path), Some(Resolved::Item(r)) if std::ptr::eq(r.item, item.item));
        let Some(v) = e.variants.iter().find(|v| v.ident == variant_name.as_str()) else {
            return Err(refuse(loc, expr));
        };
        if !same || !matches!(v.fields, syn::Fields::Unit) {
            return Err(refuse(loc, expr));
        }
        let eloc = Loc::of(&item);
        let serde = SerdeAttrs::parse(&e.attrs, eloc.file)?;
        self.unit_variant_value(e, v, &serde, eloc)
    }
}

/// The refusal of a default value that cannot be evaluated without compiling.
fn refuse(loc: Loc<'_>, expr: &Expr) -> CrdError {
    loc.err(
        expr.span(),
        "this default value cannot be evaluated without compiling",
    )
    .hint(DEFAULT_FN_HINT)
}

/// A primitive default: a literal of the primitive's kind (strings also string-like or
/// `String::new()`).
fn eval_prim(p: &str, expr: &Expr) -> Option<Value> {
    match p {
        "String" | "str" => string_like(expr).map(Value::String).or_else(|| {
            call(expr, &["String", "new"])
                .filter(|a| a.is_empty())
                .map(|_| json!(""))
        }),
        "bool" => eval_literal(expr).filter(Value::is_boolean),
        "char" => match expr {
            Expr::Lit(l) if matches!(l.lit, syn::Lit::Char(_)) => eval_literal(expr),
            _ => None,
        },
        "f32" | "f64" => match eval_literal(expr) {
            Some(Value::Number(n)) if n.is_f64() => {
                let x = n.as_f64().expect("float");
                let x = if p == "f32" { (x as f32) as f64 } else { x };
                serde_json::Number::from_f64(x).map(Value::Number)
            }
            _ => None,
        },
        _ => eval_literal(expr).filter(|v| v.is_i64() || v.is_u64()),
    }
}

/// A set default: only an empty `BTreeSet::new()` or `HashSet::new()`.
fn eval_empty_set(loc: Loc<'_>, expr: &Expr) -> Result<Value> {
    if call(expr, &["BTreeSet", "new"])
        .or_else(|| call(expr, &["HashSet", "new"]))
        .is_some_and(|a| a.is_empty())
    {
        return Ok(json!([]));
    }
    Err(loc
        .err(
            expr.span(),
            "the default of a set is evaluated only when it is empty",
        )
        .hint("return `BTreeSet::new()` (or `HashSet::new()`), or give the items with `#[schemars(extend(\"default\" = [..]))]`"))
}
