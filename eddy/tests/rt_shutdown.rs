//! Runtime shutdown: `shutdown_timeout`, `shutdown_background`, drop waiting for blocking work, and use after shutdown.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use eddy::runtime::{Builder, Runtime};

/// Generous bound for waits that would otherwise hang on a broken runtime.
const TIMEOUT: Duration = Duration::from_secs(30);

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// Starts a blocking closure that waits on a channel; returns the release sender and a
/// receiver that reports the closure's end.
fn blocked(rt: &Runtime) -> (mpsc::Sender<()>, mpsc::Receiver<()>) {
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel();
    rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv();
        let _ = done_tx.send(());
    });
    started_rx
        .recv_timeout(TIMEOUT)
        .expect("blocking closure started");
    (release_tx, done_rx)
}

/// Runs `f` on a helper thread and fails if it does not return within `TIMEOUT`.
fn returns(f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        f();
        tx.send(()).unwrap();
    });
    rx.recv_timeout(TIMEOUT).expect("call returned");
}

#[test]
fn shutdown_timeout_returns_while_blocking_closure_is_blocked() {
    let rt = rt();
    let (release, done) = blocked(&rt);
    returns(move || rt.shutdown_timeout(Duration::from_millis(50)));
    release.send(()).unwrap();
    done.recv_timeout(TIMEOUT)
        .expect("closure finished once released");
}

#[test]
fn shutdown_background_returns_while_blocking_closure_is_blocked() {
    let rt = rt();
    let (release, done) = blocked(&rt);
    returns(move || rt.shutdown_background());
    release.send(()).unwrap();
    done.recv_timeout(TIMEOUT)
        .expect("closure finished once released");
}

#[test]
fn drop_waits_for_running_blocking_closure() {
    let rt = rt();
    let finished = Arc::new(AtomicBool::new(false));
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    // The only sender lives in a task, so the closure is released when drop cancels it.
    rt.spawn(async move {
        let _release = release_tx;
        futures::future::pending::<()>().await;
    });
    let f = finished.clone();
    rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        assert!(release_rx.recv().is_err());
        f.store(true, Ordering::SeqCst);
    });
    started_rx
        .recv_timeout(TIMEOUT)
        .expect("blocking closure started");
    drop(rt);
    assert!(finished.load(Ordering::SeqCst));
}

#[test]
fn spawn_after_shutdown_is_cancelled() {
    let rt = rt();
    let handle = rt.handle().clone();
    drop(rt);
    let err = futures::executor::block_on(handle.spawn(async { 1 })).unwrap_err();
    assert!(err.is_cancelled());
}

#[test]
fn spawn_blocking_after_shutdown_is_cancelled() {
    let rt = rt();
    let handle = rt.handle().clone();
    drop(rt);
    let err = futures::executor::block_on(handle.spawn_blocking(|| 1)).unwrap_err();
    assert!(err.is_cancelled());
}

#[test]
fn spawn_after_shutdown_timeout_is_cancelled() {
    let rt = rt();
    let handle = rt.handle().clone();
    rt.shutdown_timeout(Duration::from_secs(1));
    let err = futures::executor::block_on(handle.spawn(async { 1 })).unwrap_err();
    assert!(err.is_cancelled());
}

#[test]
fn wake_after_runtime_dropped_is_harmless() {
    let rt = rt();
    let waker: Waker = rt.block_on(async {
        let (waker_tx, mut waker_rx) = tokio::sync::mpsc::unbounded_channel();
        eddy::spawn(std::future::poll_fn(move |cx| {
            let _ = waker_tx.send(cx.waker().clone());
            Poll::<()>::Pending
        }));
        waker_rx.recv().await.expect("task was polled")
    });
    drop(rt);
    let clone = waker.clone();
    waker.wake_by_ref();
    waker.wake();
    clone.wake();
}

#[test]
fn queued_blocking_closure_is_cancelled_at_shutdown() {
    // One pool thread, blocked; a second closure waits in the queue behind it.
    let rt = Builder::new_current_thread()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let (release, done) = blocked(&rt);
    let ran = Arc::new(AtomicBool::new(false));
    let queued = {
        let ran = ran.clone();
        rt.spawn_blocking(move || ran.store(true, Ordering::SeqCst))
    };
    returns(move || rt.shutdown_timeout(Duration::from_millis(10)));
    // The running closure finishes on its own; the queued one never starts.
    release.send(()).unwrap();
    done.recv_timeout(TIMEOUT)
        .expect("running closure finished");
    let result = futures::executor::block_on(queued);
    assert!(result.unwrap_err().is_cancelled());
    assert!(
        !ran.load(Ordering::SeqCst),
        "a queued closure ran after shutdown"
    );
}
