//! The top-level keys of a description file, checked and lowered with its `spec` and `status`
//! schemas into a [`Description`]: names, subresources, printer columns, scale, selectable
//! fields and deprecation.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::checks::{self, Roots};
use super::errors::{Errs, errs};
use super::format::{At, DescriptionFile, Pos, PrinterColumn, Scale};
use super::ir::{Ir, Path2};
use super::lower::Lower;
use super::parsed::{Column, Description};
use super::places::places;
use super::sample::Known;
use super::values::check_values;
use crate::error::Error;
use crate::model::names as model_names;

/// The scale subresource's paths: desired replicas, observed replicas, label selector.
type ScalePaths = (String, String, Option<String>);

/// Checks a description file's contents and lowers them into a [`Description`].
pub fn lower(file: &Path, raw: DescriptionFile) -> Result<Description, Error> {
    let e = errs(file);
    let kind = kind(e, &raw)?;
    check_names(e, &raw)?;
    let short_names = short_names(e, &raw)?;
    let categories = categories(e, &raw)?;
    let (spec, status) = schemas(e, &raw)?;
    let no_spec = raw.no_spec.as_ref().is_some_and(|b| b.value);
    let roots = Roots {
        spec: &spec,
        status: status.as_ref(),
        no_spec,
    };
    let columns = columns(e, &roots, &raw)?;
    let scale = scale(e, &roots, &raw)?;
    let selectable = selectable(e, &roots, &raw)?;
    check_schemas(e, &spec, status.as_ref())?;
    let deprecated = deprecated(e, &raw)?;
    let (place_map, known) = places_of(&spec, status.as_ref());
    Ok(Description {
        file: file.to_path_buf(),
        group: raw.group,
        version: raw.version,
        kind,
        plural: raw.plural,
        singular: raw.singular,
        scope: raw.scope,
        short_names,
        categories,
        doc: raw.description.map(|d| d.value),
        columns,
        scale,
        selectable,
        served: raw.served,
        storage: raw.storage,
        deprecated,
        spec,
        no_spec,
        status,
        places: place_map,
        known,
        resolved: None,
        crd: None,
    })
}

/// The kind's name, if given: an UpperCamelCase name, not a schema.
fn kind(e: Errs<'_>, raw: &DescriptionFile) -> Result<Option<At<String>>, Error> {
    match &raw.kind {
        None => Ok(None),
        Some(k) => match &k.value {
            Value::String(s) => {
                model_names::check_kind_type(s).map_err(|m| {
                    e.at(
                        k.pos(),
                        format!("kind `{s}` {m}"),
                        "use an UpperCamelCase name, e.g. `CronJob`",
                    )
                })?;
                Ok(Some(At::new(s.clone(), k.line, k.column)))
            }
            _ => Err(e.at(
                k.pos(),
                "`kind` is the kind's name, not a schema: `kind` is defined by Kubernetes and cannot be redefined",
                "write `kind: CronJob`; describe the object's fields under `spec:` and `status:`",
            )),
        },
    }
}

/// The group, version, plural and singular, where given, are valid Kubernetes names.
fn check_names(e: Errs<'_>, raw: &DescriptionFile) -> Result<(), Error> {
    if let Some(g) = &raw.group {
        model_names::check_dns1123_subdomain(&g.value).map_err(|m| {
            e.at(
                g.pos(),
                format!("group `{}` {m}", g.value),
                "use a lowercase DNS name such as `batch` or `batch.example.com`",
            )
        })?;
    }
    if let Some(v) = &raw.version {
        model_names::check_version(&v.value).map_err(|m| {
            e.at(
                v.pos(),
                format!("version `{}` {m}", v.value),
                "use e.g. `v1`, `v1alpha1` or `v2beta3`",
            )
        })?;
    }
    for (what, v) in [("plural", &raw.plural), ("singular", &raw.singular)] {
        if let Some(v) = v {
            model_names::check_dns1035_label(&v.value).map_err(|m| {
                e.at(
                    v.pos(),
                    format!("{what} `{}` {m}", v.value),
                    "use a lowercase name such as `cronjobs`",
                )
            })?;
        }
    }
    Ok(())
}

