//! The IO driver: readiness from the operating system (epoll, kqueue) through `mio`.
//!
//! A resource registers with the driver (registration.rs) and gets a `ScheduledIo`
//! (scheduled_io.rs), whose address is its mio token. Each turn of the driver polls mio, sets
//! the readiness of every resource an event names and wakes the tasks waiting on it. On a
//! multi-thread runtime, whichever parked worker holds the driver turns it; every other thread
//! reaches it through the `Handle`.
//!
//! Parking contract (`Handle::park_state`): the thread about to block in `poll` moves the state
//! from `EMPTY` to `PARKED` (a read-modify-write); `unpark` swaps in `NOTIFIED` and writes the
//! mio waker only if it replaced `PARKED`. So waking a driver that is not blocked costs one
//! atomic swap and no syscall, and an unpark that comes before the block makes the poll
//! non-blocking instead of being lost. A zero-timeout look also skips the syscall when no task
//! waits on any resource (`Handle::io_waiting`): a `yield_now` then rarely costs an epoll call.
//! Rarely, not never: the flag is cleared by each poll, so a task that began waiting before a
//! poll which brought nothing for it no longer counts, yet still waits. If the scheduler never
//! parks nor does maintenance (a current-thread runtime whose only work is a task that keeps
//! yielding), its event would never be collected; so at most `MAX_SKIPPED_LOOKS` looks in a row
//! are skipped.
//!
//! Metrics: the driver counts the events it dispatches to resources in a plain integer (one
//! thread turns it at a time) and stores the total into `Handle::ready_count` before each wake,
//! so the woken task, which synchronises with the wake, sees its event counted. Registration
//! counts live in the registration set, under its lock.

pub(crate) mod registration;
pub(crate) mod registration_set;
pub(crate) mod scheduled_io;

#[cfg(all(test, loom))]
mod loom_scheduled_io;

use crate::io::Ready;
use crate::loom::{AtomicBool, AtomicU64, AtomicUsize, Mutex, Ordering, StdArc as Arc};
use crate::runtime::io::registration_set::RegistrationSet;
use crate::runtime::io::scheduled_io::{ScheduledIo, Tick};
use crate::runtime::metrics;
use std::fmt;
use std::io;
use std::time::Duration;

/// The token of the mio waker that `unpark` writes.
const TOKEN_WAKEUP: mio::Token = mio::Token(0);
/// The token of the signal driver's pipe (runtime/signal).
pub(crate) const TOKEN_SIGNAL: mio::Token = mio::Token(1);

/// How many zero-timeout looks in a row may skip the operating system (module docs): a yield
/// loop pays one epoll call per this many yields, and an IO event waits at most this many.
/// The same number as the schedulers' maintenance interval.
const MAX_SKIPPED_LOOKS: u32 = 61;

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

/// The polling side; owned by whichever thread drives the scheduler.
pub(crate) struct Driver {
    poll: mio::Poll,
    events: mio::Events,
    /// Set when the signal pipe had an event; the signal driver takes it.
    signal_ready: bool,
    /// Zero-timeout looks skipped in a row since the last poll.
    skipped_looks: u32,
    /// Readiness events dispatched to resources so far; published to `Handle::ready_count`.
    ready_count: u64,
}

/// The side every thread shares.
pub(crate) struct Handle {
    registry: mio::Registry,
    waker: mio::Waker,
    park_state: AtomicUsize,
    /// A task waits on some resource: a zero-timeout look must ask the operating system.
    io_waiting: AtomicBool,
    registrations: RegistrationSet,
    synced: Mutex<registration_set::Synced>,
    /// The driver's `ready_count`, stored after each event (metrics). Only the thread turning
    /// the driver stores it; readers load with `Relaxed`.
    ready_count: AtomicU64,
}

