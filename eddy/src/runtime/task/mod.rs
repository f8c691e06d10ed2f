//! The task core: one allocation per task, one atomic state word, typed transitions.
//!
//! # Contract
//!
//! This text is the specification of the unsafe code in this module. Change it together with
//! the code, or not at all.
//!
//! ## Memory
//!
//! A task is one heap `Cell<T, S>` (`core.rs`): a `Header` (state word, vtable, inject-queue
//! link, owner id with its local-half bit, task id, spawn location), a `Core` (the scheduler
//! handle `S` and the `Stage`: the future, its result, or nothing) and a `Trailer` (the
//! `OwnedTasks` links, the join waker and the optional name). Every handle is a pointer to the
//! header; the vtable (`raw.rs`) recovers the concrete types. Cells come from `alloc.rs`, which
//! keeps a per-thread cache of freed cells by size class.
//!
//! ## References
//!
//! The upper bits of the state word count references (`state.rs`). Each of these handles owns
//! exactly one, and the cell is freed by whoever drops the last:
//!
//! | handle         | created by                          | gives its reference up when            |
//! |----------------|-------------------------------------|----------------------------------------|
//! | `Task`         | spawn (the `OwnedTasks` entry)      | unlinked at completion, or shut down   |
//! | `Notified`     | spawn, or a wake that made the task idle → notified | polled (`run`), or dropped |
//! | `JoinHandle`   | spawn                               | dropped                                |
//! | `Waker`        | cloning the poll's waker            | dropped, or consumed by `wake`         |
//! | `AbortHandle`  | `JoinHandle::abort_handle`, clone   | dropped                                |
//! | `UnownedTask`  | `spawn_blocking` (holds **two**: it is its own `Task` and `Notified`) | run or shut down |
//!
//! A spawned task starts with three references (`Task`, `Notified`, `JoinHandle`). While a poll
//! runs, the `Notified` that was popped lends its reference to the poll; the waker handed to the
//! future (`waker_ref`) borrows that reference and costs no count change. When the poll ends
//! `Pending` the reference is dropped, unless the task was woken meanwhile (or asked to yield:
//! `context::request_yield`, honoured only for the task's own waker), in which case it becomes
//! the new `Notified` (`TransitionToIdle::OkNotified`).
//!
//! Completion drops several references in one step: the completer first unlinks the task from
//! `OwnedTasks` (taking the list's `Task` reference), then `transition_to_complete` sets
//! `COMPLETE` and drops the poll's and the list's references together. It keeps one back only
//! when it still has work on the cell (dropping the output, or waking the join waker) and drops
//! it after. Once the combined step is done, the completer must not touch the cell: the
//! `JoinHandle` may read the output and free the task at once. Likewise a `JoinHandle` dropped
//! after completion that holds the last reference drops it in the same CAS that clears
//! `JOIN_INTEREST` (`TransitionToJoinHandleDropped::dealloc`).
//!
//! ## State bits
//!
//! * `RUNNING` — held by exactly one party, which then owns the `Stage`: the poller (set by
//!   `transition_to_running` from a `Notified`) or a shutdown (`transition_to_shutdown` of an
//!   idle task). Cleared by `transition_to_idle` or `transition_to_complete`. Only the holder of
//!   `RUNNING` completes the task. A task bound into the unlocked local half of `OwnedTasks` is
//!   only ever polled or shut down by the thread that holds the current-thread scheduler's
//!   core, so its completion (and its unlinking) happens there, which is what makes that half
//!   sound. (A task refused at bind is shut down by the spawning thread, which is that owner;
//!   its completion still asks the local half to unlink it, and finds it in no list.)
//! * `COMPLETE` — set once by `transition_to_complete`, after the result is in the `Stage`.
//!   From then on, the `Stage` belongs to the `JoinHandle` if `JOIN_INTEREST` was set at that
//!   moment, otherwise the completer drops the output at once.
//! * `NOTIFIED` — set by a wake, by an abort, or by the idle transition of a task that yielded.
//!   While it is set a wake does not schedule again, so a task sits in at most one run queue at
//!   a time. It does not always mean a `Notified` exists: an abort of a running task, and any
//!   completion by cancellation or shutdown, leave it set with none; after `COMPLETE` the bit
//!   no longer matters.
//! * `CANCELLED` — set by an abort or a shutdown. Whoever holds `RUNNING` next drops the future
//!   and stores a cancelled `JoinError`. An abort from another thread never drops the future
//!   itself: it notifies the task, so the scheduler that owns it cancels it on its own thread.
//!   That is why a `!Send` future (a `LocalSet` task) is only ever dropped on its thread.
//! * `JOIN_INTEREST` — the `JoinHandle` exists. Cleared by its drop.
//! * `JOIN_WAKER` — the join waker field is published. While it is unset and the task is not
//!   complete, only the `JoinHandle` touches the field; while it is set, the `JoinHandle` only
//!   reads it and the runtime, after `COMPLETE`, wakes it and then clears the bit. If the
//!   `JoinHandle` is gone by then, the runtime drops the waker; otherwise the handle does.
//!
//! ## Fields
//!
//! * `Stage`: the holder of `RUNNING`; after `COMPLETE`, see above.
//! * `queue_next`: whoever holds the `Notified` while it sits in the inject queue.
//! * `owned` links: the `OwnedTasks` shard lock, or for tasks in its local half the list's
//!   exclusive owner. `owner_id` (and its local-half bit): written once, at bind, before the
//!   task is shared. `id`, `spawned_at` and `name`: written when the cell is created, read-only
//!   after, by anyone holding a reference.
//! * The scheduler `S`: read-only, by anyone holding a reference. `Schedule::schedule` gets it
//!   through the `Notified` and may not use it after handing the `Notified` to a queue: from then
//!   on another thread may run the task to completion and free it.
//!
//! ## Task hooks
//!
//! The user's task hooks (`runtime/hooks.rs`) come from `Schedule::hooks` and are called by
//! this module, never by the schedulers, so that every scheduler gives the same order:
//!
//! * spawn: in `new_task`, after the cell is allocated and before it is bound or returned, so
//!   no other thread can reach the task yet;
//! * before/after poll: in `Harness::poll`, around `poll_future` only, while holding `RUNNING`;
//! * terminate: at the start of `Harness::complete`, while still holding `RUNNING` and the
//!   completer's reference, after the result is stored and before `COMPLETE` is set. Every
//!   task reaches `complete` exactly once (by its holder of `RUNNING`), so the hook runs once,
//!   and the `JoinHandle` cannot observe completion before it has returned.
//!
//! ## Panics
//!
//! The future's `poll` and `Drop`, the output's `Drop`, the join waker (its wake and its
//! `Drop`), the task hooks and panic payloads run inside `catch_unwind` (`harness.rs`,
//! `util::panic`); a panic becomes the task's `JoinError` or is swallowed, and never unwinds
//! into a scheduler or leaves a transition half done. `Schedule::unhandled_panic` runs while
//! the task holds `RUNNING` and must not panic.

