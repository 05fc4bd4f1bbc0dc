//! `#[serde(..)]`, with the serde keywords schemars reads in `#[schemars(..)]` overriding serde's.

use std::path::Path;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Meta, Token};

use super::meta::{lit_str, meta_key, metas};
use crate::crd::error::{CrdError, Result};
use crate::crd::nesting;
use crate::crd::rename::RenameRule;

/// `#[serde(default)]` forms.
#[derive(Debug, Clone)]
pub(crate) enum SerdeDefault {
    None,
    Default,
    /// `default = "path"`: the path as written, and where it was written.
    Path(syn::Path, Span),
}

/// The serde attributes of a container, variant or field, after schemars' own
/// `#[schemars(rename/default/skip/...)]` overrides are applied.
#[derive(Debug, Clone)]
pub(crate) struct SerdeAttrs {
    pub rename_ser: Option<String>,
    pub rename_de: Option<String>,
    pub rename_all_ser: Option<RenameRule>,
    pub rename_all_de: Option<RenameRule>,
    pub rename_all_fields_ser: Option<RenameRule>,
    pub rename_all_fields_de: Option<RenameRule>,
    pub default: SerdeDefault,
    pub skip_ser: bool,
    pub skip_de: bool,
    pub skip_ser_if: Option<(syn::Path, Span)>,
    pub flatten: bool,
    pub untagged: bool,
    pub tag: Option<Span>,
    pub content: Option<Span>,
    pub deny_unknown_fields: bool,
    /// `transparent`, `from`, `into`, `try_from`, `remote`, `with`: refused by the caller.
    pub unsupported: Option<(String, Span)>,
    pub serialize_with: Option<Span>,
}

impl SerdeDefault {
    pub fn is_none(&self) -> bool {
        matches!(self, SerdeDefault::None)
    }
}

impl Default for SerdeAttrs {
    fn default() -> Self {
        SerdeAttrs {
            rename_ser: None,
            rename_de: None,
            rename_all_ser: None,
            rename_all_de: None,
            rename_all_fields_ser: None,
            rename_all_fields_de: None,
            default: SerdeDefault::None,
            skip_ser: false,
            skip_de: false,
            skip_ser_if: None,
            flatten: false,
            untagged: false,
            tag: None,
            content: None,
            deny_unknown_fields: false,
            unsupported: None,
            serialize_with: None,
        }
    }
}

/// serde keywords that schemars also accepts in `#[schemars(...)]` (overriding serde's).
pub(crate) const SCHEMARS_SERDE_KEYWORDS: &[&str] = &[
    "rename",
    "rename_all",
    "rename_all_fields",
    "deny_unknown_fields",
    "tag",
    "content",
    "untagged",
    "default",
    "skip",
    "skip_serializing",
    "skip_serializing_if",
    "skip_deserializing",
    "flatten",
    "remote",
    "transparent",
    "into",
    "from",
    "try_from",
    "bound",
];

const SERDE_KEYWORDS_SEEN_BY_SCHEMARS: &[&str] = &["serialize_with", "with"];

fn ser_de_pair(meta: &Meta, file: &Path) -> Result<(Option<String>, Option<String>)> {
    match meta {
        Meta::NameValue(_) => {
            let (s, _) = lit_str(meta, file)?;
            Ok((Some(s.clone()), Some(s)))
        }
        Meta::List(list) => {
            let inner = list
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .map_err(|e| {
                    CrdError::at(
                        file,
                        e.span(),
                        format!("cannot read `{}(...)`: {e}", meta_key(meta)),
                    )
                })?;
            let (mut ser, mut de) = (None, None);
            for m in &inner {
                let (v, _) = lit_str(m, file)?;
                match meta_key(m).as_str() {
                    "serialize" => ser = Some(v),
                    "deserialize" => de = Some(v),
                    other => {
                        return Err(CrdError::at(
                            file,
                            m.span(),
                            format!("unknown item `{other}` in `{}(...)`", meta_key(meta)),
                        ));
                    }
                }
            }
            Ok((ser, de))
        }
        Meta::Path(p) => Err(CrdError::at(
            file,
            p.span(),
            format!("expected `{} = \"...\"`", meta_key(meta)),
        )),
    }
}

fn rule_of(value: Option<String>, span: Span, file: &Path) -> Result<Option<RenameRule>> {
    match value {
        None => Ok(None),
        Some(v) => RenameRule::parse(&v).map(Some).ok_or_else(|| {
            CrdError::at(file, span, format!("unknown rename rule `{v}`")).hint(
                "use one of lowercase, UPPERCASE, PascalCase, camelCase, snake_case, SCREAMING_SNAKE_CASE, kebab-case, SCREAMING-KEBAB-CASE",
            )
        }),
    }
}

