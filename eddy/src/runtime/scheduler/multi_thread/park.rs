//! How an idle worker sleeps: on the shared driver if it can take it, on its own condition
//! variable otherwise.
//!
//! Only one thread at a time can wait on the driver (later: epoll and the timer wheel), so the
//! first worker to park takes it and the others sleep on their condvars; a task woken by an IO
//! event then reaches a worker through the usual notify path.
//!
//! Contract: `state` is `EMPTY`, `PARKED_CONDVAR`, `PARKED_DRIVER` (the worker sleeps, or is
//! about to, on that) or `NOTIFIED` (an unpark no park has consumed). `unpark` swaps in
//! `NOTIFIED` and wakes the sleeper the previous state names: the condvar under its mutex (held
//! by the parker from its transition to its wait, so the signal cannot fall in between), or the
//! driver through its handle (whose own token covers an unpark that arrives before the wait).
//! A spare driver wake-up only makes the next driver park return early; parkers re-check their
//! work after every park.

use crate::loom::{AtomicUsize, Condvar, Mutex, Ordering, StdArc as Arc};
use crate::runtime::driver::{self, Driver, Look};
use std::fmt;

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// The driver, shared by the workers of one runtime.
pub(crate) struct SharedDriver {
    driver: Mutex<Option<Driver>>,
    handle: driver::Handle,
}

/// A worker's parking side.
pub(crate) struct Parker {
    inner: Arc<Inner>,
}

/// A worker's waking side; any thread may use it.
#[derive(Clone)]
pub(crate) struct Unparker {
    inner: Arc<Inner>,
}

struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    shared: Arc<SharedDriver>,
}

impl SharedDriver {
    pub(crate) fn new(driver: Driver, handle: driver::Handle) -> Arc<SharedDriver> {
        Arc::new(SharedDriver {
            driver: Mutex::new(Some(driver)),
            handle,
        })
    }

    /// The waking side of the driver, which also reaches its clock and timers.
    pub(crate) fn handle(&self) -> &driver::Handle {
        &self.handle
    }

    /// Shuts the driver down (the last worker to stop does this).
    pub(crate) fn shutdown(&self) {
        if let Some(mut driver) = self.driver.lock().take() {
            driver.shutdown(&self.handle);
        }
    }
}

impl Parker {
    pub(crate) fn new(shared: Arc<SharedDriver>) -> Parker {
        Parker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
                shared,
            }),
        }
    }

    pub(crate) fn unparker(&self) -> Unparker {
        Unparker {
            inner: self.inner.clone(),
        }
    }

    /// Sleeps until unparked (at once if an unpark is pending).
    pub(crate) fn park(&mut self) {
        self.inner.park();
    }

    /// Looks at the driver without blocking, if it is free, and consumes a pending unpark.
    pub(crate) fn look(&mut self, look: Look) {
        if let Some(mut driver) = self.inner.shared.driver.try_lock() {
            if let Some(driver) = driver.as_mut() {
                driver.look(&self.inner.shared.handle, look);
            }
        }
        let _ = self.inner.state.compare_exchange(
            NOTIFIED,
            EMPTY,
            Ordering::Acquire,
            Ordering::Relaxed,
        );
    }
}

impl Inner {
    fn park(&self) {
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, Ordering::Acquire, Ordering::Acquire)
            .is_ok()
        {
            return;
        }
        if let Some(mut driver) = self.shared.driver.try_lock() {
            if let Some(driver) = driver.as_mut() {
                self.park_on_driver(driver);
                return;
            }
        }
        self.park_on_condvar();
    }

    /// Moves the state from `EMPTY` to `parked`; returns false (and consumes the notification)
    /// if an unpark arrived first.
    fn enter_parked(&self, parked: usize) -> bool {
        match self
            .state
            .compare_exchange(EMPTY, parked, Ordering::Acquire, Ordering::Acquire)
        {
            Ok(_) => true,
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, Ordering::Acquire);
                false
            }
            Err(actual) => panic!("inconsistent worker park state: {actual}"),
        }
    }

    fn park_on_driver(&self, driver: &mut Driver) {
        if !self.enter_parked(PARKED_DRIVER) {
            return;
        }
        driver.park(&self.shared.handle);
        // Woken by an unpark (NOTIFIED) or by the driver itself (still PARKED_DRIVER).
        self.state.swap(EMPTY, Ordering::Acquire);
    }

    fn park_on_condvar(&self) {
        let mut guard = self.mutex.lock();
        if !self.enter_parked(PARKED_CONDVAR) {
            return;
        }
        loop {
            guard = self.condvar.wait(guard);
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, Ordering::Acquire, Ordering::Acquire)
                .is_ok()
            {
                return;
            }
            // Spurious wake-up: keep sleeping.
        }
    }
}

impl Unparker {
    pub(crate) fn unpark(&self) {
        let inner = &*self.inner;
        match inner.state.swap(NOTIFIED, Ordering::Release) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Taking the lock orders us after the parker's wait began (module contract).
                drop(inner.mutex.lock());
                inner.condvar.notify_one();
            }
            PARKED_DRIVER => inner.shared.handle.unpark(),
            actual => panic!("inconsistent worker unpark state: {actual}"),
        }
    }
}

impl fmt::Debug for Unparker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unparker").finish_non_exhaustive()
    }
}
