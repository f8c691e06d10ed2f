//! The same workloads on smol.
//!
//! smol has no runtime object with a thread-local `spawn`, so tasks are
//! spawned on an explicit executor: a `LocalExecutor` driven on the calling
//! thread by `smol::block_on(executor.run(..))` is smol's counterpart of a
//! current-thread runtime. Tasks that spawn further tasks hold an `Rc` to it.
//! `remote_spawn` needs an executor other threads can reach, so it uses a
//! (thread-safe) `Executor`, still run by the calling thread only.
//!
//! Each function builds its executor up front and returns a
//! [`Runner`] that owns it, as the Tokio-API versions do.

use std::future::Future;
use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use smol::{Executor, LocalExecutor, Task, Timer};
use tokio::sync::oneshot;

use crate::remote::RemoteThread;
use crate::suite::{
    sleep_durations, Runner, BLOCKING_CALLS, CHAIN_LENGTH, DROPPED_SLEEPS, PING_PONGS,
    READY_TIMEOUTS, REMOTE_TASKS, SPAWN_MANY_TASKS, UNFIRED_TIMER, YIELDS_PER_TASK, YIELD_TASKS,
};

/// An executor for the current thread, shareable with the tasks it runs.
type SharedLocalExecutor = Rc<LocalExecutor<'static>>;

/// A task on the executor spawns `SPAWN_MANY_TASKS` no-op tasks, then awaits
/// every task handle.
pub(crate) fn spawn_many_local() -> Runner {
    let executor: SharedLocalExecutor = Rc::new(LocalExecutor::new());
    Box::new(move || {
        let task_executor = Rc::clone(&executor);
        smol::block_on(executor.run(executor.spawn(async move {
            let tasks: Vec<Task<()>> = (0..SPAWN_MANY_TASKS)
                .map(|_| task_executor.spawn(async {}))
                .collect();
            for task in tasks {
                task.await;
            }
        })));
    })
}

