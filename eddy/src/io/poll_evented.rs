//! `PollEvented`: a mio resource registered with the IO driver, with readiness-driven reads and
//! writes. Every socket type of `net` wraps one.

use crate::io::Interest;
use crate::runtime::io::registration::Registration;
use crate::runtime::io::scheduled_io::Direction;
use crate::runtime::scheduler;
use std::fmt;
use std::io::{self, IoSlice, Read, Write};
use std::ops::Deref;
use std::task::{ready, Context, Poll};

pub(crate) struct PollEvented<E: mio::event::Source> {
    /// `None` only after `into_inner` took it out.
    io: Option<E>,
    registration: Registration,
}

impl<E: mio::event::Source> PollEvented<E> {
    /// Registers `io` for reading and writing with the current runtime.
    ///
    /// # Panics
    /// Panics outside a runtime and on a runtime without IO.
    #[track_caller]
    pub(crate) fn new(io: E) -> io::Result<PollEvented<E>> {
        PollEvented::new_with_interest(io, Interest::READABLE | Interest::WRITABLE)
    }

    /// # Panics
    /// As `new`.
    #[track_caller]
    pub(crate) fn new_with_interest(mut io: E, interest: Interest) -> io::Result<PollEvented<E>> {
        let registration = Registration::new_with_interest(&mut io, interest)?;
        Ok(PollEvented {
            io: Some(io),
            registration,
        })
    }

    /// # Panics
    /// Panics if `runtime` has no IO driver.
    #[track_caller]
    pub(crate) fn new_with_interest_and_handle(
        mut io: E,
        interest: Interest,
        runtime: scheduler::Handle,
    ) -> io::Result<PollEvented<E>> {
        let registration = Registration::new_with_interest_and_handle(&mut io, interest, runtime)?;
        Ok(PollEvented {
            io: Some(io),
            registration,
        })
    }

    pub(crate) fn registration(&self) -> &Registration {
        &self.registration
    }

    /// Deregisters the resource and hands it back.
    pub(crate) fn into_inner(mut self) -> io::Result<E> {
        let mut io = self.io.take().expect("present until into_inner or drop");
        self.registration.deregister(&mut io)?;
        Ok(io)
    }

    fn io(&self) -> &E {
        self.io.as_ref().expect("present until into_inner or drop")
    }

    /// Reads into `buf` once the resource is readable.
    pub(crate) fn poll_read<'a>(
        &'a self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>>
    where
        &'a E: Read + 'a,
    {
        let len = buf.len();
        self.poll_transfer(cx, Direction::Read, len, |mut io| io.read(buf))
    }

    /// Writes from `buf` once the resource is writable.
    pub(crate) fn poll_write<'a>(
        &'a self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>>
    where
        &'a E: Write + 'a,
    {
        self.poll_transfer(cx, Direction::Write, buf.len(), |mut io| io.write(buf))
    }

    /// Runs `transfer` (a read or a write of up to `len` bytes) whenever the resource is ready in
    /// `direction`, until it does not block.
    fn poll_transfer<'a>(
        &'a self,
        cx: &mut Context<'_>,
        direction: Direction,
        len: usize,
        mut transfer: impl FnMut(&'a E) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        loop {
            let event = ready!(self.registration.poll_ready(cx, direction))?;
            match transfer(self.io()) {
                Ok(n) => {
                    // A short transfer drained the socket (or filled its send buffer): the next
                    // one would block, so spare it the syscall by waiting for the next event
                    // right away.
                    if n > 0 && n < len {
                        self.registration.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event);
                }
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }

    /// Writes from `bufs` once the resource is writable.
    pub(crate) fn poll_write_vectored<'a>(
        &'a self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>>
    where
        &'a E: Write + 'a,
    {
        self.registration.poll_io(cx, Direction::Write, || {
            let mut io = self.io();
            io.write_vectored(bufs)
        })
    }
}

impl<E: mio::event::Source> Deref for PollEvented<E> {
    type Target = E;

    fn deref(&self) -> &E {
        self.io()
    }
}

impl<E: mio::event::Source> Drop for PollEvented<E> {
    fn drop(&mut self) {
        if let Some(mut io) = self.io.take() {
            // Nothing to do about a failure here: the resource is closed right after.
            let _ = self.registration.deregister(&mut io);
        }
    }
}

impl<E: mio::event::Source + fmt::Debug> fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollEvented").field("io", &self.io).finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::runtime::Builder;
    use std::future::poll_fn;

    /// Two ends of a socket pair, each registered with the runtime's IO driver: bytes written on
    /// one end wake the reader on the other, on every flavour.
    #[test]
    fn a_write_wakes_the_reader_on_every_flavour() {
        let flavours = [
            Builder::new_current_thread().enable_io().build().unwrap(),
            Builder::new_multi_thread()
                .worker_threads(2)
                .enable_io()
                .build()
                .unwrap(),
        ];
        for rt in flavours {
            rt.block_on(async {
                let (left, right) = mio::net::UnixStream::pair().unwrap();
                let left = PollEvented::new(left).unwrap();
                let right = PollEvented::new(right).unwrap();
                let reader = crate::spawn(async move {
                    let mut received = Vec::new();
                    let mut buf = [0u8; 7];
                    while received.len() < 3 * 1024 {
                        let n = poll_fn(|cx| right.poll_read(cx, &mut buf)).await.unwrap();
                        assert!(n > 0, "end of stream before all bytes arrived");
                        received.extend_from_slice(&buf[..n]);
                    }
                    received
                });
                let chunk = [42u8; 1024];
                for _ in 0..3 {
                    let mut sent = 0;
                    while sent < chunk.len() {
                        sent += poll_fn(|cx| left.poll_write(cx, &chunk[sent..]))
                            .await
                            .unwrap();
                    }
                    crate::task::yield_now().await;
                }
                let received = reader.await.unwrap();
                assert_eq!(received, vec![42u8; 3 * 1024]);
            });
        }
    }

    #[test]
    fn io_after_shutdown_fails_with_the_shutdown_error() {
        let rt = Builder::new_current_thread().enable_io().build().unwrap();
        let (left, _right) = mio::net::UnixStream::pair().unwrap();
        let left = rt.block_on(async { PollEvented::new(left).unwrap() });
        let handle = rt.handle().clone();
        drop(rt);
        let mut buf = [0u8; 8];
        let err = handle
            .block_on(poll_fn(|cx| left.poll_read(cx, &mut buf)))
            .unwrap_err();
        assert!(crate::util::error::is_runtime_shutdown(&err), "{err}");
        let (again, _other) = mio::net::UnixStream::pair().unwrap();
        let _guard = handle.enter();
        let err = PollEvented::new(again).unwrap_err();
        assert!(crate::util::error::is_runtime_shutdown(&err), "{err}");
    }
}