/// The serde keywords in effect, in order: schemars' own (`#[schemars(rename ..)]`, ..) first, then
/// those of `#[serde(..)]` that they do not override.
fn effective_metas<'m>(schemars: &'m [Meta], serde: &'m [Meta]) -> Vec<&'m Meta> {
    let mut effective: Vec<&Meta> = Vec::new();
    let mut overridden: Vec<String> = Vec::new();
    for m in schemars {
        let k = meta_key(m);
        if SCHEMARS_SERDE_KEYWORDS.contains(&k.as_str()) {
            if k == "skip" {
                overridden.push("skip_serializing".into());
                overridden.push("skip_deserializing".into());
            }
            overridden.push(k);
            effective.push(m);
        }
    }
    for m in serde {
        let k = meta_key(m);
        if overridden.contains(&k) || k == "bound" {
            continue;
        }
        if SCHEMARS_SERDE_KEYWORDS.contains(&k.as_str())
            || SERDE_KEYWORDS_SEEN_BY_SCHEMARS.contains(&k.as_str())
        {
            effective.push(m);
        }
    }
    effective
}

/// `key = "path"`: the path, and where its string was written.
fn path_value(m: &Meta, key: &str, file: &Path) -> Result<(syn::Path, Span)> {
    let (s, span) = lit_str(m, file)?;
    let path: syn::Path = nesting::parse_str(file, span, &s)?
        .map_err(|e| CrdError::at(file, span, format!("`{key} = \"{s}\"` is not a path: {e}")))?;
    Ok((path, span))
}

impl SerdeAttrs {
    pub fn parse(attrs: &[Attribute], file: &Path) -> Result<Self> {
        let schemars = metas(attrs, "schemars", file)?;
        let serde = metas(attrs, "serde", file)?;
        let schemars_with = schemars.iter().any(|m| meta_key(m) == "with");
        let mut out = SerdeAttrs::default();
        for m in effective_metas(&schemars, &serde) {
            out.read(m, schemars_with, file)?;
        }
        Ok(out)
    }

    /// Reads one serde keyword; `schemars_with`: a `#[schemars(with = ..)]` gives the schema.
    fn read(&mut self, m: &Meta, schemars_with: bool, file: &Path) -> Result<()> {
        let k = meta_key(m);
        match k.as_str() {
            "rename" => {
                let (s, d) = ser_de_pair(m, file)?;
                self.rename_ser = s.or(self.rename_ser.take());
                self.rename_de = d.or(self.rename_de.take());
            }
            "rename_all" => {
                let (s, d) = ser_de_pair(m, file)?;
                self.rename_all_ser = rule_of(s, m.span(), file)?.or(self.rename_all_ser);
                self.rename_all_de = rule_of(d, m.span(), file)?.or(self.rename_all_de);
            }
            "rename_all_fields" => {
                let (s, d) = ser_de_pair(m, file)?;
                self.rename_all_fields_ser =
                    rule_of(s, m.span(), file)?.or(self.rename_all_fields_ser);
                self.rename_all_fields_de =
                    rule_of(d, m.span(), file)?.or(self.rename_all_fields_de);
            }
            "default" => {
                self.default = match m {
                    Meta::Path(_) => SerdeDefault::Default,
                    _ => {
                        let (path, span) = path_value(m, "default", file)?;
                        SerdeDefault::Path(path, span)
                    }
                }
            }
            "skip" => {
                self.skip_ser = true;
                self.skip_de = true;
            }
            "skip_serializing" => self.skip_ser = true,
            "skip_deserializing" => self.skip_de = true,
            "skip_serializing_if" => {
                self.skip_ser_if = Some(path_value(m, "skip_serializing_if", file)?)
            }
            "flatten" => self.flatten = true,
            "untagged" => self.untagged = true,
            "tag" => self.tag = Some(m.span()),
            "content" => self.content = Some(m.span()),
            "deny_unknown_fields" => self.deny_unknown_fields = true,
            "serialize_with" => self.serialize_with = Some(m.span()),
            // `#[schemars(with = "T")]` gives the schema; serde's `with` still serializes.
            "with" if schemars_with => self.serialize_with = Some(m.span()),
            "transparent" | "from" | "into" | "try_from" | "remote" | "with"
                if self.unsupported.is_none() =>
            {
                self.unsupported = Some((k.clone(), m.span()));
            }
            _ => {}
        }
        Ok(())
    }

    /// The name under which serde deserializes this field or variant.
    pub fn de_name(&self, ident: &str, rule: Option<RenameRule>, is_variant: bool) -> String {
        if let Some(n) = &self.rename_de {
            return n.clone();
        }
        match rule {
            Some(r) if is_variant => r.variant(ident),
            Some(r) => r.field(ident),
            None => ident.to_string(),
        }
    }

    /// The name under which serde serializes this field or variant.
    pub fn ser_name(&self, ident: &str, rule: Option<RenameRule>, is_variant: bool) -> String {
        if let Some(n) = &self.rename_ser {
            return n.clone();
        }
        match rule {
            Some(r) if is_variant => r.variant(ident),
            Some(r) => r.field(ident),
            None => ident.to_string(),
        }
    }
}
