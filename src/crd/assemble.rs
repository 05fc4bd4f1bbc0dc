//! `#[kube(...)]` attributes → a CustomResourceDefinition, as kube-derive's `crd()` builds it:
//! the generated root object's raw schema, schemars' and kube-core's transforms (called, not
//! copied), deserialization into `JSONSchemaProps`, and `merge_crds` for several versions.

use std::collections::BTreeMap;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use proc_macro2::Span;
use serde_json::{Value, json};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Meta, Token};

use super::attrs::{SchemarsAttrs, flag, lit_str, meta_key, metas};
use super::error::{CrdError, Result};
use super::schema::{
    Gen, Loc, allow_unknown_properties, apply_common, flatten_into, insert_property, push_validation,
};
use super::source::ItemRef;
use super::transforms::apply_kube_transforms;
use super::value::eval_rule;
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

impl KubeAttrs {
    pub fn parse(item: &ItemRef<'_>) -> Result<Self> {
        let attrs = super::schema::item_attrs(item.item);
        let file = item.file;
        let span = attrs
            .iter()
            .find(|a| a.path().is_ident("kube"))
            .map(|a| a.span())
            .unwrap_or_else(Span::call_site);
        let mut k = KubeAttrs {
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
        };
        let mut seen: Vec<String> = Vec::new();
        for m in metas(attrs, "kube", file)? {
            let key = meta_key(&m);
            let single = matches!(
                key.as_str(),
                "group"
                    | "version"
                    | "kind"
                    | "doc"
                    | "root"
                    | "plural"
                    | "singular"
                    | "namespaced"
                    | "no_spec"
                    | "schema"
                    | "status"
                    | "scale"
                    | "storage"
                    | "served"
                    | "deprecated"
                    | "cel"
                    | "crates"
            );
            if single {
                if seen.contains(&key) {
                    return Err(CrdError::at(
                        file,
                        m.span(),
                        format!("duplicate `#[kube({key})]`"),
                    ));
                }
                seen.push(key.clone());
            }
            match key.as_str() {
                "group" => k.group = checked_name(&m, file, names::check_dns1123_subdomain)?,
                "version" => k.version = checked_name(&m, file, names::check_dns1035_label)?,
                "kind" => k.kind = checked_name(&m, file, names::check_kind)?,
                "doc" => k.doc = Some(lit_str(&m, file)?.0),
                "root" => k.root = Some(lit_str(&m, file)?.0),
                "plural" => k.plural = Some(checked_name(&m, file, names::check_dns1035_label)?),
                "singular" => {
                    k.singular = Some(checked_name(&m, file, names::check_dns1035_label)?)
                }
                "namespaced" => k.namespaced = flag(&m, file)?,
                "no_spec" => k.no_spec = flag(&m, file)?,
                "storage" => k.storage = flag(&m, file)?,
                "served" => k.served = flag(&m, file)?,
                "cel" => {
                    flag(&m, file)?;
                }
                "schema" => {
                    let (mode, span) = lit_str(&m, file)?;
                    match mode.as_str() {
                        "derived" => {}
                        "disabled" => k.schema_disabled = true,
                        "manual" => {
                            return Err(CrdError::at(file, span, "`schema = \"manual\"` is not supported")
                                .hint("the schema is then set by hand in code kubeforge cannot read; use the derived schema, or `schema = \"disabled\"` for none"));
                        }
                        other => {
                            return Err(CrdError::at(
                                file,
                                span,
                                format!("unknown schema mode `{other}`"),
                            )
                            .hint("use \"derived\", \"manual\" or \"disabled\""));
                        }
                    }
                }
                "status" => {
                    let (s, span) = lit_str(&m, file)?;
                    let path: syn::Path = syn::LitStr::new(&s, span).parse().map_err(|e| {
                        CrdError::at(file, span, format!("`status = \"{s}\"` is not a path: {e}"))
                    })?;
                    k.status = Some((path, span));
                }
                "category" => k.categories.push(lit_str(&m, file)?.0),
                "shortname" => k.shortnames.push(lit_str(&m, file)?.0),
                "selectable" => k.selectable.push(lit_str(&m, file)?.0),
                "annotation" => k.annotations.push(key_value_pair(&m, file)?),
                "label" => k.labels.push(key_value_pair(&m, file)?),
                "validation" => {
                    let Meta::NameValue(nv) = &m else {
                        return Err(CrdError::at(
                            file,
                            m.span(),
                            "expected `validation = \"rule\"` or `validation = Rule::new(..)`",
                        ));
                    };
                    k.validations.push(eval_rule(&nv.value, file)?);
                }
                "deprecated" => {
                    k.deprecated = Some(match &m {
                        Meta::Path(_) => None,
                        _ => Some(lit_str(&m, file)?.0),
                    })
                }
                "printcolumn" => k.printcolumns.push(printcolumn(&m, file)?),
                "scale" => k.scale = Some(scale(&m, file)?),
                "derive" => {
                    lit_str(&m, file)?;
                }
                "attr" => root_attr(&m, file)?,
                "crates" => {}
                other => {
                    return Err(CrdError::at(
                        file,
                        m.span(),
                        format!("unknown `#[kube({other})]` attribute"),
                    )
                    .hint(
                        "see kube-derive 5's CustomResource documentation for the attribute list",
                    ));
                }
            }
        }
        for (name, value) in [
            ("group", &k.group),
            ("version", &k.version),
            ("kind", &k.kind),
        ] {
            if value.is_empty() {
                return Err(CrdError::at(file, span, format!("`#[kube({name} = \"...\")]` is missing"))
                    .hint("#[derive(CustomResource)] needs `#[kube(group = \"..\", version = \"..\", kind = \"..\")]`"));
            }
        }
        Ok(k)
    }
}