/// `YIELD_TASKS` tasks, each calling `yield_now` `YIELDS_PER_TASK` times;
/// all awaited.
pub(crate) fn yield_many() -> Runner {
    let executor = LocalExecutor::new();
    Box::new(move || {
        smol::block_on(executor.run(async {
            let tasks: Vec<Task<()>> = (0..YIELD_TASKS)
                .map(|_| {
                    executor.spawn(async {
                        for _ in 0..YIELDS_PER_TASK {
                            smol::future::yield_now().await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        }));
    })
}

/// `PING_PONGS` tasks; each spawns a fresh peer, sends it a ping over one
/// oneshot and waits for the pong on another.
pub(crate) fn ping_pong() -> Runner {
    let executor: SharedLocalExecutor = Rc::new(LocalExecutor::new());
    Box::new(move || {
        smol::block_on(executor.run(async {
            let tasks: Vec<Task<()>> = (0..PING_PONGS)
                .map(|_| {
                    let peer_executor = Rc::clone(&executor);
                    executor.spawn(async move {
                        let (ping_tx, ping_rx) = oneshot::channel::<()>();
                        let (pong_tx, pong_rx) = oneshot::channel::<()>();
                        peer_executor
                            .spawn(async move {
                                ping_rx.await.expect("ping sender dropped");
                                pong_tx.send(()).expect("pong receiver dropped");
                            })
                            .detach();
                        ping_tx.send(()).expect("ping receiver dropped");
                        pong_rx.await.expect("pong sender dropped");
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        }));
    })
}

/// Spawns the next link of the chain on `executor`, or signals `done` once
/// `remaining` reaches zero.
fn spawn_chain_link(executor: SharedLocalExecutor, remaining: usize, done: oneshot::Sender<()>) {
    if remaining == 0 {
        done.send(()).expect("chain receiver dropped");
    } else {
        let next_executor = Rc::clone(&executor);
        executor
            .spawn(async move { spawn_chain_link(next_executor, remaining - 1, done) })
            .detach();
    }
}

/// A chain of `CHAIN_LENGTH` tasks, each spawning the next; the last one
/// signals completion through a oneshot.
pub(crate) fn chained_spawn() -> Runner {
    let executor: SharedLocalExecutor = Rc::new(LocalExecutor::new());
    Box::new(move || {
        smol::block_on(executor.run(async {
            let (done_tx, done_rx) = oneshot::channel();
            spawn_chain_link(Rc::clone(&executor), CHAIN_LENGTH, done_tx);
            done_rx.await.expect("chain dropped its sender");
        }));
    })
}

/// Submits `BLOCKING_CALLS` no-op closures to smol's blocking pool
/// (`smol::unblock`), then awaits them all.
pub(crate) fn spawn_blocking() -> Runner {
    let executor = LocalExecutor::new();
    Box::new(move || {
        smol::block_on(executor.run(async {
            let tasks: Vec<Task<()>> = (0..BLOCKING_CALLS).map(|_| smol::unblock(|| ())).collect();
            for task in tasks {
                task.await;
            }
        }));
    })
}

/// A plain thread spawns `REMOTE_TASKS` no-op tasks on the executor while
/// this thread runs it, waiting for the task handles; then every task is
/// awaited.
pub(crate) fn remote_spawn() -> Runner {
    let executor = Arc::new(Executor::new());
    let remote = RemoteThread::shared();
    Box::new(move || {
        let spawner = Arc::clone(&executor);
        let (tasks_tx, tasks_rx) = oneshot::channel();
        remote.run(move || {
            let tasks: Vec<Task<()>> = (0..REMOTE_TASKS).map(|_| spawner.spawn(async {})).collect();
            if tasks_tx.send(tasks).is_err() {
                panic!("executor stopped waiting for the remote tasks");
            }
        });
        smol::block_on(executor.run(async {
            let tasks = tasks_rx.await.expect("remote thread dropped the tasks");
            for task in tasks {
                task.await;
            }
        }));
    })
}

/// smol's `LocalExecutor` already runs `!Send` tasks: the counterpart of a
/// `LocalSet` is the same executor as in `spawn_many_local`, with each task
/// holding an `Rc`.
pub(crate) fn local_spawn_many() -> Runner {
    let executor: SharedLocalExecutor = Rc::new(LocalExecutor::new());
    Box::new(move || {
        let task_executor = Rc::clone(&executor);
        smol::block_on(executor.run(executor.spawn(async move {
            let marker = Rc::new(());
            let tasks: Vec<Task<()>> = (0..SPAWN_MANY_TASKS)
                .map(|_| {
                    let marker = Rc::clone(&marker);
                    task_executor.spawn(async move { drop(marker) })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        })));
    })
}

/// smol's counterpart of Tokio's `timeout`: `future` raced against a `Timer`, the future polled
/// first; `None` when the timer wins. The timer is created before the race starts, as Tokio
/// creates its `Sleep` when `timeout` is called (`or` would not even create it otherwise, when
/// the future is ready at once).
pub(crate) async fn timeout<F: Future>(duration: Duration, future: F) -> Option<F::Output> {
    let timer = Timer::after(duration);
    smol::future::or(async { Some(future.await) }, async {
        timer.await;
        None
    })
    .await
}

/// A task spawns `SLEEPING_TASKS` tasks, each waiting once on a `Timer` for its duration from
/// `sleep_durations` (1 to 5 ms), then awaits them all.
pub(crate) fn sleep_many() -> Runner {
    let executor: SharedLocalExecutor = Rc::new(LocalExecutor::new());
    let durations = sleep_durations();
    Box::new(move || {
        let task_executor = Rc::clone(&executor);
        let durations = Arc::clone(&durations);
        smol::block_on(executor.run(executor.spawn(async move {
            let tasks: Vec<Task<()>> = durations
                .iter()
                .map(|&duration| {
                    task_executor.spawn(async move {
                        Timer::after(duration).await;
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        })));
    })
}

/// One task awaits `READY_TIMEOUTS` timeouts (see [`timeout`]), each around a future that is
/// already ready.
pub(crate) fn timeout_ready() -> Runner {
    let executor = LocalExecutor::new();
    Box::new(move || {
        smol::block_on(executor.run(executor.spawn(async {
            for i in 0..READY_TIMEOUTS {
                let output = timeout(UNFIRED_TIMER, std::future::ready(i)).await;
                black_box(output.expect("a ready future timed out"));
            }
        })));
    })
}

/// One task creates `DROPPED_SLEEPS` timers and drops each without polling it.
pub(crate) fn sleep_create_drop() -> Runner {
    let executor = LocalExecutor::new();
    Box::new(move || {
        smol::block_on(executor.run(executor.spawn(async {
            for _ in 0..DROPPED_SLEEPS {
                drop(black_box(Timer::after(UNFIRED_TIMER)));
            }
        })));
    })
}
