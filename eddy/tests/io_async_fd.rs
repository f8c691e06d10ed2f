//! `io::unix::AsyncFd`: readiness of a socket pair through the IO driver, the guards' clearing
//! rules, the constructors' errors, deregistration, and runtime shutdown.

use std::future::{poll_fn, Future};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::pin::pin;
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use eddy::io::unix::{AsyncFd, AsyncFdTryNewError};
use eddy::io::{Interest, Ready};
use eddy::runtime::{is_rt_shutdown_err, Builder, Runtime};
use futures::poll;

/// Generous bound for waits that would otherwise hang on a broken runtime.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A connected pair of non-blocking Unix stream sockets.
fn pair() -> (UnixStream, UnixStream) {
    let (left, right) = UnixStream::pair().unwrap();
    left.set_nonblocking(true).unwrap();
    right.set_nonblocking(true).unwrap();
    (left, right)
}

/// Reads until the socket would block; returns what was read.
fn drain(mut sock: &UnixStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 256];
    loop {
        match sock.read(&mut buf) {
            Ok(0) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return out,
            Err(err) => panic!("read failed: {err}"),
        }
    }
}

/// `f` with a bound on how long it may take, on a runtime with timers.
async fn bounded<F: Future>(f: F) -> F::Output {
    eddy::time::timeout(TIMEOUT, f)
        .await
        .expect("the IO event arrived in time")
}

/// Expands the tests once per runtime flavour.
macro_rules! every_flavour {
    (@flavour $name:ident, $builder:expr; $($t:tt)*) => {
        mod $name {
            use super::*;

            fn rt() -> Runtime {
                $builder.enable_all().build().expect("runtime builds")
            }

            $($t)*
        }
    };
    ($($t:tt)*) => {
        every_flavour!(@flavour current_thread, Builder::new_current_thread(); $($t)*);
        every_flavour!(@flavour multi_thread_1, Builder::new_multi_thread().worker_threads(1); $($t)*);
        every_flavour!(@flavour multi_thread_4, Builder::new_multi_thread().worker_threads(4); $($t)*);
    };
}

