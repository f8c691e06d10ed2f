//! `JoinHandle`: `is_finished`, detaching on drop, output destructors, and awaiting from elsewhere.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use eddy::runtime::{Builder, Runtime};
use eddy::task;
use tokio::sync::oneshot;

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// A task output that panics when dropped, after reporting the drop.
struct PanicOnDrop(tokio::sync::mpsc::UnboundedSender<()>);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(());
        panic!("panic in output drop");
    }
}

#[test]
fn is_finished_tracks_completion() {
    let rt = rt();
    rt.block_on(async {
        let (tx, rx) = oneshot::channel::<()>();
        let handle = eddy::spawn(async move { rx.await.unwrap() });
        task::yield_now().await;
        assert!(!handle.is_finished());
        tx.send(()).unwrap();
        while !handle.is_finished() {
            task::yield_now().await;
        }
        handle.await.unwrap();
    });
}

#[test]
fn dropping_join_handle_detaches_task() {
    let rt = rt();
    let (go_tx, go_rx) = oneshot::channel::<()>();
    let (done_tx, done_rx) = oneshot::channel();
    let out = rt.block_on(async move {
        let handle = eddy::spawn(async move {
            go_rx.await.unwrap();
            done_tx.send("completed").unwrap();
        });
        drop(handle);
        go_tx.send(()).unwrap();
        done_rx.await.unwrap()
    });
    assert_eq!(out, "completed");
}

#[test]
fn panic_in_output_drop_with_dropped_handle_is_caught() {
    let rt = rt();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    rt.block_on(async move {
        let (go_tx, go_rx) = oneshot::channel::<()>();
        let handle = eddy::spawn(async move {
            go_rx.await.unwrap();
            PanicOnDrop(tx)
        });
        drop(handle);
        go_tx.send(()).unwrap();
        rx.recv().await.expect("output was dropped");
    });
    // The panic in the output's destructor did not reach the runtime.
    assert_eq!(rt.block_on(rt.spawn(async { 3 })).unwrap(), 3);
    assert_eq!(rt.block_on(async { 4 }), 4);
}

#[test]
fn output_dropped_with_handle_dropped_after_completion() {
    let rt = rt();
    let dropped = Arc::new(AtomicBool::new(false));
    struct Flag(Arc<AtomicBool>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let d = dropped.clone();
    rt.block_on(async move {
        let handle = eddy::spawn(async move { Flag(d) });
        while !handle.is_finished() {
            task::yield_now().await;
        }
        drop(handle);
    });
    assert!(dropped.load(Ordering::SeqCst));
}

#[test]
fn abort_handle_id_matches_join_handle() {
    let rt = rt();
    let handle = rt.spawn(async {});
    assert_eq!(handle.abort_handle().id(), handle.id());
    rt.block_on(handle).unwrap();
}

#[test]
fn join_handle_awaited_on_another_executor() {
    let rt = rt();
    let (go_tx, go_rx) = oneshot::channel::<u32>();
    let handle = rt.spawn(async move { go_rx.await.unwrap() * 2 });
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let driver = thread::spawn(move || rt.block_on(stop_rx).unwrap());
    go_tx.send(21).unwrap();
    assert_eq!(futures::executor::block_on(handle).unwrap(), 42);
    stop_tx.send(()).unwrap();
    driver.join().unwrap();
}
