//! `Harness`: the typed side of a task — polling, completing, cancelling, reading the output.
//!
//! Every user callback that can panic (the future's `poll` and `Drop`, the output's `Drop`, the
//! join waker, the task hooks) runs inside `catch_unwind` here, so a panic never unwinds into a
//! scheduler. The poll and terminate hooks are called here (contract, "Task hooks").

use super::core::{Cell, Core, Header, Stage, Trailer};
use super::state::{
    Snapshot, State, TransitionAfterJoinWake, TransitionToIdle, TransitionToRunning,
};
use super::waker::waker_ref;
use super::{Id, JoinError, Notified, Schedule, Task};
use crate::runtime::{context, TaskMeta};
use crate::util::panic::{drop_payload, quietly};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

pub(super) struct Harness<T: Future, S: 'static> {
    cell: NonNull<Cell<T, S>>,
}

impl<T: Future, S: Schedule> Harness<T, S> {
    /// # Safety
    /// `ptr` heads a live `Cell<T, S>`.
    pub(super) unsafe fn from_raw(ptr: NonNull<Header>) -> Harness<T, S> {
        Harness { cell: ptr.cast() }
    }

    fn header_ptr(&self) -> NonNull<Header> {
        self.cell.cast()
    }

    fn header(&self) -> &Header {
        // SAFETY: the cell is live while the harness exists (constructor contract).
        unsafe { &self.cell.as_ref().header }
    }

    fn state(&self) -> &State {
        &self.header().state
    }

    fn core(&self) -> &Core<T, S> {
        // SAFETY: as in `header`.
        unsafe { &self.cell.as_ref().core }
    }

    fn trailer(&self) -> &Trailer {
        // SAFETY: as in `header`.
        unsafe { &self.cell.as_ref().trailer }
    }

    fn id(&self) -> Id {
        self.header().id
    }

