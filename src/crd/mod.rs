//! Rust source (syn) → CustomResourceDefinitions, equal to what kube-derive's
//! `CustomResourceExt::crd()` yields for the same types when compiled — without compiling.
//!
//! Only the per-type raw schema derivation is re-implemented here (following schemars 1.2.3's and
//! kube-derive 5.0.0's rules); the transforms are schemars' and kube-core's own, called as they
//! are, and several versions of a kind are merged by `kube_core::crd::merge_crds` itself.
//!
//! # Supported
//!
//! * `#[derive(CustomResource)]` on a struct (or enum) with `#[kube(group, version, kind, namespaced,
//!   root, plural, singular, doc, status, shortname, category, printcolumn(..)` (also raw JSON),
//!   `scale(..)` (also raw JSON), `selectable, annotation(k, v), label(k, v), served, storage,
//!   deprecated [= "warning"], validation = "rule" | ("rule", "msg") | Rule::new(..)…, cel, no_spec,
//!   schema = "derived" | "disabled", derive, attr, crates)]`.
//! * Several versions of one kind (same CRD name) in different modules, with the same type
//!   names; exactly one storage version. The per-version CRDs are merged by `merge_crds`, then the
//!   versions are sorted by name (ascending), as the scaffolded `src/bin/crdgen.rs` does.
//! * `#[derive(JsonSchema)]` and `#[derive(KubeSchema)]` (also inside `cfg_attr`) structs with
//!   named fields, newtype structs, unit-only enums (plain or documented variants), externally
//!   tagged data enums (newtype and struct variants), `#[serde(untagged)]` enums and untagged
//!   variants whose payloads are objects.
//! * serde: `rename`, `rename_all` (all cases, also `(serialize/deserialize = ..)`),
//!   `rename_all_fields`, `default` (field, and container with a derived `Default`), `default =
//!   "path"` (free function, or `Type::function`) whose body is literal-like (literal,
//!   `String::from("..")`, `"..".into()`, `"..".to_string()`, `"..".to_owned()`, `vec![..]`,
//!   `Some(..)`/`None`, `Vec::new()`, `BTreeMap::new()`/`from([..])`, `BTreeSet::new()`,
//!   `HashSet::new()`, an enum unit variant, `Default::default()`, `return ..;`), `skip`,
//!   `skip_serializing`, `skip_deserializing`, `skip_serializing_if` (Option::is_none/is_some,
//!   *::is_empty, Not::not), `flatten` (structs, one `#[serde(untagged)]` enum per struct, an
//!   Option of either, `BTreeMap<String, serde_json::Value>`), `untagged`, `deny_unknown_fields`,
//!   `alias`/`other` (no schema effect).
//! * schemars: doc comments (schemars' joining and `# Title` rule), `title`, `description`,
//!   `range`, `length`, `regex(pattern = ..)`, `pattern(..)`, `contains(..)`, `email`, `url`,
//!   `ip`, `ipv4`, `ipv6`, `inner(..)`, `required`, `example`, `with = "Type"`, `extend("key" =
//!   json)` for the keys a CRD schema has (see `keywords.rs`), the serde keywords above in
//!   `#[schemars(..)]` (they override serde's), `#[deprecated]`.
//! * The field attributes of validator and garde that schemars reads after its own, with literal
//!   values: `#[validate(length(..), range(..), email, url, ip, ipv4, ipv6, contains(pattern =
//!   ".."), required)]` and `#[garde(length(..), range(..), pattern(".."), contains(".."), email,
//!   url, ip, ipv4, ipv6, inner(..), required)]`. The first attribute to set a keyword keeps it;
//!   other items (messages, modes, custom checks) have no schema effect, and neither have these
//!   attributes on types and variants.
//! * `#[x_kube(validation = ..)]` on structs and fields, `#[x_kube(merge_strategy =
//!   ListMerge::{Atomic, Set, Map(vec![..])} | MapMerge::{Atomic, Granular})]` on fields.
//! * Types: String, str, PathBuf, bool, char, i8..i128, isize, u8..u128, usize, f32, f64, `()`,
//!   Option, Vec, VecDeque, slices, BTreeSet/HashSet (arrays: kube-core removes `uniqueItems`),
//!   BTreeMap/HashMap with String keys, Box/Rc/Arc, type aliases, `use` imports (renames, groups,
//!   globs, `self`/`super`/`crate` paths), and the well-known types listed in
//!   [`k8s::WELL_KNOWN`] (schemas captured from k8s-openapi 0.29 with `v1_33`).
//! * Items under `#[cfg(test)]` are ignored, as the compiler does.
//!
//! # Refused (a [`CrdError`] with file, line, column and a hint)
//!
//! Tuples and tuple structs/variants, fixed-size arrays, unit structs, empty enums,
//! `extend("uniqueItems" = ..)` (kube-core would drop it), unknown `extend` keys,
//! `extend("anyOf"|"oneOf"|"allOf"|"not" = ..)` values that kube's transforms would not keep
//! (`type`/`description`/`default`/`nullable`/`properties`/`additionalProperties` in
//! `anyOf`/`oneOf` entries, `enum` in `oneOf` entries, boolean subschemas, keys that are not
//! CRD schema keys, `uniqueItems` anywhere inside) or that would replace the type's own
//! `anyOf`/`oneOf`/`allOf`/`not` (an enum's variants), numeric
//! `exclusiveMinimum`/`exclusiveMaximum`, non-literal attribute values (bounds, patterns,
//! examples, extend values, CEL rules), internally and adjacently tagged enums, enums mixing unit
//! and data variants and untagged variants that are not objects (kube panics or emits a
//! non-structural schema), other enums whose variants kube cannot merge (its rewriter's panic is
//! caught and reported at the enum), flattened enums other than untagged ones, a second
//! flattened enum in one struct (its variants would sit in an `allOf` kube does not hoist),
//! `StructMerge`, a container `#[serde(default)]` without a derived `Default`, container
//! `default = "fn"`, default functions whose body is not literal-like, non-empty set defaults,
//! defaults of well-known types and of types with a hand-written `Default`, `serialize_with` with
//! a default, `skip_serializing_if` predicates other than the listed ones (when a default needs
//! them), `schema_with`, `transform`, `#[validate(regex(path = ..))]` (a compiled regex; a
//! `#[schemars(regex(pattern = ..))]` beside it is read first), what schemars rejects in
//! validator and garde attributes (`regex(pattern = ..)` in validate, `length`/`range` without
//! bounds, a value on `required` or on garde's formats), `#[garde(..)]` items that would add to
//! the schema of a `KubeSchema` struct's field (KubeSchema drops garde attributes, so kube would
//! lose them), serde `transparent`/`from`/`into`/`try_from`/`remote`/`with`, generic types,
//! recursive types, `serde_json::Value` (not structural) outside a flattened map, maps with
//! non-String keys, `Option<unit-only enum>` whose variants lack doc comments (kube would emit a
//! `null` enum entry), `#[x_kube]` without `KubeSchema`, on flattened/skipped fields or with a
//! container `#[serde(default)]`, `KubeSchema` on enums, `schema = "manual"`, unknown `#[kube]`
//! keys, `#[kube(attr = "..")]` holding `derive(..)`, `serde(..)` or `schemars(..)` or no
//! attribute at all, a `no_spec` struct with a field named `metadata`, `status`, `kind`,
//! `apiVersion` or `api_version` (kube-derive refuses them), `derive(CustomResource)` on a
//! union, a `group`, `version`, `kind`, `plural` or `singular` that the API server would refuse
//! (they also name files: `config/crd/bases/<group>_<plural>.yaml`), a version defined twice, zero or several storage versions, versions that `merge_crds`
//! rejects, types that do not resolve or do not derive JsonSchema/KubeSchema, and syntax errors.

