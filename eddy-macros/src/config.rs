//! The attribute's arguments: `flavor`, `worker_threads`, `start_paused`, `unhandled_panic` and
//! `crate`, parsed into a [`Config`] and checked.
//!
//! Every mistake becomes a `syn::Error` spanned at the argument (or its value) that caused it, and
//! its message names the valid choices. A bad argument is left out of the `Config`, so that the
//! function still expands (with the defaults) next to the error: the user sees one error, not a
//! cascade, and an IDE keeps seeing a well-formed function.

use crate::suggest;
use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, LitStr, Path, Token};

/// Which attribute is expanding. The two differ in their default flavor and in a few checks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Entry {
    Main,
    Test,
}

impl Entry {
    /// How the user spells the attribute, for messages (in backticks).
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Entry::Main => "`#[eddy::main]`",
            Entry::Test => "`#[eddy::test]`",
        }
    }

    fn default_flavor(self) -> Flavor {
        match self {
            Entry::Main => Flavor::MultiThread,
            Entry::Test => Flavor::CurrentThread,
        }
    }
}

/// The runtime the function runs on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Flavor {
    CurrentThread,
    MultiThread,
    Local,
}

impl Flavor {
    const ALL: [Flavor; 3] = [Flavor::CurrentThread, Flavor::MultiThread, Flavor::Local];

    fn name(self) -> &'static str {
        match self {
            Flavor::CurrentThread => "current_thread",
            Flavor::MultiThread => "multi_thread",
            Flavor::Local => "local",
        }
    }
}

/// What a panic in a spawned task does, as `Builder::unhandled_panic` takes it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum UnhandledPanic {
    Ignore,
    ShutdownRuntime,
}

impl UnhandledPanic {
    const ALL: [UnhandledPanic; 2] = [UnhandledPanic::Ignore, UnhandledPanic::ShutdownRuntime];

    fn name(self) -> &'static str {
        match self {
            UnhandledPanic::Ignore => "ignore",
            UnhandledPanic::ShutdownRuntime => "shutdown_runtime",
        }
    }
}

/// The runtime a function asked for. Each argument the user gave becomes one builder call.
pub(crate) struct Config {
    pub(crate) flavor: Flavor,
    pub(crate) worker_threads: Option<usize>,
    pub(crate) start_paused: Option<bool>,
    pub(crate) unhandled_panic: Option<UnhandledPanic>,
    /// The path that stands for the eddy crate in the generated code; `None` means `::eddy`.
    pub(crate) crate_path: Option<Path>,
}

/// The argument names, in the order messages list them.
const NAMES: [&str; 5] = [
    "flavor",
    "worker_threads",
    "start_paused",
    "unhandled_panic",
    "crate",
];

/// One `name = value` (or a bare `name`, which is reported) of the attribute.
struct Arg {
    name: Ident,
    value: Option<Expr>,
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Arg> {
        if !input.peek(Ident::peek_any) {
            return Err(input.error(format!(
                "expected an argument such as `flavor = \"current_thread\"`; the arguments are {}",
                list(&NAMES)
            )));
        }
        // `crate` is a keyword, so names are read with `parse_any`.
        let name = input.call(Ident::parse_any)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else if input.is_empty() || input.peek(Token![,]) {
            None
        } else {
            return Err(input.error(format!(
                "expected `=` after `{name}`: arguments are written `name = value`"
            )));
        };
        Ok(Arg { name, value })
    }
}

