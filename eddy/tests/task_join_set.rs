//! `JoinSet`: spawning into a set, joining in completion order, aborting, detaching.

mod support;

use support::message_of as message;

use std::collections::HashSet;
use std::future::{poll_fn, Future};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;

use eddy::runtime::{Builder, Handle, Runtime};
use eddy::task::{self, JoinSet};
use futures::channel::{mpsc, oneshot};
use futures::{FutureExt, StreamExt};

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// Spawns `n` tasks into `set`; task `i` reports that it started, waits for its channel,
/// reports `i` on the returned receiver as the last thing it does, and returns `i`. Returns the
/// senders once every task has started (and so is waiting).
async fn spawn_waiting(
    set: &mut JoinSet<usize>,
    n: usize,
) -> (Vec<oneshot::Sender<()>>, mpsc::UnboundedReceiver<usize>) {
    let (started_tx, started_rx) = mpsc::unbounded();
    let (finished_tx, finished_rx) = mpsc::unbounded();
    let mut senders = Vec::with_capacity(n);
    for i in 0..n {
        let (tx, rx) = oneshot::channel::<()>();
        senders.push(tx);
        let started = started_tx.clone();
        let finished = finished_tx.clone();
        set.spawn(async move {
            started.unbounded_send(()).unwrap();
            rx.await.unwrap();
            finished.unbounded_send(i).unwrap();
            i
        });
    }
    assert_eq!(started_rx.take(n).count().await, n);
    (senders, finished_rx)
}

/// A task that never finishes by itself; its future owns `guard`, whose receiver reports
/// `Canceled` once the future is dropped.
async fn pending_with_guard(guard: oneshot::Sender<()>) {
    let _guard = guard;
    std::future::pending::<()>().await
}

#[test]
fn new_default_len_and_debug() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        assert!(set.is_empty());
        assert_eq!(format!("{set:?}"), "JoinSet { len: 0 }");
        set.spawn(async { 1 });
        set.spawn(async { 2 });
        assert_eq!(set.len(), 2);
        assert!(!set.is_empty());
        assert_eq!(format!("{set:?}"), "JoinSet { len: 2 }");
        set.join_next().await.unwrap().unwrap();
        assert_eq!(set.len(), 1);

        let default: JoinSet<()> = JoinSet::default();
        assert!(default.is_empty());
    });
}

#[test]
fn join_next_returns_every_result_then_none() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        for i in 0..10u32 {
            set.spawn(async move {
                task::yield_now().await;
                i
            });
        }
        let mut seen = Vec::new();
        while let Some(result) = set.join_next().await {
            seen.push(result.unwrap());
        }
        seen.sort();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
        assert!(set.join_next().await.is_none());
        assert!(set.join_next().await.is_none(), "None again, not a panic");
    });
}

#[test]
fn join_next_follows_completion_order_one_at_a_time() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let (senders, _finished) = spawn_waiting(&mut set, 10).await;
        let mut senders: Vec<_> = senders.into_iter().map(Some).collect();
        for i in [7, 2, 9, 0, 1, 8, 3, 6, 5, 4] {
            senders[i].take().unwrap().send(()).unwrap();
            assert_eq!(set.join_next().await.unwrap().unwrap(), i);
        }
        assert!(set.join_next().await.is_none());
    });
}

#[test]
fn join_all_follows_completion_order_of_a_batch() {
    const N: usize = 100;
    let rt = rt();
    let (order, joined) = rt.block_on(async {
        let mut set = JoinSet::new();
        let (senders, finished) = spawn_waiting(&mut set, N).await;
        let mut senders: Vec<_> = senders.into_iter().map(Some).collect();
        // Release every task, in a scrambled order, and wait until all have finished before
        // joining any: the set must have noted the order in which they finished.
        for i in (0..N).map(|k| (k * 37 + 11) % N) {
            senders[i].take().unwrap().send(()).unwrap();
        }
        let order: Vec<usize> = finished.take(N).collect().await;
        (order, set.join_all().await)
    });
    assert_ne!(
        order,
        (0..N).collect::<Vec<_>>(),
        "finished in spawn order: no test"
    );
    assert_eq!(joined, order);
}

