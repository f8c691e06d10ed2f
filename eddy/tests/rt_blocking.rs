//! The blocking pool: `spawn_blocking` threads, runtime context inside them, and `max_blocking_threads`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

use eddy::runtime::{Builder, Handle, Runtime};
use eddy::task;

/// Generous bound for waits that would otherwise hang on a broken runtime.
const TIMEOUT: Duration = Duration::from_secs(10);

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

#[test]
fn spawn_blocking_runs_on_another_thread() {
    let rt = rt();
    let here = thread::current().id();
    let there = rt
        .block_on(rt.spawn_blocking(|| thread::current().id()))
        .unwrap();
    assert_ne!(here, there);
}

#[test]
fn handle_current_inside_spawn_blocking() {
    let rt = rt();
    let id = rt
        .block_on(rt.spawn_blocking(|| Handle::current().id()))
        .unwrap();
    assert_eq!(id, rt.handle().id());
}

#[test]
fn spawn_blocking_runs_without_block_on() {
    let rt = rt();
    let handle = rt.handle().spawn_blocking(|| "pool");
    // Blocking tasks run on the pool even when nobody drives the runtime.
    assert_eq!(futures::executor::block_on(handle).unwrap(), "pool");
}

#[test]
fn blocking_task_can_spawn_async_task() {
    let rt = rt();
    let out = rt.block_on(async {
        let inner = task::spawn_blocking(|| eddy::spawn(async { 9 }))
            .await
            .unwrap();
        inner.await.unwrap()
    });
    assert_eq!(out, 9);
}

#[test]
fn max_blocking_threads_caps_concurrency() {
    const CAP: usize = 2;
    const TASKS: usize = 6;
    let rt = Builder::new_current_thread()
        .max_blocking_threads(CAP)
        .build()
        .unwrap();
    let active = Arc::new(AtomicUsize::new(0));
    let max_active = Arc::new(AtomicUsize::new(0));
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Arc::new(Mutex::new(release_rx));
    let handles: Vec<_> = (0..TASKS)
        .map(|_| {
            let (active, max_active) = (active.clone(), max_active.clone());
            let (started_tx, release_rx) = (started_tx.clone(), release_rx.clone());
            rt.spawn_blocking(move || {
                let now = active.fetch_add(1, Ordering::SeqCst) + 1;
                max_active.fetch_max(now, Ordering::SeqCst);
                started_tx.send(()).unwrap();
                release_rx.lock().unwrap().recv().unwrap();
                active.fetch_sub(1, Ordering::SeqCst);
            })
        })
        .collect();
    for _ in 0..CAP {
        started_rx
            .recv_timeout(TIMEOUT)
            .expect("a blocking task started");
    }
    // Every pool thread is busy: no further task may start before one is released.
    assert_eq!(
        started_rx.recv_timeout(Duration::from_millis(200)),
        Err(mpsc::RecvTimeoutError::Timeout)
    );
    for _ in 0..TASKS {
        release_tx.send(()).unwrap();
    }
    for handle in handles {
        futures::executor::block_on(handle).unwrap();
    }
    assert_eq!(max_active.load(Ordering::SeqCst), CAP);
}

#[test]
fn single_blocking_thread_runs_tasks_in_turn() {
    let rt = Builder::new_current_thread()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let sum = rt.block_on(async {
        let handles: Vec<_> = (0..10).map(|i| task::spawn_blocking(move || i)).collect();
        let mut sum = 0;
        for handle in handles {
            sum += handle.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, 45);
}
