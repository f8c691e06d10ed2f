//! The pool's threads and queue.
//!
//! Contract (all under `Inner::shared`'s lock):
//! * `num_idle` counts threads waiting on the condvar that nobody has claimed yet. A spawn that
//!   finds one claims it: `num_idle -= 1; num_notify += 1`, then signals. A waiting thread only
//!   counts a wake-up as its claim when `num_notify > 0`, so spurious wake-ups claim nothing.
//! * A thread that times out unclaimed removes itself (`num_idle -= 1`) and exits; it parks its
//!   own `JoinHandle` in `last_exiting_thread` and joins the previous one, so exited threads are
//!   always reaped without a list that grows.
//! * `shutdown` is set once. After it, spawns cancel their task, and threads cancel what is
//!   still queued and exit.

use super::schedule::BlockingSchedule;
use super::shutdown;
use super::task::BlockingTask;
use crate::loom::{thread, Arc, Condvar, Mutex, StdArc};
use crate::runtime::config::{Callback, ThreadNameFn};
use crate::runtime::hooks::TaskHooks;
use crate::runtime::task::{self, JoinHandle, SpawnMeta, UnownedTask};
use crate::runtime::time::clock::AutoAdvanceInhibitor;
use crate::runtime::{context, scheduler};
use crate::util::error;
use crate::util::panic::quietly;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::time::Duration;

/// Owned by the `Runtime`; shuts the pool down when the runtime goes.
pub(crate) struct BlockingPool {
    spawner: Spawner,
    shutdown_rx: shutdown::Receiver,
}

/// Spawns blocking work; held by the scheduler handle.
#[derive(Clone)]
pub(crate) struct Spawner {
    inner: Arc<Inner>,
}

/// What the builder configures.
pub(crate) struct PoolConfig {
    pub(crate) thread_name: ThreadNameFn,
    pub(crate) stack_size: Option<usize>,
    pub(crate) after_start: Option<Callback>,
    pub(crate) before_stop: Option<Callback>,
    pub(crate) thread_cap: usize,
    pub(crate) keep_alive: Duration,
    /// The task hooks blocking tasks report to (spawn and terminate only). A std `Arc` under
    /// loom too: it is shared with the scheduler's, and loom need not model it.
    pub(crate) task_hooks: Option<StdArc<TaskHooks>>,
}

struct Inner {
    shared: Mutex<Shared>,
    condvar: Condvar,
    config: PoolConfig,
}

type Task = UnownedTask<BlockingSchedule>;

/// A blocking task waiting for a thread, with what holds its runtime's paused clock back until
/// it has run: a runtime waiting for a blocking task only looks idle, and must not jump its
/// clock to the next timer meanwhile.
struct Queued {
    task: Task,
    inhibitor: Option<AutoAdvanceInhibitor>,
}

impl Queued {
    fn run(self) {
        self.task.run();
        // Only now: the task's completion has already woken its JoinHandle, so the runtime
        // is not idle when the driver looks again.
        drop(self.inhibitor);
    }

    fn shutdown(self) {
        self.task.shutdown();
    }
}

struct Shared {
    queue: VecDeque<Queued>,
    num_threads: usize,
    num_idle: usize,
    num_notify: usize,
    shutdown: bool,
    /// Cloned into every thread; dropped here at shutdown.
    shutdown_tx: Option<shutdown::Sender>,
    last_exiting_thread: Option<thread::JoinHandle<()>>,
    threads: HashMap<usize, thread::JoinHandle<()>>,
    next_thread_index: usize,
}

impl BlockingPool {
    pub(crate) fn new(config: PoolConfig) -> BlockingPool {
        let (shutdown_tx, shutdown_rx) = shutdown::channel();
        BlockingPool {
            spawner: Spawner {
                inner: Arc::new(Inner {
                    shared: Mutex::new(Shared {
                        queue: VecDeque::new(),
                        num_threads: 0,
                        num_idle: 0,
                        num_notify: 0,
                        shutdown: false,
                        shutdown_tx: Some(shutdown_tx),
                        last_exiting_thread: None,
                        threads: HashMap::new(),
                        next_thread_index: 0,
                    }),
                    condvar: Condvar::new(),
                    config,
                }),
            },
            shutdown_rx,
        }
    }

    pub(crate) fn spawner(&self) -> &Spawner {
        &self.spawner
    }

