//! `TcpListener`: a TCP socket that accepts connections.

use crate::io::poll_evented::PollEvented;
use crate::io::Interest;
use crate::net::addr::{self, ToSocketAddrs};
use crate::net::TcpStream;
use crate::runtime::io::scheduled_io::Direction;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::task::{ready, Context, Poll};

/// A TCP socket listening for connections.
///
/// ```
/// use eddy::net::{TcpListener, TcpStream};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// let client = eddy::spawn(async move { TcpStream::connect(addr).await });
/// let (stream, peer) = listener.accept().await?;
/// assert_eq!(peer, client.await.unwrap()?.local_addr()?);
/// # drop(stream);
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct TcpListener {
    io: PollEvented<mio::net::TcpListener>,
}

impl TcpListener {
    /// Binds a listener to `addr`, trying each address it resolves to in turn; the error is the
    /// last address's. Port 0 asks the operating system for a free port
    /// ([`local_addr`](TcpListener::local_addr) tells which). `SO_REUSEADDR` is set, so a
    /// restarted server can bind its port while old connections linger in `TIME_WAIT`.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        addr::each_addr(addr, |addr| async move { TcpListener::bind_addr(addr) }).await
    }

    #[track_caller]
    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        TcpListener::new(mio::net::TcpListener::bind(addr)?)
    }

    #[track_caller]
    pub(crate) fn new(sys: mio::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: PollEvented::new_with_interest(sys, Interest::READABLE)?,
        })
    }

    /// Waits for a connection and returns it with the peer's address. The stream is
    /// registered with the listener's runtime.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (sys, peer) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || self.io.accept())
            .await?;
        let stream = TcpStream::new_on(sys, self.io.registration().runtime())?;
        Ok((stream, peer))
    }

    /// Polls for a connection. Only the waker of the last call is kept: for several accepting
    /// tasks, use [`accept`](TcpListener::accept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let (sys, peer) = ready!(self
            .io
            .registration()
            .poll_io(cx, Direction::Read, || self.io.accept()))?;
        let stream = TcpStream::new_on(sys, self.io.registration().runtime())?;
        Poll::Ready(Ok((stream, peer)))
    }

    /// Wraps a bound and listening standard-library listener, which must be in non-blocking
    /// mode (`set_nonblocking(true)`): a blocking one would block the runtime's threads.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// std_listener.set_nonblocking(true)?;
    /// let listener = eddy::net::TcpListener::from_std(std_listener)?;
    /// # drop(listener);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::new(mio::net::TcpListener::from_std(listener))
    }

    /// Takes the listener out of the runtime, as a standard-library listener still in
    /// non-blocking mode.
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        self.io.into_inner().map(std::net::TcpListener::from)
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// The time-to-live of packets sent from accepted connections (`IP_TTL`).
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the time-to-live of packets sent from accepted connections.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }
}

impl TryFrom<std::net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// [`TcpListener::from_std`].
    #[track_caller]
    fn try_from(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_std(listener)
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener")
            .field("io", &*self.io)
            .finish()
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&*self.io)
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for TcpListener {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(&*self.io)
    }
}
