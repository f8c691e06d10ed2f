//! The `LocalSet` a thread is inside: set while the set runs its tasks or is entered, so that
//! `task::spawn_local` and local wakes find it.

use super::shared::Shared;
use crate::loom::StdArc as Arc;
use crate::runtime::task::Notified;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

/// The owning thread's view of a `LocalSet`.
pub(crate) struct Context {
    pub(super) shared: Arc<Shared>,
    /// Tasks woken on the owning thread while the set was entered.
    queue: RefCell<VecDeque<Notified<Arc<Shared>>>>,
    /// A task panicked under `UnhandledPanic::ShutdownRuntime`.
    pub(super) unhandled_panic: Cell<bool>,
    /// The set is running its tasks right now: a task queued meanwhile needs no wake-up.
    pub(super) running: Cell<bool>,
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Context>>> = const { RefCell::new(None) };
}

impl Context {
    pub(super) fn new(shared: Arc<Shared>) -> Context {
        Context {
            shared,
            queue: RefCell::new(VecDeque::new()),
            unhandled_panic: Cell::new(false),
            running: Cell::new(false),
        }
    }

    /// Queues a task woken on the owning thread; gives it back if the queue is busy.
    pub(super) fn push_local(&self, task: Notified<Arc<Shared>>) -> Option<Notified<Arc<Shared>>> {
        match self.queue.try_borrow_mut() {
            Ok(mut queue) => {
                queue.push_back(task);
                None
            }
            Err(_) => Some(task),
        }
    }

    pub(super) fn pop_local(&self) -> Option<Notified<Arc<Shared>>> {
        self.queue.borrow_mut().pop_front()
    }

    pub(super) fn extend_local(&self, tasks: VecDeque<Notified<Arc<Shared>>>) {
        self.queue.borrow_mut().extend(tasks);
    }

    pub(super) fn take_local(&self) -> VecDeque<Notified<Arc<Shared>>> {
        std::mem::take(&mut *self.queue.borrow_mut())
    }
}

/// Calls `f` with the set this thread is inside, if any (`None` also while the thread exits).
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Context>) -> R) -> R {
    f(current().as_deref())
}

/// The set this thread is inside, if any.
pub(super) fn current() -> Option<Rc<Context>> {
    CURRENT
        .try_with(|current| current.try_borrow().ok().and_then(|cx| cx.clone()))
        .ok()
        .flatten()
}

/// True when the thread-local is still usable (false while the thread exits).
pub(super) fn is_available() -> bool {
    CURRENT.try_with(|_| ()).is_ok()
}

/// Makes `cx` the current set until the guard drops, which restores the previous one (sets
/// nest when a set's task runs another set).
pub(super) struct EnterGuard {
    prev: Option<Rc<Context>>,
}

impl EnterGuard {
    pub(super) fn enter(cx: &Rc<Context>) -> EnterGuard {
        let prev = CURRENT
            .try_with(|current| current.replace(Some(cx.clone())))
            .ok()
            .flatten();
        EnterGuard { prev }
    }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = prev);
    }
}
