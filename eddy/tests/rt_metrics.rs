//! `RuntimeMetrics`: the counts a runtime exposes, on both flavours.
//!
//! Worker counters are published when a worker parks, so the tests that read them first make
//! the worker park: a helper thread waits (spinning on `thread::yield_now`, never sleeping) until
//! the park is visible in the metrics, then releases the future the runtime blocks on. On the
//! multi-thread runtime, whose workers park by themselves once the work is done, the tests wait
//! for the published counts instead.
//!
//! Durations are only ever bounded from below: a poll that spins for 500 µs is measured at 500 µs
//! or more, so it lands in a bucket that reaches past 500 µs however loaded the machine is.

mod support;

use eddy::runtime::{
    Builder, HistogramConfiguration, HistogramScale, LogHistogram, Runtime, RuntimeFlavor,
    RuntimeMetrics,
};
use eddy::task;
use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};
use support::catch_panic;

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
fn handle_and_runtime_give_the_same_view() {
    let rt = current_thread();
    drop(rt.spawn(async {}));
    assert_eq!(
        rt.handle().metrics().spawned_tasks_count(),
        rt.metrics().spawned_tasks_count()
    );
}

/// Current-thread, then multi-thread runtimes of 1 and 2 workers, each set up by `configure`.
fn every_flavour(configure: impl Fn(&mut Builder)) -> Vec<Runtime> {
    let mut builders = vec![Builder::new_current_thread()];
    for workers in [1, 2] {
        let mut builder = Builder::new_multi_thread();
        builder.worker_threads(workers);
        builders.push(builder);
    }
    builders
        .iter_mut()
        .map(|builder| {
            configure(builder);
            builder.build().unwrap()
        })
        .collect()
}

/// Runs `work` on `rt`, then waits until every worker has published counts that include it:
/// `polls` task polls in all.
fn run_and_publish<F: Future>(rt: &Runtime, polls: u64, work: F) -> F::Output {
    let metrics = rt.metrics();
    let output = if rt.handle().runtime_flavor() == RuntimeFlavor::CurrentThread {
        run_then_park(rt, work)
    } else {
        rt.block_on(work)
    };
    wait_until("the workers publish their polls", || {
        (0..metrics.num_workers())
            .map(|w| metrics.worker_poll_count(w))
            .sum::<u64>()
            >= polls
    });
    output
}

/// Keeps the CPU busy for at least `duration`, inside one poll.
fn spin(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        std::hint::spin_loop();
    }
}

/// Polls counted in the buckets that satisfy `select`, over every worker.
fn polls_in_buckets(
    metrics: &RuntimeMetrics,
    select: impl Fn(&std::ops::Range<Duration>) -> bool,
) -> u64 {
    let mut polls = 0;
    for bucket in 0..metrics.poll_time_histogram_num_buckets() {
        if select(&metrics.poll_time_histogram_bucket_range(bucket)) {
            for worker in 0..metrics.num_workers() {
                polls += metrics.poll_time_histogram_bucket_count(worker, bucket);
            }
        }
    }
    polls
}

/// The message of the panic `f` raises, checking that it points at this file.
#[track_caller]
fn panic_message<R>(f: impl FnOnce() -> R) -> String {
    let (message, file) = catch_panic(f).expect("expected a panic");
    let file = file.unwrap_or_default();
    assert!(
        file.ends_with("rt_metrics.rs"),
        "panic located in {file}: {message}"
    );
    message
}

