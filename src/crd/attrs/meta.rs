//! The items of an attribute: `#[name(key = value, flag, list(..))]` read as `syn::Meta`s.

use std::path::Path;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, Meta, Token};

use crate::crd::error::{CrdError, Result};
use crate::crd::value::expr_str;

/// Parses the comma-separated items of `#[name(...)]` attributes.
pub(crate) fn metas(attrs: &[Attribute], name: &str, file: &Path) -> Result<Vec<Meta>> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(name)) {
        match attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) {
            Ok(list) => out.extend(list),
            Err(e) => {
                return Err(CrdError::at(
                    file,
                    e.span(),
                    format!("cannot read #[{name}(...)] attribute: {e}"),
                )
                .hint(format!(
                    "kubeforge reads `#[{name}(key = value, flag, list(...))]` items"
                )));
            }
        }
    }
    Ok(out)
}

pub(crate) fn meta_key(meta: &Meta) -> String {
    meta.path()
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| quote::quote!(#meta).to_string())
}

/// The string literal of `key = "value"`.
pub(crate) fn lit_str(meta: &Meta, file: &Path) -> Result<(String, Span)> {
    if let Meta::NameValue(nv) = meta
        && let Some(s) = expr_str(&nv.value)
    {
        return Ok((s, nv.value.span()));
    }
    Err(CrdError::at(
        file,
        meta.span(),
        format!("expected `{} = \"...\"`", meta_key(meta)),
    ))
}

/// A bool given as a flag (`key`), `key = true` or `key = "true"`.
pub(crate) fn flag(meta: &Meta, file: &Path) -> Result<bool> {
    match meta {
        Meta::Path(_) => Ok(true),
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(l) => match &l.lit {
                Lit::Bool(b) => Ok(b.value),
                Lit::Str(s) if s.value() == "true" => Ok(true),
                Lit::Str(s) if s.value() == "false" => Ok(false),
                _ => Err(CrdError::at(
                    file,
                    nv.value.span(),
                    format!("expected `{} = true|false`", meta_key(meta)),
                )),
            },
            _ => Err(CrdError::at(
                file,
                nv.value.span(),
                format!("expected `{} = true|false`", meta_key(meta)),
            )),
        },
        Meta::List(l) => Err(CrdError::at(
            file,
            l.span(),
            format!(
                "expected `{}` or `{} = true|false`",
                meta_key(meta),
                meta_key(meta)
            ),
        )),
    }
}
