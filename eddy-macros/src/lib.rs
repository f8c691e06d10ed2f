//! Procedural macros for eddy: `#[eddy::main]` and `#[eddy::test]`.
//!
//! Use them through the `eddy` crate, which re-exports both; this crate is an implementation
//! detail. Each turns an `async fn` into a plain `fn` that builds a runtime and blocks on the
//! function's body.
//!
//! The crate reads in three steps: `config.rs` parses and checks the attribute's arguments,
//! `item.rs` the function under it, and `expand.rs` writes the new function.

// The docs show what `#[eddy::main]` turns `async fn main` into, which is a `fn main`.
#![allow(clippy::needless_doctest_main)]

mod config;
mod expand;
mod item;
mod suggest;

use config::Entry;
use item::ItemFn;
use proc_macro::TokenStream;

/// Runs an `async fn` on an eddy runtime: the function becomes a plain `fn` that builds a
/// runtime, blocks on the original body and returns its result.
///
/// ```no_run
/// #[eddy::main]
/// async fn main() {
///     let answer = eddy::spawn(async { 6 * 7 }).await.unwrap();
///     println!("{answer}");
/// }
/// ```
///
/// is, in substance,
///
/// ```no_run
/// fn main() {
///     let body = async move {
///         let answer = eddy::spawn(async { 6 * 7 }).await.unwrap();
///         println!("{answer}");
///     };
///     eddy::runtime::Builder::new_multi_thread()
///         .enable_all()
///         .build()
///         .unwrap()
///         .block_on(body)
/// }
/// ```
///
/// The function keeps its name, visibility, return type and attributes, so `main` may return a
/// `Result` and use `?`. It need not be called `main`: on any other function the macro gives a
/// synchronous function that builds a new runtime on each call (which makes it a poor fit for a
/// function called often), and such a function may take arguments, which move into the body.
/// `main` itself takes none.
///
/// # Arguments
///
/// All are optional, written `#[eddy::main(name = value, ...)]`:
///
/// | argument | values | default | builder call |
/// |---|---|---|---|
/// | `flavor` | `"multi_thread"`, `"current_thread"`, `"local"` | `"multi_thread"` | `Builder::new_multi_thread`, `new_current_thread`, or `new_current_thread` + `build_local` |
/// | `worker_threads` | an integer, 1 or more (`multi_thread` only) | one per CPU core | `worker_threads(n)` |
/// | `start_paused` | `true`, `false` | `false` | `start_paused(b)` |
/// | `unhandled_panic` | `"ignore"`, `"shutdown_runtime"` | `"ignore"` | `unhandled_panic(UnhandledPanic::...)` |
/// | `crate` | a path in quotes, e.g. `"my_reexport::eddy"` | `"::eddy"` | the path the generated code names eddy by |
///
/// Every runtime gets `enable_all()`. A runtime that fails to build panics with the builder's
/// error; today that is the case of `"multi_thread"`, whose scheduler is not part of eddy yet,
/// so pick `flavor = "current_thread"` for now:
///
/// ```
/// #[eddy::main(flavor = "current_thread")]
/// async fn main() -> Result<(), std::num::ParseIntError> {
///     let n: u32 = "7".parse()?;
///     assert_eq!(eddy::spawn(async move { n * 6 }).await.unwrap(), 42);
///     Ok(())
/// }
/// ```
///
/// A mistake in the arguments or in the function (a function that is not `async`, `main` with
/// arguments) is a compile error that points at the mistake and lists what is accepted.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(Entry::Main, args.into(), item.into()).into()
}

/// Runs an `async fn` as a test, on a runtime of its own: the function becomes a `#[test]`
/// function that builds a current-thread runtime and blocks on the original body.
///
/// ```
/// #[eddy::test]
/// async fn spawned_tasks_run() {
///     assert_eq!(eddy::spawn(async { 1 + 1 }).await.unwrap(), 2);
/// }
/// ```
///
/// It takes the same arguments as [`macro@main`], with `flavor = "current_thread"` as the
/// default. The function keeps its attributes (`#[should_panic]`, `#[ignore]`, docs), its
/// return type (a test may return a `Result` and use `?`) and its visibility; it takes no
/// arguments, and needs no `#[test]` of its own, as the macro adds it.
///
/// ```
/// #[eddy::test(unhandled_panic = "shutdown_runtime")]
/// #[should_panic]
/// async fn a_panicking_task_fails_the_test() {
///     eddy::spawn(async { panic!("boom") });
///     std::future::pending::<()>().await;
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(Entry::Test, args.into(), item.into()).into()
}

/// Both attributes: parse, check, expand, and append the errors, if any.
///
/// Whatever goes wrong, the output still contains the function (expanded when its shape allows,
/// a stand-in otherwise, and as written when it does not parse), so that one mistake yields one
/// error and an IDE keeps seeing the function.
fn entry(
    entry: Entry,
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let parser = |input: syn::parse::ParseStream<'_>| ItemFn::parse(entry, input);
    let item_fn = match syn::parse::Parser::parse2(parser, item.clone()) {
        Ok(item_fn) => item_fn,
        Err(err) => {
            let mut out = item;
            out.extend(err.to_compile_error());
            return out;
        }
    };
    let (config, args_error) = config::parse(entry, args);
    let shape_error = item_fn.check(entry);
    let mut out = match shape_error {
        None => expand::expand(entry, &config, &item_fn),
        Some(_) => expand::stand_in(&item_fn),
    };
    for err in [args_error, shape_error].into_iter().flatten() {
        out.extend(err.to_compile_error());
    }
    out
}