#[test]
fn a_worker_index_out_of_range_panics_at_the_caller() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_metrics_poll_time_histogram()
        .build()
        .unwrap();
    let metrics = rt.metrics();
    type WorkerMethod = fn(&RuntimeMetrics, usize);
    let methods: [(&str, WorkerMethod); 13] = [
        ("worker_park_count", |m, w| {
            let _ = m.worker_park_count(w);
        }),
        ("worker_park_unpark_count", |m, w| {
            let _ = m.worker_park_unpark_count(w);
        }),
        ("worker_noop_count", |m, w| {
            let _ = m.worker_noop_count(w);
        }),
        ("worker_steal_count", |m, w| {
            let _ = m.worker_steal_count(w);
        }),
        ("worker_steal_operations", |m, w| {
            let _ = m.worker_steal_operations(w);
        }),
        ("worker_poll_count", |m, w| {
            let _ = m.worker_poll_count(w);
        }),
        ("worker_local_schedule_count", |m, w| {
            let _ = m.worker_local_schedule_count(w);
        }),
        ("worker_overflow_count", |m, w| {
            let _ = m.worker_overflow_count(w);
        }),
        ("worker_total_busy_duration", |m, w| {
            let _ = m.worker_total_busy_duration(w);
        }),
        ("worker_mean_poll_time", |m, w| {
            let _ = m.worker_mean_poll_time(w);
        }),
        ("worker_local_queue_depth", |m, w| {
            let _ = m.worker_local_queue_depth(w);
        }),
        ("worker_thread_id", |m, w| {
            let _ = m.worker_thread_id(w);
        }),
        ("poll_time_histogram_bucket_count", |m, w| {
            let _ = m.poll_time_histogram_bucket_count(w, 0);
        }),
    ];
    for (name, method) in methods {
        // In range: no panic.
        method(&metrics, 1);
        let message = panic_message(|| method(&metrics, 2));
        assert!(
            message.contains("worker index 2 out of range")
                && message.contains("this runtime has 2 worker(s)"),
            "{name}: {message}"
        );
    }
    // The current-thread runtime has one worker.
    let message = panic_message(|| current_thread().metrics().worker_poll_count(1));
    assert!(message.contains("worker index 1 out of range"), "{message}");
}

#[test]
fn deprecated_names_read_the_same_counts() {
    let rt = current_thread();
    let metrics = rt.metrics();
    let pending: Vec<_> = (0..3)
        .map(|_| rt.spawn(std::future::pending::<()>()))
        .collect();
    #[allow(deprecated)]
    let (active, injected) = (
        metrics.active_tasks_count(),
        metrics.injection_queue_depth(),
    );
    assert_eq!(active, 3);
    assert_eq!(active, metrics.num_alive_tasks());
    assert_eq!(injected, 3);
    assert_eq!(injected, metrics.global_queue_depth());
    drop(pending);
}

#[test]
fn local_queue_depth_overflow_and_local_schedules_on_one_worker() {
    let rt = multi_thread(1);
    let metrics = rt.metrics();
    let (depth, tasks) = rt
        .block_on({
            let metrics = metrics.clone();
            rt.spawn(async move {
                // The only worker runs this task, so everything it spawns stays queued: the local
                // queue (256 slots) fills, and overflows into the inject queue at least once.
                let tasks: Vec<_> = (0..1_000).map(|_| eddy::spawn(async {})).collect();
                (metrics.worker_local_queue_depth(0), tasks)
            })
        })
        .unwrap();
    assert!(depth > 0, "a full local queue read as empty");
    rt.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
    wait_until("the overflow is published", || {
        metrics.worker_overflow_count(0) >= 1
    });
    wait_until("the local schedules are published", || {
        metrics.worker_local_schedule_count(0) >= 1_000
    });
    assert_eq!(metrics.worker_local_queue_depth(0), 0);
}

#[test]
fn an_idle_worker_steals_from_a_busy_one() {
    let rt = multi_thread(2);
    let metrics = rt.metrics();
    rt.block_on(rt.spawn(async {
        let spawner = eddy::runtime::worker_index().unwrap();
        let stolen = Arc::new(AtomicBool::new(false));
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let stolen = stolen.clone();
                eddy::spawn(async move {
                    if eddy::runtime::worker_index() != Some(spawner) {
                        stolen.store(true, Ordering::Release);
                    }
                })
            })
            .collect();
        // These tasks sit in this worker's own queue, and this worker is busy right here: a
        // task that runs elsewhere was stolen.
        wait_until("the other worker steals", || stolen.load(Ordering::Acquire));
        for task in tasks {
            task.await.unwrap();
        }
    }))
    .unwrap();
    wait_until("the steal is published", || {
        (0..2).map(|w| metrics.worker_steal_count(w)).sum::<u64>() >= 1
    });
    let operations: u64 = (0..2).map(|w| metrics.worker_steal_operations(w)).sum();
    let stolen: u64 = (0..2).map(|w| metrics.worker_steal_count(w)).sum();
    assert!(
        operations >= 1 && stolen >= operations,
        "{operations} steals took {stolen} tasks"
    );
}

