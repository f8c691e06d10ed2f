//! The signal driver: the layer of the driver stack, on top of the IO driver, that turns the
//! signal pipe's readiness into deliveries to listeners.
//!
//! Signal handlers are process-wide, so the registry and its pipe are too (registry.rs). What
//! belongs to one runtime is only the registration of the pipe's read end with its IO driver,
//! made when the runtime gets its first listener (`Handle::register_pipe`), under
//! `TOKEN_SIGNAL`. After each IO turn that saw that token, the driver drains the pipe and
//! broadcasts (`Driver::process`). Several runtimes may register the same pipe: each one's
//! epoll reports new bytes, the first to look drains them, and its broadcast reaches the
//! listeners of every runtime.

pub(crate) mod registry;

use crate::loom::Mutex;
use crate::runtime::io;
use mio::unix::SourceFd;

/// One runtime's side: whether the pipe is registered with its IO driver.
#[derive(Debug)]
pub(crate) struct Handle {
    /// Held while registering, so that two first listeners register once.
    registered: Mutex<bool>,
}

impl Handle {
    pub(crate) fn new() -> Handle {
        Handle {
            registered: Mutex::new(false),
        }
    }

    /// Registers the registry's pipe with `io`'s driver, the first time this runtime gets a
    /// listener.
    ///
    /// # Errors
    /// The operating system's error if it refuses the registration.
    pub(crate) fn register_pipe(
        &self,
        io: &io::Handle,
        globals: &'static registry::Globals,
    ) -> std::io::Result<()> {
        let mut registered = self.registered.lock();
        if *registered {
            return Ok(());
        }
        // A raw registration, not a `ScheduledIo`: the driver recognises the token itself, and
        // the descriptor lives as long as the process, so no entry can outlive it.
        io.registry().register(
            &mut SourceFd(&globals.receiver_fd()),
            io::TOKEN_SIGNAL,
            mio::Interest::READABLE,
        )?;
        *registered = true;
        Ok(())
    }
}

/// The layer itself. It owns nothing: the pipe and the listeners are process-wide.
#[derive(Debug)]
pub(crate) struct Driver;

impl Driver {
    /// Called after an IO turn that saw the pipe readable.
    pub(crate) fn process(&mut self) {
        if let Some(globals) = registry::globals_if_created() {
            globals.drain_and_broadcast();
        }
    }
}