/// Parses the attribute's arguments.
///
/// Returns the configuration built from the arguments that are right, and the errors of those
/// that are not (all of them, combined into one `syn::Error`).
pub(crate) fn parse(entry: Entry, args: TokenStream) -> (Config, Option<syn::Error>) {
    let mut config = Config {
        flavor: entry.default_flavor(),
        worker_threads: None,
        start_paused: None,
        unhandled_panic: None,
        crate_path: None,
    };
    let args = match Punctuated::<Arg, Token![,]>::parse_terminated.parse2(args) {
        Ok(args) => args,
        Err(err) => return (config, Some(err)),
    };

    let mut errors = Errors(None);
    let mut seen: Vec<Ident> = Vec::new();
    // `worker_threads` is checked against the flavor last, once the flavor is known.
    let mut flavor_given = false;
    let mut flavor_wrong = false;
    let mut worker_threads_arg: Option<TokenStream> = None;

    for arg in args {
        let name = arg.name.to_string();
        if !NAMES.contains(&name.as_str()) {
            let hint = suggest::closest(&name, &NAMES)
                .map(|near| format!(" (did you mean `{near}`?)"))
                .unwrap_or_default();
            errors.push(syn::Error::new(
                arg.name.span(),
                format!(
                    "unknown argument `{name}`{hint}; the arguments of {} are {}",
                    entry.attribute(),
                    list(&NAMES)
                ),
            ));
            continue;
        }
        if seen.contains(&arg.name) {
            errors.push(syn::Error::new(
                arg.name.span(),
                format!("`{name}` is given twice; keep one of them"),
            ));
            continue;
        }
        seen.push(arg.name.clone());
        let Some(value) = arg.value else {
            errors.push(syn::Error::new(
                arg.name.span(),
                format!("`{name}` needs a value: {}", example(&name)),
            ));
            continue;
        };
        let name_ident = &arg.name;
        let whole = quote::quote!(#name_ident = #value);
        let result = match name.as_str() {
            "flavor" => parse_flavor(&value).map(|flavor| {
                config.flavor = flavor;
                flavor_given = true;
            }),
            "worker_threads" => parse_worker_threads(&value).map(|n| {
                config.worker_threads = Some(n);
                worker_threads_arg = Some(whole);
            }),
            "start_paused" => parse_start_paused(&value).map(|b| config.start_paused = Some(b)),
            "unhandled_panic" => {
                parse_unhandled_panic(&value).map(|u| config.unhandled_panic = Some(u))
            }
            "crate" => parse_crate(&value).map(|path| config.crate_path = Some(path)),
            _ => unreachable!("every name in NAMES has a parser"),
        };
        if let Err(err) = result {
            flavor_wrong |= name == "flavor";
            errors.push(err);
        }
    }

    if let Some(tokens) = worker_threads_arg {
        // After a wrong `flavor` the flavor is unknown: that error is enough.
        if config.flavor != Flavor::MultiThread && !flavor_wrong {
            let flavor = config.flavor.name();
            let (why, fix) = if flavor_given {
                (
                    format!("this runtime is `flavor = \"{flavor}\"`"),
                    "change the flavor to `\"multi_thread\"`",
                )
            } else {
                (
                    format!(
                        "{} runs on `flavor = \"{flavor}\"` unless told otherwise",
                        entry.attribute()
                    ),
                    "add `flavor = \"multi_thread\"`",
                )
            };
            errors.push(syn::Error::new_spanned(
                tokens,
                format!(
                    "`worker_threads` applies only to `flavor = \"multi_thread\"`, and {why}; \
                     remove `worker_threads` or {fix}"
                ),
            ));
            config.worker_threads = None;
        }
    }
    (config, errors.0)
}

fn parse_flavor(value: &Expr) -> syn::Result<Flavor> {
    let names = Flavor::ALL.map(Flavor::name);
    let lit = string(value, "flavor", &names)?;
    let given = lit.value();
    Flavor::ALL
        .into_iter()
        .find(|flavor| flavor.name() == given)
        .ok_or_else(|| unknown_choice(&lit, "flavor", &names))
}

fn parse_unhandled_panic(value: &Expr) -> syn::Result<UnhandledPanic> {
    let names = UnhandledPanic::ALL.map(UnhandledPanic::name);
    let lit = string(value, "unhandled_panic", &names)?;
    let given = lit.value();
    UnhandledPanic::ALL
        .into_iter()
        .find(|choice| choice.name() == given)
        .ok_or_else(|| unknown_choice(&lit, "unhandled_panic", &names))
}

fn parse_worker_threads(value: &Expr) -> syn::Result<usize> {
    let wrong = || {
        syn::Error::new_spanned(
            value,
            "`worker_threads` takes a whole number of threads, 1 or more: \
             write e.g. `worker_threads = 4`",
        )
    };
    let Expr::Lit(ExprLit {
        lit: Lit::Int(int), ..
    }) = value
    else {
        return Err(wrong());
    };
    if !matches!(int.suffix(), "" | "usize") {
        return Err(wrong());
    }
    match int.base10_parse::<usize>() {
        Ok(0) => Err(syn::Error::new(
            int.span(),
            "`worker_threads = 0` leaves the runtime without threads; \
             give 1 or more, or remove it to get one per CPU core",
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(wrong()),
    }
}

fn parse_start_paused(value: &Expr) -> syn::Result<bool> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        }) => Ok(b.value),
        _ => Err(syn::Error::new_spanned(
            value,
            "`start_paused` takes `true` or `false` (without quotes)",
        )),
    }
}

