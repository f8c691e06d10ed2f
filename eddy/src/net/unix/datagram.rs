//! `UnixDatagram`: datagrams over a Unix domain socket.

use crate::io::poll_evented::PollEvented;
use crate::io::{Interest, Ready};
use crate::net::unix::SocketAddr;
use crate::runtime::io::scheduled_io::Direction;
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;
use std::task::{Context, Poll};

/// A Unix domain datagram socket.
///
/// Like [`UdpSocket`](crate::net::UdpSocket), every method takes `&self`, datagrams are read
/// whole, and the `poll_*` forms take a plain `&mut [u8]` and return the byte count. Unlike UDP,
/// delivery is reliable and ordered, and a full receiver makes the sender wait.
///
/// ```
/// use eddy::net::UnixDatagram;
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let (a, b) = UnixDatagram::pair()?;
/// a.send(b"one").await?;
/// a.send(b"two").await?;
/// let mut buf = [0; 8];
/// let n = b.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"one");
/// let n = b.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"two");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct UnixDatagram {
    io: PollEvented<mio::net::UnixDatagram>,
}

impl UnixDatagram {
    /// A socket bound to `path`, which must not exist yet.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::bind(path)?)
    }

    /// A socket bound to `addr` (a path or, on Linux, an abstract name).
    ///
    /// # Panics
    /// As [`bind`](UnixDatagram::bind).
    #[track_caller]
    pub fn bind_addr(addr: &std::os::unix::net::SocketAddr) -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::bind_addr(addr)?)
    }

    /// A socket bound to no address: it can send, and receive replies only once connected.
    ///
    /// # Panics
    /// As [`bind`](UnixDatagram::bind).
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::unbound()?)
    }

    /// Two unnamed sockets connected to each other.
    ///
    /// # Panics
    /// As [`bind`](UnixDatagram::bind).
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = mio::net::UnixDatagram::pair()?;
        Ok((UnixDatagram::new(a)?, UnixDatagram::new(b)?))
    }

    #[track_caller]
    pub(crate) fn new(sys: mio::net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            io: PollEvented::new(sys)?,
        })
    }

    /// Wraps a standard-library socket, which must be in non-blocking mode
    /// (`set_nonblocking(true)`).
    ///
    /// # Panics
    /// As [`bind`](UnixDatagram::bind).
    #[track_caller]
    pub fn from_std(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::from_std(socket))
    }

    /// Takes the socket out of the runtime, as a standard-library socket still in non-blocking
    /// mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixDatagram> {
        self.io
            .into_inner()
            .map(std::os::unix::net::UnixDatagram::from)
    }

    /// Connects the socket to `path`: `send` goes there, and `recv` takes datagrams only from
    /// there.
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.io.connect(path)
    }

    /// The address this socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr::from)
    }

    /// The address this socket is connected to.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr::from)
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Shuts the reading, the writing, or both down.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.shutdown(how)
    }

    /// Waits until the socket is ready for any of `interest` (see
    /// [`TcpStream::ready`](crate::net::TcpStream::ready)).
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let event = self.io.registration().readiness(interest).await?;
        Ok(event.ready)
    }

    /// Waits until a datagram may be there to receive.
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Waits until a datagram may be sent.
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for receive readiness (only the last caller's waker is kept).
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Polls for send readiness (only the last caller's waker is kept).
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Sends `buf` as one datagram to the connected address.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.async_io(Interest::WRITABLE, || self.io.send(buf))
            .await
    }

    /// Polls to send `buf` to the connected address.
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_io(cx, Direction::Write, || self.io.send(buf))
    }

    /// Sends `buf` to the connected address if that can happen now; `WouldBlock` otherwise.
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.try_io(Interest::WRITABLE, || self.io.send(buf))
    }

    /// Receives one datagram into `buf`.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.async_io(Interest::READABLE, || self.io.recv(buf))
            .await
    }

    /// Polls to receive one datagram.
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_io(cx, Direction::Read, || self.io.recv(buf))
    }

    /// Receives a datagram if one is there; `WouldBlock` otherwise.
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.try_io(Interest::READABLE, || self.io.recv(buf))
    }

    /// Sends `buf` as one datagram to the socket bound to `path`.
    pub async fn send_to<P: AsRef<Path>>(&self, buf: &[u8], path: P) -> io::Result<usize> {
        let path = path.as_ref();
        self.async_io(Interest::WRITABLE, || self.io.send_to(buf, path))
            .await
    }

    /// Polls to send `buf` to the socket bound to `path`.
    pub fn poll_send_to<P: AsRef<Path>>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        path: P,
    ) -> Poll<io::Result<usize>> {
        let path = path.as_ref();
        self.poll_io(cx, Direction::Write, || self.io.send_to(buf, path))
    }

    /// Sends `buf` to the socket bound to `path` if that can happen now; `WouldBlock`
    /// otherwise.
    pub fn try_send_to<P: AsRef<Path>>(&self, buf: &[u8], path: P) -> io::Result<usize> {
        let path = path.as_ref();
        self.try_io(Interest::WRITABLE, || self.io.send_to(buf, path))
    }

    /// Receives one datagram into `buf`, with its sender's address.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self
            .async_io(Interest::READABLE, || self.io.recv_from(buf))
            .await?;
        Ok((n, SocketAddr::from(from)))
    }

    /// Polls to receive one datagram, with its sender's address.
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.poll_io(cx, Direction::Read, || self.io.recv_from(buf))
            .map_ok(|(n, from)| (n, SocketAddr::from(from)))
    }

    /// Receives a datagram and its sender's address if one is there; `WouldBlock` otherwise.
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, from) = self.try_io(Interest::READABLE, || self.io.recv_from(buf))?;
        Ok((n, SocketAddr::from(from)))
    }

    /// Runs `f`, an operation on the socket itself, if the socket looks ready for `interest`
    /// (same contract as [`TcpStream::try_io`](crate::net::TcpStream::try_io)).
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    /// Runs `f` each time the socket is ready for `interest`, until it returns something other
    /// than `WouldBlock`.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }

    fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.io.registration().poll_io(cx, direction, f)
    }
}

impl TryFrom<std::os::unix::net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    /// [`UnixDatagram::from_std`].
    #[track_caller]
    fn try_from(socket: std::os::unix::net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(socket)
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixDatagram")
            .field("io", &*self.io)
            .finish()
    }
}

impl AsRawFd for UnixDatagram {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
