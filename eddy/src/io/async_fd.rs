//! `AsyncFd`: readiness for any Unix file descriptor, through the runtime's IO driver.
//!
//! An `AsyncFd` owns an object that owns a file descriptor (an `OwnedFd`, a `File`, a socket),
//! registers the descriptor with the IO driver when it is made, and takes it out again when it is
//! dropped or [`into_inner`](AsyncFd::into_inner) hands the object back. In between, tasks wait
//! for readiness and get a guard that remembers which readiness (and which driver tick) they saw,
//! so that a `WouldBlock` clears exactly that readiness and never a newer event.
//!
//! The descriptor is registered and deregistered with the number that `AsRawFd` gives at
//! creation time: an object that later reports another number (because `get_mut` replaced it)
//! cannot make the driver take out someone else's registration. If deregistration fails anyway
//! (the descriptor was closed behind the driver's back), the driver keeps the resource's state
//! alive until it shuts down (runtime/io/mod.rs), so a late event never reaches freed memory.

use crate::io::{Interest, Ready};
use crate::runtime::io::registration::Registration;
use crate::runtime::io::scheduled_io::ReadyEvent;
use mio::unix::SourceFd;
use std::error::Error;
use std::fmt;
use std::io;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{ready, Context, Poll};

/// A Unix file descriptor registered with the runtime's IO driver, so that tasks can wait until
/// it is readable or writable.
///
/// `AsyncFd` takes ownership of an object that owns the descriptor — [`OwnedFd`] is the simplest
/// — and keeps the registration until it is dropped; [`into_inner`](AsyncFd::into_inner) gives
/// the object back after taking the descriptor out of the driver. The descriptor must be in
/// non-blocking mode, and of a kind that epoll or kqueue can watch (a socket, a pipe, an
/// eventfd, a terminal...; not a regular file).
///
/// Waiting ([`readable`](AsyncFd::readable), [`writable`](AsyncFd::writable),
/// [`ready`](AsyncFd::ready)) returns a guard. The operating system reports readiness as edges,
/// so eddy remembers it until a task says it is gone: when an operation returns `WouldBlock`,
/// call [`clear_ready`](AsyncFdReadyGuard::clear_ready) on the guard (or let
/// [`try_io`](AsyncFdReadyGuard::try_io) do it), and wait again. Any number of tasks may wait at
/// once, on the same or on different interests. The `poll_*_ready` methods keep one waker per
/// direction instead, for `poll`-style code.
///
/// # Examples
///
/// A non-blocking socket read through `AsyncFd`:
///
/// ```
/// use eddy::io::unix::AsyncFd;
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
/// # rt.block_on(async {
/// let (ours, mut theirs) = UnixStream::pair()?;
/// ours.set_nonblocking(true)?;
/// let ours = AsyncFd::new(ours)?;
///
/// theirs.write_all(b"ping")?;
/// let mut buf = [0u8; 16];
/// let n = loop {
///     let mut guard = ours.readable().await?;
///     match guard.try_io(|fd| fd.get_ref().read(&mut buf)) {
///         Ok(result) => break result?,
///         // The readiness was stale: `try_io` cleared it; wait for the next event.
///         Err(_would_block) => continue,
///     }
/// };
/// assert_eq!(&buf[..n], b"ping");
/// # std::io::Result::Ok(())
/// # }).unwrap();
/// ```
///
/// [`OwnedFd`]: std::os::fd::OwnedFd
pub struct AsyncFd<T: AsRawFd> {
    registration: Registration,
    /// The number the descriptor was registered under (module docs).
    fd: RawFd,
    /// `None` only once `into_inner` took the object out.
    inner: Option<T>,
}

