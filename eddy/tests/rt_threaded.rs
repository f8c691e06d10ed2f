//! The multi-thread runtime: stress with exact counts, work spread over the workers, and its
//! own shutdown cases. Flavour-independent behaviour is in `rt_common.rs`.

use eddy::runtime::{Builder, Handle, Runtime, RuntimeFlavor};
use eddy::task::{self, JoinSet, LocalSet};
use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;
use tokio::sync::oneshot;

fn rt(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .unwrap()
}

/// Counts how many times each task body ran.
fn counters(n: usize) -> Arc<Vec<AtomicUsize>> {
    Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect())
}

fn assert_each_ran_once(counters: &[AtomicUsize]) {
    for (i, count) in counters.iter().enumerate() {
        assert_eq!(
            count.load(Ordering::SeqCst),
            1,
            "task {i} ran a wrong number of times"
        );
    }
}

#[test]
fn a_million_tasks_each_run_exactly_once() {
    const TASKS: usize = 1_000_000;
    let rt = rt(4);
    let ran = counters(TASKS);
    rt.block_on({
        let ran = ran.clone();
        async move {
            // Spawned from a task, so the spawns go to the workers' own queues (and overflow).
            eddy::spawn(async move {
                let mut set = JoinSet::new();
                for i in 0..TASKS {
                    let ran = ran.clone();
                    set.spawn(async move {
                        ran[i].fetch_add(1, Ordering::SeqCst);
                    });
                }
                while let Some(done) = set.join_next().await {
                    done.unwrap();
                }
            })
            .await
            .unwrap();
        }
    });
    assert_each_ran_once(&ran);
}