#[test]
fn one_hundred_thousand_tasks_drain() {
    const N: usize = 100_000;
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        for i in 0..N {
            set.spawn(async move { i });
        }
        assert_eq!(set.len(), N);
        let mut seen = vec![false; N];
        let mut count = 0;
        while let Some(result) = set.join_next().await {
            let i = result.unwrap();
            assert!(!seen[i], "task {i} joined twice");
            seen[i] = true;
            count += 1;
        }
        assert_eq!(count, N);
        assert!(set.is_empty());
    });
}

#[test]
fn dropping_the_set_aborts_its_tasks() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let mut dropped = Vec::new();
        for _ in 0..5 {
            let (guard, dropped_rx) = oneshot::channel::<()>();
            dropped.push(dropped_rx);
            set.spawn(pending_with_guard(guard));
        }
        let finished = set.spawn(async {});
        while !finished.is_finished() {
            task::yield_now().await;
        }
        drop(set);
        for dropped_rx in dropped {
            assert_eq!(dropped_rx.await, Err(oneshot::Canceled));
        }
    });
}

#[test]
fn abort_all_yields_cancelled_errors_with_the_right_ids() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let done = set.spawn(async { 1 });
        while !done.is_finished() {
            task::yield_now().await;
        }
        let mut ids = HashSet::new();
        for _ in 0..4 {
            ids.insert(set.spawn(std::future::pending::<i32>()).id());
        }
        set.abort_all();
        assert_eq!(set.len(), 5, "aborting keeps the tasks in the set");
        let mut finished_first = None;
        while let Some(result) = set.join_next().await {
            match result {
                Ok(value) => finished_first = Some(value),
                Err(err) => {
                    assert!(err.is_cancelled());
                    assert!(ids.remove(&err.id()), "unexpected id {}", err.id());
                }
            }
        }
        assert_eq!(
            finished_first,
            Some(1),
            "a task finished before the abort keeps its result"
        );
        assert!(ids.is_empty());
    });
}

#[test]
fn the_returned_abort_handle_aborts_that_task() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let abort = set.spawn(std::future::pending::<()>());
        abort.abort();
        let err = set.join_next().await.unwrap().unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.id(), abort.id());
        assert!(abort.is_finished());
    });
}

#[test]
fn shutdown_aborts_and_drains() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let mut dropped = Vec::new();
        for _ in 0..3 {
            let (guard, dropped_rx) = oneshot::channel::<()>();
            dropped.push(dropped_rx);
            set.spawn(pending_with_guard(guard));
        }
        set.shutdown().await;
        assert!(set.is_empty());
        for mut dropped_rx in dropped {
            // Already dropped by the time shutdown returned.
            assert_eq!(dropped_rx.try_recv(), Err(oneshot::Canceled));
        }
        // The set can be used again.
        set.spawn(async {});
        assert!(set.join_next().await.unwrap().is_ok());
    });
}

#[test]
fn detached_tasks_keep_running_after_the_set_is_dropped() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let mut gates = Vec::new();
        let mut results = Vec::new();
        for i in 0..3 {
            let (gate_tx, gate_rx) = oneshot::channel::<()>();
            let (result_tx, result_rx) = oneshot::channel();
            gates.push(gate_tx);
            results.push(result_rx);
            set.spawn(async move {
                gate_rx.await.unwrap();
                result_tx.send(i * 2).unwrap();
            });
        }
        set.detach_all();
        assert!(set.is_empty());
        drop(set);
        for gate in gates {
            gate.send(()).unwrap();
        }
        for (i, result) in results.into_iter().enumerate() {
            assert_eq!(result.await.unwrap(), i * 2);
        }
    });
}

