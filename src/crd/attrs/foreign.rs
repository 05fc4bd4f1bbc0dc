//! The field attributes of validator (`#[validate(..)]`) and garde (`#[garde(..)]`) that schemars
//! reads after its own.

use std::path::Path;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Meta, Token};

use super::meta::meta_key;
use super::validation::{Bounds, Validation, number_expr};
use crate::crd::error::{CrdError, Result};
use crate::crd::value::expr_str;

/// Another crate's validation attribute that schemars also reads on fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Foreign {
    /// validator's `#[validate(..)]`.
    Validate,
    /// garde's `#[garde(..)]`.
    Garde,
}

impl Foreign {
    fn name(self) -> &'static str {
        match self {
            Foreign::Validate => "validate",
            Foreign::Garde => "garde",
        }
    }
}

/// One item of a validator or garde attribute; `!item` (which schemars accepts) is `None`.
struct ForeignItem(Option<Meta>);

impl syn::parse::Parse for ForeignItem {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(Token![!]) {
            input.parse::<Token![!]>()?;
            input.parse::<syn::Path>()?;
            return Ok(ForeignItem(None));
        }
        input.parse().map(|m| ForeignItem(Some(m)))
    }
}

fn foreign_items(tokens: proc_macro2::TokenStream) -> syn::Result<Vec<Meta>> {
    use syn::parse::Parser;
    let parser = Punctuated::<ForeignItem, Token![,]>::parse_terminated;
    Ok(parser
        .parse2(tokens)?
        .into_iter()
        .filter_map(|i| i.0)
        .collect())
}