/// Readiness seen on an [`AsyncFd`], not yet acknowledged; it gives shared access to the
/// `AsyncFd`.
///
/// Dropping the guard keeps the readiness (the next wait returns at once). Call
/// [`clear_ready`](AsyncFdReadyGuard::clear_ready) once an operation returned `WouldBlock`, or
/// run the operation through [`try_io`](AsyncFdReadyGuard::try_io), which does it.
#[must_use = "you must explicitly choose whether to clear the readiness state by calling a method on the guard"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    async_fd: &'a AsyncFd<T>,
    /// `None` once the readiness was cleared.
    event: Option<ReadyEvent>,
}

/// Readiness seen on an [`AsyncFd`], not yet acknowledged; it gives mutable access to the
/// `AsyncFd`. See [`AsyncFdReadyGuard`].
#[must_use = "you must explicitly choose whether to clear the readiness state by calling a method on the guard"]
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    async_fd: &'a mut AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// The error of a guard's `try_io` when the operation would block; the guard's readiness was
/// cleared.
#[derive(Debug)]
pub struct TryIoError(());

/// The error of [`AsyncFd::try_new`] and [`AsyncFd::try_with_interest`]: why the registration
/// failed, and the object, given back.
pub struct AsyncFdTryNewError<T> {
    inner: T,
    cause: io::Error,
}

