//! `OwnedReadHalf` and `OwnedWriteHalf`: a `UnixStream` split in two halves that own it.
//!
//! The halves share the stream through an `Arc`; reading and writing need only a shared
//! reference, so they need no lock. Dropping the write half shuts the write direction down (the
//! peer reads the end of the stream) unless it was `forget`-ed or reunited.

use crate::io::compat::{self, PollRead, PollWrite};
use crate::io::{Interest, Ready};
use crate::loom::StdArc as Arc;
use crate::net::unix::SocketAddr;
use crate::net::UnixStream;
use crate::util::error;
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::Shutdown;
use std::task::{Context, Poll};

/// The read half of a [`UnixStream`], from [`UnixStream::into_split`]. Implements `AsyncRead`.
///
/// ```
/// use eddy::net::UnixStream;
/// use futures::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let (client, mut server) = UnixStream::pair()?;
/// let (mut read, mut write) = client.into_split();
/// let writer = eddy::spawn(async move {
///     write.write_all(b"over there").await.unwrap();
///     write
/// });
/// let mut buf = [0; 10];
/// server.read_exact(&mut buf).await?;
/// server.write_all(b"back").await?;
/// let mut back = [0; 4];
/// read.read_exact(&mut back).await?;
/// let client = read.reunite(writer.await.unwrap()).unwrap();
/// # drop(client);
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<UnixStream>,
}

/// The write half of a [`UnixStream`], from [`UnixStream::into_split`]. Implements
/// `AsyncWrite`. Dropping it (or closing it) shuts the stream's write direction down.
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<UnixStream>,
    shutdown_on_drop: bool,
}

/// The halves given to `reunite` came from different streams; here they are back.
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(error::REUNITE_MISMATCH)
    }
}

impl std::error::Error for ReuniteError {}

pub(crate) fn split_owned(stream: UnixStream) -> (OwnedReadHalf, OwnedWriteHalf) {
    let inner = Arc::new(stream);
    let read = OwnedReadHalf {
        inner: inner.clone(),
    };
    let write = OwnedWriteHalf {
        inner,
        shutdown_on_drop: true,
    };
    (read, write)
}

fn reunite(read: OwnedReadHalf, mut write: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
    if !Arc::ptr_eq(&read.inner, &write.inner) {
        return Err(ReuniteError(read, write));
    }
    write.shutdown_on_drop = false;
    drop(write);
    Ok(Arc::try_unwrap(read.inner).expect("a stream's two owned halves are its only owners"))
}

impl OwnedReadHalf {
    /// Puts the stream back together; fails (handing both halves back) if `other` came from
    /// another stream.
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
        reunite(self, other)
    }

    /// [`UnixStream::ready`].
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// [`UnixStream::readable`].
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
    }

    /// [`UnixStream::try_read`].
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.try_read(buf)
    }

    /// [`UnixStream::try_read_vectored`].
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.inner.try_read_vectored(bufs)
    }

    /// [`UnixStream::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// [`UnixStream::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl OwnedWriteHalf {
    /// Puts the stream back together; fails (handing both halves back) if `other` came from
    /// another stream.
    pub fn reunite(self, other: OwnedReadHalf) -> Result<UnixStream, ReuniteError> {
        reunite(other, self)
    }

    /// Drops this half without shutting the write direction down: the stream closes when the
    /// read half is dropped.
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
    }

    /// [`UnixStream::ready`].
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// [`UnixStream::writable`].
    pub async fn writable(&self) -> io::Result<()> {
        self.inner.writable().await
    }

    /// [`UnixStream::try_write`].
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.try_write(buf)
    }

    /// [`UnixStream::try_write_vectored`].
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.inner.try_write_vectored(bufs)
    }

    /// [`UnixStream::peer_addr`].
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// [`UnixStream::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // Nobody to tell about a failure: the peer simply sees the stream end later.
            let _ = self.inner.shutdown_std(Shutdown::Write);
        }
    }
}

impl PollRead for OwnedReadHalf {
    fn poll_read_bytes(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_read_priv(cx, buf)
    }
}

impl PollWrite for OwnedWriteHalf {
    fn poll_write_bytes(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored_bytes(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_vectored_priv(cx, bufs)
    }

    fn poll_shutdown_write(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = self.inner.shutdown_std(Shutdown::Write);
        if result.is_ok() {
            // Shut once is enough: dropping the half need not do it again.
            self.shutdown_on_drop = false;
        }
        Poll::Ready(result)
    }
}

compat::async_read!(OwnedReadHalf);
compat::async_write!(OwnedWriteHalf);

impl AsRef<UnixStream> for OwnedReadHalf {
    fn as_ref(&self) -> &UnixStream {
        &self.inner
    }
}

impl AsRef<UnixStream> for OwnedWriteHalf {
    fn as_ref(&self) -> &UnixStream {
        &self.inner
    }
}