#[test]
fn wake_ups_without_task_polls_count_as_noops() {
    let rt = current_thread();
    let metrics = rt.metrics();
    run_then_park(&rt, async {
        // Each message wakes the runtime to poll only the `block_on` future: no task runs.
        for _ in 0..3 {
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            let sender = thread::spawn(move || tx.send(()).unwrap());
            rx.await.unwrap();
            sender.join().unwrap();
        }
    });
    assert!(metrics.worker_noop_count(0) >= 1);
    assert_eq!(metrics.worker_poll_count(0), 0);
}

#[test]
fn blocking_pool_threads_idle_threads_and_queue() {
    for rt in [
        Builder::new_current_thread()
            .max_blocking_threads(2)
            .build()
            .unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(2)
            .build()
            .unwrap(),
    ] {
        let metrics = rt.metrics();
        // The workers are not blocking threads.
        assert_eq!(metrics.num_blocking_threads(), 0);
        assert_eq!(metrics.num_idle_blocking_threads(), 0);
        assert_eq!(metrics.blocking_queue_depth(), 0);
        // Three closures that block until released, on a pool of two threads: two run, one
        // waits for a thread.
        let (releases, tasks): (Vec<_>, Vec<_>) = (0..3)
            .map(|_| {
                let (release, wait) = mpsc::channel::<()>();
                (release, rt.spawn_blocking(move || wait.recv().unwrap()))
            })
            .unzip();
        wait_until("two closures run and one waits", || {
            metrics.num_blocking_threads() == 2 && metrics.blocking_queue_depth() == 1
        });
        assert_eq!(metrics.num_idle_blocking_threads(), 0);
        for release in releases {
            release.send(()).unwrap();
        }
        rt.block_on(async {
            for task in tasks {
                task.await.unwrap();
            }
        });
        // Both threads stay (keep-alive), waiting for work.
        wait_until("both threads are idle", || {
            metrics.num_idle_blocking_threads() == 2
        });
        assert_eq!(metrics.num_blocking_threads(), 2);
        assert_eq!(metrics.blocking_queue_depth(), 0);
    }
}

#[test]
fn io_driver_counts_registrations_and_ready_events() {
    for rt in every_flavour(|builder| {
        builder.enable_io();
    }) {
        let metrics = rt.metrics();
        assert_eq!(metrics.io_driver_fd_registered_count(), 0);
        assert_eq!(metrics.io_driver_fd_deregistered_count(), 0);
        assert_eq!(metrics.io_driver_ready_count(), 0);
        rt.block_on(async {
            for round in 1..=3 {
                let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
                ours.set_nonblocking(true).unwrap();
                let ours = eddy::net::UnixStream::from_std(ours).unwrap();
                assert_eq!(metrics.io_driver_fd_registered_count(), round);
                assert_eq!(metrics.io_driver_fd_deregistered_count(), round - 1);
                let before = metrics.io_driver_ready_count();
                let writer = thread::spawn(move || {
                    (&theirs).write_all(b"ping").unwrap();
                    theirs
                });
                // A fresh registration has no readiness yet: only an event from the driver
                // can make it readable.
                ours.readable().await.unwrap();
                assert!(metrics.io_driver_ready_count() > before);
                let mut buf = [0; 4];
                ours.try_read(&mut buf).unwrap();
                drop(writer.join().unwrap());
            }
        });
        assert_eq!(metrics.io_driver_fd_registered_count(), 3);
        assert_eq!(metrics.io_driver_fd_deregistered_count(), 3);

        // A descriptor the operating system refuses to watch (a regular file) is not counted.
        let file = std::fs::File::open(std::env::current_exe().unwrap()).unwrap();
        let _guard = rt.enter();
        assert!(eddy::io::unix::AsyncFd::new(file).is_err());
        assert_eq!(metrics.io_driver_fd_registered_count(), 3);
        assert_eq!(metrics.io_driver_fd_deregistered_count(), 3);
    }
}

#[test]
fn io_driver_counts_are_zero_without_io() {
    let rt = current_thread();
    let metrics = rt.metrics();
    assert_eq!(metrics.io_driver_fd_registered_count(), 0);
    assert_eq!(metrics.io_driver_fd_deregistered_count(), 0);
    assert_eq!(metrics.io_driver_ready_count(), 0);
}

