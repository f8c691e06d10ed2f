//! A counter that tasks count down, and a future that completes when it
//! reaches zero: how the `spawn_many_remote_*` workloads wait for tasks they
//! hold no handle to, on every contender alike.
//!
//! The waiting side is a `tokio::sync::Notify`, which works on any executor,
//! so the synchronisation cost is the same for eddy, tokio and smol.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// Counts down from a number of tasks to zero.
pub(crate) struct Countdown {
    remaining: AtomicUsize,
    reached_zero: Notify,
}

impl Countdown {
    /// A countdown from `count`, which must be positive (nothing would ever
    /// end the wait otherwise).
    pub(crate) fn new(count: usize) -> Arc<Countdown> {
        assert!(count > 0, "a countdown needs something to count");
        Arc::new(Countdown {
            remaining: AtomicUsize::new(count),
            reached_zero: Notify::new(),
        })
    }

    /// One task is done; the last one wakes the waiter.
    pub(crate) fn count_down(&self) {
        // AcqRel: the waiter, woken by the last decrement, sees every task's
        // work, whichever thread ran it.
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            // Stores a permit if nobody waits yet, so `wait` cannot miss it.
            self.reached_zero.notify_one();
        }
    }

    /// Completes once the count has reached zero (at once if it already
    /// has). One waiter per countdown.
    pub(crate) async fn wait(&self) {
        self.reached_zero.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;

    #[test]
    fn the_wait_ends_after_the_last_count_from_any_thread() {
        let countdown = Countdown::new(4);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let countdown = Arc::clone(&countdown);
                std::thread::spawn(move || countdown.count_down())
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        // Counted to zero before anyone waited: the stored permit ends the wait.
        smol::block_on(countdown.wait());
        assert_eq!(countdown.remaining.load(Ordering::Acquire), 0);
    }

    #[test]
    fn the_wait_is_pending_while_tasks_remain() {
        let countdown = Countdown::new(2);
        countdown.count_down();
        let mut wait = std::pin::pin!(countdown.wait());
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        countdown.count_down();
        assert!(wait.as_mut().poll(&mut cx).is_ready());
    }
}