#[test]
fn ten_thousand_tasks_times_a_hundred_yields() {
    let rt = rt(4);
    let steps = Arc::new(AtomicUsize::new(0));
    rt.block_on({
        let steps = steps.clone();
        async move {
            let tasks: Vec<_> = (0..10_000)
                .map(|_| {
                    let steps = steps.clone();
                    eddy::spawn(async move {
                        for _ in 0..100 {
                            steps.fetch_add(1, Ordering::Relaxed);
                            task::yield_now().await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        }
    });
    assert_eq!(steps.load(Ordering::SeqCst), 1_000_000);
}

#[test]
fn ping_pong_across_workers() {
    let rt = rt(4);
    let rounds = rt.block_on(async {
        let (mut to_b, mut from_a) = futures::channel::mpsc::channel::<u32>(1);
        let (mut to_a, mut from_b) = futures::channel::mpsc::channel::<u32>(1);
        use futures::{SinkExt, StreamExt};
        let b = eddy::spawn(async move {
            while let Some(n) = from_a.next().await {
                if to_a.send(n + 1).await.is_err() {
                    break;
                }
            }
        });
        let a = eddy::spawn(async move {
            let mut n = 0;
            for _ in 0..10_000 {
                to_b.send(n).await.unwrap();
                n = from_b.next().await.unwrap();
            }
            n
        });
        let n = a.await.unwrap();
        b.await.unwrap();
        n
    });
    assert_eq!(rounds, 10_000);
}

#[test]
fn spawns_from_eight_foreign_threads_at_once() {
    const PER_THREAD: usize = 5_000;
    let rt = rt(4);
    let ran = counters(8 * PER_THREAD);
    let barrier = Arc::new(Barrier::new(8));
    let spawners: Vec<_> = (0..8)
        .map(|t| {
            let handle = rt.handle().clone();
            let ran = ran.clone();
            let barrier = barrier.clone();
            thread::spawn(move || {
                barrier.wait();
                (0..PER_THREAD)
                    .map(|i| {
                        let ran = ran.clone();
                        handle.spawn(async move {
                            ran[t * PER_THREAD + i].fetch_add(1, Ordering::SeqCst);
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let handles: Vec<_> = spawners
        .into_iter()
        .flat_map(|s| s.join().unwrap())
        .collect();
    rt.block_on(async {
        for handle in handles {
            handle.await.unwrap();
        }
    });
    assert_each_ran_once(&ran);
}

#[test]
fn work_spreads_over_the_workers() {
    let rt = rt(2);
    let threads = rt.block_on(async {
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let release_rx = Arc::new(Mutex::new(release_rx));
        // One task occupies a worker until the other worker has run a task: only stealing or
        // the inject queue can get the second task running meanwhile.
        let blocker = {
            let release_rx = release_rx.clone();
            eddy::spawn(async move {
                release_rx.lock().unwrap().recv().unwrap();
                thread::current().id()
            })
        };
        let other = eddy::spawn(async move {
            release_tx.send(()).unwrap();
            thread::current().id()
        });
        let (a, b) = (blocker.await.unwrap(), other.await.unwrap());
        HashSet::from([a, b])
    });
    assert_eq!(threads.len(), 2, "both workers ran a task");
}

#[test]
fn tasks_see_their_runtime() {
    let rt = rt(2);
    let (flavor, same) = rt.block_on(async {
        let id = Handle::current().id();
        eddy::spawn(async move {
            let handle = Handle::current();
            (handle.runtime_flavor(), handle.id() == id)
        })
        .await
        .unwrap()
    });
    assert_eq!(flavor, RuntimeFlavor::MultiThread);
    assert!(same);
}

#[test]
fn worker_threads_are_named_and_hooked() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let rt = Builder::new_multi_thread()
        .worker_threads(3)
        .thread_name("mt-worker")
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
        })
        .build()
        .unwrap();
    let name = rt
        .block_on(rt.spawn(async { thread::current().name().map(str::to_owned) }))
        .unwrap();
    assert_eq!(name.as_deref(), Some("mt-worker"));
    drop(rt);
    // Dropping the runtime joins its workers, so their stop hooks have run.
    assert_eq!(started.load(Ordering::SeqCst), 3);
    assert_eq!(stopped.load(Ordering::SeqCst), 3);
}

/// Sends on its channel when dropped, reporting the thread it was dropped on.
struct DropProbe(mpsc::Sender<thread::ThreadId>);

impl Drop for DropProbe {
    fn drop(&mut self) {
        let _ = self.0.send(thread::current().id());
    }
}

#[test]
fn dropping_the_runtime_drops_pending_tasks_on_the_workers() {
    let rt = rt(2);
    let (tx, rx) = mpsc::channel();
    for _ in 0..10 {
        let probe = DropProbe(tx.clone());
        rt.spawn(async move {
            let _probe = probe;
            std::future::pending::<()>().await
        });
    }
    drop(tx);
    drop(rt);
    let dropped: Vec<_> = rx.iter().collect();
    assert_eq!(dropped.len(), 10);
    assert!(dropped.iter().all(|id| *id != thread::current().id()));
}

#[test]
fn tasks_that_wake_each_other_during_shutdown() {
    let rt = rt(4);
    // Each task holds a sender to the next and wakes it from its destructor.
    let mut senders = Vec::new();
    let mut receivers = Vec::new();
    for _ in 0..100 {
        let (tx, rx) = oneshot::channel::<()>();
        senders.push(tx);
        receivers.push(rx);
    }
    senders.rotate_left(1);
    for (rx, tx) in receivers.into_iter().zip(senders) {
        rt.spawn(async move {
            let _wake_next_on_drop = tx;
            let _ = rx.await;
            std::future::pending::<()>().await
        });
    }
    drop(rt);
}

#[test]
fn dropping_the_runtime_inside_a_task_panics_but_shutdown_background_does_not() {
    let outer = rt(2);
    let inner = rt(2);
    let result =
        outer.block_on(outer.spawn(async move {
            panic::catch_unwind(AssertUnwindSafe(move || drop(inner))).is_err()
        }));
    assert!(
        result.unwrap(),
        "dropping a runtime in async context must panic"
    );

    let inner = rt(2);
    outer
        .block_on(outer.spawn(async move { inner.shutdown_background() }))
        .unwrap();
}

#[test]
fn shutdown_timeout_returns_while_a_task_blocks_in_its_destructor() {
    struct SlowDrop(mpsc::Receiver<()>);
    impl Drop for SlowDrop {
        fn drop(&mut self) {
            // Blocks until the test lets go (or the sender is dropped).
            let _ = self.0.recv();
        }
    }
    let rt = rt(2);
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let slow = SlowDrop(release_rx);
    rt.spawn(async move {
        let _slow = slow;
        std::future::pending::<()>().await
    });
    rt.shutdown_timeout(Duration::from_millis(50));
    // The worker is still stuck in the destructor; let it finish.
    drop(release_tx);
}

#[test]
fn a_local_set_runs_inside_the_multi_thread_runtime() {
    let rt = rt(2);
    let local = LocalSet::new();
    let out = local.block_on(&rt, async {
        let shared = Rc::new(5);
        let local_task = task::spawn_local({
            let shared = shared.clone();
            async move { *shared + 1 }
        });
        let send_task = eddy::spawn(async { 10 });
        local_task.await.unwrap() + send_task.await.unwrap()
    });
    assert_eq!(out, 16);
}

#[test]
fn spawn_local_on_the_multi_thread_runtime_panics() {
    let rt = rt(1);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async { drop(task::spawn_local(async {})) })
    }));
    assert!(result.is_err());
}

#[test]
fn disable_lifo_slot_still_runs_everything() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .disable_lifo_slot()
        .build()
        .unwrap();
    let total = rt.block_on(async {
        let mut set = JoinSet::new();
        for n in 0..1_000u64 {
            set.spawn(async move {
                task::yield_now().await;
                n
            });
        }
        let mut total = 0;
        while let Some(done) = set.join_next().await {
            total += done.unwrap();
        }
        total
    });
    assert_eq!(total, (0..1_000u64).sum::<u64>());
}

#[test]
fn many_runtimes_start_and_stop() {
    for workers in [1, 2, 4] {
        for _ in 0..20 {
            let rt = rt(workers);
            let out = rt.block_on(rt.spawn(async { 1 })).unwrap();
            assert_eq!(out, 1);
        }
    }
}

#[test]
fn block_in_place_outside_a_runtime_just_runs() {
    assert_eq!(task::block_in_place(|| 7), 7);
}

#[test]
fn block_in_place_on_current_thread_panics_with_the_reason() {
    let rt = Builder::new_current_thread().build().unwrap();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async { task::block_in_place(|| ()) })
    }));
    let payload = result.unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("can call blocking only when running on the multi-threaded runtime"),
        "{message}"
    );
}

