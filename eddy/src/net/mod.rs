//! Networking: TCP, UDP and Unix domain sockets, driven by the runtime's IO driver.
//!
//! Every type here registers with the runtime it is created in, which needs its IO driver: build
//! it with [`enable_io`] or [`enable_all`]. Creating one outside a runtime, or on a runtime
//! without IO, panics. Once that runtime shuts down, IO on it fails with an error that
//! [`runtime::is_rt_shutdown_err`](crate::runtime::is_rt_shutdown_err) recognises.
//!
//! Streams implement `futures-io`'s `AsyncRead`/`AsyncWrite` (and Tokio's, with the `tokio-io`
//! feature), so `futures::io::AsyncReadExt` and friends work on them.
//!
//! ```
//! use eddy::net::{TcpListener, TcpStream};
//! use futures::{AsyncReadExt, AsyncWriteExt};
//!
//! # let rt = eddy::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
//! # rt.block_on(async {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! eddy::spawn(async move {
//!     // An echo server: each connection copies what it reads back.
//!     loop {
//!         let (stream, _) = listener.accept().await.unwrap();
//!         eddy::spawn(async move {
//!             let (mut read, mut write) = stream.into_split();
//!             futures::io::copy(&mut read, &mut write).await.unwrap();
//!         });
//!     }
//! });
//!
//! let mut stream = TcpStream::connect(addr).await?;
//! stream.write_all(b"echo").await?;
//! let mut buf = [0; 4];
//! stream.read_exact(&mut buf).await?;
//! assert_eq!(&buf, b"echo");
//! # Ok::<(), std::io::Error>(())
//! # }).unwrap();
//! ```
//!
//! [`enable_io`]: crate::runtime::Builder::enable_io
//! [`enable_all`]: crate::runtime::Builder::enable_all

mod addr;
pub mod tcp;
mod udp;
#[cfg(unix)]
pub mod unix;

pub use addr::{lookup_host, ToSocketAddrs};
pub use tcp::listener::TcpListener;
pub use tcp::socket::TcpSocket;
pub use tcp::stream::TcpStream;
pub use udp::UdpSocket;
#[cfg(unix)]
pub use unix::{
    datagram::UnixDatagram, listener::UnixListener, socket::UnixSocket, stream::UnixStream,
};
