//! The driver: what a scheduler parks on when it has nothing to run.
//!
//! Today it is the condvar parker (`park.rs`). The IO driver (epoll through mio) and the timer
//! wheel plug in here later, behind the same `Driver::park*` / `Handle::unpark` pair, so the
//! schedulers do not change when they arrive.

use crate::runtime::park::{ParkThread, UnparkThread};
use std::time::Duration;

/// The parking side, owned by whichever thread drives the scheduler.
#[derive(Debug)]
pub(crate) struct Driver {
    park: ParkThread,
}

/// The waking side, shared by every thread that schedules work.
#[derive(Clone, Debug)]
pub(crate) struct Handle {
    unpark: UnparkThread,
}

impl Driver {
    pub(crate) fn new() -> (Driver, Handle) {
        let park = ParkThread::new();
        let unpark = park.unpark();
        (Driver { park }, Handle { unpark })
    }

    /// Blocks until `Handle::unpark` (or until a ready event, once IO exists).
    pub(crate) fn park(&mut self, _handle: &Handle) {
        self.park.park();
    }

    /// Checks for events without blocking for longer than `timeout`. With a zero timeout this
    /// costs no syscall.
    pub(crate) fn park_timeout(&mut self, _handle: &Handle, timeout: Duration) {
        self.park.park_timeout(timeout);
    }

    /// Releases what the driver holds; later drivers wake every pending IO and timer here.
    pub(crate) fn shutdown(&mut self, _handle: &Handle) {}
}

impl Handle {
    /// Wakes the thread parked in `Driver::park`, or makes its next park return at once.
    pub(crate) fn unpark(&self) {
        self.unpark.unpark();
    }
}
