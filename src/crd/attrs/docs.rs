//! Doc comments (`#[doc = ".."]`), joined and split into title and description as schemars does.

use std::path::Path;

use syn::spanned::Spanned;
use syn::{Attribute, Meta};

use crate::crd::error::{CrdError, Result};
use crate::crd::value::expr_str;

/// The doc text the way schemars joins it: one leading space of each line removed, lines joined
/// with `\n`. `None` without doc attributes.
pub(crate) fn doc_of(attrs: &[Attribute], file: &Path) -> Result<Option<String>> {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        let Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        match expr_str(&nv.value) {
            Some(s) => lines.push(s.strip_prefix(' ').map(str::to_string).unwrap_or(s)),
            None => {
                return Err(CrdError::at(file, nv.value.span(), "doc attribute is not a string literal")
                    .hint("write the documentation as `///` comments; `#[doc = macro!(..)]` cannot be read without compiling"));
            }
        }
    }
    Ok(if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n"))
    })
}

/// schemars' split of a doc text: a first line starting with `#` is the title (without the `#`s),
/// the rest the description; both trimmed of ASCII whitespace.
pub(crate) fn title_and_description(doc: &str) -> (String, String) {
    let trim = |s: &str| {
        s.trim_matches(|c: char| c.is_ascii_whitespace())
            .to_string()
    };
    let doc = trim(doc);
    if doc.starts_with('#') {
        let (first, rest) = match doc.find('\n') {
            Some(i) => (&doc[..i], &doc[i..]),
            None => (&doc[..], ""),
        };
        (trim(first.trim_start_matches('#')), trim(rest))
    } else {
        (String::new(), doc)
    }
}