    /// Stops the pool: cancels queued work, then waits for running closures — forever with
    /// `None`, at most `timeout` otherwise (zero: not at all). Later calls do nothing.
    pub(crate) fn shutdown(&mut self, timeout: Option<Duration>) {
        let mut shared = self.spawner.inner.shared.lock();
        if shared.shutdown {
            return;
        }
        shared.shutdown = true;
        shared.shutdown_tx = None;
        self.spawner.inner.condvar.notify_all();
        let last_exited = shared.last_exiting_thread.take();
        let threads = std::mem::take(&mut shared.threads);
        drop(shared);

        // A runtime dropped inside one of its own blocking closures: that thread holds a sender
        // it can only drop once the closure returns, so wait for the others alone.
        let own = usize::from(self.spawner.is_current_thread_in_pool());
        if self.shutdown_rx.wait(timeout, own) {
            // Every thread dropped its sender, so these joins return promptly.
            let me = thread::current().id();
            for handle in last_exited.into_iter().chain(threads.into_values()) {
                if handle.thread().id() != me {
                    let _ = handle.join();
                }
            }
        }
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

impl fmt::Debug for BlockingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingPool").finish_non_exhaustive()
    }
}

/// Why `Spawner::try_spawn_blocking` could not hand its task to a thread. The task is
/// cancelled either way, and its JoinHandle resolves to a cancelled `JoinError`.
pub(crate) enum SpawnError {
    /// The pool has shut down.
    ShutDown,
    /// The pool has no thread, and the operating system refused to start one.
    NoThreads(io::Error),
}

impl SpawnError {
    /// The error as `task::Builder` reports it. (A method, not `From`: an impl on `io::Error`
    /// would show in the compiler's hints to users about `?` on `io::Error`.)
    pub(crate) fn into_io(self) -> io::Error {
        match self {
            SpawnError::ShutDown => error::io_runtime_shutdown(),
            SpawnError::NoThreads(e) => error::io_cannot_spawn_thread(e),
        }
    }
}

impl Spawner {
    /// Runs `func` on a pool thread; after shutdown the JoinHandle resolves to a cancellation.
    ///
    /// # Panics
    /// Panics when the pool has no thread and the operating system refuses to start one.
    #[track_caller]
    pub(crate) fn spawn_blocking<F, R>(
        &self,
        rt: &scheduler::Handle,
        func: F,
        spawn: SpawnMeta<'_>,
    ) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let (join, spawned) = self.try_spawn_blocking(rt, func, spawn);
        match spawned {
            Ok(()) | Err(SpawnError::ShutDown) => join,
            Err(SpawnError::NoThreads(e)) => panic!("{}: {e}", error::OS_CANNOT_SPAWN_THREAD),
        }
    }

    /// Like `spawn_blocking`, but reports why the task could not be queued (it is cancelled
    /// then) instead of panicking or returning a cancelled JoinHandle alone.
    pub(crate) fn try_spawn_blocking<F, R>(
        &self,
        rt: &scheduler::Handle,
        func: F,
        spawn: SpawnMeta<'_>,
    ) -> (JoinHandle<R>, Result<(), SpawnError>)
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let schedule = BlockingSchedule::new(self.inner.config.task_hooks.clone());
        let (task, join) = task::unowned(BlockingTask::new(func), schedule, spawn);
        (join, self.spawn_task(task, rt))
    }

    fn spawn_task(&self, task: Task, rt: &scheduler::Handle) -> Result<(), SpawnError> {
        let queued = Queued {
            task,
            inhibitor: rt.driver().inhibit_auto_advance(),
        };
        let mut shared = self.inner.shared.lock();
        if shared.shutdown {
            drop(shared);
            queued.shutdown();
            return Err(SpawnError::ShutDown);
        }
        shared.queue.push_back(queued);
        if shared.num_idle > 0 {
            shared.num_idle -= 1;
            shared.num_notify += 1;
            drop(shared);
            // Signalled after the unlock, or the woken thread would block on the lock we hold.
            // The claim (`num_notify`) is already recorded, and an idle thread is inside its
            // wait (it re-checks the claims after every wake-up), so the signal cannot be lost.
            self.inner.condvar.notify_one();
            return Ok(());
        }
        if shared.num_threads == self.inner.config.thread_cap {
            // Every thread is busy and no more may start: the task waits in the queue.
            return Ok(());
        }
        let Some(shutdown_tx) = shared.shutdown_tx.clone() else {
            return Ok(());
        };
        let index = shared.next_thread_index;
        shared.next_thread_index += 1;
        match self.spawn_thread(shutdown_tx, rt, index) {
            Ok(handle) => {
                shared.num_threads += 1;
                shared.threads.insert(index, handle);
                Ok(())
            }
            // With no thread at all the task would wait forever: the spawn fails. Take the
            // task back out first, so it cannot run later behind a spawn that visibly failed.
            Err(e) if shared.num_threads == 0 => {
                let task = shared.queue.pop_back();
                drop(shared);
                if let Some(task) = task {
                    task.shutdown();
                }
                Err(SpawnError::NoThreads(e))
            }
            // A busy thread will take the task when it is done.
            Err(_) => Ok(()),
        }
    }

    fn spawn_thread(
        &self,
        shutdown_tx: shutdown::Sender,
        rt: &scheduler::Handle,
        index: usize,
    ) -> io::Result<thread::JoinHandle<()>> {
        let mut builder = thread::Builder::new().name((self.inner.config.thread_name)());
        if let Some(stack_size) = self.inner.config.stack_size {
            builder = builder.stack_size(stack_size);
        }
        let rt = rt.clone();
        let inner = self.inner.clone();
        let pool_id = self.pool_id();
        builder.spawn(move || {
            let _ = CURRENT_POOL.try_with(|pool| pool.set(pool_id));
            // Closures on this thread see the runtime as current.
            let _current = context::try_set_current(&rt);
            drop(rt);
            inner.run(index);
            drop(shutdown_tx);
        })
    }
}