/// The items of a validator or garde attribute. Like schemars, an attribute whose items do not
/// parse is passed over whole: it is the other crate's to report.
fn foreign_metas(attr: &Attribute) -> Vec<Meta> {
    match &attr.meta {
        Meta::List(list) => foreign_items(list.tokens.clone()).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The items inside `key(..)` of a validator or garde attribute; what schemars rejects is refused.
fn foreign_nested(meta: &Meta, from: Foreign, file: &Path) -> Result<Vec<Meta>> {
    let key = meta_key(meta);
    let Meta::List(list) = meta else {
        return Err(CrdError::at(
            file,
            meta.span(),
            format!(
                "schemars rejects `{key}` without `(..)` in `#[{}(..)]`",
                from.name()
            ),
        )
        .hint(format!(
            "write `{key}(..)` as the {} documentation shows",
            from.name()
        )));
    };
    foreign_items(list.tokens.clone()).map_err(|e| {
        CrdError::at(file, e.span(), format!("cannot read `{key}(...)`: {e}"))
            .hint("schemars reads this attribute too, and rejects it when it does not parse")
    })
}

/// The hint for a value in a validator or garde attribute that is not a literal.
fn foreign_literal_hint(from: Foreign, key: &str) -> String {
    format!(
        "kubeforge reads attributes without compiling: write the literal itself, or add `#[schemars({key}(..))]` with literals, which schemars reads before `#[{}]`",
        from.name()
    )
}

/// `length(..)` / `range(..)` of a validator or garde attribute: `min`, `max` and `equal`, the
/// first of each kept, other items (messages, modes) passed over, as schemars does.
fn foreign_bounds(meta: &Meta, from: Foreign, file: &Path) -> Result<Bounds> {
    let key = meta_key(meta);
    let (mut min, mut max, mut equal) = (None, None, None);
    for m in foreign_nested(meta, from, file)? {
        let item = meta_key(&m);
        let slot = match item.as_str() {
            "min" if min.is_none() && equal.is_none() => &mut min,
            "max" if max.is_none() && equal.is_none() => &mut max,
            "equal" if min.is_none() && max.is_none() && equal.is_none() => &mut equal,
            _ => continue,
        };
        let Meta::NameValue(nv) = &m else {
            return Err(CrdError::at(
                file,
                m.span(),
                format!("schemars expects `{item} = ..` in `{key}(..)`"),
            ));
        };
        let v =
            number_expr(&nv.value, file).map_err(|e| e.hint(foreign_literal_hint(from, &key)))?;
        *slot = Some(v);
    }
    Ok(Bounds {
        min: min.or_else(|| equal.clone()),
        max: max.or(equal),
    })
}

/// The string literal of a validator or garde value.
fn foreign_str(expr: &Expr, from: Foreign, key: &str, file: &Path) -> Result<String> {
    expr_str(expr).ok_or_else(|| {
        CrdError::spanned(
            file,
            expr,
            format!(
                "the value of `{key}` in `#[{}(..)]` is not a string literal",
                from.name()
            ),
        )
        .hint(foreign_literal_hint(from, key))
    })
}

/// Reads one item of a validator or garde attribute on a field into `v` (and `required`), the
/// way schemars does: a keyword already set (by `#[schemars]` or an earlier attribute) stays, a
/// `pattern`, `regex` or `contains` excludes the others, and items schemars does not know are
/// passed over.
fn foreign_item(
    m: &Meta,
    from: Foreign,
    v: &mut Validation,
    required: &mut bool,
    file: &Path,
) -> Result<()> {
    let key = meta_key(m);
    let text_taken = v.pattern.is_some() || v.contains.is_some();
    match key.as_str() {
        "email" | "url" | "ip" | "ipv4" | "ipv6" if v.format.is_none() => {
            // validator's formats may carry a message; garde's are bare, as schemars requires.
            if from == Foreign::Garde {
                path_only(m, from, &key, file)?;
            }
            v.format = Some(match key.as_str() {
                "email" => "email",
                "url" => "uri",
                "ip" => "ip",
                "ipv4" => "ipv4",
                _ => "ipv6",
            });
        }
        "length" if v.length.is_none() => v.length = Some(foreign_bounds(m, from, file)?),
        "range" if v.range.is_none() => v.range = Some(foreign_bounds(m, from, file)?),
        "required" if !*required => {
            path_only(m, from, "required", file)?;
            *required = true;
        }
        "pattern" if from == Foreign::Garde && !text_taken => {
            v.pattern = Some(garde_pattern(m, from, file)?)
        }
        "regex" if from == Foreign::Validate && !text_taken => {
            return Err(validate_regex_refusal(m, from, file));
        }
        "contains" if !text_taken => v.contains = Some(foreign_contains(m, from, file)?),
        "inner" if from == Foreign::Garde => garde_inner(m, from, v, file)?,
        _ => {}
    }
    Ok(())
}

/// Refuses a value on an item that schemars takes bare (`what` alone).
fn path_only(m: &Meta, from: Foreign, what: &str, file: &Path) -> Result<()> {
    match m {
        Meta::Path(_) => Ok(()),
        _ => Err(CrdError::at(
            file,
            m.span(),
            format!(
                "schemars rejects a value on `{}` in `#[{}(..)]`",
                meta_key(m),
                from.name()
            ),
        )
        .hint(format!("write `{what}` alone"))),
    }
}

/// garde's `pattern("..")`.
fn garde_pattern(m: &Meta, from: Foreign, file: &Path) -> Result<String> {
    let Meta::List(list) = m else {
        return Err(CrdError::at(
            file,
            m.span(),
            "schemars expects `pattern(\"...\")` in `#[garde(..)]`",
        ));
    };
    let e: Expr = list
        .parse_args()
        .map_err(|e| CrdError::at(file, e.span(), format!("cannot read `pattern(...)`: {e}")))?;
    foreign_str(&e, from, "pattern", file)
}

/// The refusal of validator's `regex(..)`: schemars rejects `pattern` there, and `path` names a
/// compiled regex.
fn validate_regex_refusal(m: &Meta, from: Foreign, file: &Path) -> CrdError {
    let nested = match foreign_nested(m, from, file) {
        Ok(nested) => nested,
        Err(e) => return e,
    };
    if let Some(p) = nested.iter().find(|n| meta_key(n) == "pattern") {
        return CrdError::at(
            file,
            p.span(),
            "schemars rejects `pattern` in `#[validate(regex(..))]`",
        )
        .hint("write the pattern as `#[schemars(regex(pattern = \"...\"))]`");
    }
    let span = nested
        .iter()
        .find(|n| meta_key(n) == "path")
        .map_or_else(|| m.span(), |p| p.span());
    CrdError::at(
        file,
        span,
        "`#[validate(regex(path = ..))]` names a compiled regex, which kubeforge cannot read without compiling",
    )
    .hint("add `#[schemars(regex(pattern = \"...\"))]` with the same pattern: schemars reads it before `#[validate]`, and validator keeps its regex")
}

/// The text of validator's `contains(pattern = "..")` or garde's `contains("..")`.
fn foreign_contains(m: &Meta, from: Foreign, file: &Path) -> Result<String> {
    match from {
        Foreign::Validate => {
            let nested = foreign_nested(m, from, file)?;
            let Some(Meta::NameValue(nv)) = nested.iter().find(|n| meta_key(n) == "pattern") else {
                return Err(CrdError::at(
                    file,
                    m.span(),
                    "schemars expects `contains(pattern = \"...\")` in `#[validate(..)]`",
                ));
            };
            foreign_str(&nv.value, from, "contains", file)
        }
        Foreign::Garde => {
            let Meta::List(list) = m else {
                return Err(CrdError::at(
                    file,
                    m.span(),
                    "schemars expects `contains(\"...\")` in `#[garde(..)]`",
                ));
            };
            let e: Expr = list.parse_args().map_err(|e| {
                CrdError::at(file, e.span(), format!("cannot read `contains(...)`: {e}"))
            })?;
            foreign_str(&e, from, "contains", file)
        }
    }
}

/// garde's `inner(..)`: items for the items of an array, added to `v.inner`.
fn garde_inner(m: &Meta, from: Foreign, v: &mut Validation, file: &Path) -> Result<()> {
    let mut inner = v.inner.take().map(|b| *b).unwrap_or_default();
    let mut inner_required = false;
    for im in foreign_nested(m, from, file)? {
        foreign_item(&im, from, &mut inner, &mut inner_required, file)?;
    }
    if !inner.is_empty() {
        v.inner = Some(Box::new(inner));
    }
    Ok(())
}

/// Reads validator's and garde's attributes on a field into `v` and `required`, each keyword
/// taken from the first attribute that sets it; the span of the first garde attribute that adds
/// to them.
pub(crate) fn read_field_attrs(
    attrs: &[Attribute],
    v: &mut Validation,
    required: &mut bool,
    file: &Path,
) -> Result<Option<Span>> {
    let mut garde_span = None;
    for from in [Foreign::Validate, Foreign::Garde] {
        for attr in attrs.iter().filter(|a| a.path().is_ident(from.name())) {
            let before = (v.clone(), *required);
            for m in foreign_metas(attr) {
                foreign_item(&m, from, v, required, file)?;
            }
            if from == Foreign::Garde && garde_span.is_none() && before != (v.clone(), *required) {
                garde_span = Some(attr.span());
            }
        }
    }
    Ok(garde_span)
}