    /// What the hooks are told about this task.
    fn meta(&self) -> TaskMeta<'_> {
        // SAFETY: the cell is live while the harness exists, and the name is borrowed no longer
        // than the harness.
        let name = unsafe { Header::name(self.header_ptr()) };
        TaskMeta::new(self.id(), self.header().spawned_at, name)
    }

    /// Polls the future once, consuming the `Notified`'s reference.
    pub(super) fn poll(self) {
        match self.state().transition_to_running() {
            TransitionToRunning::Success => {
                // The context's waker borrows the poll's reference: no count change per poll.
                let waker = waker_ref(self.header_ptr());
                let mut cx = Context::from_waker(&waker);
                // Read once: without hooks, each side of the poll costs one branch.
                let hooks = self.core().scheduler.hooks();
                if let Some(hooks) = hooks {
                    hooks.before_poll(&self.meta());
                }
                let polled = poll_future(self.core(), self.id(), &mut cx);
                if let Some(hooks) = hooks {
                    hooks.after_poll(&self.meta());
                }
                let yielded = match polled {
                    Polled::Ready => return self.complete(),
                    Polled::Pending { yielded } => yielded,
                };
                match self.state().transition_to_idle(yielded) {
                    TransitionToIdle::Ok => {}
                    TransitionToIdle::OkNotified => {
                        // SAFETY: the poll's reference becomes the new `Notified`'s.
                        let notified = unsafe { Notified::<S>::from_raw(self.header_ptr()) };
                        S::yield_now(notified);
                    }
                    TransitionToIdle::OkDealloc => self.dealloc(),
                    TransitionToIdle::Cancelled => {
                        cancel_task(self.core(), self.id());
                        self.complete();
                    }
                }
            }
            TransitionToRunning::Cancelled => {
                cancel_task(self.core(), self.id());
                self.complete();
            }
            TransitionToRunning::Failed => {}
            TransitionToRunning::Dealloc => self.dealloc(),
        }
    }

    /// Shuts the task down for the runtime, consuming the caller's reference.
    pub(super) fn shutdown(self) {
        if !self.state().transition_to_shutdown() {
            // Running elsewhere (its poller will cancel it) or already complete.
            self.drop_reference();
            return;
        }
        cancel_task(self.core(), self.id());
        self.complete();
    }

    /// The output is stored: call the terminate hook, leave the owned list, mark the task
    /// complete, tell the JoinHandle or drop the output. The caller holds RUNNING and one
    /// reference (the poll's, or the shutdown caller's).
    ///
    /// The list entry is unlinked *before* COMPLETE is set, so that completion and the
    /// reference drops are one atomic step in the common case (a JoinHandle with no waker yet):
    /// after it, another thread may free the task, so nothing here touches the cell again.
    fn complete(self) {
        // The terminate hook runs first, while the task is surely alive and not yet visibly
        // complete: once `COMPLETE` is set below, the JoinHandle may free the cell at once.
        if let Some(hooks) = self.core().scheduler.hooks() {
            hooks.terminate(&self.meta());
        }
        // SAFETY: the reference we hold keeps the task alive; `task` is not dropped.
        let task = ManuallyDrop::new(unsafe { Task::<S>::from_raw(self.header_ptr()) });
        let refs = match self.core().scheduler.release(&task) {
            Some(released) => {
                std::mem::forget(released);
                2
            }
            None => 1,
        };

        let completed = self.state().transition_to_complete(refs);
        if !completed.kept_ref {
            return;
        }
        if !completed.join_interested {
            // Nobody will read the output: drop it here, where its destructor sees the task id.
            quietly(|| {
                let _id = context::TaskIdGuard::enter(self.id());
                // SAFETY: complete and no JoinHandle: the completer owns the stage.
                unsafe { self.core().drop_stage() };
            });
        } else {
            debug_assert!(completed.join_waker_set);
            // SAFETY: complete with JOIN_WAKER set: the runtime may read the waker field.
            quietly(|| unsafe { self.trailer().wake_join() });
            match self.state().transition_after_join_wake() {
                TransitionAfterJoinWake::Done => return,
                TransitionAfterJoinWake::DropWakerThenRef => {
                    // SAFETY: the JoinHandle is gone and JOIN_WAKER is clear: the field is ours.
                    // The waker's destructor is user code: it must not unwind from here.
                    quietly(|| unsafe { self.trailer().set_waker(None) });
                }
            }
        }
        self.drop_reference();
    }

    /// Reads the output into `dst` if the task is complete, otherwise registers `waker`.
    ///
    /// # Safety
    /// Called by the task's JoinHandle only.
    pub(super) unsafe fn try_read_output(
        self,
        dst: *mut Poll<Result<T::Output, JoinError>>,
        waker: &Waker,
    ) {
        if can_read_output(self.state(), self.trailer(), waker) {
            // SAFETY: complete with join interest: the JoinHandle owns the stage, and `dst` has
            // the right type (caller).
            unsafe { *dst = Poll::Ready(self.core().take_output()) };
        }
    }

    pub(super) fn drop_join_handle_slow(self) {
        let transition = self.state().transition_to_join_handle_dropped();
        if transition.drop_output {
            quietly(|| {
                let _id = context::TaskIdGuard::enter(self.id());
                // SAFETY: complete and the JoinHandle owned the output; nobody else touches it.
                unsafe { self.core().drop_stage() };
            });
        }
        if transition.drop_waker {
            // SAFETY: the transition says the JoinHandle owns the waker field. Its destructor
            // is user code; a panic there must not skip the reference drop below.
            quietly(|| unsafe { self.trailer().set_waker(None) });
        }
        if transition.dealloc {
            self.dealloc();
        } else {
            self.drop_reference();
        }
    }

    fn drop_reference(self) {
        if self.state().ref_dec() {
            self.dealloc();
        }
    }

    pub(super) fn dealloc(self) {
        // The stage is normally empty by now; if a future is left (a task freed without ever
        // running, e.g. refused at bind), its destructor must not unwind into the caller.
        let cell = self.cell;
        quietly(|| {
            let _id = context::TaskIdGuard::enter(self.id());
            // SAFETY: no references are left, so nobody else can see the task.
            unsafe { self.core().drop_stage() };
        });
        // SAFETY: the cell came from `Cell::new`, and no references remain.
        unsafe { Cell::free(cell) };
    }
}

/// How a poll of the task ended.
enum Polled {
    /// The output (or the panic) is stored.
    Ready,
    /// The future is pending; `yielded` when it asked to run again through `yield_now`.
    Pending { yielded: bool },
}

