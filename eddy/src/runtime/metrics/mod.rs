//! Runtime metrics: what the schedulers count, and [`RuntimeMetrics`], the public view.
//!
//! Workers count in plain integers in their own core (`batch.rs`) and publish them at each
//! park and at maintenance (`worker.rs`), so no shared atomic is touched per poll; a reader sees
//! each worker as of its last flush. The poll-time histogram (`histogram.rs`) is counted and
//! published the same way. Runtime-wide counts come from the owned-task list, the inject queue
//! (`scheduler.rs`), the blocking pool and the IO driver, each of which keeps its own.
//!
//! Building with `RUSTFLAGS="--cfg eddy_no_metrics"` compiles the counting out (`ENABLED`), to
//! measure what it costs: every count then reads 0 and no histogram is kept. Normal builds need
//! no flag.

mod batch;
mod histogram;
mod scheduler;
mod worker;

pub(crate) use batch::MetricsBatch;
pub use histogram::{
    HistogramConfiguration, HistogramScale, InvalidHistogramConfiguration, LogHistogram,
    LogHistogramBuilder,
};
pub(crate) use histogram::{Layout as HistogramLayout, PollTimeHistogramSettings};
pub(crate) use scheduler::SchedulerMetrics;
pub(crate) use worker::WorkerMetrics;

use crate::runtime::scheduler::Handle as SchedulerHandle;
use crate::util::error;
use std::ops::Range;
use std::thread::ThreadId;
use std::time::Duration;

/// Whether metrics are counted: false only under `--cfg eddy_no_metrics` (module docs).
pub(crate) const ENABLED: bool = !cfg!(eddy_no_metrics);

