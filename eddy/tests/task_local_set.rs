//! `LocalSet`: `!Send` tasks on the owning thread, inside a runtime.

mod support;

use support::{message_of, DropRecorder};

use eddy::runtime::{Builder, Runtime, UnhandledPanic};
use eddy::task::{self, LocalSet};
use futures::channel::oneshot;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

#[test]
fn run_until_runs_local_tasks_that_are_not_send() {
    let rt = rt();
    let local = LocalSet::new();
    let counter = Rc::new(Cell::new(0));
    let out = local.block_on(&rt, {
        let counter = counter.clone();
        async move {
            let tasks: Vec<_> = (0..10)
                .map(|_| {
                    let counter = counter.clone();
                    task::spawn_local(async move { counter.set(counter.get() + 1) })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            counter.get()
        }
    });
    assert_eq!(out, 10);
    assert_eq!(counter.get(), 10);
}

#[test]
fn output_need_not_be_send() {
    let rt = rt();
    let local = LocalSet::new();
    let out = local.block_on(&rt, async {
        let task = task::spawn_local(async { Rc::new(7) });
        task.await.unwrap()
    });
    assert_eq!(*out, 7);
}

#[test]
fn spawn_local_outside_a_set_panics() {
    let rt = rt();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            drop(task::spawn_local(async {}));
        })
    }));
    let message = message_of(result.unwrap_err());
    assert!(
        message.contains(
            "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
        ),
        "{message}"
    );
    // And with no runtime at all.
    let result = panic::catch_unwind(|| {
        drop(task::spawn_local(async {}));
    });
    assert!(message_of(result.unwrap_err()).contains("called from outside of a `task::LocalSet`"));
}

#[test]
fn awaiting_the_set_finishes_when_its_tasks_have() {
    let rt = rt();
    let local = LocalSet::new();
    let log = Rc::new(RefCell::new(Vec::new()));
    for i in 0..3 {
        let log = log.clone();
        local.spawn_local(async move {
            task::yield_now().await;
            log.borrow_mut().push(i);
        });
    }
    rt.block_on(local);
    assert_eq!(*log.borrow(), [0, 1, 2]);
}

#[test]
fn spawn_local_on_the_set_before_it_runs() {
    let rt = rt();
    let local = LocalSet::new();
    let task = local.spawn_local(async { "early" });
    assert_eq!(local.block_on(&rt, task).unwrap(), "early");
}

#[test]
fn enter_makes_the_free_spawn_local_work() {
    let rt = rt();
    let local = LocalSet::new();
    let task = {
        let _guard = local.enter();
        task::spawn_local(async { 3 })
    };
    assert_eq!(local.block_on(&rt, task).unwrap(), 3);
}

#[test]
fn waking_a_local_task_from_another_thread_runs_it_on_the_owner() {
    let rt = rt();
    let local = LocalSet::new();
    let owner = thread::current().id();
    let (tx, rx) = oneshot::channel::<u32>();
    let ran_on = local.block_on(&rt, async move {
        let task = task::spawn_local(async move {
            let value = rx.await.unwrap();
            (value, thread::current().id())
        });
        // The sender lives on another thread; its send wakes the local task from there.
        let sender = thread::spawn(move || tx.send(41).unwrap());
        let (value, ran_on) = task.await.unwrap();
        sender.join().unwrap();
        assert_eq!(value, 41);
        ran_on
    });
    assert_eq!(ran_on, owner);
}

#[test]
fn many_remote_wakes_all_arrive() {
    let rt = rt();
    let local = LocalSet::new();
    local.block_on(&rt, async {
        let mut senders = Vec::new();
        let mut tasks = Vec::new();
        for i in 0..100u32 {
            let (tx, rx) = oneshot::channel::<u32>();
            senders.push(tx);
            tasks.push(task::spawn_local(async move { rx.await.unwrap() + i }));
        }
        let sender = thread::spawn(move || {
            for tx in senders {
                tx.send(1).unwrap();
            }
        });
        let mut total = 0;
        for task in tasks {
            total += task.await.unwrap();
        }
        sender.join().unwrap();
        assert_eq!(total, 100 + (0..100).sum::<u32>());
    });
}

#[test]
fn dropping_the_set_drops_its_tasks_on_the_owning_thread() {
    let rt = rt();
    let local = LocalSet::new();
    let dropped_on = Arc::new(Mutex::new(None));
    let recorder = DropRecorder(dropped_on.clone());
    let pending = local.spawn_local(async move {
        let _recorder = recorder;
        std::future::pending::<()>().await
    });
    // Run it once so it is parked mid-future.
    local.block_on(&rt, task::yield_now());
    drop(local);
    assert_eq!(*dropped_on.lock().unwrap(), Some(thread::current().id()));
    let err = futures::executor::block_on(pending).unwrap_err();
    assert!(err.is_cancelled());
}

#[test]
fn a_wake_after_the_set_is_gone_is_harmless() {
    let rt = rt();
    let local = LocalSet::new();
    let (tx, rx) = oneshot::channel::<()>();
    let task = local.spawn_local(async move {
        let _ = rx.await;
    });
    local.block_on(&rt, task::yield_now());
    drop(local);
    // The receiver (and its waker) went with the task; sending finds nobody.
    thread::spawn(move || {
        let _ = tx.send(());
    })
    .join()
    .unwrap();
    assert!(futures::executor::block_on(task)
        .unwrap_err()
        .is_cancelled());
}