thread_local! {
    /// The pool (its `Inner`'s address) whose thread this is; 0 elsewhere.
    static CURRENT_POOL: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Metrics (`RuntimeMetrics`): snapshots taken under the pool's lock, which every change to
/// these numbers holds.
impl Spawner {
    /// Threads started and not yet exited.
    pub(crate) fn num_threads(&self) -> usize {
        self.inner.shared.lock().num_threads
    }

    /// Threads waiting for work that no spawn has claimed yet.
    pub(crate) fn num_idle_threads(&self) -> usize {
        self.inner.shared.lock().num_idle
    }

    /// Closures waiting for a thread.
    pub(crate) fn queue_depth(&self) -> usize {
        self.inner.shared.lock().queue.len()
    }
}

impl Spawner {
    fn pool_id(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }

    fn is_current_thread_in_pool(&self) -> bool {
        CURRENT_POOL
            .try_with(|pool| pool.get() == self.pool_id())
            .unwrap_or(false)
    }
}

impl fmt::Debug for Spawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Spawner").finish_non_exhaustive()
    }
}

impl Inner {
    /// A pool thread's life: run queued work, wait idle, exit on keep-alive timeout or shutdown.
    fn run(&self, index: usize) {
        if let Some(after_start) = &self.config.after_start {
            // A panicking hook is reported by the panic hook; the thread still serves the pool
            // (unwinding here would leave its slot counted forever).
            quietly(|| after_start());
        }
        let mut shared = self.shared.lock();
        let mut exited_before_me = None;
        'work: loop {
            while !shared.shutdown {
                let Some(task) = shared.queue.pop_front() else {
                    break;
                };
                drop(shared);
                task.run();
                shared = self.shared.lock();
            }

            if !shared.shutdown {
                shared.num_idle += 1;
                loop {
                    let (guard, timed_out) =
                        self.condvar.wait_timeout(shared, self.config.keep_alive);
                    shared = guard;
                    if shared.num_notify > 0 {
                        // Claimed by a spawn, which already took us off `num_idle`.
                        shared.num_notify -= 1;
                        continue 'work;
                    }
                    if shared.shutdown {
                        shared.num_idle -= 1;
                        break;
                    }
                    if timed_out {
                        shared.num_idle -= 1;
                        let me = shared.threads.remove(&index);
                        exited_before_me = std::mem::replace(&mut shared.last_exiting_thread, me);
                        break 'work;
                    }
                    // A spurious wake-up: wait again.
                }
            }

            // Shutdown: cancel what never started, then leave.
            while let Some(task) = shared.queue.pop_front() {
                drop(shared);
                task.shutdown();
                shared = self.shared.lock();
            }
            break;
        }
        shared.num_threads -= 1;
        drop(shared);

        if let Some(before_stop) = &self.config.before_stop {
            quietly(|| before_stop());
        }
        if let Some(handle) = exited_before_me {
            let _ = handle.join();
        }
    }
}
