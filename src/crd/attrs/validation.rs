//! The validation keywords of `#[schemars(..)]` on fields: `length`, `range`, `regex`, `pattern`,
//! `contains`, formats and `inner(..)`.

use std::path::Path;

use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Meta, Token};

use super::meta::meta_key;
use crate::crd::error::{CrdError, Result};
use crate::crd::nesting;
use crate::crd::value::{self, expr_str};

/// `min`/`max`/`equal` of `length(..)` and `range(..)`, as JSON numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Bounds {
    pub min: Option<Value>,
    pub max: Option<Value>,
}

/// Validation keywords of `#[schemars(...)]`, `#[validate(...)]` and `#[garde(...)]` (they apply
/// to one schema, or to `items` via `inner`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Validation {
    pub length: Option<Bounds>,
    pub range: Option<Bounds>,
    pub pattern: Option<String>,
    pub contains: Option<String>,
    pub format: Option<&'static str>,
    pub inner: Option<Box<Validation>>,
}

impl Validation {
    pub fn is_empty(&self) -> bool {
        self.length.is_none()
            && self.range.is_none()
            && self.pattern.is_none()
            && self.contains.is_none()
            && self.format.is_none()
            && self.inner.is_none()
    }
}

/// A bound: a number literal, also written inside a string (`min = "1"`).
pub(crate) fn number_expr(expr: &Expr, file: &Path) -> Result<Value> {
    // `min = "1"` is parsed by schemars as the expression inside the string.
    if let Some(s) = expr_str(expr) {
        let inner: Expr = nesting::parse_str(file, expr.span(), &s)?.map_err(|e| {
            CrdError::at(
                file,
                expr.span(),
                format!("`{s}` is not an expression: {e}"),
            )
        })?;
        return number_expr(&inner, file);
    }
    match value::eval_literal(expr) {
        Some(v @ Value::Number(_)) => Ok(v),
        _ => Err(CrdError::spanned(file, expr, "this bound is not a number literal")
            .hint("kubeforge reads bounds without compiling: write the number itself, e.g. `range(min = 1, max = 10)`")),
    }
}

/// `length(..)` / `range(..)`: `min`, `max` and `equal` as JSON numbers.
fn bounds(meta: &Meta, file: &Path) -> Result<Bounds> {
    let Meta::List(list) = meta else {
        return Err(CrdError::at(
            file,
            meta.span(),
            format!("expected `{}(min = .., max = ..)`", meta_key(meta)),
        ));
    };
    let inner = list
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .map_err(|e| {
            CrdError::at(
                file,
                e.span(),
                format!("cannot read `{}(...)`: {e}", meta_key(meta)),
            )
        })?;
    let mut b = Bounds::default();
    for m in &inner {
        let Meta::NameValue(nv) = m else {
            return Err(CrdError::at(
                file,
                m.span(),
                "expected `min = ..`, `max = ..` or `equal = ..`",
            ));
        };
        let v = number_expr(&nv.value, file)?;
        match meta_key(m).as_str() {
            "min" => b.min = Some(v),
            "max" => b.max = Some(v),
            "equal" => {
                b.min = Some(v.clone());
                b.max = Some(v);
            }
            other => {
                return Err(CrdError::at(
                    file,
                    m.span(),
                    format!("unknown item `{other}` in `{}(...)`", meta_key(meta)),
                ));
            }
        }
    }
    Ok(b)
}

/// The string literal of an attribute value; `what` names it in the error.
pub(crate) fn string_expr(expr: &Expr, file: &Path, what: &str) -> Result<String> {
    expr_str(expr).ok_or_else(|| {
        CrdError::spanned(file, expr, format!("{what} is not a string literal"))
            .hint("kubeforge reads attributes without compiling: write the string literal itself")
    })
}

