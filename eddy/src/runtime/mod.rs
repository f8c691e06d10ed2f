//! The runtime: scheduler, blocking pool, and (later) IO and time drivers.
//!
//! Build one with [`Builder`], run futures with [`Runtime::block_on`], and reach it from
//! anywhere with a [`Handle`].

pub(crate) mod blocking;
mod builder;
pub(crate) mod config;
pub(crate) mod context;
pub(crate) mod coop;
pub(crate) mod driver;
mod handle;
pub(crate) mod hooks;
pub(crate) mod io;
mod local_runtime;
pub(crate) mod metrics;
pub(crate) mod park;
mod rng_seed;
#[allow(clippy::module_inception)]
mod runtime;
pub(crate) mod scheduler;
pub(crate) mod signal;
pub(crate) mod task;
pub(crate) mod time;

#[cfg(test)]
mod tests;

pub use builder::Builder;
pub use config::UnhandledPanic;
pub use handle::{EnterGuard, Handle};
pub use hooks::TaskMeta;
pub use local_runtime::{LocalOptions, LocalRuntime};
pub use metrics::{
    HistogramConfiguration, HistogramScale, InvalidHistogramConfiguration, LogHistogram,
    LogHistogramBuilder, RuntimeMetrics,
};
pub(crate) use metrics::{MetricsBatch, SchedulerMetrics, WorkerMetrics};
pub use rng_seed::RngSeed;
pub use runtime::Runtime;
pub(crate) use runtime::{RuntimeScheduler, BOX_FUTURE_THRESHOLD};

use crate::util::error;
use std::fmt;
use std::num::NonZeroU64;

/// Whether `err` is the error that IO returns once its runtime has shut down (as opposed to an
/// error from the operating system).
///
/// ```
/// use eddy::io::unix::AsyncFd;
/// use std::os::unix::net::UnixStream;
///
/// let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
/// let (ours, _theirs) = UnixStream::pair().unwrap();
/// ours.set_nonblocking(true).unwrap();
/// let ours = rt.block_on(async { AsyncFd::new(ours) }).unwrap();
/// let handle = rt.handle().clone();
/// drop(rt);
///
/// // The descriptor outlived its runtime: waiting on it fails, and says why.
/// let err = handle.block_on(ours.writable()).unwrap_err();
/// assert!(eddy::runtime::is_rt_shutdown_err(&err));
/// // An error from the operating system is not that error.
/// assert!(!eddy::runtime::is_rt_shutdown_err(&std::io::Error::other("refused")));
/// ```
pub fn is_rt_shutdown_err(err: &std::io::Error) -> bool {
    crate::util::error::is_runtime_shutdown(err)
}

/// The index of the runtime worker the current thread runs, in `0..num_workers()`; `None` on
/// threads that run no worker (a plain thread, the blocking pool, a multi-thread runtime's
/// `block_on` caller). On a current-thread runtime the thread inside `block_on` is worker 0.
///
/// ```
/// let rt = eddy::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// let index = rt.block_on(rt.spawn(async { eddy::runtime::worker_index() })).unwrap();
/// assert!(matches!(index, Some(0 | 1)));
/// assert_eq!(eddy::runtime::worker_index(), None);
/// ```
pub fn worker_index() -> Option<usize> {
    context::with_scheduler(|cx| cx.and_then(|cx| cx.worker_index()))
}

/// Which scheduler a runtime uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// Every task runs on the thread that calls `block_on`.
    CurrentThread,
    /// Tasks run on a pool of worker threads.
    MultiThread,
}

/// An opaque id of a runtime, unique among the runtimes of this process.
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    pub(crate) fn from_u64(id: u64) -> Id {
        Id(NonZeroU64::new(id).expect("runtime ids start at 1"))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why [`Handle::try_current`] found no runtime.
#[derive(Debug)]
pub struct TryCurrentError {
    kind: TryCurrentErrorKind,
}

#[derive(Debug, PartialEq, Eq)]
enum TryCurrentErrorKind {
    NoContext,
    ThreadLocalDestroyed,
}

impl TryCurrentError {
    pub(crate) fn new_no_context() -> TryCurrentError {
        TryCurrentError {
            kind: TryCurrentErrorKind::NoContext,
        }
    }

    pub(crate) fn new_thread_local_destroyed() -> TryCurrentError {
        TryCurrentError {
            kind: TryCurrentErrorKind::ThreadLocalDestroyed,
        }
    }

    /// True when this thread is simply not inside a runtime.
    pub fn is_missing_context(&self) -> bool {
        self.kind == TryCurrentErrorKind::NoContext
    }

    /// True when the thread-local context was already destroyed (the thread is exiting).
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.kind == TryCurrentErrorKind::ThreadLocalDestroyed
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TryCurrentErrorKind::NoContext => f.write_str(error::NO_RUNTIME),
            TryCurrentErrorKind::ThreadLocalDestroyed => f.write_str(error::THREAD_LOCAL_DESTROYED),
        }
    }
}

impl std::error::Error for TryCurrentError {}
