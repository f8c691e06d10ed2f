//! Runtime metrics: what the schedulers count, and [`RuntimeMetrics`], the public view.
//!
//! Workers count in plain integers in their own core (`batch.rs`) and publish them at each
//! park and at maintenance (`worker.rs`), so no shared atomic is touched per poll; a reader sees
//! each worker as of its last flush. Runtime-wide counts come from the owned-task list and the
//! inject queue (`scheduler.rs`).
//!
//! Building with `RUSTFLAGS="--cfg eddy_no_metrics"` compiles the counting out (`ENABLED`), to
//! measure what it costs: every count then reads 0. Normal builds need no flag.

mod batch;
mod scheduler;
mod worker;

pub(crate) use batch::MetricsBatch;
pub(crate) use scheduler::SchedulerMetrics;
pub(crate) use worker::WorkerMetrics;

use crate::runtime::scheduler::Handle as SchedulerHandle;
use std::thread::ThreadId;
use std::time::Duration;

/// Whether metrics are counted: false only under `--cfg eddy_no_metrics` (module docs).
pub(crate) const ENABLED: bool = !cfg!(eddy_no_metrics);

/// A view of a runtime's metrics, from [`Runtime::metrics`](crate::runtime::Runtime::metrics)
/// or [`Handle::metrics`](crate::runtime::Handle::metrics). Cheap to clone; every read is a
/// fresh snapshot.
///
/// Per-worker methods take a worker index in `0..num_workers()` and panic on any other.
///
/// ```
/// let rt = eddy::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// rt.block_on(async {
///     eddy::spawn(async {}).await.unwrap();
/// });
/// let metrics = rt.metrics();
/// assert_eq!(metrics.num_workers(), 2);
/// assert_eq!(metrics.num_alive_tasks(), 0);
/// assert_eq!(metrics.spawned_tasks_count(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    handle: SchedulerHandle,
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: SchedulerHandle) -> RuntimeMetrics {
        RuntimeMetrics { handle }
    }

    /// The number of worker threads (1 on the current-thread runtime: the thread in
    /// `block_on`).
    pub fn num_workers(&self) -> usize {
        self.handle.num_workers()
    }

    /// Tasks spawned and not yet finished.
    pub fn num_alive_tasks(&self) -> usize {
        self.handle.owned_counts().1 as usize
    }

    /// Tasks spawned since the runtime started (blocking closures not included).
    pub fn spawned_tasks_count(&self) -> u64 {
        self.handle.owned_counts().0
    }

    /// Tasks waiting in the inject queue (scheduled from outside the workers).
    pub fn global_queue_depth(&self) -> usize {
        self.handle.global_queue_depth()
    }

    /// Tasks scheduled from outside the runtime's threads (through the inject queue).
    pub fn remote_schedule_count(&self) -> u64 {
        self.handle.remote_schedule_count()
    }

    /// Polls that ended because a task ran out of coop budget, over all workers.
    pub fn budget_forced_yield_count(&self) -> u64 {
        (0..self.num_workers())
            .map(|i| WorkerMetrics::load(&self.worker(i).budget_forced_yield_count))
            .sum()
    }

    /// Times worker `worker` parked.
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        WorkerMetrics::load(&self.worker(worker).park_count)
    }

    /// Times worker `worker` parked or unparked (each counts once).
    #[track_caller]
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        WorkerMetrics::load(&self.worker(worker).park_unpark_count)
    }

    /// Times worker `worker` woke up and parked again without running a task.
    #[track_caller]
    pub fn worker_noop_count(&self, worker: usize) -> u64 {
        WorkerMetrics::load(&self.worker(worker).noop_count)
    }

    /// Tasks worker `worker` stole from other workers.
    #[track_caller]
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        WorkerMetrics::load(&self.worker(worker).steal_count)
    }

    /// Successful steal operations of worker `worker` (each takes one or more tasks).
    #[track_caller]
    pub fn worker_steal_operations(&self, worker: usize) -> u64 {
        WorkerMetrics::load(&self.worker(worker).steal_operations)
    }

    /// Task polls worker `worker` made.
    #[track_caller]
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        WorkerMetrics::load(&self.worker(worker).poll_count)
    }

    /// Tasks worker `worker` scheduled onto its own queue (woken from its own tasks).
    #[track_caller]
    pub fn worker_local_schedule_count(&self, worker: usize) -> u64 {
        WorkerMetrics::load(&self.worker(worker).local_schedule_count)
    }

    /// Times worker `worker`'s queue was full and moved half of itself to the inject queue.
    #[track_caller]
    pub fn worker_overflow_count(&self, worker: usize) -> u64 {
        WorkerMetrics::load(&self.worker(worker).overflow_count)
    }

    /// Time worker `worker` spent running tasks.
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        Duration::from_nanos(WorkerMetrics::load(
            &self.worker(worker).busy_duration_total,
        ))
    }

    /// A moving average of how long one poll takes on worker `worker` (zero before the first
    /// measurement).
    #[track_caller]
    pub fn worker_mean_poll_time(&self, worker: usize) -> Duration {
        Duration::from_nanos(WorkerMetrics::load(&self.worker(worker).mean_poll_time))
    }

    /// Tasks waiting in worker `worker`'s own queue.
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.check_worker(worker);
        self.handle.worker_local_queue_depth(worker)
    }

    /// The thread that runs worker `worker` now, if it runs (it may move, with
    /// `block_in_place`).
    #[track_caller]
    pub fn worker_thread_id(&self, worker: usize) -> Option<ThreadId> {
        *self.worker(worker).thread_id.lock()
    }

    #[track_caller]
    fn check_worker(&self, worker: usize) {
        let workers = self.num_workers();
        assert!(
            worker < workers,
            "worker index {worker} out of range: this runtime has {workers} worker(s)"
        );
    }

    #[track_caller]
    fn worker(&self, worker: usize) -> &WorkerMetrics {
        self.check_worker(worker);
        self.handle.worker_metrics(worker)
    }
}

// Like `Handle`: reading metrics after a panic sees, at worst, counters mid-update.
impl std::panic::UnwindSafe for RuntimeMetrics {}
impl std::panic::RefUnwindSafe for RuntimeMetrics {}
