//! `LocalRuntime`: a current-thread runtime that also runs `!Send` tasks.

mod support;

use support::{message_of, DropRecorder};

use eddy::runtime::{Builder, LocalOptions, LocalRuntime, RuntimeFlavor};
use eddy::task::{self, LocalSet};
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

#[test]
fn spawn_local_runs_futures_that_are_not_send() {
    let rt = LocalRuntime::new().unwrap();
    let shared = Rc::new(Cell::new(0));
    let task = rt.spawn_local({
        let shared = shared.clone();
        async move {
            shared.set(shared.get() + 1);
            Rc::new("done")
        }
    });
    assert_eq!(*rt.block_on(task).unwrap(), "done");
    assert_eq!(shared.get(), 1);
}

#[test]
fn the_free_spawn_local_works_inside() {
    let rt = LocalRuntime::new().unwrap();
    let out = rt.block_on(async {
        let value = Rc::new(20);
        let task = task::spawn_local(async move { *value + 1 });
        let nested = task::spawn_local(async { task::spawn_local(async { 21 }).await.unwrap() });
        task.await.unwrap() + nested.await.unwrap()
    });
    assert_eq!(out, 42);
}

#[test]
fn spawn_local_from_another_thread_panics_with_the_reason() {
    let rt = LocalRuntime::new().unwrap();
    let handle = rt.handle().clone();
    let message = thread::spawn(move || {
        let _guard = handle.enter();
        let result = panic::catch_unwind(|| {
            drop(task::spawn_local(async {}));
        });
        message_of(result.unwrap_err())
    })
    .join()
    .unwrap();
    assert!(
        message.contains(
            "Local tasks can only be spawned on a LocalRuntime from the thread the runtime was created on"
        ),
        "{message}"
    );
}

#[test]
fn handle_spawn_from_another_thread_still_works_for_send_futures() {
    let rt = LocalRuntime::new().unwrap();
    let handle = rt.handle().clone();
    let task = thread::spawn(move || handle.spawn(async { thread::current().id() }))
        .join()
        .unwrap();
    // Like every task of a local runtime, it ran on the runtime's thread.
    assert_eq!(rt.block_on(task).unwrap(), thread::current().id());
}

#[test]
fn spawn_local_on_a_runtime_that_is_not_local_panics() {
    let rt = Builder::new_current_thread().build().unwrap();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            drop(task::spawn_local(async {}));
        })
    }));
    let message = message_of(result.unwrap_err());
    assert!(
        message.contains("called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"),
        "{message}"
    );
}

#[test]
fn build_local_on_a_multi_thread_builder_panics() {
    let result = panic::catch_unwind(|| {
        drop(Builder::new_multi_thread().build_local(LocalOptions::default()));
    });
    let message = message_of(result.unwrap_err());
    assert!(
        message.contains("multi_thread is not supported for LocalRuntime"),
        "{message}"
    );
}

#[test]
fn build_local_applies_the_builder_settings() {
    let rt = Builder::new_current_thread()
        .name("local-one")
        .thread_name("local-pool")
        .build_local(LocalOptions::default())
        .unwrap();
    assert_eq!(rt.handle().name(), Some("local-one"));
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    let name = rt
        .block_on(rt.spawn_blocking(|| thread::current().name().map(str::to_owned)))
        .unwrap();
    assert_eq!(name.as_deref(), Some("local-pool"));
}

#[test]
fn enter_lets_spawn_local_work_outside_block_on() {
    let rt = LocalRuntime::new().unwrap();
    let task = {
        let _guard = rt.enter();
        task::spawn_local(async { Rc::new(5) })
    };
    assert_eq!(*rt.block_on(task).unwrap(), 5);
}

#[test]
fn a_local_set_runs_inside_a_local_runtime() {
    let rt = LocalRuntime::new().unwrap();
    let local = LocalSet::new();
    let out = rt.block_on(local.run_until(async {
        // Inside the set, the free `spawn_local` goes to the set.
        task::spawn_local(async { Rc::new(8) }).await.unwrap()
    }));
    assert_eq!(*out, 8);
}

#[test]
fn dropping_the_runtime_drops_pending_local_tasks_on_its_thread() {
    let rt = LocalRuntime::new().unwrap();
    let dropped_on = Arc::new(Mutex::new(None));
    let recorder = DropRecorder(dropped_on.clone());
    let task = rt.spawn_local(async move {
        let _recorder = recorder;
        let _not_send = Rc::new(());
        std::future::pending::<()>().await
    });
    rt.block_on(task::yield_now());
    drop(rt);
    assert_eq!(*dropped_on.lock().unwrap(), Some(thread::current().id()));
    assert!(futures::executor::block_on(task)
        .unwrap_err()
        .is_cancelled());
}

#[test]
fn shutdown_timeout_and_background_cancel_local_tasks() {
    for background in [false, true] {
        let rt = LocalRuntime::new().unwrap();
        let task = rt.spawn_local(std::future::pending::<()>());
        if background {
            rt.shutdown_background();
        } else {
            rt.shutdown_timeout(Duration::from_secs(5));
        }
        assert!(futures::executor::block_on(task)
            .unwrap_err()
            .is_cancelled());
    }
}

#[test]
fn spawn_blocking_runs_on_the_pool() {
    let rt = LocalRuntime::new().unwrap();
    let here = thread::current().id();
    let there = rt
        .block_on(rt.spawn_blocking(|| thread::current().id()))
        .unwrap();
    assert_ne!(here, there);
}

#[test]
fn local_tasks_woken_from_another_thread_run_on_the_runtime_thread() {
    let rt = LocalRuntime::new().unwrap();
    let (tx, rx) = futures::channel::oneshot::channel::<u8>();
    let task = rt.spawn_local(async move {
        let marker = Rc::new(());
        let value = rx.await.unwrap();
        drop(marker);
        (value, thread::current().id())
    });
    let sender = thread::spawn(move || tx.send(3).unwrap());
    let (value, ran_on) = rt.block_on(task).unwrap();
    sender.join().unwrap();
    assert_eq!((value, ran_on), (3, thread::current().id()));
}
