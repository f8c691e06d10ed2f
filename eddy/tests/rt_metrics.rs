//! `RuntimeMetrics`: the counts a runtime exposes, on both flavours.
//!
//! Worker counters are published when a worker parks, so the tests that read them first make
//! the worker park: a helper thread waits (spinning on `thread::yield_now`, never sleeping) until
//! the park is visible in the metrics, then releases the future the runtime blocks on.

use eddy::runtime::{Builder, Runtime, RuntimeMetrics};
use eddy::task;
use std::future::Future;
use std::panic;
use std::thread;
use std::time::{Duration, Instant};

fn current_thread() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn multi_thread(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .unwrap()
}

/// Spins until `condition` holds; fails the test after a minute instead of hanging.
fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !condition() {
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        thread::yield_now();
    }
}

/// Runs `work` on `rt`, then blocks until worker 0 has parked once more, so its counters are
/// published.
fn run_then_park<F: Future>(rt: &Runtime, work: F) -> F::Output {
    let metrics = rt.metrics();
    rt.block_on(async {
        let output = work.await;
        let parks = metrics.worker_park_count(0);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let watcher = {
            let metrics = metrics.clone();
            thread::spawn(move || {
                wait_until("the worker parks", || metrics.worker_park_count(0) > parks);
                tx.send(()).unwrap();
            })
        };
        rx.await.unwrap();
        watcher.join().unwrap();
        output
    })
}

#[test]
fn worker_counts() {
    assert_eq!(current_thread().metrics().num_workers(), 1);
    assert_eq!(multi_thread(3).metrics().num_workers(), 3);
}

#[test]
fn alive_and_spawned_tasks() {
    for rt in [current_thread(), multi_thread(2)] {
        let metrics = rt.metrics();
        let pending: Vec<_> = (0..5)
            .map(|_| rt.spawn(std::future::pending::<()>()))
            .collect();
        rt.block_on(async {
            for n in 0..3u32 {
                assert_eq!(eddy::spawn(async move { n }).await.unwrap(), n);
            }
        });
        assert_eq!(metrics.spawned_tasks_count(), 8);
        assert_eq!(metrics.num_alive_tasks(), 5);
        for task in &pending {
            task.abort();
        }
        rt.block_on(async {
            for task in pending {
                assert!(task.await.unwrap_err().is_cancelled());
            }
        });
        assert_eq!(metrics.num_alive_tasks(), 0);
    }
}

#[test]
fn global_queue_depth_and_remote_schedules_on_current_thread() {
    let rt = current_thread();
    let metrics = rt.metrics();
    // Nothing drives the runtime yet: tasks spawned from outside wait in the inject queue.
    let tasks: Vec<_> = (0..4).map(|_| rt.spawn(async {})).collect();
    assert_eq!(metrics.global_queue_depth(), 4);
    assert_eq!(metrics.remote_schedule_count(), 4);
    rt.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert_eq!(metrics.global_queue_depth(), 0);
}

#[test]
fn polls_parks_and_busy_time_on_current_thread() {
    let rt = current_thread();
    let metrics = rt.metrics();
    run_then_park(&rt, async {
        for _ in 0..10 {
            eddy::spawn(async {
                let sum: u64 = (0..100_000u64).map(std::hint::black_box).sum();
                std::hint::black_box(sum);
            })
            .await
            .unwrap();
        }
    });
    assert!(metrics.worker_poll_count(0) >= 10);
    assert!(metrics.worker_park_count(0) >= 1);
    assert!(metrics.worker_park_unpark_count(0) >= metrics.worker_park_count(0));
    assert!(metrics.worker_total_busy_duration(0) > Duration::ZERO);
    assert!(metrics.worker_mean_poll_time(0) > Duration::ZERO);
    assert_eq!(metrics.worker_thread_id(0), Some(thread::current().id()));
    assert_eq!(metrics.worker_local_queue_depth(0), 0);
}

#[test]
fn local_schedules_and_forced_yields_on_current_thread() {
    let rt = current_thread();
    let metrics = rt.metrics();
    run_then_park(&rt, async {
        eddy::spawn(async {
            // More units than one poll's budget: the task is made to yield at least once.
            for _ in 0..300 {
                task::consume_budget().await;
            }
        })
        .await
        .unwrap();
    });
    assert!(metrics.budget_forced_yield_count() >= 1);
    assert!(metrics.worker_local_schedule_count(0) >= 1);
}

#[test]
fn multi_thread_workers_report_their_threads_and_polls() {
    let rt = multi_thread(2);
    let metrics = rt.metrics();
    wait_until("both workers started", || {
        (0..2).all(|w| metrics.worker_thread_id(w).is_some())
    });
    assert_ne!(metrics.worker_thread_id(0), metrics.worker_thread_id(1));
    rt.block_on(async {
        let tasks: Vec<_> = (0..1_000).map(|_| eddy::spawn(async {})).collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    // Every task was polled by some worker, and the workers publish when they park.
    wait_until("the polls are published", || {
        (0..2).map(|w| metrics.worker_poll_count(w)).sum::<u64>() >= 1_000
    });
    assert!((0..2).map(|w| metrics.worker_park_count(w)).sum::<u64>() >= 1);
    assert_eq!(metrics.num_alive_tasks(), 0);
    assert_eq!(metrics.spawned_tasks_count(), 1_000);
    assert!(metrics.remote_schedule_count() >= 1);
}

#[test]
fn a_worker_index_out_of_range_panics() {
    let metrics: RuntimeMetrics = current_thread().metrics();
    let result = panic::catch_unwind(|| metrics.worker_park_count(1));
    let payload = result.unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("worker index 1 out of range"), "{message}");
}

#[test]
fn handle_and_runtime_give_the_same_view() {
    let rt = current_thread();
    drop(rt.spawn(async {}));
    assert_eq!(
        rt.handle().metrics().spawned_tasks_count(),
        rt.metrics().spawned_tasks_count()
    );
}
