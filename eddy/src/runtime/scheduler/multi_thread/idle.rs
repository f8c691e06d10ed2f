//! Which workers are parked and how many are searching for work.
//!
//! Waking a worker costs a syscall, and a worker that wakes to find nothing costs another; so a
//! new task wakes a parked worker only when no worker is already searching (a searcher will find
//! the task, and wakes the next worker itself when it finds work: see `worker.rs`), and at most
//! half of the workers search at once, so that steal attempts do not outnumber the work.
//!
//! Contract:
//! * `state` packs the number of searching workers (low `SEARCHING_BITS` bits) and the number of
//!   unparked workers (the bits above). Unparked counts every worker that is not in `sleepers`.
//! * A worker moves to `sleepers` and out of the unparked count in one step under the `sleepers`
//!   lock; a waker moves one out of `sleepers`, counting it unparked **and searching**, under the
//!   same lock. So `sleepers.len() + unparked == num_workers` whenever the lock is free.
//! * The last searching worker to park re-checks every queue after it leaves the searching count
//!   (`transition_worker_to_parked` returns true to it): a task pushed while it was searching
//!   saw a searcher and woke nobody, so without that re-check the task could be stranded.
//!   Pushers publish their task, then read `state` with a read-modify-write; the parking worker
//!   leaves the count with one too. The two are ordered on `state`, so either the pusher sees
//!   no searcher (and wakes a sleeper) or the parking worker's re-check sees the task.

use crate::loom::{AtomicUsize, Mutex, Ordering};

const SEARCHING_BITS: usize = 16;
const SEARCHING_MASK: usize = (1 << SEARCHING_BITS) - 1;
const UNPARKED_ONE: usize = 1 << SEARCHING_BITS;

pub(crate) struct Idle {
    state: AtomicUsize,
    sleepers: Mutex<Vec<usize>>,
    num_workers: usize,
}

impl Idle {
    /// Every worker starts unparked and not searching.
    pub(crate) fn new(num_workers: usize) -> Idle {
        assert!(
            num_workers < SEARCHING_MASK,
            "too many worker threads: at most {}",
            SEARCHING_MASK - 1
        );
        Idle {
            state: AtomicUsize::new(num_workers * UNPARKED_ONE),
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
            num_workers,
        }
    }

    fn searching(state: usize) -> usize {
        state & SEARCHING_MASK
    }

    fn unparked(state: usize) -> usize {
        state >> SEARCHING_BITS
    }

    /// A parked worker to wake for new work, already counted unparked and searching; `None` when
    /// someone is searching or nobody is parked.
    pub(crate) fn worker_to_notify(&self) -> Option<usize> {
        if !self.should_notify() {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        // Re-check under the lock: another notifier may have woken the last sleeper.
        if !self.should_notify() {
            return None;
        }
        let worker = sleepers.pop()?;
        self.state.fetch_add(UNPARKED_ONE | 1, Ordering::SeqCst);
        Some(worker)
    }

    fn should_notify(&self) -> bool {
        // A read-modify-write, not a load: it is ordered with the parking worker's `fetch_sub`
        // on `state`, so either this sees the searcher gone, or that worker's re-check sees
        // the task published before this (a plain load could miss both ways; loom finds it).
        let state = self.state.fetch_add(0, Ordering::SeqCst);
        Idle::searching(state) == 0 && Idle::unparked(state) < self.num_workers
    }

    /// A worker with nothing to run asks to search. Refused when half the workers already do.
    pub(crate) fn transition_worker_to_searching(&self) -> bool {
        let state = self.state.load(Ordering::SeqCst);
        if 2 * Idle::searching(state) >= self.num_workers {
            return false;
        }
        // Racy on purpose: exceeding the limit by a worker or two only costs a steal attempt.
        self.state.fetch_add(1, Ordering::SeqCst);
        true
    }

    /// A searching worker found work (or gives up). Returns true when it was the last searcher:
    /// it must then wake another worker if work is left, since nobody else is looking.
    pub(crate) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, Ordering::SeqCst);
        assert!(
            Idle::searching(prev) > 0,
            "searching count underflow; this is a bug in eddy"
        );
        Idle::searching(prev) == 1
    }

    /// Records `worker` as parked. Returns true when it was the last searcher, which must
    /// re-check every queue before it sleeps (module contract).
    pub(crate) fn transition_worker_to_parked(&self, worker: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let dec = UNPARKED_ONE | usize::from(is_searching);
        let prev = self.state.fetch_sub(dec, Ordering::SeqCst);
        sleepers.push(worker);
        is_searching && Idle::searching(prev) == 1
    }

    /// Takes `worker` out of the sleepers if it is there (it woke up on its own, or the runtime
    /// is shutting down), counting it unparked. Returns false if a notifier already did.
    pub(crate) fn unpark_worker_by_id(&self, worker: usize) -> bool {
        let mut sleepers = self.sleepers.lock();
        match sleepers.iter().position(|&parked| parked == worker) {
            Some(index) => {
                sleepers.swap_remove(index);
                self.state.fetch_add(UNPARKED_ONE, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// True while `worker` is among the sleepers.
    pub(crate) fn is_parked(&self, worker: usize) -> bool {
        self.sleepers.lock().contains(&worker)
    }

    /// Number of workers searching right now (a snapshot).
    #[cfg(test)]
    pub(crate) fn num_searching(&self) -> usize {
        Idle::searching(self.state.load(Ordering::SeqCst))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn at_most_half_the_workers_search() {
        let idle = Idle::new(4);
        assert!(idle.transition_worker_to_searching());
        assert!(idle.transition_worker_to_searching());
        assert!(!idle.transition_worker_to_searching());
        assert_eq!(idle.num_searching(), 2);
        assert!(!idle.transition_worker_from_searching());
        assert!(idle.transition_worker_from_searching());
    }

    #[test]
    fn nobody_is_woken_while_someone_searches() {
        let idle = Idle::new(2);
        assert!(!idle.transition_worker_to_parked(0, false));
        assert!(idle.transition_worker_to_searching());
        assert_eq!(idle.worker_to_notify(), None);
        assert!(idle.transition_worker_from_searching());
        // Now a notification wakes the sleeper, which starts out searching.
        assert_eq!(idle.worker_to_notify(), Some(0));
        assert_eq!(idle.num_searching(), 1);
        assert_eq!(idle.worker_to_notify(), None);
    }

    #[test]
    fn the_last_searcher_to_park_is_told_to_recheck() {
        let idle = Idle::new(3);
        assert!(idle.transition_worker_to_searching());
        assert!(!idle.transition_worker_to_parked(1, false));
        assert!(idle.transition_worker_to_parked(0, true));
        assert!(idle.is_parked(0) && idle.is_parked(1));
        assert!(idle.unpark_worker_by_id(1));
        assert!(!idle.unpark_worker_by_id(1));
        assert!(!idle.is_parked(1));
    }

    #[test]
    fn nothing_to_wake_when_all_are_running() {
        let idle = Idle::new(2);
        assert_eq!(idle.worker_to_notify(), None);
    }
}
