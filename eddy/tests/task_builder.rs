//! `task::Builder` and `JoinSet::build_task`: every spawn variant runs its task, the name and
//! the caller's line reach the task hooks, and the errors and panics are the documented ones.

mod support;

use std::panic::Location;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use eddy::runtime::{self, Builder, LocalOptions, Runtime, TaskMeta};
use eddy::task::{self, Id, JoinSet, LocalSet};

/// What the spawn hook saw of one task.
#[derive(Clone, Debug, PartialEq)]
struct Spawned {
    name: Option<String>,
    file: &'static str,
    line: u32,
}

/// A task and the name its terminate hook saw.
type Terminated = (Id, Option<String>);

/// What the spawn and terminate hooks saw, in order.
#[derive(Clone, Default)]
struct Seen {
    spawned: Arc<Mutex<Vec<(Id, Spawned)>>>,
    terminated: Arc<Mutex<Vec<Terminated>>>,
}

impl Seen {
    fn install<'b>(&self, builder: &'b mut Builder) -> &'b mut Builder {
        let spawned = self.spawned.clone();
        let terminated = self.terminated.clone();
        builder
            .on_task_spawn(move |meta: &TaskMeta<'_>| {
                let at: &Location<'_> = meta.spawned_at();
                let record = Spawned {
                    name: meta.name().map(str::to_owned),
                    file: at.file(),
                    line: at.line(),
                };
                spawned.lock().unwrap().push((meta.id(), record));
            })
            .on_task_terminate(move |meta: &TaskMeta<'_>| {
                let name = meta.name().map(str::to_owned);
                terminated.lock().unwrap().push((meta.id(), name));
            })
    }

    fn spawned(&self, id: Id) -> Spawned {
        let spawned = self.spawned.lock().unwrap();
        let mut of_id = spawned.iter().filter(|(task, _)| *task == id);
        let (_, record) = of_id.next().expect("the spawn hook saw the task");
        assert!(of_id.next().is_none(), "one spawn hook call per task");
        record.clone()
    }

    fn terminated(&self, id: Id) -> Vec<Option<String>> {
        let terminated = self.terminated.lock().unwrap();
        terminated
            .iter()
            .filter(|(task, _)| *task == id)
            .map(|(_, name)| name.clone())
            .collect()
    }
}

/// What `Seen` should hold for a task named `name`, spawned at `line` of this file.
fn at(name: Option<&str>, line: u32) -> Spawned {
    Spawned {
        name: name.map(str::to_owned),
        file: file!(),
        line,
    }
}

fn current_thread(seen: &Seen) -> Runtime {
    seen.install(&mut Builder::new_current_thread())
        .build()
        .unwrap()
}

fn multi_thread(seen: &Seen) -> Runtime {
    seen.install(Builder::new_multi_thread().worker_threads(2))
        .build()
        .unwrap()
}

#[test]
fn builder_is_a_small_copyable_value() {
    let unnamed = task::Builder::new();
    let named = unnamed.name("named");
    // `name` leaves the original alone.
    assert_eq!(format!("{unnamed:?}"), "Builder { name: None }");
    assert_eq!(format!("{named:?}"), "Builder { name: Some(\"named\") }");
    let default: task::Builder<'_> = Default::default();
    assert_eq!(format!("{default:?}"), format!("{unnamed:?}"));
}

#[test]
fn spawn_runs_a_named_task_on_each_flavour() {
    for rt in [current_thread as fn(&Seen) -> Runtime, multi_thread] {
        let seen = Seen::default();
        let rt = rt(&seen);
        let (id, line) = rt.block_on(async {
            let builder = task::Builder::new().name("adder");
            let (task, line) = (builder.spawn(async { 20 + 22 }).unwrap(), line!());
            let id = task.id();
            assert_eq!(task.await.unwrap(), 42);
            (id, line)
        });
        assert_eq!(seen.spawned(id), at(Some("adder"), line));
        assert_eq!(seen.terminated(id), [Some("adder".to_owned())]);
    }
}

#[test]
fn the_name_is_copied_into_the_task() {
    let seen = Seen::default();
    let rt = current_thread(&seen);
    let name = String::from("short-lived");
    let task = task::Builder::new()
        .name(&name)
        .spawn_on(async { task::yield_now().await }, rt.handle())
        .unwrap();
    let id = task.id();
    // The builder borrowed the name only for the spawn.
    drop(name);
    rt.block_on(task).unwrap();
    assert_eq!(seen.terminated(id), [Some("short-lived".to_owned())]);
}

