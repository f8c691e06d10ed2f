//! Task-local storage: `task_local!`, `LocalKey` and `TaskLocalFuture`.

mod support;

use support::message_of as message;

use std::cell::RefCell;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use eddy::runtime::{Builder, Runtime};
use eddy::task::{self, AccessError, LocalKey};
use futures::channel::oneshot;

eddy::task_local! {
    static NUMBER: u32;
    /// A key with documentation and a visibility.
    pub static NAME: String;
}

eddy::task_local! {
    static LAST: u8
}

/// Generous bound for waits that would otherwise hang.
const TIMEOUT: Duration = Duration::from_secs(10);

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// Polls `future` once with a waker that does nothing.
fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(futures::task::noop_waker_ref()))
}

#[test]
fn scope_sets_the_value_for_the_future_only() {
    let rt = rt();
    let seen = rt.block_on(NUMBER.scope(5, async { NUMBER.get() }));
    assert_eq!(seen, 5);
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn sync_scope_returns_the_closure_result_and_unsets_after() {
    let len = NAME.sync_scope("eddy".to_string(), || NAME.with(|name| name.len()));
    assert_eq!(len, 4);
    assert!(NAME.try_with(|_| ()).is_err());
}

#[test]
fn with_and_try_with_read_the_value() {
    NUMBER.sync_scope(3, || {
        assert_eq!(NUMBER.with(|n| n * 2), 6);
        assert_eq!(NUMBER.try_with(|n| n + 1), Ok(4));
        // Nested reads share the borrow.
        assert_eq!(NUMBER.with(|a| NUMBER.with(|b| a + b)), 6);
    });
    assert!(NUMBER.try_with(|n| *n).is_err());
}

#[test]
fn get_and_try_get_clone_the_value() {
    NAME.sync_scope("abc".to_string(), || {
        let mut copy = NAME.get();
        copy.push('d');
        assert_eq!(NAME.try_get().unwrap(), "abc");
        assert_eq!(copy, "abcd");
    });
    assert!(NAME.try_get().is_err());
    assert_eq!(LAST.sync_scope(9, || LAST.get()), 9);
}

#[test]
fn access_error_traits_and_text() {
    let err = NUMBER.try_get().unwrap_err();
    let copy = err;
    assert_eq!(err, copy);
    assert_eq!(err.to_string(), "task-local value not set");
    assert_eq!(format!("{err:?}"), "AccessError");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert_eq!(boxed.to_string(), "task-local value not set");
}

#[test]
fn nested_sync_scopes_restore_the_outer_value() {
    NUMBER.sync_scope(1, || {
        NUMBER.sync_scope(2, || {
            assert_eq!(NUMBER.get(), 2);
            NUMBER.sync_scope(3, || assert_eq!(NUMBER.get(), 3));
            assert_eq!(NUMBER.get(), 2);
        });
        assert_eq!(NUMBER.get(), 1);
    });
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn nested_async_scopes_restore_the_outer_value() {
    let rt = rt();
    rt.block_on(NUMBER.scope(1, async {
        let inner = NUMBER
            .scope(2, async {
                task::yield_now().await;
                NUMBER.get()
            })
            .await;
        assert_eq!(inner, 2);
        assert_eq!(NUMBER.get(), 1);
        // A sync scope inside an async one.
        assert_eq!(NUMBER.sync_scope(7, || NUMBER.get()), 7);
        assert_eq!(NUMBER.get(), 1);
    }));
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn interleaved_tasks_each_see_their_own_value() {
    let rt = rt();
    let log = Arc::new(Mutex::new(Vec::new()));
    let task = |value: u32, log: Arc<Mutex<Vec<u32>>>| {
        NUMBER.scope(value, async move {
            for _ in 0..10 {
                assert_eq!(NUMBER.get(), value);
                log.lock().unwrap().push(value);
                task::yield_now().await;
                assert_eq!(NUMBER.get(), value);
            }
        })
    };
    rt.block_on(async {
        let a = eddy::spawn(task(1, log.clone()));
        let b = eddy::spawn(task(2, log.clone()));
        // The block_on future itself is outside both scopes, between their polls.
        while !(a.is_finished() && b.is_finished()) {
            assert!(NUMBER.try_get().is_err());
            task::yield_now().await;
        }
        a.await.unwrap();
        b.await.unwrap();
    });
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 20);
    let first_b = log.iter().position(|&v| v == 2).unwrap();
    let last_a = log.iter().rposition(|&v| v == 1).unwrap();
    assert!(
        first_b < last_a,
        "the two tasks did not take turns: {log:?}"
    );
}

#[test]
fn the_value_moves_with_the_future_to_another_thread() {
    let (tx, rx) = oneshot::channel::<()>();
    let mut future = Box::pin(NUMBER.scope(11, async move {
        rx.await.unwrap();
        NUMBER.get()
    }));
    assert!(poll_once(future.as_mut()).is_pending());
    tx.send(()).unwrap();
    let seen = thread::spawn(move || match poll_once(future.as_mut()) {
        Poll::Ready(seen) => seen,
        Poll::Pending => panic!("the channel was ready"),
    })
    .join()
    .unwrap();
    assert_eq!(seen, 11);
    assert!(NUMBER.try_get().is_err());
}

/// Records what the key holds when it is dropped.
struct ReadOnDrop(Arc<Mutex<Vec<Result<u32, AccessError>>>>);

impl Drop for ReadOnDrop {
    fn drop(&mut self) {
        self.0.lock().unwrap().push(NUMBER.try_get());
    }
}

#[test]
fn the_value_is_set_while_the_inner_future_is_dropped() {
    let seen = Arc::new(Mutex::new(Vec::new()));

    // Dropped without ever being polled.
    let guard = ReadOnDrop(seen.clone());
    drop(NUMBER.scope(1, async move {
        let _guard = guard;
    }));

    // Dropped while pending.
    let guard = ReadOnDrop(seen.clone());
    let mut pending = Box::pin(NUMBER.scope(2, async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    }));
    assert!(poll_once(pending.as_mut()).is_pending());
    drop(pending);

    // Dropped on completion, inside its last poll.
    let guard = ReadOnDrop(seen.clone());
    let mut done = Box::pin(NUMBER.scope(3, async move {
        let _guard = guard;
    }));
    assert!(poll_once(done.as_mut()).is_ready());
    assert_eq!(seen.lock().unwrap().len(), 3, "dropped when it completed");
    drop(done);

    // Inside an outer scope, the inner value hides the outer one during the drop.
    let guard = ReadOnDrop(seen.clone());
    NUMBER.sync_scope(9, || {
        drop(NUMBER.scope(4, async move {
            let _guard = guard;
        }));
        assert_eq!(NUMBER.get(), 9);
    });

    assert_eq!(*seen.lock().unwrap(), [Ok(1), Ok(2), Ok(3), Ok(4)]);
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn take_value_before_and_after_completion() {
    let rt = rt();
    rt.block_on(async {
        // Before: the inner future then runs with the key unset.
        let mut unset = Box::pin(NUMBER.scope(1, async { NUMBER.try_get().is_err() }));
        assert_eq!(unset.as_mut().take_value(), Some(1));
        assert_eq!(unset.as_mut().take_value(), None);
        assert!(unset.as_mut().await);

        // After: the value the scope ended with.
        let mut done = Box::pin(NAME.scope("kept".to_string(), async { NAME.get().len() }));
        assert_eq!(done.as_mut().await, 4);
        assert_eq!(done.as_mut().take_value().as_deref(), Some("kept"));
        assert_eq!(done.as_mut().take_value(), None);
    });
}

#[test]
fn taking_the_value_unsets_an_outer_scope_for_the_inner_future() {
    NUMBER.sync_scope(5, || {
        let mut inner = Box::pin(NUMBER.scope(6, async { NUMBER.try_get().ok() }));
        inner.as_mut().take_value();
        assert_eq!(poll_once(inner.as_mut()), Poll::Ready(None));
        assert_eq!(NUMBER.get(), 5);
    });
}

#[test]
#[should_panic(expected = "cannot access a task-local storage value without setting it first")]
fn with_outside_a_scope_panics() {
    NUMBER.with(|_| ());
}

#[test]
#[should_panic(expected = "cannot access a task-local storage value without setting it first")]
fn get_outside_a_scope_panics() {
    NAME.get();
}

#[test]
#[should_panic(expected = "`TaskLocalFuture` polled after completion")]
fn polling_after_completion_panics() {
    let mut future = Box::pin(NUMBER.scope(1, async {}));
    assert!(poll_once(future.as_mut()).is_ready());
    let _ = poll_once(future.as_mut());
}

#[test]
#[should_panic(
    expected = "cannot enter a task-local scope while the task-local storage is borrowed"
)]
fn sync_scope_inside_with_panics() {
    NUMBER.sync_scope(1, || NUMBER.with(|_| NUMBER.sync_scope(2, || ())));
}

