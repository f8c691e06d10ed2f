//! The byte-stream traits of `futures-io` (always) and Tokio (feature `tokio-io`) on eddy's
//! stream types, from one implementation each.
//!
//! A stream type implements `PollRead` and/or `PollWrite` once; `async_read!` and
//! `async_write!` then give it the foreign traits as thin adapters. The adapters are macros
//! because a blanket `impl<T: PollRead> futures_io::AsyncRead for T` is forbidden (the orphan
//! rule), and they need `Unpin` types (every eddy stream is).

use std::io::{self, IoSlice};
use std::task::{Context, Poll};

/// The read side of a byte stream.
pub(crate) trait PollRead {
    /// Reads into `buf` once data (or the end of the stream) is there.
    fn poll_read_bytes(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;
}

/// The write side of a byte stream.
pub(crate) trait PollWrite {
    /// Writes from `buf` once there is room.
    fn poll_write_bytes(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;

    /// Writes from `bufs` once there is room, in one system call.
    fn poll_write_vectored_bytes(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>>;

    /// Shuts the write direction down: the peer reads the end of the stream.
    fn poll_shutdown_write(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
}

/// Tokio's `poll_read` through `PollRead`: reads into the unfilled part of `buf`.
#[cfg(feature = "tokio-io")]
pub(crate) fn tokio_poll_read(
    reader: &mut impl PollRead,
    cx: &mut Context<'_>,
    buf: &mut tokio::io::ReadBuf<'_>,
) -> Poll<io::Result<()>> {
    // Zeroing the unfilled part happens once per buffer: a `ReadBuf` remembers what it
    // initialised, so a reused buffer costs nothing here.
    let n = std::task::ready!(reader.poll_read_bytes(cx, buf.initialize_unfilled()))?;
    buf.advance(n);
    Poll::Ready(Ok(()))
}

/// Shutting down a write half that is already shut, or whose peer reset the connection, leaves
/// it exactly as the caller wants it: closed. Linux reports those as `NotConnected`.
pub(crate) fn shutdown_result(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(err) if err.kind() == io::ErrorKind::NotConnected => Ok(()),
        other => other,
    }
}

/// `futures_io::AsyncRead` (and with `tokio-io`, `tokio::io::AsyncRead`) for a `PollRead` type.
macro_rules! async_read {
    ($ty:ty) => {
        impl futures_io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                $crate::io::compat::PollRead::poll_read_bytes(self.get_mut(), cx, buf)
            }
        }

        #[cfg(feature = "tokio-io")]
        impl tokio::io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                $crate::io::compat::tokio_poll_read(self.get_mut(), cx, buf)
            }
        }
    };
}

/// `futures_io::AsyncWrite` (and with `tokio-io`, `tokio::io::AsyncWrite`) for a `PollWrite`
/// type. Flushing is a no-op: sockets have no user-space buffer.
macro_rules! async_write {
    ($ty:ty) => {
        impl futures_io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                $crate::io::compat::PollWrite::poll_write_bytes(self.get_mut(), cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                $crate::io::compat::PollWrite::poll_write_vectored_bytes(self.get_mut(), cx, bufs)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                $crate::io::compat::PollWrite::poll_shutdown_write(self.get_mut(), cx)
            }
        }

        #[cfg(feature = "tokio-io")]
        impl tokio::io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                $crate::io::compat::PollWrite::poll_write_bytes(self.get_mut(), cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                $crate::io::compat::PollWrite::poll_write_vectored_bytes(self.get_mut(), cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_shutdown(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                $crate::io::compat::PollWrite::poll_shutdown_write(self.get_mut(), cx)
            }
        }
    };
}

pub(crate) use {async_read, async_write};
