//! `UnixListener`: a Unix domain socket that accepts connections.

use crate::io::poll_evented::PollEvented;
use crate::io::Interest;
use crate::net::unix::SocketAddr;
use crate::net::UnixStream;
use crate::runtime::io::scheduled_io::Direction;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::path::Path;
use std::task::{ready, Context, Poll};

/// A Unix domain socket listening for connections.
///
/// Binding creates the socket file; dropping the listener does not remove it (remove it
/// yourself, or bind to an abstract name on Linux).
///
/// ```
/// use eddy::net::{UnixListener, UnixStream};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let path = std::env::temp_dir().join(format!("eddy-doc-listener-{}.sock", std::process::id()));
/// let listener = UnixListener::bind(&path)?;
/// let client = UnixStream::connect(&path).await?;
/// let (server, _) = listener.accept().await?;
/// assert_eq!(server.peer_cred()?.pid(), Some(std::process::id() as i32));
/// # drop((client, server));
/// std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct UnixListener {
    io: PollEvented<mio::net::UnixListener>,
}

impl UnixListener {
    /// Binds a listener to `path`, which must not exist yet.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        UnixListener::new(mio::net::UnixListener::bind(path)?)
    }

    /// Binds a listener to `addr` (a path or, on Linux, an abstract name).
    ///
    /// # Panics
    /// As [`bind`](UnixListener::bind).
    #[track_caller]
    pub fn bind_addr(addr: &std::os::unix::net::SocketAddr) -> io::Result<UnixListener> {
        UnixListener::new(mio::net::UnixListener::bind_addr(addr)?)
    }

    #[track_caller]
    pub(crate) fn new(sys: mio::net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: PollEvented::new_with_interest(sys, Interest::READABLE)?,
        })
    }

    /// Wraps a standard-library listener, which must be in non-blocking mode
    /// (`set_nonblocking(true)`).
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        UnixListener::new(mio::net::UnixListener::from_std(listener))
    }

    /// Takes the listener out of the runtime, as a standard-library listener still in
    /// non-blocking mode.
    pub fn into_std(self) -> io::Result<std::os::unix::net::UnixListener> {
        self.io
            .into_inner()
            .map(std::os::unix::net::UnixListener::from)
    }

    /// Waits for a connection and returns it with the peer's (usually unnamed) address. The
    /// stream is registered with the listener's runtime.
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (sys, peer) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || self.io.accept())
            .await?;
        let stream = UnixStream::new_on(sys, self.io.registration().runtime())?;
        Ok((stream, SocketAddr::from(peer)))
    }

    /// Polls for a connection (only the last caller's waker is kept).
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let (sys, peer) = ready!(self
            .io
            .registration()
            .poll_io(cx, Direction::Read, || self.io.accept()))?;
        let stream = UnixStream::new_on(sys, self.io.registration().runtime())?;
        Poll::Ready(Ok((stream, SocketAddr::from(peer))))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr::from)
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }
}

impl TryFrom<std::os::unix::net::UnixListener> for UnixListener {
    type Error = io::Error;

    /// [`UnixListener::from_std`].
    #[track_caller]
    fn try_from(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        UnixListener::from_std(listener)
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixListener")
            .field("io", &*self.io)
            .finish()
    }
}

impl AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