#[test]
fn polling_a_scope_inside_with_panics_and_keeps_the_value() {
    let mut future = Box::pin(NUMBER.scope(2, async { NUMBER.get() }));
    let payload = NUMBER.sync_scope(1, || {
        NUMBER.with(|_| {
            panic::catch_unwind(AssertUnwindSafe(|| poll_once(future.as_mut()))).unwrap_err()
        })
    });
    assert!(message(payload)
        .contains("cannot enter a task-local scope while the task-local storage is borrowed"));
    // The scope was never entered: its value is still there for a later poll.
    assert_eq!(poll_once(future.as_mut()), Poll::Ready(2));
}

/// A thread-local whose destructor enters a scope of `NAME` and reports the panic.
struct EnterScopeOnDrop(mpsc::Sender<String>);

impl Drop for EnterScopeOnDrop {
    fn drop(&mut self) {
        let caught = panic::catch_unwind(|| NAME.sync_scope("late".to_string(), || ()));
        let report = match caught {
            Ok(()) => "no panic".to_string(),
            Err(payload) => message(payload),
        };
        let _ = self.0.send(report);
    }
}

thread_local! {
    static REPORTER: RefCell<Option<EnterScopeOnDrop>> = const { RefCell::new(None) };
}

#[test]
fn entering_a_scope_after_the_thread_local_is_destroyed_panics() {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        // Thread-locals are destroyed in the reverse order of their first use: touching the
        // reporter first and `NAME` second makes `NAME`'s storage go first.
        REPORTER.with(|reporter| *reporter.borrow_mut() = Some(EnterScopeOnDrop(tx)));
        NAME.sync_scope("early".to_string(), || assert_eq!(NAME.get(), "early"));
    })
    .join()
    .unwrap();
    let report = rx.recv_timeout(TIMEOUT).expect("the destructor ran");
    assert!(
        report.contains(
            "cannot enter a task-local scope during or after destruction of the underlying thread-local"
        ),
        "{report}"
    );
}

