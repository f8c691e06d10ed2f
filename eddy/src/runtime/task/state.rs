//! The task's state word: lifecycle bits and the reference count in one `AtomicUsize`.
//!
//! Layout (low bits first):
//!
//! | bit      | name            | set by                                  | cleared by                         |
//! |----------|-----------------|-----------------------------------------|------------------------------------|
//! | 0        | `RUNNING`       | the poller or a shutdown (`to_running`, `to_shutdown`) | `to_idle`, `to_complete` |
//! | 1        | `COMPLETE`      | `to_complete` (once, never cleared)     | —                                  |
//! | 2        | `NOTIFIED`      | a wake, an abort, a yield (`to_idle`)   | `to_running`                       |
//! | 3        | `JOIN_INTEREST` | spawn (the JoinHandle exists)           | the JoinHandle's drop              |
//! | 4        | `JOIN_WAKER`    | the JoinHandle, after writing the waker | the JoinHandle, or the runtime after completion |
//! | 5        | `CANCELLED`     | an abort or a shutdown                  | —                                  |
//! | 6..      | reference count | every handle (see `task/mod.rs`)        |                                    |
//!
//! Nothing outside this file sees the raw `usize`: readers get a [`Snapshot`], and every
//! transition returns a `#[must_use]` enum saying what the caller must do next.

use crate::loom::{AtomicUsize, Ordering};
use std::fmt;

const RUNNING: usize = 0b1;
const COMPLETE: usize = 0b10;
const LIFECYCLE_MASK: usize = RUNNING | COMPLETE;
const NOTIFIED: usize = 0b100;
const JOIN_INTEREST: usize = 0b1000;
const JOIN_WAKER: usize = 0b1_0000;
const CANCELLED: usize = 0b10_0000;
const STATE_BITS: u32 = 6;
const REF_ONE: usize = 1 << STATE_BITS;
const REF_MASK: usize = !(REF_ONE - 1);

/// A new task has three references — its `OwnedTasks` entry, its first `Notified`, and its
/// `JoinHandle` — wants to be polled, and has a JoinHandle interested in the output.
const INITIAL_STATE: usize = (3 * REF_ONE) | JOIN_INTEREST | NOTIFIED;

/// The state word of one task.
pub(super) struct State {
    val: AtomicUsize,
}

/// A copy of the state word taken at one instant.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(super) struct Snapshot(usize);

/// What `transition_to_running` found.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TransitionToRunning {
    /// The caller now owns the future and must poll it.
    Success,
    /// The caller owns the future, but the task was aborted: cancel instead of polling.
    Cancelled,
    /// Somebody else runs it or it is done; the caller's reference was dropped.
    Failed,
    /// As `Failed`, and that was the last reference: the caller must free the task.
    Dealloc,
}

/// What `transition_to_idle` found.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TransitionToIdle {
    /// Back to idle; the poller's reference was dropped.
    Ok,
    /// Woken while running: the poller's reference now belongs to a new `Notified` that the
    /// caller must hand back to the scheduler.
    OkNotified,
    /// Back to idle and the poller held the last reference: free the task.
    OkDealloc,
    /// Aborted while running: the caller still owns the future and must cancel it.
    Cancelled,
}

/// What a wake must do.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TransitionToNotified {
    /// Already notified, running, or complete.
    DoNothing,
    /// The task went from idle to notified: submit a `Notified` holding one reference.
    Submit,
    /// Nothing to schedule, and the caller dropped the last reference: free the task.
    Dealloc,
}

/// What dropping a `JoinHandle` must clean up.
#[must_use]
pub(super) struct TransitionToJoinHandleDropped {
    /// The task is complete and nobody else will drop the output.
    pub(super) drop_output: bool,
    /// The JoinHandle owns the join waker field and must clear it.
    pub(super) drop_waker: bool,
    /// The handle's reference was the last and is already dropped: free the task.
    pub(super) dealloc: bool,
}

/// What `transition_to_complete` did.
#[must_use]
pub(super) struct TransitionToComplete {
    /// A JoinHandle exists and will take the output.
    pub(super) join_interested: bool,
    /// The join waker is published and must be woken.
    pub(super) join_waker_set: bool,
    /// One of the completer's references was kept for the remaining work; drop it after.
    pub(super) kept_ref: bool,
}

