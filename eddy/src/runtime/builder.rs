//! `Builder`: configures and builds a `Runtime`.

use crate::loom::StdArc as Arc;
use crate::runtime::blocking::{BlockingPool, PoolConfig};
use crate::runtime::config::{Callback, Config, ThreadNameFn, UnhandledPanic};
use crate::runtime::hooks::{TaskCallback, TaskHooks};
use crate::runtime::metrics::{HistogramConfiguration, HistogramScale, PollTimeHistogramSettings};
use crate::runtime::scheduler::multi_thread::{self, MultiThread};
use crate::runtime::scheduler::{self, current_thread::CurrentThread};
use crate::runtime::RngSeed;
use crate::runtime::{
    driver::{self, Driver},
    Handle, LocalOptions, LocalRuntime, Runtime, RuntimeScheduler, TaskMeta,
};
use crate::util::error;
use std::fmt;
use std::io;
use std::thread::ThreadId;
use std::time::Duration;

/// Builds a runtime with custom settings.
///
/// ```
/// use eddy::runtime::Builder;
///
/// let rt = Builder::new_current_thread()
///     .thread_name("my-blocking-pool")
///     .max_blocking_threads(8)
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    kind: Kind,
    max_blocking_threads: usize,
    thread_name: ThreadNameFn,
    thread_stack_size: Option<usize>,
    after_start: Option<Callback>,
    before_stop: Option<Callback>,
    before_park: Option<Callback>,
    after_unpark: Option<Callback>,
    keep_alive: Option<Duration>,
    global_queue_interval: Option<u32>,
    event_interval: u32,
    name: Option<String>,
    worker_threads: Option<usize>,
    disable_lifo_slot: bool,
    rng_seed: Option<RngSeed>,
    enable_io: bool,
    max_io_events_per_tick: usize,
    enable_time: bool,
    start_paused: bool,
    unhandled_panic: UnhandledPanic,

    // Metrics (runtime/metrics).
    metrics_poll_time_histogram: PollTimeHistogramSettings,
    // Task hooks (`runtime/hooks.rs`); set in the `impl` block at the end of this file.
    on_task_spawn: Option<TaskCallback>,
    on_task_terminate: Option<TaskCallback>,
    on_before_task_poll: Option<TaskCallback>,
    on_after_task_poll: Option<TaskCallback>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    CurrentThread,
    MultiThread,
}

/// Default of `max_io_events_per_tick`.
const DEFAULT_MAX_IO_EVENTS_PER_TICK: usize = 1024;
/// Default of `max_blocking_threads`.
const DEFAULT_MAX_BLOCKING_THREADS: usize = 512;
/// Default of `thread_keep_alive`.
const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);
/// Default of `event_interval`: a prime, so it does not beat against `global_queue_interval`.
const DEFAULT_EVENT_INTERVAL: u32 = 61;

impl Builder {
    /// A builder for the current-thread runtime: every task runs on the thread that calls
    /// `block_on`.
    pub fn new_current_thread() -> Builder {
        Builder::new(Kind::CurrentThread)
    }

    /// A builder for the multi-thread runtime: tasks run on a pool of worker threads (one per
    /// core by default) that steal work from each other.
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .build()
    ///     .unwrap();
    /// let sum = rt.block_on(async {
    ///     let tasks: Vec<_> = (0..10u64).map(|n| eddy::spawn(async move { n })).collect();
    ///     let mut sum = 0;
    ///     for task in tasks {
    ///         sum += task.await.unwrap();
    ///     }
    ///     sum
    /// });
    /// assert_eq!(sum, 45);
    /// ```
    pub fn new_multi_thread() -> Builder {
        Builder::new(Kind::MultiThread)
    }

