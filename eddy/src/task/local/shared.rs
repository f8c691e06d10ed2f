//! The part of a `LocalSet` that its tasks and wakers reach, from any thread.
//!
//! Contract:
//! * Every task of the set is bound into the **unlocked local half** of `owned`, and only the
//!   owning thread (the one that created the set; `LocalSet` is `!Send`) binds, polls,
//!   completes or shuts one down. That thread is therefore the list's exclusive owner, and a
//!   `!Send` future is never touched elsewhere (the requirement of `OwnedTasks::bind_local`).
//! * A wake on the owning thread while the set is entered queues the task in the set's
//!   thread-local `Context`; any other wake goes through `remote`, under its lock, and then wakes
//!   the waker of whoever polls the set. `remote` becomes `None` when the set is dropped: later
//!   wakes drop their `Notified` instead (the task is already shut down by then).

use super::context::{self, Context};
use crate::loom::{AtomicBool, Mutex, Ordering, StdArc as Arc};
use crate::runtime::task::{Notified, OwnedTasks, Schedule, Task};
use std::collections::VecDeque;
use std::fmt;
use std::task::Waker;

pub(crate) struct Shared {
    pub(super) owned: OwnedTasks<Arc<Shared>>,
    /// Tasks woken from outside the set's context; `None` once the set is gone.
    remote: Mutex<Option<VecDeque<Notified<Arc<Shared>>>>>,
    /// The waker of the future that drives the set (`run_until`, or the set itself).
    waker: Mutex<Option<Waker>>,
    /// `UnhandledPanic::ShutdownRuntime` was chosen for this set.
    pub(super) shutdown_on_panic: AtomicBool,
}

impl Shared {
    pub(super) fn new() -> Shared {
        Shared {
            owned: OwnedTasks::new(1),
            remote: Mutex::new(Some(VecDeque::new())),
            waker: Mutex::new(None),
            shutdown_on_panic: AtomicBool::new(false),
        }
    }

    /// Remembers the waker of the future that drives the set.
    pub(super) fn register_waker(&self, waker: &Waker) {
        let mut slot = self.waker.lock();
        match slot.as_ref() {
            Some(current) if current.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
    }

    /// Wakes whoever drives the set, so that it runs the set's queue again.
    pub(super) fn wake_driver(&self) {
        let waker = self.waker.lock().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Takes one remotely woken task.
    pub(super) fn pop_remote(&self) -> Option<Notified<Arc<Shared>>> {
        self.remote.lock().as_mut()?.pop_front()
    }

    /// Takes every remotely woken task in one lock.
    pub(super) fn take_remote(&self) -> VecDeque<Notified<Arc<Shared>>> {
        match self.remote.lock().as_mut() {
            Some(queue) => std::mem::take(queue),
            None => VecDeque::new(),
        }
    }

    /// Refuses remote wakes from now on; returns what was queued.
    pub(super) fn close_remote(&self) -> VecDeque<Notified<Arc<Shared>>> {
        self.remote.lock().take().unwrap_or_default()
    }

    fn schedule_remote(self: &Arc<Shared>, task: Notified<Arc<Shared>>) {
        let refused = {
            let mut remote = self.remote.lock();
            match remote.as_mut() {
                Some(queue) => {
                    queue.push_back(task);
                    None
                }
                None => Some(task),
            }
        };
        // The set is gone and the task was shut down with it: only a reference to drop,
        // outside the lock.
        drop(refused);
        self.wake_driver();
    }
}

impl Schedule for Arc<Shared> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        // SAFETY: the set's tasks complete only on the owning thread (module contract), the
        // list's exclusive owner.
        unsafe { self.owned.remove(task) }
    }

    fn schedule(task: Notified<Self>) {
        let not_local = context::with_current(move |cx: Option<&Context>| match cx {
            Some(cx) if Arc::ptr_eq(&cx.shared, task.scheduler()) => cx.push_local(task),
            _ => Some(task),
        });
        if let Some(task) = not_local {
            // Clone first: once queued, the task (and the `Arc` it holds) may be freed.
            let shared = task.scheduler().clone();
            shared.schedule_remote(task);
        }
    }

    fn unhandled_panic(&self) {
        if !self.shutdown_on_panic.load(Ordering::Relaxed) {
            return;
        }
        // The task is polled by the set's own tick, on the owning thread; the tick panics once
        // the poll has returned.
        context::with_current(|cx: Option<&Context>| {
            if let Some(cx) = cx {
                if Arc::ptr_eq(&cx.shared, self) {
                    cx.unhandled_panic.set(true);
                }
            }
        });
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("id", &self.owned.id())
            .finish_non_exhaustive()
    }
}
