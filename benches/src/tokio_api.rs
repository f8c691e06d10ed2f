//! Workloads for runtimes with Tokio's API, written once and instantiated for
//! each such crate, so eddy and tokio run literally the same code.
//!
//! `tokio_api_workloads!` expands to a module with one function per
//! workload. Each function takes an already-built runtime and returns a
//! [`Runner`](crate::suite::Runner) that owns it; building (and dropping) the
//! runtime therefore stays outside the timed region.
//!
//! Channels come from `tokio::sync::oneshot` for every contender: it works on
//! any executor, so the synchronisation cost is the same everywhere.

/// Expands to `mod $module { ... }` holding every workload written against
/// the crate `$krate`, which must expose Tokio's API paths.
macro_rules! tokio_api_workloads {
    ($module:ident, $krate:ident) => {
        #[doc = concat!("Workloads running on `", stringify!($krate), "`.")]
        pub(crate) mod $module {
            use ::tokio::sync::oneshot;
            use ::$krate::runtime::{Builder, Runtime};
            use ::$krate::task::JoinHandle;

            use std::hint::black_box;
            use std::sync::atomic::{AtomicBool, Ordering};
            use std::sync::Arc;
            use std::time::Duration;

            use crate::countdown::Countdown;
            use crate::remote::RemoteThread;
            use crate::suite::{
                sleep_durations, Runner, BLOCKING_CALLS, BUSY_TASKS, CHAIN_LENGTH, DROPPED_SLEEPS,
                PING_PONGS, READY_TIMEOUTS, REMOTE_TASKS, SPAWN_MANY_TASKS, UNFIRED_TIMER,
                YIELDS_PER_TASK, YIELD_TASKS,
            };

            /// A current-thread runtime with no drivers enabled: eddy has no
            /// IO or time driver yet, so neither contender gets one.
            pub(crate) fn current_thread() -> Runtime {
                Builder::new_current_thread()
                    .build()
                    .expect("failed to build a current-thread runtime")
            }

            /// A multi-thread runtime with `MULTI_THREAD_WORKERS` workers and no
            /// drivers.
            pub(crate) fn multi_thread() -> Runtime {
                Builder::new_multi_thread()
                    .worker_threads(crate::suite::MULTI_THREAD_WORKERS)
                    .build()
                    .expect("failed to build a multi-thread runtime")
            }

            /// A current-thread runtime with the time driver, for the timer
            /// workloads only: the others keep the driverless runtime their
            /// earlier results were measured on.
            pub(crate) fn current_thread_with_time() -> Runtime {
                let runtime = Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .expect("failed to build a current-thread runtime");
                check_timers(&runtime);
                runtime
            }

            /// A multi-thread runtime with `MULTI_THREAD_WORKERS` workers and
            /// the time driver, for the timer workloads.
            pub(crate) fn multi_thread_with_time() -> Runtime {
                let runtime = Builder::new_multi_thread()
                    .worker_threads(crate::suite::MULTI_THREAD_WORKERS)
                    .enable_time()
                    .build()
                    .expect("failed to build a multi-thread runtime");
                check_timers(&runtime);
                runtime
            }

            /// Creates one timer, so that a runtime without working timers
            /// fails once, here in the untimed set-up, rather than in every one
            /// of a workload's tasks.
            fn check_timers(runtime: &Runtime) {
                runtime.block_on(async { drop(::$krate::time::sleep(Duration::ZERO)) });
            }

            /// A task spawns `SLEEPING_TASKS` tasks, each sleeping once for
            /// its duration from `sleep_durations` (1 to 5 ms), then awaits
            /// them all: timers inserted, fired and woken in bulk.
            pub(crate) fn sleep_many(runtime: Runtime) -> Runner {
                let durations = sleep_durations();
                Box::new(move || {
                    let durations = durations.clone();
                    runtime.block_on(async {
                        let spawner = ::$krate::spawn(async move {
                            let handles: Vec<JoinHandle<()>> = durations
                                .iter()
                                .map(|&duration| {
                                    ::$krate::spawn(async move {
                                        ::$krate::time::sleep(duration).await;
                                    })
                                })
                                .collect();
                            for handle in handles {
                                handle.await.expect("sleeping task failed");
                            }
                        });
                        spawner.await.expect("spawning task failed");
                    });
                })
            }

            /// One task awaits `READY_TIMEOUTS` timeouts, each around a future
            /// that is already ready: a timer set up and dropped without ever
            /// firing.
            pub(crate) fn timeout_ready(runtime: Runtime) -> Runner {
                Box::new(move || {
                    runtime.block_on(async {
                        let task = ::$krate::spawn(async {
                            for i in 0..READY_TIMEOUTS {
                                let ready = std::future::ready(i);
                                let output = ::$krate::time::timeout(UNFIRED_TIMER, ready).await;
                                black_box(output.expect("a ready future timed out"));
                            }
                        });
                        task.await.expect("timeout task failed");
                    });
                })
            }

            /// One task creates `DROPPED_SLEEPS` sleeps and drops each without
            /// polling it.
            pub(crate) fn sleep_create_drop(runtime: Runtime) -> Runner {
                Box::new(move || {
                    runtime.block_on(async {
                        let task = ::$krate::spawn(async {
                            for _ in 0..DROPPED_SLEEPS {
                                drop(black_box(::$krate::time::sleep(UNFIRED_TIMER)));
                            }
                        });
                        task.await.expect("sleep task failed");
                    });
                })
            }

            /// Inside `block_on`, a task spawns `SPAWN_MANY_TASKS` no-op tasks
            /// (so every spawn is local to the runtime), then awaits every
            /// `JoinHandle`.
            pub(crate) fn spawn_many_local(runtime: Runtime) -> Runner {
                Box::new(move || {
                    runtime.block_on(async {
                        let spawner = ::$krate::spawn(async {
                            let handles: Vec<JoinHandle<()>> = (0..SPAWN_MANY_TASKS)
                                .map(|_| ::$krate::spawn(async {}))
                                .collect();
                            for handle in handles {
                                handle.await.expect("no-op task failed");
                            }
                        });
                        spawner.await.expect("spawning task failed");
                    });
                })
            }

            /// `YIELD_TASKS` tasks, each calling `yield_now` `YIELDS_PER_TASK`
            /// times; all awaited.
            pub(crate) fn yield_many(runtime: Runtime) -> Runner {
                Box::new(move || {
                    runtime.block_on(async {
                        let handles: Vec<JoinHandle<()>> = (0..YIELD_TASKS)
                            .map(|_| {
                                ::$krate::spawn(async {
                                    for _ in 0..YIELDS_PER_TASK {
                                        ::$krate::task::yield_now().await;
                                    }
                                })
                            })
                            .collect();
                        for handle in handles {
                            handle.await.expect("yielding task failed");
                        }
                    });
                })
            }

            /// `PING_PONGS` tasks; each spawns a fresh peer, sends it a ping
            /// over one oneshot and waits for the pong on another.
            pub(crate) fn ping_pong(runtime: Runtime) -> Runner {
                Box::new(move || {
                    runtime.block_on(async {
                        let handles: Vec<JoinHandle<()>> = (0..PING_PONGS)
                            .map(|_| {
                                ::$krate::spawn(async {
                                    let (ping_tx, ping_rx) = oneshot::channel::<()>();
                                    let (pong_tx, pong_rx) = oneshot::channel::<()>();
                                    ::$krate::spawn(async move {
                                        ping_rx.await.expect("ping sender dropped");
                                        pong_tx.send(()).expect("pong receiver dropped");
                                    });
                                    ping_tx.send(()).expect("ping receiver dropped");
                                    pong_rx.await.expect("pong sender dropped");
                                })
                            })
                            .collect();
                        for handle in handles {
                            handle.await.expect("ping task failed");
                        }
                    });
                })
            }

            /// Spawns the next link of the chain, or signals `done` once
            /// `remaining` reaches zero.
            fn spawn_chain_link(remaining: usize, done: oneshot::Sender<()>) {
                if remaining == 0 {
                    done.send(()).expect("chain receiver dropped");
                } else {
                    ::$krate::spawn(async move { spawn_chain_link(remaining - 1, done) });
                }
            }

            /// A chain of `CHAIN_LENGTH` tasks, each spawning the next; the
            /// last one signals completion through a oneshot.
            pub(crate) fn chained_spawn(runtime: Runtime) -> Runner {
                Box::new(move || {
                    runtime.block_on(async {
                        let (done_tx, done_rx) = oneshot::channel();
                        spawn_chain_link(CHAIN_LENGTH, done_tx);
                        done_rx.await.expect("chain dropped its sender");
                    });
                })
            }

            /// Submits `BLOCKING_CALLS` no-op closures to the blocking pool,
            /// then awaits them all.
            pub(crate) fn spawn_blocking(runtime: Runtime) -> Runner {
                Box::new(move || {
                    runtime.block_on(async {
                        let handles: Vec<JoinHandle<()>> = (0..BLOCKING_CALLS)
                            .map(|_| ::$krate::task::spawn_blocking(|| ()))
                            .collect();
                        for handle in handles {
                            handle.await.expect("blocking closure failed");
                        }
                    });
                })
            }

            /// Inside a `LocalSet` on the current-thread runtime, a local task
            /// spawns `SPAWN_MANY_TASKS` no-op `!Send` tasks with `spawn_local`
            /// (each holds an `Rc`), then awaits every `JoinHandle`.
            pub(crate) fn local_spawn_many(runtime: Runtime) -> Runner {
                Box::new(move || {
                    let local = ::$krate::task::LocalSet::new();
                    local.block_on(&runtime, async {
                        let spawner = ::$krate::task::spawn_local(async {
                            let marker = std::rc::Rc::new(());
                            let handles: Vec<JoinHandle<()>> = (0..SPAWN_MANY_TASKS)
                                .map(|_| {
                                    let marker = marker.clone();
                                    ::$krate::task::spawn_local(async move { drop(marker) })
                                })
                                .collect();
                            for handle in handles {
                                handle.await.expect("local no-op task failed");
                            }
                        });
                        spawner.await.expect("local spawning task failed");
                    });
                })
            }

            /// `YIELD_TASKS` local tasks in a `LocalSet`, each calling
            /// `yield_now` `YIELDS_PER_TASK` times; all awaited.
            pub(crate) fn local_yield_many(runtime: Runtime) -> Runner {
                Box::new(move || {
                    let local = ::$krate::task::LocalSet::new();
                    local.block_on(&runtime, async {
                        let handles: Vec<JoinHandle<()>> = (0..YIELD_TASKS)
                            .map(|_| {
                                ::$krate::task::spawn_local(async {
                                    for _ in 0..YIELDS_PER_TASK {
                                        ::$krate::task::yield_now().await;
                                    }
                                })
                            })
                            .collect();
                        for handle in handles {
                            handle.await.expect("local yielding task failed");
                        }
                    });
                })
            }

            /// A plain (non-runtime) thread spawns `REMOTE_TASKS` no-op tasks
            /// through a `Handle` while this thread sits in `block_on`,
            /// waiting for the handles; then every task is awaited.
            pub(crate) fn remote_spawn(runtime: Runtime) -> Runner {
                let remote = RemoteThread::shared();
                Box::new(move || {
                    let handle = runtime.handle().clone();
                    let (handles_tx, handles_rx) = oneshot::channel();
                    remote.run(move || {
                        let handles: Vec<JoinHandle<()>> =
                            (0..REMOTE_TASKS).map(|_| handle.spawn(async {})).collect();
                        // `JoinHandle` need not be `Debug`, so no `expect` here.
                        if handles_tx.send(handles).is_err() {
                            panic!("runtime stopped waiting for the remote handles");
                        }
                    });
                    runtime.block_on(async {
                        let handles = handles_rx.await.expect("remote thread dropped the handles");
                        for handle in handles {
                            handle.await.expect("remotely spawned task failed");
                        }
                    });
                })
            }

            /// Spawns `SPAWN_MANY_TASKS` no-op tasks with `Runtime::spawn` from
            /// the thread that owns the runtime (not a worker, so every spawn
            /// goes through the inject queue) while the workers are idle, then
            /// waits in `block_on` until the last task has counted itself done.
            pub(crate) fn spawn_many_remote_idle(runtime: Runtime) -> Runner {
                Box::new(move || {
                    let done = Countdown::new(SPAWN_MANY_TASKS);
                    for _ in 0..SPAWN_MANY_TASKS {
                        let done = Arc::clone(&done);
                        runtime.spawn(async move { done.count_down() });
                    }
                    runtime.block_on(done.wait());
                })
            }

            /// `spawn_many_remote_idle` while every worker is busy: first
            /// `BUSY_TASKS` tasks start yielding in a loop (the spawning waits
            /// until each has run once), and they keep at it until the last
            /// spawned task is done; then they stop and are awaited. Injected
            /// tasks compete with the yielding ones for the workers.
            pub(crate) fn spawn_many_remote_busy(runtime: Runtime) -> Runner {
                Box::new(move || {
                    let stop = Arc::new(AtomicBool::new(false));
                    let started = Countdown::new(BUSY_TASKS);
                    let busy: Vec<JoinHandle<()>> = (0..BUSY_TASKS)
                        .map(|_| {
                            let stop = Arc::clone(&stop);
                            let started = Arc::clone(&started);
                            runtime.spawn(async move {
                                started.count_down();
                                while !stop.load(Ordering::Relaxed) {
                                    ::$krate::task::yield_now().await;
                                }
                            })
                        })
                        .collect();
                    runtime.block_on(started.wait());
                    let done = Countdown::new(SPAWN_MANY_TASKS);
                    for _ in 0..SPAWN_MANY_TASKS {
                        let done = Arc::clone(&done);
                        runtime.spawn(async move { done.count_down() });
                    }
                    runtime.block_on(async {
                        done.wait().await;
                        stop.store(true, Ordering::Relaxed);
                        for handle in busy {
                            handle.await.expect("busy task failed");
                        }
                    });
                })
            }

            /// `threads` plain threads at once each spawn their share of
            /// `REMOTE_TASKS` no-op tasks through a `Handle`, while this thread
            /// waits in `block_on` for all the handles; then every task is
            /// awaited. Measures the inject queue under contention.
            pub(crate) fn remote_spawn_from(runtime: Runtime, threads: usize) -> Runner {
                let remotes = &RemoteThread::eight()[..threads];
                Box::new(move || {
                    let mut receivers = Vec::with_capacity(threads);
                    for remote in remotes {
                        let handle = runtime.handle().clone();
                        let (handles_tx, handles_rx) = oneshot::channel();
                        receivers.push(handles_rx);
                        remote.run(move || {
                            let handles: Vec<JoinHandle<()>> = (0..REMOTE_TASKS / threads)
                                .map(|_| handle.spawn(async {}))
                                .collect();
                            if handles_tx.send(handles).is_err() {
                                panic!("runtime stopped waiting for the remote handles");
                            }
                        });
                    }
                    runtime.block_on(async {
                        for handles_rx in receivers {
                            let handles =
                                handles_rx.await.expect("remote thread dropped the handles");
                            for handle in handles {
                                handle.await.expect("remotely spawned task failed");
                            }
                        }
                    });
                })
            }
        }
    };
}

tokio_api_workloads!(eddy_rt, eddy);
tokio_api_workloads!(tokio_rt, tokio);