every_flavour! {
    /// One event wakes every task waiting for it, each with its own guard.
    #[test]
    fn one_event_wakes_every_waiter() {
        rt().block_on(async {
            let (ours, theirs) = pair();
            let ours = Arc::new(AsyncFd::new(ours).unwrap());
            let waiters: Vec<_> = (0..4)
                .map(|_| {
                    let ours = ours.clone();
                    eddy::spawn(async move {
                        let guard = ours.readable().await.unwrap();
                        guard.ready()
                    })
                })
                .collect();
            // Let the waiters reach their wait (on a current-thread runtime they run now).
            eddy::task::yield_now().await;
            (&theirs).write_all(b"x").unwrap();
            for waiter in waiters {
                let ready = bounded(waiter).await.unwrap();
                assert!(ready.is_readable(), "{ready:?}");
            }
        });
    }

    /// Readable waits for data; writable holds at once on an empty socket.
    #[test]
    fn readable_waits_for_data_and_writable_does_not() {
        rt().block_on(async {
            let (ours, theirs) = pair();
            let ours = AsyncFd::new(ours).unwrap();
            let guard = bounded(ours.writable()).await.unwrap();
            assert!(guard.ready().is_writable());
            drop(guard);
            let mut readable = pin!(ours.readable());
            assert!(poll!(&mut readable).is_pending());
            (&theirs).write_all(b"x").unwrap();
            let guard = bounded(readable).await.unwrap();
            assert!(guard.ready().is_readable());
            assert_eq!(drain(guard.get_inner()), b"x");
        });
    }

    /// `clear_ready` forgets the readiness the guard saw: the next wait sleeps until new data.
    #[test]
    fn clear_ready_waits_for_the_next_event() {
        rt().block_on(async {
            let (ours, theirs) = pair();
            let ours = AsyncFd::with_interest(ours, Interest::READABLE).unwrap();
            (&theirs).write_all(b"a").unwrap();
            let mut guard = bounded(ours.readable()).await.unwrap();
            assert_eq!(drain(guard.get_inner()), b"a");
            guard.clear_ready();
            assert!(guard.ready().is_empty());
            let mut readable = pin!(ours.readable());
            assert!(poll!(&mut readable).is_pending());
            (&theirs).write_all(b"b").unwrap();
            let guard = bounded(readable).await.unwrap();
            assert_eq!(drain(guard.get_inner()), b"b");
        });
    }

    /// Readiness that arrived after the guard was made survives the guard's `clear_ready`.
    #[test]
    fn clear_ready_keeps_readiness_newer_than_the_guard() {
        rt().block_on(async {
            let (ours, theirs) = pair();
            let (probe, probe_peer) = pair();
            let ours = AsyncFd::with_interest(ours, Interest::READABLE).unwrap();
            let probe = AsyncFd::with_interest(probe, Interest::READABLE).unwrap();
            (&theirs).write_all(b"a").unwrap();
            let mut stale = bounded(ours.readable()).await.unwrap();
            // New data, then an event on the probe: by the time the probe is readable the
            // driver has also taken the newer event of `ours` (queued before the probe's).
            (&theirs).write_all(b"b").unwrap();
            (&probe_peer).write_all(b"p").unwrap();
            bounded(probe.readable()).await.unwrap().retain_ready();
            stale.clear_ready();
            let guard = bounded(ours.readable()).await.unwrap();
            assert!(guard.ready().is_readable());
            assert_eq!(drain(guard.get_inner()), b"ab");
        });
    }

    /// `clear_ready_matching` clears one kind of readiness and keeps the other.
    #[test]
    fn clear_ready_matching_clears_only_what_it_names() {
        rt().block_on(async {
            let (ours, theirs) = pair();
            (&theirs).write_all(b"x").unwrap();
            let ours = AsyncFd::new(ours).unwrap();
            let both = Interest::READABLE | Interest::WRITABLE;
            let mut guard = bounded(ours.ready(both)).await.unwrap();
            // The first event may carry one half only; wait for the other if so.
            while !(guard.ready().is_readable() && guard.ready().is_writable()) {
                let missing = if guard.ready().is_readable() {
                    Interest::WRITABLE
                } else {
                    Interest::READABLE
                };
                drop(guard);
                bounded(ours.ready(missing)).await.unwrap().retain_ready();
                guard = bounded(ours.ready(both)).await.unwrap();
            }
            assert_eq!(drain(guard.get_inner()), b"x");
            guard.clear_ready_matching(Ready::READABLE);
            assert!(!guard.ready().is_readable());
            assert!(guard.ready().is_writable());
            drop(guard);
            let guard = bounded(ours.writable()).await.unwrap();
            assert!(guard.ready().is_writable());
            let mut readable = pin!(ours.readable());
            assert!(poll!(&mut readable).is_pending());
        });
    }

    /// A guard's `try_io` passes results through and turns `WouldBlock` into a cleared guard.
    #[test]
    fn guard_try_io_clears_on_would_block() {
        rt().block_on(async {
            let (ours, theirs) = pair();
            let ours = AsyncFd::new(ours).unwrap();
            (&theirs).write_all(b"hello").unwrap();
            let mut guard = bounded(ours.readable()).await.unwrap();
            let mut buf = [0u8; 16];
            let n = guard
                .try_io(|fd| fd.get_ref().read(&mut buf))
                .expect("data was there")
                .unwrap();
            assert_eq!(&buf[..n], b"hello");
            assert!(guard.try_io(|fd| fd.get_ref().read(&mut buf)).is_err());
            assert!(guard.ready().is_empty());
            drop(guard);
            // Cleared: a plain `try_io` does not even call its closure now.
            let err = ours
                .try_io(Interest::READABLE, |_| -> io::Result<()> {
                    panic!("called although not ready")
                })
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
            let mut readable = pin!(ours.readable());
            assert!(poll!(&mut readable).is_pending());
        });
    }

    /// The `_mut` variants: mutable guards, `async_io_mut`, `try_io_mut`, the poll functions.
    #[test]
    fn mutable_access_through_every_path() {
        rt().block_on(async {
            let (ours, theirs) = pair();
            let mut ours = AsyncFd::new(ours).unwrap();
            let mut guard = bounded(ours.writable_mut()).await.unwrap();
            let written = guard
                .try_io(|fd| fd.get_mut().write(b"ab"))
                .expect("writable")
                .unwrap();
            assert_eq!(written, 2);
            let _: &mut UnixStream = guard.get_inner_mut();
            let _: &mut AsyncFd<UnixStream> = guard.get_mut();
            guard.retain_ready();
            drop(guard);
            assert_eq!(drain(&theirs), b"ab");

            (&theirs).write_all(b"cd").unwrap();
            let mut guard = bounded(ours.readable_mut()).await.unwrap();
            assert!(guard.ready().is_readable());
            assert_eq!(drain(guard.get_inner()), b"cd");
            guard.clear_ready();
            drop(guard);

            (&theirs).write_all(b"ef").unwrap();
            let mut buf = [0u8; 8];
            let n = bounded(ours.async_io_mut(Interest::READABLE, |sock| sock.read(&mut buf)))
                .await
                .unwrap();
            assert_eq!(&buf[..n], b"ef");
            let err = ours
                .try_io_mut(Interest::READABLE, |sock| sock.read(&mut buf))
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::WouldBlock);

            (&theirs).write_all(b"gh").unwrap();
            let ready = bounded(poll_fn(|cx| {
                ours.poll_read_ready_mut(cx).map_ok(|mut guard| {
                    let ready = guard.ready();
                    guard.retain_ready();
                    ready
                })
            }))
            .await
            .unwrap();
            assert!(ready.is_readable());
            let ready = bounded(poll_fn(|cx| {
                ours.poll_write_ready_mut(cx).map_ok(|guard| guard.ready())
            }))
            .await
            .unwrap();
            assert!(ready.is_writable());
            let n = bounded(ours.async_io(Interest::READABLE, |mut sock| sock.read(&mut buf)))
                .await
                .unwrap();
            assert_eq!(&buf[..n], b"gh");
        });
    }

    /// The poll functions keep one waker per direction and wake it on an event.
    #[test]
    fn poll_read_ready_wakes_its_waker() {
        rt().block_on(async {
            let (ours, theirs) = pair();
            let ours = Arc::new(AsyncFd::new(ours).unwrap());
            let reader = {
                let ours = ours.clone();
                eddy::spawn(async move {
                    poll_fn(|cx| ours.poll_read_ready(cx).map_ok(|guard| guard.ready())).await
                })
            };
            eddy::task::yield_now().await;
            (&theirs).write_all(b"x").unwrap();
            assert!(bounded(reader).await.unwrap().unwrap().is_readable());
            let ready = bounded(poll_fn(|cx| ours.poll_write_ready(cx).map_ok(|g| g.ready())))
                .await
                .unwrap();
            assert!(ready.is_writable());
        });
    }

    /// `into_inner` takes the descriptor out of the driver: it can be registered again.
    #[test]
    fn into_inner_deregisters() {
        rt().block_on(async {
            let (ours, theirs) = pair();
            let registered = AsyncFd::new(ours).unwrap();
            let raw = registered.as_raw_fd();
            let ours = registered.into_inner();
            assert_eq!(ours.as_raw_fd(), raw);
            // epoll refuses a second registration of a registered descriptor (EEXIST).
            let again = AsyncFd::new(ours).unwrap();
            (&theirs).write_all(b"x").unwrap();
            assert!(bounded(again.readable()).await.unwrap().ready().is_readable());
        });
    }
}

