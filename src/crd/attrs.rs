//! Attribute parsing: doc comments, `#[serde]` (with schemars' overrides), `#[schemars]`,
//! `#[kube]` and `#[x_kube]`. Each parser keeps the span of what it read, for error positions.

use std::path::Path;

use proc_macro2::Span;
use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, Lit, Meta, Token};

use super::error::{CrdError, Result};
use super::value::expr_str;
use super::{nesting, value};

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

// ---------------------------------------------------------------------------------------------
// Doc comments

/// The doc text the way schemars joins it: one leading space of each line removed, lines joined
/// with `\n`. `None` without doc attributes.
pub(crate) fn doc_of(attrs: &[Attribute], file: &Path) -> Result<Option<String>> {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        let Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        match expr_str(&nv.value) {
            Some(s) => lines.push(s.strip_prefix(' ').map(str::to_string).unwrap_or(s)),
            None => {
                return Err(CrdError::at(file, nv.value.span(), "doc attribute is not a string literal")
                    .hint("write the documentation as `///` comments; `#[doc = macro!(..)]` cannot be read without compiling"));
            }
        }
    }
    Ok(if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n"))
    })
}

/// schemars' split of a doc text: a first line starting with `#` is the title (without the `#`s),
/// the rest the description; both trimmed of ASCII whitespace.
pub(crate) fn title_and_description(doc: &str) -> (String, String) {
    let trim = |s: &str| {
        s.trim_matches(|c: char| c.is_ascii_whitespace())
            .to_string()
    };
    let doc = trim(doc);
    if doc.starts_with('#') {
        let (first, rest) = match doc.find('\n') {
            Some(i) => (&doc[..i], &doc[i..]),
            None => (&doc[..], ""),
        };
        (trim(first.trim_start_matches('#')), trim(rest))
    } else {
        (String::new(), doc)
    }
}

// ---------------------------------------------------------------------------------------------
// serde

