//! The handle of a multi-thread scheduler: what spawners, wakers and the runtime hold.

use super::worker::Shared;
use crate::loom::StdArc as Arc;
use crate::runtime::hooks::TaskHooks;
use crate::runtime::task::{self, JoinHandle, Schedule, SpawnMeta};
use crate::runtime::{blocking, driver, WorkerMetrics};
use crate::util::error;
use std::fmt;
use std::future::Future;
use std::task::Waker;

pub(crate) struct Handle {
    pub(super) shared: Shared,
    pub(crate) blocking_spawner: blocking::Spawner,
    pub(crate) name: Option<String>,
}

impl Handle {
    /// Spawns a `Send` future: into the spawning worker's own queue when called from one of
    /// this runtime's workers, into the inject queue otherwise.
    pub(crate) fn spawn<F>(
        me: &Arc<Handle>,
        future: F,
        spawn: SpawnMeta<'_>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, join) = task::new_task(future, me.clone(), spawn);
        // SAFETY: the future and its output are `Send`.
        if let Some(notified) = unsafe { me.shared.owned.bind_unsend(task) } {
            <Arc<Handle> as Schedule>::schedule(notified);
        }
        join
    }

    pub(crate) fn task_hooks(&self) -> Option<&Arc<TaskHooks>> {
        self.shared.task_hooks()
    }

    /// The driver's waking side: its clock and timers.
    pub(crate) fn driver(&self) -> &driver::Handle {
        self.shared.driver.handle()
    }

    /// For `block_on`: panics if a task panicked under `UnhandledPanic::ShutdownRuntime`;
    /// otherwise remembers `waker`, to be woken if that happens.
    #[track_caller]
    pub(crate) fn check_unhandled_panic(&self, waker: &Waker) {
        if self.shared.has_unhandled_panic(waker) {
            panic!("{}", error::UNHANDLED_PANIC_SHUTDOWN);
        }
    }

    pub(crate) fn id(&self) -> u64 {
        self.shared.owned.id()
    }

    /// Closes the scheduler and wakes every worker so that each shuts its part down.
    pub(crate) fn shutdown(&self) {
        self.shared.close();
    }

    pub(crate) fn num_workers(&self) -> usize {
        self.shared.num_workers()
    }

    pub(crate) fn owned_counts(&self) -> (u64, u64) {
        self.shared.owned.counts()
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        self.shared.global_queue_depth()
    }

    pub(crate) fn remote_schedule_count(&self) -> u64 {
        self.shared.remote_schedule_count()
    }

    pub(crate) fn worker_metrics(&self, worker: usize) -> &WorkerMetrics {
        self.shared.worker_metrics(worker)
    }

    pub(crate) fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.shared.worker_local_queue_depth(worker)
    }

    /// Worker threads started and not yet joined or reaped (tests of the shutdown protocol).
    #[cfg(test)]
    pub(crate) fn unjoined_threads(&self) -> usize {
        self.shared.thread_joins.lock().len()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("multi_thread::Handle")
            .field("id", &self.id())
            .field("workers", &self.num_workers())
            .finish_non_exhaustive()
    }
}