#[test]
fn join_all_resumes_a_task_panic_and_aborts_the_rest() {
    let rt = rt();
    let (guard, dropped_rx) = oneshot::channel::<()>();
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let mut set = JoinSet::new();
            set.spawn(pending_with_guard(guard));
            set.spawn(async { panic!("boom in task") });
            set.join_all().await;
        })
    }));
    assert_eq!(message(caught.unwrap_err()), "boom in task");
    let dropped = rt.block_on(dropped_rx);
    assert_eq!(
        dropped,
        Err(oneshot::Canceled),
        "the pending task was aborted"
    );
}

#[test]
fn join_all_panics_on_a_cancelled_task() {
    let rt = rt();
    let mut id = None;
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let mut set = JoinSet::<()>::new();
            let abort = set.spawn(std::future::pending());
            id = Some(abort.id());
            abort.abort();
            set.join_all().await;
        })
    }));
    let msg = message(caught.unwrap_err());
    assert_eq!(msg, format!("task {} was cancelled", id.unwrap()));
}

#[test]
fn join_all_returns_outputs() {
    let rt = rt();
    let mut outputs = rt.block_on(async {
        let mut set = JoinSet::new();
        for i in 0..5 {
            set.spawn(async move { i });
        }
        set.join_all().await
    });
    outputs.sort();
    assert_eq!(outputs, [0, 1, 2, 3, 4]);
}

#[test]
fn from_iterator_and_extend_spawn_each_future() {
    let rt = rt();
    rt.block_on(async {
        let mut set: JoinSet<u32> = (0..3).map(|i| async move { i }).collect();
        assert_eq!(set.len(), 3);
        set.extend((3..6).map(|i| async move { i }));
        assert_eq!(set.len(), 6);
        let mut outputs = set.join_all().await;
        outputs.sort();
        assert_eq!(outputs, [0, 1, 2, 3, 4, 5]);
    });
}

#[test]
fn try_join_next_without_waiting() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        assert!(set.try_join_next().is_none(), "empty set");
        let (tx, rx) = oneshot::channel::<()>();
        let slow = set.spawn(async move {
            rx.await.unwrap();
            "slow"
        });
        let quick = set.spawn(async { "quick" });
        assert!(set.try_join_next().is_none(), "nothing ran yet");
        while !quick.is_finished() {
            task::yield_now().await;
        }
        assert_eq!(set.try_join_next().unwrap().unwrap(), "quick");
        assert!(
            set.try_join_next().is_none(),
            "the slow task is still waiting"
        );
        tx.send(()).unwrap();
        while !slow.is_finished() {
            task::yield_now().await;
        }
        assert_eq!(
            set.try_join_next_with_id().unwrap().unwrap(),
            (slow.id(), "slow")
        );
        assert!(set.try_join_next_with_id().is_none());
        assert!(set.is_empty());
    });
}

#[test]
fn with_id_variants_return_the_task_ids() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let mut expected = HashSet::new();
        for i in 0..4u32 {
            expected.insert((set.spawn(async move { i }).id(), i));
        }
        let failing = set.spawn(async { panic!("with id") });
        let mut got = HashSet::new();
        let mut panicked = None;
        for _ in 0..3 {
            match set.join_next_with_id().await.unwrap() {
                Ok(pair) => assert!(got.insert(pair)),
                Err(err) => panicked = Some(err),
            }
        }
        while let Some(result) = poll_fn(|cx| set.poll_join_next_with_id(cx)).await {
            match result {
                Ok(pair) => assert!(got.insert(pair)),
                Err(err) => panicked = Some(err),
            }
        }
        assert_eq!(got, expected);
        let err = panicked.expect("the panicking task was joined");
        assert!(err.is_panic());
        assert_eq!(err.id(), failing.id());
    });
}

#[test]
fn poll_join_next_reports_empty_pending_and_ready() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        assert!(matches!(set.poll_join_next(&mut cx), Poll::Ready(None)));
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move { rx.await.is_ok() });
        assert!(set.poll_join_next(&mut cx).is_pending());
        tx.send(()).unwrap();
        assert!(poll_fn(|cx| set.poll_join_next(cx)).await.unwrap().unwrap());
    });
}

