//! The driver: what a scheduler parks on when it has nothing to run.
//!
//! A stack of layers, each wrapping the next: the time driver (timers; optional) over the
//! condvar parker (`park.rs`). The IO driver (epoll through mio) will replace the parker at the
//! bottom, behind the same `Driver::park*` / `Handle::unpark` pair, so the schedulers do not
//! change when it arrives.

use crate::runtime::park::{ParkThread, UnparkThread};
use crate::runtime::time;
use std::time::Duration;

/// What the builder asks of the driver.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cfg {
    pub(crate) enable_time: bool,
    /// Whether the clock may be frozen (current-thread runtimes only).
    pub(crate) enable_pausing: bool,
    pub(crate) start_paused: bool,
    /// How many timer shards: one per worker, so workers file timers without contending.
    pub(crate) timer_shards: usize,
}

/// The parking side, owned by whichever thread drives the scheduler.
#[derive(Debug)]
pub(crate) struct Driver {
    layer: TimeLayer,
}

#[derive(Debug)]
enum TimeLayer {
    Enabled(time::Driver),
    Disabled(ParkThread),
}

/// The waking side, shared by every thread that schedules work.
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    unpark: UnparkThread,
    clock: time::Clock,
    /// `None` when the runtime was built without `enable_time`.
    time: Option<time::Handle>,
}

impl Driver {
    /// # Panics
    /// Panics if `start_paused` is asked of a runtime whose clock cannot be paused.
    #[track_caller]
    pub(crate) fn new(cfg: Cfg) -> (Driver, Handle) {
        let park = ParkThread::new();
        let unpark = park.unpark();
        let clock = time::Clock::new(cfg.enable_pausing, cfg.start_paused);
        let (layer, time) = if cfg.enable_time {
            let handle = time::Handle::new(clock.clone(), unpark.clone(), cfg.timer_shards);
            (TimeLayer::Enabled(time::Driver::new(park)), Some(handle))
        } else {
            (TimeLayer::Disabled(park), None)
        };
        let handle = Handle {
            unpark,
            clock,
            time,
        };
        (Driver { layer }, handle)
    }

    /// Blocks until `Handle::unpark`, or until a timer is due.
    pub(crate) fn park(&mut self, handle: &Handle) {
        match &mut self.layer {
            TimeLayer::Enabled(driver) => driver.park(handle.time_enabled(), None),
            TimeLayer::Disabled(park) => park.park(),
        }
    }

    /// Checks for events without blocking for longer than `timeout`. With a zero timeout this
    /// costs no syscall.
    pub(crate) fn park_timeout(&mut self, handle: &Handle, timeout: Duration) {
        match &mut self.layer {
            TimeLayer::Enabled(driver) => driver.park(handle.time_enabled(), Some(timeout)),
            TimeLayer::Disabled(park) => {
                park.park_timeout(timeout);
            }
        }
    }

    /// Wakes every pending timer (their `Sleep`s then panic when polled) and releases what the
    /// driver holds.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        if let TimeLayer::Enabled(driver) = &mut self.layer {
            driver.shutdown(handle.time_enabled());
        }
    }
}

impl Handle {
    /// Wakes the thread parked in `Driver::park`, or makes its next park return at once.
    pub(crate) fn unpark(&self) {
        self.unpark.unpark();
    }

    pub(crate) fn clock(&self) -> &time::Clock {
        &self.clock
    }

    /// Holds the paused clock's auto-advance back while a blocking task runs (`None` where the
    /// clock cannot be paused).
    pub(crate) fn inhibit_auto_advance(&self) -> Option<time::clock::AutoAdvanceInhibitor> {
        self.clock.inhibit_auto_advance(self.unpark.clone())
    }

    /// The timer side, or `None` if the runtime was built without timers.
    pub(crate) fn time(&self) -> Option<&time::Handle> {
        self.time.as_ref()
    }

    fn time_enabled(&self) -> &time::Handle {
        self.time
            .as_ref()
            .expect("a driver with a time layer has a time handle")
    }
}
