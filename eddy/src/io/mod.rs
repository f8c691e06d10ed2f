//! Readiness-based IO: the `Interest` a task waits for and the `Ready` state it gets back, and
//! `unix::AsyncFd` for any file descriptor.
//!
//! eddy's socket types (`net`) implement `futures_io::AsyncRead`/`AsyncWrite`, and Tokio's
//! `AsyncRead`/`AsyncWrite` with the `tokio-io` feature; byte-stream helpers come from
//! `futures-util` or `tokio`'s io traits.

mod async_fd;
pub(crate) mod compat;
mod interest;
pub(crate) mod poll_evented;
mod ready;

pub use interest::Interest;
pub use ready::Ready;

/// Unix-only IO: [`AsyncFd`](unix::AsyncFd), readiness for any file descriptor.
pub mod unix {
    pub use super::async_fd::{
        AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdTryNewError, TryIoError,
    };
}