mod assemble;
mod attrs;
mod defaults;
mod error;
pub mod k8s;
pub mod keywords;
mod nesting;
mod quiet;
pub mod rename;
mod schema;
mod source;
mod transforms;
mod value;

#[cfg(test)]
mod tests;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceDefinition, JSONSchemaProps,
};

pub use error::CrdError;
pub use source::SourceFile;

/// Options of the derivation.
#[derive(Debug, Default, Clone)]
pub struct CrdOptions {
    /// Trim descriptions to this many bytes like controller-gen's `maxDescLen` (cut after the last
    /// `.` within the limit when there is one); `Some(0)` drops descriptions. `None` keeps them.
    pub max_desc_len: Option<usize>,
}

/// Every CRD defined by `#[derive(CustomResource)]` types in `files`, one per CRD name (several
/// versions of a kind merged, exactly one storage version), sorted by metadata.name.
pub fn crds_from_sources(
    files: &[SourceFile],
    opts: &CrdOptions,
) -> Result<Vec<CustomResourceDefinition>, CrdError> {
    let result = quiet::quietly(|| derive_all(files, opts)).unwrap_or_else(|panic| {
        Err(CrdError {
            file: files.first().map(|f| f.path.clone()).unwrap_or_default(),
            line: 1,
            column: 1,
            message: format!("internal error while deriving CRDs: {panic}"),
            hint: Some(
                "this is a kubeforge bug; please report it with the source that triggers it".into(),
            ),
        })
    });
    result.map_err(|mut e| {
        if e.hint.is_none() {
            e.hint = Some(if e.message.starts_with("cannot parse Rust source") {
                "fix the syntax error (`cargo check` reports it too)".into()
            } else {
                "kubeforge reads the source without compiling; see the supported constructs in the kubeforge::crd documentation".into()
            });
        }
        e
    })
}

