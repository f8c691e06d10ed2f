//! Task cancellation through `JoinHandle::abort` and `AbortHandle`, including panicking destructors.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use eddy::runtime::{Builder, Runtime};
use eddy::task;
use tokio::sync::oneshot;

/// Generous bound for waits that would otherwise hang on a broken runtime.
const TIMEOUT: Duration = Duration::from_secs(10);

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// Panics when dropped, after reporting the drop on its channel.
struct PanicOnDrop(mpsc::Sender<()>);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(());
        panic!("panic in drop");
    }
}

#[test]
fn abort_before_first_poll_never_runs_the_task() {
    let rt = rt();
    let ran = Arc::new(AtomicBool::new(false));
    let r = ran.clone();
    let handle = rt.spawn(async move { r.store(true, Ordering::SeqCst) });
    handle.abort();
    assert!(rt.block_on(handle).unwrap_err().is_cancelled());
    assert!(!ran.load(Ordering::SeqCst));
}

#[test]
fn abort_running_task_cancels_at_next_yield() {
    let rt = rt();
    let reached_yield = Arc::new(AtomicBool::new(false));
    let after_yield = Arc::new(AtomicBool::new(false));
    let (r, a) = (reached_yield.clone(), after_yield.clone());
    let err = rt.block_on(async move {
        let (ah_tx, ah_rx) = oneshot::channel::<task::AbortHandle>();
        let handle = eddy::spawn(async move {
            let me = ah_rx.await.unwrap();
            me.abort();
            // Still running until the next yield point.
            r.store(true, Ordering::SeqCst);
            task::yield_now().await;
            a.store(true, Ordering::SeqCst);
        });
        ah_tx.send(handle.abort_handle()).unwrap();
        handle.await.unwrap_err()
    });
    assert!(err.is_cancelled());
    assert!(reached_yield.load(Ordering::SeqCst));
    assert!(!after_yield.load(Ordering::SeqCst));
}

#[test]
fn abort_finished_task_is_noop() {
    let rt = rt();
    let out = rt.block_on(async {
        let handle = eddy::spawn(async { 42 });
        while !handle.is_finished() {
            task::yield_now().await;
        }
        handle.abort();
        handle.abort_handle().abort();
        handle.await
    });
    assert_eq!(out.unwrap(), 42);
}

#[test]
fn abort_from_other_thread_wakes_join_handle() {
    let rt = rt();
    let err = rt.block_on(async {
        let mut handle = eddy::spawn(futures::future::pending::<()>());
        let abort = handle.abort_handle();
        let (polled_tx, polled_rx) = mpsc::channel();
        let aborter = thread::spawn(move || {
            polled_rx.recv_timeout(TIMEOUT).expect("join handle polled");
            abort.abort();
        });
        let mut signalled = false;
        // Only abort once the JoinHandle has registered its waker.
        let res = std::future::poll_fn(|cx| {
            let res = Pin::new(&mut handle).poll(cx);
            if res.is_pending() && !signalled {
                signalled = true;
                polled_tx.send(()).unwrap();
            }
            res
        })
        .await;
        aborter.join().unwrap();
        res.unwrap_err()
    });
    assert!(err.is_cancelled());
}

#[test]
fn abort_handle_clone_from_other_thread() {
    let rt = rt();
    let handle = rt.spawn(futures::future::pending::<()>());
    let abort = handle.abort_handle();
    assert_eq!(abort.id(), handle.id());
    let clone = abort.clone();
    let id = handle.id();
    thread::spawn(move || {
        assert_eq!(clone.id(), id);
        assert!(!clone.is_finished());
        clone.abort();
    })
    .join()
    .unwrap();
    let err = rt.block_on(handle).unwrap_err();
    assert!(err.is_cancelled());
    assert_eq!(err.id(), id);
    assert!(abort.is_finished());
}

#[test]
fn abort_handle_is_finished_after_completion() {
    let rt = rt();
    let handle = rt.spawn(async { 5 });
    let abort = handle.abort_handle();
    assert!(!abort.is_finished());
    assert_eq!(rt.block_on(handle).unwrap(), 5);
    assert!(abort.is_finished());
}

#[test]
fn panic_in_future_drop_during_cancel_is_caught() {
    let rt = rt();
    let (tx, rx) = mpsc::channel();
    let bomb = PanicOnDrop(tx);
    let err = rt.block_on(async move {
        let handle = eddy::spawn(async move {
            let _bomb = bomb;
            futures::future::pending::<()>().await;
        });
        task::yield_now().await;
        handle.abort();
        handle.await.unwrap_err()
    });
    assert!(rx.recv_timeout(TIMEOUT).is_ok(), "the future was dropped");
    assert!(err.is_panic());
    // The runtime is still healthy.
    assert_eq!(rt.block_on(rt.spawn(async { 1 })).unwrap(), 1);
}

#[test]
fn panic_in_future_drop_with_detached_handle_is_caught() {
    let rt = rt();
    let (tx, rx) = mpsc::channel();
    let (dropped_tx, dropped_rx) = oneshot::channel::<()>();
    let bomb = PanicOnDrop(tx);
    rt.block_on(async move {
        let handle = eddy::spawn(async move {
            let _signal = dropped_tx;
            let _bomb = bomb;
            futures::future::pending::<()>().await;
        });
        task::yield_now().await;
        handle.abort();
        drop(handle);
        // Resolves (with an error) once the runtime dropped the aborted future.
        let _ = dropped_rx.await;
    });
    assert!(rx.try_recv().is_ok(), "the future was dropped");
    assert_eq!(rt.block_on(rt.spawn(async { 2 })).unwrap(), 2);
}

#[test]
fn panic_in_future_drop_on_runtime_shutdown_is_caught() {
    let rt = rt();
    let (tx, rx) = mpsc::channel();
    let bomb = PanicOnDrop(tx);
    rt.spawn(async move {
        let _bomb = bomb;
        futures::future::pending::<()>().await;
    });
    drop(rt);
    assert!(rx.recv_timeout(TIMEOUT).is_ok(), "the future was dropped");
}
