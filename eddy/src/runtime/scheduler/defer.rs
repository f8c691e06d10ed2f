//! The defer list: wakers to wake once the scheduler has polled its driver.
//!
//! An exhausted coop budget, and `yield_now` polled with a task waker that is not the polled
//! task's own, put the waker here rather than waking it at once, so a task that yields in a loop
//! lets IO and timers be looked at before it runs again. (`yield_now` with the task's own waker
//! takes a cheaper path: a flag the scheduler reads when the poll returns.) Only task wakers come
//! here; see `context::defer`.

use std::cell::RefCell;
use std::task::Waker;

#[derive(Debug, Default)]
pub(crate) struct Defer {
    deferred: RefCell<Vec<Waker>>,
}

impl Defer {
    pub(crate) fn new() -> Defer {
        Defer::default()
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        let mut deferred = self.deferred.borrow_mut();
        // A task that yields twice before the list is drained needs one wake, not two.
        if let Some(last) = deferred.last() {
            if last.will_wake(waker) {
                return;
            }
        }
        deferred.push(waker.clone());
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.deferred.borrow().is_empty()
    }

    /// Wakes every deferred waker, oldest first. Wakers deferred meanwhile wait for the next call.
    pub(crate) fn wake(&self) {
        let mut batch = std::mem::take(&mut *self.deferred.borrow_mut());
        for waker in batch.drain(..) {
            waker.wake();
        }
        // Keep the allocation for the next round if nobody refilled the list meanwhile.
        let mut deferred = self.deferred.borrow_mut();
        if deferred.is_empty() {
            *deferred = batch;
        }
    }
}