mod abort;
mod alloc;
mod core;
mod error;
mod harness;
mod id;
mod join;
mod list;
mod raw;
mod state;
mod waker;

pub use abort::AbortHandle;
pub use error::JoinError;
pub use id::Id;
pub use join::JoinHandle;
pub(crate) use list::OwnedTasks;
pub(crate) use waker::waker_vtable;

pub(crate) use self::core::Header;
use crate::runtime::hooks::TaskHooks;
use raw::RawTask;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::panic::Location;
use std::ptr::NonNull;

/// What a task needs from the scheduler that runs it.
pub(crate) trait Schedule: Sync + Sized + 'static {
    /// The task completed: unlink it from the owned list. Returns the list's `Task` handle, if
    /// it was still linked.
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;

    /// Puts a notified task on a run queue. Implementations read the scheduler through
    /// `task.scheduler()` and must not use that borrow after handing `task` over (see the
    /// contract: the task may be freed by then).
    fn schedule(task: Notified<Self>);

    /// A task that woke itself while running asks to run again, behind the others.
    fn yield_now(task: Notified<Self>) {
        Self::schedule(task);
    }

    /// A task panicked; the runtime may be configured to react.
    fn unhandled_panic(&self) {}

    /// The task hooks of the tasks this scheduler runs; `None` (one branch for the callers)
    /// when the user set none. The harness reads them on the thread that owns the task.
    fn hooks(&self) -> Option<&TaskHooks> {
        None
    }
}

/// What a spawn call hands down to the task it creates: where the user called it and the name
/// it was given, if any (the name is copied into the task).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SpawnMeta<'a> {
    pub(crate) spawned_at: &'static Location<'static>,
    pub(crate) name: Option<&'a str>,
}

impl SpawnMeta<'static> {
    /// An unnamed task spawned at the caller's location: call it in a `#[track_caller]`
    /// function (and only through such functions) so that it names the user's line.
    #[track_caller]
    pub(crate) fn caller() -> SpawnMeta<'static> {
        SpawnMeta {
            spawned_at: Location::caller(),
            name: None,
        }
    }
}

