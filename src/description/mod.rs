//! Resource descriptions: the YAML file of `kubeforge create api --from FILE`, turned into Rust
//! types, a fully validated CRD (through the one `crate::crd` pipeline) and a sample object.
//!
//! # The format
//!
//! Top-level keys use the CRD's own names: `group`, `version`, `kind`, `plural`, `singular`,
//! `scope`, `shortNames`, `categories`, `description`, `additionalPrinterColumns`,
//! `subresources` (`status`, `scale`), `selectableFields`, `served`, `storage`, `deprecated`,
//! `deprecationWarning`, `spec` and `status`. `spec` and `status` are `openAPIV3Schema`
//! objects: a fragment copied from a CRD is accepted as it is. On top of the CRD keywords:
//! shorthand scalars (`image: string`, `replicas: int32`), `required: true` on a property, and
//! well-known Kubernetes types by name (`type: Quantity`, `items: Condition`). Unknown keys are
//! errors; [`json_schema`] describes the format for editors.
//!
//! # Supported keywords
//!
//! `type` and `format`; `properties` (nested structs named by path, e.g.
//! `CronJobSpecJobTemplate`), `items`, `additionalProperties` (maps); `enum` (a Rust enum for
//! strings); `default`; `nullable`; `minimum`, `maximum`, `exclusiveMinimum`/`exclusiveMaximum`
//! (the boolean form), `multipleOf`; `minLength`, `maxLength`, `pattern`; `minItems`,
//! `maxItems`; `minProperties`, `maxProperties`; `title`, `description`, `example`;
//! `x-kubernetes-int-or-string`, `-preserve-unknown-fields` (on objects), `-embedded-resource`,
//! `-list-type` with `-list-map-keys`, `-map-type`; CEL `x-kubernetes-validations` (`rule`,
//! `message`, `messageExpression`, `reason`, `fieldPath`, `optionalOldSelf`) at any level;
//! `anyOf: [{type: integer}, {type: string}]` beside `x-kubernetes-int-or-string`;
//! `uniqueItems: false`; `externalDocs`; the value validations `anyOf`, `oneOf`, `allOf` and
//! `not` (as `extend(..)` on the field or type, kept as they are; see the `junctors` module).
//!
//! # Refused, with the reason
//!
//! * `uniqueItems: true`, `$ref`, `$schema`, `id`, `definitions`, `dependencies`,
//!   `additionalItems`, `patternProperties`, `additionalProperties: true|false`: the API server
//!   rejects them in a CRD (or they are not structural); each error names the replacement.
//! * Inside `anyOf`/`oneOf`/`allOf`/`not`: `type`, `description`, `title`, `default`,
//!   `nullable`, `additionalProperties` and the `x-kubernetes-*` extensions (structural schema
//!   rules), properties and `items` the node does not have, `metadata`; and the forms kube's
//!   structural schema rewriter would change: `properties` in `anyOf`/`oneOf` entries (it hoists
//!   them) and `enum` in `oneOf` entries (it merges them into the parent's `enum`). Junctors on
//!   `status` itself and beside well-known types are refused too.
//! * `x-kubernetes-preserve-unknown-fields` without `type: object` (any JSON value): the
//!   generated Rust types cannot express an untyped node.
//! * `x-kubernetes-struct-type`: not part of a CRD schema.
//!
//! # Checks
//!
//! Structural-schema rules (every node typed, value validations in junctors only, `properties` xor `additionalProperties`, arrays
//! with `items`, the `metadata` of embedded resources limited to `name` and `generateName`),
//! keywords only on the types they apply to, bounds in order, defaults, examples and enum
//! values valid against their schema, patterns that compile, CEL rules that parse, printer
//! column JSONPaths and scale paths that point to existing fields of the right type,
//! selectable fields, list-map keys that are required or defaulted, Rust field names that do not
//! collide, nesting depth and file size. Every error names the file, line and column and says
//! how to fix it.
//!
//! The generated types are derived back into a CRD with `crate::crd::crds_from_sources` and
//! compared with what the description describes, modulo the equivalences documented in the
//! `expected` module; a sample object is built and validated against that CRD.

mod checks;
mod crd_file;
mod errors;
mod expected;
mod fmt;
mod format;
mod ir;
mod junctors;
mod lower;
mod names;
mod reported;
mod rust;
mod sample;
mod validate;
mod verdict;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::{Value, json};

use crate::error::Error;
use crate::model::names as model_names;
use errors::{Errs, errs, yaml_error};
use format::{At, DescriptionFile, Pos, Scope};
use ir::{Ir, Kind, Path2};