#[test]
fn the_poll_time_histogram_is_off_by_default() {
    let metrics = current_thread().metrics();
    assert!(!metrics.poll_time_histogram_enabled());
    assert_eq!(metrics.poll_time_histogram_num_buckets(), 0);
    let message = panic_message(|| metrics.poll_time_histogram_bucket_range(0));
    assert!(
        message.contains("enable_metrics_poll_time_histogram"),
        "{message}"
    );
    let message = panic_message(|| metrics.poll_time_histogram_bucket_count(0, 0));
    assert!(
        message.contains("enable_metrics_poll_time_histogram"),
        "{message}"
    );
    // A configuration alone does not turn it on.
    let rt = Builder::new_current_thread()
        .metrics_poll_time_histogram_configuration(HistogramConfiguration::linear(
            Duration::from_millis(1),
            3,
        ))
        .build()
        .unwrap();
    assert!(!rt.metrics().poll_time_histogram_enabled());
}

#[test]
fn the_default_poll_time_histogram_has_ten_buckets_of_100_us() {
    let rt = Builder::new_current_thread()
        .enable_metrics_poll_time_histogram()
        .build()
        .unwrap();
    let metrics = rt.metrics();
    assert!(metrics.poll_time_histogram_enabled());
    assert_eq!(metrics.poll_time_histogram_num_buckets(), 10);
    let us = Duration::from_micros;
    assert_eq!(metrics.poll_time_histogram_bucket_range(0), us(0)..us(100));
    assert_eq!(
        metrics.poll_time_histogram_bucket_range(4),
        us(400)..us(500)
    );
    assert_eq!(
        metrics.poll_time_histogram_bucket_range(9),
        us(900)..Duration::from_nanos(u64::MAX)
    );
    let message = panic_message(|| metrics.poll_time_histogram_bucket_range(10));
    assert!(
        message.contains("histogram bucket 10 out of range"),
        "{message}"
    );
    let message = panic_message(|| metrics.poll_time_histogram_bucket_count(0, 10));
    assert!(
        message.contains("histogram bucket 10 out of range"),
        "{message}"
    );
}

/// 100 empty polls and 10 polls that spin for at least `SPIN`, on every flavour, counted in
/// `configuration`'s buckets.
fn polls_land_in_their_buckets(configuration: HistogramConfiguration) {
    const SPIN: Duration = Duration::from_micros(500);
    for rt in every_flavour(|builder| {
        builder
            .enable_metrics_poll_time_histogram()
            .metrics_poll_time_histogram_configuration(configuration.clone());
    }) {
        let metrics = rt.metrics();
        run_and_publish(&rt, 110, async {
            for _ in 0..100 {
                eddy::spawn(async {}).await.unwrap();
            }
            for _ in 0..10 {
                eddy::spawn(async { spin(SPIN) }).await.unwrap();
            }
        });
        // Each task completes in its one poll, and every poll is timed.
        wait_until("the histograms are published", || {
            polls_in_buckets(&metrics, |_| true) == 110
        });
        // A poll of at least SPIN lands in a bucket that reaches past SPIN.
        let long = polls_in_buckets(&metrics, |range| range.end > SPIN);
        assert!(long >= 10, "{long} polls in the buckets past {SPIN:?}");
        // An empty poll takes far less than SPIN: surely one of the 100 did.
        let short = polls_in_buckets(&metrics, |range| range.start < SPIN / 2);
        assert!(
            short >= 1,
            "no empty poll in the buckets under {:?}",
            SPIN / 2
        );
    }
}

#[test]
fn linear_buckets_sort_polls_by_duration() {
    // [0, 250 µs), [250 µs, 500 µs), [500 µs, ∞): the spinning polls can only be in the last.
    polls_land_in_their_buckets(HistogramConfiguration::linear(
        Duration::from_micros(250),
        3,
    ));
}

#[test]
fn log_buckets_sort_polls_by_duration() {
    polls_land_in_their_buckets(HistogramConfiguration::log(
        LogHistogram::builder()
            .min_value(Duration::from_micros(100))
            .max_value(Duration::from_millis(10))
            .max_error(0.25),
    ));
}

