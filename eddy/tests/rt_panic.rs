//! `#[track_caller]` checks: misuse panics must point at the caller's file (this one) and carry a keyword.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use eddy::runtime::{Builder, Handle};
use eddy::task;

thread_local! {
    /// While `Some`, panics on this thread are recorded here instead of being reported.
    /// Thread-local because tests run in parallel threads and the hook is global.
    static CAPTURED: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Runs `f`, which must panic, and returns `(message, file of the panic location)`.
fn panic_of<R>(f: impl FnOnce() -> R) -> (String, String) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let file = info.location().map(|l| l.file().to_string());
            let captured = CAPTURED.with(|slot| match slot.borrow_mut().as_mut() {
                Some(recorded) => {
                    *recorded = file;
                    true
                }
                None => false,
            });
            if !captured {
                default(info);
            }
        }));
    });
    CAPTURED.with(|slot| *slot.borrow_mut() = Some(None));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let file = CAPTURED.with(|slot| slot.borrow_mut().take()).flatten();
    let Err(payload) = result else {
        panic!("expected a panic");
    };
    let message = if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_string()
    } else {
        String::from("<non-string payload>")
    };
    (message, file.expect("the panic hook recorded a location"))
}

#[test]
fn handle_current_outside_runtime_points_at_caller() {
    let (_, file) = panic_of(|| Handle::current());
    assert_eq!(file, file!());
}

#[test]
fn handle_current_outside_runtime_message() {
    let (message, _) = panic_of(|| Handle::current());
    assert!(message.contains("eddy runtime"), "{message}");
}

#[test]
fn max_blocking_threads_zero() {
    let (message, file) = panic_of(|| {
        Builder::new_current_thread().max_blocking_threads(0);
    });
    assert!(
        message.contains("Max blocking threads cannot be set to 0"),
        "{message}"
    );
    assert_eq!(file, file!());
}

#[test]
fn worker_threads_zero() {
    let (message, file) = panic_of(|| {
        Builder::new_multi_thread().worker_threads(0);
    });
    assert!(
        message.contains("Worker threads cannot be set to 0"),
        "{message}"
    );
    assert_eq!(file, file!());
}

#[test]
fn global_queue_interval_zero() {
    let (message, file) = panic_of(|| {
        Builder::new_current_thread().global_queue_interval(0);
    });
    assert!(
        message.contains("global_queue_interval must be greater than 0"),
        "{message}"
    );
    assert_eq!(file, file!());
}

#[test]
fn event_interval_zero() {
    let (message, file) = panic_of(|| {
        Builder::new_current_thread().event_interval(0);
    });
    assert!(
        message.contains("event_interval must be greater than 0"),
        "{message}"
    );
    assert_eq!(file, file!());
}

#[test]
fn blank_runtime_name() {
    let (message, file) = panic_of(|| {
        Builder::new_current_thread().name("  ");
    });
    assert!(
        message.contains("runtime name shouldn't be empty"),
        "{message}"
    );
    assert_eq!(file, file!());
}

#[test]
fn into_panic_on_cancelled_join_error() {
    let rt = Builder::new_current_thread().build().unwrap();
    let err = rt.block_on(async {
        let handle = eddy::spawn(futures::future::pending::<()>());
        handle.abort();
        handle.await.unwrap_err()
    });
    assert!(err.is_cancelled());
    let (message, file) = panic_of(move || err.into_panic());
    assert!(
        message.contains("`JoinError` reason is not a panic."),
        "{message}"
    );
    assert_eq!(file, file!());
}

#[test]
fn task_id_outside_task() {
    let (message, file) = panic_of(|| task::id());
    assert!(
        message.contains("Can't get a task id when not inside a task"),
        "{message}"
    );
    assert_eq!(file, file!());
}

#[test]
fn task_id_inside_block_on() {
    let rt = Builder::new_current_thread().build().unwrap();
    let (message, file) = panic_of(move || rt.block_on(async { task::id() }));
    assert!(
        message.contains("Can't get a task id when not inside a task"),
        "{message}"
    );
    assert_eq!(file, file!());
}