pub use crd_file::{KNOWN as KNOWN_DIFFERENCES, differences};
pub use expected::{Difference, compare};
pub use verdict::{Verdict, check_object};

/// The largest description file kubeforge reads.
pub const MAX_BYTES: usize = 1 << 20;

/// The largest CRD manifest kubeforge reads (real ones reach several hundred KB).
pub const MAX_CRD_BYTES: usize = 4 << 20;

/// A printer column with the places of its parts.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    type_: String,
    json_path: At<String>,
    description: Option<String>,
    format: Option<String>,
    priority: Option<i32>,
}

/// A parsed and validated description (the YAML file given to `create api --from`).
#[derive(Debug, Clone)]
pub struct Description {
    file: PathBuf,
    group: Option<At<String>>,
    version: Option<At<String>>,
    kind: Option<At<String>>,
    plural: Option<At<String>>,
    singular: Option<At<String>>,
    scope: Option<At<Scope>>,
    short_names: Vec<String>,
    categories: Vec<String>,
    doc: Option<String>,
    columns: Vec<Column>,
    scale: Option<(String, String, Option<String>)>,
    selectable: Vec<String>,
    served: Option<At<bool>>,
    storage: Option<At<bool>>,
    deprecated: Option<Option<String>>,
    spec: Ir,
    /// The fields of `spec` sit at the root of the object.
    no_spec: bool,
    status: Option<Ir>,
    /// Where each schema node was written (`["spec", "jobTemplate", "[]"]`).
    places: BTreeMap<Vec<String>, Pos>,
    /// Where well-known types are used.
    known: sample::Known,
    /// Values the caller resolved from flags and the project.
    resolved: Option<Resolved>,
    /// The CRD manifest this was read from (one of its versions), as parsed values; shared by
    /// the descriptions of its versions.
    crd: Option<Arc<Value>>,
}

#[derive(Debug, Clone)]
struct Resolved {
    kind: String,
    version: String,
    plural: String,
    namespaced: bool,
}

/// The generated files of a description.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The whole types file body, rustfmt-formatted, without a license header.
    pub types_rs: String,
    /// A sample custom resource (YAML).
    pub sample_yaml: String,
    /// Why the sample would not be accepted as it is (it then says so at its top): a warning,
    /// as the CRD itself is fine.
    pub sample_problem: Option<String>,
    /// The CRD derived from `types_rs`; `None` for a version that is not the storage version,
    /// whose CRD is derived from its types made the storage version (alone, it must be one).
    pub derived: Option<CustomResourceDefinition>,
}

fn places(
    ir: &Ir,
    path: &mut Vec<String>,
    out: &mut BTreeMap<Vec<String>, Pos>,
    known: &mut sample::Known,
) {
    out.insert(path.clone(), ir.pos);
    if let Kind::WellKnown(w) = &ir.kind {
        known.insert(path.clone(), w.name);
    }
    match &ir.kind {
        Kind::Object { props, additional } => {
            for p in props {
                path.push(p.name.clone());
                places(&p.schema, path, out, known);
                path.pop();
            }
            if let Some(a) = additional {
                path.push("{}".into());
                places(a, path, out, known);
                path.pop();
            }
        }
        Kind::Array(items) => {
            path.push("[]".into());
            places(items, path, out, known);
            path.pop();
        }
        _ => {}
    }
}

/// The place of the deepest described node on `path`.
fn place_of(places: &BTreeMap<Vec<String>, Pos>, path: &[String]) -> Pos {
    for n in (1..=path.len()).rev() {
        if let Some(p) = places.get(&path[..n]) {
            return *p;
        }
    }
    Pos { line: 1, column: 1 }
}

fn show_path(path: &[String]) -> String {
    Path2 {
        segments: path.to_vec(),
    }
    .show()
}

/// Parses and checks a description.
///
/// The work runs on a thread with a large stack: deeply nested YAML (up to the parser's limit of
/// 64 levels) recurses through serde's derived code, whose frames are large in debug builds.
pub fn parse(file: &Path, text: &str) -> Result<Description, Error> {
    on_big_stack(file, || parse_here(file, text))
}

