//! The process-wide signal registry: one slot per signal number, and the self-pipe that carries
//! deliveries from signal handlers to the runtimes' drivers.
//!
//! Contract:
//! - The operating system's handler for signal `n` is installed once per process, through
//!   signal-hook-registry, by the first listener of `n`, and never uninstalled (other listeners
//!   may come later; the default action — often "terminate" — is gone for good). It runs in any
//!   thread, at any moment, so it only does what is async-signal-safe: `pending.store(true)` on
//!   slot `n`, then one `write(2)` of a byte to the pipe. No lock, no allocation, no panic.
//!   A full pipe (`EAGAIN`) loses nothing: a byte is already waiting to be read.
//! - Each runtime with a listener registers the pipe's read end with its IO driver, under
//!   `TOKEN_SIGNAL` (signal/mod.rs). Whichever driver sees it readable first drains it, then
//!   broadcasts: for each slot, `pending.swap(false)`; a slot that was pending bumps its
//!   `version` and wakes its waiting listeners. Draining before swapping means a delivery that
//!   lands after the swap left a byte behind, hence a new event: none is lost. Deliveries between
//!   two broadcasts coalesce into one. Every listener in every runtime hears every broadcast, so
//!   it does not matter which runtime's driver drained the pipe.
//! - A listener remembers the last `version` it reported. To sleep it puts its waker in the
//!   slot's `waiters`, under that lock, and reads `version` again before releasing it; a
//!   broadcast bumps `version` before it takes the lock. So either the listener sees the bump or
//!   the broadcast sees the waker. Wakers are woken after the lock is released.
//! - The registry (pipe and slots) lives in a `static` until the process exits: a handler holds
//!   plain `'static` references into it and the pipe's raw write end.

use crate::loom::{Ordering, StaticAtomicBool, StaticAtomicU64, StaticMutex, StaticOnceLock};
use crate::util::error;
use std::io::{self, Read};
use std::os::unix::io::{AsRawFd, RawFd};
use std::task::{Context, Poll, Waker};

/// The pipe and the slots; created by the first listener of the process.
pub(crate) struct Globals {
    /// The read end, drained by the drivers.
    receiver: mio::net::UnixStream,
    /// The write end; the handlers write to its raw descriptor.
    sender: mio::net::UnixStream,
    /// Indexed by signal number (slot 0 is never used).
    slots: Box<[Slot]>,
}

/// One signal number's state.
pub(crate) struct Slot {
    /// Set by the handler, taken by a broadcast.
    pending: StaticAtomicBool,
    /// How many broadcasts this signal has had.
    version: StaticAtomicU64,
    /// Whether the handler is installed; held while installing, so that it happens once.
    installed: StaticMutex<bool>,
    /// The listeners waiting for the next broadcast, by listener id.
    waiters: StaticMutex<Vec<(u64, Waker)>>,
}

static GLOBALS: StaticOnceLock<Globals> = StaticOnceLock::new();

/// Listener ids: only uniqueness matters.
static NEXT_LISTENER: StaticAtomicU64 = StaticAtomicU64::new(1);

/// The registry, created on first use.
///
/// # Errors
/// The operating system's error when it refuses the pipe (too many open files).
pub(crate) fn globals() -> io::Result<&'static Globals> {
    if let Some(globals) = GLOBALS.get() {
        return Ok(globals);
    }
    let (receiver, sender) = mio::net::UnixStream::pair()?;
    let slots = (0..slot_count()).map(|_| Slot::new()).collect();
    let globals = Globals {
        receiver,
        sender,
        slots,
    };
    // Two first listeners at once both made a pipe: one is kept, the other closed unused.
    Ok(GLOBALS.get_or_init(|| globals))
}

/// The registry if a listener ever created it (no listener: no handler, nothing to deliver).
pub(crate) fn globals_if_created() -> Option<&'static Globals> {
    GLOBALS.get()
}

/// One more than the highest signal number this system has.
fn slot_count() -> usize {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let highest = libc::SIGRTMAX();
    // The classic signals; real-time ones, where they exist elsewhere, are not numbered alike.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let highest = 32;
    usize::try_from(highest).map_or(33, |highest| highest + 1)
}

