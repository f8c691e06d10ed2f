//! The schedulers, and the enums that dispatch over them.
//!
//! `Handle` is the cheap, cloneable, cross-thread handle of a running scheduler; `Context` is the
//! thread-local view of the scheduler this thread is driving (set by `context::set_scheduler`).

pub(crate) mod current_thread;
mod defer;
pub(crate) mod inject;
pub(crate) mod multi_thread;

use crate::loom::StdArc as Arc;
use crate::runtime::hooks::TaskHooks;
use crate::runtime::task::SpawnMeta;
use crate::runtime::{blocking, driver, RuntimeFlavor, WorkerMetrics};
use crate::task::JoinHandle;
use std::future::Future;
use std::task::Waker;

/// A handle to a running scheduler, of whichever flavour.
#[derive(Clone, Debug)]
pub(crate) enum Handle {
    CurrentThread(Arc<current_thread::Handle>),
    MultiThread(Arc<multi_thread::Handle>),
}

/// The scheduler state of the thread that drives it.
pub(crate) enum Context {
    CurrentThread(current_thread::Context),
    MultiThread(multi_thread::Context),
}

impl Handle {
    pub(crate) fn spawn<F>(&self, future: F, spawn: SpawnMeta<'_>) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Handle::CurrentThread(handle) => current_thread::Handle::spawn(handle, future, spawn),
            Handle::MultiThread(handle) => multi_thread::Handle::spawn(handle, future, spawn),
        }
    }

    /// Spawns a `!Send` future; panics unless this is a `LocalRuntime` and the caller is on
    /// its thread.
    #[track_caller]
    pub(crate) fn spawn_local<F>(&self, future: F, spawn: SpawnMeta<'_>) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
    {
        match self {
            Handle::CurrentThread(handle) => {
                current_thread::Handle::spawn_local(handle, future, spawn)
            }
            Handle::MultiThread(_) => panic!("{}", crate::util::error::SPAWN_LOCAL_OUTSIDE),
        }
    }

    /// Runs `func` on the blocking pool.
    ///
    /// # Panics
    /// Panics when the pool has no thread and the operating system refuses to start one.
    #[track_caller]
    pub(crate) fn spawn_blocking<F, R>(&self, func: F, spawn: SpawnMeta<'_>) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.blocking_spawner().spawn_blocking(self, func, spawn)
    }

    /// The task hooks of this runtime's tasks, for a `LocalSet` that adopts them.
    pub(crate) fn task_hooks(&self) -> Option<&Arc<TaskHooks>> {
        match self {
            Handle::CurrentThread(handle) => handle.task_hooks(),
            Handle::MultiThread(handle) => handle.task_hooks(),
        }
    }

    pub(crate) fn blocking_spawner(&self) -> &blocking::Spawner {
        match self {
            Handle::CurrentThread(handle) => &handle.blocking_spawner,
            Handle::MultiThread(handle) => &handle.blocking_spawner,
        }
    }

    /// The driver's waking side: its clock and timers.
    pub(crate) fn driver(&self) -> &driver::Handle {
        match self {
            Handle::CurrentThread(handle) => &handle.driver,
            Handle::MultiThread(handle) => handle.driver(),
        }
    }

    pub(crate) fn flavor(&self) -> RuntimeFlavor {
        match self {
            Handle::CurrentThread(_) => RuntimeFlavor::CurrentThread,
            Handle::MultiThread(_) => RuntimeFlavor::MultiThread,
        }
    }

    /// The runtime's id (the id of its owned-task list).
    pub(crate) fn id(&self) -> u64 {
        match self {
            Handle::CurrentThread(handle) => handle.id(),
            Handle::MultiThread(handle) => handle.id(),
        }
    }

    pub(crate) fn name(&self) -> Option<&str> {
        match self {
            Handle::CurrentThread(handle) => handle.name.as_deref(),
            Handle::MultiThread(handle) => handle.name.as_deref(),
        }
    }

    pub(crate) fn num_workers(&self) -> usize {
        match self {
            Handle::CurrentThread(_) => 1,
            Handle::MultiThread(handle) => handle.num_workers(),
        }
    }

    /// Tasks bound so far and tasks alive now.
    pub(crate) fn owned_counts(&self) -> (u64, u64) {
        match self {
            Handle::CurrentThread(handle) => handle.owned_counts(),
            Handle::MultiThread(handle) => handle.owned_counts(),
        }
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        match self {
            Handle::CurrentThread(handle) => handle.global_queue_depth(),
            Handle::MultiThread(handle) => handle.global_queue_depth(),
        }
    }

    pub(crate) fn remote_schedule_count(&self) -> u64 {
        match self {
            Handle::CurrentThread(handle) => handle.remote_schedule_count(),
            Handle::MultiThread(handle) => handle.remote_schedule_count(),
        }
    }

    pub(crate) fn worker_metrics(&self, worker: usize) -> &WorkerMetrics {
        match self {
            Handle::CurrentThread(handle) => handle.worker_metrics(),
            Handle::MultiThread(handle) => handle.worker_metrics(worker),
        }
    }

    pub(crate) fn worker_local_queue_depth(&self, worker: usize) -> usize {
        match self {
            Handle::CurrentThread(handle) => handle.local_queue_depth(),
            Handle::MultiThread(handle) => handle.worker_local_queue_depth(worker),
        }
    }

    pub(crate) fn as_multi_thread(&self) -> &Arc<multi_thread::Handle> {
        match self {
            Handle::MultiThread(handle) => handle,
            Handle::CurrentThread(_) => {
                unreachable!("a current-thread handle used as multi-thread")
            }
        }
    }

    pub(crate) fn as_current_thread(&self) -> &Arc<current_thread::Handle> {
        match self {
            Handle::CurrentThread(handle) => handle,
            Handle::MultiThread(_) => unreachable!("a multi-thread handle used as current-thread"),
        }
    }
}

impl Context {
    /// Puts `waker` on the defer list if it is one the scheduler will see again (a task's, or
    /// its own `block_on` waker); wakes any other waker at once. A foreign waker may belong to an
    /// executor nested inside a poll (`futures::executor::block_on`), which blocks the thread
    /// until that waker fires and so never hands control back to this scheduler.
    pub(crate) fn defer(&self, waker: &Waker) {
        match self {
            Context::CurrentThread(cx) => cx.defer(waker),
            Context::MultiThread(cx) => cx.defer(waker),
        }
    }

    /// The index of the worker this thread runs, while it holds the worker's core.
    pub(crate) fn worker_index(&self) -> Option<usize> {
        match self {
            Context::CurrentThread(cx) => cx.holds_core().then_some(0),
            Context::MultiThread(cx) => cx.worker_index(),
        }
    }

    /// A task on this thread ran out of coop budget (metrics).
    pub(crate) fn incr_budget_forced_yield(&self) {
        match self {
            Context::CurrentThread(cx) => cx.incr_budget_forced_yield(),
            Context::MultiThread(cx) => cx.incr_budget_forced_yield(),
        }
    }
}
