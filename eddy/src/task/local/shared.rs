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
//! * The set reports its tasks to the task hooks of the runtime it adopts, once: the runtime
//!   current when the set is created, or else the one current at its first spawn (none, if
//!   that spawn happens outside any runtime). `hooks` is written at most once, on the owning
//!   thread, before the set's first task exists: until then no other thread can reach `Shared`
//!   (only tasks and their wakers carry it elsewhere) and nothing borrows the field. From then
//!   on it is read-only, so a task reports to all of its hooks or to none.

use super::context::{self, Context};
use crate::loom::{AtomicBool, Mutex, Ordering, StdArc as Arc, UnsafeCell};
use crate::runtime::hooks::TaskHooks;
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
    /// The task hooks the set reports to (module contract).
    hooks: UnsafeCell<AdoptedHooks>,
}

// SAFETY: every field synchronises itself except `hooks`, which is written once before any
// other thread can reach `Shared` and only read afterwards (module contract).
unsafe impl Sync for Shared {}

/// Which runtime's task hooks a set reports to.
enum AdoptedHooks {
    /// Not decided yet: the set was created outside any runtime and has had no task.
    Undecided,
    /// Decided; `None` when that runtime has no hooks, or there was no runtime.
    Decided(Option<Arc<TaskHooks>>),
}

impl Shared {
    pub(super) fn new() -> Shared {
        let hooks = match current_runtime_hooks() {
            Some(hooks) => AdoptedHooks::Decided(hooks),
            None => AdoptedHooks::Undecided,
        };
        Shared {
            owned: OwnedTasks::new(1),
            remote: Mutex::new(Some(VecDeque::new())),
            waker: Mutex::new(None),
            shutdown_on_panic: AtomicBool::new(false),
            hooks: UnsafeCell::new(hooks),
        }
    }

    /// Settles which hooks the set reports to, if that is still open: called before each
    /// spawn.
    ///
    /// # Safety
    /// The caller is the set's owning thread.
    pub(super) unsafe fn adopt_hooks(&self) {
        // SAFETY: owning thread (caller); a plain read of a field only written there.
        let undecided = self
            .hooks
            .with(|ptr| unsafe { matches!(*ptr, AdoptedHooks::Undecided) });
        if undecided {
            let hooks = AdoptedHooks::Decided(current_runtime_hooks().flatten());
            // SAFETY: still undecided, so no task of the set exists yet: no other thread can
            // reach `Shared`, and nothing borrows the field (module contract).
            self.hooks.with_mut(|ptr| unsafe { *ptr = hooks });
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

    fn hooks(&self) -> Option<&TaskHooks> {
        // SAFETY: the set has tasks (one asks), so the field is read-only now (module
        // contract); the borrow lives no longer than `self`.
        let adopted = self.hooks.with(|ptr| unsafe { &*ptr });
        match adopted {
            AdoptedHooks::Decided(hooks) => hooks.as_deref(),
            AdoptedHooks::Undecided => None,
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

/// The task hooks of the runtime current on this thread: `None` outside any runtime,
/// `Some(None)` in one without hooks.
fn current_runtime_hooks() -> Option<Option<Arc<TaskHooks>>> {
    crate::runtime::context::with_current(|handle| handle.task_hooks().cloned()).ok()
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("id", &self.owned.id())
            .finish_non_exhaustive()
    }
}