#[test]
fn a_dropped_join_next_loses_no_result() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        let task = set.spawn(async move {
            rx.await.unwrap();
            5
        });
        assert!(
            set.join_next().now_or_never().is_none(),
            "cancelled while pending"
        );
        tx.send(()).unwrap();
        while !task.is_finished() {
            task::yield_now().await;
        }
        assert_eq!(set.join_next().await.unwrap().unwrap(), 5);
    });
}

#[test]
fn the_set_is_reusable_after_running_empty() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        for round in 0..3 {
            for i in 0..2000 {
                set.spawn(async move { round * 10_000 + i });
            }
            let mut count = 0;
            while let Some(result) = set.join_next().await {
                assert_eq!(result.unwrap() / 10_000, round);
                count += 1;
            }
            assert_eq!(count, 2000);
        }
    });
}

#[test]
fn join_next_spends_budget_and_loses_no_wakeup() {
    const N: usize = 300;
    let rt = rt();
    let (joined, pending_polls) = rt.block_on(async {
        let mut set = JoinSet::new();
        let handles: Vec<_> = (0..N).map(|i| set.spawn(async move { i })).collect();
        while !handles.iter().all(|h| h.is_finished()) {
            task::yield_now().await;
        }
        // Drain inside a task, which starts with a fresh budget of 128 units: the drain must
        // yield at least twice, and come back each time.
        eddy::spawn(async move {
            let mut joined = 0;
            let mut pending_polls = 0;
            loop {
                let next = poll_fn(|cx| {
                    let poll = set.poll_join_next(cx);
                    if poll.is_pending() {
                        pending_polls += 1;
                    }
                    poll
                })
                .await;
                match next {
                    Some(result) => {
                        result.unwrap();
                        joined += 1;
                    }
                    None => return (joined, pending_polls),
                }
            }
        })
        .await
        .unwrap()
    });
    assert_eq!(joined, N);
    assert!(
        pending_polls >= 2,
        "the budget never ran out: {pending_polls}"
    );
}

#[test]
fn unconstrained_join_next_never_yields_for_budget() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let handles: Vec<_> = (0..300).map(|i| set.spawn(async move { i })).collect();
        while !handles.iter().all(|h| h.is_finished()) {
            task::yield_now().await;
        }
        task::unconstrained(async move {
            let waker = futures::task::noop_waker();
            let mut cx = Context::from_waker(&waker);
            for _ in 0..300 {
                assert!(set.poll_join_next(&mut cx).is_ready());
            }
            assert!(matches!(set.poll_join_next(&mut cx), Poll::Ready(None)));
        })
        .await;
    });
}

#[test]
fn spawn_on_a_runtime_driven_by_another_thread() {
    let other = rt();
    let other_id = other.handle().id();
    let handle: Handle = other.handle().clone();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let driver = thread::spawn(move || other.block_on(stop_rx).unwrap());

    let rt = rt();
    let ran_on = rt.block_on(async {
        let mut set = JoinSet::new();
        let abort = set.spawn_on(async { Handle::current().id() }, &handle);
        let (id, ran_on) = set.join_next_with_id().await.unwrap().unwrap();
        assert_eq!(id, abort.id());
        ran_on
    });
    assert_eq!(ran_on, other_id);
    assert_ne!(ran_on, rt.handle().id());
    stop_tx.send(()).unwrap();
    driver.join().unwrap();
}

#[test]
fn spawn_on_a_dropped_runtime_yields_a_cancelled_error() {
    let other = rt();
    let handle = other.handle().clone();
    drop(other);
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let abort = set.spawn_on(async { 1 }, &handle);
        assert_eq!(set.len(), 1);
        let err = set.join_next().await.unwrap().unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.id(), abort.id());
        assert!(set.is_empty());
    });
}

#[test]
fn spawn_blocking_and_spawn_blocking_on() {
    let rt = rt();
    let handle = rt.handle().clone();
    let mut outputs = rt.block_on(async move {
        let mut set = JoinSet::new();
        set.spawn_blocking(|| 1);
        set.spawn_blocking_on(|| 2, &handle);
        set.join_all().await
    });
    outputs.sort();
    assert_eq!(outputs, [1, 2]);
}

