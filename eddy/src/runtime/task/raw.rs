//! `RawTask`: a type-erased pointer to a task, and the per-type vtable behind it.

use super::core::{Cell, Core, Header};
use super::harness::Harness;
use super::state::{State, TransitionToNotified};
use super::{Id, Schedule, SpawnMeta};
use crate::runtime::TaskMeta;
use std::future::Future;
use std::mem::offset_of;
use std::ptr::NonNull;
use std::task::Waker;

/// One static vtable per `(future type, scheduler type)`: the operations that need the concrete
/// types, and where the typed parts sit inside the cell.
pub(crate) struct Vtable {
    /// Polls the task; consumes the `Notified`'s reference.
    pub(super) poll: unsafe fn(NonNull<Header>),
    /// Hands a `Notified` (one reference, passed in) to the scheduler.
    pub(super) schedule: unsafe fn(NonNull<Header>),
    /// Frees the cell.
    pub(super) dealloc: unsafe fn(NonNull<Header>),
    /// Reads the output into `*mut Poll<Result<T, JoinError>>` or registers the waker.
    pub(super) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// The JoinHandle's drop when the fast path failed; consumes its reference.
    pub(super) drop_join_handle_slow: unsafe fn(NonNull<Header>),
    /// Runtime shutdown of this task; consumes one reference.
    pub(super) shutdown: unsafe fn(NonNull<Header>),
    /// Offset of the `Trailer` from the header.
    pub(super) trailer_offset: usize,
    /// Offset of the scheduler `S` from the header.
    pub(super) scheduler_offset: usize,
}

/// A pointer to a task, carrying no reference of its own: the wrappers around it (`Task`,
/// `Notified`, `JoinHandle`, …) say which reference they hold. The methods that give a
/// reference up are `unsafe`; the others only require (a module-private rule) that some
/// reference keeps the task alive while the `RawTask` is used.
#[derive(Clone, Copy)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

fn vtable<T: Future, S: Schedule>() -> &'static Vtable {
    &Vtable {
        poll: poll::<T, S>,
        schedule: schedule::<S>,
        dealloc: dealloc::<T, S>,
        try_read_output: try_read_output::<T, S>,
        drop_join_handle_slow: drop_join_handle_slow::<T, S>,
        shutdown: shutdown::<T, S>,
        trailer_offset: offset_of!(Cell<T, S>, trailer),
        scheduler_offset: offset_of!(Cell<T, S>, core) + offset_of!(Core<T, S>, scheduler),
    }
}

impl RawTask {
    /// Allocates a task holding three references (see `state::INITIAL_STATE`).
    pub(super) fn new<T: Future, S: Schedule>(
        future: T,
        scheduler: S,
        id: Id,
        spawn: SpawnMeta<'_>,
    ) -> RawTask {
        let ptr = Cell::new(future, scheduler, id, spawn, vtable::<T, S>()).cast::<Header>();
        RawTask { ptr }
    }

    /// # Safety
    /// `ptr` points to a live task header.
    pub(super) unsafe fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(super) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(super) fn header(&self) -> &Header {
        // SAFETY: a `RawTask` is only used while some reference keeps the task alive.
        unsafe { self.ptr.as_ref() }
    }

    pub(super) fn state(&self) -> &State {
        &self.header().state
    }

    pub(super) fn id(&self) -> Id {
        self.header().id
    }

