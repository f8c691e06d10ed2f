//! `Handle`: a cloneable reference to a running runtime.

use crate::runtime::task::SpawnMeta;
use crate::runtime::{context, scheduler, Id, RuntimeFlavor, RuntimeMetrics, TryCurrentError};
use crate::task::JoinHandle;
use crate::util::error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

/// A handle to a runtime: spawns onto it and enters it from any thread.
///
/// ```
/// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// let handle = rt.handle().clone();
/// let task = std::thread::spawn(move || handle.spawn(async { 7 }))
///     .join()
///     .unwrap();
/// assert_eq!(rt.block_on(task).unwrap(), 7);
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: scheduler::Handle,
}

/// Keeps a runtime current on this thread; returned by [`Handle::enter`] and
/// [`Runtime::enter`](crate::runtime::Runtime::enter).
///
/// Guards must be dropped in the reverse order of their creation; otherwise the drop panics.
#[must_use = "Creating and dropping a guard does nothing"]
pub struct EnterGuard<'a> {
    _guard: context::SetCurrentGuard,
    _handle_lifetime: PhantomData<&'a Handle>,
}

impl Handle {
    /// The handle of the runtime this thread is in.
    ///
    /// # Panics
    /// Panics outside a runtime (not in `block_on`, a task, or an `enter` guard's scope); use
    /// [`try_current`](Self::try_current) to get an error instead.
    #[track_caller]
    pub fn current() -> Handle {
        match context::with_current(|inner| inner.clone()) {
            Ok(inner) => Handle { inner },
            Err(e) => panic!("{e}"),
        }
    }

    /// The handle of the runtime this thread is in, or why there is none.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_current(|inner| Handle {
            inner: inner.clone(),
        })
    }

    /// Makes this runtime current on this thread until the guard is dropped.
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// let _guard = rt.handle().enter();
    /// let task = eddy::spawn(async { 1 }); // no `block_on` needed to spawn
    /// # drop(_guard);
    /// assert_eq!(rt.block_on(task).unwrap(), 1);
    /// ```
    #[track_caller]
    pub fn enter(&self) -> EnterGuard<'_> {
        match context::try_set_current(&self.inner) {
            Some(guard) => EnterGuard {
                _guard: guard,
                _handle_lifetime: PhantomData,
            },
            None => panic!("{}", error::THREAD_LOCAL_DESTROYED),
        }
    }

    /// Spawns a task on this runtime.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        Handle::spawn_on(&self.inner, future, SpawnMeta::caller())
    }

    /// Spawns a `!Send` future; this must be a `LocalRuntime`'s handle, on its thread.
    #[track_caller]
    pub(crate) fn spawn_local_on_local_runtime<F>(
        &self,
        future: F,
        spawn: SpawnMeta<'_>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Handle::spawn_local_on(&self.inner, future, spawn)
    }

    /// The one spawn path of `!Send` futures onto a runtime (`LocalRuntime::spawn_local`, and
    /// `task::spawn_local` outside a `LocalSet`).
    #[track_caller]
    pub(crate) fn spawn_local_on<F>(
        inner: &scheduler::Handle,
        future: F,
        spawn: SpawnMeta<'_>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        if std::mem::size_of::<F>() > super::runtime::BOX_FUTURE_THRESHOLD {
            inner.spawn_local(Box::pin(future), spawn)
        } else {
            inner.spawn_local(future, spawn)
        }
    }

    /// The one spawn path behind `Handle::spawn`, `Runtime::spawn`, `eddy::spawn` and
    /// `task::Builder`.
    pub(crate) fn spawn_on<F>(
        inner: &scheduler::Handle,
        future: F,
        spawn: SpawnMeta<'_>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        if std::mem::size_of::<F>() > super::runtime::BOX_FUTURE_THRESHOLD {
            inner.spawn(Box::pin(future), spawn)
        } else {
            inner.spawn(future, spawn)
        }
    }

    /// Runs a blocking closure on this runtime's blocking pool.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.inner.spawn_blocking(func, SpawnMeta::caller())
    }

    /// Blocks this thread on `future` with this runtime current. It does not drive the
    /// scheduler: on the current-thread runtime, spawned tasks progress only while another
    /// thread is inside `Runtime::block_on`.
    ///
    /// # Panics
    /// Panics when called on a thread that already drives a runtime.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _current = self.enter();
        context::enter_runtime(&self.inner, true, |blocking| blocking.block_on(future))
    }

    /// Which scheduler this runtime uses.
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        self.inner.flavor()
    }

    /// A view of this runtime's metrics.
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(self.inner.clone())
    }

    /// The runtime's id: unique among the runtimes of this process.
    pub fn id(&self) -> Id {
        Id::from_u64(self.inner.id())
    }

    /// The name given with `Builder::name`, if any.
    pub fn name(&self) -> Option<&str> {
        self.inner.name()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.runtime_flavor())
            .field("id", &self.id())
            .field("name", &self.name())
            .finish()
    }
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnterGuard").finish_non_exhaustive()
    }
}

impl std::panic::UnwindSafe for Handle {}
impl std::panic::RefUnwindSafe for Handle {}

/// An `EnterGuard` belongs to the thread that made it:
///
/// ```compile_fail
/// fn send<T: Send>(_: T) {}
/// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// send(rt.enter());
/// ```
#[cfg(doctest)]
struct EnterGuardIsNotSend;
