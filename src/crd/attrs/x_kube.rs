//! `#[x_kube(..)]` of kube's `KubeSchema` derive: CEL rules and merge strategies.

use std::path::Path;

use proc_macro2::Span;
use serde_json::Value;
use syn::spanned::Spanned;
use syn::{Attribute, Meta};

use super::meta::{meta_key, metas};
use crate::crd::error::{CrdError, Result};
use crate::crd::value;

/// `#[x_kube(validation = .., merge_strategy = ..)]` on a field or struct of a `KubeSchema` type.
#[derive(Debug, Clone, Default)]
pub(crate) struct XKube {
    pub validations: Vec<Value>,
    /// The keys a merge strategy adds (`x-kubernetes-list-type`, ...).
    pub merge_strategy: Vec<(String, Value)>,
    pub span: Option<Span>,
}

impl XKube {
    pub fn parse(attrs: &[Attribute], allow_merge: bool, file: &Path) -> Result<Self> {
        let mut out = XKube::default();
        for m in metas(attrs, "x_kube", file)? {
            out.span.get_or_insert(m.span());
            match (meta_key(&m).as_str(), &m) {
                ("validation", Meta::NameValue(nv)) => {
                    out.validations.push(value::eval_rule(&nv.value, file)?)
                }
                ("merge_strategy", Meta::NameValue(nv)) if allow_merge => {
                    out.merge_strategy = value::eval_merge_strategy(&nv.value, file)?;
                }
                ("cel", Meta::Path(_)) if !allow_merge => {}
                ("crates", Meta::List(_)) if !allow_merge => {}
                (k, _) => {
                    return Err(CrdError::at(file, m.span(), format!("unsupported x_kube attribute `{k}` here"))
                        .hint("x_kube takes `validation = ..` (structs and fields) and `merge_strategy = ..` (fields)"));
                }
            }
        }
        Ok(out)
    }
}
