//! `Builder::unhandled_panic`: what a panic in a spawned task does to the runtime.

mod support;

use support::message_of;

use eddy::runtime::{Builder, Runtime, UnhandledPanic};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn rt(behavior: UnhandledPanic) -> Runtime {
    Builder::new_current_thread()
        .unhandled_panic(behavior)
        .build()
        .unwrap()
}

/// Sets its flag when dropped: tells whether a task's future was dropped.
struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn ignore_is_the_default_and_keeps_running() {
    let rt = Builder::new_current_thread().build().unwrap();
    let out = rt.block_on(async {
        let failed = eddy::spawn(async { panic!("boom") });
        assert!(failed.await.unwrap_err().is_panic());
        eddy::spawn(async { 5 }).await.unwrap()
    });
    assert_eq!(out, 5);
}

#[test]
fn ignore_explicitly_keeps_running() {
    let rt = rt(UnhandledPanic::Ignore);
    rt.spawn(async { panic!("boom") });
    let out = rt.block_on(async {
        eddy::task::yield_now().await;
        eddy::spawn(async { 6 }).await.unwrap()
    });
    assert_eq!(out, 6);
}

#[test]
fn shutdown_runtime_panics_block_on_and_cancels_the_other_tasks() {
    let rt = rt(UnhandledPanic::ShutdownRuntime);
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(dropped.clone());
    let bystander = rt.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await
    });
    let failed = rt.spawn(async { panic!("boom") });

    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(std::future::pending::<()>())
    }));
    let message = message_of(result.expect_err("block_on must panic"));
    assert!(
        message.contains("configured to shut down on unhandled panic"),
        "{message}"
    );
    assert!(dropped.load(Ordering::SeqCst), "bystander not cancelled");

    // The runtime stays shut down: the handles report why, new tasks are cancelled, and the
    // next `block_on` that needs the scheduler panics again.
    let ready = rt.block_on(async {
        (
            bystander.await.unwrap_err().is_cancelled(),
            failed.await.unwrap_err().is_panic(),
        )
    });
    assert_eq!(ready, (true, true));
    let late = rt.spawn(async { 1 });
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(std::future::pending::<()>())
    }));
    assert!(result.is_err());
    assert!(rt.block_on(late).unwrap_err().is_cancelled());
}

#[test]
fn a_panic_caught_by_its_join_handle_still_shuts_down() {
    // Like Tokio: awaiting the JoinHandle does not count as handling the panic.
    let rt = rt(UnhandledPanic::ShutdownRuntime);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let failed = eddy::spawn(async { panic!("boom") });
            let _ = failed.await;
            std::future::pending::<()>().await
        })
    }));
    assert!(result.is_err());
}

#[test]
fn shutdown_runtime_on_the_multi_thread_runtime() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .unhandled_panic(UnhandledPanic::ShutdownRuntime)
        .build()
        .unwrap();
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(dropped.clone());
    let bystander = rt.spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await
    });
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            eddy::spawn(async { panic!("boom") });
            std::future::pending::<()>().await
        })
    }));
    let message = message_of(result.expect_err("block_on must panic"));
    assert!(
        message.contains("configured to shut down on unhandled panic"),
        "{message}"
    );
    // Later block_on calls panic at once; new tasks are cancelled.
    let again = panic::catch_unwind(AssertUnwindSafe(|| rt.block_on(async { 1 })));
    assert!(again.is_err());
    let late = rt.spawn(async { 1 });
    drop(rt);
    assert!(dropped.load(Ordering::SeqCst), "bystander not cancelled");
    assert!(futures::executor::block_on(bystander)
        .unwrap_err()
        .is_cancelled());
    assert!(futures::executor::block_on(late)
        .unwrap_err()
        .is_cancelled());
}

#[test]
fn ignore_keeps_the_multi_thread_runtime_running() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let out = rt.block_on(async {
        let failed = eddy::spawn(async { panic!("boom") });
        assert!(failed.await.unwrap_err().is_panic());
        eddy::spawn(async { 3 }).await.unwrap()
    });
    assert_eq!(out, 3);
}