/// The short names: valid names, each listed once.
fn short_names(e: Errs<'_>, raw: &DescriptionFile) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for s in raw.short_names.iter().flatten() {
        model_names::check_dns1035_label(&s.value).map_err(|m| {
            e.at(
                s.pos(),
                format!("short name `{}` {m}", s.value),
                "use a short lowercase name such as `cj`",
            )
        })?;
        if out.contains(&s.value) {
            return Err(e.at(
                s.pos(),
                format!("short name `{}` is listed twice", s.value),
                "remove the duplicate",
            ));
        }
        out.push(s.value.clone());
    }
    Ok(out)
}

/// The categories: valid names, each listed once.
fn categories(e: Errs<'_>, raw: &DescriptionFile) -> Result<Vec<String>, Error> {
    let mut categories = Vec::new();
    for s in raw.categories.iter().flatten() {
        model_names::check_dns1123_label(&s.value).map_err(|m| {
            e.at(
                s.pos(),
                format!("category `{}` {m}", s.value),
                "use a lowercase name such as `all`",
            )
        })?;
        if categories.contains(&s.value) {
            return Err(e.at(
                s.pos(),
                format!("category `{}` is listed twice", s.value),
                "remove the duplicate",
            ));
        }
        categories.push(s.value.clone());
    }
    Ok(categories)
}

/// The lowered `spec` and `status`; the status subresource alone gives an empty status, and
/// the scale subresource needs one.
fn schemas(e: Errs<'_>, raw: &DescriptionFile) -> Result<(Ir, Option<Ir>), Error> {
    let lower = Lower { errs: e };
    let Some(spec_node) = &raw.spec else {
        return Err(e.at(
            Pos { line: 1, column: 1 },
            "the description has no `spec`",
            "add `spec:` with the `properties` of the desired state",
        ));
    };
    let spec = lower.root(spec_node, "spec")?;
    let status = match &raw.status {
        Some(s) => Some(lower.root(s, "status")?),
        None => None,
    };

    // Subresources: kube-derive ties the status subresource to the status type.
    let (status_sub, scale) = match &raw.subresources {
        None => (None, None),
        Some(s) => (s.value.status.as_ref(), s.value.scale.as_ref()),
    };
    let status = match (status, status_sub) {
        (Some(s), _) => Some(s),
        (None, Some(at)) => Some(Ir::object(at.pos())),
        (None, None) => None,
    };
    if let Some(sc) = scale
        && status.is_none()
    {
        return Err(e.at(
            sc.pos(),
            "the scale subresource needs the status subresource",
            "add `status: {}` under `subresources`",
        ));
    }
    Ok((spec, status))
}

/// The printer columns, each checked.
fn columns(e: Errs<'_>, roots: &Roots<'_>, raw: &DescriptionFile) -> Result<Vec<Column>, Error> {
    raw.additional_printer_columns
        .iter()
        .flatten()
        .map(|c| column(e, roots, &c.value))
        .collect()
}

/// A printer column: a header, a type and format kubectl knows, a priority that is not
/// negative, and a JSONPath to a field of that type.
fn column(e: Errs<'_>, roots: &Roots<'_>, v: &PrinterColumn) -> Result<Column, Error> {
    if v.name.value.trim().is_empty() {
        return Err(e.at(
            v.name.pos(),
            "a printer column has an empty name",
            "give the column a header",
        ));
    }
    const TYPES: &[&str] = &["integer", "number", "string", "boolean", "date"];
    if !TYPES.contains(&v.type_.value.as_str()) {
        return Err(e.at(
            v.type_.pos(),
            format!(
                "printer column type `{}` is not one of {}",
                v.type_.value,
                TYPES.join(", ")
            ),
            "use one of the column types kubectl knows",
        ));
    }
    if let Some(f) = &v.format {
        const FORMATS: &[&str] = &[
            "int32",
            "int64",
            "float",
            "double",
            "byte",
            "date",
            "date-time",
            "password",
        ];
        if !FORMATS.contains(&f.value.as_str()) {
            return Err(e.at(
                f.pos(),
                format!(
                    "printer column format `{}` is not one of {}",
                    f.value,
                    FORMATS.join(", ")
                ),
                "use one of the formats the API server accepts, or remove `format`",
            ));
        }
    }
    if let Some(p) = &v.priority
        && p.value < 0
    {
        return Err(e.at(
            p.pos(),
            "a printer column's priority cannot be negative",
            "use 0 (always shown) or a positive number (shown with -o wide)",
        ));
    }
    checks::printer_column(e, roots, &v.json_path, &v.type_.value)?;
    Ok(Column {
        name: v.name.value.clone(),
        type_: v.type_.value.clone(),
        json_path: v.json_path.clone(),
        description: v.description.as_ref().map(|d| d.value.clone()),
        format: v.format.as_ref().map(|d| d.value.clone()),
        priority: v.priority.as_ref().map(|d| d.value),
    })
}

