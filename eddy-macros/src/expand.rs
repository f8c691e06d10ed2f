//! Code generation: the `async fn` becomes a plain `fn` that builds a runtime and blocks on the
//! original body.
//!
//! For `#[eddy::test(start_paused = true)] async fn t() -> io::Result<()> { body }` the output is,
//! in substance:
//!
//! ```text
//! #[::core::prelude::v1::test]
//! fn t() -> io::Result<()> {
//!     let body = async move { body };
//!     #[allow(...)]
//!     {
//!         return ::eddy::runtime::Builder::new_current_thread()
//!             .enable_all()
//!             .start_paused(true)
//!             .build()
//!             .unwrap_or_else(|err| panic!("#[eddy::test] could not build its runtime: {err}"))
//!             .block_on(body);
//!     }
//! }
//! ```
//!
//! `flavor = "local"` ends in `.build_local(LocalOptions::default())` instead of `.build()`.

use crate::config::{Config, Entry, Flavor, UnhandledPanic};
use crate::item::ItemFn;
use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{FnArg, PatType, ReturnType, Type};

/// The expansion of a function that passed every check.
pub(crate) fn expand(entry: Entry, config: &Config, item: &ItemFn) -> TokenStream {
    let eddy = match &config.crate_path {
        Some(path) => path.to_token_stream(),
        None => quote!(::eddy),
    };
    let runtime = runtime(entry, config, &eddy);

    let mut sig = item.sig.clone();
    sig.asyncness = None;
    let test = match entry {
        Entry::Test => quote!(#[::core::prelude::v1::test]),
        Entry::Main => TokenStream::new(),
    };
    let attrs = &item.attrs;
    let vis = &item.vis;
    let body = &item.body;
    // The async block takes the braces' span, so errors about the block point at the body.
    let brace_span = item.brace.span.join();
    let block = quote_spanned!(brace_span=> async move { #body });
    let box_output = box_output(&sig.output);

    quote! {
        #test
        #(#attrs)*
        #vis #sig {
            let body = #block;
            #box_output
            #[allow(
                clippy::panic,
                clippy::diverging_sub_expression,
                clippy::needless_return
            )]
            {
                return #runtime.block_on(body);
            }
        }
    }
}

/// What stands in for a function whose shape is wrong (not `async`, arguments where none are
/// allowed, a second `#[test]`), next to the error that says so.
///
/// It keeps the function's name, attributes and return type, and its body inside an async block
/// that is never run, so that the body is still checked (and seen by an IDE) but the compiler
/// adds no errors of its own about `async fn main` or arguments: the arguments become locals
/// that are never initialised at run time, because the function's first act is to diverge.
pub(crate) fn stand_in(item: &ItemFn) -> TokenStream {
    let mut sig = item.sig.clone();
    sig.asyncness = None;
    let mut locals = TokenStream::new();
    for input in std::mem::take(&mut sig.inputs) {
        match input {
            FnArg::Typed(PatType { pat, ty, .. }) => {
                locals.extend(quote!(let #pat: #ty = ::core::unreachable!();));
            }
            receiver @ FnArg::Receiver(_) => sig.inputs.push(receiver),
        }
    }
    let attrs = &item.attrs;
    let vis = &item.vis;
    let body = &item.body;
    let brace_span = item.brace.span.join();
    let block = quote_spanned!(brace_span=> async move { #body });
    let box_output = box_output(&sig.output);
    quote! {
        #(#attrs)*
        #[allow(unreachable_code, unused_variables, clippy::diverging_sub_expression)]
        #vis #sig {
            #locals
            let body = #block;
            #box_output
            ::core::mem::drop(body);
            ::core::unreachable!()
        }
    }
}

/// The expression that builds the runtime: a builder, one call per argument, and the build.
fn runtime(entry: Entry, config: &Config, eddy: &TokenStream) -> TokenStream {
    let mut calls = match config.flavor {
        Flavor::CurrentThread | Flavor::Local => {
            quote!(#eddy::runtime::Builder::new_current_thread())
        }
        Flavor::MultiThread => quote!(#eddy::runtime::Builder::new_multi_thread()),
    };
    if let Some(n) = config.worker_threads {
        let n = Literal::usize_unsuffixed(n);
        calls.extend(quote!(.worker_threads(#n)));
    }
    calls.extend(quote!(.enable_all()));
    if let Some(paused) = config.start_paused {
        calls.extend(quote!(.start_paused(#paused)));
    }
    if let Some(behavior) = config.unhandled_panic {
        let variant = match behavior {
            UnhandledPanic::Ignore => quote!(Ignore),
            UnhandledPanic::ShutdownRuntime => quote!(ShutdownRuntime),
        };
        calls.extend(quote!(.unhandled_panic(#eddy::runtime::UnhandledPanic::#variant)));
    }
    match config.flavor {
        Flavor::Local => {
            calls.extend(quote!(.build_local(#eddy::runtime::LocalOptions::default())));
        }
        Flavor::CurrentThread | Flavor::MultiThread => calls.extend(quote!(.build())),
    }
    // Display, not Debug: the io::Error's message names the cause and the fix.
    let attribute = entry.attribute();
    calls.extend(quote! {
        .unwrap_or_else(|err| ::core::panic!("{} could not build its runtime: {}", #attribute, err))
    });
    calls
}

/// Boxes the body as `dyn Future<Output = R>`, where `R` is the declared return type.
///
/// Naming the output type lets `?` in the body find its error type and turns a body that
/// returns the wrong type into an error at the return type. The box (one allocation per call)
/// moves into `block_on`, so an unfinished body is dropped inside `block_on`, before the runtime
/// shuts down, as it would be without the box. A return type that cannot be named there
/// (`impl Trait`, `!`) is left to inference.
fn box_output(output: &ReturnType) -> TokenStream {
    let ReturnType::Type(_, ty) = output else {
        return TokenStream::new();
    };
    if !nameable(ty) {
        return TokenStream::new();
    }
    quote_spanned! {ty.span()=>
        #[allow(clippy::type_complexity)]
        let body: ::core::pin::Pin<
            ::std::boxed::Box<dyn ::core::future::Future<Output = #ty> + '_>,
        > = ::std::boxed::Box::pin(body);
    }
}

/// Whether `ty` can stand as a `dyn Future`'s `Output`: no `impl Trait` and no `!` in it.
fn nameable(ty: &Type) -> bool {
    fn clean(tokens: TokenStream) -> bool {
        tokens.into_iter().all(|tt| match tt {
            proc_macro2::TokenTree::Ident(ident) => ident != "impl",
            proc_macro2::TokenTree::Punct(punct) => punct.as_char() != '!',
            proc_macro2::TokenTree::Group(group) => clean(group.stream()),
            proc_macro2::TokenTree::Literal(_) => true,
        })
    }
    clean(ty.to_token_stream())
}
