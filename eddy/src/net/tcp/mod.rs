//! TCP: the halves a [`TcpStream`](crate::net::TcpStream) splits into.
//!
//! The listener, stream and socket types themselves are re-exported from [`net`](crate::net).

pub(crate) mod listener;
pub(crate) mod socket;
mod split;
mod split_owned;
pub(crate) mod stream;

pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