#[test]
fn spawn_on_a_handle_from_another_thread() {
    let seen = Seen::default();
    let rt = multi_thread(&seen);
    let handle = rt.handle().clone();
    let (id, line) = std::thread::spawn(move || {
        let builder = task::Builder::new().name("remote");
        let (task, line) = (builder.spawn_on(async { 7 }, &handle).unwrap(), line!());
        let id = task.id();
        assert_eq!(futures::executor::block_on(task).unwrap(), 7);
        (id, line)
    })
    .join()
    .unwrap();
    assert_eq!(seen.spawned(id), at(Some("remote"), line));
}

#[test]
fn spawn_local_in_a_local_set() {
    let seen = Seen::default();
    let rt = current_thread(&seen);
    let local = LocalSet::new();
    let (id, line) = local.block_on(&rt, async {
        let shared = Rc::new(3);
        let future = async move { *shared * 2 };
        let builder = task::Builder::new().name("local");
        let (task, line) = (builder.spawn_local(future).unwrap(), line!());
        let id = task.id();
        assert_eq!(task.await.unwrap(), 6);
        (id, line)
    });
    assert_eq!(seen.spawned(id), at(Some("local"), line));
    assert_eq!(seen.terminated(id), [Some("local".to_owned())]);
}

#[test]
fn spawn_local_in_a_local_runtime() {
    let seen = Seen::default();
    let rt = seen
        .install(&mut Builder::new_current_thread())
        .build_local(LocalOptions::default())
        .unwrap();
    let (id, line) = rt.block_on(async {
        let shared = Rc::new("not Send");
        let future = async move { shared.len() };
        let builder = task::Builder::new().name("on the local runtime");
        let (task, line) = (builder.spawn_local(future).unwrap(), line!());
        let id = task.id();
        assert_eq!(task.await.unwrap(), 8);
        (id, line)
    });
    assert_eq!(seen.spawned(id), at(Some("on the local runtime"), line));
}

#[test]
fn spawn_local_on_a_given_local_set() {
    let seen = Seen::default();
    let rt = current_thread(&seen);
    let local = {
        let _inside = rt.enter();
        LocalSet::new()
    };
    let shared = Rc::new(5);
    let future = async move { *shared + 1 };
    let builder = task::Builder::new().name("given set");
    let (task, line) = (builder.spawn_local_on(future, &local).unwrap(), line!());
    let id = task.id();
    assert_eq!(local.block_on(&rt, task).unwrap(), 6);
    assert_eq!(seen.spawned(id), at(Some("given set"), line));
}

#[test]
fn spawn_blocking_and_spawn_blocking_on() {
    let seen = Seen::default();
    let rt = multi_thread(&seen);
    let builder = task::Builder::new().name("blocking");
    let handle = rt.handle();
    let (on, on_line) = (builder.spawn_blocking_on(|| 1, handle).unwrap(), line!());
    let (current, current_line) = rt.block_on(async {
        let (task, line) = (builder.spawn_blocking(|| 2).unwrap(), line!());
        (task, line)
    });
    let (on_id, current_id) = (on.id(), current.id());
    assert_eq!(rt.block_on(on).unwrap(), 1);
    assert_eq!(rt.block_on(current).unwrap(), 2);
    assert_eq!(seen.spawned(on_id), at(Some("blocking"), on_line));
    assert_eq!(seen.spawned(current_id), at(Some("blocking"), current_line));
    assert_eq!(seen.terminated(on_id), [Some("blocking".to_owned())]);
}

#[test]
fn spawn_blocking_on_a_shut_down_runtime_is_an_error() {
    let seen = Seen::default();
    let rt = current_thread(&seen);
    let handle = rt.handle().clone();
    drop(rt);
    let err = task::Builder::new()
        .name("too late")
        .spawn_blocking_on(|| (), &handle)
        .unwrap_err();
    assert!(runtime::is_rt_shutdown_err(&err), "{err}");
    // The refused task was still reported, and ended at once.
    let spawned = seen.spawned.lock().unwrap().clone();
    assert_eq!(spawned.len(), 1);
    let id = spawned[0].0;
    assert_eq!(seen.terminated(id), [Some("too late".to_owned())]);
    // The plain spawn of a future is not an error: its JoinHandle reports the cancellation.
    let task = task::Builder::new()
        .spawn_on(async {}, &handle)
        .expect("spawning a future never fails");
    assert!(futures::executor::block_on(task)
        .unwrap_err()
        .is_cancelled());
}

