//! `JoinError`: why a task ended without its output.

use super::Id;
use std::any::Any;
use std::fmt;
use std::io;

/// A task failed to run to completion: it was cancelled, or it panicked.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let err = eddy::spawn(async { panic!("boom") }).await.unwrap_err();
/// assert!(err.is_panic());
/// assert_eq!(err.to_string(), format!("task {} panicked with message \"boom\"", err.id()));
/// # });
/// ```
pub struct JoinError {
    repr: Repr,
    id: Id,
}

enum Repr {
    Cancelled,
    Panic(SyncPayload),
}

/// A panic payload made `Sync` by only ever being reachable through `&mut` or by value.
struct SyncPayload(Box<dyn Any + Send + 'static>);

// SAFETY: through a shared reference the payload is only ever inspected by `panic_message`, which
// calls `Any::type_id` (reads no data of the payload) and then reads it as `&'static str` or
// `String`, both `Sync`. Every other access moves the payload out by value.
unsafe impl Sync for SyncPayload {}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError {
            repr: Repr::Cancelled,
            id,
        }
    }

    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            repr: Repr::Panic(SyncPayload(payload)),
            id,
        }
    }

    /// Returns true if the task was cancelled (aborted, or dropped by a runtime shutdown).
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Returns true if the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// Consumes the error, returning the panic payload.
    ///
    /// # Panics
    /// Panics if the task was cancelled rather than panicking; use
    /// [`try_into_panic`](Self::try_into_panic) when unsure.
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect(crate::util::error::JOIN_ERROR_NOT_PANIC)
    }

    /// Consumes the error, returning the panic payload, or the error itself if the task was
    /// cancelled.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let err = eddy::spawn(async { std::panic::panic_any(7_u8) }).await.unwrap_err();
    /// let payload = err.try_into_panic().unwrap();
    /// assert_eq!(payload.downcast_ref::<u8>(), Some(&7));
    /// # });
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(payload) => Ok(payload.0),
            Repr::Cancelled => Err(self),
        }
    }

    /// The id of the task that failed.
    pub fn id(&self) -> Id {
        self.id
    }

    /// The panic message, when the payload is a string.
    fn panic_message(&self) -> Option<&str> {
        let Repr::Panic(payload) = &self.repr else {
            return None;
        };
        // Only `&str`/`String` are read through the shared reference; see `SyncPayload`.
        let any: &(dyn Any + Send) = &*payload.0;
        any.downcast_ref::<&'static str>()
            .copied()
            .or_else(|| any.downcast_ref::<String>().map(String::as_str))
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "task {} was cancelled", self.id),
            (Repr::Panic(_), Some(msg)) => {
                write!(f, "task {} panicked with message {:?}", self.id, msg)
            }
            (Repr::Panic(_), None) => write!(f, "task {} panicked", self.id),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "JoinError::Cancelled({:?})", self.id),
            (Repr::Panic(_), Some(msg)) => {
                write!(f, "JoinError::Panic({:?}, {:?}, ...)", self.id, msg)
            }
            (Repr::Panic(_), None) => write!(f, "JoinError::Panic({:?}, ...)", self.id),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for io::Error {
    fn from(err: JoinError) -> io::Error {
        io::Error::other(if err.is_cancelled() {
            "task was cancelled"
        } else {
            "task panicked"
        })
    }
}
