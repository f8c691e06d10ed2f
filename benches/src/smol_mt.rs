//! The multi-thread workloads on smol: one `Executor` run by `MULTI_THREAD_WORKERS` threads,
//! while the calling thread only waits, as it does in a multi-thread runtime's `block_on`.
//!
//! Each function starts its pool when the `Runner` is built; the pool's threads stop when the
//! `Runner` is dropped, so starting and stopping stays outside the timed region.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use smol::{Executor, Task, Timer};
use tokio::sync::{oneshot, watch};

use crate::countdown::Countdown;
use crate::remote::RemoteThread;
use crate::smol_rt::timeout;
use crate::suite::{
    sleep_durations, Runner, BLOCKING_CALLS, BUSY_TASKS, CHAIN_LENGTH, DROPPED_SLEEPS,
    MULTI_THREAD_WORKERS, PING_PONGS, READY_TIMEOUTS, REMOTE_TASKS, SPAWN_MANY_TASKS,
    UNFIRED_TIMER, YIELDS_PER_TASK, YIELD_TASKS,
};

/// An executor and the threads that run it.
pub(crate) struct Pool {
    executor: Arc<Executor<'static>>,
    /// Dropping the sender ends every thread's `run` (a watch channel works on any executor).
    stop: Option<watch::Sender<()>>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Pool {
    pub(crate) fn start() -> Pool {
        let executor = Arc::new(Executor::new());
        let (stop, stopped) = watch::channel(());
        let threads = (0..MULTI_THREAD_WORKERS)
            .map(|i| {
                let executor = Arc::clone(&executor);
                let mut stopped = stopped.clone();
                thread::Builder::new()
                    .name(format!("smol-worker-{i}"))
                    .spawn(move || {
                        smol::block_on(executor.run(async move {
                            // Ends when the sender is dropped.
                            while stopped.changed().await.is_ok() {}
                        }));
                    })
                    .expect("failed to start a smol worker thread")
            })
            .collect();
        Pool {
            executor,
            stop: Some(stop),
            threads,
        }
    }

    /// The pool's executor, for spawning from inside its tasks.
    pub(crate) fn executor(&self) -> Arc<Executor<'static>> {
        Arc::clone(&self.executor)
    }

