//! The files generated from a description: the Rust types, the CRD derived back from them
//! (which must be the described one) and a sample object.

use std::path::PathBuf;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::{Value, json};

use super::errors::errs;
use super::expected::{self, compare};
use super::format::Pos;
use super::parsed::{Description, Resolved};
use super::places::{place_of, show_path};
use super::{rust, sample, validate, verdict};
use crate::error::Error;
use crate::model::names as model_names;

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

/// What the module doc of the types file says of the CRD: the types are its source.
fn source_of_crd(plural: &str, full_group: &str) -> String {
    format!(
        "//! These types are the source of the CRD `{plural}.{full_group}`. They were generated from a\n//! resource description; after editing them, run `kubeforge generate` to update\n//! `config/crd/bases/`.\n"
    )
}

/// The types file `types_rs` of an external kind, whose CRD is another project's: its module doc
/// says so instead of the one `source_of_crd` writes.
pub fn as_external(types_rs: &str, plural: &str, full_group: &str) -> String {
    types_rs.replacen(
        &source_of_crd(plural, full_group),
        &format!(
            "//! The CRD `{plural}.{full_group}` is another project's, which installs it: these types were\n//! generated from it (kept in `config/crd/external/`), and `kubeforge generate` derives no CRD\n//! of them.\n"
        ),
        1,
    )
}

/// The module doc of the types file.
fn header(r: &Resolved, full_group: &str) -> String {
    format!(
        "//! The `{kind}` kind of `{full_group}/{version}`.\n//!\n{source}//!\n//! Optional fields are `Option`s whose schema comes from `#[schemars(with = \"T\")]`, so that the\n//! CRD does not mark them nullable; `#[schemars(extend(..))]` carries the keywords that schemars\n//! has no attribute for.\n\n",
        kind = r.kind,
        version = r.version,
        source = source_of_crd(&r.plural, full_group),
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
    refuse_imported_kind(desc, &id.kind)?;
    let root = root_settings(desc, &id, full_group, storage);
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
    let crd = derive_crd(desc, stored)?;
    let crd_json = serde_json::to_value(&crd).map_err(|err| Error::Other(err.into()))?;
    let root_schema = crd_json["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone();
    let fields_schema = fields_schema(&root_schema, desc.no_spec);
    check_reproduced(desc, &root_schema, &fields_schema)?;

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

/// Refuses a kind named like something the generated types import.
fn refuse_imported_kind(desc: &Description, kind: &str) -> Result<(), Error> {
    const IMPORTED: &[&str] = &[
        "CustomResource",
        "Deserialize",
        "Serialize",
        "JsonSchema",
        "KubeSchema",
        "BTreeMap",
    ];
    if IMPORTED.contains(&kind) {
        return Err(desc.error_at(
            "kind",
            format!("the kind `{kind}` clashes with a name the generated types import"),
            "choose another kind name",
        ));
    }
    Ok(())
}

/// The settings of the root type: names, scope, versions, columns and subresources.
fn root_settings(
    desc: &Description,
    id: &Resolved,
    full_group: &str,
    storage: bool,
) -> rust::RootSettings {
    let singular = desc.singular().map(str::to_string);
    // kube-derive makes the plural from the singular when it is given, else from the kind.
    let kube_plural = model_names::kube_derive_plural(singular.as_deref().unwrap_or(&id.kind));
    rust::RootSettings {
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
    }
}

/// The CRD that the types in `types_rs` derive.
fn derive_crd(desc: &Description, types_rs: String) -> Result<CustomResourceDefinition, Error> {
    let e = errs(&desc.file);
    let source = crate::crd::SourceFile {
        path: PathBuf::from("src/api/generated.rs"),
        text: types_rs,
    };
    let crds = crate::crd::crds_from_sources(&[source], &crate::crd::CrdOptions::default())
        .map_err(|err| {
            e.at(
                Pos { line: 1, column: 1 },
                format!("internal error: the generated types do not derive a CRD: {err}"),
                "this is a kubeforge bug; please report it with the description",
            )
        })?;
    crds.into_iter().next().ok_or_else(|| {
        e.at(
            Pos { line: 1, column: 1 },
            "internal error: the generated types define no CRD",
            "this is a kubeforge bug; please report it with the description",
        )
    })
}

/// The derived CRD's `spec` and `status` schemas are the described ones.
fn check_reproduced(
    desc: &Description,
    root_schema: &Value,
    fields_schema: &Value,
) -> Result<(), Error> {
    let mut diffs = Vec::new();
    for (name, want) in [
        ("spec", Some(expected::schema(&desc.spec))),
        ("status", desc.status.as_ref().map(expected::status_schema)),
    ] {
        let got = match name {
            "spec" => fields_schema,
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
        return Err(errs(&desc.file).at(
            place_of(&desc.places, path),
            format!(
                "internal error: the generated types do not reproduce `{}`: {message}",
                show_path(path)
            ),
            "this is a kubeforge bug; please report it with the description",
        ));
    }
    Ok(())
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