    fn new(kind: Kind) -> Builder {
        Builder {
            kind,
            max_blocking_threads: DEFAULT_MAX_BLOCKING_THREADS,
            thread_name: Arc::new(|| "eddy-runtime-worker".to_string()),
            thread_stack_size: None,
            after_start: None,
            before_stop: None,
            before_park: None,
            after_unpark: None,
            keep_alive: None,
            global_queue_interval: None,
            event_interval: DEFAULT_EVENT_INTERVAL,
            name: None,
            worker_threads: None,
            disable_lifo_slot: false,
            rng_seed: None,
            enable_io: false,
            max_io_events_per_tick: DEFAULT_MAX_IO_EVENTS_PER_TICK,
            enable_time: false,
            start_paused: false,
            unhandled_panic: UnhandledPanic::Ignore,
            metrics_poll_time_histogram: PollTimeHistogramSettings::default(),
            on_task_spawn: None,
            on_task_terminate: None,
            on_before_task_poll: None,
            on_after_task_poll: None,
        }
    }

    /// Enables every driver: IO and time.
    pub fn enable_all(&mut self) -> &mut Self {
        self.enable_io().enable_time()
    }

    /// Enables the IO driver: sockets (`net`), `io::unix::AsyncFd` and signals. Without it,
    /// creating an IO resource panics.
    pub fn enable_io(&mut self) -> &mut Self {
        self.enable_io = true;
        self
    }

    /// How many IO events one turn of the driver takes from the operating system (default
    /// 1024). More events per turn means fewer syscalls under load; fewer means the scheduler
    /// gets back to its tasks sooner.
    ///
    /// # Panics
    /// Panics if `capacity` is 0.
    #[track_caller]
    pub fn max_io_events_per_tick(&mut self, capacity: usize) -> &mut Self {
        assert!(capacity > 0, "{}", error::MAX_IO_EVENTS_ZERO);
        self.max_io_events_per_tick = capacity;
        self
    }

    /// Enables the time driver: [`time::sleep`](crate::time::sleep), timeouts and intervals.
    /// Without it, creating a timer panics.
    pub fn enable_time(&mut self) -> &mut Self {
        self.enable_time = true;
        self
    }