/// The descriptions that `--from FILE` gives: the file's own, or, when it holds a
/// CustomResourceDefinition, one per version of it (the storage version first). A file with
/// several CRDs needs `kind` (and `group`, a full group or its first label) to pick one.
pub fn parse_from(
    file: &Path,
    text: &str,
    group: Option<&str>,
    kind: Option<&str>,
) -> Result<Vec<Description>, Error> {
    if text.len() > MAX_CRD_BYTES {
        return Err(errs(file).at(
            Pos { line: 1, column: 1 },
            format!(
                "the file is {} bytes, more than the {} bytes kubeforge reads",
                text.len(),
                MAX_CRD_BYTES
            ),
            "give the CRD or description alone in its file",
        ));
    }
    let mut crds = Vec::new();
    for doc in crate::yaml::documents(text) {
        let values = crate::yaml::values_from_str(file, &doc)?;
        if let Some(value) = values.into_iter().next().filter(crd_file::is_crd) {
            crds.push((value, doc));
        }
    }
    if crds.is_empty() {
        return Ok(vec![parse(file, text)?]);
    }
    let named = |crd: &Value| {
        let name = crd["metadata"]["name"].as_str().unwrap_or("?");
        let kind = crd["spec"]["names"]["kind"].as_str().unwrap_or("?");
        format!("{name} ({kind})")
    };
    let all: Vec<String> = crds.iter().map(|(crd, _)| named(crd)).collect();
    let picked: Vec<(Arc<Value>, String)> = crds
        .into_iter()
        .filter(|(crd, _)| {
            let spec = &crd["spec"];
            let full = spec["group"].as_str().unwrap_or_default();
            kind.is_none_or(|k| spec["names"]["kind"] == k)
                && group.is_none_or(|g| full == g || full.split('.').next() == Some(g))
        })
        .map(|(crd, doc)| (Arc::new(crd), doc))
        .collect();
    let [(crd, doc)] = picked.as_slice() else {
        return Err(errs(file).at(
            Pos { line: 1, column: 1 },
            match picked.len() {
                0 => format!(
                    "no CRD of the file matches the flags; it holds {}",
                    all.join(", ")
                ),
                n => format!(
                    "the file holds {n} CRDs that the flags match: {}",
                    all.join(", ")
                ),
            },
            "pass --kind (and --group) to pick one CRD of the file",
        ));
    };
    on_big_stack(file, || {
        crd_file::versions(file, doc)?
            .into_iter()
            .map(|raw| {
                let mut desc = lower(file, raw)?;
                desc.crd = Some(Arc::clone(crd));
                Ok(desc)
            })
            .collect()
    })
}

/// Runs `work` on a thread with a large stack: lowering a deep schema (up to 64 levels) recurses
/// through serde's derived code, whose frames are large in debug builds.
fn on_big_stack<T: Send>(
    file: &Path,
    work: impl FnOnce() -> Result<T, Error> + Send,
) -> Result<T, Error> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("kubeforge-description".into())
            .stack_size(64 << 20)
            .spawn_scoped(scope, work)
            .map_err(|err| Error::Other(anyhow::anyhow!("cannot start a thread: {err}")))?;
        worker.join().unwrap_or_else(|_| {
            Err(errs(file).at(
                Pos { line: 1, column: 1 },
                "internal error while reading the description",
                "this is a kubeforge bug; please report it with the description",
            ))
        })
    })
}

fn parse_here(file: &Path, text: &str) -> Result<Description, Error> {
    let e = errs(file);
    if text.len() > MAX_BYTES {
        let mut cut = MAX_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let prefix = &text[..cut];
        let line = prefix.matches('\n').count() + 1;
        let column = prefix
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count() + 1)
            .unwrap_or(1);
        return Err(e.at(
            Pos { line, column },
            format!("the description is {} bytes, more than the {MAX_BYTES} bytes kubeforge reads", text.len()),
            "a resource description is a few hundred lines; split large types into several kinds, or use well-known types by name",
        ));
    }
    let raw: DescriptionFile = crate::yaml::from_str(file, text).map_err(yaml_error)?;
    check_top(e, &raw)?;
    lower(file, raw)
}

