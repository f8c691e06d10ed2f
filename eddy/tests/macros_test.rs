//! `#[eddy::test]`: the function runs as a test on a runtime of its own, keeping its return
//! type and its attributes.

use std::io;

#[eddy::test]
async fn plain() {
    assert_eq!(eddy::spawn(async { 40 + 2 }).await.unwrap(), 42);
}

#[eddy::test]
async fn result_and_question_mark() -> Result<(), std::num::ParseIntError> {
    let n: u32 = "42".parse()?;
    assert_eq!(n, 42);
    Ok(())
}

#[eddy::test]
async fn result_with_a_boxed_error() -> Result<(), Box<dyn std::error::Error>> {
    // `?` converts the io::Error into the declared error type.
    let value = eddy::spawn(async { Ok::<_, io::Error>(7) }).await??;
    assert_eq!(value, 7);
    Ok(())
}

#[eddy::test]
async fn an_early_return_leaves_the_body() -> Result<(), String> {
    if eddy::spawn(async { true }).await.unwrap() {
        return Ok(());
    }
    Err("the early return was skipped".to_string())
}

#[eddy::test]
#[should_panic(expected = "the body's own panic")]
async fn should_panic_is_kept() {
    eddy::task::yield_now().await;
    panic!("the body's own panic");
}

/// A doc comment stays on the function, as does `#[ignore]`.
#[eddy::test]
#[ignore = "ignored tests do not run; this one only has to compile"]
async fn ignore_is_kept() {
    panic!("an ignored test ran");
}

#[eddy::test]
async fn inner_attributes_still_apply() {
    #![allow(unused_variables)]
    let unused = 1;
}

#[eddy::test(start_paused = true)]
async fn start_paused() {
    assert_eq!(eddy::spawn(async { 1 }).await.unwrap(), 1);
}

#[eddy::test(
    flavor = "current_thread",
    start_paused = false,
    unhandled_panic = "ignore"
)]
async fn every_argument_spelled_out() {
    let failed = eddy::spawn(async { panic!("a task's panic") });
    assert!(failed.await.unwrap_err().is_panic());
}

#[eddy::test]
async fn runs_on_the_current_thread() {
    let test_thread = std::thread::current().id();
    let task_thread = eddy::spawn(async { std::thread::current().id() })
        .await
        .unwrap();
    assert_eq!(task_thread, test_thread);
    assert_eq!(
        eddy::runtime::Handle::current().runtime_flavor(),
        eddy::runtime::RuntimeFlavor::CurrentThread
    );
}

#[eddy::test(unhandled_panic = "shutdown_runtime")]
#[should_panic(expected = "configured to shut down on unhandled panic")]
async fn unhandled_panic_shuts_the_runtime_down() {
    eddy::spawn(async { panic!("a task's panic") });
    std::future::pending::<()>().await;
}

#[eddy::test(flavor = "multi_thread", worker_threads = 4)]
async fn multi_thread_runs_tasks_on_the_workers() {
    let test_thread = std::thread::current().id();
    let task_thread = eddy::spawn(async { std::thread::current().id() })
        .await
        .unwrap();
    assert_ne!(task_thread, test_thread);
    assert_eq!(
        eddy::runtime::Handle::current().runtime_flavor(),
        eddy::runtime::RuntimeFlavor::MultiThread
    );
}

mod reexport {
    pub(crate) use eddy as rt;
}

#[eddy::test(crate = "reexport::rt")]
async fn crate_path_names_eddy() {
    assert_eq!(reexport::rt::spawn(async { 3 }).await.unwrap(), 3);
}

#[eddy::test]
async fn spawned_tasks_run_concurrently() {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let waiter = eddy::spawn(async move { rx.await.unwrap() * 2 });
    let sender = eddy::spawn(async move { tx.send(21).unwrap() });
    sender.await.unwrap();
    assert_eq!(waiter.await.unwrap(), 42);
}

trait Greet {
    async fn greet(&self, name: &str) -> String;
}

struct English;

impl Greet for English {
    // An `async fn` elsewhere in the file, not under the attribute, is left alone.
    async fn greet(&self, name: &str) -> String {
        eddy::task::yield_now().await;
        format!("hello, {name}")
    }
}

#[eddy::test]
async fn calls_an_async_fn_of_a_trait_impl() {
    assert_eq!(English.greet("eddy").await, "hello, eddy");
}

// A `#[eddy::main]` on a function other than `main`: a synchronous function that builds a
// runtime per call, and may take arguments.
#[eddy::main(flavor = "current_thread")]
async fn double_on_a_runtime(n: u32, label: &str) -> String {
    let doubled = eddy::spawn(async move { n * 2 }).await.unwrap();
    format!("{label}{doubled}")
}

#[test]
fn main_on_another_function_is_synchronous() {
    assert_eq!(double_on_a_runtime(21, "n = "), "n = 42");
}