#[test]
fn block_in_place_inside_a_local_set_panics() {
    let rt = rt(2);
    let local = LocalSet::new();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        local.block_on(&rt, async { task::block_in_place(|| ()) })
    }));
    assert!(result.is_err());
}

#[test]
fn block_in_place_lets_the_other_tasks_of_its_worker_run() {
    // One worker: the blocked task's peer can only run if the worker's core moved to a new
    // thread while the closure blocks.
    let rt = rt(1);
    let got = rt.block_on(async {
        let (tx, rx) = mpsc::channel::<u32>();
        let blocked = eddy::spawn(async move { task::block_in_place(move || rx.recv().unwrap()) });
        let peer = eddy::spawn(async move { tx.send(42).unwrap() });
        peer.await.unwrap();
        blocked.await.unwrap()
    });
    assert_eq!(got, 42);
}

#[test]
fn block_in_place_allows_handle_block_on_and_nesting() {
    let rt = rt(2);
    let out = rt.block_on(rt.spawn(async {
        task::block_in_place(|| {
            let inner = task::block_in_place(|| 1);
            let handle = Handle::current();
            let spawned = handle.block_on(async { eddy::spawn(async { 2 }).await.unwrap() });
            inner + spawned
        })
    }));
    assert_eq!(out.unwrap(), 3);
}

#[test]
fn block_in_place_on_the_block_on_thread_runs_in_place() {
    let rt = rt(1);
    let here = thread::current().id();
    let ran_on = rt.block_on(async { task::block_in_place(|| thread::current().id()) });
    assert_eq!(ran_on, here);
}