    /// Runs `future` on the pool and waits for it on this thread.
    pub(crate) fn block_on<T: Send + 'static>(
        &self,
        future: impl std::future::Future<Output = T> + Send + 'static,
    ) -> T {
        smol::block_on(self.executor.spawn(future))
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        drop(self.stop.take());
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// A task spawns `SPAWN_MANY_TASKS` no-op tasks, then awaits them all.
pub(crate) fn spawn_many_local() -> Runner {
    let pool = Pool::start();
    Box::new(move || {
        let executor = Arc::clone(&pool.executor);
        pool.block_on(async move {
            let tasks: Vec<Task<()>> = (0..SPAWN_MANY_TASKS)
                .map(|_| executor.spawn(async {}))
                .collect();
            for task in tasks {
                task.await;
            }
        });
    })
}

/// `YIELD_TASKS` tasks, each yielding `YIELDS_PER_TASK` times; all awaited.
pub(crate) fn yield_many() -> Runner {
    let pool = Pool::start();
    Box::new(move || {
        let executor = Arc::clone(&pool.executor);
        pool.block_on(async move {
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
        });
    })
}

/// `PING_PONGS` tasks; each spawns a fresh peer, pings it and waits for the pong.
pub(crate) fn ping_pong() -> Runner {
    let pool = Pool::start();
    Box::new(move || {
        let executor = Arc::clone(&pool.executor);
        pool.block_on(async move {
            let tasks: Vec<Task<()>> = (0..PING_PONGS)
                .map(|_| {
                    let peer_executor = Arc::clone(&executor);
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
        });
    })
}

fn spawn_chain_link(executor: Arc<Executor<'static>>, remaining: usize, done: oneshot::Sender<()>) {
    if remaining == 0 {
        done.send(()).expect("chain receiver dropped");
    } else {
        let next_executor = Arc::clone(&executor);
        executor
            .spawn(async move { spawn_chain_link(next_executor, remaining - 1, done) })
            .detach();
    }
}

/// A chain of `CHAIN_LENGTH` tasks, each spawning the next.
pub(crate) fn chained_spawn() -> Runner {
    let pool = Pool::start();
    Box::new(move || {
        let executor = Arc::clone(&pool.executor);
        pool.block_on(async move {
            let (done_tx, done_rx) = oneshot::channel();
            spawn_chain_link(executor, CHAIN_LENGTH, done_tx);
            done_rx.await.expect("chain dropped its sender");
        });
    })
}

/// `BLOCKING_CALLS` no-op closures on smol's blocking pool, awaited from a task.
pub(crate) fn spawn_blocking() -> Runner {
    let pool = Pool::start();
    Box::new(move || {
        pool.block_on(async {
            let tasks: Vec<Task<()>> = (0..BLOCKING_CALLS).map(|_| smol::unblock(|| ())).collect();
            for task in tasks {
                task.await;
            }
        });
    })
}

/// A plain thread spawns `REMOTE_TASKS` no-op tasks on the pool; this thread awaits them.
pub(crate) fn remote_spawn() -> Runner {
    let pool = Pool::start();
    let remote = RemoteThread::shared();
    Box::new(move || {
        let spawner = Arc::clone(&pool.executor);
        let (tasks_tx, tasks_rx) = oneshot::channel();
        remote.run(move || {
            let tasks: Vec<Task<()>> = (0..REMOTE_TASKS).map(|_| spawner.spawn(async {})).collect();
            if tasks_tx.send(tasks).is_err() {
                panic!("pool stopped waiting for the remote tasks");
            }
        });
        smol::block_on(async {
            let tasks = tasks_rx.await.expect("remote thread dropped the tasks");
            for task in tasks {
                task.await;
            }
        });
    })
}

/// `threads` plain threads at once each spawn their share of `REMOTE_TASKS` tasks on the pool.
pub(crate) fn remote_spawn_from(threads: usize) -> Runner {
    let pool = Pool::start();
    let remotes = &RemoteThread::eight()[..threads];
    Box::new(move || {
        let mut receivers = Vec::with_capacity(threads);
        for remote in remotes {
            let spawner = Arc::clone(&pool.executor);
            let (tasks_tx, tasks_rx) = oneshot::channel();
            receivers.push(tasks_rx);
            remote.run(move || {
                let tasks: Vec<Task<()>> = (0..REMOTE_TASKS / threads)
                    .map(|_| spawner.spawn(async {}))
                    .collect();
                if tasks_tx.send(tasks).is_err() {
                    panic!("pool stopped waiting for the remote tasks");
                }
            });
        }
        smol::block_on(async {
            for tasks_rx in receivers {
                for task in tasks_rx.await.expect("remote thread dropped the tasks") {
                    task.await;
                }
            }
        });
    })
}

/// A task spawns `SLEEPING_TASKS` tasks on the pool, each waiting once on a `Timer` for its
/// duration from `sleep_durations` (1 to 5 ms), then awaits them all.
pub(crate) fn sleep_many() -> Runner {
    let pool = Pool::start();
    let durations = sleep_durations();
    Box::new(move || {
        let executor = Arc::clone(&pool.executor);
        let durations = Arc::clone(&durations);
        pool.block_on(async move {
            let tasks: Vec<Task<()>> = durations
                .iter()
                .map(|&duration| {
                    executor.spawn(async move {
                        Timer::after(duration).await;
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        });
    })
}

/// From this thread (not one of the pool's), spawns `SPAWN_MANY_TASKS` no-op tasks on the idle
/// pool, then waits until the last one has counted itself done.
pub(crate) fn spawn_many_remote_idle() -> Runner {
    let pool = Pool::start();
    Box::new(move || {
        let done = Countdown::new(SPAWN_MANY_TASKS);
        for _ in 0..SPAWN_MANY_TASKS {
            let done = Arc::clone(&done);
            pool.executor
                .spawn(async move { done.count_down() })
                .detach();
        }
        smol::block_on(done.wait());
    })
}

/// `spawn_many_remote_idle` while `BUSY_TASKS` tasks keep the pool's threads busy yielding,
/// from before the first spawn until the last spawned task is done.
pub(crate) fn spawn_many_remote_busy() -> Runner {
    let pool = Pool::start();
    Box::new(move || {
        let stop = Arc::new(AtomicBool::new(false));
        let started = Countdown::new(BUSY_TASKS);
        let busy: Vec<Task<()>> = (0..BUSY_TASKS)
            .map(|_| {
                let stop = Arc::clone(&stop);
                let started = Arc::clone(&started);
                pool.executor.spawn(async move {
                    started.count_down();
                    while !stop.load(Ordering::Relaxed) {
                        smol::future::yield_now().await;
                    }
                })
            })
            .collect();
        smol::block_on(started.wait());
        let done = Countdown::new(SPAWN_MANY_TASKS);
        for _ in 0..SPAWN_MANY_TASKS {
            let done = Arc::clone(&done);
            pool.executor
                .spawn(async move { done.count_down() })
                .detach();
        }
        smol::block_on(async {
            done.wait().await;
            stop.store(true, Ordering::Relaxed);
            for task in busy {
                task.await;
            }
        });
    })
}

/// One task on the pool awaits `READY_TIMEOUTS` timeouts, each around a ready future.
pub(crate) fn timeout_ready() -> Runner {
    let pool = Pool::start();
    Box::new(move || {
        pool.block_on(async {
            for i in 0..READY_TIMEOUTS {
                let output = timeout(UNFIRED_TIMER, std::future::ready(i)).await;
                black_box(output.expect("a ready future timed out"));
            }
        });
    })
}

/// One task on the pool creates `DROPPED_SLEEPS` timers and drops each without polling it.
pub(crate) fn sleep_create_drop() -> Runner {
    let pool = Pool::start();
    Box::new(move || {
        pool.block_on(async {
            for _ in 0..DROPPED_SLEEPS {
                drop(black_box(Timer::after(UNFIRED_TIMER)));
            }
        });
    })
}