/// Reads one validation item of `#[schemars(..)]` into `v`; `false` when `m` is not one.
pub(crate) fn parse_validation_item(m: &Meta, v: &mut Validation, file: &Path) -> Result<bool> {
    let key = meta_key(m);
    match key.as_str() {
        "length" => v.length = Some(bounds(m, file)?),
        "range" => v.range = Some(bounds(m, file)?),
        "regex" => {
            if let Some(p) = regex_pattern(m, file)? {
                v.pattern = Some(p);
            }
        }
        "pattern" => {
            let Meta::List(list) = m else {
                return Err(CrdError::at(file, m.span(), "expected `pattern(\"...\")`"));
            };
            let e: Expr = list.parse_args().map_err(|e| {
                CrdError::at(file, e.span(), format!("cannot read `pattern(...)`: {e}"))
            })?;
            v.pattern = Some(string_expr(&e, file, "the pattern")?);
        }
        "contains" => {
            if let Some(c) = contained_text(m, file)? {
                v.contains = Some(c);
            }
        }
        "email" => v.format = Some("email"),
        "url" => v.format = Some("uri"),
        "ip" => v.format = Some("ip"),
        "ipv4" => v.format = Some("ipv4"),
        "ipv6" => v.format = Some("ipv6"),
        "inner" => inner_items(m, v, file)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// `regex(pattern = "..")`: the last pattern given, if any.
fn regex_pattern(m: &Meta, file: &Path) -> Result<Option<String>> {
    let Meta::List(list) = m else {
        return Err(CrdError::at(
            file,
            m.span(),
            "expected `regex(pattern = \"...\")`",
        ));
    };
    let inner = list
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .map_err(|e| CrdError::at(file, e.span(), format!("cannot read `regex(...)`: {e}")))?;
    let mut pattern = None;
    for im in &inner {
        match (meta_key(im).as_str(), im) {
            ("pattern", Meta::NameValue(nv)) => {
                pattern = Some(string_expr(&nv.value, file, "the regex pattern")?)
            }
            _ => {
                return Err(
                    CrdError::at(file, im.span(), "expected `regex(pattern = \"...\")`")
                        .hint("a `path = ..` regex needs compiling; write the pattern literal"),
                );
            }
        }
    }
    Ok(pattern)
}

/// `contains("..")` or `contains(pattern = "..")`: the text, the last one given, if any.
fn contained_text(m: &Meta, file: &Path) -> Result<Option<String>> {
    let Meta::List(list) = m else {
        return Err(CrdError::at(file, m.span(), "expected `contains(\"...\")`"));
    };
    if let Ok(e) = list.parse_args::<Expr>()
        && let Some(s) = expr_str(&e)
    {
        return Ok(Some(s));
    }
    let inner = list
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .map_err(|e| CrdError::at(file, e.span(), format!("cannot read `contains(...)`: {e}")))?;
    let mut text = None;
    for im in &inner {
        match (meta_key(im).as_str(), im) {
            ("pattern", Meta::NameValue(nv)) => {
                text = Some(string_expr(&nv.value, file, "the contained text")?)
            }
            _ => {
                return Err(CrdError::at(
                    file,
                    im.span(),
                    "expected `contains(pattern = \"...\")`",
                ));
            }
        }
    }
    Ok(text)
}

/// `inner(..)`: validation items for the items of an array, added to `v.inner`.
fn inner_items(m: &Meta, v: &mut Validation, file: &Path) -> Result<()> {
    let Meta::List(list) = m else {
        return Err(CrdError::at(file, m.span(), "expected `inner(...)`"));
    };
    let inner = list
        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .map_err(|e| CrdError::at(file, e.span(), format!("cannot read `inner(...)`: {e}")))?;
    let mut iv = v.inner.take().map(|b| *b).unwrap_or_default();
    for im in &inner {
        if !parse_validation_item(im, &mut iv, file)? {
            return Err(CrdError::at(
                file,
                im.span(),
                format!("unsupported item `{}` in `inner(...)`", meta_key(im)),
            ));
        }
    }
    v.inner = Some(Box::new(iv));
    Ok(())
}