const ALL_INTEREST: Interest = Interest::READABLE.add(Interest::WRITABLE);

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers the descriptor of `inner` for reading and writing with the current runtime's IO
    /// driver.
    ///
    /// # Errors
    /// The operating system's error if it refuses the registration (a regular file, for one),
    /// and the shutdown error (see [`is_rt_shutdown_err`](crate::runtime::is_rt_shutdown_err))
    /// once the runtime shut down. [`try_new`](AsyncFd::try_new) gives `inner` back as well.
    ///
    /// # Panics
    /// Panics outside a runtime, and on a runtime built without
    /// [`enable_io`](crate::runtime::Builder::enable_io).
    #[track_caller]
    pub fn new(inner: T) -> io::Result<Self>
    where
        T: AsFd,
    {
        Self::with_interest(inner, ALL_INTEREST)
    }

    /// As [`new`](AsyncFd::new), registering only `interest`.
    ///
    /// ```
    /// use eddy::io::{unix::AsyncFd, Interest};
    /// use std::os::unix::net::UnixStream;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # rt.block_on(async {
    /// let (ours, _theirs) = UnixStream::pair().unwrap();
    /// ours.set_nonblocking(true).unwrap();
    /// let ours = AsyncFd::with_interest(ours, Interest::WRITABLE).unwrap();
    /// // An empty socket buffer: writable at once.
    /// let guard = ours.writable().await.unwrap();
    /// assert!(guard.ready().is_writable());
    /// # });
    /// ```
    ///
    /// # Errors
    /// As [`new`](AsyncFd::new).
    ///
    /// # Panics
    /// As [`new`](AsyncFd::new).
    #[track_caller]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<Self>
    where
        T: AsFd,
    {
        Self::try_with_interest(inner, interest).map_err(Into::into)
    }

    /// As [`new`](AsyncFd::new), but a failed registration gives `inner` back.
    ///
    /// ```
    /// use eddy::io::unix::AsyncFd;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # rt.block_on(async {
    /// # if cfg!(target_os = "linux") {
    /// // epoll refuses regular files (Linux).
    /// let file = std::fs::File::open("/proc/self/exe").unwrap();
    /// let err = AsyncFd::try_new(file).unwrap_err();
    /// let (file, cause) = err.into_parts();
    /// assert!(file.metadata().is_ok());
    /// assert_eq!(cause.raw_os_error(), Some(libc::EPERM));
    /// # }
    /// # });
    /// ```
    ///
    /// # Errors
    /// As [`new`](AsyncFd::new), with `inner` inside.
    ///
    /// # Panics
    /// As [`new`](AsyncFd::new).
    #[track_caller]
    pub fn try_new(inner: T) -> Result<Self, AsyncFdTryNewError<T>>
    where
        T: AsFd,
    {
        Self::try_with_interest(inner, ALL_INTEREST)
    }

    /// As [`with_interest`](AsyncFd::with_interest), but a failed registration gives `inner`
    /// back.
    ///
    /// # Errors
    /// As [`try_new`](AsyncFd::try_new).
    ///
    /// # Panics
    /// As [`new`](AsyncFd::new).
    #[track_caller]
    pub fn try_with_interest(inner: T, interest: Interest) -> Result<Self, AsyncFdTryNewError<T>>
    where
        T: AsFd,
    {
        // An `AsFd` object owns or borrows its descriptor for as long as it lives, which is all
        // that registration needs (module docs).
        Self::try_register(inner, interest)
    }

    /// Registers the descriptor of `inner` for reading and writing, for objects that only
    /// implement `AsRawFd` (a bare [`RawFd`], an FFI handle).
    ///
    /// # Safety
    /// The descriptor that `inner.as_raw_fd()` returns must be open when this is called, and
    /// stay open (and keep that number) until the `AsyncFd` is dropped or
    /// [`into_inner`](AsyncFd::into_inner) returns. Closing it earlier lets the number be reused
    /// by an unrelated file that this `AsyncFd` would then read, write or deregister.
    ///
    /// # Errors
    /// As [`new`](AsyncFd::new).
    ///
    /// # Panics
    /// As [`new`](AsyncFd::new).
    #[track_caller]
    pub unsafe fn register(inner: T) -> io::Result<Self> {
        // SAFETY: the caller's contract is this function's.
        unsafe { Self::register_with_interest(inner, ALL_INTEREST) }
    }

    /// As [`register`](AsyncFd::register), registering only `interest`.
    ///
    /// ```
    /// use eddy::io::{unix::AsyncFd, Interest};
    /// use std::os::fd::{AsRawFd, RawFd};
    /// use std::os::unix::net::UnixStream;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # rt.block_on(async {
    /// let (ours, _theirs) = UnixStream::pair().unwrap();
    /// ours.set_nonblocking(true).unwrap();
    /// let raw: RawFd = ours.as_raw_fd();
    /// // SAFETY: `ours` keeps the descriptor open, and outlives the `AsyncFd`.
    /// let registered = unsafe { AsyncFd::register_with_interest(raw, Interest::WRITABLE) }.unwrap();
    /// registered.writable().await.unwrap().retain_ready();
    /// drop(registered);
    /// drop(ours);
    /// # });
    /// ```
    ///
    /// # Safety
    /// As [`register`](AsyncFd::register).
    ///
    /// # Errors
    /// As [`new`](AsyncFd::new).
    ///
    /// # Panics
    /// As [`new`](AsyncFd::new).
    #[track_caller]
    pub unsafe fn register_with_interest(inner: T, interest: Interest) -> io::Result<Self> {
        Self::try_register(inner, interest).map_err(Into::into)
    }

    /// Both constructor families end here. Registering is safe by itself (an epoll entry for a
    /// descriptor); what the callers' bounds or contracts guarantee is that the descriptor stays
    /// the object's while the `AsyncFd` lives.
    #[track_caller]
    fn try_register(inner: T, interest: Interest) -> Result<Self, AsyncFdTryNewError<T>> {
        let fd = inner.as_raw_fd();
        match Registration::new_with_interest(&mut SourceFd(&fd), interest) {
            Ok(registration) => Ok(AsyncFd {
                registration,
                fd,
                inner: Some(inner),
            }),
            Err(cause) => Err(AsyncFdTryNewError { inner, cause }),
        }
    }

    /// The object this `AsyncFd` owns.
    pub fn get_ref(&self) -> &T {
        self.inner
            .as_ref()
            .expect("present until into_inner or drop")
    }

    /// The object this `AsyncFd` owns, mutably. Do not replace its descriptor: the registration
    /// stays with the old one.
    pub fn get_mut(&mut self) -> &mut T {
        self.inner
            .as_mut()
            .expect("present until into_inner or drop")
    }

    /// Takes the descriptor out of the IO driver and returns the object.
    ///
    /// ```
    /// use eddy::io::unix::AsyncFd;
    /// use std::os::unix::net::UnixStream;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # rt.block_on(async {
    /// let (ours, _theirs) = UnixStream::pair().unwrap();
    /// ours.set_nonblocking(true).unwrap();
    /// let registered = AsyncFd::new(ours).unwrap();
    /// let ours: UnixStream = registered.into_inner();
    /// // Registered again, with another runtime or this one.
    /// let _again = AsyncFd::new(ours).unwrap();
    /// # });
    /// ```
    pub fn into_inner(mut self) -> T {
        self.take_inner().expect("present until into_inner or drop")
    }

    fn take_inner(&mut self) -> Option<T> {
        let inner = self.inner.take()?;
        // Nothing to do about a failure: the driver keeps the state alive (module docs).
        let _ = self.registration.deregister(&mut SourceFd(&self.fd));
        Some(inner)
    }

    /// Polls for read readiness: `Ready` with a guard once the descriptor is readable (or its
    /// read half closed), `Pending` otherwise, after storing `cx`'s waker.
    ///
    /// Only the waker of the latest call (of this method or
    /// [`poll_read_ready_mut`](AsyncFd::poll_read_ready_mut)) is woken;
    /// [`poll_write_ready`](AsyncFd::poll_write_ready) keeps a waker of its own. Where several
    /// tasks wait, use [`readable`](AsyncFd::readable).
    ///
    /// # Errors
    /// The shutdown error once the runtime shut down.
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// As [`poll_read_ready`](AsyncFd::poll_read_ready), with a guard that gives mutable access.
    ///
    /// # Errors
    /// As [`poll_read_ready`](AsyncFd::poll_read_ready).
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for write readiness, as [`poll_read_ready`](AsyncFd::poll_read_ready) does for
    /// reading.
    ///
    /// # Errors
    /// As [`poll_read_ready`](AsyncFd::poll_read_ready).
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// As [`poll_write_ready`](AsyncFd::poll_write_ready), with a guard that gives mutable
    /// access.
    ///
    /// # Errors
    /// As [`poll_read_ready`](AsyncFd::poll_read_ready).
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Waits until the descriptor is ready for any of `interest`, and returns a guard with the
    /// readiness seen. A wake-up that another task's `clear_ready` already consumed may return a
    /// guard with no readiness; the `try_io` loop handles that like a `WouldBlock`.
    ///
    /// ```
    /// use eddy::io::{unix::AsyncFd, Interest};
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # rt.block_on(async {
    /// let (ours, mut theirs) = UnixStream::pair().unwrap();
    /// ours.set_nonblocking(true).unwrap();
    /// let ours = AsyncFd::new(ours).unwrap();
    /// theirs.write_all(b"x").unwrap();
    /// let guard = ours.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
    /// assert!(guard.ready().is_readable() || guard.ready().is_writable());
    /// # });
    /// ```
    ///
    /// # Cancel safety
    /// Cancel safe: readiness that arrives while nobody waits is kept until it is cleared.
    ///
    /// # Errors
    /// The shutdown error once the runtime shut down.
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// As [`ready`](AsyncFd::ready), with a guard that gives mutable access.
    ///
    /// # Cancel safety
    /// Cancel safe, as [`ready`](AsyncFd::ready).
    ///
    /// # Errors
    /// As [`ready`](AsyncFd::ready).
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Waits until the descriptor is readable: `ready(Interest::READABLE)`.
    ///
    /// # Cancel safety
    /// Cancel safe, as [`ready`](AsyncFd::ready).
    ///
    /// # Errors
    /// As [`ready`](AsyncFd::ready).
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::READABLE).await
    }

    /// Waits until the descriptor is readable, with a guard that gives mutable access.
    ///
    /// # Cancel safety
    /// Cancel safe, as [`ready`](AsyncFd::ready).
    ///
    /// # Errors
    /// As [`ready`](AsyncFd::ready).
    pub async fn readable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits until the descriptor is writable: `ready(Interest::WRITABLE)`.
    ///
    /// # Cancel safety
    /// Cancel safe, as [`ready`](AsyncFd::ready).
    ///
    /// # Errors
    /// As [`ready`](AsyncFd::ready).
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// Waits until the descriptor is writable, with a guard that gives mutable access.
    ///
    /// # Cancel safety
    /// Cancel safe, as [`ready`](AsyncFd::ready).
    ///
    /// # Errors
    /// As [`ready`](AsyncFd::ready).
    pub async fn writable_mut(&mut self) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Runs `f` each time the descriptor is ready for `interest`, until it returns something
    /// other than `WouldBlock` (which clears the readiness it disproved). `f` must do one kind of
    /// operation, matching `interest`, and must not use this `AsyncFd`'s own readiness methods.
    ///
    /// ```
    /// use eddy::io::{unix::AsyncFd, Interest};
    /// use std::io::{Read, Write};
    /// use std::os::unix::net::UnixStream;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # rt.block_on(async {
    /// let (ours, mut theirs) = UnixStream::pair().unwrap();
    /// ours.set_nonblocking(true).unwrap();
    /// let ours = AsyncFd::new(ours).unwrap();
    /// let reader = async {
    ///     let mut buf = [0u8; 8];
    ///     let n = ours
    ///         .async_io(Interest::READABLE, |mut sock| sock.read(&mut buf))
    ///         .await
    ///         .unwrap();
    ///     buf[..n].to_vec()
    /// };
    /// theirs.write_all(b"hi").unwrap();
    /// assert_eq!(reader.await, b"hi");
    /// # });
    /// ```
    ///
    /// # Errors
    /// `f`'s error, or the shutdown error once the runtime shut down.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let inner = self.get_ref();
        self.registration.async_io(interest, || f(inner)).await
    }

    /// As [`async_io`](AsyncFd::async_io), with mutable access to the object.
    ///
    /// # Errors
    /// As [`async_io`](AsyncFd::async_io).
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let AsyncFd {
            registration,
            inner,
            ..
        } = self;
        let inner = inner.as_mut().expect("present until into_inner or drop");
        registration.async_io(interest, || f(inner)).await
    }

    /// Runs `f` once if the descriptor looks ready for `interest`; returns `WouldBlock` without
    /// calling it otherwise. A `WouldBlock` from `f` clears the readiness it disproved.
    ///
    /// # Errors
    /// `WouldBlock` when not ready, `f`'s error, or the shutdown error once the runtime shut
    /// down.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        let inner = self.get_ref();
        self.registration.try_io(interest, || f(inner))
    }

    /// As [`try_io`](AsyncFd::try_io), with mutable access to the object.
    ///
    /// # Errors
    /// As [`try_io`](AsyncFd::try_io).
    pub fn try_io_mut<R>(
        &mut self,
        interest: Interest,
        f: impl FnOnce(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let AsyncFd {
            registration,
            inner,
            ..
        } = self;
        let inner = inner.as_mut().expect("present until into_inner or drop");
        registration.try_io(interest, || f(inner))
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

// Only for objects that can lend their descriptor themselves: a `BorrowedFd` made from
// `AsRawFd` alone would let safe code borrow a descriptor that nobody keeps open.
impl<T: AsRawFd + AsFd> AsFd for AsyncFd<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.get_ref().as_fd()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<T: AsRawFd> Drop for AsyncFd<T> {
    fn drop(&mut self) {
        drop(self.take_inner());
    }
}

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    /// Forgets the readiness this guard saw: the next wait sleeps until a new event. Readiness
    /// that arrived after the guard was made is kept, and so are closed halves (final states).
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.async_fd.registration.clear_readiness(event);
        }
    }

    /// Forgets only the part `ready` of the readiness this guard saw (say, `Ready::READABLE`
    /// after a read returned `WouldBlock`, keeping `Ready::WRITABLE`).
    ///
    /// ```
    /// use eddy::io::{unix::AsyncFd, Interest, Ready};
    /// use std::io::Write;
    /// use std::os::unix::net::UnixStream;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # rt.block_on(async {
    /// let (ours, mut theirs) = UnixStream::pair().unwrap();
    /// ours.set_nonblocking(true).unwrap();
    /// let ours = AsyncFd::new(ours).unwrap();
    /// theirs.write_all(b"x").unwrap();
    /// let mut guard = ours.readable().await.unwrap();
    /// guard.clear_ready_matching(Ready::READABLE);
    /// assert!(!guard.ready().is_readable());
    /// # });
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        if let Some(mut event) = self.event.take() {
            self.async_fd
                .registration
                .clear_readiness(ReadyEvent { ready, ..event });
            event.ready = event.ready - ready;
            if !event.ready.is_empty() {
                self.event = Some(event);
            }
        }
    }

    /// Keeps the readiness (what dropping the guard does too); for code that says so.
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard saw and has not cleared.
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |event| event.ready)
    }

    /// Runs `f`; a `WouldBlock` clears the readiness and becomes `Err(TryIoError)`, anything
    /// else is `Ok` with `f`'s result.
    ///
    /// # Errors
    /// [`TryIoError`] when `f` would block: wait for readiness again.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` this guard belongs to.
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.async_fd
    }

    /// The object the `AsyncFd` owns.
    pub fn get_inner(&self) -> &'a T {
        self.async_fd.get_ref()
    }
}

