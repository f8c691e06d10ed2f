//! The timer side every thread shares: the shards, each a wheel under its own lock.
//!
//! Contract:
//! - A shard's `wheel` lock guards its wheel and the locked fields of every node registered with
//!   it (entry.rs). Wakers are taken out under the lock and woken after it is released.
//! - `shard.next_wake` is the tick of the shard's earliest timer or later (`NO_TIMER` if none):
//!   it is lowered under the lock when a timer is filed, and recomputed under the lock after the
//!   driver processes the shard; a cancelled timer may leave it early, which costs one spare
//!   wake-up, never a late one.
//! - `wake_at` is written only by the thread that holds the driver: `PARKING` while it computes
//!   its sleep, then the tick it will wake at by itself, then `AWAKE` once it returns. A thread
//!   that files a timer reads it after releasing the shard lock and unparks the driver if the
//!   timer is due earlier. The driver's `PARKING` write and the filer's read are both
//!   read-modify-writes, so one of them comes first in `wake_at`'s order and sees the other:
//!   either the filer reads `PARKING` or the planned tick, or the driver's swap synchronises with
//!   the filer's read and its following look at `next_wake` sees the new timer. (Plain SeqCst
//!   loads and stores would do on paper; the loom model of this handshake fails with them, as
//!   loom treats SeqCst as AcqRel, and the RMWs cost one locked instruction per filing.)
//! - `is_shutdown` is set once, before the driver drains every shard; a shard checks it under its
//!   lock before filing, so no timer is filed after its shard was drained.

use crate::loom::{AtomicBool, AtomicU64, Mutex, MutexGuard, Ordering, StdArc as Arc};
use crate::runtime::driver::Unpark;
use crate::runtime::time::clock::Clock;
use crate::runtime::time::entry::{TimerShared, TimerState};
use crate::runtime::time::source::TimeSource;
use crate::runtime::time::wheel::Wheel;
use crate::util::wake_list::WakeList;
use std::fmt;
use std::ptr::NonNull;
use std::task::Waker;

const NO_TIMER: u64 = u64::MAX;
const PARKING: u64 = u64::MAX;
const AWAKE: u64 = 0;

/// The timer side of a driver; cloning shares it.
#[derive(Clone)]
pub(crate) struct Handle {
    inner: Arc<Shared>,
}

struct Shared {
    source: TimeSource,
    clock: Clock,
    /// Unparks the thread parked in the driver.
    unpark: Unpark,
    shards: Box<[Shard]>,
    wake_at: AtomicU64,
    is_shutdown: AtomicBool,
}

struct Shard {
    wheel: Mutex<Wheel>,
    next_wake: AtomicU64,
}

/// What filing a timer did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Filed {
    /// In the wheel; it fires later.
    Pending,
    /// Its tick had passed: it fired at once.
    Fired,
}

impl Handle {
    pub(crate) fn new(clock: Clock, unpark: Unpark, shards: usize) -> Handle {
        let shards = (0..shards.max(1))
            .map(|_| Shard {
                wheel: Mutex::new(Wheel::new()),
                next_wake: AtomicU64::new(NO_TIMER),
            })
            .collect();
        Handle {
            inner: Arc::new(Shared {
                source: TimeSource::new(&clock),
                clock,
                unpark,
                shards,
                wake_at: AtomicU64::new(AWAKE),
                is_shutdown: AtomicBool::new(false),
            }),
        }
    }

    pub(crate) fn source(&self) -> &TimeSource {
        &self.inner.source
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub(crate) fn num_shards(&self) -> usize {
        self.inner.shards.len()
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.inner.is_shutdown.load(Ordering::SeqCst)
    }

    fn lock(&self, shard: usize) -> MutexGuard<'_, Wheel> {
        self.inner.shards[shard].wheel.lock()
    }

    /// Files `node` to fire at tick `when`, with `waker` to wake then (if it does not fire at
    /// once), after taking it out of wherever it was filed before. Returns `None` if the driver has shut down (the node is then
    /// marked `Shutdown`).
    ///
    /// # Safety
    /// `node` is live and pinned, and stays so until `cancel` or a firing took it out; if it was
    /// registered before, it was with this `shard`.
    pub(crate) unsafe fn file(
        &self,
        shard: usize,
        node: NonNull<TimerShared>,
        when: u64,
        waker: Option<&Waker>,
    ) -> Option<Filed> {
        let mut wheel = self.lock(shard);
        // SAFETY: we hold the node's shard lock and the node is live (caller).
        let timer = unsafe { node.as_ref() };
        if self.is_shutdown() {
            // SAFETY: as above.
            unsafe { timer.set_state(TimerState::Shutdown) };
            return None;
        }
        // SAFETY: as above; the node was filed with this shard if anywhere.
        unsafe { wheel.remove(node) };
        // SAFETY: as above; the node is linked nowhere now.
        unsafe { timer.set_when(when) };
        // SAFETY: the node is live, pinned and unlinked, and stays live until unlinked (caller).
        match unsafe { wheel.insert(node) } {
            Ok(()) => {
                if let Some(waker) = waker {
                    // SAFETY: we hold the lock.
                    unsafe { timer.register_waker(waker) };
                }
                // SAFETY: we hold the lock.
                unsafe { timer.set_state(TimerState::Registered) };
                let next_wake = &self.inner.shards[shard].next_wake;
                if when < next_wake.load(Ordering::SeqCst) {
                    next_wake.store(when, Ordering::SeqCst);
                }
                drop(wheel);
                // A read-modify-write, not a load (module contract).
                if when < self.inner.wake_at.fetch_add(0, Ordering::AcqRel) {
                    self.inner.unpark.unpark();
                }
                Some(Filed::Pending)
            }
            Err(()) => {
                // Its tick has passed: fire it now. A waker stored by an earlier poll is woken (a
                // reset moved the deadline back); the caller's own poll just returns `Ready`.
                // SAFETY: we hold the lock; the node is in no list.
                let waker = unsafe { timer.take_waker() };
                // SAFETY: as above.
                unsafe { timer.set_state(TimerState::Fired) };
                drop(wheel);
                if let Some(waker) = waker {
                    waker.wake();
                }
                Some(Filed::Fired)
            }
        }
    }

