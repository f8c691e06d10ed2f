//! The per-thread runtime context: one `thread_local!` named `CONTEXT`.
//!
//! It records, for the current thread: which runtime handle is current (`Handle::current`), the
//! scheduler state of the runtime this thread is driving, the id of the task being polled, whether
//! the thread is inside a runtime (`enter_runtime`), and the coop budget of the running poll.
//!
//! Every accessor goes through `try_with`: during thread-local destruction (a destructor that
//! runs as the thread exits) the context is gone, and accessors return an error or fall back to
//! a safe default instead of touching freed memory.

mod blocking;
mod current;
mod enter;
mod scoped;

pub(crate) use blocking::{disallow_block_in_place, try_enter_blocking_region};
pub(crate) use current::{try_set_current, SetCurrentGuard};
pub(crate) use enter::{enter_runtime, exit_runtime, runtime_state, EnterRuntime};
pub(crate) use scoped::Scoped;

use crate::runtime::coop::Budget;
use crate::runtime::scheduler;
use crate::runtime::TryCurrentError;
use crate::task::Id;
use std::cell::Cell;
use std::task::Waker;

struct Context {
    /// The handle that `Handle::current()` returns.
    current: current::HandleCell,
    /// The scheduler this thread is driving right now, if any.
    scheduler: Scoped<scheduler::Context>,
    /// The task being polled (or whose future or output is being dropped).
    current_task_id: Cell<Option<Id>>,
    /// The waker data (task header) of the task whose `poll` runs right now; null otherwise.
    polling: Cell<*const ()>,
    /// Set by `yield_now` inside `polling`'s poll: reschedule the task when the poll returns.
    yield_requested: Cell<bool>,
    /// Whether this thread is inside a runtime.
    runtime: Cell<EnterRuntime>,
    /// Coop budget of the current poll.
    budget: Cell<Budget>,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            current: current::HandleCell::new(),
            scheduler: Scoped::new(),
            current_task_id: Cell::new(None),
            polling: Cell::new(std::ptr::null()),
            yield_requested: Cell::new(false),
            runtime: Cell::new(EnterRuntime::NotEntered),
            budget: Cell::new(Budget::unconstrained()),
        }
    };
}

/// Calls `f` with the current runtime handle.
pub(crate) fn with_current<R>(
    f: impl FnOnce(&scheduler::Handle) -> R,
) -> Result<R, TryCurrentError> {
    match CONTEXT.try_with(|ctx| ctx.current.with(|handle| handle.map(f))) {
        Ok(Some(ret)) => Ok(ret),
        Ok(None) => Err(TryCurrentError::new_no_context()),
        Err(_) => Err(TryCurrentError::new_thread_local_destroyed()),
    }
}

/// Calls `f` with the scheduler this thread drives (`None` when it drives none, or the context
/// is gone).
pub(crate) fn with_scheduler<R>(f: impl FnOnce(Option<&scheduler::Context>) -> R) -> R {
    let mut f = Some(f);
    CONTEXT
        .try_with(|ctx| {
            ctx.scheduler
                .with(|cx| (f.take().expect("called once"))(cx))
        })
        .unwrap_or_else(|_| (f.take().expect("called once"))(None))
}

/// Makes `cx` the driven scheduler while `f` runs. During thread-local destruction `f` runs
/// without it: work scheduled meanwhile goes through the remote path instead.
pub(crate) fn set_scheduler<R>(cx: &scheduler::Context, f: impl FnOnce() -> R) -> R {
    let mut f = Some(f);
    match CONTEXT.try_with(|ctx| ctx.scheduler.set(cx, || (f.take().expect("called once"))())) {
        Ok(ret) => ret,
        Err(_) => (f.take().expect("not run without the context"))(),
    }
}

/// Wakes `waker` once the scheduler has polled its driver (`yield_now` and an exhausted budget
/// use this), or at once when no scheduler runs on this thread or the scheduler does not own
/// the waker (see `scheduler::Context::defer`).
pub(crate) fn defer(waker: &Waker) {
    with_scheduler(|cx| match cx {
        Some(cx) => cx.defer(waker),
        None => waker.wake_by_ref(),
    });
}

/// The id of the task being polled on this thread.
pub(crate) fn current_task_id() -> Option<Id> {
    CONTEXT
        .try_with(|ctx| ctx.current_task_id.get())
        .unwrap_or(None)
}

/// Sets the current task id for as long as it lives.
pub(crate) struct TaskIdGuard {
    prev: Option<Id>,
}

impl TaskIdGuard {
    pub(crate) fn enter(id: Id) -> TaskIdGuard {
        let prev = CONTEXT
            .try_with(|ctx| ctx.current_task_id.replace(Some(id)))
            .unwrap_or(None);
        TaskIdGuard { prev }
    }
}

impl Drop for TaskIdGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|ctx| ctx.current_task_id.set(self.prev));
    }
}

/// Marks the poll of a task: sets the task id and which task is polled, and collects a
/// `yield_now` request made during the poll. Restores the previous values when dropped (polls
/// nest when a future drives other tasks inside its own poll).
pub(crate) struct TaskPollGuard {
    prev_id: Option<Id>,
    prev_polling: *const (),
    prev_yield: bool,
}

impl TaskPollGuard {
    /// `waker_data` is the data pointer of the waker the task is polled with.
    pub(crate) fn enter(id: Id, waker_data: *const ()) -> TaskPollGuard {
        CONTEXT
            .try_with(|ctx| TaskPollGuard {
                prev_id: ctx.current_task_id.replace(Some(id)),
                prev_polling: ctx.polling.replace(waker_data),
                prev_yield: ctx.yield_requested.replace(false),
            })
            // Lazily: an eagerly built fallback would be dropped at once, and its `Drop` would
            // reset the context we just set.
            .unwrap_or_else(|_| TaskPollGuard {
                prev_id: None,
                prev_polling: std::ptr::null(),
                prev_yield: false,
            })
    }

    /// Whether the task called `yield_now` (on its own waker) during this poll.
    pub(crate) fn yield_requested(&self) -> bool {
        CONTEXT
            .try_with(|ctx| ctx.yield_requested.get())
            .unwrap_or(false)
    }
}

impl Drop for TaskPollGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|ctx| {
            ctx.current_task_id.set(self.prev_id);
            ctx.polling.set(self.prev_polling);
            ctx.yield_requested.set(self.prev_yield);
        });
    }
}

/// Asks the scheduler to run the task being polled again after the others, in place of a wake.
/// Only possible when `waker` is the polled task's own waker (so rescheduling the task is
/// exactly what waking it would do); returns false otherwise, and the caller must wake.
pub(crate) fn request_yield(waker: &Waker) -> bool {
    CONTEXT
        .try_with(|ctx| {
            let polling = ctx.polling.get();
            let own = !polling.is_null()
                && waker.data() == polling
                && std::ptr::eq(waker.vtable(), crate::runtime::task::waker_vtable());
            if own {
                ctx.yield_requested.set(true);
            }
            own
        })
        .unwrap_or(false)
}

/// Reads and writes the coop budget cell; `None` when the context is gone.
pub(crate) fn budget<R>(f: impl FnOnce(&Cell<Budget>) -> R) -> Option<R> {
    CONTEXT.try_with(|ctx| f(&ctx.budget)).ok()
}