#[test]
fn many_tasks_block_in_place_and_the_runtime_still_shuts_down() {
    let rt = rt(2);
    let done = Arc::new(AtomicUsize::new(0));
    rt.block_on({
        let done = done.clone();
        async move {
            let mut set = JoinSet::new();
            for _ in 0..200 {
                let done = done.clone();
                set.spawn(async move {
                    task::block_in_place(|| {
                        done.fetch_add(1, Ordering::SeqCst);
                    });
                    task::yield_now().await;
                });
            }
            while let Some(result) = set.join_next().await {
                result.unwrap();
            }
        }
    });
    assert_eq!(done.load(Ordering::SeqCst), 200);
    drop(rt);
}

#[test]
fn worker_index_names_the_worker_a_task_runs_on() {
    use eddy::runtime::worker_index;
    assert_eq!(worker_index(), None);
    let rt = rt(3);
    let indexes = rt.block_on(async {
        // The `block_on` caller runs no worker.
        assert_eq!(worker_index(), None);
        let mut set = JoinSet::new();
        for _ in 0..100 {
            set.spawn(async { worker_index() });
        }
        let blocking = eddy::task::spawn_blocking(worker_index).await.unwrap();
        assert_eq!(blocking, None);
        let mut indexes = HashSet::new();
        while let Some(index) = set.join_next().await {
            indexes.insert(index.unwrap().expect("tasks run on workers"));
        }
        indexes
    });
    assert!(indexes.iter().all(|&i| i < 3), "{indexes:?}");
    let ct = Builder::new_current_thread().build().unwrap();
    assert_eq!(ct.block_on(async { worker_index() }), Some(0));
}

#[test]
fn runtimes_with_a_seed_build_and_run() {
    use eddy::runtime::RngSeed;
    for _ in 0..2 {
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .rng_seed(RngSeed::from_bytes(b"eddy"))
            .build()
            .unwrap();
        assert_eq!(rt.block_on(rt.spawn(async { 5 })).unwrap(), 5);
    }
}

/// Runs `f` on its own thread; fails the test if it has not returned within a minute (these
/// cases used to hang).
fn fails_if_it_hangs(f: impl FnOnce() + Send + 'static) {
    let (done_tx, done_rx) = mpsc::channel();
    let runner = thread::spawn(move || {
        f();
        let _ = done_tx.send(());
    });
    match done_rx.recv_timeout(Duration::from_secs(60)) {
        Ok(()) => runner.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic::resume_unwind(runner.join().unwrap_err())
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("hung"),
    }
}

#[test]
fn event_interval_one_still_runs_tasks() {
    fails_if_it_hangs(|| {
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .event_interval(1)
            .build()
            .unwrap();
        assert_eq!(rt.block_on(rt.spawn(async { 7 })).unwrap(), 7);
    });
}

#[test]
fn the_inject_queue_gets_its_turn_when_event_interval_divides_the_global_interval() {
    fails_if_it_hangs(|| {
        // One worker kept busy by a task that yields forever: only the forced look at the
        // inject queue (every 61 ticks, which is also the maintenance interval) can run a
        // task spawned from outside.
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .global_queue_interval(61)
            .event_interval(61)
            .build()
            .unwrap();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (started_tx, started_rx) = oneshot::channel::<()>();
        let spinner = rt.spawn({
            let stop = stop.clone();
            async move {
                started_tx.send(()).unwrap();
                while !stop.load(Ordering::SeqCst) {
                    task::yield_now().await;
                }
            }
        });
        rt.block_on(async {
            // Spawned only once the spinner runs, so it waits in the inject queue while the
            // worker's own queue never empties.
            started_rx.await.unwrap();
            let outside = eddy::spawn({
                let stop = stop.clone();
                async move { stop.store(true, Ordering::SeqCst) }
            });
            outside.await.unwrap();
            spinner.await.unwrap();
        });
    });
}

