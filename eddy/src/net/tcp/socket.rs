//! `TcpSocket`: a TCP socket not yet connected or listening, to set options on first.

use crate::net::{TcpListener, TcpStream};
use crate::util::error;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// A TCP socket that is neither connected nor listening yet: set its options, maybe
/// [`bind`](TcpSocket::bind) it, then turn it into a [`TcpStream`] with
/// [`connect`](TcpSocket::connect) or into a [`TcpListener`] with
/// [`listen`](TcpSocket::listen).
///
/// ```
/// use eddy::net::TcpSocket;
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let socket = TcpSocket::new_v4()?;
/// socket.set_reuseaddr(true)?;
/// socket.bind("127.0.0.1:0".parse().unwrap())?;
/// let listener = socket.listen(1024)?;
///
/// let client = TcpSocket::new_v4()?;
/// client.set_nodelay(true)?;
/// let stream = client.connect(listener.local_addr()?).await?;
/// assert!(stream.nodelay()?);
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct TcpSocket {
    inner: socket2::Socket,
}

impl TcpSocket {
    /// A new IPv4 TCP socket. No runtime is needed until it connects or listens.
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(socket2::Domain::IPV4)
    }

    /// A new IPv6 TCP socket. No runtime is needed until it connects or listens.
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(socket2::Domain::IPV6)
    }

    fn new(domain: socket2::Domain) -> io::Result<TcpSocket> {
        // socket2 opens it close-on-exec; the runtime needs it non-blocking.
        let inner =
            socket2::Socket::new(domain, socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
        inner.set_nonblocking(true)?;
        Ok(TcpSocket { inner })
    }

    /// Binds the socket to `addr` (before `connect`: to pick the local address or port).
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.bind(&addr.into())
    }

    /// Connects to `addr` and returns the stream.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        if let Err(err) = self.inner.connect(&addr.into()) {
            // A non-blocking connect is under way; `connect_mio` waits for its outcome.
            if err.raw_os_error() != Some(libc::EINPROGRESS) {
                return Err(err);
            }
        }
        let std_stream: std::net::TcpStream = self.inner.into();
        TcpStream::connect_mio(mio::net::TcpStream::from_std(std_stream)).await
    }

    /// Starts listening, with at most `backlog` connections waiting to be accepted (the
    /// operating system may cap it).
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        let std_listener: std::net::TcpListener = self.inner.into();
        TcpListener::new(mio::net::TcpListener::from_std(std_listener))
    }

    /// Turns a standard-library stream back into a socket, to set options on it. The stream
    /// keeps its connection.
    pub fn from_std_stream(stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket {
            inner: socket2::Socket::from(stream),
        }
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner
            .local_addr()?
            .as_socket()
            .ok_or_else(|| io::Error::other(error::NOT_AN_IP_ADDRESS))
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Whether `SO_KEEPALIVE` is on.
    pub fn keepalive(&self) -> io::Result<bool> {
        self.inner.keepalive()
    }

    /// Sets `SO_KEEPALIVE`: probe an idle connection to find out whether the peer is gone.
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.inner.set_keepalive(keepalive)
    }

    /// Whether `SO_REUSEADDR` is on.
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Sets `SO_REUSEADDR`: bind a port that old connections still hold in `TIME_WAIT`.
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuseaddr)
    }

    /// Whether `SO_REUSEPORT` is on.
    #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos"))))]
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets `SO_REUSEPORT`: several sockets may bind the same address and port (and, on Linux,
    /// share its incoming connections).
    #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos"))))]
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuseport)
    }

    /// The size of the send buffer (`SO_SNDBUF`).
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(saturate)
    }

    /// Asks for a send buffer of `size` bytes; the operating system may round or double it.
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(size as usize)
    }

    /// The size of the receive buffer (`SO_RCVBUF`).
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(saturate)
    }

    /// Asks for a receive buffer of `size` bytes; the operating system may round or double it.
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(size as usize)
    }

    /// The `SO_LINGER` setting.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    /// Sets `SO_LINGER`.
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop; \
                    use `set_zero_linger` to reset connections on drop instead"]
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(linger)
    }

    /// Sets `SO_LINGER` to zero: closing the connection then resets it.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.inner.set_linger(Some(Duration::ZERO))
    }

    /// Whether `TCP_NODELAY` is on.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.nodelay()
    }

    /// Sets `TCP_NODELAY` (see [`TcpStream::set_nodelay`]).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_nodelay(nodelay)
    }

    /// The IPv4 type-of-service field of outgoing packets (`IP_TOS`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.inner.tos()
    }

    /// Sets the IPv4 type-of-service field of outgoing packets.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.inner.set_tos(tos)
    }

    /// The IPv4 type-of-service field (the old name of [`tos_v4`](TcpSocket::tos_v4)).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[deprecated = "use `tos_v4`"]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets the IPv4 type-of-service field (the old name of
    /// [`set_tos_v4`](TcpSocket::set_tos_v4)).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[deprecated = "use `set_tos_v4`"]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// The IPv6 traffic class of outgoing packets (`IPV6_TCLASS`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.inner.tclass_v6()
    }

    /// Sets the IPv6 traffic class of outgoing packets.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.inner.set_tclass_v6(tclass)
    }

    /// The network interface the socket is bound to (`SO_BINDTODEVICE`), if any.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.inner.device()
    }

    /// Binds the socket to a network interface by name (`None` unbinds); needs privileges.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.inner.bind_device(interface)
    }
}

/// Buffer sizes fit in `u32` in practice; saturate rather than fail if one did not.
fn saturate(size: usize) -> u32 {
    u32::try_from(size).unwrap_or(u32::MAX)
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpSocket")
            .field("inner", &self.inner)
            .finish()
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&self.inner)
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for TcpSocket {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(&self.inner)
    }
}

#[cfg(unix)]
impl std::os::fd::FromRawFd for TcpSocket {
    /// # Safety
    /// `fd` must be an open TCP socket that nothing else owns; it is closed with the socket.
    unsafe fn from_raw_fd(fd: std::os::fd::RawFd) -> TcpSocket {
        TcpSocket {
            // SAFETY: the caller hands over an owned, open socket (this function's contract).
            inner: unsafe { <socket2::Socket as std::os::fd::FromRawFd>::from_raw_fd(fd) },
        }
    }
}

#[cfg(unix)]
impl std::os::fd::IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> std::os::fd::RawFd {
        std::os::fd::IntoRawFd::into_raw_fd(self.inner)
    }
}
