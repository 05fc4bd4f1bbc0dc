//! `#[schemars(..)]` (and the schemars items of `#[serde(..)]`), doc comments and `#[deprecated]`.

use std::path::Path;

use proc_macro2::Span;
use serde_json::Value;
use syn::spanned::Spanned;
use syn::{Attribute, Meta};

use super::docs::doc_of;
use super::extend::check_extension;
use super::foreign;
use super::meta::{lit_str, meta_key, metas};
use super::serde::SCHEMARS_SERDE_KEYWORDS;
use super::validation::{Validation, parse_validation_item, string_expr};
use crate::crd::error::{CrdError, Result};
use crate::crd::{nesting, value};

/// The `#[schemars(...)]` items that shape a schema, plus doc comments and `#[deprecated]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct SchemarsAttrs {
    pub doc: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub examples: Vec<Value>,
    /// `extend("key" = value)` in order.
    pub extensions: Vec<(String, Value)>,
    /// Where each of `extensions` was written.
    pub extension_spans: Vec<Span>,
    pub with: Option<syn::Type>,
    pub required: bool,
    pub validation: Validation,
    /// The first `#[garde(..)]` attribute that adds to the schema: `#[derive(KubeSchema)]` drops
    /// garde attributes, so its caller refuses them there.
    pub garde_span: Option<Span>,
}

/// Where the schemars attributes sit: it decides which items are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrSite {
    Container,
    Variant,
    Field,
}

/// The items schemars reads: those of `#[schemars(..)]`, then `title`, `description`, `example`,
/// `extend` and `transform` of `#[serde(..)]`, which schemars reads there too.
fn schemars_metas(attrs: &[Attribute], file: &Path) -> Result<Vec<Meta>> {
    let mut all = metas(attrs, "schemars", file)?;
    let serde_metas = metas(attrs, "serde", file)?;
    for m in &serde_metas {
        let k = meta_key(m);
        if matches!(
            k.as_str(),
            "title" | "description" | "example" | "extend" | "transform"
        ) {
            all.push(m.clone());
        }
    }
    Ok(all)
}

/// `title = ".."` / `description = ".."`.
fn text_value(m: &Meta, key: &str, file: &Path) -> Result<String> {
    let Meta::NameValue(nv) = m else {
        return Err(CrdError::at(
            file,
            m.span(),
            format!("expected `{key} = \"...\"`"),
        ));
    };
    string_expr(&nv.value, file, &format!("the {key}"))
}

/// `example = value`: a literal value.
fn example_value(m: &Meta, file: &Path) -> Result<Value> {
    let Meta::NameValue(nv) = m else {
        return Err(CrdError::at(file, m.span(), "expected `example = value`"));
    };
    value::eval_literal(&nv.value).ok_or_else(|| {
        CrdError::spanned(file, &nv.value, "the example is not a literal value").hint(
            "write a literal (number, string, bool, array) or use `extend(\"example\" = ...)`",
        )
    })
}

/// `with = "Type"`: the type whose schema is used instead.
fn with_type(m: &Meta, file: &Path) -> Result<syn::Type> {
    let (s, span) = lit_str(m, file)?;
    nesting::parse_str(file, span, &s)?
        .map_err(|e| CrdError::at(file, span, format!("`with = \"{s}\"` is not a type: {e}")))
}

impl SchemarsAttrs {
    pub fn parse(attrs: &[Attribute], site: AttrSite, file: &Path) -> Result<Self> {
        let mut out = SchemarsAttrs {
            doc: doc_of(attrs, file)?,
            ..Default::default()
        };
        out.deprecated = attrs.iter().any(|a| a.path().is_ident("deprecated"));
        for m in &schemars_metas(attrs, file)? {
            out.read(m, site, file)?;
        }
        // schemars reads validator's and garde's attributes on fields too, after its own, each
        // keyword taken from the first attribute that sets it. Elsewhere it ignores them.
        if site == AttrSite::Field {
            out.garde_span =
                foreign::read_field_attrs(attrs, &mut out.validation, &mut out.required, file)?;
        }
        Ok(out)
    }

    /// Reads one schemars item, refusing those not supported at `site`.
    fn read(&mut self, m: &Meta, site: AttrSite, file: &Path) -> Result<()> {
        let key = meta_key(m);
        if SCHEMARS_SERDE_KEYWORDS.contains(&key.as_str()) {
            return Ok(()); // read by SerdeAttrs
        }
        match key.as_str() {
            "title" => self.title = Some(text_value(m, &key, file)?),
            "description" => self.description = Some(text_value(m, &key, file)?),
            "example" => self.examples.push(example_value(m, file)?),
            "extend" => self.read_extend(m, file)?,
            "with" if site != AttrSite::Container => self.with = Some(with_type(m, file)?),
            "required" if site == AttrSite::Field => self.required = true,
            "crate" | "inline" if site == AttrSite::Container => {}
            "rename" if site == AttrSite::Container => {}
            "transform" => {
                return Err(CrdError::at(file, m.span(), "`#[schemars(transform = ..)]` is not supported")
                    .hint("a transform runs code at compile time; express the change with `extend(...)` instead"));
            }
            "schema_with" => {
                return Err(CrdError::at(file, m.span(), "`#[schemars(schema_with = ..)]` is not supported")
                    .hint("a schema function runs code at compile time; use `#[schemars(with = \"Type\")]` or `extend(...)`"));
            }
            _ if site == AttrSite::Field
                && parse_validation_item(m, &mut self.validation, file)? => {}
            _ => {
                return Err(CrdError::at(
                    file,
                    m.span(),
                    format!("unsupported schemars attribute `{key}` here"),
                )
                .hint(
                    "see the list of supported constructs in kubeforge's crd module documentation",
                ));
            }
        }
        Ok(())
    }

    /// `extend("key" = value, ..)`: checked keys and values, each key once.
    fn read_extend(&mut self, m: &Meta, file: &Path) -> Result<()> {
        let Meta::List(list) = m else {
            return Err(CrdError::at(
                file,
                m.span(),
                "expected `extend(\"key\" = value, ...)`",
            ));
        };
        for (k, v, span) in value::parse_extend(list.tokens.clone(), file)? {
            check_extension(&k, &v, span, file)?;
            if self.extensions.iter().any(|(e, _)| *e == k) {
                return Err(CrdError::at(
                    file,
                    span,
                    format!("duplicate extension key '{k}'"),
                ));
            }
            self.extensions.push((k, v));
            self.extension_spans.push(span);
        }
        Ok(())
    }

    /// schemars' `CommonAttrs::is_default` (no metadata at all): decides whether a unit variant
    /// is a plain enum value.
    pub fn is_plain(&self) -> bool {
        self.doc.is_none()
            && self.title.is_none()
            && self.description.is_none()
            && !self.deprecated
            && self.examples.is_empty()
            && self.extensions.is_empty()
            && self.with.is_none()
    }
}