/// A serde rename rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "lowercase" => Self::Lower,
            "UPPERCASE" => Self::Upper,
            "PascalCase" => Self::Pascal,
            "camelCase" => Self::Camel,
            "snake_case" => Self::Snake,
            "SCREAMING_SNAKE_CASE" => Self::ScreamingSnake,
            "kebab-case" => Self::Kebab,
            "SCREAMING-KEBAB-CASE" => Self::ScreamingKebab,
            _ => return None,
        })
    }

    /// Renames a field written in snake_case.
    pub fn field(self, name: &str) -> String {
        fn pascal(name: &str) -> String {
            let mut out = String::new();
            let mut upper_next = true;
            for ch in name.chars() {
                if ch == '_' {
                    upper_next = true;
                } else if upper_next {
                    out.push(ch.to_ascii_uppercase());
                    upper_next = false;
                } else {
                    out.push(ch);
                }
            }
            out
        }
        match self {
            Self::Lower | Self::Snake => name.to_string(),
            Self::Upper | Self::ScreamingSnake => name.to_ascii_uppercase(),
            Self::Pascal => pascal(name),
            Self::Camel => {
                let p = pascal(name);
                let mut chars = p.chars();
                match chars.next() {
                    Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => p,
                }
            }
            Self::Kebab => name.replace('_', "-"),
            Self::ScreamingKebab => name.to_ascii_uppercase().replace('_', "-"),
        }
    }

    /// Renames an enum variant written in PascalCase.
    pub fn variant(self, name: &str) -> String {
        let snake = || {
            let mut out = String::new();
            for (i, ch) in name.char_indices() {
                if i > 0 && ch.is_uppercase() {
                    out.push('_');
                }
                out.push(ch.to_ascii_lowercase());
            }
            out
        };
        match self {
            Self::Pascal => name.to_string(),
            Self::Lower => name.to_ascii_lowercase(),
            Self::Upper => name.to_ascii_uppercase(),
            Self::Camel => {
                let mut chars = name.chars();
                match chars.next() {
                    Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            }
            Self::Snake => snake(),
            Self::ScreamingSnake => snake().to_ascii_uppercase(),
            Self::Kebab => snake().replace('_', "-"),
            Self::ScreamingKebab => snake().to_ascii_uppercase().replace('_', "-"),
        }
    }
}

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
const SCHEMARS_SERDE_KEYWORDS: &[&str] = &[
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

impl SerdeAttrs {
    pub fn parse(attrs: &[Attribute], file: &Path) -> Result<Self> {
        let schemars = metas(attrs, "schemars", file)?;
        let serde = metas(attrs, "serde", file)?;
        let mut effective: Vec<&Meta> = Vec::new();
        let mut overridden: Vec<String> = Vec::new();
        for m in &schemars {
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
        let schemars_with = schemars.iter().any(|m| meta_key(m) == "with");
        for m in &serde {
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
        let mut out = SerdeAttrs::default();
        for m in effective {
            let k = meta_key(m);
            match k.as_str() {
                "rename" => {
                    let (s, d) = ser_de_pair(m, file)?;
                    out.rename_ser = s.or(out.rename_ser);
                    out.rename_de = d.or(out.rename_de);
                }
                "rename_all" => {
                    let (s, d) = ser_de_pair(m, file)?;
                    out.rename_all_ser = rule_of(s, m.span(), file)?.or(out.rename_all_ser);
                    out.rename_all_de = rule_of(d, m.span(), file)?.or(out.rename_all_de);
                }
                "rename_all_fields" => {
                    let (s, d) = ser_de_pair(m, file)?;
                    out.rename_all_fields_ser =
                        rule_of(s, m.span(), file)?.or(out.rename_all_fields_ser);
                    out.rename_all_fields_de =
                        rule_of(d, m.span(), file)?.or(out.rename_all_fields_de);
                }
                "default" => {
                    out.default = match m {
                        Meta::Path(_) => SerdeDefault::Default,
                        _ => {
                            let (s, span) = lit_str(m, file)?;
                            let path: syn::Path =
                                nesting::parse_str(file, span, &s)?.map_err(|e| {
                                    CrdError::at(
                                        file,
                                        span,
                                        format!("`default = \"{s}\"` is not a path: {e}"),
                                    )
                                })?;
                            SerdeDefault::Path(path, span)
                        }
                    }
                }
                "skip" => {
                    out.skip_ser = true;
                    out.skip_de = true;
                }
                "skip_serializing" => out.skip_ser = true,
                "skip_deserializing" => out.skip_de = true,
                "skip_serializing_if" => {
                    let (s, span) = lit_str(m, file)?;
                    let path: syn::Path = nesting::parse_str(file, span, &s)?.map_err(|e| {
                        CrdError::at(
                            file,
                            span,
                            format!("`skip_serializing_if = \"{s}\"` is not a path: {e}"),
                        )
                    })?;
                    out.skip_ser_if = Some((path, span));
                }
                "flatten" => out.flatten = true,
                "untagged" => out.untagged = true,
                "tag" => out.tag = Some(m.span()),
                "content" => out.content = Some(m.span()),
                "deny_unknown_fields" => out.deny_unknown_fields = true,
                "serialize_with" => out.serialize_with = Some(m.span()),
                // `#[schemars(with = "T")]` gives the schema; serde's `with` still serializes.
                "with" if schemars_with => out.serialize_with = Some(m.span()),
                "transparent" | "from" | "into" | "try_from" | "remote" | "with"
                    if out.unsupported.is_none() =>
                {
                    out.unsupported = Some((k.clone(), m.span()));
                }
                _ => {}
            }
        }
        Ok(out)
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

// ---------------------------------------------------------------------------------------------
// schemars

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

/// Keys accepted in `#[schemars(extend(...))]`: the ones a CRD schema (JSONSchemaProps) has.
pub(crate) const EXTEND_KEYS: &[&str] = &[
    "default",
    "description",
    "title",
    "example",
    "examples",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "enum",
    "nullable",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-int-or-string",
    "x-kubernetes-embedded-resource",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
    "x-kubernetes-validations",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "externalDocs",
];

/// The keys of a CRD schema (JSONSchemaProps) that a subschema inside `anyOf`/`oneOf`/`allOf`/
/// `not` may have: the rest are rewritten by schemars or kube-core, dropped by k8s-openapi or
/// rejected by the API server.
const SUBSCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "title",
    "description",
    "default",
    "example",
    "enum",
    "nullable",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "externalDocs",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-int-or-string",
    "x-kubernetes-embedded-resource",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
    "x-kubernetes-validations",
];

/// Why kube's `crd()` would not keep a subschema (the value of `anyOf`, `oneOf`, `allOf` or
/// `not`, or one nested in it) as written: `Err((where, what))`. `variant_of`: the keyword whose
/// list holds this subschema directly (`anyOf`/`oneOf` variants are rewritten by kube-core's
/// `StructuralSchemaRewriter`).
pub(crate) fn check_subschema(
    v: &Value,
    at: &str,
    variant_of: Option<&str>,
) -> std::result::Result<(), (String, String)> {
    let Value::Object(m) = v else {
        return Err((
            at.to_string(),
            "is not a schema object (schemars rewrites boolean schemas)".into(),
        ));
    };
    for (k, x) in m {
        let here = format!("{at}.{k}");
        if !SUBSCHEMA_KEYS.contains(&k.as_str()) {
            let why = match k.as_str() {
                "uniqueItems" => "kube-core removes `uniqueItems`",
                "$ref" => "schemars removes the siblings of `$ref` and a CRD cannot hold `$ref`",
                "const" | "examples" | "prefixItems" | "unevaluatedProperties" => {
                    "schemars rewrites it for OpenAPI 3"
                }
                _ => "it is not a key of a CRD schema (k8s-openapi drops it)",
            };
            return Err((here, format!("cannot be kept: {why}")));
        }
        if let Some(kw) = variant_of {
            let stripped = match k.as_str() {
                "type" | "description" | "default" => Some(
                    "kube-core's structural rewriter strips or hoists it out of `anyOf`/`oneOf` variants",
                ),
                "properties" | "additionalProperties" => Some(
                    "kube-core's structural rewriter hoists the properties of `anyOf`/`oneOf` variants into the parent schema",
                ),
                "enum" if kw == "oneOf" => Some(
                    "kube-core's structural rewriter merges the `enum` of `oneOf` variants into the parent schema",
                ),
                "nullable" => Some("kube-core's OptionalEnum rewrite may take it for an `Option`"),
                _ => None,
            };
            if let Some(why) = stripped {
                return Err((here, format!("cannot be kept in a `{kw}` variant: {why}")));
            }
        }
        match k.as_str() {
            "type" if !x.is_string() || x == "null" => {
                return Err((
                    here,
                    "must be one type name (schemars rewrites `null` types)".into(),
                ));
            }
            "additionalProperties" if x.is_boolean() => {
                return Err((
                    here,
                    "must be a schema (kube-core rewrites boolean `additionalProperties`)".into(),
                ));
            }
            "anyOf" | "oneOf" | "allOf" => {
                let Some(list) = x.as_array().filter(|l| !l.is_empty()) else {
                    return Err((here, "must be a non-empty list of schemas".into()));
                };
                for (i, s) in list.iter().enumerate() {
                    let kw = (k != "allOf").then_some(k.as_str());
                    check_subschema(s, &format!("{here}[{i}]"), kw)?;
                }
            }
            "not" | "items" | "additionalProperties" => check_subschema(x, &here, None)?,
            "properties" => {
                let Some(props) = x.as_object() else {
                    return Err((here, "must be a map of schemas".into()));
                };
                for (name, s) in props {
                    check_subschema(s, &format!("{here}.{name}"), None)?;
                }
            }
            "externalDocs" => check_external_docs(x).map_err(|w| (here, w))?,
            _ => {}
        }
    }
    Ok(())
}

fn check_external_docs(v: &Value) -> std::result::Result<(), String> {
    match v {
        Value::Object(m)
            if m.iter()
                .all(|(k, x)| matches!(k.as_str(), "url" | "description") && x.is_string()) =>
        {
            Ok(())
        }
        _ => Err("must be `{\"url\": \"..\", \"description\": \"..\"}` (strings only)".into()),
    }
}

/// Where the schemars attributes sit: it decides which items are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrSite {
    Container,
    Variant,
    Field,
}

fn number_expr(expr: &Expr, file: &Path) -> Result<Value> {
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

fn string_expr(expr: &Expr, file: &Path, what: &str) -> Result<String> {
    expr_str(expr).ok_or_else(|| {
        CrdError::spanned(file, expr, format!("{what} is not a string literal"))
            .hint("kubeforge reads attributes without compiling: write the string literal itself")
    })
}

fn parse_validation_item(m: &Meta, v: &mut Validation, file: &Path) -> Result<bool> {
    let key = meta_key(m);
    match key.as_str() {
        "length" => v.length = Some(bounds(m, file)?),
        "range" => v.range = Some(bounds(m, file)?),
        "regex" => {
            let Meta::List(list) = m else {
                return Err(CrdError::at(
                    file,
                    m.span(),
                    "expected `regex(pattern = \"...\")`",
                ));
            };
            let inner = list
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .map_err(|e| {
                    CrdError::at(file, e.span(), format!("cannot read `regex(...)`: {e}"))
                })?;
            for im in &inner {
                match (meta_key(im).as_str(), im) {
                    ("pattern", Meta::NameValue(nv)) => {
                        v.pattern = Some(string_expr(&nv.value, file, "the regex pattern")?)
                    }
                    _ => {
                        return Err(CrdError::at(
                            file,
                            im.span(),
                            "expected `regex(pattern = \"...\")`",
                        )
                        .hint("a `path = ..` regex needs compiling; write the pattern literal"));
                    }
                }
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
            let Meta::List(list) = m else {
                return Err(CrdError::at(file, m.span(), "expected `contains(\"...\")`"));
            };
            if let Ok(e) = list.parse_args::<Expr>()
                && let Some(s) = expr_str(&e)
            {
                v.contains = Some(s);
            } else {
                let inner = list
                    .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                    .map_err(|e| {
                        CrdError::at(file, e.span(), format!("cannot read `contains(...)`: {e}"))
                    })?;
                for im in &inner {
                    match (meta_key(im).as_str(), im) {
                        ("pattern", Meta::NameValue(nv)) => {
                            v.contains = Some(string_expr(&nv.value, file, "the contained text")?)
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
            }
        }
        "email" => v.format = Some("email"),
        "url" => v.format = Some("uri"),
        "ip" => v.format = Some("ip"),
        "ipv4" => v.format = Some("ipv4"),
        "ipv6" => v.format = Some("ipv6"),
        "inner" => {
            let Meta::List(list) = m else {
                return Err(CrdError::at(file, m.span(), "expected `inner(...)`"));
            };
            let inner = list
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .map_err(|e| {
                    CrdError::at(file, e.span(), format!("cannot read `inner(...)`: {e}"))
                })?;
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
        }
        _ => return Ok(false),
    }
    Ok(true)
}

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
    let path_only = |what: &str| -> Result<()> {
        match m {
            Meta::Path(_) => Ok(()),
            _ => Err(CrdError::at(
                file,
                m.span(),
                format!(
                    "schemars rejects a value on `{key}` in `#[{}(..)]`",
                    from.name()
                ),
            )
            .hint(format!("write `{what}` alone"))),
        }
    };
    match key.as_str() {
        "email" | "url" | "ip" | "ipv4" | "ipv6" if v.format.is_none() => {
            // validator's formats may carry a message; garde's are bare, as schemars requires.
            if from == Foreign::Garde {
                path_only(&key)?;
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
            path_only("required")?;
            *required = true;
        }
        "pattern" if from == Foreign::Garde && !text_taken => {
            let Meta::List(list) = m else {
                return Err(CrdError::at(
                    file,
                    m.span(),
                    "schemars expects `pattern(\"...\")` in `#[garde(..)]`",
                ));
            };
            let e: Expr = list.parse_args().map_err(|e| {
                CrdError::at(file, e.span(), format!("cannot read `pattern(...)`: {e}"))
            })?;
            v.pattern = Some(foreign_str(&e, from, "pattern", file)?);
        }
        "regex" if from == Foreign::Validate && !text_taken => {
            let nested = foreign_nested(m, from, file)?;
            if let Some(p) = nested.iter().find(|n| meta_key(n) == "pattern") {
                return Err(CrdError::at(
                    file,
                    p.span(),
                    "schemars rejects `pattern` in `#[validate(regex(..))]`",
                )
                .hint("write the pattern as `#[schemars(regex(pattern = \"...\"))]`"));
            }
            let span = nested
                .iter()
                .find(|n| meta_key(n) == "path")
                .map_or_else(|| m.span(), |p| p.span());
            return Err(CrdError::at(
                file,
                span,
                "`#[validate(regex(path = ..))]` names a compiled regex, which kubeforge cannot read without compiling",
            )
            .hint("add `#[schemars(regex(pattern = \"...\"))]` with the same pattern: schemars reads it before `#[validate]`, and validator keeps its regex"));
        }
        "contains" if !text_taken => {
            let text = match from {
                // validator: `contains(pattern = "..")`
                Foreign::Validate => {
                    let nested = foreign_nested(m, from, file)?;
                    let Some(Meta::NameValue(nv)) =
                        nested.iter().find(|n| meta_key(n) == "pattern")
                    else {
                        return Err(CrdError::at(
                            file,
                            m.span(),
                            "schemars expects `contains(pattern = \"...\")` in `#[validate(..)]`",
                        ));
                    };
                    foreign_str(&nv.value, from, "contains", file)?
                }
                // garde: `contains("..")`
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
                    foreign_str(&e, from, "contains", file)?
                }
            };
            v.contains = Some(text);
        }
        "inner" if from == Foreign::Garde => {
            let mut inner = v.inner.take().map(|b| *b).unwrap_or_default();
            let mut inner_required = false;
            for im in foreign_nested(m, from, file)? {
                foreign_item(&im, from, &mut inner, &mut inner_required, file)?;
            }
            if !inner.is_empty() {
                v.inner = Some(Box::new(inner));
            }
        }
        _ => {}
    }
    Ok(())
}

impl SchemarsAttrs {
    pub fn parse(attrs: &[Attribute], site: AttrSite, file: &Path) -> Result<Self> {
        let mut out = SchemarsAttrs {
            doc: doc_of(attrs, file)?,
            ..Default::default()
        };
        out.deprecated = attrs.iter().any(|a| a.path().is_ident("deprecated"));
        // serde's `description`-like items do not exist; schemars also reads `title`/`description`/
        // `example`/`extend` from `#[serde(...)]`, so look at both.
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
        for m in &all {
            let key = meta_key(m);
            if SCHEMARS_SERDE_KEYWORDS.contains(&key.as_str()) {
                continue; // read by SerdeAttrs
            }
            match key.as_str() {
                "title" | "description" => {
                    let Meta::NameValue(nv) = m else {
                        return Err(CrdError::at(
                            file,
                            m.span(),
                            format!("expected `{key} = \"...\"`"),
                        ));
                    };
                    let s = string_expr(&nv.value, file, &format!("the {key}"))?;
                    if key == "title" {
                        out.title = Some(s);
                    } else {
                        out.description = Some(s);
                    }
                }
                "example" => {
                    let Meta::NameValue(nv) = m else {
                        return Err(CrdError::at(file, m.span(), "expected `example = value`"));
                    };
                    let v = value::eval_literal(&nv.value).ok_or_else(|| {
                        CrdError::spanned(file, &nv.value, "the example is not a literal value")
                            .hint("write a literal (number, string, bool, array) or use `extend(\"example\" = ...)`")
                    })?;
                    out.examples.push(v);
                }
                "extend" => {
                    let Meta::List(list) = m else {
                        return Err(CrdError::at(
                            file,
                            m.span(),
                            "expected `extend(\"key\" = value, ...)`",
                        ));
                    };
                    for (k, v, span) in value::parse_extend(list.tokens.clone(), file)? {
                        check_extension(&k, &v, span, file)?;
                        if out.extensions.iter().any(|(e, _)| *e == k) {
                            return Err(CrdError::at(
                                file,
                                span,
                                format!("duplicate extension key '{k}'"),
                            ));
                        }
                        out.extensions.push((k, v));
                        out.extension_spans.push(span);
                    }
                }
                "with" if site != AttrSite::Container => {
                    let (s, span) = lit_str(m, file)?;
                    let ty: syn::Type = nesting::parse_str(file, span, &s)?.map_err(|e| {
                        CrdError::at(file, span, format!("`with = \"{s}\"` is not a type: {e}"))
                    })?;
                    out.with = Some(ty);
                }
                "required" if site == AttrSite::Field => out.required = true,
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
                    && parse_validation_item(m, &mut out.validation, file)? => {}
                _ => {
                    return Err(CrdError::at(file, m.span(), format!("unsupported schemars attribute `{key}` here"))
                        .hint("see the list of supported constructs in kubeforge's crd module documentation"));
                }
            }
        }
        // schemars reads validator's and garde's attributes on fields too, after its own, each
        // keyword taken from the first attribute that sets it. Elsewhere it ignores them.
        if site == AttrSite::Field {
            for from in [Foreign::Validate, Foreign::Garde] {
                for attr in attrs.iter().filter(|a| a.path().is_ident(from.name())) {
                    let before = (out.validation.clone(), out.required);
                    for m in foreign_metas(attr) {
                        foreign_item(&m, from, &mut out.validation, &mut out.required, file)?;
                    }
                    if from == Foreign::Garde
                        && out.garde_span.is_none()
                        && before != (out.validation.clone(), out.required)
                    {
                        out.garde_span = Some(attr.span());
                    }
                }
            }
        }
        Ok(out)
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

fn check_extension(key: &str, value: &Value, span: Span, file: &Path) -> Result<()> {
    if key == "uniqueItems" {
        return Err(CrdError::at(file, span, "`uniqueItems` cannot be kept: kube-core removes it (the API server rejects `uniqueItems: true`)")
            .hint("drop it; for a list of unique scalar values that the API server enforces, use `#[x_kube(merge_strategy = ListMerge::Set)]` (x-kubernetes-list-type: set) with #[derive(KubeSchema)]"));
    }
    if (key == "exclusiveMinimum" || key == "exclusiveMaximum") && !value.is_boolean() {
        return Err(CrdError::at(
            file,
            span,
            format!("numeric `{key}` is not an OpenAPI v3.0 keyword (a CRD expects a boolean)"),
        )
        .hint(format!(
            "write `extend(\"{}\" = N, \"{key}\" = true)`",
            if key == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            }
        )));
    }
    if matches!(key, "anyOf" | "oneOf" | "allOf" | "not" | "externalDocs") {
        let checked = match (key, value) {
            ("externalDocs", v) => check_external_docs(v).map_err(|w| (key.to_string(), w)),
            ("not", v) => check_subschema(v, key, None),
            (_, Value::Array(list)) if !list.is_empty() => {
                list.iter().enumerate().try_for_each(|(i, s)| {
                    check_subschema(s, &format!("{key}[{i}]"), (key != "allOf").then_some(key))
                })
            }
            _ => Err((
                key.to_string(),
                "must be a non-empty list of schemas".into(),
            )),
        };
        if let Err((at, what)) = checked {
            return Err(CrdError::at(file, span, format!("`{at}` {what}")).hint(
                "inside `anyOf`/`oneOf`/`allOf`/`not` write only value validations (pattern, bounds, `required`, ...) without `type`, `description` or `default`; in `anyOf`/`oneOf` also without `properties` (and without `enum` in `oneOf`), or use a CEL rule in `x-kubernetes-validations`",
            ));
        }
    }
    if !EXTEND_KEYS.contains(&key) {
        return Err(
            CrdError::at(file, span, format!("unknown extension key `{key}`")).hint(format!(
                "kubeforge accepts only keys a CRD schema has: {}",
                EXTEND_KEYS.join(", ")
            )),
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// x_kube

/// `#[x_kube(validation = .., merge_strategy = ..)]` on a field or struct of a `KubeSchema` type.
#[derive(Debug, Clone, Default)]
pub(crate) struct XKube {
    pub validations: Vec<Value>,
    /// The keys a merge strategy adds (`x-kubernetes-list-type`, ...).
    pub merge_strategy: Vec<(String, Value)>,
    pub span: Option<Span>,
}

impl XKube {
    pub fn parse(attrs: &[Attribute], allow_merge: bool, file: &Path) -> Result<Self> {
        let mut out = XKube::default();
        for m in metas(attrs, "x_kube", file)? {
            out.span.get_or_insert(m.span());
            match (meta_key(&m).as_str(), &m) {
                ("validation", Meta::NameValue(nv)) => {
                    out.validations.push(value::eval_rule(&nv.value, file)?)
                }
                ("merge_strategy", Meta::NameValue(nv)) if allow_merge => {
                    out.merge_strategy = value::eval_merge_strategy(&nv.value, file)?;
                }
                ("cel", Meta::Path(_)) if !allow_merge => {}
                ("crates", Meta::List(_)) if !allow_merge => {}
                (k, _) => {
                    return Err(CrdError::at(file, m.span(), format!("unsupported x_kube attribute `{k}` here"))
                        .hint("x_kube takes `validation = ..` (structs and fields) and `merge_strategy = ..` (fields)"));
                }
            }
        }
        Ok(out)
    }
}