#[test]
fn abort_from_another_thread_cancels_on_the_owner() {
    let rt = rt();
    let local = LocalSet::new();
    let dropped_on = Arc::new(Mutex::new(None));
    let recorder = DropRecorder(dropped_on.clone());
    local.block_on(&rt, async move {
        let task = task::spawn_local(async move {
            let _recorder = recorder;
            std::future::pending::<()>().await
        });
        task::yield_now().await;
        let abort = task.abort_handle();
        thread::spawn(move || abort.abort()).join().unwrap();
        assert!(task.await.unwrap_err().is_cancelled());
    });
    assert_eq!(*dropped_on.lock().unwrap(), Some(thread::current().id()));
}

#[test]
fn local_tasks_spawn_more_local_tasks() {
    let rt = rt();
    let local = LocalSet::new();
    let out = local.block_on(&rt, async {
        task::spawn_local(async {
            let inner = task::spawn_local(async { Rc::new(2) });
            *inner.await.unwrap() * 21
        })
        .await
        .unwrap()
    });
    assert_eq!(out, 42);
}

#[test]
fn a_yielding_local_task_lets_runtime_tasks_run() {
    let rt = rt();
    let local = LocalSet::new();
    let runtime_task_ran = Arc::new(AtomicBool::new(false));
    let seen = local.block_on(&rt, {
        let runtime_task_ran = runtime_task_ran.clone();
        async move {
            let flag = runtime_task_ran.clone();
            let other = eddy::spawn(async move { flag.store(true, Ordering::SeqCst) });
            let spinner = task::spawn_local(async move {
                // Yields until the runtime's task has run: that it ever does is the check.
                while !runtime_task_ran.load(Ordering::SeqCst) {
                    task::yield_now().await;
                }
                true
            });
            other.await.unwrap();
            spinner.await.unwrap()
        }
    });
    assert!(seen);
}

#[test]
fn a_busy_set_gives_the_runtime_a_turn() {
    // 200 local tasks that yield in a loop would keep one poll of the set busy forever without
    // the per-poll task limit; a runtime task must still get to run in between.
    let rt = rt();
    let local = LocalSet::new();
    let stop = Rc::new(Cell::new(false));
    local.block_on(&rt, {
        let stop = stop.clone();
        async move {
            for _ in 0..200 {
                let stop = stop.clone();
                task::spawn_local(async move {
                    while !stop.get() {
                        task::yield_now().await;
                    }
                });
            }
            eddy::spawn(async {}).await.unwrap();
            stop.set(true);
        }
    });
    assert!(stop.get());
}

#[test]
fn task_ids_are_set_inside_local_tasks() {
    let rt = rt();
    let local = LocalSet::new();
    local.block_on(&rt, async {
        let task = task::spawn_local(async { task::id() });
        let id = task.id();
        assert_eq!(task.await.unwrap(), id);
    });
}

#[test]
fn ids_are_unique_and_debug_names_the_set() {
    let (a, b) = (LocalSet::new(), LocalSet::new());
    assert_ne!(a.id(), b.id());
    assert!(format!("{a:?}").contains("LocalSet"));
    assert_ne!(a.id(), rt().handle().id());
}

#[test]
fn a_set_inside_a_local_task_of_another_set() {
    let rt = rt();
    let outer = LocalSet::new();
    let out = outer.block_on(&rt, async {
        task::spawn_local(async {
            let inner = LocalSet::new();
            inner
                .run_until(async {
                    let task = task::spawn_local(async { Rc::new("inner") });
                    *task.await.unwrap()
                })
                .await
        })
        .await
        .unwrap()
    });
    assert_eq!(out, "inner");
}

#[test]
fn unhandled_panic_shutdown_panics_the_run() {
    let rt = rt();
    let mut local = LocalSet::new();
    local.unhandled_panic(UnhandledPanic::ShutdownRuntime);
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        local.block_on(&rt, async {
            task::spawn_local(async { panic!("boom") });
            std::future::pending::<()>().await
        })
    }));
    let message = message_of(result.unwrap_err());
    assert!(
        message.contains("LocalSet is configured to shutdown on unhandled panic"),
        "{message}"
    );
}

#[test]
fn a_panicking_local_task_is_reported_to_its_handle_by_default() {
    let rt = rt();
    let local = LocalSet::new();
    local.block_on(&rt, async {
        let failed = task::spawn_local(async { panic!("boom") });
        assert!(failed.await.unwrap_err().is_panic());
        assert_eq!(task::spawn_local(async { 1 }).await.unwrap(), 1);
    });
}

#[test]
fn run_until_leaves_unfinished_tasks_in_the_set() {
    let rt = rt();
    let local = LocalSet::new();
    let (tx, rx) = oneshot::channel::<u8>();
    let waiting = local.spawn_local(async move { rx.await.unwrap() });
    local.block_on(&rt, task::yield_now());
    assert!(!waiting.is_finished());
    tx.send(9).unwrap();
    assert_eq!(local.block_on(&rt, waiting).unwrap(), 9);
}
