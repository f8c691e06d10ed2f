//! `TcpStream`: a TCP connection.

use crate::io::compat::{self, PollRead, PollWrite};
use crate::io::poll_evented::PollEvented;
use crate::io::{Interest, Ready};
use crate::net::addr::{self, ToSocketAddrs};
use crate::net::tcp::split::{self, ReadHalf, WriteHalf};
use crate::net::tcp::split_owned::{self, OwnedReadHalf, OwnedWriteHalf};
use crate::runtime::io::scheduled_io::Direction;
use crate::runtime::scheduler;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::task::{Context, Poll};
use std::time::Duration;

/// A TCP connection between a local and a remote socket.
///
/// Make one with [`connect`](TcpStream::connect), by accepting it from a
/// [`TcpListener`](crate::net::TcpListener), or with a [`TcpSocket`](crate::net::TcpSocket).
/// Read and write it through `futures-io`'s `AsyncRead`/`AsyncWrite` (Tokio's too, with the
/// `tokio-io` feature), or with the `try_*` methods after waiting for
/// [`readable`](TcpStream::readable) / [`writable`](TcpStream::writable). Closing it
/// (`AsyncWrite::poll_close`, Tokio's `poll_shutdown`) shuts the write direction down: the peer
/// reads the end of the stream, and can still write back. Dropping it closes both directions.
///
/// ```
/// use eddy::net::{TcpListener, TcpStream};
/// use futures::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let mut client = TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
///
/// client.write_all(b"ping").await?;
/// client.close().await?; // the server reads the end of the stream after "ping"
/// let mut got = Vec::new();
/// server.read_to_end(&mut got).await?;
/// assert_eq!(got, b"ping");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct TcpStream {
    io: PollEvented<mio::net::TcpStream>,
}