fn parse_crate(value: &Expr) -> syn::Result<Path> {
    let Expr::Lit(ExprLit {
        lit: Lit::Str(lit), ..
    }) = value
    else {
        return Err(syn::Error::new_spanned(
            value,
            "`crate` takes a path in quotes, the way eddy is reached from here: \
             write e.g. `crate = \"my_reexport::eddy\"`",
        ));
    };
    // The path's tokens carry the literal's span, so an error inside the generated code (say, a
    // path that does not lead to eddy) points at the string.
    lit.parse::<Path>().map_err(|_| {
        syn::Error::new(
            lit.span(),
            format!(
                "`{}` is not a path; `crate` takes a path such as `\"my_reexport::eddy\"`",
                lit.value()
            ),
        )
    })
}

/// The value of a `name = "choice"` argument, or an error that lists the choices.
fn string(value: &Expr, name: &str, choices: &[&str]) -> syn::Result<LitStr> {
    match value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(lit.clone()),
        _ => {
            // A bare word such as `flavor = current_thread` is the likely slip: show it quoted.
            let written = match value {
                Expr::Path(path) if path.path.get_ident().is_some() => {
                    format!(" (`{name} = \"{}\"`)", quote::quote!(#path))
                }
                _ => String::new(),
            };
            Err(syn::Error::new_spanned(
                value,
                format!(
                    "`{name}` takes a string in quotes{written}; the choices are {}",
                    list_quoted(choices)
                ),
            ))
        }
    }
}

fn unknown_choice(lit: &LitStr, name: &str, choices: &[&str]) -> syn::Error {
    let given = lit.value();
    let hint = suggest::closest(&given, choices)
        .map(|near| format!(" (did you mean `\"{near}\"`?)"))
        .unwrap_or_default();
    syn::Error::new(
        lit.span(),
        format!(
            "unknown `{name}` value `\"{given}\"`{hint}; the choices are {}",
            list_quoted(choices)
        ),
    )
}

/// What a correct use of the argument `name` looks like.
fn example(name: &str) -> &'static str {
    match name {
        "flavor" => "write e.g. `flavor = \"current_thread\"`",
        "worker_threads" => "write e.g. `worker_threads = 4`",
        "start_paused" => "write `start_paused = true`",
        "unhandled_panic" => "write e.g. `unhandled_panic = \"shutdown_runtime\"`",
        _ => "write e.g. `crate = \"my_reexport::eddy\"`",
    }
}

/// `a`, `b` and `c`
fn list(names: &[&str]) -> String {
    join(names.iter().map(|n| format!("`{n}`")).collect())
}

/// `"a"`, `"b"` and `"c"`
fn list_quoted(names: &[&str]) -> String {
    join(names.iter().map(|n| format!("`\"{n}\"`")).collect())
}

fn join(mut items: Vec<String>) -> String {
    match items.pop() {
        None => String::new(),
        Some(last) if items.is_empty() => last,
        Some(last) => format!("{} and {last}", items.join(", ")),
    }
}

/// Collects errors into one `syn::Error`, which reports each of them at its own span.
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, err: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }
}