    /// Starts the runtime's clock paused, as if [`time::pause`](crate::time::pause) had been
    /// called first thing: time then moves only by [`time::advance`](crate::time::advance), or
    /// by jumping to the next timer when the runtime has nothing else to do.
    ///
    /// Only a current-thread runtime's clock can be paused: building a multi-thread runtime
    /// with `start_paused(true)` panics.
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.start_paused = start_paused;
        self
    }

    /// The number of worker threads of a multi-thread runtime (default: the number of cores,
    /// or the `EDDY_WORKER_THREADS` environment variable when set). A current-thread runtime
    /// ignores it.
    ///
    /// # Panics
    /// Panics when `val` is 0.
    #[track_caller]
    pub fn worker_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "{}", error::WORKER_THREADS_ZERO);
        self.worker_threads = Some(val);
        self
    }

    /// Seeds the runtime's random choices (see [`RngSeed`]): the same seed gives the same steal
    /// order. Without it each runtime draws a fresh seed.
    pub fn rng_seed(&mut self, seed: RngSeed) -> &mut Self {
        self.rng_seed = Some(seed);
        self
    }

    /// Turns off the LIFO slot of the multi-thread workers: a woken task then always queues
    /// behind the others, which is fairer and slower for message-passing patterns.
    pub fn disable_lifo_slot(&mut self) -> &mut Self {
        self.disable_lifo_slot = true;
        self
    }

    /// What a panic in a spawned task does to the runtime (default
    /// [`UnhandledPanic::Ignore`]).
    pub fn unhandled_panic(&mut self, behavior: UnhandledPanic) -> &mut Self {
        self.unhandled_panic = behavior;
        self
    }

    /// The most threads the blocking pool may run at once (default 512).
    ///
    /// # Panics
    /// Panics when `val` is 0.
    #[track_caller]
    pub fn max_blocking_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "{}", error::MAX_BLOCKING_THREADS_ZERO);
        self.max_blocking_threads = val;
        self
    }

    /// The name of the threads the runtime starts (default `eddy-runtime-worker`).
    pub fn thread_name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        self.thread_name = Arc::new(move || val.clone());
        self
    }

    /// A function that names each thread the runtime starts.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// let rt = eddy::runtime::Builder::new_current_thread()
    ///     .thread_name_fn(|| {
    ///         static ID: AtomicUsize = AtomicUsize::new(0);
    ///         format!("pool-{}", ID.fetch_add(1, Ordering::Relaxed))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// let name = rt.block_on(rt.spawn_blocking(|| {
    ///     std::thread::current().name().map(str::to_owned)
    /// }));
    /// assert!(name.unwrap().unwrap().starts_with("pool-"));
    /// ```
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = Arc::new(f);
        self
    }

    /// The stack size of the threads the runtime starts (default: std's).
    pub fn thread_stack_size(&mut self, val: usize) -> &mut Self {
        self.thread_stack_size = Some(val);
        self
    }

    /// Runs `f` on every thread the runtime starts, before it does any work.
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_start = Some(Arc::new(f));
        self
    }

    /// Runs `f` on every thread the runtime starts, just before it exits.
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_stop = Some(Arc::new(f));
        self
    }

    /// Runs `f` just before the scheduler thread parks for lack of work.
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_park = Some(Arc::new(f));
        self
    }

    /// Runs `f` just after the scheduler thread wakes from a park.
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_unpark = Some(Arc::new(f));
        self
    }

    /// How long an idle blocking thread waits for work before it exits (default 10 s).
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.keep_alive = Some(duration);
        self
    }

    /// Every `val` scheduler ticks, take from the queue of remotely spawned tasks first
    /// (default 31 on the current-thread runtime).
    ///
    /// # Panics
    /// Panics when `val` is 0.
    #[track_caller]
    pub fn global_queue_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "{}", error::GLOBAL_QUEUE_INTERVAL_ZERO);
        self.global_queue_interval = Some(val);
        self
    }

    /// Every `val` scheduler ticks, look at the driver for new events (default 61).
    ///
    /// # Panics
    /// Panics when `val` is 0.
    #[track_caller]
    pub fn event_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "{}", error::EVENT_INTERVAL_ZERO);
        self.event_interval = val;
        self
    }

    /// Names the runtime, as `Handle::name` reports it.
    ///
    /// # Panics
    /// Panics when the name is empty or only whitespace.
    #[track_caller]
    pub fn name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        assert!(!val.trim().is_empty(), "{}", error::RUNTIME_NAME_EMPTY);
        self.name = Some(val);
        self
    }

    // ---- Metrics: the poll-time histogram (runtime/metrics/histogram.rs) ----

    /// Keeps a histogram of how long each task poll takes, per worker, read through
    /// [`RuntimeMetrics::poll_time_histogram_bucket_count`]. Off by default: it reads the clock
    /// twice per poll. The buckets are 10 of 100 µs unless
    /// [`metrics_poll_time_histogram_configuration`](Self::metrics_poll_time_histogram_configuration)
    /// says otherwise.
    ///
    /// [`RuntimeMetrics::poll_time_histogram_bucket_count`]: crate::runtime::RuntimeMetrics::poll_time_histogram_bucket_count
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .enable_metrics_poll_time_histogram()
    ///     .build()
    ///     .unwrap();
    /// let metrics = rt.metrics();
    /// for bucket in 0..metrics.poll_time_histogram_num_buckets() {
    ///     let range = metrics.poll_time_histogram_bucket_range(bucket);
    ///     let polls: u64 = (0..metrics.num_workers())
    ///         .map(|worker| metrics.poll_time_histogram_bucket_count(worker, bucket))
    ///         .sum();
    ///     println!("{range:?}: {polls} polls");
    /// }
    /// ```
    pub fn enable_metrics_poll_time_histogram(&mut self) -> &mut Self {
        self.metrics_poll_time_histogram.enable();
        self
    }

    /// The bucket layout of the poll-time histogram (it still has to be turned on with
    /// [`enable_metrics_poll_time_histogram`](Self::enable_metrics_poll_time_histogram)).
    ///
    /// ```
    /// use eddy::runtime::{Builder, HistogramConfiguration, LogHistogram};
    ///
    /// let rt = Builder::new_current_thread()
    ///     .enable_metrics_poll_time_histogram()
    ///     .metrics_poll_time_histogram_configuration(HistogramConfiguration::log(
    ///         LogHistogram::default(),
    ///     ))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.metrics().poll_time_histogram_num_buckets(), 119);
    /// ```
    pub fn metrics_poll_time_histogram_configuration(
        &mut self,
        configuration: HistogramConfiguration,
    ) -> &mut Self {
        self.metrics_poll_time_histogram
            .set_configuration(configuration);
        self
    }

    /// The old name of
    /// [`enable_metrics_poll_time_histogram`](Self::enable_metrics_poll_time_histogram).
    #[doc(hidden)]
    #[deprecated(note = "renamed to `enable_metrics_poll_time_histogram`")]
    pub fn enable_metrics_poll_count_histogram(&mut self) -> &mut Self {
        self.enable_metrics_poll_time_histogram()
    }

    /// The legacy way to choose the histogram's scale. Once any `metrics_poll_count_histogram_*`
    /// setter is called, the legacy settings replace
    /// `metrics_poll_time_histogram_configuration`.
    #[doc(hidden)]
    #[deprecated(note = "use `metrics_poll_time_histogram_configuration`")]
    pub fn metrics_poll_count_histogram_scale(
        &mut self,
        histogram_scale: HistogramScale,
    ) -> &mut Self {
        self.metrics_poll_time_histogram
            .set_legacy_scale(histogram_scale);
        self
    }

    /// The legacy way to choose the first bucket's width (default 100 µs).
    ///
    /// # Panics
    /// Panics unless `0 < resolution <= 1 s`.
    #[doc(hidden)]
    #[deprecated(note = "use `metrics_poll_time_histogram_configuration`")]
    #[track_caller]
    pub fn metrics_poll_count_histogram_resolution(&mut self, resolution: Duration) -> &mut Self {
        self.metrics_poll_time_histogram
            .set_legacy_resolution(resolution);
        self
    }

    /// The legacy way to choose the number of buckets (default 10).
    ///
    /// # Panics
    /// Panics when `buckets` is 0.
    #[doc(hidden)]
    #[deprecated(note = "use `metrics_poll_time_histogram_configuration`")]
    #[track_caller]
    pub fn metrics_poll_count_histogram_buckets(&mut self, buckets: usize) -> &mut Self {
        self.metrics_poll_time_histogram.set_legacy_buckets(buckets);
        self
    }

    // ---- end of the metrics block ----

    /// Builds the runtime.
    ///
    /// # Panics
    /// Panics if `start_paused(true)` was asked of a multi-thread runtime.
    #[track_caller]
    pub fn build(&mut self) -> io::Result<Runtime> {
        match self.kind {
            Kind::CurrentThread => self.build_current_thread(None),
            Kind::MultiThread => self.build_multi_thread(),
        }
    }

    /// Builds a [`LocalRuntime`]: a current-thread runtime pinned to this thread, which also
    /// runs `!Send` tasks.
    ///
    /// # Panics
    /// Panics on a multi-thread builder: a local runtime has one thread.
    #[track_caller]
    pub fn build_local(&mut self, options: LocalOptions) -> io::Result<LocalRuntime> {
        let LocalOptions { .. } = options;
        match self.kind {
            Kind::CurrentThread => {
                let runtime = self.build_current_thread(Some(std::thread::current().id()))?;
                Ok(LocalRuntime::from_runtime(runtime))
            }
            Kind::MultiThread => panic!("{}", error::LOCAL_RUNTIME_MULTI_THREAD),
        }
    }

    fn blocking_pool(&self) -> BlockingPool {
        BlockingPool::new(PoolConfig {
            thread_name: self.thread_name.clone(),
            stack_size: self.thread_stack_size,
            after_start: self.after_start.clone(),
            before_stop: self.before_stop.clone(),
            thread_cap: self.max_blocking_threads,
            keep_alive: self.keep_alive.unwrap_or(DEFAULT_KEEP_ALIVE),
            task_hooks: self.blocking_task_hooks(),
        })
    }

    fn config(&self) -> Config {
        Config {
            global_queue_interval: self.global_queue_interval,
            event_interval: self.event_interval,
            before_park: self.before_park.clone(),
            after_unpark: self.after_unpark.clone(),
            unhandled_panic: self.unhandled_panic,
            metrics_poll_time_histogram: self.metrics_poll_time_histogram.layout(),
            task_hooks: self.task_hooks(),
        }
    }

    /// The number of workers: the builder's setting, else `EDDY_WORKER_THREADS`, else the cores.
    fn num_workers(&self) -> usize {
        if let Some(workers) = self.worker_threads {
            return workers;
        }
        match std::env::var("EDDY_WORKER_THREADS") {
            Ok(value) => match value.trim().parse::<usize>() {
                Ok(workers) if workers > 0 => workers,
                _ => panic!("{}: {value:?}", error::WORKER_THREADS_ENV_INVALID),
            },
            Err(_) => multi_thread::default_num_workers(),
        }
    }

    fn driver_cfg(&self, flavor: Kind, timer_shards: usize) -> driver::Cfg {
        driver::Cfg {
            enable_io: self.enable_io,
            events_per_tick: self.max_io_events_per_tick,
            enable_time: self.enable_time,
            enable_pausing: matches!(flavor, Kind::CurrentThread),
            start_paused: self.start_paused,
            timer_shards,
        }
    }

    #[track_caller]
    fn build_multi_thread(&mut self) -> io::Result<Runtime> {
        let num_workers = self.num_workers();
        let (driver, driver_handle) = Driver::new(self.driver_cfg(Kind::MultiThread, num_workers))?;
        let blocking_pool = self.blocking_pool();
        let threads = multi_thread::ThreadConfig {
            thread_name: self.thread_name.clone(),
            stack_size: self.thread_stack_size,
            after_start: self.after_start.clone(),
            before_stop: self.before_stop.clone(),
        };
        let settings = multi_thread::Settings {
            num_workers,
            config: self.config(),
            disable_lifo_slot: self.disable_lifo_slot,
            name: self.name.clone(),
            threads,
            rng_seed: self.rng_seed.clone().unwrap_or_else(RngSeed::new),
        };
        let (scheduler, handle) = MultiThread::new(
            settings,
            driver,
            driver_handle,
            blocking_pool.spawner().clone(),
        )?;
        let handle = Handle {
            inner: scheduler::Handle::MultiThread(handle),
        };
        Ok(Runtime::from_parts(
            RuntimeScheduler::MultiThread(scheduler),
            handle,
            blocking_pool,
        ))
    }

    #[track_caller]
    fn build_current_thread(&mut self, local_tid: Option<ThreadId>) -> io::Result<Runtime> {
        let (driver, driver_handle) = Driver::new(self.driver_cfg(Kind::CurrentThread, 1))?;
        let blocking_pool = self.blocking_pool();
        let config = self.config();
        let (scheduler, handle) = CurrentThread::new(
            driver,
            driver_handle,
            blocking_pool.spawner().clone(),
            config,
            self.name.clone(),
            local_tid,
        );
        let handle = Handle {
            inner: scheduler::Handle::CurrentThread(handle),
        };
        Ok(Runtime::from_parts(
            RuntimeScheduler::CurrentThread(scheduler),
            handle,
            blocking_pool,
        ))
    }
}

