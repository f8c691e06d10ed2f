//! `TimerEntry`: the owner of a timer node, inside a pinned `Sleep`.
//!
//! The entry remembers its runtime, its deadline and the shard it filed its node with; it files
//! the node lazily (at the first poll, or at a reset after that), so a `Sleep` created and dropped
//! without being polled, or a `Timeout` whose future is ready at once, never touches a wheel.
//! Dropping the entry takes the node out of its wheel first (entry.rs contract), unless the node
//! already fired, in which case no wheel holds it and no lock is needed.

use crate::loom::StaticAtomicU64;
use crate::runtime::context;
use crate::runtime::scheduler;
use crate::runtime::time::entry::{TimerShared, TimerState};
use crate::runtime::time::handle::{Filed, Handle};
use crate::util::error;
use std::cell::Cell;
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::Instant;

pub(crate) struct TimerEntry {
    /// The timer side of the runtime the timer was created in (not the whole runtime handle: a
    /// timer needs only its shards and clock, and this saves a lookup on every use).
    time: Handle,
    deadline: Instant,
    /// The shard the node is filed with; `None` until the first filing.
    shard: Option<usize>,
    node: TimerShared,
}

impl TimerEntry {
    /// A timer of the current runtime.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime without the time driver.
    #[track_caller]
    pub(crate) fn new(deadline: Instant) -> TimerEntry {
        let time = match context::with_current(|runtime| runtime.driver().time().cloned()) {
            Ok(Some(time)) => time,
            Ok(None) => panic!("{}", error::TIMERS_DISABLED),
            Err(err) => panic!("{err}"),
        };
        TimerEntry {
            time,
            deadline,
            shard: None,
            node: TimerShared::new(),
        }
    }

    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the timer fired (at its deadline, or because the runtime shut down).
    pub(crate) fn is_elapsed(&self) -> bool {
        matches!(self.node.state(), TimerState::Fired | TimerState::Shutdown)
    }

    /// Moves the deadline. A timer already filed is filed again at once (and fires at once if
    /// the new deadline has passed); one never filed waits for its first poll.
    pub(crate) fn reset(self: Pin<&mut Self>, deadline: Instant) {
        // SAFETY: nothing is moved out of the pinned entry; the node stays where it is.
        let this = unsafe { self.get_unchecked_mut() };
        this.deadline = deadline;
        let Some(shard) = this.shard else { return };
        if this.node.state() == TimerState::Shutdown {
            return;
        }
        let time = &this.time;
        let when = time.source().deadline_to_tick(deadline);
        let node = NonNull::from(&this.node);
        // SAFETY: the node is pinned inside this entry, whose drop cancels it; it was filed with
        // `shard` if at all. A refusal (shutdown) marks it, and the next poll panics.
        let _ = unsafe { time.file(shard, node, when, None) };
    }

    /// Ready once the deadline has passed.
    ///
    /// # Panics
    /// Panics if the runtime shut down before the timer fired.
    #[track_caller]
    pub(crate) fn poll_elapsed(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: nothing is moved out of the pinned entry.
        let this = unsafe { self.get_unchecked_mut() };
        let node = NonNull::from(&this.node);
        let state = match this.node.state() {
            TimerState::Idle => {
                let time = &this.time;
                let shard = *this
                    .shard
                    .get_or_insert_with(|| pick_shard(time.num_shards()));
                let when = time.source().deadline_to_tick(this.deadline);
                // SAFETY: the node is pinned inside this entry, whose drop cancels it.
                match unsafe { time.file(shard, node, when, Some(cx.waker())) } {
                    Some(Filed::Pending) => return Poll::Pending,
                    Some(Filed::Fired) => return Poll::Ready(()),
                    None => TimerState::Shutdown,
                }
            }
            TimerState::Registered => {
                let shard = this.shard.expect("a registered timer has a shard");
                // SAFETY: the node is live, pinned and registered with `shard`.
                if unsafe { this.time.register_waker(shard, node, cx.waker()) } {
                    return Poll::Pending;
                }
                // It fired between our look at the state and the lock.
                this.node.state()
            }
            fired => fired,
        };
        match state {
            TimerState::Fired => Poll::Ready(()),
            TimerState::Shutdown => panic!("{}", error::TIMER_POLLED_AFTER_SHUTDOWN),
            other => unreachable!("timer in state {other:?} after filing"),
        }
    }
}

impl Drop for TimerEntry {
    fn drop(&mut self) {
        let Some(shard) = self.shard else { return };
        if self.node.state() != TimerState::Registered {
            // Fired or cancelled: no wheel holds the node, and its waker was taken.
            return;
        }
        let node = NonNull::from(&self.node);
        // SAFETY: the node is live (we are dropping its owner) and filed with `shard`.
        unsafe { self.time.cancel(shard, node) };
    }
}

impl std::fmt::Debug for TimerEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimerEntry")
            .field("deadline", &self.deadline)
            .field("state", &self.node.state())
            .finish_non_exhaustive()
    }
}

/// The shard a new timer files with: the current worker's own, so workers never contend; on a
/// thread that runs no worker, a fixed per-thread choice spreads such threads over the shards.
fn pick_shard(shards: usize) -> usize {
    if shards == 1 {
        return 0;
    }
    let worker = context::with_scheduler(|cx| cx.and_then(scheduler::Context::worker_index));
    worker.unwrap_or_else(thread_shard_seed) % shards
}

fn thread_shard_seed() -> usize {
    static NEXT: StaticAtomicU64 = StaticAtomicU64::new(0);
    thread_local! {
        static SEED: Cell<Option<usize>> = const { Cell::new(None) };
    }
    SEED.try_with(|seed| match seed.get() {
        Some(seed) => seed,
        None => {
            let fresh = NEXT.fetch_add(1, Ordering::Relaxed) as usize;
            seed.set(Some(fresh));
            fresh
        }
    })
    .unwrap_or(0)
}
