//! Unix signals: [`signal`] makes a [`Signal`] listener for a [`SignalKind`].

use crate::runtime::signal::registry::{self, Listener};
use crate::runtime::{context, coop, scheduler};
use crate::util::error;
use std::future::poll_fn;
use std::io;
use std::task::{ready, Context, Poll};

/// A Unix signal number, with a constructor for each common signal.
///
/// ```
/// use eddy::signal::unix::SignalKind;
///
/// assert_eq!(SignalKind::hangup().as_raw_value(), libc::SIGHUP);
/// assert_eq!(SignalKind::from_raw(libc::SIGUSR1), SignalKind::user_defined1());
/// let raw: libc::c_int = SignalKind::terminate().into();
/// assert_eq!(raw, libc::SIGTERM);
/// ```
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct SignalKind(libc::c_int);

impl SignalKind {
    /// Any signal number. [`signal`] refuses those that cannot or must not get a handler.
    pub const fn from_raw(signum: libc::c_int) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal number.
    pub const fn as_raw_value(&self) -> libc::c_int {
        self.0
    }

    /// SIGALRM: a timer set with `alarm(2)` or `setitimer(2)` expired. Default: terminate.
    pub const fn alarm() -> SignalKind {
        SignalKind(libc::SIGALRM)
    }

    /// SIGCHLD: a child process stopped or ended. Default: ignore.
    pub const fn child() -> SignalKind {
        SignalKind(libc::SIGCHLD)
    }

    /// SIGHUP: the terminal hung up; daemons take it as "reload configuration". Default:
    /// terminate.
    pub const fn hangup() -> SignalKind {
        SignalKind(libc::SIGHUP)
    }

    /// SIGINFO: a status request from the terminal (Ctrl-T; BSDs, macOS, illumos). Default:
    /// ignore.
    #[cfg(any(
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "illumos"
    ))]
    pub const fn info() -> SignalKind {
        SignalKind(libc::SIGINFO)
    }

    /// SIGINT: an interrupt from the terminal (Ctrl-C). Default: terminate.
    pub const fn interrupt() -> SignalKind {
        SignalKind(libc::SIGINT)
    }

    /// SIGIO: a descriptor set up for signal-driven IO is ready. Default: terminate.
    pub const fn io() -> SignalKind {
        SignalKind(libc::SIGIO)
    }

    /// SIGPIPE: a write to a pipe or socket with no reader. Default: terminate (Rust programs
    /// start with it ignored).
    pub const fn pipe() -> SignalKind {
        SignalKind(libc::SIGPIPE)
    }

    /// SIGQUIT: a quit request from the terminal (Ctrl-\). Default: terminate with a core dump.
    pub const fn quit() -> SignalKind {
        SignalKind(libc::SIGQUIT)
    }

    /// SIGTERM: a polite request to terminate. Default: terminate.
    pub const fn terminate() -> SignalKind {
        SignalKind(libc::SIGTERM)
    }

    /// SIGUSR1: for the program's own use. Default: terminate.
    pub const fn user_defined1() -> SignalKind {
        SignalKind(libc::SIGUSR1)
    }

    /// SIGUSR2: for the program's own use. Default: terminate.
    pub const fn user_defined2() -> SignalKind {
        SignalKind(libc::SIGUSR2)
    }

    /// SIGWINCH: the terminal window changed size. Default: ignore.
    pub const fn window_change() -> SignalKind {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<libc::c_int> for SignalKind {
    fn from(signum: libc::c_int) -> SignalKind {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for libc::c_int {
    fn from(kind: SignalKind) -> libc::c_int {
        kind.as_raw_value()
    }
}

/// A listener of one signal, made by [`signal`]: each [`recv`](Signal::recv) completes after a
/// delivery of the signal.
///
/// Deliveries that happen while nobody calls `recv` are remembered as one: the next `recv`
/// completes at once, the one after waits for a new delivery. Dropping the listener keeps the
/// handler installed (see the [module docs](crate::signal)).
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct Signal {
    listener: Listener,
}

/// Listens for the signal `kind` on the current runtime.
///
/// The first listener of a signal installs its handler for the rest of the process, and the
/// first listener of each runtime registers the signal pipe with that runtime's IO driver. Only
/// deliveries after this call are reported.
///
/// ```
/// use eddy::signal::unix::{signal, SignalKind};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
/// # rt.block_on(async {
/// let mut hangups = signal(SignalKind::hangup())?;
/// // SAFETY: raising a signal this process handles.
/// unsafe { libc::raise(libc::SIGHUP) };
/// hangups.recv().await;
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
///
/// # Errors
/// - `Refusing to register signal {n}` for SIGKILL, SIGSTOP, SIGILL, SIGFPE, SIGSEGV (no handler
///   can or may be installed for them) and numbers that are not positive;
/// - `signal too large` for numbers above the system's highest;
/// - `registering signal handler failed` when the operating system refuses the handler;
/// - `signal driver gone` once the runtime shut down.
///
/// # Panics
/// Panics outside a runtime, and on a runtime built without
/// [`enable_io`](crate::runtime::Builder::enable_io).
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    let runtime = match context::with_current(scheduler::Handle::clone) {
        Ok(runtime) => runtime,
        Err(err) => panic!("{err}"),
    };
    let driver = runtime.driver();
    let (Some(io), Some(signals)) = (driver.io(), driver.signal()) else {
        panic!("{}", error::IO_DISABLED);
    };
    let signum = kind.as_raw_value();
    if signum <= 0 || signal_hook_registry::FORBIDDEN.contains(&signum) {
        return Err(error::io_refuse_signal(signum));
    }
    if io.is_shutdown() {
        return Err(error::io_signal_driver_gone());
    }
    let globals = registry::globals()?;
    let slot = globals.slot(signum)?;
    globals.install(signum, slot)?;
    signals.register_pipe(io, globals)?;
    Ok(Signal {
        listener: Listener::new(slot),
    })
}

impl Signal {
    /// Waits for the next delivery. Never returns `None` in eddy: the registry lives as long as
    /// the process (the `Option` keeps Tokio's signature).
    ///
    /// # Cancel safety
    /// Cancel safe: a delivery that arrives while nobody waits is reported by the next call.
    pub async fn recv(&mut self) -> Option<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery: `Ready(Some(()))` once one happened since the last `Ready`,
    /// `Pending` otherwise (with `cx`'s waker stored). Spends one unit of the task's coop budget.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let coop = ready!(coop::poll_proceed(cx));
        ready!(self.listener.poll_recv(cx));
        coop.made_progress();
        Poll::Ready(Some(()))
    }
}
