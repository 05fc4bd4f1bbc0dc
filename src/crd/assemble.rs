//! `#[kube(...)]` attributes → a CustomResourceDefinition, as kube-derive's `crd()` builds it:
//! the generated root object's raw schema, schemars' and kube-core's transforms (called, not
//! copied), deserialization into `JSONSchemaProps`, and `merge_crds` for several versions.

use std::collections::BTreeMap;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use proc_macro2::Span;
use serde_json::{Value, json};

use super::attrs::kube::KubeAttrs;
use super::attrs::schemars::SchemarsAttrs;
use super::error::{CrdError, Result};
use super::schema::{
    Gen, Loc, allow_unknown_properties, apply_common, flatten_into, insert_property,
    push_validation,
};
use super::source::ItemRef;
use super::transforms::apply_kube_transforms;

/// Fields of the root object: kube-derive refuses them in a `#[kube(no_spec)]` struct, whose
/// fields it lifts beside them (it compares the Rust names).
const ROOT_FIELDS: [&str; 5] = ["apiVersion", "api_version", "kind", "metadata", "status"];

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
    check_spec_item(item, &k, &spec_ident, spec_span, &root_name)?;
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
    Ok(VersionCrd {
        crd: version_crd(&k, schema),
        storage: k.storage,
        file: file.to_path_buf(),
        span: k.span,
    })
}

/// Refuses what kube-derive refuses in the spec type: the kind's own name, and with `no_spec` a
/// type without named fields or a field that the root object already has.
fn check_spec_item(
    item: ItemRef<'_>,
    k: &KubeAttrs,
    spec_ident: &str,
    spec_span: Span,
    root_name: &str,
) -> Result<()> {
    let file = item.file;
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
    Ok(())
}

/// The CRD of one version, as kube-derive's `crd()` fills it from `#[kube(..)]`.
fn version_crd(
    k: &KubeAttrs,
    schema: Option<apiext::JSONSchemaProps>,
) -> apiext::CustomResourceDefinition {
    let singular = k
        .singular
        .clone()
        .unwrap_or_else(|| k.kind.to_ascii_lowercase());
    let plural = k.plural.clone().unwrap_or_else(|| to_plural(&singular));
    let opt_map = |pairs: &[(String, String)]| {
        (!pairs.is_empty()).then(|| pairs.iter().cloned().collect::<BTreeMap<String, String>>())
    };
    apiext::CustomResourceDefinition {
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
            versions: vec![crd_version(k, schema)],
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The one entry of `spec.versions`: schema, printer columns, subresources and flags.
fn crd_version(
    k: &KubeAttrs,
    schema: Option<apiext::JSONSchemaProps>,
) -> apiext::CustomResourceDefinitionVersion {
    let subresources = k
        .status
        .as_ref()
        .map(|_| apiext::CustomResourceSubresources {
            scale: k.scale.clone(),
            status: Some(apiext::CustomResourceSubresourceStatus(json!({}))),
        });
    apiext::CustomResourceDefinitionVersion {
        additional_printer_columns: (!k.printcolumns.is_empty()).then(|| k.printcolumns.clone()),
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
    }
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
        let stored_version = stored_version(&name, &group)?;
        if group.len() == 1 {
            out.push(group.into_iter().next().expect("one").crd);
            continue;
        }
        out.push(merge_group(&name, group, &stored_version)?);
    }
    Ok(out)
}

/// The storage version of the versions of one CRD (sorted by version name), refusing a version
/// defined twice and a count of storage versions other than one.
fn stored_version(name: &str, group: &[VersionCrd]) -> Result<String> {
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
    Ok(stored[0].crd.spec.versions[0].name.clone())
}

/// Several versions of one CRD merged by `merge_crds`, the versions then in ascending name order.
fn merge_group(
    name: &str,
    group: Vec<VersionCrd>,
    stored_version: &str,
) -> Result<apiext::CustomResourceDefinition> {
    let first = (group[0].file.clone(), group[0].span);
    let crds = group.into_iter().map(|v| v.crd).collect();
    let merged = kube_core::crd::merge_crds(crds, stored_version).map_err(|e| {
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
    Ok(merged)
}