    /// What the task hooks are told about this task; borrows from it, so it lives no longer
    /// than the `RawTask`'s use (which a reference keeps alive).
    pub(super) fn meta(&self) -> TaskMeta<'_> {
        let header = self.header();
        // SAFETY: the task is alive while the `RawTask` is used, and the name is borrowed no
        // longer than `self`.
        let name = unsafe { Header::name(self.ptr) };
        TaskMeta::new(header.id, header.spawned_at, name)
    }

    /// The scheduler stored in this task.
    ///
    /// # Safety
    /// `S` is the scheduler type the task was created with, and the returned borrow does not
    /// outlive the caller's reference to the task.
    pub(super) unsafe fn scheduler<S>(&self) -> &S {
        // SAFETY: the offset was computed for this task's own cell type with this `S`.
        unsafe {
            let offset = self.header().vtable.scheduler_offset;
            &*self.ptr.as_ptr().cast::<u8>().add(offset).cast::<S>()
        }
    }

    /// Polls the task, consuming the caller's reference.
    ///
    /// # Safety
    /// The caller holds a `Notified` reference and gives it up, on the thread that owns the
    /// task's scheduler.
    pub(super) unsafe fn poll(self) {
        // SAFETY: the vtable belongs to this task; the caller passes its reference.
        unsafe { (self.header().vtable.poll)(self.ptr) }
    }

    /// Hands one reference to the scheduler as a `Notified`.
    ///
    /// # Safety
    /// The caller gives up one reference, and the task's `NOTIFIED` bit was set for it.
    unsafe fn schedule(self) {
        // SAFETY: as in `poll`.
        unsafe { (self.header().vtable.schedule)(self.ptr) }
    }

    /// Frees the task.
    ///
    /// # Safety
    /// No reference is left: the caller dropped the last one.
    pub(super) unsafe fn dealloc(self) {
        // SAFETY: nobody else can see the task (caller).
        unsafe { (self.header().vtable.dealloc)(self.ptr) }
    }

    /// # Safety
    /// `dst` is a `*mut Poll<Result<T, JoinError>>` for the task's output type `T`, and the
    /// caller is the task's JoinHandle.
    pub(super) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: forwarded to the caller.
        unsafe { (self.header().vtable.try_read_output)(self.ptr, dst, waker) }
    }

    /// # Safety
    /// The caller is the task's JoinHandle, and gives up its reference.
    pub(super) unsafe fn drop_join_handle_slow(self) {
        // SAFETY: forwarded to the caller.
        unsafe { (self.header().vtable.drop_join_handle_slow)(self.ptr) }
    }

    /// Shuts the task down for a closing runtime.
    ///
    /// # Safety
    /// The caller gives up one reference, on the thread that owns the task's scheduler.
    pub(super) unsafe fn shutdown(self) {
        // SAFETY: forwarded to the caller.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }

    /// Adds a reference; the caller already holds one, so the task is alive.
    pub(super) fn ref_inc(self) {
        self.state().ref_inc();
    }

    /// Drops one reference, freeing the task if it was the last.
    ///
    /// # Safety
    /// The caller gives up one reference.
    pub(super) unsafe fn drop_reference(self) {
        if self.state().ref_dec() {
            // SAFETY: that was the last reference.
            unsafe { self.dealloc() };
        }
    }

    /// `Waker::wake`.
    ///
    /// # Safety
    /// The caller gives up one reference.
    pub(super) unsafe fn wake_by_val(self) {
        match self.state().transition_to_notified_by_val() {
            // SAFETY: the caller's reference becomes the `Notified`'s.
            TransitionToNotified::Submit => unsafe { self.schedule() },
            // SAFETY: the transition dropped the caller's reference, and it was the last.
            TransitionToNotified::Dealloc => unsafe { self.dealloc() },
            TransitionToNotified::DoNothing => {}
        }
    }

    /// `Waker::wake_by_ref`: keeps the caller's reference.
    pub(super) fn wake_by_ref(self) {
        match self.state().transition_to_notified_by_ref() {
            // SAFETY: the transition added the reference the `Notified` takes.
            TransitionToNotified::Submit => unsafe { self.schedule() },
            TransitionToNotified::Dealloc => unreachable!("wake_by_ref never drops a reference"),
            TransitionToNotified::DoNothing => {}
        }
    }

    /// Abort from any thread: the owning scheduler does the cancelling.
    pub(super) fn remote_abort(self) {
        if self.state().transition_to_notified_and_cancel() {
            // SAFETY: the transition added the reference the `Notified` takes.
            unsafe { self.schedule() };
        }
    }
}

// SAFETY: `RawTask` is a pointer; what may be done through it across threads is governed by the
// task contract (`task/mod.rs`), which the wrappers enforce.
unsafe impl Send for RawTask {}
// SAFETY: as for `Send`.
unsafe impl Sync for RawTask {}

unsafe fn poll<T: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable is only reachable from a `Cell<T, S>`.
    unsafe { Harness::<T, S>::from_raw(ptr) }.poll();
}

unsafe fn schedule<S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the caller passes one reference, which the `Notified` now owns.
    let notified = unsafe { super::Notified::<S>::from_raw(ptr) };
    S::schedule(notified);
}

unsafe fn dealloc<T: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    unsafe { Harness::<T, S>::from_raw(ptr) }.dealloc();
}

unsafe fn try_read_output<T: Future, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    // SAFETY: as in `poll`; `dst`'s type is the caller's contract.
    unsafe { Harness::<T, S>::from_raw(ptr).try_read_output(dst.cast(), waker) };
}

unsafe fn drop_join_handle_slow<T: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    unsafe { Harness::<T, S>::from_raw(ptr) }.drop_join_handle_slow();
}

unsafe fn shutdown<T: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: as in `poll`.
    unsafe { Harness::<T, S>::from_raw(ptr) }.shutdown();
}
