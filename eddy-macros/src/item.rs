//! The function under the attribute.
//!
//! The body is kept as raw tokens rather than parsed into statements: that is faster, and code
//! that is half-typed in an editor (which does not parse) still reaches the compiler, which then
//! reports its own, precise errors.

use crate::config::Entry;
use proc_macro2::TokenStream;
use syn::parse::ParseStream;
use syn::{braced, token, AttrStyle, Attribute, Signature, Token, Visibility};

/// An `fn` item: its attributes, visibility, signature and body.
pub(crate) struct ItemFn {
    /// The outer attributes, followed by the inner ones (`#![...]` at the top of the body), which
    /// are turned into outer attributes: on a function they mean the same thing.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) brace: token::Brace,
    /// The statements of the body, without the inner attributes.
    pub(crate) body: TokenStream,
}

impl ItemFn {
    /// Parses the item under the attribute of `entry`.
    pub(crate) fn parse(entry: Entry, input: ParseStream<'_>) -> syn::Result<ItemFn> {
        let mut attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let fn_like = input.peek(Token![fn])
            || input.peek(Token![async])
            || input.peek(Token![const])
            || input.peek(Token![unsafe])
            || input.peek(Token![extern]);
        if !fn_like {
            return Err(input.error(format!(
                "{} goes on an `async fn`, and this is not a function",
                entry.attribute()
            )));
        }
        let sig: Signature = input.parse()?;
        let content;
        let brace = braced!(content in input);
        for mut attr in content.call(Attribute::parse_inner)? {
            attr.style = AttrStyle::Outer;
            attrs.push(attr);
        }
        let body: TokenStream = content.parse()?;
        Ok(ItemFn {
            attrs,
            vis,
            sig,
            brace,
            body,
        })
    }

    /// Checks the function's shape. The errors are combined into one.
    pub(crate) fn check(&self, entry: Entry) -> Option<syn::Error> {
        let attribute = entry.attribute();
        let mut errors: Option<syn::Error> = None;
        let mut push = |err: syn::Error| match &mut errors {
            Some(all) => all.combine(err),
            None => errors = Some(err),
        };
        if self.sig.asyncness.is_none() {
            push(syn::Error::new_spanned(
                self.sig.fn_token,
                format!("{attribute} runs an `async fn`, and this function is not async; write `async fn`"),
            ));
        }
        let is_method = matches!(self.sig.inputs.first(), Some(syn::FnArg::Receiver(_)));
        if !self.sig.inputs.is_empty() {
            let message = match entry {
                Entry::Test if is_method => Some(
                    "a test is a free function, not a method: move it out of the `impl` block \
                     and remove `self`",
                ),
                Entry::Test => Some("a test function takes no arguments; remove them"),
                // Any other function may take arguments: they move into its body.
                Entry::Main if self.sig.ident == "main" => Some(
                    "`main` takes no arguments; remove them, and read the command line with \
                     `std::env::args()`",
                ),
                Entry::Main => None,
            };
            if let Some(message) = message {
                push(syn::Error::new_spanned(&self.sig.inputs, message));
            }
        }
        if entry == Entry::Test {
            if let Some(test) = self.attrs.iter().find(|attr| is_test_attribute(attr)) {
                push(syn::Error::new_spanned(
                    test,
                    "`#[eddy::test]` adds `#[test]` itself; remove this `#[test]`",
                ));
            }
        }
        errors
    }
}

/// `#[test]`, `#[core::prelude::v1::test]`, `#[::std::prelude::rust_2021::test]` and the like.
fn is_test_attribute(attr: &Attribute) -> bool {
    let segments = &attr.path().segments;
    let (Some(first), Some(last)) = (segments.first(), segments.last()) else {
        return false;
    };
    last.ident == "test" && (segments.len() == 1 || first.ident == "core" || first.ident == "std")
}