impl Driver {
    pub(crate) fn new(events_per_tick: usize) -> io::Result<(Driver, Arc<Handle>)> {
        let poll = mio::Poll::new()?;
        let waker = mio::Waker::new(poll.registry(), TOKEN_WAKEUP)?;
        let registry = poll.registry().try_clone()?;
        let (registrations, synced) = RegistrationSet::new();
        let handle = Arc::new(Handle {
            registry,
            waker,
            park_state: AtomicUsize::new(EMPTY),
            io_waiting: AtomicBool::new(false),
            registrations,
            synced: Mutex::new(synced),
            ready_count: AtomicU64::new(0),
        });
        let driver = Driver {
            poll,
            events: mio::Events::with_capacity(events_per_tick),
            signal_ready: false,
            skipped_looks: 0,
            ready_count: 0,
        };
        Ok((driver, handle))
    }

    /// Polls the operating system for at most `timeout` (`None`: until an event or an unpark)
    /// and dispatches what it reports. Returns whether anything happened: an unpark or an
    /// event. A zero timeout with `skip_if_idle` and no task waiting on IO usually costs no
    /// syscall (see `MAX_SKIPPED_LOOKS`).
    pub(crate) fn turn(
        &mut self,
        handle: &Handle,
        timeout: Option<Duration>,
        skip_if_idle: bool,
    ) -> bool {
        if handle.registrations.needs_release() {
            let mut synced = handle.synced.lock();
            handle.registrations.release(&mut synced);
        }
        let blocking = timeout != Some(Duration::ZERO);
        let mut woken = false;
        let timeout = if blocking {
            match handle.park_state.compare_exchange(
                EMPTY,
                PARKED,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => timeout,
                // An unpark is pending: only look.
                Err(_) => {
                    woken = handle.park_state.swap(EMPTY, Ordering::AcqRel) == NOTIFIED;
                    Some(Duration::ZERO)
                }
            }
        } else {
            woken = handle.park_state.swap(EMPTY, Ordering::AcqRel) == NOTIFIED;
            if skip_if_idle
                && !handle.io_waiting.load(Ordering::Acquire)
                && self.skipped_looks < MAX_SKIPPED_LOOKS
            {
                self.skipped_looks += 1;
                return woken;
            }
            timeout
        };
        self.skipped_looks = 0;
        // Whoever waits on IO from here on will be served by this poll or a later one.
        handle.io_waiting.store(false, Ordering::Release);
        let polled = self.poll.poll(&mut self.events, timeout);
        if blocking {
            woken |= handle.park_state.swap(EMPTY, Ordering::AcqRel) == NOTIFIED;
        }
        match polled {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => return true,
            Err(err) => panic!("the IO driver's poll failed unexpectedly: {err}"),
        }
        for event in self.events.iter() {
            match event.token() {
                TOKEN_WAKEUP => woken = true,
                TOKEN_SIGNAL => {
                    self.signal_ready = true;
                    woken = true;
                }
                token => {
                    woken = true;
                    if metrics::ENABLED {
                        // Published before the wake, so a woken task sees its event counted.
                        self.ready_count += 1;
                        handle
                            .ready_count
                            .store(self.ready_count, Ordering::Relaxed);
                    }
                    let ready = Ready::from_mio(event);
                    // SAFETY: a token is the address of a `ScheduledIo` that the registration
                    // set keeps alive until the turn after its deregistration
                    // (registration_set.rs), and this turn released only earlier ones.
                    let io = unsafe { &*(token.0 as *const ScheduledIo) };
                    io.set_readiness(Tick::Set, |current| current | ready);
                    io.wake(ready);
                }
            }
        }
        woken
    }

    /// Whether the signal pipe had an event since the last call.
    pub(crate) fn take_signal_ready(&mut self) -> bool {
        std::mem::take(&mut self.signal_ready)
    }

    /// Marks every resource shut down and wakes its waiters: their IO now fails.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        let all = {
            let mut synced = handle.synced.lock();
            handle.registrations.shutdown(&mut synced)
        };
        for io in all {
            io.shutdown();
        }
    }
}

impl Handle {
    /// Wakes the driver if it blocks in `poll`, or makes its next poll non-blocking.
    pub(crate) fn unpark(&self) {
        if self.park_state.swap(NOTIFIED, Ordering::AcqRel) == PARKED {
            self.waker
                .wake()
                .expect("the IO driver's waker failed: the event loop cannot be woken");
        }
    }

