//! `#[derive(..)]`, also inside `#[cfg_attr(.., derive(..))]`.

/// The derive macros of an item (last path segments), also those inside `cfg_attr(.., derive(..))`.
pub(crate) fn derives(attrs: &[syn::Attribute]) -> Vec<String> {
    fn collect(meta: &syn::Meta, out: &mut Vec<String>) {
        let syn::Meta::List(list) = meta else { return };
        if !list.path.is_ident("derive") && !list.path.is_ident("cfg_attr") {
            return;
        }
        let Ok(items) = list.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        ) else {
            return;
        };
        if list.path.is_ident("derive") {
            for p in items {
                if let Some(last) = p.path().segments.last() {
                    out.push(last.ident.to_string());
                }
            }
        } else if list.path.is_ident("cfg_attr") {
            for m in items.iter().skip(1) {
                collect(m, out);
            }
        }
    }
    let mut out = Vec::new();
    for a in attrs {
        collect(&a.meta, &mut out);
    }
    out
}
