//! Task hooks (`Builder::on_task_spawn`, `on_before_task_poll`, `on_after_task_poll`,
//! `on_task_terminate`) and the `TaskMeta` they get: how often and in which order they run for
//! each task, on every flavour and inside a `LocalSet`, and what `spawned_at` and `name` report.
//!
//! Every test waits on the events themselves (a JoinHandle, a runtime's drop); the terminate
//! hook runs before a task counts as finished, so once a task is joined its log is complete.

use std::collections::HashMap;
use std::panic::Location;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};

use eddy::runtime::{Builder, Handle, LocalOptions, Runtime, RuntimeFlavor, TaskMeta};
use eddy::task::{self, Id, JoinSet, LocalSet};
use tokio::sync::{mpsc, oneshot};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    Spawn,
    Before,
    After,
    Terminate,
}
use Event::{After, Before, Spawn, Terminate};

/// One hook call, with what its `TaskMeta` said.
#[derive(Clone, Debug)]
struct Record {
    event: Event,
    id: Id,
    spawned_at: &'static Location<'static>,
    name: Option<String>,
}

/// Every hook call of one runtime, in the order they happened.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Record>>>);

impl Log {
    /// Sets all four hooks of `builder` to record into this log.
    fn install<'b>(&self, builder: &'b mut Builder) -> &'b mut Builder {
        let hook = |event| {
            let log = self.clone();
            move |meta: &TaskMeta<'_>| log.push(event, meta)
        };
        builder
            .on_task_spawn(hook(Spawn))
            .on_before_task_poll(hook(Before))
            .on_after_task_poll(hook(After))
            .on_task_terminate(hook(Terminate))
    }

    fn push(&self, event: Event, meta: &TaskMeta<'_>) {
        self.0.lock().unwrap().push(Record {
            event,
            id: meta.id(),
            spawned_at: meta.spawned_at(),
            name: meta.name().map(str::to_owned),
        });
    }

    fn records(&self) -> Vec<Record> {
        self.0.lock().unwrap().clone()
    }

    /// The events of one task, in order.
    fn of(&self, id: Id) -> Vec<Event> {
        let records = self.records();
        records
            .iter()
            .filter(|r| r.id == id)
            .map(|r| r.event)
            .collect()
    }

    /// The record of a task's spawn hook.
    fn spawn_of(&self, id: Id) -> Record {
        let records = self.records();
        records
            .into_iter()
            .find(|r| r.id == id && r.event == Spawn)
            .expect("the task's spawn hook ran")
    }

    /// How many calls of `event` were recorded, over all tasks.
    fn count(&self, event: Event) -> usize {
        self.records().iter().filter(|r| r.event == event).count()
    }
}

/// Spawn, then `polls` pairs of before/after poll, then terminate.
fn lifecycle(polls: usize) -> Vec<Event> {
    let mut events = vec![Spawn];
    for _ in 0..polls {
        events.extend([Before, After]);
    }
    events.push(Terminate);
    events
}

/// Spawn first, terminate last and once, poll hooks in pairs between; returns the polls.
fn assert_lifecycle(events: &[Event]) -> usize {
    let polls = events.len().saturating_sub(2) / 2;
    assert_eq!(events, lifecycle(polls), "a task's hooks out of order");
    polls
}

/// Asserts that `at` is `line` of this file.
#[track_caller]
fn assert_at(at: &Location<'_>, line: u32) {
    assert_eq!((at.file(), at.line()), (file!(), line), "spawned_at");
}

/// Silences the panics the tests cause on purpose (their messages end so); others still print.
fn quiet_panics_on_purpose() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .copied()
                .unwrap_or_default();
            if !message.ends_with("on purpose") {
                default(info);
            }
        }));
    });
}

/// A multi-thread builder with `workers` workers.
fn multi_thread(workers: usize) -> Builder {
    let mut builder = Builder::new_multi_thread();
    builder.worker_threads(workers);
    builder
}