#[test]
fn shutdown_timeout_returns_while_a_task_blocks_in_place() {
    fails_if_it_hangs(|| {
        let rt = rt(2);
        let (entered_tx, entered_rx) = mpsc::channel::<()>();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        rt.spawn(async move {
            task::block_in_place(move || {
                entered_tx.send(()).unwrap();
                let _ = release_rx.recv();
            });
        });
        entered_rx.recv().unwrap();
        // Must come back although the closure still blocks.
        rt.shutdown_timeout(Duration::from_millis(100));
        drop(release_tx);
    });
}

#[test]
fn deferred_wakes_are_not_stranded_by_block_in_place() {
    fails_if_it_hangs(|| {
        // One worker. The first task runs out of budget (its wake is deferred on the worker's
        // thread); the second then blocks in place until the first finishes, which it can only
        // do if its deferred wake moved on with the core.
        let rt = rt(1);
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let first = rt.spawn(async move {
            for _ in 0..300 {
                task::consume_budget().await;
            }
            done_tx.send(()).unwrap();
        });
        let second = rt.spawn(async move {
            task::block_in_place(move || {
                done_rx
                    .recv_timeout(Duration::from_secs(30))
                    .expect("the budget-exhausted task was stranded")
            });
        });
        rt.block_on(async {
            first.await.unwrap();
            second.await.unwrap();
        });
    });
}

#[test]
fn many_block_in_place_calls_do_not_keep_finished_threads() {
    // Each call may start a thread; finished ones are reaped, so this does not run out of
    // memory mappings (it used to keep every stack until shutdown).
    let rt = rt(2);
    rt.block_on(rt.spawn(async {
        for _ in 0..2_000 {
            task::block_in_place(|| ());
            task::yield_now().await;
        }
    }))
    .unwrap();
}

#[test]
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn a_worker_thread_the_os_refuses_fails_the_build_with_the_cause() {
    fails_if_it_hangs(|| {
        // No system maps a stack of a petabyte: the first worker thread fails to start.
        let err = Builder::new_multi_thread()
            .worker_threads(2)
            .thread_stack_size(1 << 50)
            .build()
            .expect_err("the worker thread cannot start");
        let message = err.to_string();
        assert!(
            message.starts_with("failed to start a worker thread of the multi-thread runtime: "),
            "the error names the cause: {message}"
        );
        // The builder still works with a stack the OS accepts.
        assert_eq!(rt(2).block_on(async { 3 }), 3);
    });
}

#[test]
fn a_backlog_in_the_inject_queue_keeps_pace_with_tasks_that_yield() {
    fails_if_it_hangs(|| {
        // One worker, kept busy by a task that yields forever. Ten tasks wait in the inject
        // queue; at its turn the worker takes its fair share of them (all ten) into its own
        // queue, so they run within one round of that queue, not one per interval.
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .global_queue_interval(61)
            .build()
            .unwrap();
        let yields = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (started_tx, started_rx) = mpsc::channel::<()>();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let spinner = rt.spawn({
            let (yields, stop) = (yields.clone(), stop.clone());
            async move {
                started_tx.send(()).unwrap();
                // Holds the only worker until every remote task is queued.
                release_rx.recv().unwrap();
                while !stop.load(Ordering::SeqCst) {
                    yields.fetch_add(1, Ordering::SeqCst);
                    task::yield_now().await;
                }
            }
        });
        started_rx.recv().unwrap();
        let remote: Vec<_> = (0..10)
            .map(|_| {
                let yields = yields.clone();
                rt.spawn(async move { yields.load(Ordering::SeqCst) })
            })
            .collect();
        release_tx.send(()).unwrap();
        let seen: Vec<usize> = rt.block_on(async {
            let mut seen = Vec::new();
            for task in remote {
                seen.push(task.await.unwrap());
            }
            stop.store(true, Ordering::SeqCst);
            spinner.await.unwrap();
            seen
        });
        let spread = seen.iter().max().unwrap() - seen.iter().min().unwrap();
        assert!(
            spread <= 1,
            "the remote tasks ran {spread} yields apart: {seen:?}"
        );
    });
}