#[test]
fn spawn_panics_outside_a_runtime_at_the_callers_line() {
    let outside = |f: fn()| support::catch_panic(f).expect("panics outside a runtime");
    let (message, file) = outside(|| {
        let _ = task::Builder::new().name("nowhere").spawn(async {});
    });
    assert!(message.contains("must be called from the context of an eddy runtime"));
    assert_eq!(file.as_deref(), Some(file!()));
    let (_, file) = outside(|| {
        let _ = task::Builder::new().spawn_blocking(|| ());
    });
    assert_eq!(file.as_deref(), Some(file!()));
    let (message, file) = outside(|| {
        let _ = task::Builder::new().spawn_local(async {});
    });
    assert!(message.contains("spawn_local"), "{message}");
    assert_eq!(file.as_deref(), Some(file!()));
}

#[test]
fn join_set_build_task_spawns_every_variant_into_the_set() {
    let seen = Seen::default();
    let rt = current_thread(&seen);
    let handle = rt.handle().clone();
    // Created inside the runtime, so the set reports to its hooks even for the task spawned
    // onto it from outside (below).
    let local = {
        let _inside = rt.enter();
        LocalSet::new()
    };
    let mut set = JoinSet::new();
    let mut expected = Vec::new();

    let builder = set.build_task().name("on");
    let (t, line) = (builder.spawn_on(async { 1 }, &handle), line!());
    expected.push((t.unwrap().id(), at(Some("on"), line)));
    let builder = set.build_task().name("b-on");
    let (t, line) = (builder.spawn_blocking_on(|| 2, &handle), line!());
    expected.push((t.unwrap().id(), at(Some("b-on"), line)));
    let rc = Rc::new(3);
    let future = async move { *rc };
    let builder = set.build_task().name("l-on");
    let (t, line) = (builder.spawn_local_on(future, &local), line!());
    expected.push((t.unwrap().id(), at(Some("l-on"), line)));

    let outputs = local.block_on(&rt, async {
        let (t, line) = (set.build_task().name("plain").spawn(async { 4 }), line!());
        expected.push((t.unwrap().id(), at(Some("plain"), line)));
        let (t, line) = (set.build_task().spawn_blocking(|| 5), line!());
        expected.push((t.unwrap().id(), at(None, line)));
        let rc = Rc::new(6);
        let future = async move { *rc };
        let (t, line) = (set.build_task().name("l").spawn_local(future), line!());
        expected.push((t.unwrap().id(), at(Some("l"), line)));
        assert_eq!(set.len(), 6);
        let mut outputs = Vec::new();
        while let Some(joined) = set.join_next_with_id().await {
            outputs.push(joined.unwrap());
        }
        outputs
    });
    let mut values: Vec<_> = outputs.iter().map(|&(_, v)| v).collect();
    values.sort_unstable();
    assert_eq!(values, [1, 2, 3, 4, 5, 6]);
    for (id, spawned) in expected {
        assert_eq!(seen.spawned(id), spawned);
        assert!(outputs.iter().any(|&(joined, _)| joined == id));
    }
}

#[test]
fn join_set_builder_abort_handle_cancels_the_task() {
    let rt = Builder::new_current_thread().build().unwrap();
    let mut set = JoinSet::new();
    rt.block_on(async {
        let abort = set
            .build_task()
            .name("forever")
            .spawn(std::future::pending::<()>())
            .unwrap();
        abort.abort();
        let err = set.join_next().await.unwrap().unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.id(), abort.id());
    });
}

#[test]
fn join_set_builder_error_leaves_the_set_untouched() {
    let rt = Builder::new_current_thread().build().unwrap();
    let handle = rt.handle().clone();
    drop(rt);
    let mut set = JoinSet::<()>::new();
    let err = set
        .build_task()
        .spawn_blocking_on(|| (), &handle)
        .unwrap_err();
    assert!(runtime::is_rt_shutdown_err(&err));
    assert!(set.is_empty());
    assert!(format!("{:?}", set.build_task()).starts_with("join_set::Builder"));
}
