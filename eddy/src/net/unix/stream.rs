//! `UnixStream`: a connected Unix domain stream socket.

use crate::io::compat::{self, PollRead, PollWrite};
use crate::io::poll_evented::PollEvented;
use crate::io::{Interest, Ready};
use crate::net::unix::split::{self, ReadHalf, WriteHalf};
use crate::net::unix::split_owned::{self, OwnedReadHalf, OwnedWriteHalf};
use crate::net::unix::{ucred, SocketAddr, UCred};
use crate::runtime::scheduler;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;
use std::task::{Context, Poll};

/// A connected Unix domain stream socket.
///
/// It reads and writes like a [`TcpStream`](crate::net::TcpStream): through `futures-io`'s
/// `AsyncRead`/`AsyncWrite` (Tokio's too, with the `tokio-io` feature), or with the `try_*`
/// methods after waiting for readiness. Closing it shuts the write direction down.
///
/// ```
/// use eddy::net::UnixStream;
/// use futures::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let (mut a, mut b) = UnixStream::pair()?;
/// a.write_all(b"hello").await?;
/// a.close().await?;
/// let mut got = String::new();
/// b.read_to_string(&mut got).await?;
/// assert_eq!(got, "hello");
/// assert_eq!(b.peer_cred()?.uid(), a.peer_cred()?.uid());
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct UnixStream {
    io: PollEvented<mio::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket bound to `path`.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let sys = mio::net::UnixStream::connect(path)?;
        UnixStream::connect_mio(sys).await
    }

    /// Connects to the socket at `addr` (a path or, on Linux, an abstract name).
    ///
    /// # Panics
    /// As [`connect`](UnixStream::connect).
    pub async fn connect_addr(addr: &std::os::unix::net::SocketAddr) -> io::Result<UnixStream> {
        let sys = mio::net::UnixStream::connect_addr(addr)?;
        UnixStream::connect_mio(sys).await
    }

    /// Waits for the connect of `sys` to finish (immediate unless the listener's backlog is
    /// full), and reports its error, if any.
    pub(crate) async fn connect_mio(sys: mio::net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::new(sys)?;
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx)).await?;
        if let Some(err) = stream.io.take_error()? {
            return Err(err);
        }
        Ok(stream)
    }

    #[track_caller]
    pub(crate) fn new(sys: mio::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            io: PollEvented::new(sys)?,
        })
    }

    #[track_caller]
    pub(crate) fn new_on(
        sys: mio::net::UnixStream,
        runtime: &scheduler::Handle,
    ) -> io::Result<UnixStream> {
        let interest = Interest::READABLE | Interest::WRITABLE;
        Ok(UnixStream {
            io: PollEvented::new_with_interest_and_handle(sys, interest, runtime.clone())?,
        })
    }

    /// Two streams connected to each other, both unnamed.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        Ok((UnixStream::new(a)?, UnixStream::new(b)?))
    }

    /// Wraps a connected standard-library stream, which must be in non-blocking mode
    /// (`set_nonblocking(true)`).
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        UnixStream::new(mio::net::UnixStream::from_std(stream))
    }

    /// Takes the stream out of the runtime, as a standard-library stream still in non-blocking
    /// mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixStream> {
        self.io
            .into_inner()
            .map(std::os::unix::net::UnixStream::from)
    }

    /// The address of this end.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr::from)
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr::from)
    }

    /// The credentials of the process at the other end.
    pub fn peer_cred(&self) -> io::Result<UCred> {
        ucred::peer_cred(&*self.io)
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Waits until the stream is ready for any of `interest` (see
    /// [`TcpStream::ready`](crate::net::TcpStream::ready)).
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let event = self.io.registration().readiness(interest).await?;
        Ok(event.ready)
    }

    /// Waits until the stream may be readable.
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Waits until the stream may be writable.
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for read readiness (only the last caller's waker is kept).
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Polls for write readiness (only the last caller's waker is kept).
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Reads what is there without waiting: `Ok(0)` at the end of the stream, `WouldBlock` when
    /// nothing is there yet.
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    /// Like [`try_read`](UnixStream::try_read), into several buffers in order.
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    /// Writes what fits without waiting; `WouldBlock` when nothing fits.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    /// Like [`try_write`](UnixStream::try_write), from several buffers in order.
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(bufs))
    }

    /// Runs `f`, an operation on the socket itself, if the stream looks ready for `interest`
    /// (same contract as [`TcpStream::try_io`](crate::net::TcpStream::try_io)).
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    /// Runs `f` each time the stream is ready for `interest`, until it returns something other
    /// than `WouldBlock`.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }

    /// Splits the stream into halves that borrow it (see
    /// [`TcpStream::split`](crate::net::TcpStream::split), also for calling it with
    /// `futures::AsyncReadExt` in scope).
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        split::split(self)
    }

    /// Splits the stream into halves that own it (see
    /// [`TcpStream::into_split`](crate::net::TcpStream::into_split)).
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned::split_owned(self)
    }

    pub(crate) fn poll_read_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_read(cx, buf)
    }

    pub(crate) fn poll_write_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    pub(crate) fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    pub(crate) fn shutdown_std(&self, how: Shutdown) -> io::Result<()> {
        compat::shutdown_result(self.io.shutdown(how))
    }
}

impl PollRead for UnixStream {
    fn poll_read_bytes(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_read_priv(cx, buf)
    }
}

impl PollWrite for UnixStream {
    fn poll_write_bytes(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored_bytes(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored_priv(cx, bufs)
    }

    fn poll_shutdown_write(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_std(Shutdown::Write))
    }
}

compat::async_read!(UnixStream);
compat::async_write!(UnixStream);

impl TryFrom<std::os::unix::net::UnixStream> for UnixStream {
    type Error = io::Error;

    /// [`UnixStream::from_std`].
    #[track_caller]
    fn try_from(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        UnixStream::from_std(stream)
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixStream").field("io", &*self.io).finish()
    }
}

impl AsRawFd for UnixStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