/// Checks a description file's contents and lowers them into a [`Description`].
fn lower(file: &Path, raw: DescriptionFile) -> Result<Description, Error> {
    let e = errs(file);
    let kind = match &raw.kind {
        None => None,
        Some(k) => match &k.value {
            Value::String(s) => {
                model_names::check_kind_type(s).map_err(|m| {
                    e.at(
                        k.pos(),
                        format!("kind `{s}` {m}"),
                        "use an UpperCamelCase name, e.g. `CronJob`",
                    )
                })?;
                Some(At::new(s.clone(), k.line, k.column))
            }
            _ => {
                return Err(e.at(
                    k.pos(),
                    "`kind` is the kind's name, not a schema: `kind` is defined by Kubernetes and cannot be redefined",
                    "write `kind: CronJob`; describe the object's fields under `spec:` and `status:`",
                ));
            }
        },
    };
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
    let mut short_names = Vec::new();
    for (what, list, out) in [("short name", &raw.short_names, &mut short_names)] {
        for s in list.iter().flatten() {
            model_names::check_dns1035_label(&s.value).map_err(|m| {
                e.at(
                    s.pos(),
                    format!("{what} `{}` {m}", s.value),
                    "use a short lowercase name such as `cj`",
                )
            })?;
            if out.contains(&s.value) {
                return Err(e.at(
                    s.pos(),
                    format!("{what} `{}` is listed twice", s.value),
                    "remove the duplicate",
                ));
            }
            out.push(s.value.clone());
        }
    }
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

    let lower = lower::Lower { errs: e };
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

    let no_spec = raw.no_spec.as_ref().is_some_and(|b| b.value);
    let roots = checks::Roots {
        spec: &spec,
        status: status.as_ref(),
        no_spec,
    };
    let mut columns = Vec::new();
    for c in raw.additional_printer_columns.iter().flatten() {
        let v = &c.value;
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
        checks::printer_column(e, &roots, &v.json_path, &v.type_.value)?;
        columns.push(Column {
            name: v.name.value.clone(),
            type_: v.type_.value.clone(),
            json_path: v.json_path.clone(),
            description: v.description.as_ref().map(|d| d.value.clone()),
            format: v.format.as_ref().map(|d| d.value.clone()),
            priority: v.priority.as_ref().map(|d| d.value),
        });
    }
    let scale = match scale {
        None => None,
        Some(sc) => {
            let s = &sc.value;
            checks::scale_path(
                e,
                &roots,
                &s.spec_replicas_path,
                &["spec"],
                "integer",
                "specReplicasPath",
            )?;
            checks::scale_path(
                e,
                &roots,
                &s.status_replicas_path,
                &["status"],
                "integer",
                "statusReplicasPath",
            )?;
            if let Some(l) = &s.label_selector_path {
                checks::scale_path(
                    e,
                    &roots,
                    l,
                    &["spec", "status"],
                    "string",
                    "labelSelectorPath",
                )?;
            }
            Some((
                s.spec_replicas_path.value.clone(),
                s.status_replicas_path.value.clone(),
                s.label_selector_path.as_ref().map(|l| l.value.clone()),
            ))
        }
    };
    let mut selectable = Vec::new();
    for f in raw.selectable_fields.iter().flatten() {
        checks::selectable(e, &roots, &f.value.json_path)?;
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
    checks::list_types(e, &spec, &Path2::root("spec"))?;
    if let Some(s) = &status {
        checks::list_types(e, s, &Path2::root("status"))?;
    }
    check_values(e, &spec, &Path2::root("spec"))?;
    if let Some(s) = &status {
        check_values(e, s, &Path2::root("status"))?;
    }

    let deprecated = match (&raw.deprecated, &raw.deprecation_warning) {
        (Some(d), Some(w)) if d.value => Some(Some(w.value.clone())),
        (Some(d), None) if d.value => Some(None),
        (_, Some(w)) => {
            return Err(e.at(
                w.pos(),
                "`deprecationWarning` without `deprecated: true`",
                "add `deprecated: true`, or remove the warning",
            ));
        }
        _ => None,
    };
    let mut place_map = BTreeMap::new();
    let mut known = sample::Known::new();
    places(
        &spec,
        &mut vec!["spec".to_string()],
        &mut place_map,
        &mut known,
    );
    if let Some(s) = &status {
        places(
            s,
            &mut vec!["status".to_string()],
            &mut place_map,
            &mut known,
        );
    }
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

fn check_top(e: Errs<'_>, raw: &DescriptionFile) -> Result<(), Error> {
    let redefined = "`apiVersion`, `kind` and `metadata` of an object are defined by Kubernetes and cannot be redefined; a description gives `group`, `version` and `kind` names, and the fields under `spec:` and `status:`";
    if let Some(a) = &raw.api_version {
        return Err(e.at(a.pos(), "a description has no `apiVersion`", redefined));
    }
    if let Some(a) = &raw.metadata {
        return Err(e.at(a.pos(), "a description has no `metadata`", redefined));
    }
    for (at, key) in [
        (&raw.properties, "properties"),
        (&raw.type_, "type"),
        (&raw.open_api_v3_schema, "openAPIV3Schema"),
    ] {
        if let Some(at) = at {
            return Err(e.at(
                at.pos(),
                format!("a description is not a schema: `{key}` does not belong at its top level"),
                "put the schema of the desired state under `spec:` and of the observed state under `status:` (apiVersion, kind and metadata come from Kubernetes)",
            ));
        }
    }
    for (at, key) in [(&raw.versions, "versions"), (&raw.names, "names")] {
        if let Some(at) = at {
            return Err(e.at(
                at.pos(),
                format!("a description is not a CRD: `{key}` does not belong in it"),
                "a description describes one version: write `version`, `kind`, `plural`, ... at the top level and the schemas under `spec:` and `status:`",
            ));
        }
    }
    Ok(())
}

/// Defaults, examples and enum values are valid against their own schema.
fn check_values(e: Errs<'_>, ir: &Ir, path: &Path2) -> Result<(), Error> {
    if ir.enum_.is_some() || ir.default.is_some() || ir.example.is_some() {
        check_own_values(e, ir, path)?;
    }
    match &ir.kind {
        Kind::Object { props, additional } => {
            for p in props {
                check_values(e, &p.schema, &path.child(p.name.clone()))?;
            }
            if let Some(a) = additional {
                check_values(e, a, &path.child("{}"))?;
            }
        }
        Kind::Array(items) => check_values(e, items, &path.child("[]"))?,
        _ => {}
    }
    Ok(())
}

/// The enum values, default and example of one node are valid against its schema (built only
/// for the nodes that have them: it holds the node's whole subtree).
fn check_own_values(e: Errs<'_>, ir: &Ir, path: &Path2) -> Result<(), Error> {
    let schema = expected::schema(ir);
    let strip = |keys: &[&str]| {
        let mut s = schema.clone();
        if let Value::Object(m) = &mut s {
            for k in keys {
                m.remove(*k);
            }
        }
        s
    };
    if let Some(en) = &ir.enum_ {
        let s = strip(&["enum", "default", "example"]);
        for v in &en.value {
            if v.is_null() && ir.nullable == Some(true) {
                continue;
            }
            if let Some(bad) = validate::validate(&s, v, "").first() {
                return Err(e.at(
                    en.pos(),
                    format!(
                        "the enum value {v} of `{}` is invalid: {}",
                        path.show(),
                        bad.message
                    ),
                    if v.is_boolean() && matches!(ir.kind, Kind::String) {
                        "quote the value: YAML reads unquoted y, n, yes, no, on, off, true and false as booleans"
                    } else {
                        "list values of the node's type that satisfy its constraints"
                    },
                ));
            }
        }
    }
    if let Some(d) = &ir.default {
        let s = strip(&["default"]);
        let mut v = d.value.clone();
        validate::apply_defaults(&s, &mut v);
        if let Some(bad) = validate::validate(&s, &v, "").first() {
            let at = if bad.path.is_empty() {
                String::new()
            } else {
                format!(" (at `{}`)", bad.path.trim_start_matches('.'))
            };
            return Err(e.at(d.pos(), format!("the default of `{}` is invalid{at}: {}", path.show(), bad.message), "give a default that satisfies the node's own schema (the API server rejects the CRD otherwise)"));
        }
    }
    if let Some(x) = &ir.example {
        let s = strip(&["example"]);
        let mut v = x.clone();
        validate::apply_defaults(&s, &mut v);
        if let Some(bad) = validate::validate(&s, &v, "").first() {
            return Err(e.at(ir.pos, format!("the example of `{}` is invalid: {}", path.show(), bad.message), "give an example that satisfies the node's schema (kubeforge uses it in the sample)"));
        }
    }
    Ok(())
}

impl Description {
    /// The file the description was read from.
    pub fn file(&self) -> &Path {
        &self.file
    }
    /// `group` as written (short or full), if the description gives it.
    pub fn group(&self) -> Option<&str> {
        self.group.as_ref().map(|g| g.value.as_str())
    }
    pub fn version(&self) -> Option<&str> {
        self.version.as_ref().map(|g| g.value.as_str())
    }
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_ref().map(|g| g.value.as_str())
    }
    pub fn plural(&self) -> Option<&str> {
        self.plural.as_ref().map(|g| g.value.as_str())
    }
    pub fn singular(&self) -> Option<&str> {
        self.singular.as_ref().map(|g| g.value.as_str())
    }
    /// `Some(true)` for `scope: Namespaced`, `Some(false)` for `Cluster`.
    pub fn namespaced(&self) -> Option<bool> {
        self.scope.as_ref().map(|s| s.value == Scope::Namespaced)
    }
    /// `storage` as written.
    pub fn storage(&self) -> Option<bool> {
        self.storage.as_ref().map(|s| s.value)
    }
    /// `served` as written.
    pub fn served(&self) -> Option<bool> {
        self.served.as_ref().map(|s| s.value)
    }
    /// The CRD manifest this was read from, as parsed values.
    pub fn crd(&self) -> Option<&Arc<Value>> {
        self.crd.as_ref()
    }
    /// Whether the kind has a status (and so the status subresource).
    pub fn has_status(&self) -> bool {
        self.status.is_some()
    }
    /// The line and column of a top-level key (`group`, `version`, `kind`, `plural`,
    /// `singular`, `scope`, `storage`, `served`), for errors about it.
    pub fn location(&self, key: &str) -> Option<(usize, usize)> {
        let at = |line: usize, column: usize| Some((line, column));
        match key {
            "group" => self.group.as_ref().and_then(|a| at(a.line, a.column)),
            "version" => self.version.as_ref().and_then(|a| at(a.line, a.column)),
            "kind" => self.kind.as_ref().and_then(|a| at(a.line, a.column)),
            "plural" => self.plural.as_ref().and_then(|a| at(a.line, a.column)),
            "singular" => self.singular.as_ref().and_then(|a| at(a.line, a.column)),
            "scope" => self.scope.as_ref().and_then(|a| at(a.line, a.column)),
            "storage" => self.storage.as_ref().and_then(|a| at(a.line, a.column)),
            "served" => self.served.as_ref().and_then(|a| at(a.line, a.column)),
            _ => None,
        }
    }

    /// An error at a top-level key of the description (e.g. when it disagrees with a flag).
    pub fn error_at(
        &self,
        key: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Error {
        let (line, column) = self.location(key).unwrap_or((1, 1));
        errs(&self.file).at(Pos { line, column }, message, hint)
    }

    /// Sets the names the caller settled (from flags, the description and the project); the
    /// caller has checked that they agree with what the description says.
    pub fn resolve(&mut self, kind: &str, version: &str, plural: &str, namespaced: bool) {
        self.resolved = Some(Resolved {
            kind: kind.to_string(),
            version: version.to_string(),
            plural: plural.to_string(),
            namespaced,
        });
    }

    fn identity(&self) -> Result<Resolved, Error> {
        if let Some(r) = &self.resolved {
            return Ok(r.clone());
        }
        let missing = |what: &str| {
            errs(&self.file).at(
                Pos { line: 1, column: 1 },
                format!("the description gives no `{what}`"),
                format!("add `{what}:` to the description, or pass --{what}"),
            )
        };
        let kind = self.kind().ok_or_else(|| missing("kind"))?.to_string();
        let version = self
            .version()
            .ok_or_else(|| missing("version"))?
            .to_string();
        let plural = self
            .plural()
            .map(str::to_string)
            .unwrap_or_else(|| model_names::default_plural(&kind));
        Ok(Resolved {
            kind,
            version,
            plural,
            namespaced: self.namespaced().unwrap_or(true),
        })
    }
}

/// The JSON Schema of the description format (schemars on the structs that parse it).
pub fn json_schema() -> Value {
    schemars::schema_for!(DescriptionFile).to_value()
}

fn header(r: &Resolved, full_group: &str) -> String {
    format!(
        "//! The `{kind}` kind of `{full_group}/{version}`.\n//!\n//! These types are the source of the CRD `{plural}.{full_group}`. They were generated from a\n//! resource description; after editing them, run `kubeforge generate` to update\n//! `config/crd/bases/`.\n//!\n//! Optional fields are `Option`s whose schema comes from `#[schemars(with = \"T\")]`, so that the\n//! CRD does not mark them nullable; `#[schemars(extend(..))]` carries the keywords that schemars\n//! has no attribute for.\n\n",
        kind = r.kind,
        version = r.version,
        plural = r.plural,
    )
}

/// The annotations or labels of the CRD manifest a description was read from, sorted; the
/// record `kubectl apply` keeps of itself is not the CRD's own.
fn crd_metadata(desc: &Description, which: &str) -> Vec<(String, String)> {
    const APPLY_RECORD: &str = "kubectl.kubernetes.io/last-applied-configuration";
    let Some(map) = desc
        .crd
        .as_ref()
        .and_then(|crd| crd["metadata"][which].as_object())
    else {
        return Vec::new();
    };
    map.iter()
        .filter(|(key, _)| key.as_str() != APPLY_RECORD)
        .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_string())))
        .collect()
}