    /// Stores the waker of a registered timer; returns false if the timer fired meanwhile (or
    /// was never registered).
    ///
    /// # Safety
    /// `node` is live and registered with `shard`, or not registered at all.
    pub(crate) unsafe fn register_waker(
        &self,
        shard: usize,
        node: NonNull<TimerShared>,
        waker: &Waker,
    ) -> bool {
        let _wheel = self.lock(shard);
        // SAFETY: we hold the node's shard lock; the node is live (caller).
        let timer = unsafe { node.as_ref() };
        if timer.state() != TimerState::Registered {
            return false;
        }
        // SAFETY: as above.
        unsafe { timer.register_waker(waker) };
        true
    }

    /// Takes `node` out of its wheel, if it is still filed, and drops its waker.
    ///
    /// # Safety
    /// `node` is live and was registered with `shard` (or never registered).
    pub(crate) unsafe fn cancel(&self, shard: usize, node: NonNull<TimerShared>) {
        let mut wheel = self.lock(shard);
        // SAFETY: we hold the node's shard lock; the node is live (caller).
        let timer = unsafe { node.as_ref() };
        let waker = if timer.state() == TimerState::Registered {
            // SAFETY: as above; the node is filed in this shard.
            unsafe { wheel.remove(node) };
            // SAFETY: as above.
            unsafe { timer.set_state(TimerState::Idle) };
            // SAFETY: as above.
            unsafe { timer.take_waker() }
        } else {
            None
        };
        drop(wheel);
        // A waker's drop may run arbitrary code: never under the lock.
        drop(waker);
    }

    /// The earliest tick any shard has a timer for.
    pub(crate) fn next_wake(&self) -> Option<u64> {
        let earliest = self
            .inner
            .shards
            .iter()
            .map(|shard| shard.next_wake.load(Ordering::SeqCst))
            .min()
            .unwrap_or(NO_TIMER);
        (earliest != NO_TIMER).then_some(earliest)
    }

    /// The driver is about to park: from now on, a timer filed anywhere unparks it.
    pub(crate) fn begin_park(&self) {
        // A read-modify-write, not a store (module contract).
        self.inner.wake_at.swap(PARKING, Ordering::AcqRel);
    }

    /// The driver will wake by itself at `tick` (or never, if `None`).
    pub(crate) fn plan_wake(&self, tick: Option<u64>) {
        self.inner
            .wake_at
            .store(tick.unwrap_or(PARKING), Ordering::SeqCst);
    }

    /// The driver is awake: timers filed now are seen before it parks again.
    pub(crate) fn end_park(&self) {
        self.inner.wake_at.store(AWAKE, Ordering::SeqCst);
    }

    /// Fires every timer due at or before tick `now`, shard by shard, in deadline order within a
    /// shard.
    pub(crate) fn process(&self, now: u64) {
        for shard in self.inner.shards.iter() {
            if shard.next_wake.load(Ordering::SeqCst) > now {
                continue;
            }
            self.process_shard(shard, now, TimerState::Fired);
        }
    }

    fn process_shard(&self, shard: &Shard, now: u64, fired: TimerState) {
        let mut wakers = WakeList::new();
        let mut wheel = shard.wheel.lock();
        while let Some(node) = wheel.poll(now) {
            // SAFETY: nodes in the wheel are live (`file`'s contract) and we hold the lock.
            let timer = unsafe { node.as_ref() };
            // SAFETY: as above; `poll` unlinked the node.
            if let Some(waker) = unsafe { timer.take_waker() } {
                wakers.push(waker);
            }
            // SAFETY: as above. Stored last: a reader that sees it may drop the node at once.
            unsafe { timer.set_state(fired) };
            if wakers.is_full() {
                drop(wheel);
                wakers.wake_all();
                wheel = shard.wheel.lock();
            }
        }
        let next = wheel.next_expiration_tick().unwrap_or(NO_TIMER);
        shard.next_wake.store(next, Ordering::SeqCst);
        drop(wheel);
        wakers.wake_all();
    }

    /// Fires every timer with the shutdown mark; timers filed afterwards are refused.
    pub(crate) fn shutdown(&self) {
        if self.inner.is_shutdown.swap(true, Ordering::SeqCst) {
            return;
        }
        for shard in self.inner.shards.iter() {
            self.process_shard(shard, u64::MAX, TimerState::Shutdown);
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("time::Handle")
            .field("shards", &self.inner.shards.len())
            .field("is_shutdown", &self.is_shutdown())
            .finish_non_exhaustive()
    }
}