impl TcpStream {
    /// Opens a connection to `addr`, trying each address it resolves to in turn; the error is
    /// the last address's.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        addr::each_addr(addr, TcpStream::connect_addr).await
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let sys = mio::net::TcpStream::connect(addr)?;
        TcpStream::connect_mio(sys).await
    }

    /// Waits for the non-blocking connect of `sys` to finish.
    pub(crate) async fn connect_mio(sys: mio::net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::new(sys)?;
        // A connect finishes when the socket turns writable; whether it succeeded is in
        // SO_ERROR (a refused connection reports write-closed and an error).
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx)).await?;
        if let Some(err) = stream.io.take_error()? {
            return Err(err);
        }
        Ok(stream)
    }

    #[track_caller]
    pub(crate) fn new(sys: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: PollEvented::new(sys)?,
        })
    }

    #[track_caller]
    pub(crate) fn new_on(
        sys: mio::net::TcpStream,
        runtime: &scheduler::Handle,
    ) -> io::Result<TcpStream> {
        let interest = Interest::READABLE | Interest::WRITABLE;
        Ok(TcpStream {
            io: PollEvented::new_with_interest_and_handle(sys, interest, runtime.clone())?,
        })
    }

    /// Wraps a connected standard-library stream, which must be in non-blocking mode
    /// (`set_nonblocking(true)`): a blocking one would block the runtime's threads.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// std_stream.set_nonblocking(true)?;
    /// let stream = eddy::net::TcpStream::from_std(std_stream)?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::new(mio::net::TcpStream::from_std(stream))
    }

    /// Takes the stream out of the runtime, as a standard-library stream still in non-blocking
    /// mode (call `set_nonblocking(false)` to use it blocking).
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        self.io.into_inner().map(std::net::TcpStream::from)
    }

    /// The local address of the connection.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// The remote address of the connection.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Waits until the stream is ready for any of `interest`, and returns what it is ready for.
    /// The readiness may be stale: a `try_*` call may still return `WouldBlock`, after which
    /// waiting again is right. Any number of tasks may wait at once.
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let event = self.io.registration().readiness(interest).await?;
        Ok(event.ready)
    }

    /// Waits until the stream may be readable (see [`ready`](TcpStream::ready)).
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Waits until the stream may be writable (see [`ready`](TcpStream::ready)).
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for read readiness. Only the waker of the last call is kept: for several waiting
    /// tasks, use [`readable`](TcpStream::readable).
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Polls for write readiness. Only the waker of the last call is kept: for several waiting
    /// tasks, use [`writable`](TcpStream::writable).
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

    /// Like [`try_read`](TcpStream::try_read), into several buffers in order.
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

    /// Like [`try_write`](TcpStream::try_write), from several buffers in order.
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(bufs))
    }

    /// Runs `f`, an operation on the socket itself (through [`AsRawFd`](std::os::fd::AsRawFd),
    /// say), if the stream looks ready for `interest`. A `WouldBlock` from `f` tells eddy the
    /// readiness was stale; `f` must not return `WouldBlock` for any other reason.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    /// Runs `f` each time the stream is ready for `interest`, until it returns something other
    /// than `WouldBlock` (same contract as [`try_io`](TcpStream::try_io)).
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }

    /// Reads without taking the bytes off the stream: the next read returns them again.
    ///
    /// ```
    /// use eddy::net::{TcpListener, TcpStream};
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.writable().await?;
    /// client.try_write(b"hi")?;
    /// let mut buf = [0; 2];
    /// let n = server.peek(&mut buf).await?;
    /// assert_eq!(&buf[..n], &b"hi"[..n]);
    /// assert_eq!(server.peek(&mut buf[..n]).await?, n, "still there");
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || self.io.peek(buf))
            .await
    }

    /// Polls for bytes to peek at (see [`peek`](TcpStream::peek)). eddy takes a plain slice
    /// where Tokio takes its `ReadBuf`, and returns the number of bytes peeked.
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Read, || self.io.peek(buf))
    }

    /// Whether Nagle's algorithm is off (`TCP_NODELAY`).
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.nodelay()
    }

    /// Turns Nagle's algorithm off (`true`): small writes go out at once instead of waiting to
    /// be coalesced.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.set_nodelay(nodelay)
    }

    /// Whether `TCP_QUICKACK` is on.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn quickack(&self) -> io::Result<bool> {
        socket2::SockRef::from(&*self.io).quickack()
    }

    /// Sets `TCP_QUICKACK`: acknowledge at once rather than delayed. The kernel may turn it off
    /// again on its own.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        socket2::SockRef::from(&*self.io).set_quickack(quickack)
    }

    /// The `SO_LINGER` setting: how long closing waits for unsent data (`None`: it does not).
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        socket2::SockRef::from(&*self.io).linger()
    }

    /// Sets `SO_LINGER`.
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop; \
                    use `set_zero_linger` to reset connections on drop instead"]
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        socket2::SockRef::from(&*self.io).set_linger(linger)
    }

    /// Sets `SO_LINGER` to zero: dropping the stream then resets the connection (the peer sees
    /// `ConnectionReset`) instead of closing it gracefully, and leaves no `TIME_WAIT` behind.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        socket2::SockRef::from(&*self.io).set_linger(Some(Duration::ZERO))
    }

    /// The time-to-live of outgoing packets (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the time-to-live of outgoing packets.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// Splits the stream into a read half and a write half that borrow it, for use in one task
    /// (`join!`, `select!`). To move the halves into different tasks, use
    /// [`into_split`](TcpStream::into_split).
    ///
    /// With `futures::AsyncReadExt` in scope, `stream.split()` means that trait's `split`
    /// (which takes the stream by value); call `TcpStream::split(&mut stream)` instead.
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        split::split(self)
    }

    /// Splits the stream into halves that own it, for different tasks. Dropping the write half
    /// shuts the write direction down; [`OwnedReadHalf::reunite`] puts the stream back
    /// together.
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

impl PollRead for TcpStream {
    fn poll_read_bytes(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_read_priv(cx, buf)
    }
}

impl PollWrite for TcpStream {
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

compat::async_read!(TcpStream);
compat::async_write!(TcpStream);

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// [`TcpStream::from_std`].
    #[track_caller]
    fn try_from(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream").field("io", &*self.io).finish()
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&*self.io)
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for TcpStream {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(&*self.io)
    }
}