impl<'a> SpawnMeta<'a> {
    /// A task named `name` (if any), spawned at the caller's location.
    #[track_caller]
    pub(crate) fn named(name: Option<&'a str>) -> SpawnMeta<'a> {
        SpawnMeta {
            spawned_at: Location::caller(),
            name,
        }
    }
}

/// The `OwnedTasks` entry of a task: one reference.
pub(crate) struct Task<S: 'static> {
    raw: RawTask,
    _scheduler: PhantomData<S>,
}

/// A task that must be polled: one reference, and the task's `NOTIFIED` bit.
pub(crate) struct Notified<S: 'static>(Task<S>);

/// A task outside any `OwnedTasks` (blocking work): two references, one as its own `Task` and
/// one as its `Notified`.
pub(crate) struct UnownedTask<S: 'static> {
    raw: RawTask,
    _scheduler: PhantomData<S>,
}

// SAFETY: tasks move between threads through queues. A `!Send` future is only ever polled or
// dropped on its owner's thread: its scheduler runs `Notified`s there only, and aborts from
// elsewhere only notify (see the contract, `CANCELLED`).
unsafe impl<S> Send for Task<S> {}
// SAFETY: `&Task` only exposes the header (atomic state, immutable fields).
unsafe impl<S> Sync for Task<S> {}
// SAFETY: as for `Task`.
unsafe impl<S> Send for UnownedTask<S> {}
// SAFETY: as for `Task`.
unsafe impl<S> Sync for UnownedTask<S> {}

/// A task fresh from `new_task`: its spawn hook has run, and no other thread knows of it yet.
/// `OwnedTasks::bind_unsend` or `bind_local` turns it into a list entry and its first
/// `Notified`; every `NewTask` is bound (or, for blocking work, made an `UnownedTask`).
pub(crate) struct NewTask<S: 'static> {
    task: Task<S>,
    notified: Notified<S>,
}

/// Allocates a task with a fresh id: a `NewTask` and its `JoinHandle`. Calls the spawn hook
/// before anything else can see the task (contract), and before the caller binds it, so that
/// the hook never runs inside a scheduler's critical section.
pub(crate) fn new_task<T, S>(
    future: T,
    scheduler: S,
    spawn: SpawnMeta<'_>,
) -> (NewTask<S>, JoinHandle<T::Output>)
where
    T: Future + 'static,
    S: Schedule,
{
    let raw = RawTask::new(future, scheduler, Id::next(), spawn);
    let task = Task::<S>::new(raw);
    let notified = Notified(Task::new(raw));
    let join = JoinHandle::new(raw);
    if let Some(hooks) = task.scheduler().hooks() {
        hooks.spawn(&raw.meta());
    }
    (NewTask { task, notified }, join)
}

/// Allocates a task that no `OwnedTasks` tracks (blocking work).
pub(crate) fn unowned<T, S>(
    future: T,
    scheduler: S,
    spawn: SpawnMeta<'_>,
) -> (UnownedTask<S>, JoinHandle<T::Output>)
where
    T: Future + Send + 'static,
    T::Output: Send + 'static,
    S: Schedule,
{
    let (NewTask { task, notified }, join) = new_task(future, scheduler, spawn);
    // The two references of `task` and `notified` now live in the one `UnownedTask`.
    let raw = task.raw;
    std::mem::forget(task);
    std::mem::forget(notified);
    let unowned = UnownedTask {
        raw,
        _scheduler: PhantomData,
    };
    (unowned, join)
}

impl<S: 'static> Task<S> {
    fn new(raw: RawTask) -> Task<S> {
        Task {
            raw,
            _scheduler: PhantomData,
        }
    }

    /// # Safety
    /// `ptr` heads a live task with scheduler type `S`, and the caller passes one reference.
    unsafe fn from_raw(ptr: NonNull<Header>) -> Task<S> {
        // SAFETY: forwarded to the caller.
        Task::new(unsafe { RawTask::from_raw(ptr) })
    }

    fn header(&self) -> &Header {
        self.raw.header()
    }

    /// Shuts the task down for a closing runtime, giving up this reference.
    pub(crate) fn shutdown(self) {
        let raw = ManuallyDrop::new(self).raw;
        // SAFETY: this handle's reference is given up. `Send` futures may be dropped anywhere;
        // a `!Send` one was bound with `bind_unsend`/`bind_local`, whose callers shut their
        // tasks down only on the owning thread (`LocalSet` drop, `LocalRuntime` shutdown, a
        // spawn refused at bind on that thread).
        unsafe { raw.shutdown() };
    }

    /// The scheduler the task was spawned on; valid while this handle is.
    pub(crate) fn scheduler(&self) -> &S {
        // SAFETY: `S` is this task's scheduler type (type parameter), and the borrow is tied to
        // `self`, which holds a reference.
        unsafe { self.raw.scheduler::<S>() }
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        // SAFETY: the handle gives up the reference it holds.
        unsafe { self.raw.drop_reference() };
    }
}