/// What `transition_after_join_wake` did.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TransitionAfterJoinWake {
    /// JOIN_WAKER cleared and the completer's reference dropped.
    Done,
    /// JOIN_WAKER cleared; the JoinHandle is gone, so the completer drops the waker and then its
    /// reference.
    DropWakerThenRef,
}

impl State {
    pub(super) fn new() -> State {
        State {
            val: AtomicUsize::new(INITIAL_STATE),
        }
    }

    pub(super) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Ordering::Acquire))
    }

    /// Runs `f` in a CAS loop; `f` returns the action and, if the word must change, its new value.
    fn fetch_update_action<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut curr = self.load();
        loop {
            let (action, next) = f(curr);
            let Some(next) = next else {
                return action;
            };
            match self.val.compare_exchange_weak(
                curr.0,
                next.0,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return action,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// A `Notified` is about to be polled. Consumes the `Notified`'s reference on failure; on
    /// success that reference passes to the poll.
    pub(super) fn transition_to_running(&self) -> TransitionToRunning {
        self.fetch_update_action(|mut next| {
            assert!(
                next.is_notified(),
                "polled a task that was not notified: {next:?}"
            );
            if next.is_idle() {
                next.0 |= RUNNING;
                next.0 &= !NOTIFIED;
                let action = if next.is_cancelled() {
                    TransitionToRunning::Cancelled
                } else {
                    TransitionToRunning::Success
                };
                (action, Some(next))
            } else {
                next.ref_dec();
                let action = if next.ref_count() == 0 {
                    TransitionToRunning::Dealloc
                } else {
                    TransitionToRunning::Failed
                };
                (action, Some(next))
            }
        })
    }

    /// The poll returned `Pending`. With `renotify` (the task yielded), the task is notified in
    /// the same step, as if it had woken itself during the poll.
    pub(super) fn transition_to_idle(&self, renotify: bool) -> TransitionToIdle {
        self.fetch_update_action(|mut next| {
            assert!(
                next.is_running(),
                "idle transition while not running: {next:?}"
            );
            if next.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            next.0 &= !RUNNING;
            if renotify {
                next.0 |= NOTIFIED;
            }
            if next.is_notified() {
                // The poll's reference moves to the new Notified: no count change.
                (TransitionToIdle::OkNotified, Some(next))
            } else {
                next.ref_dec();
                let action = if next.ref_count() == 0 {
                    TransitionToIdle::OkDealloc
                } else {
                    TransitionToIdle::Ok
                };
                (action, Some(next))
            }
        })
    }

    /// The future is gone (finished or cancelled) and its result stored: sets COMPLETE, clears
    /// RUNNING and drops the completer's `refs` references, all in one step. One reference is
    /// kept back when the completer still has work on the cell: dropping the output (no
    /// JoinHandle) or waking the join waker.
    pub(super) fn transition_to_complete(&self, refs: usize) -> TransitionToComplete {
        self.fetch_update_action(|curr| {
            assert!(
                curr.is_running(),
                "completed a task that was not running: {curr:?}"
            );
            assert!(!curr.is_complete(), "completed a task twice: {curr:?}");
            let mut next = Snapshot(curr.0 ^ (RUNNING | COMPLETE));
            let kept_ref = !curr.is_join_interested() || curr.is_join_waker_set();
            let drop = if kept_ref { refs - 1 } else { refs };
            assert!(
                next.ref_count() >= drop,
                "reference count underflow: {curr:?}"
            );
            next.0 -= drop * REF_ONE;
            // Without a kept reference, the JoinHandle still holds one.
            debug_assert!(next.ref_count() > 0);
            let action = TransitionToComplete {
                join_interested: curr.is_join_interested(),
                join_waker_set: curr.is_join_waker_set(),
                kept_ref,
            };
            (action, Some(next))
        })
    }

    /// After completion the runtime has woken the join waker and gives the field up, together
    /// with its kept reference. If the JoinHandle is gone by now, the runtime must drop the waker
    /// itself, so it keeps its reference until it has (`DropWakerThenRef`).
    pub(super) fn transition_after_join_wake(&self) -> TransitionAfterJoinWake {
        self.fetch_update_action(|curr| {
            assert!(curr.is_complete() && curr.is_join_waker_set(), "{curr:?}");
            let mut next = Snapshot(curr.0 & !JOIN_WAKER);
            if curr.is_join_interested() {
                next.ref_dec();
                // The JoinHandle holds a reference, so ours was not the last.
                (TransitionAfterJoinWake::Done, Some(next))
            } else {
                (TransitionAfterJoinWake::DropWakerThenRef, Some(next))
            }
        })
    }

    /// A wake that consumes the caller's reference (`Waker::wake`). On `Submit` that reference
    /// becomes the `Notified`'s, so the uncontended path is one CAS and no count change.
    pub(super) fn transition_to_notified_by_val(&self) -> TransitionToNotified {
        self.fetch_update_action(|mut next| {
            if next.is_running() {
                // The poller will see NOTIFIED in `to_idle` and reschedule; it holds a
                // reference, so ours can go and the count cannot reach zero here.
                next.0 |= NOTIFIED;
                next.ref_dec();
                (TransitionToNotified::DoNothing, Some(next))
            } else if next.is_complete() || next.is_notified() {
                next.ref_dec();
                let action = if next.ref_count() == 0 {
                    TransitionToNotified::Dealloc
                } else {
                    TransitionToNotified::DoNothing
                };
                (action, Some(next))
            } else {
                next.0 |= NOTIFIED;
                (TransitionToNotified::Submit, Some(next))
            }
        })
    }

    /// A wake that keeps the caller's reference (`Waker::wake_by_ref`). `Submit` means one
    /// reference was added for the `Notified`.
    pub(super) fn transition_to_notified_by_ref(&self) -> TransitionToNotified {
        self.fetch_update_action(|mut next| {
            if next.is_complete() || next.is_notified() {
                (TransitionToNotified::DoNothing, None)
            } else if next.is_running() {
                next.0 |= NOTIFIED;
                (TransitionToNotified::DoNothing, Some(next))
            } else {
                next.0 |= NOTIFIED;
                next.ref_inc();
                (TransitionToNotified::Submit, Some(next))
            }
        })
    }

    /// An abort from anywhere. Marks the task cancelled; when it is idle it is also notified (one
    /// reference added), so that the scheduler that owns it does the cancelling on its own
    /// thread. Returns true when the caller must submit that `Notified`.
    pub(super) fn transition_to_notified_and_cancel(&self) -> bool {
        self.fetch_update_action(|mut next| {
            if next.is_cancelled() || next.is_complete() {
                (false, None)
            } else if next.is_running() || next.is_notified() {
                next.0 |= CANCELLED | NOTIFIED;
                (false, Some(next))
            } else {
                next.0 |= CANCELLED | NOTIFIED;
                next.ref_inc();
                (true, Some(next))
            }
        })
    }

    /// Runtime shutdown. Marks the task cancelled and, if it is idle, takes RUNNING so that the
    /// caller owns the future and must cancel it (returns true). A running task is cancelled by
    /// its poller when the poll returns.
    pub(super) fn transition_to_shutdown(&self) -> bool {
        self.fetch_update_action(|mut next| {
            let took = next.is_idle();
            if took {
                next.0 |= RUNNING;
            }
            next.0 |= CANCELLED;
            (took, Some(next))
        })
    }

    /// Fast path for a JoinHandle dropped right after spawn, before anything else happened.
    pub(super) fn drop_join_handle_fast(&self) -> Result<(), ()> {
        // A plain load first: once the task has run, the word rarely equals `INITIAL_STATE`, and
        // a locked CAS that fails costs as much as one that succeeds. (It can equal it again,
        // for an idle task woken after a poll; the CAS is then still right, because with
        // JOIN_WAKER clear and the task not complete the join waker field is empty.)
        if self.val.load(Ordering::Relaxed) != INITIAL_STATE {
            return Err(());
        }
        self.val
            .compare_exchange_weak(
                INITIAL_STATE,
                (INITIAL_STATE - REF_ONE) & !JOIN_INTEREST,
                Ordering::Release,
                Ordering::Relaxed,
            )
            .map(|_| ())
            .map_err(|_| ())
    }

    /// The JoinHandle goes away: clears JOIN_INTEREST, and JOIN_WAKER too while the task is not
    /// complete (so the runtime will not touch the waker field again). When the task is complete
    /// and the handle holds the last reference, the reference is dropped in the same step
    /// (`dealloc`): nobody else can reach the cell any more.
    pub(super) fn transition_to_join_handle_dropped(&self) -> TransitionToJoinHandleDropped {
        self.fetch_update_action(|curr| {
            assert!(
                curr.is_join_interested(),
                "JoinHandle dropped twice: {curr:?}"
            );
            let mut next = curr;
            next.0 &= !JOIN_INTEREST;
            if !curr.is_complete() {
                next.0 &= !JOIN_WAKER;
            }
            let dealloc = curr.is_complete() && curr.ref_count() == 1;
            if dealloc {
                next.ref_dec();
            }
            let action = TransitionToJoinHandleDropped {
                drop_output: curr.is_complete(),
                // Without JOIN_WAKER (before or after this transition) the handle owns the field.
                drop_waker: !next.is_join_waker_set(),
                dealloc,
            };
            (action, Some(next))
        })
    }

    /// The JoinHandle stored a waker and publishes it. Fails (returning the state) when the task
    /// completed first; the handle then still owns the field.
    pub(super) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update_action(|curr| {
            assert!(
                curr.is_join_interested(),
                "join waker set without a JoinHandle"
            );
            assert!(!curr.is_join_waker_set(), "join waker set twice");
            if curr.is_complete() {
                return (Err(curr), None);
            }
            let next = Snapshot(curr.0 | JOIN_WAKER);
            (Ok(next), Some(next))
        })
    }

    /// The JoinHandle takes the waker field back to replace it. Fails when the task completed.
    pub(super) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update_action(|curr| {
            assert!(
                curr.is_join_interested(),
                "join waker unset without a JoinHandle"
            );
            // Completion first: the completer may have woken the old waker and cleared
            // JOIN_WAKER between the JoinHandle's load and this transition.
            if curr.is_complete() {
                return (Err(curr), None);
            }
            assert!(curr.is_join_waker_set(), "join waker unset while not set");
            let next = Snapshot(curr.0 & !JOIN_WAKER);
            (Ok(next), Some(next))
        })
    }

    pub(super) fn ref_inc(&self) {
        let prev = self.val.fetch_add(REF_ONE, Ordering::Relaxed);
        // Past isize::MAX the count could wrap; stop before memory safety is at stake.
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }

    /// Returns true when this dropped the last reference.
    pub(super) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, Ordering::AcqRel));
        assert!(
            prev.ref_count() >= 1,
            "dropped a reference of a dead task: {prev:?}"
        );
        prev.ref_count() == 1
    }
}

impl Snapshot {
    pub(super) fn is_idle(self) -> bool {
        self.0 & LIFECYCLE_MASK == 0
    }
    pub(super) fn is_running(self) -> bool {
        self.0 & RUNNING == RUNNING
    }
    pub(super) fn is_complete(self) -> bool {
        self.0 & COMPLETE == COMPLETE
    }
    pub(super) fn is_notified(self) -> bool {
        self.0 & NOTIFIED == NOTIFIED
    }
    pub(super) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED == CANCELLED
    }
    pub(super) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST == JOIN_INTEREST
    }
    pub(super) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER == JOIN_WAKER
    }
    pub(super) fn ref_count(self) -> usize {
        (self.0 & REF_MASK) >> STATE_BITS
    }
    fn ref_inc(&mut self) {
        self.0 += REF_ONE;
    }
    fn ref_dec(&mut self) {
        assert!(self.ref_count() > 0, "reference count underflow: {self:?}");
        self.0 -= REF_ONE;
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interest", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("refs", &self.ref_count())
            .finish()
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.load().fmt(f)
    }
}
