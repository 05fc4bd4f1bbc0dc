//! `#[kube(..)]` on a `#[derive(CustomResource)]` type: what kube-derive reads for one version of a
//! kind.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use proc_macro2::Span;
use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Meta, Token};

use super::meta::{flag, lit_str, meta_key, metas};
use crate::crd::error::{CrdError, Result};
use crate::crd::source::{ItemRef, item_attrs};
use crate::crd::{nesting, value};
use crate::model::names;

/// What `#[kube(...)]` says about one version of a kind.
pub(crate) struct KubeAttrs {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub doc: Option<String>,
    pub root: Option<String>,
    pub plural: Option<String>,
    pub singular: Option<String>,
    pub namespaced: bool,
    pub no_spec: bool,
    pub schema_disabled: bool,
    pub status: Option<(syn::Path, Span)>,
    pub categories: Vec<String>,
    pub shortnames: Vec<String>,
    pub printcolumns: Vec<apiext::CustomResourceColumnDefinition>,
    pub selectable: Vec<String>,
    pub scale: Option<apiext::CustomResourceSubresourceScale>,
    pub annotations: Vec<(String, String)>,
    pub labels: Vec<(String, String)>,
    pub validations: Vec<Value>,
    pub storage: bool,
    pub served: bool,
    pub deprecated: Option<Option<String>>,
    /// The first `#[kube]` attribute: where version-level errors point.
    pub span: Span,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPrintColumn {
    description: Option<String>,
    format: Option<String>,
    json_path: String,
    name: String,
    priority: Option<i32>,
    #[serde(rename = "type")]
    type_: String,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawScale {
    label_selector_path: Option<String>,
    spec_replicas_path: String,
    status_replicas_path: String,
}

fn nested(meta: &Meta, file: &std::path::Path) -> Result<Vec<Meta>> {
    let Meta::List(list) = meta else {
        return Err(CrdError::at(
            file,
            meta.span(),
            format!("expected `{}(...)`", meta_key(meta)),
        ));
    };
    list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .map(|p| p.into_iter().collect())
        .map_err(|e| {
            CrdError::at(
                file,
                e.span(),
                format!("cannot read `{}(...)`: {e}", meta_key(meta)),
            )
        })
}

fn key_value_pair(meta: &Meta, file: &std::path::Path) -> Result<(String, String)> {
    if let Meta::List(list) = meta
        && let Ok(p) = list.parse_args_with(Punctuated::<syn::LitStr, Token![,]>::parse_terminated)
        && p.len() == 2
    {
        return Ok((p[0].value(), p[1].value()));
    }
    Err(CrdError::at(
        file,
        meta.span(),
        format!("expected `{}(\"key\", \"value\")`", meta_key(meta)),
    ))
}

/// The `#[kube]` keys that may be given once.
const SINGLE_KEYS: &[&str] = &[
    "group",
    "version",
    "kind",
    "doc",
    "root",
    "plural",
    "singular",
    "namespaced",
    "no_spec",
    "schema",
    "status",
    "scale",
    "storage",
    "served",
    "deprecated",
    "cel",
    "crates",
];

impl KubeAttrs {
    pub fn parse(item: &ItemRef<'_>) -> Result<Self> {
        let attrs = item_attrs(item.item);
        let file = item.file;
        let span = attrs
            .iter()
            .find(|a| a.path().is_ident("kube"))
            .map(|a| a.span())
            .unwrap_or_else(Span::call_site);
        let mut k = KubeAttrs::unset(span);
        let mut seen: Vec<String> = Vec::new();
        for m in metas(attrs, "kube", file)? {
            let key = meta_key(&m);
            if SINGLE_KEYS.contains(&key.as_str()) {
                if seen.contains(&key) {
                    return Err(CrdError::at(
                        file,
                        m.span(),
                        format!("duplicate `#[kube({key})]`"),
                    ));
                }
                seen.push(key.clone());
            }
            k.read(&key, &m, file)?;
        }
        k.require_names(file)?;
        Ok(k)
    }

    /// kube-derive's values for the keys not given; version-level errors point at `span`.
    fn unset(span: Span) -> Self {
        KubeAttrs {
            group: String::new(),
            version: String::new(),
            kind: String::new(),
            doc: None,
            root: None,
            plural: None,
            singular: None,
            namespaced: false,
            no_spec: false,
            schema_disabled: false,
            status: None,
            categories: Vec::new(),
            shortnames: Vec::new(),
            printcolumns: Vec::new(),
            selectable: Vec::new(),
            scale: None,
            annotations: Vec::new(),
            labels: Vec::new(),
            validations: Vec::new(),
            storage: true,
            served: true,
            deprecated: None,
            span,
        }
    }

    /// Reads one `#[kube(key ..)]` item.
    fn read(&mut self, key: &str, m: &Meta, file: &std::path::Path) -> Result<()> {
        match key {
            "group" => self.group = checked_name(m, file, names::check_dns1123_subdomain)?,
            "version" => self.version = checked_name(m, file, names::check_dns1035_label)?,
            "kind" => self.kind = checked_name(m, file, names::check_kind)?,
            "doc" => self.doc = Some(lit_str(m, file)?.0),
            "root" => self.root = Some(lit_str(m, file)?.0),
            "plural" => self.plural = Some(checked_name(m, file, names::check_dns1035_label)?),
            "singular" => self.singular = Some(checked_name(m, file, names::check_dns1035_label)?),
            "namespaced" => self.namespaced = flag(m, file)?,
            "no_spec" => self.no_spec = flag(m, file)?,
            "storage" => self.storage = flag(m, file)?,
            "served" => self.served = flag(m, file)?,
            "cel" => {
                flag(m, file)?;
            }
            "schema" => {
                if schema_disabled(m, file)? {
                    self.schema_disabled = true;
                }
            }
            "status" => self.status = Some(status_path(m, file)?),
            "category" => self.categories.push(lit_str(m, file)?.0),
            "shortname" => self.shortnames.push(lit_str(m, file)?.0),
            "selectable" => self.selectable.push(lit_str(m, file)?.0),
            "annotation" => self.annotations.push(key_value_pair(m, file)?),
            "label" => self.labels.push(key_value_pair(m, file)?),
            "validation" => self.validations.push(validation_rule(m, file)?),
            "deprecated" => {
                self.deprecated = Some(match m {
                    Meta::Path(_) => None,
                    _ => Some(lit_str(m, file)?.0),
                })
            }
            "printcolumn" => self.printcolumns.push(printcolumn(m, file)?),
            "scale" => self.scale = Some(scale(m, file)?),
            "derive" => {
                lit_str(m, file)?;
            }
            "attr" => root_attr(m, file)?,
            "crates" => {}
            other => {
                return Err(CrdError::at(
                    file,
                    m.span(),
                    format!("unknown `#[kube({other})]` attribute"),
                )
                .hint("see kube-derive 5's CustomResource documentation for the attribute list"));
            }
        }
        Ok(())
    }

    /// Refuses a missing `group`, `version` or `kind`.
    fn require_names(&self, file: &std::path::Path) -> Result<()> {
        for (name, value) in [
            ("group", &self.group),
            ("version", &self.version),
            ("kind", &self.kind),
        ] {
            if value.is_empty() {
                return Err(CrdError::at(file, self.span, format!("`#[kube({name} = \"...\")]` is missing"))
                    .hint("#[derive(CustomResource)] needs `#[kube(group = \"..\", version = \"..\", kind = \"..\")]`"));
            }
        }
        Ok(())
    }
}

/// `schema = ".."`: whether the mode is `disabled` (`derived` is the default; `manual` is refused).
fn schema_disabled(m: &Meta, file: &std::path::Path) -> Result<bool> {
    let (mode, span) = lit_str(m, file)?;
    match mode.as_str() {
        "derived" => Ok(false),
        "disabled" => Ok(true),
        "manual" => {
            Err(CrdError::at(file, span, "`schema = \"manual\"` is not supported")
                .hint("the schema is then set by hand in code kubeforge cannot read; use the derived schema, or `schema = \"disabled\"` for none"))
        }
        other => Err(CrdError::at(
            file,
            span,
            format!("unknown schema mode `{other}`"),
        )
        .hint("use \"derived\", \"manual\" or \"disabled\"")),
    }
}

/// `status = "Type"`: the status type's path, and where it was written.
fn status_path(m: &Meta, file: &std::path::Path) -> Result<(syn::Path, Span)> {
    let (s, span) = lit_str(m, file)?;
    let path: syn::Path = syn::LitStr::new(&s, span)
        .parse()
        .map_err(|e| CrdError::at(file, span, format!("`status = \"{s}\"` is not a path: {e}")))?;
    Ok((path, span))
}

/// `validation = ..`: a CEL rule for the root object.
fn validation_rule(m: &Meta, file: &std::path::Path) -> Result<Value> {
    let Meta::NameValue(nv) = m else {
        return Err(CrdError::at(
            file,
            m.span(),
            "expected `validation = \"rule\"` or `validation = Rule::new(..)`",
        ));
    };
    value::eval_rule(&nv.value, file)
}

/// `attr = "..."`: an attribute for the generated root type. kube-derive refuses `derive`, `serde`
/// and `schemars` there (they would fight its own), and anything that is not an attribute.
fn root_attr(m: &Meta, file: &std::path::Path) -> Result<()> {
    let (text, span) = lit_str(m, file)?;
    let meta: Meta = nesting::parse_str(file, span, &text)?.map_err(|e| {
        CrdError::at(
            file,
            span,
            format!("`attr = \"{text}\"` is not an attribute: {e}"),
        )
        .hint("write the attribute's content, e.g. `attr = \"allow(missing_docs)\"`")
    })?;
    let Some(name) = meta.path().get_ident().map(|i| i.to_string()) else {
        return Ok(());
    };
    match name.as_str() {
        "derive" => Err(CrdError::at(
            file,
            span,
            "kube-derive refuses derives in `#[kube(attr = \"...\")]`",
        )
        .hint(format!(
            "use `#[kube(derive = \"..\")]` once per trait, e.g. `#[kube(derive = \"{}\")]`",
            derive_example(&meta)
        ))),
        "serde" | "schemars" => Err(CrdError::at(
            file,
            span,
            format!(
                "kube-derive refuses `{name}(..)` in `#[kube(attr = \"...\")]`: it would conflict with the {name} attributes kube puts on the generated type"
            ),
        )
        .hint(format!(
            "put `#[{name}(..)]` on the spec struct (or status struct) instead"
        ))),
        _ => Ok(()),
    }
}

/// The first trait of `derive(..)`, for a hint.
fn derive_example(meta: &Meta) -> String {
    match meta {
        Meta::List(list) => list
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .ok()
            .and_then(|p| {
                p.first()
                    .map(|p| quote::quote!(#p).to_string().replace(' ', ""))
            })
            .unwrap_or_else(|| "PartialEq".into()),
        _ => "PartialEq".into(),
    }
}

fn printcolumn(m: &Meta, file: &std::path::Path) -> Result<apiext::CustomResourceColumnDefinition> {
    if let Meta::NameValue(_) = m {
        let (json, span) = lit_str(m, file)?;
        let raw: RawPrintColumn = serde_json::from_str(&json)
            .map_err(|e| CrdError::at(file, span, format!("printcolumn JSON is invalid: {e}")))?;
        return Ok(apiext::CustomResourceColumnDefinition {
            description: raw.description,
            format: raw.format,
            json_path: raw.json_path,
            name: raw.name,
            priority: raw.priority,
            type_: raw.type_,
        });
    }
    let mut col = apiext::CustomResourceColumnDefinition::default();
    let (mut has_name, mut has_path, mut has_type) = (false, false, false);
    for item in nested(m, file)? {
        match meta_key(&item).as_str() {
            "name" => {
                col.name = lit_str(&item, file)?.0;
                has_name = true;
            }
            "type_" => {
                col.type_ = lit_str(&item, file)?.0;
                has_type = true;
            }
            "json_path" => {
                col.json_path = lit_str(&item, file)?.0;
                has_path = true;
            }
            "description" => col.description = Some(lit_str(&item, file)?.0),
            "format" => col.format = Some(lit_str(&item, file)?.0),
            "priority" => {
                let Meta::NameValue(nv) = &item else {
                    return Err(CrdError::at(file, item.span(), "expected `priority = N`"));
                };
                let v = value::eval_literal(&nv.value)
                    .and_then(|v| v.as_i64())
                    .and_then(|v| i32::try_from(v).ok());
                col.priority =
                    Some(v.ok_or_else(|| {
                        CrdError::at(file, nv.value.span(), "expected an integer")
                    })?);
            }
            other => {
                return Err(CrdError::at(
                    file,
                    item.span(),
                    format!("unknown printcolumn field `{other}`"),
                ));
            }
        }
    }
    for (ok, name) in [
        (has_path, "json_path"),
        (has_name, "name"),
        (has_type, "type_"),
    ] {
        if !ok {
            return Err(CrdError::at(
                file,
                m.span(),
                format!("printcolumn is missing `{name}`"),
            ));
        }
    }
    Ok(col)
}

fn scale(m: &Meta, file: &std::path::Path) -> Result<apiext::CustomResourceSubresourceScale> {
    if let Meta::NameValue(_) = m {
        let (json, span) = lit_str(m, file)?;
        let raw: RawScale = serde_json::from_str(&json)
            .map_err(|e| CrdError::at(file, span, format!("scale JSON is invalid: {e}")))?;
        return Ok(apiext::CustomResourceSubresourceScale {
            label_selector_path: raw.label_selector_path,
            spec_replicas_path: raw.spec_replicas_path,
            status_replicas_path: raw.status_replicas_path,
        });
    }
    let mut s = apiext::CustomResourceSubresourceScale::default();
    let (mut spec, mut status) = (false, false);
    for item in nested(m, file)? {
        match meta_key(&item).as_str() {
            "spec_replicas_path" => {
                s.spec_replicas_path = lit_str(&item, file)?.0;
                spec = true;
            }
            "status_replicas_path" => {
                s.status_replicas_path = lit_str(&item, file)?.0;
                status = true;
            }
            "label_selector_path" => s.label_selector_path = Some(lit_str(&item, file)?.0),
            other => {
                return Err(CrdError::at(
                    file,
                    item.span(),
                    format!("unknown scale field `{other}`"),
                ));
            }
        }
    }
    if !spec || !status {
        return Err(CrdError::at(
            file,
            m.span(),
            "scale needs `spec_replicas_path` and `status_replicas_path`",
        ));
    }
    Ok(s)
}

/// The string of `#[kube(key = "..")]`, checked as the API server checks that name (the CRD's
/// names also make file names: `config/crd/bases/<group>_<plural>.yaml`).
fn checked_name(
    m: &Meta,
    file: &std::path::Path,
    check: fn(&str) -> names::NameResult,
) -> Result<String> {
    let (value, span) = lit_str(m, file)?;
    check(&value).map_err(|why| {
        let key = m.path().get_ident().map(ToString::to_string).unwrap_or_default();
        CrdError::at(file, span, format!("`#[kube({key} = {value:?})]`: the {key} {why}"))
            .hint("use a name the API server accepts: lowercase DNS names for the group, plural and singular, `v1`-style versions, an UpperCamelCase kind")
    })?;
    Ok(value)
}