/// `attr = "..."`: an attribute for the generated root type. kube-derive refuses `derive`, `serde`
/// and `schemars` there (they would fight its own), and anything that is not an attribute.
fn root_attr(m: &Meta, file: &std::path::Path) -> Result<()> {
    let (text, span) = lit_str(m, file)?;
    let meta: Meta = super::nesting::parse_str(file, span, &text)?.map_err(|e| {
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

/// Fields of the root object: kube-derive refuses them in a `#[kube(no_spec)]` struct, whose
/// fields it lifts beside them (it compares the Rust names).
const ROOT_FIELDS: [&str; 5] = ["apiVersion", "api_version", "kind", "metadata", "status"];

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
                let v = super::value::eval_literal(&nv.value)
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

/// kube-derive's simple pluralizer.
pub(crate) fn to_plural(word: &str) -> String {
    if word.ends_with('s')
        || word.ends_with('x')
        || word.ends_with('z')
        || word.ends_with("ch")
        || word.ends_with("sh")
    {
        return format!("{word}es");
    }
    let chars: Vec<char> = word.chars().collect();
    if word.ends_with('y')
        && chars.len() >= 2
        && !matches!(chars[chars.len() - 2], 'a' | 'e' | 'i' | 'o' | 'u')
    {
        return format!("{}ies", &word[..word.len() - 1]);
    }
    format!("{word}s")
}

/// One version of one kind, before merging.
pub(crate) struct VersionCrd {
    pub crd: apiext::CustomResourceDefinition,
    pub storage: bool,
    pub file: std::path::PathBuf,
    pub span: Span,
}

/// Builds the single-version CRD of a `#[derive(CustomResource)]` item.
pub(crate) fn build<'p>(generator: &mut Gen<'p, '_>, item: ItemRef<'p>) -> Result<VersionCrd> {
    let k = KubeAttrs::parse(&item)?;
    let loc = Loc::of(&item);
    let file = item.file;
    let (spec_ident, spec_span) = match item.item {
        syn::Item::Struct(s) => (s.ident.to_string(), s.ident.span()),
        syn::Item::Enum(e) => (e.ident.to_string(), e.ident.span()),
        _ => unreachable!("CustomResource items are structs or enums"),
    };
    let root_name = k.root.clone().unwrap_or_else(|| k.kind.clone());
    if root_name == spec_ident {
        return Err(CrdError::at(
            file,
            spec_span,
            "`kind = \"...\"` must not equal the struct name (kube generates that type)",
        )
        .hint(format!(
            "name the struct `{root_name}Spec`, or set `#[kube(root = \"...\")]`"
        )));
    }
    if k.no_spec
        && !matches!(item.item, syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)))
    {
        return Err(CrdError::at(
            file,
            spec_span,
            "`kube(no_spec)` requires a struct with named fields",
        )
        .hint("drop `no_spec`, or use a struct with named fields"));
    }
    if k.no_spec
        && let syn::Item::Struct(s) = item.item
        && let Some(ident) = s.fields.iter().filter_map(|f| f.ident.as_ref()).find(|i| {
            let name = i.to_string();
            ROOT_FIELDS.contains(&name.as_str())
        })
    {
        return Err(CrdError::at(
            file,
            ident.span(),
            format!(
                "`kube(no_spec)` lifts this field onto the root object, where `{ident}` is already taken"
            ),
        )
        .hint("rename the field, or drop `no_spec` to keep the fields under `spec`"));
    }
    let schema = if k.schema_disabled {
        None
    } else {
        Some(root_schema(
            generator,
            item,
            &k,
            loc,
            &spec_ident,
            spec_span,
            &root_name,
        )?)
    };
    let singular = k
        .singular
        .clone()
        .unwrap_or_else(|| k.kind.to_ascii_lowercase());
    let plural = k.plural.clone().unwrap_or_else(|| to_plural(&singular));
    let opt_map = |pairs: &[(String, String)]| {
        (!pairs.is_empty()).then(|| pairs.iter().cloned().collect::<BTreeMap<String, String>>())
    };
    let subresources = k
        .status
        .as_ref()
        .map(|_| apiext::CustomResourceSubresources {
            scale: k.scale.clone(),
            status: Some(apiext::CustomResourceSubresourceStatus(json!({}))),
        });
    let crd = apiext::CustomResourceDefinition {
        metadata: ObjectMeta {
            annotations: opt_map(&k.annotations),
            labels: opt_map(&k.labels),
            name: Some(format!("{plural}.{}", k.group)),
            ..Default::default()
        },
        spec: apiext::CustomResourceDefinitionSpec {
            group: k.group.clone(),
            names: apiext::CustomResourceDefinitionNames {
                categories: (!k.categories.is_empty()).then(|| k.categories.clone()),
                kind: k.kind.clone(),
                plural,
                short_names: (!k.shortnames.is_empty()).then(|| k.shortnames.clone()),
                singular: Some(singular),
                ..Default::default()
            },
            scope: if k.namespaced {
                "Namespaced"
            } else {
                "Cluster"
            }
            .to_string(),
            versions: vec![apiext::CustomResourceDefinitionVersion {
                additional_printer_columns: (!k.printcolumns.is_empty())
                    .then(|| k.printcolumns.clone()),
                deprecated: k.deprecated.as_ref().map(|_| true),
                deprecation_warning: k.deprecated.clone().flatten(),
                name: k.version.clone(),
                schema: Some(apiext::CustomResourceValidation {
                    open_api_v3_schema: schema,
                }),
                selectable_fields: (!k.selectable.is_empty()).then(|| {
                    k.selectable
                        .iter()
                        .map(|p| apiext::SelectableField {
                            json_path: p.clone(),
                        })
                        .collect()
                }),
                served: k.served,
                storage: k.storage,
                subresources,
            }],
            ..Default::default()
        },
        ..Default::default()
    };
    Ok(VersionCrd {
        crd,
        storage: k.storage,
        file: file.to_path_buf(),
        span: k.span,
    })
}

