//! Cooperative scheduling: a budget of [`INITIAL_BUDGET`] units per task poll.
//!
//! A future that is always ready (a busy socket, a full channel) would otherwise keep its task on
//! the thread forever. Every leaf future that makes progress (a `JoinHandle`, IO readiness, a
//! timer, `consume_budget`) spends one unit; at zero it returns `Pending` and defers its own
//! wake-up until the scheduler has looked at its other work. `RestoreOnPending` refunds the unit
//! when the leaf made no progress after all.

use crate::runtime::context;
use std::cell::Cell;
use std::task::{Context, Poll};

/// Units per task poll. Tokio's number; it keeps a poll under roughly 100 µs in practice while
/// costing a decrement per leaf.
const INITIAL_BUDGET: u8 = 128;

/// The budget of the running poll; `None` means unconstrained.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget(Option<u8>);

impl Budget {
    pub(crate) const fn initial() -> Budget {
        Budget(Some(INITIAL_BUDGET))
    }

    pub(crate) const fn unconstrained() -> Budget {
        Budget(None)
    }

    fn has_remaining(self) -> bool {
        self.0.is_none_or(|units| units > 0)
    }

    fn is_unconstrained(self) -> bool {
        self.0.is_none()
    }
}

/// Runs `f` (one task poll) with a fresh budget.
#[inline]
pub(crate) fn budget<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::initial(), f)
}

/// Runs `f` with no budget limit.
#[inline]
pub(crate) fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::unconstrained(), f)
}

fn with_budget<R>(budget: Budget, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<Budget>);
    impl Drop for Reset {
        fn drop(&mut self) {
            if let Some(prev) = self.0 {
                context::budget(|cell| cell.set(prev));
            }
        }
    }
    let _reset = Reset(context::budget(|cell| cell.replace(budget)));
    f()
}

/// Lifts the limit for the rest of the current poll (blocking work runs unconstrained).
pub(crate) fn stop() {
    context::budget(|cell| cell.set(Budget::unconstrained()));
}

/// Returns true when the current poll may still make progress without yielding; also true
/// outside a runtime, where no budget applies.
pub(crate) fn has_budget_remaining() -> bool {
    context::budget(|cell| cell.get().has_remaining()).unwrap_or(true)
}

/// Spends one unit, or returns `Pending` (after deferring the wake-up) when none is left.
#[inline]
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let proceed = context::budget(|cell| {
        let before = cell.get();
        match before.0 {
            None => Some(RestoreOnPending(Cell::new(Budget::unconstrained()))),
            Some(0) => None,
            Some(units) => {
                cell.set(Budget(Some(units - 1)));
                Some(RestoreOnPending(Cell::new(before)))
            }
        }
    });
    match proceed {
        Some(Some(restore)) => Poll::Ready(restore),
        Some(None) => {
            context::with_scheduler(|scheduler| {
                if let Some(scheduler) = scheduler {
                    scheduler.incr_budget_forced_yield();
                }
            });
            context::defer(cx.waker());
            Poll::Pending
        }
        // The context is gone: no budget applies.
        None => Poll::Ready(RestoreOnPending(Cell::new(Budget::unconstrained()))),
    }
}

/// Refunds the unit spent by `poll_proceed` when dropped, unless `made_progress` was called.
#[derive(Debug)]
pub struct RestoreOnPending(Cell<Budget>);

impl RestoreOnPending {
    /// The leaf made progress: keep the unit spent.
    pub fn made_progress(&self) {
        self.0.set(Budget::unconstrained());
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        let budget = self.0.get();
        if !budget.is_unconstrained() {
            context::budget(|cell| cell.set(budget));
        }
    }
}