/// A failed registration gives the object back, with the cause.
#[test]
#[cfg(target_os = "linux")]
fn try_new_gives_the_object_back() {
    let rt = Builder::new_current_thread().enable_io().build().unwrap();
    rt.block_on(async {
        // epoll refuses regular files.
        let file = std::fs::File::open("/proc/self/exe").unwrap();
        let raw = file.as_raw_fd();
        let err: AsyncFdTryNewError<std::fs::File> = AsyncFd::try_new(file).unwrap_err();
        assert_eq!(
            err.to_string(),
            io::Error::from_raw_os_error(libc::EPERM).to_string()
        );
        assert!(format!("{err:?}").contains("PermissionDenied"), "{err:?}");
        let source = std::error::Error::source(&err).expect("the cause is the source");
        assert!(source.is::<io::Error>());
        let (file, cause) = err.into_parts();
        assert_eq!(file.as_raw_fd(), raw);
        assert_eq!(cause.raw_os_error(), Some(libc::EPERM));

        let file = std::fs::File::open("/proc/self/exe").unwrap();
        let err = AsyncFd::try_with_interest(file, Interest::READABLE).unwrap_err();
        let err: io::Error = err.into();
        assert_eq!(err.raw_os_error(), Some(libc::EPERM));
        let file = std::fs::File::open("/proc/self/exe").unwrap();
        assert_eq!(
            AsyncFd::new(file).unwrap_err().raw_os_error(),
            Some(libc::EPERM)
        );
    });
}

/// After shutdown, registering fails with the shutdown error, and `try_new` gives the object
/// back.
#[test]
fn registering_after_shutdown_fails_with_the_object_back() {
    let rt = Builder::new_current_thread().enable_io().build().unwrap();
    let handle = rt.handle().clone();
    drop(rt);
    let _guard = handle.enter();
    let (ours, _theirs) = pair();
    let raw = ours.as_raw_fd();
    let (ours, cause) = AsyncFd::try_new(ours).unwrap_err().into_parts();
    assert!(is_rt_shutdown_err(&cause), "{cause}");
    assert_eq!(ours.as_raw_fd(), raw);
}