#[test]
fn a_panic_inside_a_sync_scope_restores_the_previous_value() {
    NUMBER.sync_scope(1, || {
        let caught = panic::catch_unwind(|| NUMBER.sync_scope(2, || panic!("inner")));
        assert_eq!(message(caught.unwrap_err()), "inner");
        assert_eq!(NUMBER.get(), 1);
    });
    let caught = panic::catch_unwind(|| NUMBER.sync_scope(3, || panic!("alone")));
    assert!(caught.is_err());
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn a_panic_inside_a_scoped_poll_restores_the_previous_value() {
    let mut future = Box::pin(NUMBER.scope(2, async { panic!("poll") }));
    NUMBER.sync_scope(1, || {
        let caught = panic::catch_unwind(AssertUnwindSafe(|| poll_once(future.as_mut())));
        assert_eq!(message(caught.unwrap_err()), "poll");
        assert_eq!(NUMBER.get(), 1);
    });
    // The scope's own value went back into the future.
    assert_eq!(future.as_mut().take_value(), Some(2));
}

#[test]
fn a_panicking_task_in_a_scope_leaves_the_runtime_thread_clean() {
    let rt = rt();
    rt.block_on(async {
        let err = eddy::spawn(NUMBER.scope(4, async { panic!("task") }))
            .await
            .unwrap_err();
        assert!(err.is_panic());
        assert!(NUMBER.try_get().is_err());
    });
}

#[test]
fn debug_output() {
    assert_eq!(format!("{NUMBER:?}"), "LocalKey { .. }");
    let mut future = Box::pin(NUMBER.scope(3, async {}));
    assert_eq!(
        format!("{future:?}"),
        "TaskLocalFuture { value: Some(3), completed: false }"
    );
    assert!(poll_once(future.as_mut()).is_ready());
    future.as_mut().take_value();
    assert_eq!(
        format!("{future:?}"),
        "TaskLocalFuture { value: None, completed: true }"
    );
}

#[test]
fn auto_traits() {
    fn send<T: Send>(_: &T) {}
    fn sync<T: Sync>(_: &T) {}
    fn unpin<T: Unpin>(_: &T) {}
    let key: &'static LocalKey<u32> = &NUMBER;
    sync(key);
    send(&NUMBER.try_get().unwrap_err());
    let future = NUMBER.scope(1, std::future::ready(()));
    send(&future);
    unpin(&future);
    let _: &task::futures::TaskLocalFuture<u32, std::future::Ready<()>> = &future;
}
