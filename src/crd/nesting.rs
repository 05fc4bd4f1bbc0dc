//! Bounds on how deep Rust source nests. syn's parser recurses once or more per level of nesting,
//! and so does the derivation that walks what it parsed; the source is measured on its tokens
//! (which are read without recursion) before syn sees it, and the derivation counts the types it
//! is inside of. Past [`MAX_DEPTH`], a file is refused at the place where it goes deeper.
//!
//! The measure follows what makes syn recurse: brackets, generic arguments, prefix operators and
//! keywords, return types and assignments. What it leaves out (closures nested in closures) is
//! left to the large stack of the thread that runs each command.

use std::iter::Peekable;
use std::path::Path;

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree, token_stream};

use super::error::{CrdError, Result};

/// How deep Rust source may nest: brackets, generic arguments and runs of prefix operators
/// together, and, in the derivation, types within types (through fields, aliases and
/// containers). No real type comes near it.
pub(crate) const MAX_DEPTH: usize = 128;

/// The error at the place where the source goes deeper than [`MAX_DEPTH`].
pub(crate) fn too_deep(file: &Path, span: Span) -> CrdError {
    CrdError::at(file, span, format!("nested more than {MAX_DEPTH} levels deep"))
        .hint(format!(
            "kubeforge reads types nested at most {MAX_DEPTH} levels deep (no CRD needs more); flatten the type, and check for a type alias that refers to itself"
        ))
}

/// Parses a source file as `syn::parse_file` does, from tokens read once: refused at the first
/// token that nests deeper than [`MAX_DEPTH`], before syn recurses into it. A text that is not
/// made of Rust tokens, or that starts with `#!` (a shebang line, or inner attributes), is
/// parsed by `syn::parse_file` itself.
pub(crate) fn parse_file(file: &Path, text: &str) -> Result<syn::Result<syn::File>> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Ok(tokens) = body.parse::<TokenStream>() else {
        return Ok(syn::parse_file(text));
    };
    if let Some(span) = deepest(tokens.clone()) {
        return Err(too_deep(file, span));
    }
    if body.starts_with("#!") {
        return Ok(syn::parse_file(text));
    }
    Ok(syn::parse2(tokens))
}

/// Parses `text`, the value of the string literal at `span`, as Rust syntax: refused at the
/// literal when it nests deeper than [`MAX_DEPTH`], before syn recurses into it.
pub(crate) fn parse_str<T: syn::parse::Parse>(
    file: &Path,
    span: Span,
    text: &str,
) -> Result<syn::Result<T>> {
    let Ok(tokens) = text.parse::<TokenStream>() else {
        return Ok(syn::parse_str(text));
    };
    match deepest(tokens.clone()) {
        Some(_) => Err(too_deep(file, span)),
        None => Ok(syn::parse2(tokens)),
    }
}

/// The first of `tokens` that is more than [`MAX_DEPTH`] levels deep.
fn deepest(tokens: TokenStream) -> Option<Span> {
    let mut stack = vec![Level::new(tokens, Delimiter::None, 0)];
    while let Some(level) = stack.last_mut() {
        let Some(token) = level.tokens.next() else {
            let closed = stack.pop().expect("a level");
            if let Some(outer) = stack.last_mut() {
                outer.close(closed.delimiter);
            }
            continue;
        };
        let depth = level.step(&token);
        if depth > MAX_DEPTH {
            return Some(token.span());
        }
        if let TokenTree::Group(group) = token {
            stack.push(Level::new(group.stream(), group.delimiter(), depth));
        }
    }
    None
}

/// Keywords that begin a type or an expression inside another, as prefix operators do.
const PREFIX_KEYWORDS: &[&str] = &[
    "async", "box", "break", "const", "dyn", "impl", "move", "mut", "ref", "return", "static",
    "yield",
];

/// The tokens of one bracket (or of the file) being read, and how deep they are.
struct Level {
    tokens: Peekable<token_stream::IntoIter>,
    delimiter: Delimiter,
    /// The depth of the bracket itself.
    base: usize,
    /// Generic arguments opened (`<`) and not closed in this bracket since the last `;`.
    angles: usize,
    /// Return types (`->`) and assignments (`=`) in this bracket since the last `;` or `,`:
    /// each nests what follows it (`fn() -> fn() -> u8`, `a = b = c`).
    chain: usize,
    /// Prefix operators and keywords in a row just before (`&&mut *`, `!!`, `return return`).
    run: usize,
    /// The previous token, when it is punctuation joined to the next (`-` of `->`).
    joined: Option<char>,
}

impl Level {
    fn new(tokens: TokenStream, delimiter: Delimiter, base: usize) -> Level {
        Level {
            tokens: tokens.into_iter().peekable(),
            delimiter,
            base,
            angles: 0,
            chain: 0,
            run: 0,
            joined: None,
        }
    }