/// Task hooks: callbacks at each step of every task's life (`runtime/hooks.rs`).
///
/// Each setter replaces the hook set before it. Hooks run synchronously on the runtime's
/// threads (or the spawning thread), so they should be quick: a counter, a log line, a
/// timestamp. A panic in a hook is caught and dropped (after the panic hook has reported it),
/// so it never takes the task or the runtime down.
impl Builder {
    /// Runs `f` for every task spawned on this runtime, on the spawning thread, before the task
    /// can run. The [`TaskMeta`](crate::runtime::TaskMeta) says which task, and where in the
    /// source it was spawned.
    ///
    /// Blocking tasks ([`spawn_blocking`](crate::task::spawn_blocking)) are reported too, and so
    /// are the tasks of a [`LocalSet`](crate::task::LocalSet) that runs inside this runtime (in
    /// Tokio, neither of these calls the spawn hook). A spawn made after the runtime shut down
    /// still calls it, followed at once by the terminate hook.
    ///
    /// `f` may itself spawn; the new task's spawn hook then runs inside this one.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let spawned = Arc::new(AtomicUsize::new(0));
    /// let rt = {
    ///     let spawned = spawned.clone();
    ///     eddy::runtime::Builder::new_current_thread()
    ///         .on_task_spawn(move |_| {
    ///             spawned.fetch_add(1, Ordering::Relaxed);
    ///         })
    ///         .build()
    ///         .unwrap()
    /// };
    /// rt.block_on(async {
    ///     eddy::spawn(async {}).await.unwrap();
    ///     eddy::task::spawn_blocking(|| ()).await.unwrap();
    /// });
    /// assert_eq!(spawned.load(Ordering::Relaxed), 2);
    /// ```
    pub fn on_task_spawn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.on_task_spawn = Some(Arc::new(f));
        self
    }

    /// Runs `f` once for every task of this runtime when it ends: completed, panicked, aborted,
    /// or cancelled because the runtime shut down.
    ///
    /// It runs on the thread that ends the task, after the task's future is dropped and its
    /// result stored, and before the task counts as finished: a caller awaiting the task's
    /// `JoinHandle` sees everything `f` did. (Tokio calls its hook slightly later, after waking
    /// the `JoinHandle`, and not for `LocalSet` tasks.)
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let ended = Arc::new(AtomicUsize::new(0));
    /// let rt = {
    ///     let ended = ended.clone();
    ///     eddy::runtime::Builder::new_multi_thread()
    ///         .worker_threads(2)
    ///         .on_task_terminate(move |_| {
    ///             ended.fetch_add(1, Ordering::Relaxed);
    ///         })
    ///         .build()
    ///         .unwrap()
    /// };
    /// let forever = rt.spawn(std::future::pending::<()>());
    /// forever.abort();
    /// assert!(rt.block_on(forever).unwrap_err().is_cancelled());
    /// assert_eq!(ended.load(Ordering::Relaxed), 1);
    /// ```
    pub fn on_task_terminate<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.on_task_terminate = Some(Arc::new(f));
        self
    }

    /// Runs `f` just before each poll of a task's future, on the thread that polls it.
    ///
    /// Every call is followed by one of [`on_after_task_poll`](Self::on_after_task_poll)'s, on
    /// the same thread, before the task's next poll or its termination. A run that only
    /// cancels an aborted task polls nothing and calls neither; blocking tasks call neither.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let polls = Arc::new(AtomicUsize::new(0));
    /// let rt = {
    ///     let polls = polls.clone();
    ///     eddy::runtime::Builder::new_current_thread()
    ///         .on_before_task_poll(move |_| {
    ///             polls.fetch_add(1, Ordering::Relaxed);
    ///         })
    ///         .build()
    ///         .unwrap()
    /// };
    /// rt.block_on(rt.spawn(async { eddy::task::yield_now().await })).unwrap();
    /// assert_eq!(polls.load(Ordering::Relaxed), 2); // before and after the yield
    /// ```
    pub fn on_before_task_poll<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.on_before_task_poll = Some(Arc::new(f));
        self
    }

    /// Runs `f` just after each poll of a task's future, on the thread that polled it, whether
    /// the poll returned `Pending`, returned `Ready`, or panicked. For the last poll it runs
    /// before [`on_task_terminate`](Self::on_task_terminate)'s hook (Tokio runs it after).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicIsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// // The poll hooks come in pairs: this counts the polls under way.
    /// let polling = Arc::new(AtomicIsize::new(0));
    /// let rt = {
    ///     let (up, down) = (polling.clone(), polling.clone());
    ///     eddy::runtime::Builder::new_multi_thread()
    ///         .worker_threads(2)
    ///         .on_before_task_poll(move |_| {
    ///             up.fetch_add(1, Ordering::SeqCst);
    ///         })
    ///         .on_after_task_poll(move |_| {
    ///             down.fetch_sub(1, Ordering::SeqCst);
    ///         })
    ///         .build()
    ///         .unwrap()
    /// };
    /// rt.block_on(rt.spawn(async { eddy::task::yield_now().await })).unwrap();
    /// assert_eq!(polling.load(Ordering::SeqCst), 0);
    /// ```
    pub fn on_after_task_poll<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn(&TaskMeta<'_>) + Send + Sync + 'static,
    {
        self.on_after_task_poll = Some(Arc::new(f));
        self
    }

    /// The task hooks of the runtime's tasks; `None` when none is set.
    fn task_hooks(&self) -> Option<Arc<TaskHooks>> {
        TaskHooks::new(
            self.on_task_spawn.clone(),
            self.on_task_terminate.clone(),
            self.on_before_task_poll.clone(),
            self.on_after_task_poll.clone(),
        )
    }

    /// The task hooks of blocking tasks, which are not polled as futures are (see
    /// `runtime/hooks.rs`).
    fn blocking_task_hooks(&self) -> Option<Arc<TaskHooks>> {
        TaskHooks::new(
            self.on_task_spawn.clone(),
            self.on_task_terminate.clone(),
            None,
            None,
        )
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("thread_keep_alive", &self.keep_alive)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .field("worker_threads", &self.worker_threads)
            .field("disable_lifo_slot", &self.disable_lifo_slot)
            .field("rng_seed", &self.rng_seed)
            .field("enable_io", &self.enable_io)
            .field("max_io_events_per_tick", &self.max_io_events_per_tick)
            .field("enable_time", &self.enable_time)
            .field("start_paused", &self.start_paused)
            .field("unhandled_panic", &self.unhandled_panic)
            .field(
                "metrics_poll_time_histogram",
                &self.metrics_poll_time_histogram,
            )
            .field("thread_name", &"...")
            .field("on_thread_start", &self.after_start.as_ref().map(|_| "..."))
            .field("on_thread_stop", &self.before_stop.as_ref().map(|_| "..."))
            .field("on_thread_park", &self.before_park.as_ref().map(|_| "..."))
            .field(
                "on_thread_unpark",
                &self.after_unpark.as_ref().map(|_| "..."),
            )
            .field("on_task_spawn", &self.on_task_spawn.as_ref().map(|_| "..."))
            .field(
                "on_task_terminate",
                &self.on_task_terminate.as_ref().map(|_| "..."),
            )
            .field(
                "on_before_task_poll",
                &self.on_before_task_poll.as_ref().map(|_| "..."),
            )
            .field(
                "on_after_task_poll",
                &self.on_after_task_poll.as_ref().map(|_| "..."),
            )
            .finish()
    }
}
