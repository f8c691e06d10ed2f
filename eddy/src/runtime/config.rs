//! Settings the schedulers read at run time, as the builder fixed them.

use crate::loom::StdArc as Arc;

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
}
