//! Settings the schedulers read at run time, as the builder fixed them.

use crate::loom::StdArc as Arc;
use crate::runtime::hooks::TaskHooks;
use crate::runtime::metrics::HistogramLayout;

/// A user hook (thread start/stop, park/unpark).
pub(crate) type Callback = Arc<dyn Fn() + Send + Sync>;

/// Names the threads the runtime starts.
pub(crate) type ThreadNameFn = Arc<dyn Fn() -> String + Send + Sync>;

pub(crate) struct Config {
    /// Ticks between forced looks at the inject queue; `None` takes the flavour's default.
    pub(crate) global_queue_interval: Option<u32>,
    /// Ticks between looks at the driver.
    pub(crate) event_interval: u32,
    /// Runs before the scheduler parks.
    pub(crate) before_park: Option<Callback>,
    /// Runs after the scheduler unparks.
    pub(crate) after_unpark: Option<Callback>,
    /// What a panic in a spawned task does to the runtime.
    pub(crate) unhandled_panic: UnhandledPanic,

    // Metrics (runtime/metrics).
    /// The layout of each worker's poll-time histogram; `None`: no histogram, polls untimed.
    pub(crate) metrics_poll_time_histogram: Option<HistogramLayout>,
    // Task hooks (`runtime/hooks.rs`).
    /// The user's task hooks; `None` when none is set.
    pub(crate) task_hooks: Option<Arc<TaskHooks>>,
}

/// What the runtime does when a spawned task panics and nobody is there to see it (the panic is
/// always also delivered to the task's `JoinHandle`).
///
/// ```should_panic
/// use eddy::runtime::{Builder, UnhandledPanic};
///
/// let rt = Builder::new_current_thread()
///     .unhandled_panic(UnhandledPanic::ShutdownRuntime)
///     .build()
///     .unwrap();
/// rt.spawn(async { panic!("boom") });
/// // The panic shuts the runtime down, and this `block_on` panics in turn.
/// rt.block_on(std::future::pending::<()>());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnhandledPanic {
    /// Keep running; the panic only reaches the task's `JoinHandle` (the default).
    #[default]
    Ignore,
    /// Shut the runtime down: every other task is cancelled, and `block_on` panics.
    ShutdownRuntime,
}
