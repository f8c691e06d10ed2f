//! `UdpSocket`: datagrams over UDP.

use crate::io::poll_evented::PollEvented;
use crate::io::{Interest, Ready};
use crate::net::addr::{self, ToSocketAddrs};
use crate::runtime::io::scheduled_io::Direction;
use crate::util::error;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::task::{Context, Poll};

/// A UDP socket.
///
/// Every method takes `&self`: share the socket between tasks with an `Arc` to send from one and
/// receive in another. Each datagram is read whole by one receive call; a buffer too small for it
/// gets its start and the rest is lost.
///
/// The `poll_*` forms take a plain `&mut [u8]` where Tokio takes its `ReadBuf`, and return how
/// many bytes they received.
///
/// ```
/// use eddy::net::UdpSocket;
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let a = UdpSocket::bind("127.0.0.1:0").await?;
/// let b = UdpSocket::bind("127.0.0.1:0").await?;
/// a.send_to(b"hello", b.local_addr()?).await?;
/// let mut buf = [0; 16];
/// let (n, from) = b.recv_from(&mut buf).await?;
/// assert_eq!((&buf[..n], from), (&b"hello"[..], a.local_addr()?));
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct UdpSocket {
    io: PollEvented<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds a socket to `addr`, trying each address it resolves to in turn; the error is the
    /// last address's.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        addr::each_addr(addr, |addr| async move { UdpSocket::bind_addr(addr) }).await
    }

    #[track_caller]
    fn bind_addr(addr: SocketAddr) -> io::Result<UdpSocket> {
        UdpSocket::new(mio::net::UdpSocket::bind(addr)?)
    }

    #[track_caller]
    fn new(sys: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: PollEvented::new(sys)?,
        })
    }

    /// Wraps a standard-library socket, which must be in non-blocking mode
    /// (`set_nonblocking(true)`).
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::new(mio::net::UdpSocket::from_std(socket))
    }

    /// Takes the socket out of the runtime, as a standard-library socket still in non-blocking
    /// mode.
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        self.io.into_inner().map(std::net::UdpSocket::from)
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// The address the socket is connected to.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Connects the socket to `addr` (the first address it resolves to that works): `send`
    /// goes there, and `recv` takes datagrams only from there.
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        addr::each_addr(addr, |addr| async move { self.io.connect(addr) }).await
    }

    /// Waits until the socket is ready for any of `interest`, and returns what it is ready for
    /// (possibly stale: see [`TcpStream::ready`](crate::net::TcpStream::ready)).
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

    /// Sends `buf` as one datagram to the connected address; returns the bytes sent.
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

    /// Receives one datagram from the connected address into `buf`.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.async_io(Interest::READABLE, || self.io.recv(buf))
            .await
    }

    /// Polls to receive one datagram from the connected address.
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_io(cx, Direction::Read, || self.io.recv(buf))
    }

    /// Receives a datagram from the connected address if one is there; `WouldBlock` otherwise.
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.try_io(Interest::READABLE, || self.io.recv(buf))
    }

    /// Sends `buf` as one datagram to `target` (the first address it resolves to).
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let Some(target) = addr::resolve(target).await?.next() else {
            return Err(error::io_invalid_input(error::NO_ADDRESSES_TO_SEND));
        };
        self.async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
            .await
    }

    /// Polls to send `buf` to `target`.
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.poll_io(cx, Direction::Write, || self.io.send_to(buf, target))
    }

    /// Sends `buf` to `target` if that can happen now; `WouldBlock` otherwise.
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Receives one datagram into `buf`, with its sender's address.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.async_io(Interest::READABLE, || self.io.recv_from(buf))
            .await
    }

    /// Polls to receive one datagram, with its sender's address.
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.poll_io(cx, Direction::Read, || self.io.recv_from(buf))
    }

    /// Receives a datagram and its sender's address if one is there; `WouldBlock` otherwise.
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.try_io(Interest::READABLE, || self.io.recv_from(buf))
    }

    /// Reads the next datagram (from the connected address) without taking it off the queue.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.async_io(Interest::READABLE, || self.io.peek(buf))
            .await
    }

    /// Polls to peek at the next datagram.
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_io(cx, Direction::Read, || self.io.peek(buf))
    }

    /// Peeks at the next datagram if one is there; `WouldBlock` otherwise.
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.try_io(Interest::READABLE, || self.io.peek(buf))
    }

    /// Reads the next datagram and its sender without taking it off the queue.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.async_io(Interest::READABLE, || self.io.peek_from(buf))
            .await
    }

    /// Polls to peek at the next datagram and its sender.
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.poll_io(cx, Direction::Read, || self.io.peek_from(buf))
    }

    /// Peeks at the next datagram and its sender if one is there; `WouldBlock` otherwise.
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.try_io(Interest::READABLE, || self.io.peek_from(buf))
    }

    /// The sender of the next datagram, leaving the datagram (whole) on the queue.
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.async_io(Interest::READABLE, || self.peek_sender_now())
            .await
    }

    /// Polls for the sender of the next datagram.
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.poll_io(cx, Direction::Read, || self.peek_sender_now())
    }

    /// The sender of the next datagram if one is there; `WouldBlock` otherwise.
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.try_io(Interest::READABLE, || self.peek_sender_now())
    }

    fn peek_sender_now(&self) -> io::Result<SocketAddr> {
        // A zero-length peek would truncate nothing and tell the sender; socket2 knows how
        // (MSG_PEEK | MSG_TRUNC where it matters).
        socket2::SockRef::from(&*self.io)
            .peek_sender()?
            .as_socket()
            .ok_or_else(|| io::Error::other(error::NOT_AN_IP_ADDRESS))
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

    /// Whether `SO_BROADCAST` is on.
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.broadcast()
    }

    /// Sets `SO_BROADCAST`: allow sending to broadcast addresses.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.set_broadcast(on)
    }

    /// Whether IPv4 multicast datagrams sent here loop back to local sockets.
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.multicast_loop_v4()
    }

    /// Sets whether IPv4 multicast datagrams sent here loop back to local sockets.
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v4(on)
    }

    /// The time-to-live of IPv4 multicast datagrams sent here.
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.multicast_ttl_v4()
    }

    /// Sets the time-to-live of IPv4 multicast datagrams sent here.
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.set_multicast_ttl_v4(ttl)
    }

    /// Whether IPv6 multicast datagrams sent here loop back to local sockets.
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.multicast_loop_v6()
    }

    /// Sets whether IPv6 multicast datagrams sent here loop back to local sockets.
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v6(on)
    }

    /// The time-to-live of packets sent here (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the time-to-live of packets sent here.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// The IPv4 type-of-service field of outgoing packets (`IP_TOS`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn tos_v4(&self) -> io::Result<u32> {
        socket2::SockRef::from(&*self.io).tos()
    }

    /// Sets the IPv4 type-of-service field of outgoing packets.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        socket2::SockRef::from(&*self.io).set_tos(tos)
    }

    /// The IPv4 type-of-service field (the old name of [`tos_v4`](UdpSocket::tos_v4)).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[deprecated = "use `tos_v4`"]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets the IPv4 type-of-service field (the old name of
    /// [`set_tos_v4`](UdpSocket::set_tos_v4)).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[deprecated = "use `set_tos_v4`"]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// The IPv6 traffic class of outgoing packets (`IPV6_TCLASS`).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn tclass_v6(&self) -> io::Result<u32> {
        socket2::SockRef::from(&*self.io).tclass_v6()
    }

    /// Sets the IPv6 traffic class of outgoing packets.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        socket2::SockRef::from(&*self.io).set_tclass_v6(tclass)
    }

    /// The network interface the socket is bound to (`SO_BINDTODEVICE`), if any.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        socket2::SockRef::from(&*self.io).device()
    }

    /// Binds the socket to a network interface by name (`None` unbinds); needs privileges.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        socket2::SockRef::from(&*self.io).bind_device(interface)
    }

    /// Joins the IPv4 multicast group `multiaddr` on the interface with address `interface`
    /// (`Ipv4Addr::UNSPECIFIED`: the system's choice).
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.join_multicast_v4(&multiaddr, &interface)
    }

    /// Joins the IPv6 multicast group `multiaddr` on the interface with index `interface` (0:
    /// the system's choice).
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.join_multicast_v6(multiaddr, interface)
    }

    /// Leaves an IPv4 multicast group (see [`join_multicast_v4`](UdpSocket::join_multicast_v4)).
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.leave_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves an IPv6 multicast group (see [`join_multicast_v6`](UdpSocket::join_multicast_v6)).
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.leave_multicast_v6(multiaddr, interface)
    }
}

impl TryFrom<std::net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// [`UdpSocket::from_std`].
    #[track_caller]
    fn try_from(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::from_std(socket)
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket").field("io", &*self.io).finish()
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&*self.io)
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for UdpSocket {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(&*self.io)
    }
}