impl<T: AsRawFd> AsyncFdReadyMutGuard<'_, T> {
    /// As [`AsyncFdReadyGuard::clear_ready`].
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.async_fd.registration.clear_readiness(event);
        }
    }

    /// As [`AsyncFdReadyGuard::clear_ready_matching`].
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        if let Some(mut event) = self.event.take() {
            self.async_fd
                .registration
                .clear_readiness(ReadyEvent { ready, ..event });
            event.ready = event.ready - ready;
            if !event.ready.is_empty() {
                self.event = Some(event);
            }
        }
    }

    /// As [`AsyncFdReadyGuard::retain_ready`].
    pub fn retain_ready(&mut self) {}

    /// As [`AsyncFdReadyGuard::ready`].
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |event| event.ready)
    }

    /// As [`AsyncFdReadyGuard::try_io`], with mutable access to the `AsyncFd`.
    ///
    /// # Errors
    /// [`TryIoError`] when `f` would block: wait for readiness again.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` this guard belongs to.
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.async_fd
    }

    /// The `AsyncFd` this guard belongs to, mutably.
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.async_fd
    }

    /// The object the `AsyncFd` owns.
    pub fn get_inner(&self) -> &T {
        self.async_fd.get_ref()
    }

    /// The object the `AsyncFd` owns, mutably.
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.async_fd.get_mut()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyGuard")
            .field("async_fd", &self.async_fd)
            .field("ready", &self.ready())
            .finish()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyMutGuard")
            .field("async_fd", &self.async_fd)
            .field("ready", &self.ready())
            .finish()
    }
}

impl<T> AsyncFdTryNewError<T> {
    /// The object that was to be registered, and why it was not.
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

impl<T> fmt::Display for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl<T> fmt::Debug for AsyncFdTryNewError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cause, f)
    }
}

impl<T> Error for AsyncFdTryNewError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdTryNewError<T>> for io::Error {
    fn from(err: AsyncFdTryNewError<T>) -> io::Error {
        err.cause
    }
}
