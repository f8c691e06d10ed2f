//! `UnixSocket`: a Unix domain socket not yet connected or listening, to set options on first.

use crate::net::{UnixDatagram, UnixListener, UnixStream};
use crate::util::error;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::path::Path;

/// A Unix domain socket that is neither connected nor listening yet: make it with
/// [`new_stream`](UnixSocket::new_stream) or [`new_datagram`](UnixSocket::new_datagram), maybe
/// [`bind`](UnixSocket::bind) it, then turn it into a [`UnixListener`], a [`UnixStream`] or a
/// [`UnixDatagram`].
///
/// ```
/// use eddy::net::UnixSocket;
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let path = std::env::temp_dir().join(format!("eddy-doc-socket-{}.sock", std::process::id()));
/// let socket = UnixSocket::new_stream()?;
/// socket.bind(&path)?;
/// let listener = socket.listen(128)?;
/// let client = UnixSocket::new_stream()?.connect(&path).await?;
/// let (server, _) = listener.accept().await?;
/// # drop((client, server));
/// std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct UnixSocket {
    inner: socket2::Socket,
}

impl UnixSocket {
    /// A new stream socket (for a listener or a stream). No runtime is needed until it
    /// connects or listens.
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(socket2::Type::STREAM)
    }

    /// A new datagram socket. No runtime is needed until it becomes a [`UnixDatagram`].
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(socket2::Type::DGRAM)
    }

    fn new(ty: socket2::Type) -> io::Result<UnixSocket> {
        // socket2 opens it close-on-exec; the runtime needs it non-blocking.
        let inner = socket2::Socket::new(socket2::Domain::UNIX, ty, None)?;
        inner.set_nonblocking(true)?;
        Ok(UnixSocket { inner })
    }

    fn is_stream(&self) -> io::Result<bool> {
        Ok(self.inner.r#type()? == socket2::Type::STREAM)
    }

    /// Binds the socket to `path`, which must not exist yet.
    pub fn bind<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.inner.bind(&socket2::SockAddr::unix(path)?)
    }

    /// Starts listening, with at most `backlog` connections waiting to be accepted. Fails on a
    /// datagram socket.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        if !self.is_stream()? {
            return Err(error::io_invalid_input(error::UNIX_LISTEN_ON_DATAGRAM));
        }
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        let std_listener: std::os::unix::net::UnixListener = self.inner.into();
        UnixListener::new(mio::net::UnixListener::from_std(std_listener))
    }

    /// Connects to the socket bound to `path` and returns the stream. Fails on a datagram
    /// socket.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    pub async fn connect<P: AsRef<Path>>(self, path: P) -> io::Result<UnixStream> {
        if !self.is_stream()? {
            return Err(error::io_invalid_input(error::UNIX_CONNECT_ON_DATAGRAM));
        }
        if let Err(err) = self.inner.connect(&socket2::SockAddr::unix(path)?) {
            // A non-blocking connect is under way; `connect_mio` waits for its outcome.
            if err.raw_os_error() != Some(libc::EINPROGRESS) {
                return Err(err);
            }
        }
        let std_stream: std::os::unix::net::UnixStream = self.inner.into();
        UnixStream::connect_mio(mio::net::UnixStream::from_std(std_stream)).await
    }

    /// Turns the socket into a [`UnixDatagram`]. Fails on a stream socket.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without IO.
    #[track_caller]
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if self.is_stream()? {
            return Err(error::io_invalid_input(error::UNIX_DATAGRAM_ON_STREAM));
        }
        let std_socket: std::os::unix::net::UnixDatagram = self.inner.into();
        UnixDatagram::new(mio::net::UnixDatagram::from_std(std_socket))
    }
}

impl fmt::Debug for UnixSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixSocket")
            .field("inner", &self.inner)
            .finish()
    }
}

impl AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for UnixSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl FromRawFd for UnixSocket {
    /// # Safety
    /// `fd` must be an open Unix domain socket that nothing else owns; it is closed with the
    /// socket.
    unsafe fn from_raw_fd(fd: RawFd) -> UnixSocket {
        UnixSocket {
            // SAFETY: the caller hands over an owned, open socket (this function's contract).
            inner: unsafe { socket2::Socket::from_raw_fd(fd) },
        }
    }
}

impl IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}
