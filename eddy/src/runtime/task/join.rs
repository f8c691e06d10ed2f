//! `JoinHandle`: the owned permission to await a task's output.

use super::{AbortHandle, Id, JoinError, RawTask};
use crate::runtime::coop;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// An owned permission to join a task: awaiting it yields the task's output.
///
/// Dropping a `JoinHandle` *detaches* the task: it keeps running, and its output is dropped
/// when it finishes. Awaiting yields `Err(JoinError)` when the task was cancelled or panicked.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = eddy::spawn(async { 6 * 7 });
/// assert_eq!(handle.await.unwrap(), 42);
/// # });
/// ```
pub struct JoinHandle<T> {
    raw: RawTask,
    _output: PhantomData<T>,
}

// SAFETY: the handle only moves the output `T` across threads (when reading it), so it is as
// Send as `T`; the task itself is shared through its atomic state.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` offers only `abort`, `is_finished`, `id` and `abort_handle`, which touch
// the atomic state alone and never the output.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> UnwindSafe for JoinHandle<T> {}
impl<T> RefUnwindSafe for JoinHandle<T> {}
impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    /// Takes over the JoinHandle reference of `raw`.
    pub(super) fn new(raw: RawTask) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _output: PhantomData,
        }
    }

    /// Aborts the task. A task that is waiting is cancelled at once (by its runtime); a running
    /// task is cancelled when its current poll returns. Awaiting the handle then yields a
    /// cancelled [`JoinError`], unless the task finished first. Aborting a finished task does
    /// nothing.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = eddy::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// Returns true once the task has finished: completed, panicked or been cancelled.
    pub fn is_finished(&self) -> bool {
        self.raw.state().load().is_complete()
    }

    /// Returns a cloneable handle that can abort the task without owning its output.
    #[must_use = "abort handles do nothing unless `.abort` is called"]
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.ref_inc();
        AbortHandle::new(self.raw)
    }

    /// The id of the task.
    pub fn id(&self) -> Id {
        self.raw.id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let budget = ready!(coop::poll_proceed(cx));
        let mut output = Poll::Pending;
        // SAFETY: `output` has the type this task's vtable writes: `Poll<Result<T, JoinError>>`.
        unsafe {
            self.raw
                .try_read_output((&mut output as *mut Poll<Self::Output>).cast(), cx.waker())
        };
        if output.is_ready() {
            budget.made_progress();
        }
        output
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if self.raw.state().drop_join_handle_fast().is_ok() {
            return;
        }
        // SAFETY: this is the task's JoinHandle, giving up its reference.
        unsafe { self.raw.drop_join_handle_slow() };
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .finish()
    }
}
