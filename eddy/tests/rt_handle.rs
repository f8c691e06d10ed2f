//! `Handle::current`/`try_current`, `EnterGuard` nesting, and the runtime-in-runtime misuse panics.

mod support;

use support::message_of as panic_message;

use eddy::runtime::{Builder, Handle, Runtime};

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

#[test]
fn current_inside_block_on() {
    let rt = rt();
    let id = rt.block_on(async { Handle::current().id() });
    assert_eq!(id, rt.handle().id());
}

#[test]
fn current_inside_enter_guard() {
    let rt = rt();
    let _guard = rt.enter();
    assert_eq!(Handle::current().id(), rt.handle().id());
    let spawned = Handle::current().spawn(async { 3 });
    assert_eq!(rt.block_on(spawned).unwrap(), 3);
}

#[test]
#[should_panic(expected = "runtime")]
fn current_outside_runtime_panics() {
    let _ = Handle::current();
}

#[test]
fn try_current_outside_is_missing_context() {
    let err = Handle::try_current().unwrap_err();
    assert!(err.is_missing_context());
    assert!(!err.is_thread_local_destroyed());
    assert!(!err.to_string().is_empty());
}

#[test]
fn try_current_after_block_on_returns_is_missing_context() {
    let rt = rt();
    assert!(rt.block_on(async { Handle::try_current().is_ok() }));
    assert!(Handle::try_current().unwrap_err().is_missing_context());
}

#[test]
fn nested_enter_guards_dropped_in_order() {
    let rt1 = rt();
    let rt2 = rt();
    let g1 = rt1.enter();
    assert_eq!(Handle::current().id(), rt1.handle().id());
    {
        let _g2 = rt2.handle().enter();
        assert_eq!(Handle::current().id(), rt2.handle().id());
        let _g3 = rt1.enter();
        assert_eq!(Handle::current().id(), rt1.handle().id());
    }
    assert_eq!(Handle::current().id(), rt1.handle().id());
    drop(g1);
    assert!(Handle::try_current().unwrap_err().is_missing_context());
}

#[test]
#[should_panic(expected = "dropped out of order")]
fn enter_guards_dropped_out_of_order_panic() {
    let rt1 = rt();
    let rt2 = rt();
    let g1 = rt1.enter();
    let g2 = rt2.enter();
    drop(g1);
    drop(g2);
}

#[test]
#[should_panic(expected = "Cannot start a runtime from within a runtime")]
fn block_on_inside_block_on_panics() {
    let outer = rt();
    let inner = rt();
    outer.block_on(async { inner.block_on(async {}) });
}

#[test]
#[should_panic(expected = "Cannot start a runtime from within a runtime")]
fn same_runtime_block_on_inside_block_on_panics() {
    let rt = rt();
    rt.block_on(async { rt.block_on(async {}) });
}

#[test]
fn handle_block_on_inside_task_panics_into_join_error() {
    let rt = rt();
    let err = rt
        .block_on(rt.spawn(async {
            Handle::current().block_on(async {});
        }))
        .unwrap_err();
    assert!(err.is_panic());
    let msg = panic_message(err.into_panic());
    assert!(
        msg.contains("Cannot start a runtime from within a runtime"),
        "{msg}"
    );
    // The runtime survived the misuse.
    assert_eq!(rt.block_on(async { 1 }), 1);
}

#[test]
#[should_panic(expected = "Cannot drop a runtime")]
fn dropping_runtime_inside_block_on_panics() {
    let outer = rt();
    let inner = rt();
    outer.block_on(async move { drop(inner) });
}

#[test]
fn dropping_runtime_inside_task_panics_into_join_error() {
    let outer = rt();
    let inner = rt();
    let err = outer
        .block_on(outer.spawn(async move { drop(inner) }))
        .unwrap_err();
    let msg = panic_message(err.into_panic());
    assert!(msg.contains("Cannot drop a runtime"), "{msg}");
}

#[test]
fn shutdown_background_inside_async_context_is_allowed() {
    let outer = rt();
    let inner = rt();
    let handle = outer.block_on(async move {
        let handle = inner.handle().clone();
        inner.shutdown_background();
        handle
    });
    // The inner runtime is gone: spawning on it yields a cancelled task.
    let err = futures::executor::block_on(handle.spawn(async {})).unwrap_err();
    assert!(err.is_cancelled());
}
