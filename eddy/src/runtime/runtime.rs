//! `Runtime`: owns a scheduler, its blocking pool, and the handle to both.

use crate::runtime::blocking::BlockingPool;
use crate::runtime::context;
use crate::runtime::scheduler::current_thread::CurrentThread;
use crate::runtime::scheduler::multi_thread::MultiThread;
use crate::runtime::{EnterGuard, Handle};
use crate::task::JoinHandle;
use crate::util::error;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// Futures larger than this many bytes are boxed before they are spawned or blocked on, so the
/// big value is not copied again and again through the spawn path's stack frames.
pub(crate) const BOX_FUTURE_THRESHOLD: usize = if cfg!(debug_assertions) { 2048 } else { 16384 };

/// The eddy runtime: a scheduler for tasks, a pool for blocking work, and (in later releases)
/// the IO and time drivers.
///
/// ```
/// use eddy::runtime::Builder;
///
/// let rt = Builder::new_current_thread().build().unwrap();
/// let answer = rt.block_on(async {
///     let task = eddy::spawn(async { 40 });
///     task.await.unwrap() + 2
/// });
/// assert_eq!(answer, 42);
/// ```
///
/// Dropping the runtime cancels every task it still owns (their futures are dropped inside the
/// runtime's context) and waits for blocking closures that already started.
pub struct Runtime {
    scheduler: RuntimeScheduler,
    handle: Handle,
    blocking_pool: BlockingPool,
    /// The scheduler's tasks were shut down (by `shutdown_timeout`); `Drop` skips that step.
    scheduler_shut_down: bool,
}

/// The scheduler a runtime owns.
pub(crate) enum RuntimeScheduler {
    CurrentThread(CurrentThread),
    MultiThread(MultiThread),
}

impl Runtime {
    pub(crate) fn from_parts(
        scheduler: RuntimeScheduler,
        handle: Handle,
        blocking_pool: BlockingPool,
    ) -> Runtime {
        Runtime {
            scheduler,
            handle,
            blocking_pool,
            scheduler_shut_down: false,
        }
    }

    /// The handle of this runtime: cloneable, usable from any thread.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Spawns a task on this runtime. On the current-thread runtime the task runs only while
    /// some thread is inside [`block_on`](Self::block_on).
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking closure on the blocking pool.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(func)
    }

    /// Runs `future` to completion on this thread, driving the runtime meanwhile.
    ///
    /// # Panics
    /// Panics when called on a thread that already drives a runtime (inside `block_on`, or from
    /// a task).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        if std::mem::size_of::<F>() > BOX_FUTURE_THRESHOLD {
            self.block_on_inner(Box::pin(future))
        } else {
            self.block_on_inner(future)
        }
    }

    #[track_caller]
    fn block_on_inner<F: Future>(&self, future: F) -> F::Output {
        let _enter = self.enter();
        match &self.scheduler {
            RuntimeScheduler::CurrentThread(scheduler) => {
                scheduler.block_on(&self.handle.inner, future)
            }
            // The workers run the tasks; this thread only waits for its future.
            RuntimeScheduler::MultiThread(_) => {
                let handle = self.handle.inner.as_multi_thread();
                let mut future = std::pin::pin!(future);
                context::enter_runtime(&self.handle.inner, true, |blocking| {
                    blocking.block_on(std::future::poll_fn(|cx| {
                        handle.check_unhandled_panic(cx.waker());
                        future.as_mut().poll(cx)
                    }))
                })
            }
        }
    }

    /// A view of this runtime's metrics.
    pub fn metrics(&self) -> crate::runtime::RuntimeMetrics {
        self.handle.metrics()
    }

    /// Makes this runtime the current one on this thread until the guard is dropped, so that
    /// `eddy::spawn` and `Handle::current()` work outside of `block_on`.
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts the runtime down, waiting at most `duration` for blocking closures that are still
    /// running (they are left to finish on their own).
    pub fn shutdown_timeout(mut self, duration: Duration) {
        // Tasks first, as in `Drop`: a blocking closure may be waiting on one of them. One
        // deadline for both steps, so the whole call takes about `duration` at most.
        let started = std::time::Instant::now();
        self.shutdown_scheduler(Some(duration));
        let left = duration.saturating_sub(started.elapsed());
        self.blocking_pool.shutdown(Some(left));
    }

    /// Shuts the runtime down without waiting for blocking closures. Allowed inside an
    /// asynchronous context, where dropping a runtime is not.
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }
}

impl Runtime {
    /// Cancels every task (inside the runtime context), once. On the multi-thread runtime the
    /// workers do it; this waits for them, at most `timeout`.
    fn shutdown_scheduler(&mut self, timeout: Option<Duration>) {
        if std::mem::replace(&mut self.scheduler_shut_down, true) {
            return;
        }
        match &mut self.scheduler {
            RuntimeScheduler::CurrentThread(scheduler) => scheduler.shutdown(&self.handle.inner),
            RuntimeScheduler::MultiThread(scheduler) => {
                let handle = self.handle.inner.as_multi_thread();
                if timeout == Some(Duration::ZERO) {
                    scheduler.shutdown(handle, timeout);
                    return;
                }
                if context::try_enter_blocking_region().is_none() && !std::thread::panicking() {
                    // Waiting for the workers here would block a thread that drives tasks.
                    scheduler.shutdown(handle, Some(Duration::ZERO));
                    panic!("{}", error::DROP_RUNTIME_IN_ASYNC);
                }
                scheduler.shutdown(handle, timeout);
            }
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown_scheduler(None);
        // Then wait for blocking closures (forever, unless `shutdown_timeout` already ran).
        self.blocking_pool.shutdown(None);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl std::panic::UnwindSafe for Runtime {}
impl std::panic::RefUnwindSafe for Runtime {}