/// Expands the tests once per runtime flavour.
macro_rules! rt_test {
    (@flavour $name:ident, $builder:expr; $($t:tt)*) => {
        mod $name {
            use super::*;

            /// A builder of this flavour.
            fn builder() -> Builder {
                $builder
            }

            /// A runtime of this flavour that records every hook call into `log`.
            fn rt(log: &Log) -> Runtime {
                log.install(&mut builder()).build().expect("runtime builds")
            }

            $($t)*
        }
    };
    ($($t:tt)*) => {
        rt_test!(@flavour current_thread, Builder::new_current_thread(); $($t)*);
        rt_test!(@flavour multi_thread_1, multi_thread(1); $($t)*);
        rt_test!(@flavour multi_thread_4, multi_thread(4); $($t)*);
    };
}

rt_test! {
    #[test]
    fn each_hook_runs_the_expected_number_of_times_in_order() {
        let log = Log::default();
        let rt = rt(&log);
        // Each task is polled exactly `yields + 1` times: eddy never polls a task that was
        // not woken, and `yield_now` wakes its task once. The tasks run concurrently.
        let polls = rt.block_on(async {
            let tasks: Vec<_> = (0..32usize)
                .map(|n| {
                    let yields = n % 4;
                    eddy::spawn(async move {
                        for _ in 0..yields {
                            task::yield_now().await;
                        }
                        yields
                    })
                })
                .collect();
            let mut polls = Vec::new();
            for task in tasks {
                let id = task.id();
                polls.push((id, task.await.unwrap() + 1));
            }
            polls
        });
        for (id, polls) in polls {
            assert_eq!(log.of(id), lifecycle(polls), "task {id}");
        }
        assert_eq!(log.count(Spawn), 32);
        assert_eq!(log.count(Terminate), 32);
    }

    #[test]
    fn hooks_are_complete_once_the_join_handle_resolves() {
        let log = Log::default();
        let rt = rt(&log);
        rt.block_on(async {
            for yields in 0..8 {
                let task = eddy::spawn(async move {
                    for _ in 0..yields {
                        task::yield_now().await;
                    }
                });
                let id = task.id();
                task.await.unwrap();
                // No waiting: the terminate hook ran before the task was marked complete.
                assert_eq!(log.of(id), lifecycle(yields + 1), "task {id}");
            }
        });
    }

    #[test]
    fn a_task_that_panics_still_ends_with_terminate() {
        quiet_panics_on_purpose();
        let log = Log::default();
        let rt = rt(&log);
        let task = rt.spawn(async {
            task::yield_now().await;
            panic!("task panic on purpose");
        });
        let id = task.id();
        assert!(rt.block_on(task).unwrap_err().is_panic());
        assert_eq!(log.of(id), lifecycle(2));
    }

    #[test]
    fn spawned_at_is_the_line_of_the_spawn_call() {
        let log = Log::default();
        let rt = rt(&log);
        let handle = rt.handle().clone();
        let mut spawned = Vec::new();
        rt.block_on(async {
            let (t, line) = (eddy::spawn(async {}), line!());
            spawned.push((t.id(), line));
            let (t, line) = (task::spawn(async {}), line!());
            spawned.push((t.id(), line));
            let (t, line) = (handle.spawn(async {}), line!());
            spawned.push((t.id(), line));
            let (t, line) = (task::spawn_blocking(|| ()), line!());
            spawned.push((t.id(), line));
            let (t, line) = (handle.spawn_blocking(|| ()), line!());
            spawned.push((t.id(), line));
        });
        let (t, line) = (rt.spawn(async {}), line!());
        spawned.push((t.id(), line));
        let (t, line) = (rt.spawn_blocking(|| ()), line!());
        spawned.push((t.id(), line));

        let mut set = JoinSet::new();
        let (t, line) = (set.spawn_on(async {}, &handle), line!());
        spawned.push((t.id(), line));
        let (t, line) = (set.spawn_blocking_on(|| (), &handle), line!());
        spawned.push((t.id(), line));
        rt.block_on(async {
            let (t, line) = (set.spawn(async {}), line!());
            spawned.push((t.id(), line));
            let (t, line) = (set.spawn_blocking(|| ()), line!());
            spawned.push((t.id(), line));
            let builder = task::Builder::new().name("built");
            let (t, line) = (builder.spawn(async {}).unwrap(), line!());
            spawned.push((t.id(), line));
            let (t, line) = (builder.spawn_blocking(|| ()).unwrap(), line!());
            spawned.push((t.id(), line));
            let (t, line) = (set.build_task().spawn(async {}).unwrap(), line!());
            spawned.push((t.id(), line));
            while set.join_next().await.is_some() {}
        });
        drop(rt);
        for (id, line) in spawned {
            assert_at(log.spawn_of(id).spawned_at, line);
            // Every hook of the task reports the same place.
            let records = log.records();
            assert!(records.iter().filter(|r| r.id == id).all(|r| r.spawned_at.line() == line));
        }
    }

    #[test]
    fn blocking_tasks_report_spawn_and_terminate_but_no_polls() {
        let log = Log::default();
        let rt = rt(&log);
        let task = rt.spawn_blocking(|| 5);
        let id = task.id();
        assert_eq!(rt.block_on(task).unwrap(), 5);
        assert_eq!(log.of(id), lifecycle(0));
    }

    #[test]
    fn terminate_runs_once_for_an_aborted_task() {
        let log = Log::default();
        let rt = rt(&log);
        let (tx, rx) = oneshot::channel();
        let task = rt.spawn(async move {
            tx.send(()).unwrap();
            std::future::pending::<()>().await
        });
        let id = task.id();
        // Polled once for sure (it told us), then aborted while it waits.
        rt.block_on(rx).unwrap();
        task.abort();
        assert!(rt.block_on(task).unwrap_err().is_cancelled());
        // The cancelling run polls nothing: exactly the one poll before the abort.
        assert_eq!(log.of(id), lifecycle(1));
    }

    #[test]
    fn terminate_runs_for_a_task_aborted_before_its_first_poll() {
        let log = Log::default();
        let rt = rt(&log);
        let (id, cancelled) = rt.block_on(async {
            let task = eddy::spawn(async {});
            let id = task.id();
            task.abort();
            (id, task.await.is_err())
        });
        let polls = assert_lifecycle(&log.of(id));
        if rt.handle().runtime_flavor() == RuntimeFlavor::CurrentThread {
            // Nothing ran the task between its spawn and the abort.
            assert!(cancelled);
            assert_eq!(polls, 0);
        } else {
            // A worker may have run it first; then it completed normally.
            assert!(polls <= 1 && cancelled == (polls == 0));
        }
    }

    #[test]
    fn terminate_runs_for_tasks_cancelled_at_shutdown() {
        let log = Log::default();
        let rt = rt(&log);
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut waiting = Vec::new();
        for _ in 0..8 {
            let tx = tx.clone();
            let task = rt.spawn(async move {
                tx.send(()).unwrap();
                std::future::pending::<()>().await
            });
            waiting.push(task.id());
        }
        rt.block_on(async {
            for _ in 0..8 {
                rx.recv().await.unwrap();
            }
        });
        // Spawned with nobody in `block_on`: a current-thread runtime never runs these.
        let queued: Vec<_> = (0..4)
            .map(|_| rt.spawn(std::future::pending::<()>()).id())
            .collect();
        let handle = rt.handle().clone();
        drop(rt);
        for id in waiting {
            assert_eq!(log.of(id), lifecycle(1), "task {id}");
        }
        for id in queued {
            assert_lifecycle(&log.of(id));
        }
        // A spawn after shutdown: the task is refused, cancelled at once, and still reported.
        let late = handle.spawn(async {});
        assert_eq!(log.of(late.id()), lifecycle(0));
        assert!(futures::executor::block_on(late).unwrap_err().is_cancelled());
    }

    #[test]
    fn names_reach_every_hook() {
        let log = Log::default();
        let rt = rt(&log);
        let (named, unnamed, in_set) = rt.block_on(async {
            let named = task::Builder::new()
                .name("worker")
                .spawn(async { task::yield_now().await })
                .unwrap();
            let unnamed = task::Builder::new().spawn(async {}).unwrap();
            let mut set = JoinSet::new();
            let in_set = set.build_task().name("in a set").spawn(async {}).unwrap().id();
            let ids = (named.id(), unnamed.id(), in_set);
            named.await.unwrap();
            unnamed.await.unwrap();
            set.join_next().await.unwrap().unwrap();
            ids
        });
        let names = |id| {
            let records = log.records();
            records
                .into_iter()
                .filter(|r| r.id == id)
                .map(|r| r.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(named), vec![Some("worker".to_owned()); 6]);
        assert_eq!(names(unnamed), vec![None; 4]);
        assert_eq!(names(in_set), vec![Some("in a set".to_owned()); 4]);
    }

    #[test]
    fn a_panicking_hook_is_contained() {
        quiet_panics_on_purpose();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = || {
            let calls = calls.clone();
            move |_: &TaskMeta<'_>| {
                calls.fetch_add(1, Ordering::SeqCst);
                panic!("hook panic on purpose");
            }
        };
        let rt = builder()
            .on_task_spawn(counted())
            .on_before_task_poll(counted())
            .on_after_task_poll(counted())
            .on_task_terminate(counted())
            .build()
            .unwrap();
        let sum = rt.block_on(async {
            let tasks: Vec<_> = (0..10u64)
                .map(|i| {
                    eddy::spawn(async move {
                        task::yield_now().await;
                        i
                    })
                })
                .collect();
            let mut sum = 0;
            for task in tasks {
                sum += task.await.unwrap();
            }
            sum + eddy::task::spawn_blocking(|| 100).await.unwrap()
        });
        assert_eq!(sum, 145);
        // Every hook kept being called: 10 tasks x (spawn, 2 polls x 2, terminate), plus the
        // blocking task's spawn and terminate.
        assert_eq!(calls.load(Ordering::SeqCst), 10 * 6 + 2);
        // Shutdown still cancels and reports what is left: one poll, then terminate.
        let (tx, rx) = oneshot::channel();
        rt.spawn(async move {
            tx.send(()).unwrap();
            std::future::pending::<()>().await
        });
        rt.block_on(rx).unwrap();
        drop(rt);
        assert_eq!(calls.load(Ordering::SeqCst), 10 * 6 + 2 + 4);
    }

    #[test]
    fn a_spawn_hook_may_spawn() {
        let spawned = Arc::new(AtomicUsize::new(0));
        let rt = {
            let spawned = spawned.clone();
            builder()
                .on_task_spawn(move |_| {
                    // The first task's hook spawns a second task, from inside the hook.
                    if spawned.fetch_add(1, Ordering::SeqCst) == 0 {
                        drop(eddy::spawn(async {}));
                    }
                })
                .build()
                .unwrap()
        };
        rt.block_on(async { eddy::spawn(async {}).await.unwrap() });
        assert_eq!(spawned.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_local_set_reports_to_the_runtime_it_runs_in() {
        let log = Log::default();
        let rt = rt(&log);
        // Created outside the runtime; its first spawn, inside, adopts the runtime's hooks.
        let local = LocalSet::new();
        let (ids, set_id) = local.block_on(&rt, async {
            let mut ids = Vec::new();
            for yields in 0..4 {
                let rc = std::rc::Rc::new(yields);
                let future = async move {
                    for _ in 0..*rc {
                        task::yield_now().await;
                    }
                };
                let (t, line) = (task::spawn_local(future), line!());
                ids.push((t.id(), yields + 1, line));
                t.await.unwrap();
            }
            // Still pending at the end: cancelled when the set is dropped.
            let pending = task::spawn_local(std::future::pending::<()>());
            task::yield_now().await;
            (ids, pending.id())
        });
        for &(id, polls, line) in &ids {
            assert_eq!(log.of(id), lifecycle(polls), "task {id}");
            assert_at(log.spawn_of(id).spawned_at, line);
        }
        assert!(!log.of(set_id).contains(&Terminate));
        drop(local);
        assert_eq!(log.of(set_id), lifecycle(1));
    }
}

#[test]
fn a_local_set_created_inside_a_runtime_reports_to_it() {
    let log = Log::default();
    let rt = log
        .install(&mut Builder::new_current_thread())
        .build()
        .unwrap();
    let local = {
        let _inside = rt.enter();
        LocalSet::new()
    };
    // Spawned from outside any runtime, but the set adopted the runtime at creation.
    let (task, line) = (local.spawn_local(async {}), line!());
    let id = task.id();
    local.block_on(&rt, task).unwrap();
    assert_eq!(log.of(id), lifecycle(1));
    assert_at(log.spawn_of(id).spawned_at, line);
}

#[test]
fn a_local_set_filled_outside_any_runtime_reports_to_no_hooks() {
    let log = Log::default();
    let rt = log
        .install(&mut Builder::new_current_thread())
        .build()
        .unwrap();
    let local = LocalSet::new();
    // The first spawn happens outside any runtime: the set settles on no hooks at all, so no
    // task of it ever gets some of its hooks and not others.
    let early = local.spawn_local(async {});
    let later = local.block_on(&rt, async {
        early.await.unwrap();
        let later = task::spawn_local(async {});
        let id = later.id();
        later.await.unwrap();
        id
    });
    assert!(log.records().is_empty(), "{:?}", log.records());
    assert!(log.of(later).is_empty());
}

#[test]
fn a_local_runtime_reports_its_local_tasks() {
    let log = Log::default();
    let rt = log
        .install(&mut Builder::new_current_thread())
        .build_local(LocalOptions::default())
        .unwrap();
    let rc = std::rc::Rc::new(1);
    let (task, line) = (rt.spawn_local(async move { *rc }), line!());
    let id = task.id();
    assert_eq!(rt.block_on(task).unwrap(), 1);
    let (inner, inner_line) = rt.block_on(async {
        let future = async { task::yield_now().await };
        let (task, line) = (task::spawn_local(future), line!());
        let id = task.id();
        task.await.unwrap();
        (id, line)
    });
    assert_eq!(log.of(id), lifecycle(1));
    assert_at(log.spawn_of(id).spawned_at, line);
    assert_eq!(log.of(inner), lifecycle(2));
    assert_at(log.spawn_of(inner).spawned_at, inner_line);
}

#[test]
fn spawn_hooks_of_one_runtime_ignore_another() {
    let log = Log::default();
    let hooked = log
        .install(&mut Builder::new_current_thread())
        .build()
        .unwrap();
    let plain = Builder::new_current_thread().build().unwrap();
    plain.block_on(async {
        eddy::spawn(async {}).await.unwrap();
        Handle::current().spawn_blocking(|| ()).await.unwrap();
    });
    assert!(log.records().is_empty());
    hooked.block_on(async { eddy::spawn(async {}).await.unwrap() });
    assert_eq!(log.count(Spawn), 1);
}

#[test]
fn hooks_of_a_task_see_unique_ids() {
    let log = Log::default();
    let rt = log
        .install(Builder::new_multi_thread().worker_threads(4))
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..200).map(|_| eddy::spawn(task::yield_now())).collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    let mut per_task: HashMap<Id, Vec<Event>> = HashMap::new();
    for record in log.records() {
        per_task.entry(record.id).or_default().push(record.event);
    }
    assert_eq!(per_task.len(), 200);
    for events in per_task.values() {
        assert_eq!(events, &lifecycle(2));
    }
}