#[test]
fn spawning_and_joining_outside_block_on() {
    let rt = rt();
    let mut set = JoinSet::new();
    let counter = Arc::new(AtomicUsize::new(0));
    for _ in 0..3 {
        let counter = counter.clone();
        set.spawn_on(
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
            },
            rt.handle(),
        );
    }
    {
        let _guard = rt.enter();
        let counter = counter.clone();
        set.spawn(async move {
            counter.fetch_add(1, Ordering::SeqCst);
        });
    }
    while let Some(result) = rt.block_on(set.join_next()) {
        result.unwrap();
    }
    assert_eq!(counter.load(Ordering::SeqCst), 4);
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn spawn_outside_a_runtime_panics() {
    let mut set = JoinSet::new();
    set.spawn(async {});
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn spawn_blocking_outside_a_runtime_panics() {
    let mut set = JoinSet::new();
    set.spawn_blocking(|| ());
}

#[test]
fn dropping_the_set_after_its_runtime_is_fine() {
    let rt = rt();
    let mut set = JoinSet::new();
    let (guard, mut dropped_rx) = oneshot::channel::<()>();
    set.spawn_on(pending_with_guard(guard), rt.handle());
    set.spawn_on(async {}, rt.handle());
    drop(rt); // cancels every task
    assert_eq!(dropped_rx.try_recv(), Err(oneshot::Canceled));
    drop(set);
}

#[test]
fn a_waiting_join_next_is_woken_from_another_thread() {
    let rt = rt();
    rt.block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move { rx.await.unwrap() });
        let mut join_next = Box::pin(set.join_next());
        // Register the waker first, then complete the task from another thread.
        poll_fn(|cx| {
            assert!(join_next.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        let sender = thread::spawn(move || tx.send(()).unwrap());
        assert!(join_next.await.unwrap().is_ok());
        sender.join().unwrap();
    });
}

#[test]
fn auto_traits() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    fn unpin<T: Unpin>() {}
    send::<JoinSet<u8>>();
    sync::<JoinSet<u8>>();
    unpin::<JoinSet<std::marker::PhantomPinned>>();
    fn future_send<F: Future + Send>(_: F) {}
    let mut set = JoinSet::<u8>::new();
    future_send(set.join_next());
    future_send(set.shutdown());
    future_send(set.join_all());
}

#[test]
fn spawn_local_and_spawn_local_on_take_futures_that_are_not_send() {
    use std::rc::Rc;

    let rt = eddy::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let local = eddy::task::LocalSet::new();
    let mut set = eddy::task::JoinSet::new();
    // Onto a set that is not running yet: the tasks wait for it.
    for n in 0..3u32 {
        let shared = Rc::new(n);
        set.spawn_local_on(async move { *shared }, &local);
    }
    let mut results = local.block_on(&rt, async {
        // From inside the set, the free form finds it.
        let shared = Rc::new(10u32);
        set.spawn_local(async move { *shared });
        let mut results = Vec::new();
        while let Some(result) = set.join_next().await {
            results.push(result.unwrap());
        }
        results
    });
    results.sort_unstable();
    assert_eq!(results, [0, 1, 2, 10]);
}

#[test]
#[should_panic(expected = "`spawn_local` called from outside of a `task::LocalSet`")]
fn spawn_local_outside_a_local_set_panics() {
    let rt = eddy::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut set = eddy::task::JoinSet::<()>::new();
        set.spawn_local(async {});
    });
}

#[test]
fn join_set_on_the_multi_thread_runtime_drains_every_task() {
    let rt = eddy::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let total = rt.block_on(async {
        let mut set = eddy::task::JoinSet::new();
        for n in 0..10_000u64 {
            set.spawn(async move { n });
        }
        let mut total = 0;
        while let Some(result) = set.join_next().await {
            total += result.unwrap();
        }
        total
    });
    assert_eq!(total, (0..10_000u64).sum::<u64>());
}