/// Shutdown wakes a task that waits on a descriptor of the runtime, with the shutdown error,
/// through the future path and the poll path alike.
#[test]
fn shutdown_wakes_pending_waiters_with_the_shutdown_error() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()
        .unwrap();
    let (ours, _theirs) = pair();
    let ours = Arc::new(rt.block_on(async { AsyncFd::new(ours).unwrap() }));
    let (pending_tx, pending_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    for poll_path in [false, true] {
        let ours = ours.clone();
        let pending_tx = pending_tx.clone();
        let done_tx = done_tx.clone();
        // Waits from a thread of its own (another runtime's `block_on`): the tasks of the
        // runtime being shut down are dropped rather than woken.
        thread::spawn(move || {
            let waiter = Builder::new_current_thread().build().unwrap();
            let result = waiter.block_on(async {
                let mut readable = pin!(ours.readable());
                let mut told = false;
                poll_fn(|cx| {
                    let polled = if poll_path {
                        ours.poll_read_ready(cx).map_ok(|guard| guard.ready())
                    } else {
                        readable.as_mut().poll(cx).map_ok(|guard| guard.ready())
                    };
                    if polled.is_pending() && !told {
                        told = true;
                        pending_tx.send(()).unwrap();
                    }
                    polled
                })
                .await
            });
            done_tx.send(result).unwrap();
        });
    }
    for _ in 0..2 {
        pending_rx.recv_timeout(TIMEOUT).expect("the waiter waits");
    }
    drop(rt);
    for _ in 0..2 {
        let err = done_rx
            .recv_timeout(TIMEOUT)
            .expect("shutdown woke the waiter")
            .unwrap_err();
        assert!(is_rt_shutdown_err(&err), "{err}");
    }
}

/// An object that only has a raw descriptor goes through the unsafe constructors.
#[test]
fn raw_descriptors_register_through_the_unsafe_constructors() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let (ours, theirs) = pair();
        let raw: RawFd = ours.as_raw_fd();
        // SAFETY: `ours` keeps the descriptor open until after the `AsyncFd` is dropped.
        let registered = unsafe { AsyncFd::register(raw) }.unwrap();
        assert_eq!(registered.as_raw_fd(), raw);
        (&theirs).write_all(b"x").unwrap();
        assert!(bounded(registered.readable())
            .await
            .unwrap()
            .ready()
            .is_readable());
        drop(registered);
        // SAFETY: as above.
        let writable_only =
            unsafe { AsyncFd::register_with_interest(raw, Interest::WRITABLE) }.unwrap();
        assert!(bounded(writable_only.writable())
            .await
            .unwrap()
            .ready()
            .is_writable());
        drop(writable_only);
        drop(ours);
    });
}

/// `AsFd`, `AsRawFd` and `Debug` show the object inside.
#[test]
fn descriptor_traits_and_debug() {
    let rt = Builder::new_current_thread().enable_io().build().unwrap();
    rt.block_on(async {
        let (ours, _theirs) = pair();
        let owned = OwnedFd::from(ours);
        let raw = owned.as_raw_fd();
        let registered = AsyncFd::new(owned).unwrap();
        assert_eq!(registered.as_raw_fd(), raw);
        assert_eq!(registered.as_fd().as_raw_fd(), raw);
        let debug = format!("{registered:?}");
        assert!(debug.starts_with("AsyncFd"), "{debug}");
        let guard = registered.writable().await.unwrap();
        let debug = format!("{guard:?}");
        assert!(debug.contains("AsyncFdReadyGuard"), "{debug}");
    });
}

/// Creating an `AsyncFd` needs a runtime, and one with IO.
#[test]
fn creating_needs_a_runtime_with_io() {
    let (ours, _theirs) = pair();
    let panic = std::panic::catch_unwind(|| AsyncFd::new(ours)).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("there is no reactor running"), "{message}");

    let rt = Builder::new_current_thread().build().unwrap();
    let (ours, _theirs) = pair();
    let panic = std::panic::catch_unwind(|| rt.block_on(async { AsyncFd::new(ours) })).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("IO is disabled"), "{message}");
}

/// An object whose descriptor was replaced through `get_mut` while a duplicate keeps the
/// registered file open: dropping the `AsyncFd` cannot take that file out of epoll, and its
/// later events must land in memory that is still alive (valgrind checks what this cannot).
#[test]
fn dropping_after_the_descriptor_was_replaced_is_safe() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let (ours, theirs) = pair();
        let (replacement, _replacement_peer) = pair();
        let mut registered = AsyncFd::with_interest(ours, Interest::READABLE).unwrap();
        let duplicate = registered.get_ref().try_clone().unwrap();
        drop(std::mem::replace(registered.get_mut(), replacement));
        drop(registered);
        // Events on the old file, then on a probe: when the probe is ready, the driver has
        // dispatched the old file's event too.
        let (probe, probe_peer) = pair();
        let probe = AsyncFd::with_interest(probe, Interest::READABLE).unwrap();
        (&theirs).write_all(b"late").unwrap();
        (&probe_peer).write_all(b"p").unwrap();
        bounded(probe.readable()).await.unwrap().retain_ready();
        assert_eq!(drain(&duplicate), b"late");
    });
}
