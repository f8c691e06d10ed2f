//! The time driver: timers in hierarchical wheels, and the clock they run on.
//!
//! A `Sleep` owns its timer node (entry.rs) and files it, on its first poll, in the wheel of one
//! shard (handle.rs): on a multi-thread runtime each worker files into its own shard, so timers
//! created on different workers never contend for a lock; a timer dropped or reset on another
//! thread takes the lock of the shard it was filed with. Each shard is a hierarchical timing
//! wheel (wheel.rs): six levels of 64 slots, one millisecond per tick, O(1) insert and cancel.
//!
//! The driver (`Driver` below) sits between a scheduler and the thread parker: before parking it
//! finds the earliest timer of every shard and parks no longer than that; after waking it fires
//! every timer that is due, waking their tasks after each shard's lock is released. A paused
//! clock (clock.rs) does not move by itself; a driver with nothing to do then jumps it to the
//! next timer instead of sleeping (auto-advance), unless a blocking task is running.
//!
//! Ticks are milliseconds since the driver started (source.rs). Deadlines round up, so a timer
//! never fires before its deadline; a deadline too far ahead to represent is clamped.

pub(crate) mod clock;
pub(crate) mod entry;
pub(crate) mod handle;
pub(crate) mod source;
pub(crate) mod timer;
pub(crate) mod wheel;

#[cfg(all(test, loom))]
mod loom_entry;

pub(crate) use clock::Clock;
pub(crate) use handle::Handle;

use crate::runtime::context;
use std::time::Duration;

/// The time layer of the driver stack; owned by whichever thread drives the scheduler. It keeps
/// no state of its own: the layer below (`inner` in `park`) blocks, this one decides how long.
#[derive(Debug)]
pub(crate) struct Driver;

/// Parks the layer below for at most the given time (`None`: until woken); returns whether
/// anything woke it.
pub(crate) type ParkBelow<'a> = dyn FnMut(Option<Duration>) -> bool + 'a;

impl Driver {
    /// Parks until a timer is due, an unpark arrives, or `limit` passes; then fires what is due.
    pub(crate) fn park(
        &mut self,
        below: &mut ParkBelow<'_>,
        handle: &Handle,
        limit: Option<Duration>,
    ) {
        if limit == Some(Duration::ZERO) {
            // Only a look: nobody needs to wake us, so the `wake_at` handshake is skipped.
            below(Some(Duration::ZERO));
        } else {
            self.sleep(below, handle, limit);
        }
        // With no timer anywhere there is nothing to fire: skip reading the clock (this runs on
        // every yield of a current-thread runtime).
        if handle.next_wake().is_some() {
            handle.process(handle.source().now(handle.clock()));
        }
    }

    /// Blocks until the next timer, an unpark, or `limit`, whichever comes first.
    fn sleep(&mut self, below: &mut ParkBelow<'_>, handle: &Handle, limit: Option<Duration>) {
        handle.begin_park();
        let next = handle.next_wake();
        handle.plan_wake(next);
        match next {
            Some(tick) => {
                let clock = handle.clock();
                let deadline = handle.source().tick_to_instant(tick);
                let mut sleep = deadline.saturating_duration_since(clock.now());
                if let Some(limit) = limit {
                    sleep = sleep.min(limit);
                }
                if !sleep.is_zero() && clock.can_auto_advance() {
                    // Nothing to run and the clock is frozen: jump to the timer, unless some
                    // other wake-up is already waiting.
                    if !below(Some(Duration::ZERO)) {
                        clock
                            .advance(sleep)
                            .expect("a clock that can auto-advance is frozen");
                    }
                } else {
                    below(Some(sleep));
                }
            }
            None => {
                below(limit);
            }
        }
        handle.end_park();
    }

    /// Fires every timer with the shutdown mark: a `Sleep` polled afterwards panics.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        handle.shutdown();
    }
}

/// The current instant of the clock that `time::Instant::now()` reads: the current runtime's,
/// once any clock in the process was paused, the system's otherwise.
pub(crate) fn clock_now() -> std::time::Instant {
    if !clock::did_pause_any_clock() {
        return std::time::Instant::now();
    }
    context::with_current(|handle| handle.driver().clock().now())
        .unwrap_or_else(|_| std::time::Instant::now())
}
