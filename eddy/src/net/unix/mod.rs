//! Unix domain sockets: the halves a [`UnixStream`](crate::net::UnixStream) splits into, socket
//! addresses, and peer credentials.
//!
//! The listener, stream, datagram and socket types themselves are re-exported from
//! [`net`](crate::net).

pub(crate) mod datagram;
pub(crate) mod listener;
pub(crate) mod socket;
mod socket_addr;
mod split;
mod split_owned;
pub(crate) mod stream;
mod ucred;

pub use socket_addr::SocketAddr;
pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use ucred::UCred;

/// A user id.
#[allow(non_camel_case_types)]
pub type uid_t = u32;
/// A group id.
#[allow(non_camel_case_types)]
pub type gid_t = u32;
/// A process id.
#[allow(non_camel_case_types)]
pub type pid_t = i32;
