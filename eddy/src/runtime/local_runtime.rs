//! `LocalRuntime`: a current-thread runtime that also runs `!Send` tasks.

use crate::runtime::task::SpawnMeta;
use crate::runtime::{Builder, EnterGuard, Handle, Runtime};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

/// Options for [`Builder::build_local`]; none yet, kept so that options can be added without
/// breaking callers.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct LocalOptions {
    /// `LocalOptions` may gain fields that are not `Send`.
    _not_send: PhantomData<*mut u8>,
}

/// A current-thread runtime that runs `!Send` futures as well: [`spawn_local`] them here, or
/// call the free [`task::spawn_local`](crate::task::spawn_local) from inside.
///
/// It is pinned to the thread that created it, so its local tasks never move: it is neither
/// `Send` nor `Sync`. Its [`Handle`] is, and still spawns `Send` futures from other threads.
///
/// ```
/// use std::rc::Rc;
///
/// let rt = eddy::runtime::LocalRuntime::new().unwrap();
/// let shared = Rc::new(5); // not `Send`
/// let task = rt.spawn_local({
///     let shared = shared.clone();
///     async move { *shared + 1 }
/// });
/// assert_eq!(rt.block_on(task).unwrap(), 6);
/// ```
///
/// ```compile_fail
/// fn needs_send<T: Send>(_: T) {}
/// needs_send(eddy::runtime::LocalRuntime::new().unwrap());
/// ```
///
/// ```compile_fail
/// fn needs_sync<T: Sync>(_: &T) {}
/// needs_sync(&eddy::runtime::LocalRuntime::new().unwrap());
/// ```
///
/// [`spawn_local`]: LocalRuntime::spawn_local
pub struct LocalRuntime {
    inner: Runtime,
    /// Pins the runtime to its thread (`!Send` and `!Sync`).
    _not_send: PhantomData<*const ()>,
}

impl LocalRuntime {
    /// A local runtime with every driver enabled.
    pub fn new() -> std::io::Result<LocalRuntime> {
        Builder::new_current_thread()
            .enable_all()
            .build_local(LocalOptions::default())
    }

    pub(crate) fn from_runtime(inner: Runtime) -> LocalRuntime {
        LocalRuntime {
            inner,
            _not_send: PhantomData,
        }
    }

    /// The handle of this runtime. It may go to other threads; there it spawns `Send` futures
    /// only.
    pub fn handle(&self) -> &Handle {
        self.inner.handle()
    }

    /// Spawns a future that need not be `Send`; it runs on this thread, while
    /// [`block_on`](Self::block_on) runs.
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.handle()
            .spawn_local_on_local_runtime(future, SpawnMeta::caller())
    }

    /// Runs a blocking closure on the blocking pool.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.inner.spawn_blocking(func)
    }

    /// Runs `future` to completion on this thread, driving the runtime's tasks meanwhile.
    ///
    /// # Panics
    /// Panics when called on a thread that already drives a runtime.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.inner.block_on(future)
    }

    /// A view of this runtime's metrics.
    pub fn metrics(&self) -> crate::runtime::RuntimeMetrics {
        self.inner.metrics()
    }

    /// Makes this runtime the current one on this thread until the guard is dropped.
    pub fn enter(&self) -> EnterGuard<'_> {
        self.inner.enter()
    }

    /// Shuts the runtime down, waiting at most `duration` for running blocking closures.
    pub fn shutdown_timeout(self, duration: Duration) {
        self.inner.shutdown_timeout(duration);
    }

    /// Shuts the runtime down without waiting for blocking closures.
    pub fn shutdown_background(self) {
        self.inner.shutdown_background();
    }
}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime")
            .field("handle", self.handle())
            .finish_non_exhaustive()
    }
}

impl std::panic::UnwindSafe for LocalRuntime {}
impl std::panic::RefUnwindSafe for LocalRuntime {}