impl Globals {
    /// The slot of `signum` (positive), or the "too large" error.
    pub(crate) fn slot(&'static self, signum: libc::c_int) -> io::Result<&'static Slot> {
        usize::try_from(signum)
            .ok()
            .and_then(|index| self.slots.get(index))
            .ok_or_else(|| error::io_signal_too_large(signum))
    }

    /// The read end, for the drivers to register.
    pub(crate) fn receiver_fd(&self) -> RawFd {
        self.receiver.as_raw_fd()
    }

    /// Empties the pipe, then delivers every pending signal to its listeners (module contract:
    /// in this order).
    pub(crate) fn drain_and_broadcast(&self) {
        let mut buf = [0u8; 128];
        loop {
            match (&self.receiver).read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                // `WouldBlock`: drained. Anything else cannot happen to a socket pair whose
                // write end lives as long as the process; stopping is all there is to do.
                Err(_) => break,
            }
        }
        for slot in self.slots.iter() {
            if slot.pending.swap(false, Ordering::AcqRel) {
                slot.broadcast();
            }
        }
    }

    /// Installs the handler of `signum` unless a listener did before; `slot` is its slot.
    ///
    /// # Errors
    /// The "registering signal handler failed" error; a later listener tries again.
    pub(crate) fn install(
        &'static self,
        signum: libc::c_int,
        slot: &'static Slot,
    ) -> io::Result<()> {
        let mut installed = slot.installed.lock();
        if *installed {
            return Ok(());
        }
        let pending = &slot.pending;
        let fd = self.sender.as_raw_fd();
        let handler = move || {
            pending.store(true, Ordering::Release);
            let byte = 1u8;
            // SAFETY: `fd` is the write end of a socket pair that stays open for the rest of the
            // process, and the buffer is one live byte. write(2) is async-signal-safe; its
            // result is ignored: `EAGAIN` means a byte already waits (module contract), and
            // signal-hook-registry restores `errno` around the handler.
            let _ = unsafe { libc::write(fd, std::ptr::addr_of!(byte).cast(), 1) };
        };
        // SAFETY: the handler only stores to an atomic and calls write(2), both
        // async-signal-safe; it allocates nothing, takes no lock and cannot panic. `signum` is
        // not one of signal-hook-registry's forbidden signals: the caller refused those.
        let result = unsafe { signal_hook_registry::register(signum, handler) };
        match result {
            Ok(_) => {
                *installed = true;
                Ok(())
            }
            Err(err) => Err(error::io_signal_handler_failed(err)),
        }
    }
}

impl Slot {
    fn new() -> Slot {
        Slot {
            pending: StaticAtomicBool::new(false),
            version: StaticAtomicU64::new(0),
            installed: StaticMutex::new(false),
            waiters: StaticMutex::new(Vec::new()),
        }
    }

    /// Bumps the version and wakes every waiting listener, after releasing the lock.
    fn broadcast(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
        let waiters = std::mem::take(&mut *self.waiters.lock());
        for (_, waker) in waiters {
            waker.wake();
        }
    }
}

/// One listener of one signal: reports each broadcast after its creation once (coalescing those
/// it missed).
#[derive(Debug)]
pub(crate) struct Listener {
    slot: &'static Slot,
    id: u64,
    /// The version this listener reported last (or saw when it was made).
    seen: u64,
}

impl Listener {
    pub(crate) fn new(slot: &'static Slot) -> Listener {
        Listener {
            slot,
            id: NEXT_LISTENER.fetch_add(1, Ordering::Relaxed),
            seen: slot.version.load(Ordering::Acquire),
        }
    }

    /// `Ready` once a broadcast happened since the last `Ready`; otherwise `Pending`, with `cx`'s
    /// waker stored.
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.take_news() {
            return Poll::Ready(());
        }
        let mut waiters = self.slot.waiters.lock();
        match waiters.iter_mut().find(|(id, _)| *id == self.id) {
            Some((_, waker)) => waker.clone_from(cx.waker()),
            None => waiters.push((self.id, cx.waker().clone())),
        }
        // A broadcast that bumped the version before we took the lock did not see our waker
        // (module contract): look again.
        let news = self.take_news();
        drop(waiters);
        if news {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    fn take_news(&mut self) -> bool {
        let version = self.slot.version.load(Ordering::Acquire);
        if version == self.seen {
            return false;
        }
        self.seen = version;
        true
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let mut waiters = self.slot.waiters.lock();
        let waker = waiters
            .iter()
            .position(|(id, _)| *id == self.id)
            .map(|index| waiters.swap_remove(index));
        drop(waiters);
        // Dropped outside the lock: a waker's drop may run arbitrary code.
        drop(waker);
    }
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("version", &self.version.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}
