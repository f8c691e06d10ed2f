//! `Interest`: which readiness a task waits for.

use std::fmt;
use std::ops;

/// The readiness events a task is interested in: readable, writable, priority (out-of-band data,
/// Linux only) or error. Combine them with `|`.
///
/// ```
/// use eddy::io::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
/// ```
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct Interest(u8);

const READABLE: u8 = 0b0001;
const WRITABLE: u8 = 0b0010;
const PRIORITY: u8 = 0b0100;
const ERROR: u8 = 0b1000;

impl Interest {
    /// Readable: data to read, a connection to accept, or the read half closed.
    pub const READABLE: Interest = Interest(READABLE);
    /// Writable: room to write, or the write half closed.
    pub const WRITABLE: Interest = Interest(WRITABLE);
    /// Priority (out-of-band) data to read, as epoll's `EPOLLPRI` reports it (Linux).
    pub const PRIORITY: Interest = Interest(PRIORITY);
    /// An error condition on the resource. The operating system always reports errors; asking
    /// for this interest alone waits for nothing else.
    pub const ERROR: Interest = Interest(ERROR);

    /// Whether this includes readable.
    pub const fn is_readable(self) -> bool {
        self.0 & READABLE != 0
    }

    /// Whether this includes writable.
    pub const fn is_writable(self) -> bool {
        self.0 & WRITABLE != 0
    }

    /// Whether this includes priority.
    pub const fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// Whether this includes error.
    pub const fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// Both interests at once.
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// This interest without `other`, or `None` if nothing is left.
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = self.0 & !other.0;
        (left != 0).then_some(Interest(left))
    }

    /// The interest as mio registers it. Error needs no registration (epoll always reports
    /// it); an interest of error alone registers readable, as mio needs some interest.
    pub(crate) fn to_mio(self) -> mio::Interest {
        let mut mio: Option<mio::Interest> = None;
        let mut add = |interest: mio::Interest| {
            mio = Some(match mio {
                Some(existing) => existing | interest,
                None => interest,
            });
        };
        if self.is_readable() {
            add(mio::Interest::READABLE);
        }
        if self.is_writable() {
            add(mio::Interest::WRITABLE);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.is_priority() {
            add(mio::Interest::PRIORITY);
        }
        mio.unwrap_or(mio::Interest::READABLE)
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    fn bitor_assign(&mut self, other: Interest) {
        *self = self.add(other);
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (READABLE, "READABLE"),
            (WRITABLE, "WRITABLE"),
            (PRIORITY, "PRIORITY"),
            (ERROR, "ERROR"),
        ];
        let mut first = true;
        for (bit, name) in names {
            if self.0 & bit != 0 {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}