/// The scale subresource's paths, each to an existing field of the right type.
fn scale(
    e: Errs<'_>,
    roots: &Roots<'_>,
    raw: &DescriptionFile,
) -> Result<Option<ScalePaths>, Error> {
    let Some(sc) = raw
        .subresources
        .as_ref()
        .and_then(|s| s.value.scale.as_ref())
    else {
        return Ok(None);
    };
    let s: &Scale = &sc.value;
    checks::scale_path(
        e,
        roots,
        &s.spec_replicas_path,
        &["spec"],
        "integer",
        "specReplicasPath",
    )?;
    checks::scale_path(
        e,
        roots,
        &s.status_replicas_path,
        &["status"],
        "integer",
        "statusReplicasPath",
    )?;
    if let Some(l) = &s.label_selector_path {
        checks::scale_path(
            e,
            roots,
            l,
            &["spec", "status"],
            "string",
            "labelSelectorPath",
        )?;
    }
    Ok(Some((
        s.spec_replicas_path.value.clone(),
        s.status_replicas_path.value.clone(),
        s.label_selector_path.as_ref().map(|l| l.value.clone()),
    )))
}

/// The selectable fields: at most 8, each listed once, each a field selectors can use.
fn selectable(e: Errs<'_>, roots: &Roots<'_>, raw: &DescriptionFile) -> Result<Vec<String>, Error> {
    let mut selectable = Vec::new();
    for f in raw.selectable_fields.iter().flatten() {
        checks::selectable(e, roots, &f.value.json_path)?;
        if selectable.contains(&f.value.json_path.value) {
            return Err(e.at(
                f.pos(),
                format!(
                    "selectable field `{}` is listed twice",
                    f.value.json_path.value
                ),
                "remove the duplicate",
            ));
        }
        selectable.push(f.value.json_path.value.clone());
    }
    if selectable.len() > 8 {
        let at = raw
            .selectable_fields
            .as_ref()
            .and_then(|s| s.get(8))
            .map(At::pos)
            .unwrap_or_default();
        return Err(e.at(
            at,
            "a CRD version has at most 8 selectable fields",
            "keep the 8 most useful",
        ));
    }
    Ok(selectable)
}

/// The list types, defaults, examples and enum values of `spec` and `status`.
fn check_schemas(e: Errs<'_>, spec: &Ir, status: Option<&Ir>) -> Result<(), Error> {
    checks::list_types(e, spec, &Path2::root("spec"))?;
    if let Some(s) = status {
        checks::list_types(e, s, &Path2::root("status"))?;
    }
    check_values(e, spec, &Path2::root("spec"))?;
    if let Some(s) = status {
        check_values(e, s, &Path2::root("status"))?;
    }
    Ok(())
}

/// `Some` for a deprecated version, with its warning if it has one; a warning needs
/// `deprecated: true`.
fn deprecated(e: Errs<'_>, raw: &DescriptionFile) -> Result<Option<Option<String>>, Error> {
    match (&raw.deprecated, &raw.deprecation_warning) {
        (Some(d), Some(w)) if d.value => Ok(Some(Some(w.value.clone()))),
        (Some(d), None) if d.value => Ok(Some(None)),
        (_, Some(w)) => Err(e.at(
            w.pos(),
            "`deprecationWarning` without `deprecated: true`",
            "add `deprecated: true`, or remove the warning",
        )),
        _ => Ok(None),
    }
}

/// Where each node of `spec` and `status` was written, and where well-known types are used.
fn places_of(spec: &Ir, status: Option<&Ir>) -> (BTreeMap<Vec<String>, Pos>, Known) {
    let mut place_map = BTreeMap::new();
    let mut known = Known::new();
    places(
        spec,
        &mut vec!["spec".to_string()],
        &mut place_map,
        &mut known,
    );
    if let Some(s) = status {
        places(
            s,
            &mut vec!["status".to_string()],
            &mut place_map,
            &mut known,
        );
    }
    (place_map, known)
}
