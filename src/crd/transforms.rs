//! The transforms of kube's generator settings, run on a raw schema by calling schemars and
//! kube-core themselves.

use serde_json::Value;

use super::quiet::quietly;

/// Applies, in order, the transforms of kube's generator settings (schemars' OpenAPI 3 ones, then
/// AddNullable, StructuralSchemaRewriter, OptionalEnum, OptionalIntOrString) to a root schema.
pub(crate) fn apply_kube_transforms(raw: Value) -> std::result::Result<Value, String> {
    quietly(move || {
        let mut generator = schemars::generate::SchemaSettings::openapi3()
            .with(|s| {
                s.inline_subschemas = true;
                s.meta_schema = None;
            })
            .with_transform(schemars::transform::AddNullable::default())
            .with_transform(kube_core::schema::StructuralSchemaRewriter)
            .with_transform(kube_core::schema::OptionalEnum)
            .with_transform(kube_core::schema::OptionalIntOrString)
            .into_generator();
        let mut schema = schemars::Schema::try_from(raw).map_err(|e| e.to_string())?;
        for t in generator.transforms_mut() {
            t.transform(&mut schema);
        }
        Ok(schema.to_value())
    })
    .unwrap_or_else(|_| Err("kube's structural schema rewriter panicked (conflicting schemas for one property across enum variants)".into()))
}