#[test]
fn log_bucket_ranges_tile_every_duration() {
    let rt = Builder::new_current_thread()
        .enable_metrics_poll_time_histogram()
        .metrics_poll_time_histogram_configuration(HistogramConfiguration::log(
            LogHistogram::default(),
        ))
        .build()
        .unwrap();
    let metrics = rt.metrics();
    let buckets = metrics.poll_time_histogram_num_buckets();
    assert_eq!(buckets, 119);
    let ranges: Vec<_> = (0..buckets)
        .map(|b| metrics.poll_time_histogram_bucket_range(b))
        .collect();
    assert_eq!(ranges[0].start, Duration::ZERO);
    assert_eq!(ranges[buckets - 1].end, Duration::from_nanos(u64::MAX));
    assert_eq!(
        ranges[buckets - 1].start,
        Duration::from_nanos(LogHistogram::default().max_value())
    );
    for pair in ranges.windows(2) {
        assert_eq!(pair[0].end, pair[1].start);
        // 25% error: each bucket past the first is at most a quarter of its start wide.
        assert!(
            pair[1].end == Duration::from_nanos(u64::MAX)
                || (pair[1].end - pair[1].start) * 4 <= pair[1].start
        );
    }
}

#[test]
fn log_histogram_builder_limits() {
    let mut builder = LogHistogram::builder().max_error(0.01);
    let error = builder.max_buckets(50).unwrap_err();
    let eddy::runtime::InvalidHistogramConfiguration::TooManyBuckets {
        required_bucket_count,
    } = error;
    assert!(required_bucket_count > 50);
    assert!(error
        .to_string()
        .contains(&required_bucket_count.to_string()));
    assert_eq!(
        builder.max_buckets(required_bucket_count).unwrap(),
        builder.build()
    );
    type Misuse = Box<dyn Fn()>;
    let cases: [(&str, Misuse); 7] = [
        (
            "max_error must be greater than 0",
            Box::new(|| {
                let _ = LogHistogram::builder().max_error(0.0);
            }),
        ),
        (
            "max_error must be less than 1",
            Box::new(|| {
                let _ = LogHistogram::builder().max_error(1.0);
            }),
        ),
        (
            "precision must be <= 10",
            Box::new(|| {
                let _ = LogHistogram::builder().precision_exact(11);
            }),
        ),
        (
            "max value must be greater than 0",
            Box::new(|| {
                let _ = LogHistogram::builder().max_value(Duration::ZERO);
            }),
        ),
        (
            "is above max_value",
            Box::new(|| {
                let _ = LogHistogram::builder()
                    .min_value(Duration::from_secs(61))
                    .build();
            }),
        ),
        (
            "bucket_width must be greater than 0",
            Box::new(|| {
                let _ = HistogramConfiguration::linear(Duration::ZERO, 3);
            }),
        ),
        (
            "num_buckets must be greater than 0",
            Box::new(|| {
                let _ = HistogramConfiguration::linear(Duration::from_millis(1), 0);
            }),
        ),
    ];
    for (expected, case) in cases {
        let (message, _) = catch_panic(case).expect("expected a panic");
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
#[allow(deprecated)]
fn the_legacy_poll_count_histogram_settings() {
    let rt = Builder::new_current_thread()
        .enable_metrics_poll_count_histogram()
        .metrics_poll_count_histogram_scale(HistogramScale::Log)
        .metrics_poll_count_histogram_resolution(Duration::from_micros(50))
        .metrics_poll_count_histogram_buckets(6)
        .build()
        .unwrap();
    let metrics = rt.metrics();
    assert!(metrics.poll_count_histogram_enabled());
    assert_eq!(metrics.poll_count_histogram_num_buckets(), 6);
    // The resolution rounds up to 2^16 ns; then each bucket doubles.
    let ns = Duration::from_nanos;
    assert_eq!(
        metrics.poll_count_histogram_bucket_range(0),
        ns(0)..ns(65_536)
    );
    assert_eq!(
        metrics.poll_count_histogram_bucket_range(1),
        ns(65_536)..ns(131_072)
    );
    assert_eq!(
        metrics.poll_count_histogram_bucket_range(4),
        ns(524_288)..ns(1_048_576)
    );
    assert_eq!(
        metrics.poll_count_histogram_bucket_range(5).start,
        ns(1_048_576)
    );
    run_then_park(&rt, async {
        eddy::spawn(async {}).await.unwrap();
    });
    let total: u64 = (0..6)
        .map(|b| metrics.poll_count_histogram_bucket_count(0, b))
        .sum();
    assert_eq!(total, metrics.worker_poll_count(0));
    let message = panic_message(|| {
        Builder::new_current_thread().metrics_poll_count_histogram_resolution(Duration::ZERO);
    });
    assert!(
        message.contains("resolution must be greater than 0"),
        "{message}"
    );
}
