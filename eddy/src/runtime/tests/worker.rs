//! Unit tests of the multi-thread workers' internals: the tuning of `global_queue_interval`, and
//! shutdown cases that need to see inside the scheduler or make a thread fail to start.

use crate::loom::{AtomicUsize, Ordering, StdArc as Arc};
use crate::runtime::scheduler::multi_thread::{failing_spawns, tuned_global_queue_interval};
use crate::runtime::Builder;
use std::sync::mpsc;
use std::time::Duration;

fn tuned(current: u32, mean_nanos: u64) -> u32 {
    tuned_global_queue_interval(current, Duration::from_nanos(mean_nanos))
}

#[test]
fn tuning_aims_at_the_target_latency_within_bounds() {
    // 200 µs of polls: 3.1 µs each fits 64 of them.
    assert_eq!(tuned(61, 3_100), 64);
    assert_eq!(tuned(61, 3_390), 58);
    assert_eq!(tuned(61, 1), 127, "capped at the maximum");
    assert_eq!(tuned(61, 1_000_000_000), 2, "floored at the minimum");
}

#[test]
fn tuning_ignores_changes_of_two_or_less() {
    // 200 µs / 3.174 µs = 63: two more than now, so no change; likewise 60 and 59.
    assert_eq!(tuned(61, 3_174), 61);
    assert_eq!(tuned(61, 3_333), 61);
    assert_eq!(tuned(61, 3_389), 61);
    // At a bound, the clamped value counts: 127 from 125 is a change of two.
    assert_eq!(tuned(125, 1), 125);
    assert_eq!(tuned(124, 1), 127);
}

#[test]
fn a_thread_that_block_in_place_starts_during_shutdown_is_joined() {
    let (mut builder, started, stopped) = counting_builder(2);
    let rt = builder.build().unwrap();
    let scheduler = rt.handle().inner.as_multi_thread().clone();
    let probe = scheduler.clone();
    let (running_tx, running_rx) = mpsc::channel();
    rt.spawn(async move {
        running_tx.send(()).unwrap();
        // Both workers are listed until shutdown takes the list to join them; only then does
        // this task start a thread (handing its worker's core over), which joins a new list.
        while scheduler.unjoined_threads() > 0 {
            std::thread::yield_now();
        }
        crate::task::block_in_place(|| ());
    });
    running_rx.recv().unwrap();
    drop(rt);
    assert_eq!(
        probe.unjoined_threads(),
        0,
        "a started thread was left unjoined"
    );
    // Two workers and the hand-off thread: all joined, so each ran its stop hook before the
    // drop returned.
    assert_eq!(started.load(Ordering::SeqCst), 3);
    assert_eq!(stopped.load(Ordering::SeqCst), 3);
}

/// A builder whose thread hooks count starts and stops.
fn counting_builder(workers: usize) -> (Builder, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let mut builder = Builder::new_multi_thread();
    builder
        .worker_threads(workers)
        .on_thread_start({
            let started = started.clone();
            move || {
                started.fetch_add(1, Ordering::SeqCst);
            }
        })
        .on_thread_stop({
            let stopped = stopped.clone();
            move || {
                stopped.fetch_add(1, Ordering::SeqCst);
            }
        });
    (builder, started, stopped)
}

#[test]
fn a_worker_that_fails_to_start_fails_the_build_and_stops_the_others() {
    for started_before_failure in 0..3 {
        let (mut builder, started, stopped) = counting_builder(3);
        failing_spawns::fail_after(started_before_failure);
        let err = builder
            .build()
            .expect_err("a worker thread failed to start");
        assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
        let message = err.to_string();
        assert!(
            message.contains("failed to start a worker thread") && message.contains("injected"),
            "the error names the cause: {message}"
        );
        // The workers that did start were stopped and joined before `build` returned.
        assert_eq!(started.load(Ordering::SeqCst), started_before_failure);
        assert_eq!(stopped.load(Ordering::SeqCst), started_before_failure);
    }
}

#[test]
fn block_in_place_runs_in_place_when_no_thread_can_start() {
    let (mut builder, started, stopped) = counting_builder(1);
    let rt = builder.build().unwrap();
    let ran_on = rt.block_on(rt.spawn(async {
        let worker = std::thread::current().id();
        failing_spawns::fail_after(0);
        let ran_on = crate::task::block_in_place(|| std::thread::current().id());
        // The worker kept its core: it still runs tasks.
        let after = crate::spawn(async { 7 }).await.unwrap();
        (worker, ran_on, after)
    }));
    let (worker, ran_on, after) = ran_on.unwrap();
    assert_eq!(ran_on, worker);
    assert_eq!(after, 7);
    drop(rt);
    assert_eq!(started.load(Ordering::SeqCst), 1);
    assert_eq!(stopped.load(Ordering::SeqCst), 1);
}