    /// Reads one token; the depth at which it is.
    fn step(&mut self, token: &TokenTree) -> usize {
        let before = self.joined.take();
        match token {
            TokenTree::Group(_) => return self.depth() + 1,
            TokenTree::Punct(p) => {
                if p.spacing() == Spacing::Joint {
                    self.joined = Some(p.as_char());
                }
                self.punct(p.as_char(), before);
            }
            // A lifetime (`'a`) continues a run, as in `&'a mut`.
            TokenTree::Ident(_) if before == Some('\'') => {}
            TokenTree::Ident(i) if PREFIX_KEYWORDS.contains(&i.to_string().as_str()) => {
                self.run += 1
            }
            TokenTree::Ident(_) | TokenTree::Literal(_) => self.run = 0,
        }
        self.depth()
    }

    /// Counts a punctuation character; `before` is the one before it when the two make one
    /// operator.
    fn punct(&mut self, c: char, before: Option<char>) {
        let joint = self.joined == Some(c);
        let next_is_eq =
            joint && matches!(self.tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '=');
        match c {
            ';' => {
                self.run = 0;
                self.chain = 0;
                self.angles = 0;
            }
            ',' => {
                self.run = 0;
                self.chain = 0;
            }
            // `<=` compares; `<` otherwise opens generic arguments (or compares, counted the same).
            '<' if !next_is_eq => self.angles += 1,
            '>' if before == Some('-') => self.chain += 1,
            // `=>` and `>=` close nothing.
            '>' if before != Some('=') && !next_is_eq => {
                self.angles = self.angles.saturating_sub(1)
            }
            '<' | '>' => {}
            // `=` alone assigns (also in `+=`); `==`, `!=`, `<=`, `>=` and `=>` do not.
            '=' if !joint && !matches!(before, Some('=' | '!' | '<' | '>')) => self.chain += 1,
            _ => self.run += 1,
        }
    }

    /// The depth of the token just read.
    fn depth(&self) -> usize {
        self.base + self.angles + self.chain + self.run
    }

    /// After a bracket inside this one closed: a block (`{..}`) ends what was open before it.
    fn close(&mut self, inner: Delimiter) {
        self.run = 0;
        if inner == Delimiter::Brace {
            self.angles = 0;
            self.chain = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first token of `text` too deep.
    fn deepest_in(text: &str) -> Option<Span> {
        deepest(text.parse().expect("Rust tokens"))
    }

    fn depth_ok(text: &str) -> bool {
        deepest_in(text).is_none()
    }

    #[test]
    fn real_code_is_well_within_the_bound() {
        let code = "pub struct S { pub a: Option<BTreeMap<String, Vec<Option<i32>>>> }\n\
                    fn f(a: &mut &'static str) -> bool { if 1 < 2 { !!true } else { a.len() >= 3 } }\n\
                    fn g() { match 1 { x if x < 3 => {}, _ => {} } }";
        assert!(depth_ok(code));
        let comparisons = "fn f(a: i32) { ".to_string() + &"if a < 1 { }\n".repeat(500) + "}";
        assert!(depth_ok(&comparisons), "blocks end open comparisons");
    }

    #[test]
    fn deep_nesting_is_found_where_it_goes_too_deep() {
        let n = MAX_DEPTH + 10;
        for text in [
            format!("type T = {}u8{};", "Option<".repeat(n), ">".repeat(n)),
            format!("type T = {}u8{};", "(".repeat(n), ")".repeat(n)),
            format!("type T = {}u8;", "&".repeat(n)),
            format!("const C: bool = {}true;", "!".repeat(n)),
            format!("fn f() {{ {} }}", "return ".repeat(n)),
            format!("type F = {}u8;", "fn() -> ".repeat(n)),
            format!("fn f() {{ {}1; }}", "a = ".repeat(n)),
        ] {
            let span = deepest_in(&text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(span.start().line, 1);
            assert!(span.start().column > MAX_DEPTH, "{text}");
        }
    }

    #[test]
    fn arrows_and_comparisons_neither_open_nor_close() {
        let n = MAX_DEPTH + 10;
        let arrows = format!(
            "type F = {}u8{};",
            "Box<dyn Fn() -> ".repeat(n),
            ">".repeat(n)
        );
        assert!(
            deepest_in(&arrows).is_some(),
            "`->` closes no generic arguments"
        );
        let comparisons = format!(
            "const C: bool = {}true;",
            "1 <= 2 && 3 >= 2 && 1 == 1 && 1 != 2 && ".repeat(n)
        );
        assert!(
            depth_ok(&comparisons),
            "`<=` opens none, and comparisons assign nothing"
        );
        let statements =
            "fn f() { let a = 1; a += 1; }\nstruct S { a: fn() -> u8, b: fn() -> u8 }\n";
        assert!(depth_ok(&statements.repeat(n)));
    }
}
