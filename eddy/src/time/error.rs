//! Time errors: [`Elapsed`] from a [`Timeout`](crate::time::Timeout), and [`Error`] from the
//! timer itself.

use crate::util::error as messages;
use std::error;
use std::fmt;
use std::io;

/// The error of a [`Timeout`](crate::time::Timeout) whose deadline came before its future
/// completed.
///
/// It converts into an [`io::Error`] of kind [`TimedOut`](io::ErrorKind::TimedOut), so `?`
/// works in functions that return `io::Result`.
///
/// ```
/// use eddy::time::{timeout, Duration};
/// use std::io;
///
/// async fn read_with_deadline() -> io::Result<()> {
///     // The `?` turns the `Elapsed` into an `io::Error`.
///     timeout(Duration::from_millis(10), std::future::pending::<()>()).await?;
///     Ok(())
/// }
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let err = read_with_deadline().await.unwrap_err();
/// assert_eq!(err.kind(), io::ErrorKind::TimedOut);
/// # });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elapsed(());

impl Elapsed {
    pub(crate) fn new() -> Elapsed {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(messages::TIMEOUT_ELAPSED)
    }
}

impl error::Error for Elapsed {}

impl From<Elapsed> for io::Error {
    /// An error of kind [`TimedOut`](io::ErrorKind::TimedOut) that keeps the `Elapsed` as its
    /// inner error, so its message still says which deadline passed.
    fn from(elapsed: Elapsed) -> io::Error {
        io::Error::new(io::ErrorKind::TimedOut, elapsed)
    }
}

/// An error of the timer implementation.
///
/// - [`shutdown`](Error::shutdown): the runtime that owns the timer has shut down, so the
///   timer can never fire. This is permanent.
/// - [`at_capacity`](Error::at_capacity): the timer holds as many entries as it can. This is
///   transient: shed load (drop some timers) and try again.
/// - [`invalid`](Error::invalid): the deadline lies beyond what the timer can represent.
///
/// ```
/// use eddy::time::error::Error;
///
/// let err = Error::shutdown();
/// assert!(err.is_shutdown());
/// assert!(!err.is_at_capacity());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error(Kind);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Shutdown,
    AtCapacity,
    Invalid,
}

impl Error {
    /// An error saying the timer has shut down.
    pub fn shutdown() -> Error {
        Error(Kind::Shutdown)
    }

    /// Whether the timer had shut down.
    pub fn is_shutdown(&self) -> bool {
        self.0 == Kind::Shutdown
    }

    /// An error saying the timer is at capacity.
    pub fn at_capacity() -> Error {
        Error(Kind::AtCapacity)
    }

    /// Whether the timer was at capacity.
    pub fn is_at_capacity(&self) -> bool {
        self.0 == Kind::AtCapacity
    }

    /// An error saying the timer was asked for a deadline it cannot represent.
    pub fn invalid() -> Error {
        Error(Kind::Invalid)
    }

    /// Whether the deadline was invalid.
    pub fn is_invalid(&self) -> bool {
        self.0 == Kind::Invalid
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Kind::Shutdown => messages::TIMER_SHUTDOWN,
            Kind::AtCapacity => messages::TIMER_AT_CAPACITY,
            Kind::Invalid => messages::TIMER_INVALID,
        })
    }
}

impl error::Error for Error {}