/// The schema of the generated root object (`metadata` skipped, `spec`, optional `status`).
#[allow(clippy::too_many_arguments)]
fn root_schema<'p>(
    generator: &mut Gen<'p, '_>,
    item: ItemRef<'p>,
    k: &KubeAttrs,
    loc: Loc<'p>,
    spec_ident: &str,
    spec_span: Span,
    root_name: &str,
) -> Result<apiext::JSONSchemaProps> {
    let mut schema = json!({"type": "object"});
    let spec_schema = generator.item_schema_for_root(item, spec_span)?;
    if k.no_spec {
        let mut other = spec_schema;
        allow_unknown_properties(&mut other);
        flatten_into(&mut schema, other, loc, spec_span)?;
    } else {
        insert_property(&mut schema, "spec", false, spec_schema);
    }
    if let Some((status, span)) = &k.status {
        let ty: syn::Type = syn::parse_quote_spanned!(*span=> Option<#status>);
        let st = generator.schema_at(item, &ty)?;
        insert_property(&mut schema, "status", true, st);
    }
    let doc = k.doc.clone().unwrap_or_else(|| {
        format!(" Auto-generated derived type for {spec_ident} via `CustomResource`")
    });
    let doc = doc.strip_prefix(' ').map(str::to_string).unwrap_or(doc);
    apply_common(
        &mut schema,
        &SchemarsAttrs {
            doc: Some(doc),
            ..Default::default()
        },
    );
    for rule in &k.validations {
        push_validation(&mut schema, rule.clone());
    }
    if let Value::Object(m) = &mut schema {
        m.entry("title").or_insert_with(|| json!(root_name));
    }
    let transformed = apply_kube_transforms(schema).map_err(|msg| {
        CrdError::at(item.file, spec_span, msg)
            .hint("give properties that appear in several enum variants the same type and docs")
    })?;
    serde_json::from_value(transformed).map_err(|e| {
        CrdError::at(
            item.file,
            spec_span,
            format!("the derived schema is not a valid CRD schema: {e}"),
        )
        .hint("kube's crd() would panic here; check `extend(...)` values and enum variants")
    })
}

/// Groups single-version CRDs by name and merges them like `kube_core::crd::merge_crds`.
pub(crate) fn merge(
    mut versions: Vec<VersionCrd>,
) -> Result<Vec<apiext::CustomResourceDefinition>> {
    versions.sort_by(|a, b| {
        (
            a.crd.metadata.name.as_deref(),
            a.crd.spec.versions[0].name.as_str(),
        )
            .cmp(&(
                b.crd.metadata.name.as_deref(),
                b.crd.spec.versions[0].name.as_str(),
            ))
    });
    let mut groups: BTreeMap<String, Vec<VersionCrd>> = BTreeMap::new();
    for v in versions {
        groups
            .entry(v.crd.metadata.name.clone().unwrap_or_default())
            .or_default()
            .push(v);
    }
    let mut out = Vec::new();
    for (name, group) in groups {
        for pair in group.windows(2) {
            if pair[0].crd.spec.versions[0].name == pair[1].crd.spec.versions[0].name {
                let s = pair[1].span.start();
                return Err(CrdError {
                    file: pair[1].file.clone(),
                    line: s.line,
                    column: s.column + 1,
                    message: format!(
                        "version `{}` of `{name}` is defined twice",
                        pair[1].crd.spec.versions[0].name
                    ),
                    hint: Some(format!(
                        "the other definition is in {}",
                        pair[0].file.display()
                    )),
                });
            }
        }
        let stored: Vec<&VersionCrd> = group.iter().filter(|v| v.storage).collect();
        if stored.len() != 1 {
            let at = stored.get(1).copied().unwrap_or(&group[0]);
            let s = at.span.start();
            let versions: Vec<&str> = group
                .iter()
                .map(|v| v.crd.spec.versions[0].name.as_str())
                .collect();
            return Err(CrdError {
                file: at.file.clone(),
                line: s.line,
                column: s.column + 1,
                message: format!(
                    "`{name}` has {} storage versions among {}; it needs exactly one",
                    stored.len(),
                    versions.join(", ")
                ),
                hint: Some("mark every version but one with `#[kube(storage = false)]`".into()),
            });
        }
        let stored_version = stored[0].crd.spec.versions[0].name.clone();
        if group.len() == 1 {
            out.push(group.into_iter().next().expect("one").crd);
            continue;
        }
        let first = (group[0].file.clone(), group[0].span);
        let crds = group.into_iter().map(|v| v.crd).collect();
        let merged = kube_core::crd::merge_crds(crds, &stored_version).map_err(|e| {
            let s = first.1.start();
            CrdError {
                file: first.0.clone(),
                line: s.line,
                column: s.column + 1,
                message: format!("cannot merge the versions of `{name}`: {e}"),
                hint: Some(
                    "every version of a kind needs the same group, kind and scope (`namespaced`)"
                        .into(),
                ),
            }
        })?;
        let mut merged = merged;
        // Like the scaffolded crdgen: versions in ascending name order after merging.
        merged.spec.versions.sort_by(|a, b| a.name.cmp(&b.name));
        out.push(merged);
    }
    Ok(out)
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
