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
mod generated;
mod ir;
mod junctors;
mod keywords;
mod lower;
mod names;
mod parsed;
mod places;
mod read;
mod reported;
mod rust;
mod sample;
mod top_level;
mod validate;
mod values;
mod verdict;

use serde_json::Value;

use format::DescriptionFile;

pub use crd_file::{KNOWN as KNOWN_DIFFERENCES, differences};
pub use expected::{Difference, compare};
pub use generated::{Generated, as_external, generate};
pub use parsed::Description;
pub use read::{MAX_BYTES, MAX_CRD_BYTES, parse, parse_from};
pub use verdict::{Verdict, check_object};

/// The JSON Schema of the description format (schemars on the structs that parse it).
pub fn json_schema() -> Value {
    schemars::schema_for!(DescriptionFile).to_value()
}
