//! The runtime's clock: the system's monotonic clock, which a test can freeze and move by hand.
//!
//! Contract: `did_pause` goes from false to true once (the first `pause`, or a runtime built
//! with `start_paused`) and never back; until then `now` is `std::time::Instant::now()` with no
//! lock. Everything else sits under `inner`'s lock. A frozen clock stands at `base`; a running
//! one reads `base + (std now - unfrozen)`, so resuming never jumps back in time.
//! `DID_PAUSE_ANY_CLOCK` is the process-wide version of `did_pause`: until some clock was paused,
//! `time::Instant::now()` need not look for the current runtime at all.

use crate::loom::{AtomicBool, Mutex, Ordering, StaticAtomicBool, StdArc as Arc};
use crate::runtime::driver::Unpark;
use crate::util::error;
use std::time::{Duration, Instant};

static DID_PAUSE_ANY_CLOCK: StaticAtomicBool = StaticAtomicBool::new(false);

/// Whether any runtime's clock in this process was ever paused.
pub(crate) fn did_pause_any_clock() -> bool {
    DID_PAUSE_ANY_CLOCK.load(Ordering::Relaxed)
}

/// One runtime's clock. Cloning shares it.
#[derive(Clone, Debug)]
pub(crate) struct Clock {
    inner: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// Only a current-thread runtime may freeze its clock: the workers of a multi-thread one
    /// would race each other's view of "nothing left to do" (auto-advance).
    enable_pausing: bool,
    did_pause: AtomicBool,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// The clock's reading when it was frozen, or when it was last resumed.
    base: Instant,
    /// When the clock last started running; `None` while frozen.
    unfrozen: Option<Instant>,
    /// Blocking tasks in flight: while any runs, the paused clock must not jump ahead, since the
    /// runtime is not idle, only waiting on a thread it cannot see.
    auto_advance_inhibitors: usize,
}

impl Clock {
    /// A running clock; frozen at once if `start_paused`.
    ///
    /// # Panics
    /// Panics if `start_paused` is asked of a clock that cannot be paused.
    #[track_caller]
    pub(crate) fn new(enable_pausing: bool, start_paused: bool) -> Clock {
        let now = Instant::now();
        let clock = Clock {
            inner: Arc::new(Shared {
                enable_pausing,
                did_pause: AtomicBool::new(false),
                inner: Mutex::new(Inner {
                    base: now,
                    unfrozen: Some(now),
                    auto_advance_inhibitors: 0,
                }),
            }),
        };
        if start_paused {
            if let Err(message) = clock.pause() {
                panic!("{message}");
            }
        }
        clock
    }

    /// The clock's current reading.
    pub(crate) fn now(&self) -> Instant {
        if !self.inner.did_pause.load(Ordering::Acquire) {
            return Instant::now();
        }
        let inner = self.inner.inner.lock();
        match inner.unfrozen {
            Some(unfrozen) => inner.base + unfrozen.elapsed(),
            None => inner.base,
        }
    }

    pub(crate) fn pause(&self) -> Result<(), &'static str> {
        if !self.inner.enable_pausing {
            return Err(error::PAUSE_MULTI_THREAD);
        }
        let mut inner = self.inner.inner.lock();
        let unfrozen = inner.unfrozen.take().ok_or(error::TIME_ALREADY_FROZEN)?;
        inner.base += unfrozen.elapsed();
        self.inner.did_pause.store(true, Ordering::Release);
        DID_PAUSE_ANY_CLOCK.store(true, Ordering::Relaxed);
        Ok(())
    }

    pub(crate) fn resume(&self) -> Result<(), &'static str> {
        let mut inner = self.inner.inner.lock();
        if inner.unfrozen.is_some() {
            return Err(error::TIME_NOT_FROZEN);
        }
        inner.unfrozen = Some(Instant::now());
        Ok(())
    }

    /// Moves a frozen clock forward.
    pub(crate) fn advance(&self, duration: Duration) -> Result<(), &'static str> {
        let mut inner = self.inner.inner.lock();
        if inner.unfrozen.is_some() {
            return Err(error::TIME_NOT_FROZEN);
        }
        inner.base += duration;
        Ok(())
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.inner.did_pause.load(Ordering::Acquire) && self.inner.inner.lock().unfrozen.is_none()
    }

    /// Whether the driver may jump the frozen clock to the next timer when idle.
    pub(crate) fn can_auto_advance(&self) -> bool {
        if !self.inner.did_pause.load(Ordering::Acquire) {
            return false;
        }
        let inner = self.inner.inner.lock();
        inner.unfrozen.is_none() && inner.auto_advance_inhibitors == 0
    }

    /// A blocking task was spawned: holds auto-advance back until the returned guard is
    /// dropped (when the task is done), which then wakes `driver` so it can jump the clock.
    /// `None` on a clock that cannot be paused.
    pub(crate) fn inhibit_auto_advance(&self, driver: Unpark) -> Option<AutoAdvanceInhibitor> {
        if !self.inner.enable_pausing {
            return None;
        }
        self.inner.inner.lock().auto_advance_inhibitors += 1;
        Some(AutoAdvanceInhibitor {
            clock: self.clone(),
            driver,
        })
    }

    fn allow_auto_advance(&self) {
        let mut inner = self.inner.inner.lock();
        inner.auto_advance_inhibitors = inner
            .auto_advance_inhibitors
            .checked_sub(1)
            .expect("auto-advance allowed more often than inhibited");
    }
}

/// Holds a paused clock's auto-advance back while it lives (see `Clock::inhibit_auto_advance`).
#[derive(Debug)]
pub(crate) struct AutoAdvanceInhibitor {
    clock: Clock,
    driver: Unpark,
}

impl Drop for AutoAdvanceInhibitor {
    fn drop(&mut self) {
        self.clock.allow_auto_advance();
        if self.clock.is_paused() {
            // The driver may be parked with auto-advance held back; let it look again.
            self.driver.unpark();
        }
    }
}