/// Polls the future inside `catch_unwind`; on `Ready` or panic the future is dropped and the
/// result stored.
fn poll_future<T: Future, S: Schedule>(core: &Core<T, S>, id: Id, cx: &mut Context<'_>) -> Polled {
    let guard = context::TaskPollGuard::enter(id, cx.waker().data());
    let polled = panic::catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: we hold RUNNING, so the stage is ours alone.
        core.stage.with_mut(|ptr| match unsafe { &mut *ptr } {
            Stage::Running(future) => {
                // SAFETY: a running task's future never moves: it lives in the heap cell until
                // the stage is replaced, which drops it in place.
                let future = unsafe { std::pin::Pin::new_unchecked(future) };
                future.poll(cx)
            }
            _ => unreachable!("polled a task whose future is gone"),
        })
    }));
    let output = match polled {
        Ok(Poll::Pending) => {
            return Polled::Pending {
                yielded: guard.yield_requested(),
            }
        }
        Ok(Poll::Ready(output)) => Ok(output),
        Err(payload) => Err(JoinError::panic(id, payload)),
    };
    // SAFETY: we hold RUNNING.
    let dropped = panic::catch_unwind(AssertUnwindSafe(|| unsafe { core.drop_stage() }));
    let output = match (output, dropped) {
        (Ok(_), Err(payload)) => Err(JoinError::panic(id, payload)),
        (output, Err(second)) => {
            // The poll already panicked; the panic of the drop that followed is dropped.
            drop_payload(second);
            output
        }
        (output, Ok(())) => output,
    };
    if output.is_err() {
        core.scheduler.unhandled_panic();
    }
    // SAFETY: we hold RUNNING and the stage is `Consumed`.
    unsafe { core.store_output(output) };
    Polled::Ready
}

/// Drops the future of an aborted task and stores the cancellation. The caller holds RUNNING.
fn cancel_task<T: Future, S>(core: &Core<T, S>, id: Id) {
    let dropped = panic::catch_unwind(AssertUnwindSafe(|| {
        let _id = context::TaskIdGuard::enter(id);
        // SAFETY: the caller holds RUNNING.
        unsafe { core.drop_stage() };
    }));
    let output = match dropped {
        Ok(()) => JoinError::cancelled(id),
        Err(payload) => JoinError::panic(id, payload),
    };
    // SAFETY: the caller holds RUNNING and the stage is `Consumed`.
    unsafe { core.store_output(Err(output)) };
}

/// The JoinHandle's side of the join-waker protocol. Returns true when the output is ready.
fn can_read_output(state: &State, trailer: &Trailer, waker: &Waker) -> bool {
    let snapshot = state.load();
    if snapshot.is_complete() {
        return true;
    }
    let registered = if !snapshot.is_join_waker_set() {
        // SAFETY: JOIN_WAKER unset and not complete: the JoinHandle owns the field.
        unsafe { set_join_waker(state, trailer, waker.clone()) }
    } else {
        // SAFETY: JOIN_WAKER set: the field is readable, and only the runtime after completion
        // could write it, which it does not do while the JoinHandle may read.
        if unsafe { trailer.will_wake(waker) } {
            return false;
        }
        state
            .unset_join_waker()
            // SAFETY: JOIN_WAKER is now unset by us, before completion: the field is ours.
            .and_then(|_| unsafe { set_join_waker(state, trailer, waker.clone()) })
    };
    match registered {
        Ok(_) => false,
        Err(snapshot) => {
            assert!(
                snapshot.is_complete(),
                "join waker refused before completion"
            );
            true
        }
    }
}

/// # Safety
/// The JoinHandle owns the waker field (JOIN_WAKER unset, task not complete).
unsafe fn set_join_waker(
    state: &State,
    trailer: &Trailer,
    waker: Waker,
) -> Result<Snapshot, Snapshot> {
    // SAFETY: the caller owns the field.
    unsafe { trailer.set_waker(Some(waker)) };
    let published = state.set_join_waker();
    if published.is_err() {
        // Completed first: the field is still ours; the runtime never saw JOIN_WAKER.
        // SAFETY: as above.
        quietly(|| unsafe { trailer.set_waker(None) });
    }
    published
}
