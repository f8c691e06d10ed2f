//! The driver: what a scheduler parks on when it has nothing to run.
//!
//! A stack of layers, each wrapping the next: the time driver (timers; optional) over the signal
//! driver over the IO driver (epoll through mio), or over the condvar parker (`park.rs`) when IO
//! is off (signals need IO). The schedulers see only `Driver::park*` and `Handle::unpark`.

use crate::loom::StdArc as Arc;
use crate::runtime::io;
use crate::runtime::park::{ParkThread, UnparkThread};
use crate::runtime::signal;
use crate::runtime::time;
use std::time::Duration;

/// What the builder asks of the driver.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cfg {
    pub(crate) enable_io: bool,
    /// How many events one turn of the IO driver takes from the operating system.
    pub(crate) events_per_tick: usize,
    pub(crate) enable_time: bool,
    /// Whether the clock may be frozen (current-thread runtimes only).
    pub(crate) enable_pausing: bool,
    pub(crate) start_paused: bool,
    /// How many timer shards: one per worker, so workers file timers without contending.
    pub(crate) timer_shards: usize,
}

/// Why a scheduler looks at the driver without blocking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    /// Periodic maintenance: IO events must be collected even under load, or a busy scheduler
    /// would never see its sockets become ready.
    Maintenance,
    /// Deferred wake-ups (`yield_now`) are about to run: the operating system is asked only
    /// if a task started waiting on IO since the last poll, or after a run of skipped looks
    /// (io/mod.rs), so that most yields cost no syscall.
    Yield,
}

/// The parking side, owned by whichever thread drives the scheduler.
#[derive(Debug)]
pub(crate) struct Driver {
    io: IoStack,
    /// Present with IO.
    signal: Option<signal::Driver>,
    time: Option<time::Driver>,
}

/// The bottom of the stack: where the thread actually blocks.
#[derive(Debug)]
enum IoStack {
    Enabled(io::Driver),
    Disabled(ParkThread),
}

/// The waking side, shared by every thread that schedules work.
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    unpark: Unpark,
    clock: time::Clock,
    /// `None` when the runtime was built without `enable_io`.
    io: Option<Arc<io::Handle>>,
    /// `None` when the runtime was built without `enable_io`.
    signal: Option<Arc<signal::Handle>>,
    /// `None` when the runtime was built without `enable_time`.
    time: Option<time::Handle>,
}

/// Wakes the thread parked at the bottom of the stack.
#[derive(Clone, Debug)]
pub(crate) enum Unpark {
    Io(Arc<io::Handle>),
    Thread(UnparkThread),
}

impl Unpark {
    pub(crate) fn unpark(&self) {
        match self {
            Unpark::Io(handle) => handle.unpark(),
            Unpark::Thread(unpark) => unpark.unpark(),
        }
    }
}

impl Driver {
    /// # Panics
    /// Panics if `start_paused` is asked of a runtime whose clock cannot be paused.
    #[track_caller]
    pub(crate) fn new(cfg: Cfg) -> std::io::Result<(Driver, Handle)> {
        let (io, io_handle, unpark) = if cfg.enable_io {
            let (driver, handle) = io::Driver::new(cfg.events_per_tick)?;
            let unpark = Unpark::Io(handle.clone());
            (IoStack::Enabled(driver), Some(handle), unpark)
        } else {
            let park = ParkThread::new();
            let unpark = Unpark::Thread(park.unpark());
            (IoStack::Disabled(park), None, unpark)
        };
        // Nothing to set up yet: a runtime registers the signal pipe with its first listener.
        let (signal, signal_handle) = if cfg.enable_io {
            (Some(signal::Driver), Some(Arc::new(signal::Handle::new())))
        } else {
            (None, None)
        };
        let clock = time::Clock::new(cfg.enable_pausing, cfg.start_paused);
        let (time, time_handle) = if cfg.enable_time {
            let handle = time::Handle::new(clock.clone(), unpark.clone(), cfg.timer_shards);
            (Some(time::Driver), Some(handle))
        } else {
            (None, None)
        };
        let handle = Handle {
            unpark,
            clock,
            io: io_handle,
            signal: signal_handle,
            time: time_handle,
        };
        Ok((Driver { io, signal, time }, handle))
    }

    /// Blocks until `Handle::unpark`, an IO event, or a timer.
    pub(crate) fn park(&mut self, handle: &Handle) {
        self.park_internal(handle, None, Look::Maintenance);
    }

    /// Looks for events without blocking: fires due timers and, unless `look` is a `Yield` with
    /// no task waiting on IO, asks the operating system for IO events.
    pub(crate) fn look(&mut self, handle: &Handle, look: Look) {
        self.park_internal(handle, Some(Duration::ZERO), look);
    }

    fn park_internal(&mut self, handle: &Handle, timeout: Option<Duration>, look: Look) {
        let Driver { io, signal, time } = self;
        let mut bottom = |timeout: Option<Duration>| {
            let woken = io.park(handle, timeout, look);
            if let Some(signal) = signal {
                if io.take_signal_ready() {
                    signal.process();
                }
            }
            woken
        };
        match time {
            Some(time) => time.park(&mut bottom, handle.time_enabled(), timeout),
            None => {
                bottom(timeout);
            }
        }
    }

    /// Wakes every pending timer and every IO waiter with the shutdown error, so that nothing
    /// waits for a runtime that is gone.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        if let Some(time) = &mut self.time {
            time.shutdown(handle.time_enabled());
        }
        if let (IoStack::Enabled(driver), Some(io)) = (&mut self.io, &handle.io) {
            driver.shutdown(io);
        }
    }
}

impl IoStack {
    /// Whether the signal pipe was readable since the last call (runtime/signal).
    fn take_signal_ready(&mut self) -> bool {
        match self {
            IoStack::Enabled(driver) => driver.take_signal_ready(),
            IoStack::Disabled(_) => false,
        }
    }

    /// Returns whether anything woke it (an unpark or an event).
    fn park(&mut self, handle: &Handle, timeout: Option<Duration>, look: Look) -> bool {
        match self {
            IoStack::Enabled(driver) => {
                let io = handle.io.as_ref().expect("an IO driver has an IO handle");
                driver.turn(io, timeout, look == Look::Yield)
            }
            IoStack::Disabled(park) => match timeout {
                Some(timeout) => park.park_timeout(timeout),
                None => {
                    park.park();
                    true
                }
            },
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

    /// The IO side, or `None` if the runtime was built without IO.
    pub(crate) fn io(&self) -> Option<&io::Handle> {
        self.io.as_deref()
    }

    /// The signal side, or `None` if the runtime was built without IO.
    pub(crate) fn signal(&self) -> Option<&signal::Handle> {
        self.signal.as_deref()
    }

    fn time_enabled(&self) -> &time::Handle {
        self.time
            .as_ref()
            .expect("a driver with a time layer has a time handle")
    }
}