fn derive_all(
    files: &[SourceFile],
    opts: &CrdOptions,
) -> Result<Vec<CustomResourceDefinition>, CrdError> {
    let parsed = source::Project::parse(files)?;
    let project = source::Project::new(&parsed);
    let mut generator = schema::Gen::new(&project);
    let mut versions = Vec::new();
    for item in project.all_items() {
        let attrs = source::item_attrs(item.item);
        if attrs::derive::derives(attrs)
            .iter()
            .any(|d| d == "CustomResource")
        {
            versions.push(assemble::build(&mut generator, item)?);
        } else if let syn::Item::Union(u) = item.item
            && attrs::derive::derives(&u.attrs)
                .iter()
                .any(|d| d == "CustomResource")
        {
            return Err(CrdError::at(
                item.file,
                u.ident.span(),
                "a union cannot derive CustomResource",
            )
            .hint("use a struct with named fields (or an enum) for the spec"));
        }
    }
    let mut crds = assemble::merge(versions)?;
    if let Some(max) = opts.max_desc_len {
        for c in &mut crds {
            for v in &mut c.spec.versions {
                if let Some(s) = v
                    .schema
                    .as_mut()
                    .and_then(|s| s.open_api_v3_schema.as_mut())
                {
                    trim_descriptions(s, max);
                }
            }
        }
    }
    Ok(crds)
}

fn trim_description(desc: &str, max: usize) -> String {
    if desc.len() <= max {
        return desc.to_string();
    }
    let mut end = max;
    while !desc.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &desc[..end];
    match cut.rfind('.') {
        Some(i) if i > 0 => cut[..=i].to_string(),
        _ => cut.to_string(),
    }
}

fn trim_descriptions(s: &mut JSONSchemaProps, max: usize) {
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
        JSONSchemaPropsOrArray, JSONSchemaPropsOrBool,
    };
    if max == 0 {
        s.description = None;
    } else if let Some(d) = &s.description {
        s.description = Some(trim_description(d, max));
    }
    let children = s
        .properties
        .iter_mut()
        .flat_map(|p| p.values_mut())
        .chain(s.pattern_properties.iter_mut().flat_map(|p| p.values_mut()))
        .chain(s.all_of.iter_mut().flatten())
        .chain(s.any_of.iter_mut().flatten())
        .chain(s.one_of.iter_mut().flatten())
        .chain(s.not.iter_mut().map(|b| &mut **b))
        .chain(s.definitions.iter_mut().flat_map(|p| p.values_mut()));
    let mut extra: Vec<&mut JSONSchemaProps> = Vec::new();
    for c in children {
        extra.push(c);
    }
    match &mut s.items {
        Some(JSONSchemaPropsOrArray::Schema(b)) => extra.push(b),
        Some(JSONSchemaPropsOrArray::Schemas(v)) => extra.extend(v.iter_mut()),
        None => {}
    }
    if let Some(JSONSchemaPropsOrBool::Schema(b)) = &mut s.additional_properties {
        extra.push(b);
    }
    for c in extra {
        trim_descriptions(c, max);
    }
}