/// The first CEL rule of the CRD that the sample breaks (evaluated with kube-cel, as the API
/// server would on create), with the place it applies to. Rules kube-cel cannot evaluate
/// (functions it lacks) are left to the API server.
fn broken_rule(root_schema: &Value, sample: &Value) -> Option<(Vec<String>, String)> {
    use kube_cel::ErrorKind;
    let failures = verdict::rule_failures(root_schema, sample, None);
    for err in failures.iter().filter(|e| verdict::decidable(e, false)) {
        let what = match err.kind {
            ErrorKind::ValidationFailure => "breaks",
            ErrorKind::InvalidResult => "makes a rule return something else than a boolean:",
            ErrorKind::EvaluationError => "makes the evaluation fail of",
            _ => continue,
        };
        let segs: Vec<String> = err
            .field_path
            .split('.')
            .map(|s| s.split('[').next().unwrap_or(s).to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let message = format!(
            "the sample object {what} the CEL rule `{}` at `{}`: {}",
            err.rule, err.field_path, err.message
        );
        return Some((segs, message));
    }
    None
}

/// Generates the types file and the sample of a description. `full_group` is the API group
/// (e.g. `webapp.example.com`); `storage` whether this version is the storage version.
pub fn generate(
    desc: &Description,
    full_group: &str,
    sample_name: &str,
    storage: bool,
) -> Result<Generated, Error> {
    let id = desc.identity()?;
    let e = errs(&desc.file);
    const IMPORTED: &[&str] = &[
        "CustomResource",
        "Deserialize",
        "Serialize",
        "JsonSchema",
        "KubeSchema",
        "BTreeMap",
    ];
    if IMPORTED.contains(&id.kind.as_str()) {
        return Err(desc.error_at(
            "kind",
            format!(
                "the kind `{}` clashes with a name the generated types import",
                id.kind
            ),
            "choose another kind name",
        ));
    }
    let singular = desc.singular().map(str::to_string);
    // kube-derive makes the plural from the singular when it is given, else from the kind.
    let kube_plural = model_names::kube_derive_plural(singular.as_deref().unwrap_or(&id.kind));
    let root = rust::RootSettings {
        full_group: full_group.to_string(),
        version: id.version.clone(),
        kind: id.kind.clone(),
        // A plural the description gives is written out, even where kube-derive would agree.
        plural: (desc.plural.is_some() || id.plural != kube_plural).then(|| id.plural.clone()),
        singular: singular.filter(|s| *s != id.kind.to_ascii_lowercase()),
        namespaced: id.namespaced,
        storage,
        served: desc.served().unwrap_or(true),
        deprecated: desc.deprecated.clone(),
        doc: desc.doc.clone(),
        short_names: desc.short_names.clone(),
        categories: desc.categories.clone(),
        printcolumns: desc
            .columns
            .iter()
            .map(|c| rust::PrintColumn {
                name: c.name.clone(),
                type_: c.type_.clone(),
                json_path: c.json_path.value.clone(),
                description: c.description.clone(),
                format: c.format.clone(),
                priority: c.priority,
            })
            .collect(),
        scale: desc.scale.clone(),
        selectable: desc.selectable.clone(),
        has_status: desc.status.is_some(),
        no_spec: desc.no_spec,
        annotations: crd_metadata(desc, "annotations"),
        labels: crd_metadata(desc, "labels"),
    };
    let types_rs = rust::Codegen::new(&id.kind).file(
        &desc.spec,
        desc.status.as_ref(),
        &root,
        &header(&id, full_group),
    );

    // Derive the CRD from the generated types, as `kubeforge generate` will. Alone, this version
    // must be the storage version, so a non-storage version is derived as if it were one.
    let stored = if storage {
        types_rs.clone()
    } else {
        let root = rust::RootSettings {
            storage: true,
            ..root
        };
        rust::Codegen::new(&id.kind).file(
            &desc.spec,
            desc.status.as_ref(),
            &root,
            &header(&id, full_group),
        )
    };
    let source = crate::crd::SourceFile {
        path: PathBuf::from("src/api/generated.rs"),
        text: stored,
    };
    let crds = crate::crd::crds_from_sources(&[source], &crate::crd::CrdOptions::default())
        .map_err(|err| {
            e.at(
                Pos { line: 1, column: 1 },
                format!("internal error: the generated types do not derive a CRD: {err}"),
                "this is a kubeforge bug; please report it with the description",
            )
        })?;
    let crd = crds.into_iter().next().ok_or_else(|| {
        e.at(
            Pos { line: 1, column: 1 },
            "internal error: the generated types define no CRD",
            "this is a kubeforge bug; please report it with the description",
        )
    })?;
    let crd_json = serde_json::to_value(&crd).map_err(|err| Error::Other(err.into()))?;
    let root_schema = crd_json["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone();
    let fields_schema = fields_schema(&root_schema, desc.no_spec);

    // The derived CRD must be the described one.
    let mut diffs = Vec::new();
    for (name, want) in [
        ("spec", Some(expected::schema(&desc.spec))),
        ("status", desc.status.as_ref().map(expected::status_schema)),
    ] {
        let got = match name {
            "spec" => &fields_schema,
            _ => &root_schema["properties"][name],
        };
        match want {
            Some(want) => {
                for d in compare(&want, got) {
                    let mut path = vec![name.to_string()];
                    path.extend(d.path);
                    diffs.push((path, d.message));
                }
            }
            None if !got.is_null() => diffs.push((vec![name.to_string()], "unexpected".into())),
            None => {}
        }
    }
    if let Some((path, message)) = diffs.first() {
        return Err(e.at(
            place_of(&desc.places, path),
            format!(
                "internal error: the generated types do not reproduce `{}`: {message}",
                show_path(path)
            ),
            "this is a kubeforge bug; please report it with the description",
        ));
    }

    let (sample, sample_problem) = sample_object(
        desc,
        &root_schema,
        &fields_schema,
        full_group,
        &id,
        sample_name,
    );
    let mut sample_yaml = crate::yaml::to_string(&sample)?;
    if let Some(problem) = &sample_problem {
        sample_yaml = format!(
            "# kubeforge could not make this sample valid; edit it before applying it:\n# {}\n{sample_yaml}",
            problem.replace('\n', "\n# ")
        );
    }
    Ok(Generated {
        types_rs,
        sample_yaml,
        sample_problem,
        derived: storage.then_some(crd),
    })
}

/// The schema of the kind's fields in a version's root schema: `spec`'s, or with `no_spec`
/// the root's own but for `status` (and the title and description kube-derive gives it).
fn fields_schema(root_schema: &Value, no_spec: bool) -> Value {
    if !no_spec {
        return root_schema["properties"]["spec"].clone();
    }
    let mut fields = root_schema.clone();
    if let Some(map) = fields.as_object_mut() {
        map.remove("title");
        map.remove("description");
    }
    if let Some(properties) = fields["properties"].as_object_mut() {
        properties.remove("status");
    }
    fields
}

/// The sample object of a description: its `spec` built from the schema (examples, defaults,
/// bounds), then changed where the CRD's CEL rules need other values. A sample that is still
/// not valid comes with the reason, with the place in the description and the fix.
fn sample_object(
    desc: &Description,
    root_schema: &Value,
    spec_schema: &Value,
    full_group: &str,
    id: &Resolved,
    sample_name: &str,
) -> (Value, Option<String>) {
    let file = desc.file.display();
    let at = |path: &[String], message: String, hint: &str| {
        let pos = place_of(&desc.places, path);
        format!("{file}:{}:{}: {message} ({hint})", pos.line, pos.column)
    };
    let mut problem = None;
    let mut path = vec!["spec".to_string()];
    let spec_value = match sample::build(spec_schema, &mut path, &desc.known) {
        Ok(value) => value,
        Err(f) => {
            problem = Some(at(
                &f.path,
                format!(
                    "cannot build the sample's `{}`: {}",
                    show_path(&f.path),
                    f.message
                ),
                "add an `example:` (or a `default:`) to this field; kubeforge puts it in the sample",
            ));
            json!({})
        }
    };
    let mut check = spec_value.clone();
    let mut sample = json!({
        "apiVersion": format!("{full_group}/{}", id.version),
        "kind": id.kind,
        "metadata": {"name": sample_name},
    });
    match (desc.no_spec, spec_value) {
        (true, Value::Object(fields)) => sample.as_object_mut().expect("an object").extend(fields),
        (_, spec_value) => sample["spec"] = spec_value,
    }
    if problem.is_some() {
        return (sample, problem);
    }
    validate::apply_defaults(spec_schema, &mut check);
    if let Some(bad) = validate::validate(spec_schema, &check, "spec").first() {
        let segs: Vec<String> = bad
            .path
            .split('.')
            .map(|s| s.split('[').next().unwrap_or(s).to_string())
            .collect();
        let problem = at(
            &segs,
            format!(
                "the sample object is invalid at `{}`: {}",
                bad.path, bad.message
            ),
            "add a valid `example:` to this field",
        );
        return (sample, Some(problem));
    }
    if !sample::repair(root_schema, &mut sample) {
        problem = broken_rule(root_schema, &sample).map(|(segs, message)| {
            at(
                &segs,
                message,
                "add `example:` values (or defaults) that satisfy the rule; kubeforge builds the sample from them",
            )
        });
    }
    (sample, problem)
}
