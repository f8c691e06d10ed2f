//! `UCred`: who is at the other end of a Unix stream.

use crate::net::unix::{gid_t, pid_t, uid_t};
use std::io;
use std::os::fd::{AsRawFd, RawFd};

/// The credentials of the process at the other end of a [`UnixStream`], as the kernel recorded
/// them when the connection was made (or the pair created).
///
/// [`UnixStream`]: crate::net::UnixStream
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct UCred {
    uid: uid_t,
    gid: gid_t,
    pid: Option<pid_t>,
}

impl UCred {
    /// The peer's effective user id.
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The peer's effective group id.
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The peer's process id, where the operating system tells it (Linux does).
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

/// Asks the kernel for the credentials of `socket`'s peer.
pub(crate) fn peer_cred(socket: &impl AsRawFd) -> io::Result<UCred> {
    imp::peer_cred(socket.as_raw_fd())
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod imp {
    use super::*;

    pub(super) fn peer_cred(fd: RawFd) -> io::Result<UCred> {
        let mut cred = libc::ucred {
            pid: 0,
            uid: 0,
            gid: 0,
        };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: `cred` and `len` are live locals of the size and type SO_PEERCRED writes, and
        // `len` tells the kernel how much room there is.
        let ret = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                std::ptr::addr_of_mut!(cred).cast(),
                &mut len,
            )
        };
        if ret != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(UCred {
            uid: cred.uid,
            gid: cred.gid,
            pid: Some(cred.pid),
        })
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod imp {
    use super::*;

    pub(super) fn peer_cred(fd: RawFd) -> io::Result<UCred> {
        let mut uid: libc::uid_t = 0;
        let mut gid: libc::gid_t = 0;
        // SAFETY: `uid` and `gid` are live locals that `getpeereid` fills in.
        let ret = unsafe { libc::getpeereid(fd, &mut uid, &mut gid) };
        if ret != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(UCred {
            uid,
            gid,
            pid: None,
        })
    }
}