    pub(crate) fn registry(&self) -> &mio::Registry {
        &self.registry
    }

    /// A task is about to wait on a resource.
    pub(crate) fn set_io_waiting(&self) {
        if !self.io_waiting.load(Ordering::Relaxed) {
            self.io_waiting.store(true, Ordering::Release);
        }
    }

    /// Metrics: resources registered so far.
    pub(crate) fn fd_registered_count(&self) -> u64 {
        self.registrations.fd_registered_count()
    }

    /// Metrics: resources deregistered so far.
    pub(crate) fn fd_deregistered_count(&self) -> u64 {
        self.registrations.fd_deregistered_count()
    }

    /// Metrics: readiness events dispatched to resources so far.
    pub(crate) fn ready_count(&self) -> u64 {
        self.ready_count.load(Ordering::Relaxed)
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        let synced = self.synced.lock();
        self.registrations.is_shutdown(&synced)
    }

    /// Registers a new resource: its readiness state, or an error once the driver shut down.
    pub(crate) fn add_source(
        &self,
        source: &mut impl mio::event::Source,
        interest: mio::Interest,
    ) -> io::Result<Arc<ScheduledIo>> {
        let io = {
            let mut synced = self.synced.lock();
            self.registrations
                .allocate(&mut synced)
                .ok_or_else(crate::util::error::io_runtime_shutdown)?
        };
        if let Err(err) = self.registry.register(source, io.token(), interest) {
            let mut synced = self.synced.lock();
            if self.registrations.abandon(&mut synced, &io) {
                drop(synced);
                self.unpark();
            }
            return Err(err);
        }
        Ok(io)
    }

    /// Takes a resource out of the operating system's interest list, and queues its state for
    /// release.
    ///
    /// If the operating system refuses, its entry may still be there: the descriptor was
    /// closed while a duplicate keeps the file open (epoll then keeps the entry, and its token,
    /// for as long as the file lives), or it now names another file. Events could then keep
    /// coming with this resource's address as token, so its state stays in the registration
    /// list, alive, until the driver shuts down (no event is dispatched after that). Safe code
    /// can get here: `AsyncFd::get_mut` lets its object's descriptor be replaced.
    pub(crate) fn deregister_source(
        &self,
        io: &Arc<ScheduledIo>,
        source: &mut impl mio::event::Source,
    ) -> io::Result<()> {
        self.registry.deregister(source)?;
        let mut synced = self.synced.lock();
        if self.registrations.deregister(&mut synced, io) {
            drop(synced);
            self.unpark();
        }
        Ok(())
    }
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("io::Driver").finish_non_exhaustive()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("io::Handle").finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use mio::unix::SourceFd;
    use std::io::Write;
    use std::os::unix::io::AsRawFd;
    use std::os::unix::net::UnixStream;

    /// A descriptor closed while a duplicate keeps its file open stays in epoll's interest list,
    /// token and all, and can no longer be deregistered. Its state must stay alive: freeing it
    /// would let the next event on the file write to freed memory (valgrind sees that too).
    #[test]
    fn a_refused_deregistration_keeps_the_state_alive_until_shutdown() {
        let (mut driver, handle) = Driver::new(16).unwrap();
        let (reader, writer) = UnixStream::pair().unwrap();
        reader.set_nonblocking(true).unwrap();
        let duplicate = reader.try_clone().unwrap();
        let fd = reader.as_raw_fd();
        let io = handle
            .add_source(&mut SourceFd(&fd), mio::Interest::READABLE)
            .unwrap();
        drop(reader);
        // The number is closed (or, with tests running in parallel, already names another file
        // that this fresh driver never saw): either way the kernel refuses.
        handle
            .deregister_source(&io, &mut SourceFd(&fd))
            .unwrap_err();
        assert!(!handle.registrations.needs_release());
        // The registration list still holds it.
        assert_eq!(Arc::strong_count(&io), 2);
        drop(io);
        // The file is still registered under the old token: this event lands in live memory.
        (&writer).write_all(b"x").unwrap();
        assert!(driver.turn(&handle, Some(Duration::from_secs(30)), false));
        driver.shutdown(&handle);
        drop(duplicate);
    }
}
