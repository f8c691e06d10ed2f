//! Current-thread runtime specifics: driving by `block_on`, shared `block_on`, flavour, name, ids and builder hooks.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

use eddy::runtime::{Builder, Handle, Runtime, RuntimeFlavor};
use eddy::task;
use tokio::sync::oneshot;

/// Generous bound for waits that would otherwise hang on a broken runtime.
const TIMEOUT: Duration = Duration::from_secs(10);

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

#[test]
fn spawned_tasks_do_not_progress_without_block_on() {
    let rt = rt();
    let (tx, rx) = mpsc::channel();
    let handle = rt.spawn(async move { tx.send(()).unwrap() });
    // Nobody drives the runtime: the task must not run on its own.
    assert_eq!(
        rx.recv_timeout(Duration::from_millis(200)),
        Err(mpsc::RecvTimeoutError::Timeout)
    );
    rt.block_on(handle).unwrap();
    assert_eq!(rx.try_recv(), Ok(()));
}

#[test]
fn many_threads_block_on_the_same_runtime() {
    const THREADS: usize = 4;
    let rt = Arc::new(rt());
    let barrier = Arc::new(tokio::sync::Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let rt = rt.clone();
            let barrier = barrier.clone();
            thread::spawn(move || {
                rt.block_on(async move {
                    // All threads are inside block_on at once before any finishes.
                    barrier.wait().await;
                    let mut sum = 0;
                    for j in 0..10 {
                        sum += eddy::spawn(async move { i * 100 + j }).await.unwrap();
                        task::yield_now().await;
                    }
                    sum
                })
            })
        })
        .collect();
    let mut sums: Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    sums.sort_unstable();
    assert_eq!(sums, vec![45, 1045, 2045, 3045]);
}

#[test]
fn handle_block_on_from_plain_thread_without_driver() {
    let rt = rt();
    let handle = rt.handle().clone();
    let out = thread::spawn(move || handle.block_on(async { Handle::current().id() }))
        .join()
        .unwrap();
    assert_eq!(out, rt.handle().id());
}

#[test]
fn handle_block_on_from_plain_thread_awaits_spawned_task() {
    let rt = rt();
    let handle = rt.handle().clone();
    let (done_tx, done_rx) = oneshot::channel();
    let th = thread::spawn(move || {
        let v = handle.block_on(async { eddy::spawn(async { 7 }).await.unwrap() });
        done_tx.send(v).unwrap();
    });
    // The main thread drives the runtime so the spawned task can run.
    assert_eq!(rt.block_on(done_rx).unwrap(), 7);
    th.join().unwrap();
}

#[test]
fn runtime_flavor_is_current_thread() {
    let rt = rt();
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    let inside = rt.block_on(async { Handle::current().runtime_flavor() });
    assert_eq!(inside, RuntimeFlavor::CurrentThread);
}

#[test]
fn handle_name() {
    let named = Builder::new_current_thread()
        .name("my-runtime")
        .build()
        .unwrap();
    assert_eq!(named.handle().name(), Some("my-runtime"));
    let inside = named.block_on(async { Handle::current().name().map(String::from) });
    assert_eq!(inside.as_deref(), Some("my-runtime"));
    assert_eq!(rt().handle().name(), None);
}

#[test]
fn runtime_ids() {
    let rt1 = rt();
    let rt2 = rt();
    assert_ne!(rt1.handle().id(), rt2.handle().id());
    assert_eq!(rt1.handle().clone().id(), rt1.handle().id());
    let inside = rt1.block_on(async { Handle::current().id() });
    assert_eq!(inside, rt1.handle().id());
    assert_eq!(rt1.handle().id().to_string(), format!("{}", inside));
}

#[test]
fn thread_start_and_stop_hooks_run_on_blocking_threads() {
    let started = Arc::new(Mutex::new(HashSet::new()));
    let stopped = Arc::new(Mutex::new(HashSet::new()));
    let (s, t) = (started.clone(), stopped.clone());
    let rt = Builder::new_current_thread()
        .on_thread_start(move || {
            s.lock().unwrap().insert(thread::current().id());
        })
        .on_thread_stop(move || {
            t.lock().unwrap().insert(thread::current().id());
        })
        .build()
        .unwrap();
    let blocking_thread = rt
        .block_on(rt.spawn_blocking(|| thread::current().id()))
        .unwrap();
    assert_ne!(blocking_thread, thread::current().id());
    assert!(started.lock().unwrap().contains(&blocking_thread));
    // Dropping the runtime joins its blocking threads, which run the stop hook.
    drop(rt);
    assert!(stopped.lock().unwrap().contains(&blocking_thread));
    assert!(!started.lock().unwrap().contains(&thread::current().id()));
}

#[test]
fn thread_name_names_blocking_threads() {
    let rt = Builder::new_current_thread()
        .thread_name("eddy-test-pool")
        .build()
        .unwrap();
    let name = rt
        .block_on(rt.spawn_blocking(|| thread::current().name().map(String::from)))
        .unwrap();
    assert_eq!(name.as_deref(), Some("eddy-test-pool"));
}

#[test]
fn thread_name_fn_names_blocking_threads() {
    let next = Arc::new(AtomicUsize::new(0));
    let counter = next.clone();
    let rt = Builder::new_current_thread()
        .thread_name_fn(move || format!("eddy-fn-{}", counter.fetch_add(1, Ordering::SeqCst)))
        .build()
        .unwrap();
    let name = rt
        .block_on(rt.spawn_blocking(|| thread::current().name().map(String::from)))
        .unwrap()
        .expect("blocking thread is named");
    assert!(name.starts_with("eddy-fn-"), "unexpected name {name:?}");
    assert!(next.load(Ordering::SeqCst) >= 1);
}

#[test]
fn park_and_unpark_hooks_are_called() {
    let parks = Arc::new(AtomicUsize::new(0));
    let unparks = Arc::new(AtomicUsize::new(0));
    let (parked_tx, parked_rx) = mpsc::channel();
    let (p, u) = (parks.clone(), unparks.clone());
    let rt = Builder::new_current_thread()
        .on_thread_park(move || {
            p.fetch_add(1, Ordering::SeqCst);
            let _ = parked_tx.send(());
        })
        .on_thread_unpark(move || {
            u.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let (tx, rx) = oneshot::channel();
    // Complete the future only once the runtime has announced it is parking.
    let waker = thread::spawn(move || {
        parked_rx.recv_timeout(TIMEOUT).expect("runtime parked");
        tx.send(5).unwrap();
    });
    assert_eq!(rt.block_on(rx).unwrap(), 5);
    waker.join().unwrap();
    assert!(parks.load(Ordering::SeqCst) >= 1);
    assert!(unparks.load(Ordering::SeqCst) >= 1);
}