impl<S: 'static> Notified<S> {
    /// # Safety
    /// As for `Task::from_raw`; the task's `NOTIFIED` bit is set for this handle.
    unsafe fn from_raw(ptr: NonNull<Header>) -> Notified<S> {
        // SAFETY: forwarded to the caller.
        Notified(unsafe { Task::from_raw(ptr) })
    }

    /// Polls the task once. Must be called on the thread that owns the task's scheduler.
    pub(crate) fn run(self) {
        let raw = ManuallyDrop::new(self).0.raw;
        // SAFETY: the `Notified` reference is given up to the poll. Schedulers call `run` only
        // on their own thread; for a `!Send` future that is the owning thread (the requirement
        // of `OwnedTasks::bind_unsend`).
        unsafe { raw.poll() };
    }

    /// The address of the task, to tell tasks apart in tests.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn header_addr(&self) -> usize {
        self.0.raw.header_ptr().as_ptr() as usize
    }

    /// The scheduler the task was spawned on; see `Schedule::schedule` for how long it may be
    /// used.
    pub(crate) fn scheduler(&self) -> &S {
        self.0.scheduler()
    }

    /// Converts into a pointer for an intrusive queue; the queue owns the reference until
    /// `from_queue`.
    pub(crate) fn into_queue_ptr(self) -> NonNull<Header> {
        ManuallyDrop::new(self).0.raw.header_ptr()
    }

    /// # Safety
    /// `ptr` came from `into_queue_ptr` of a `Notified<S>`, and is taken out once.
    pub(crate) unsafe fn from_queue_ptr(ptr: NonNull<Header>) -> Notified<S> {
        // SAFETY: forwarded to the caller.
        unsafe { Notified::from_raw(ptr) }
    }
}

impl<S: 'static> UnownedTask<S> {
    /// Runs the task to its first `Pending` or completion.
    pub(crate) fn run(self) {
        let raw = ManuallyDrop::new(self).raw;
        // SAFETY: the poll consumes the `Notified` half of the two references held here; the
        // `Task` half is dropped after. Blocking closures are `Send`.
        unsafe {
            raw.poll();
            raw.drop_reference();
        }
    }

    /// Cancels a task that will never run.
    pub(crate) fn shutdown(self) {
        let raw = ManuallyDrop::new(self).raw;
        // SAFETY: the shutdown consumes the `Task` half of the two references held here; the
        // `Notified` half is dropped after.
        unsafe {
            raw.shutdown();
            raw.drop_reference();
        }
    }
}

impl<S: 'static> Drop for UnownedTask<S> {
    fn drop(&mut self) {
        // Dropping unrun work cancels it, so its JoinHandle resolves rather than hangs.
        let raw = self.raw;
        // SAFETY: as in `UnownedTask::shutdown`: both references held here are given up.
        unsafe {
            raw.shutdown();
            raw.drop_reference();
        }
    }
}

impl Header {
    /// The inject-queue link of the task.
    ///
    /// # Safety
    /// The caller holds the task's `Notified` while it sits in that queue.
    pub(crate) unsafe fn queue_next(me: NonNull<Header>) -> Option<NonNull<Header>> {
        // SAFETY: the caller owns the link (contract, `queue_next`).
        unsafe { me.as_ref().queue_next.with(|ptr| *ptr) }
    }

    /// # Safety
    /// As for `queue_next`.
    pub(crate) unsafe fn set_queue_next(me: NonNull<Header>, next: Option<NonNull<Header>>) {
        // SAFETY: the caller owns the link (contract, `queue_next`).
        unsafe { me.as_ref().queue_next.with_mut(|ptr| *ptr = next) }
    }
}

impl<S> fmt::Debug for Task<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("id", &self.raw.id())
            .field("state", self.raw.state())
            .finish()
    }
}

impl<S> fmt::Debug for Notified<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Notified").field(&self.0).finish()
    }
}