/// A view of a runtime's metrics, from [`Runtime::metrics`](crate::runtime::Runtime::metrics)
/// or [`Handle::metrics`](crate::runtime::Handle::metrics). Cheap to clone; every read is a
/// fresh snapshot.
///
/// Per-worker methods take a worker index in `0..num_workers()` and panic on any other. A
/// worker publishes its counts when it parks and every `event_interval` ticks, so they may lag
/// behind by that much.
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

    /// The old name of [`num_alive_tasks`](Self::num_alive_tasks).
    #[doc(hidden)]
    #[deprecated(note = "renamed to `num_alive_tasks`")]
    pub fn active_tasks_count(&self) -> usize {
        self.num_alive_tasks()
    }

    /// Tasks spawned since the runtime started (blocking closures not included).
    pub fn spawned_tasks_count(&self) -> u64 {
        self.handle.owned_counts().0
    }

    /// Tasks waiting in the inject queue (scheduled from outside the workers).
    pub fn global_queue_depth(&self) -> usize {
        self.handle.global_queue_depth()
    }

    /// The old name of [`global_queue_depth`](Self::global_queue_depth).
    #[doc(hidden)]
    #[deprecated(note = "renamed to `global_queue_depth`")]
    pub fn injection_queue_depth(&self) -> usize {
        self.global_queue_depth()
    }

    /// Threads of the blocking pool (`spawn_blocking`), busy or idle. The workers are not
    /// counted.
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// assert_eq!(metrics.num_blocking_threads(), 0);
    /// rt.block_on(rt.spawn_blocking(|| {})).unwrap();
    /// // The thread stays a while (`thread_keep_alive`) for the next closure.
    /// assert_eq!(metrics.num_blocking_threads(), 1);
    /// ```
    pub fn num_blocking_threads(&self) -> usize {
        self.handle.blocking_spawner().num_threads()
    }

    /// Threads of the blocking pool waiting for a closure to run.
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// rt.block_on(rt.spawn_blocking(|| {})).unwrap();
    /// // The closure has returned; its thread goes idle soon after.
    /// while metrics.num_idle_blocking_threads() == 0 {
    ///     std::thread::yield_now();
    /// }
    /// assert_eq!(metrics.num_idle_blocking_threads(), 1);
    /// ```
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.handle.blocking_spawner().num_idle_threads()
    }

    /// Closures passed to `spawn_blocking` that wait for a thread (every thread is busy and the
    /// pool is at `max_blocking_threads`).
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread().max_blocking_threads(1).build().unwrap();
    /// let (release, wait) = std::sync::mpsc::channel::<()>();
    /// let busy = rt.spawn_blocking(move || wait.recv().unwrap());
    /// let queued = rt.spawn_blocking(|| {});
    /// // The pool's only thread may not have taken the first closure yet: then both wait.
    /// assert!((1..=2).contains(&rt.metrics().blocking_queue_depth()));
    /// release.send(()).unwrap();
    /// rt.block_on(async {
    ///     busy.await.unwrap();
    ///     queued.await.unwrap();
    /// });
    /// assert_eq!(rt.metrics().blocking_queue_depth(), 0);
    /// ```
    pub fn blocking_queue_depth(&self) -> usize {
        self.handle.blocking_spawner().queue_depth()
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

    /// Times worker `worker` parked or unparked (each counts once): odd while it is parked,
    /// even while it runs.
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

    /// Whether the runtime keeps a poll-time histogram
    /// ([`Builder::enable_metrics_poll_time_histogram`]).
    ///
    /// [`Builder::enable_metrics_poll_time_histogram`]: crate::runtime::Builder::enable_metrics_poll_time_histogram
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// assert!(rt.metrics().poll_time_histogram_enabled());
    /// ```
    pub fn poll_time_histogram_enabled(&self) -> bool {
        self.histogram().is_some()
    }

    /// The number of buckets of the poll-time histogram (0 without one).
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// // The default: 10 buckets of 100 µs.
    /// assert_eq!(rt.metrics().poll_time_histogram_num_buckets(), 10);
    /// ```
    pub fn poll_time_histogram_num_buckets(&self) -> usize {
        self.histogram()
            .map_or(0, |histogram| histogram.num_buckets())
    }

    /// The poll durations bucket `bucket` of the poll-time histogram counts: from `start`
    /// included to `end` excluded. The last bucket ends at the largest duration a `u64` of
    /// nanoseconds holds.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let rt = eddy::runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// let range = rt.metrics().poll_time_histogram_bucket_range(2);
    /// assert_eq!(range, Duration::from_micros(200)..Duration::from_micros(300));
    /// ```
    ///
    /// # Panics
    /// Panics when `bucket` is not below
    /// [`poll_time_histogram_num_buckets`](Self::poll_time_histogram_num_buckets), and so
    /// always when the runtime has no poll-time histogram.
    #[track_caller]
    pub fn poll_time_histogram_bucket_range(&self, bucket: usize) -> Range<Duration> {
        let range = self.checked_histogram(bucket).bucket_range(bucket);
        Duration::from_nanos(range.start)..Duration::from_nanos(range.end)
    }

    /// How many polls on worker `worker` took a duration in bucket `bucket`'s range, as of the
    /// worker's last flush.
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// let metrics = rt.metrics();
    /// for _ in 0..3 {
    ///     rt.block_on(async { eddy::spawn(async {}).await }).unwrap();
    /// }
    /// // Leaving `block_on` need not flush: this may still be short of the 3 polls.
    /// let polls: u64 = (0..metrics.poll_time_histogram_num_buckets())
    ///     .map(|bucket| metrics.poll_time_histogram_bucket_count(0, bucket))
    ///     .sum();
    /// assert!(polls <= 3);
    /// ```
    ///
    /// # Panics
    /// Panics on a worker index not below `num_workers()`, and on a bucket index as
    /// [`poll_time_histogram_bucket_range`](Self::poll_time_histogram_bucket_range) does.
    #[track_caller]
    pub fn poll_time_histogram_bucket_count(&self, worker: usize, bucket: usize) -> u64 {
        let worker = self.worker(worker);
        self.checked_histogram(bucket);
        let histogram = worker.poll_time_histogram.as_ref();
        histogram.map_or(0, |histogram| histogram.get(bucket))
    }

    /// The old name of [`poll_time_histogram_enabled`](Self::poll_time_histogram_enabled).
    #[doc(hidden)]
    #[deprecated(note = "renamed to `poll_time_histogram_enabled`")]
    pub fn poll_count_histogram_enabled(&self) -> bool {
        self.poll_time_histogram_enabled()
    }

    /// The old name of
    /// [`poll_time_histogram_num_buckets`](Self::poll_time_histogram_num_buckets).
    #[doc(hidden)]
    #[deprecated(note = "renamed to `poll_time_histogram_num_buckets`")]
    pub fn poll_count_histogram_num_buckets(&self) -> usize {
        self.poll_time_histogram_num_buckets()
    }

    /// The old name of
    /// [`poll_time_histogram_bucket_range`](Self::poll_time_histogram_bucket_range).
    #[doc(hidden)]
    #[deprecated(note = "renamed to `poll_time_histogram_bucket_range`")]
    #[track_caller]
    pub fn poll_count_histogram_bucket_range(&self, bucket: usize) -> Range<Duration> {
        self.poll_time_histogram_bucket_range(bucket)
    }

    /// The old name of
    /// [`poll_time_histogram_bucket_count`](Self::poll_time_histogram_bucket_count).
    #[doc(hidden)]
    #[deprecated(note = "renamed to `poll_time_histogram_bucket_count`")]
    #[track_caller]
    pub fn poll_count_histogram_bucket_count(&self, worker: usize, bucket: usize) -> u64 {
        self.poll_time_histogram_bucket_count(worker, bucket)
    }

    /// File descriptors registered with the IO driver so far (sockets, `AsyncFd`s); 0 when
    /// IO is off.
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// rt.block_on(async {
    ///     let (_a, _b) = eddy::net::UnixStream::pair().unwrap();
    /// });
    /// let metrics = rt.metrics();
    /// assert_eq!(metrics.io_driver_fd_registered_count(), 2);
    /// assert_eq!(metrics.io_driver_fd_deregistered_count(), 2);
    /// ```
    pub fn io_driver_fd_registered_count(&self) -> u64 {
        self.handle
            .driver()
            .io()
            .map_or(0, |io| io.fd_registered_count())
    }

    /// File descriptors deregistered from the IO driver so far (their resource was dropped);
    /// 0 when IO is off.
    pub fn io_driver_fd_deregistered_count(&self) -> u64 {
        self.handle
            .driver()
            .io()
            .map_or(0, |io| io.fd_deregistered_count())
    }

    /// Readiness events the IO driver received from the operating system for registered
    /// resources; 0 when IO is off.
    ///
    /// ```
    /// use std::io::Write;
    ///
    /// let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// rt.block_on(async {
    ///     let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    ///     b.set_nonblocking(true).unwrap();
    ///     let b = eddy::net::UnixStream::from_std(b).unwrap();
    ///     (&a).write_all(b"ping").unwrap();
    ///     b.readable().await.unwrap();
    /// });
    /// assert!(rt.metrics().io_driver_ready_count() >= 1);
    /// ```
    pub fn io_driver_ready_count(&self) -> u64 {
        self.handle.driver().io().map_or(0, |io| io.ready_count())
    }

    /// Worker 0's histogram layout: every worker has the same one.
    fn histogram(&self) -> Option<&HistogramLayout> {
        let histogram = self.handle.worker_metrics(0).poll_time_histogram.as_ref();
        histogram.map(|histogram| histogram.layout())
    }

    #[track_caller]
    fn checked_histogram(&self, bucket: usize) -> &HistogramLayout {
        let Some(layout) = self.histogram() else {
            panic!("{}", error::HISTOGRAM_DISABLED);
        };
        if bucket >= layout.num_buckets() {
            error::histogram_bucket_out_of_range(bucket, layout.num_buckets());
        }
        layout
    }

    #[track_caller]
    fn check_worker(&self, worker: usize) {
        let workers = self.num_workers();
        if worker >= workers {
            error::worker_index_out_of_range(worker, workers);
        }
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
