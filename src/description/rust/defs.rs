//! The types a generated file holds, as the code generation builds them and before they are
//! written out.

use crate::description::fmt::Attr;

/// A field of a generated struct.
pub(super) struct FieldDef {
    pub(super) doc: Option<String>,
    pub(super) attrs: Vec<Attr>,
    /// A `//` comment above the field.
    pub(super) comment: Option<String>,
    pub(super) ident: String,
    pub(super) ty: String,
    /// The field's value in a hand-written `Default`: a default function call.
    pub(super) default_call: Option<String>,
    /// The field's value in a hand-written `Default` when its type has no `Default`.
    pub(super) default_value: Option<String>,
    pub(super) implements_default: bool,
}

/// A generated struct: the spec, the status, an object with properties, or the schema of an
/// object that keeps unknown fields.
pub(super) struct StructDef {
    pub(super) name: String,
    pub(super) doc: Option<String>,
    pub(super) comment: Option<String>,
    /// Container attributes after derive (kube, serde, x_kube, schemars).
    pub(super) attrs: Vec<Attr>,
    pub(super) fields: Vec<FieldDef>,
    pub(super) kube_schema: bool,
    pub(super) custom_resource: bool,
    /// Only `JsonSchema` (a type that gives a schema, not data).
    pub(super) schema_only: bool,
    /// Default functions: (name, return type, body).
    pub(super) default_fns: Vec<(String, String, String)>,
}

/// A generated enum for a string `enum`.
pub(super) struct EnumDef {
    pub(super) name: String,
    pub(super) doc: Option<String>,
    pub(super) attrs: Vec<Attr>,
    /// Variant identifiers, with the value as a rename where the rule does not give it.
    pub(super) variants: Vec<(String, Option<String>)>,
    pub(super) default_index: usize,
    /// Whether clippy's `enum_variant_names` needs an allow.
    pub(super) allow_variant_names: bool,
}

/// A generated newtype around an item or map value whose keywords need a type of their own.
pub(super) struct NewtypeDef {
    pub(super) name: String,
    pub(super) doc: Option<String>,
    pub(super) attrs: Vec<Attr>,
    pub(super) field_doc: Option<String>,
    pub(super) field_attrs: Vec<Attr>,
    pub(super) inner: String,
    pub(super) implements_default: bool,
}

/// A generated type, in the order of the file.
pub(super) enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    Newtype(NewtypeDef),
    /// A slot filled once the type's children are generated.
    Pending,
}
