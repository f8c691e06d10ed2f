//! Sockets and the runtime's lifecycle: a socket dropped from inside the driver's own wake-up,
//! IO after shutdown, waiters woken by shutdown, and runtimes without IO.

#![cfg(unix)]

mod support;

use eddy::net::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream};
use eddy::runtime::{is_rt_shutdown_err, Builder, Runtime};
use futures::io::AsyncRead;
use futures::{AsyncReadExt, AsyncWriteExt};
use std::future::{poll_fn, Future};
use std::panic::{self, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Wake, Waker};
use std::thread;
use support::{run, TempPath};
use tokio::sync::oneshot;

fn flavours() -> [Runtime; 2] {
    [
        Builder::new_current_thread().enable_all().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    ]
}

/// A waker that, when woken, drops the future it was polled for (and with it the socket the
/// future waits on), then reports that it did.
struct DropOnWake {
    future: Mutex<Option<Pin<Box<dyn Future<Output = ()> + Send>>>>,
    done: Mutex<Option<oneshot::Sender<()>>>,
}

impl Wake for DropOnWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let future = self.future.lock().unwrap().take();
        drop(future);
        if let Some(done) = self.done.lock().unwrap().take() {
            let _ = done.send(());
        }
    }
}

/// Polls `future` once with a `DropOnWake` waker and parks it there; returns what resolves
/// once the wake-up dropped it.
fn park_until_woken(future: impl Future<Output = ()> + Send + 'static) -> oneshot::Receiver<()> {
    let (done, dropped) = oneshot::channel();
    let wake = Arc::new(DropOnWake {
        future: Mutex::new(None),
        done: Mutex::new(Some(done)),
    });
    let mut future: Pin<Box<dyn Future<Output = ()> + Send>> = Box::pin(future);
    let waker = Waker::from(wake.clone());
    let polled = future.as_mut().poll(&mut Context::from_waker(&waker));
    assert!(polled.is_pending(), "nothing is ready yet");
    *wake.future.lock().unwrap() = Some(future);
    dropped
}

/// The driver wakes a task whose wake-up drops the socket it waited on: the socket deregisters
/// from inside the driver's dispatch, which must neither deadlock nor touch freed memory.
#[test]
fn a_socket_dropped_from_its_own_wake() {
    for rt in flavours() {
        run(&rt, async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let dropped = park_until_woken(async move {
                let _ = listener.accept().await;
            });
            // The kernel completes the handshake on its own (and resets it once the listener is
            // dropped): a blocking connect is enough, and its outcome does not matter.
            let _client = std::net::TcpStream::connect(addr);
            dropped.await.unwrap();

            let (a, mut b) = UnixStream::pair().unwrap();
            let dropped = park_until_woken(async move {
                let _ = b.read(&mut [0; 1]).await;
            });
            let mut a = a;
            a.write_all(b"x").await.unwrap();
            dropped.await.unwrap();

            // The driver still serves everyone else.
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let _client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            listener.accept().await.unwrap();
        });
    }
}

#[test]
fn io_after_the_runtime_shut_down_fails_with_the_shutdown_error() {
    for rt in flavours() {
        let (listener, mut stream, udp, dgram) = rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let stream = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let (dgram, _) = UnixDatagram::pair().unwrap();
            (listener, stream, udp, dgram)
        });
        let handle = rt.handle().clone();
        drop(rt);
        handle.block_on(async {
            let shutdown = |err: std::io::Error| assert!(is_rt_shutdown_err(&err), "{err}");
            shutdown(listener.accept().await.unwrap_err());
            shutdown(poll_fn(|cx| listener.poll_accept(cx)).await.unwrap_err());
            shutdown(stream.read(&mut [0; 1]).await.unwrap_err());
            shutdown(stream.write(b"x").await.unwrap_err());
            shutdown(stream.readable().await.unwrap_err());
            shutdown(stream.try_read(&mut [0; 1]).unwrap_err());
            shutdown(stream.try_write(b"x").unwrap_err());
            shutdown(udp.recv_from(&mut [0; 1]).await.unwrap_err());
            shutdown(udp.send_to(b"x", "127.0.0.1:9").await.unwrap_err());
            shutdown(dgram.recv(&mut [0; 1]).await.unwrap_err());
            // New sockets cannot register any more either.
            shutdown(TcpListener::bind("127.0.0.1:0").await.unwrap_err());
            shutdown(
                TcpStream::connect(listener.local_addr().unwrap())
                    .await
                    .unwrap_err(),
            );
            shutdown(UdpSocket::bind("127.0.0.1:0").await.unwrap_err());
            shutdown(UnixStream::pair().unwrap_err());
            shutdown(UnixListener::bind(TempPath::new("after-shutdown")).unwrap_err());
        });
        // Dropping the sockets after their runtime is gone is fine too.
        drop((listener, stream, udp, dgram));
    }
}

/// A task waiting on a socket when the runtime shuts down is woken with the shutdown error,
/// whether it waits through a readiness future (accept) or a direction slot (poll_read).
#[test]
fn shutdown_wakes_pending_waiters_on_other_threads() {
    for rt in flavours() {
        let (listener, mut stream, _peer) = rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let stream = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let peer = listener.accept().await.unwrap().0;
            (listener, stream, peer)
        });
        let (waiting, waiters_ready) = mpsc::channel();
        let accepting = {
            let waiting = waiting.clone();
            thread::spawn(move || {
                futures::executor::block_on(async {
                    let mut accept = pin!(listener.accept());
                    poll_fn(|cx| {
                        let polled = accept.as_mut().poll(cx);
                        if polled.is_pending() {
                            let _ = waiting.send(());
                        }
                        polled.map(|result| result.map(drop))
                    })
                    .await
                })
            })
        };
        let reading = thread::spawn(move || {
            futures::executor::block_on(async {
                let mut buf = [0; 1];
                poll_fn(|cx| {
                    let polled = Pin::new(&mut stream).poll_read(cx, &mut buf);
                    if polled.is_pending() {
                        let _ = waiting.send(());
                    }
                    polled.map(|result| result.map(drop))
                })
                .await
            })
        });
        waiters_ready.recv().unwrap();
        waiters_ready.recv().unwrap();
        drop(rt);
        for waiter in [accepting, reading] {
            let err = waiter.join().unwrap().unwrap_err();
            assert!(is_rt_shutdown_err(&err), "{err}");
        }
    }
}

fn panic_message(f: impl FnOnce()) -> String {
    let payload = panic::catch_unwind(AssertUnwindSafe(f)).unwrap_err();
    match (
        payload.downcast_ref::<String>(),
        payload.downcast_ref::<&str>(),
    ) {
        (Some(message), _) => message.clone(),
        (None, Some(message)) => message.to_string(),
        (None, None) => panic!("a panic without a message"),
    }
}

#[test]
fn io_on_a_runtime_without_io_panics_with_the_io_disabled_message() {
    let runtimes = [
        Builder::new_current_thread().enable_time().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap(),
    ];
    for rt in runtimes {
        let message = panic_message(|| {
            rt.block_on(async { TcpListener::bind("127.0.0.1:0").await.map(drop) })
                .unwrap()
        });
        assert!(message.contains("IO is disabled"), "{message}");
        assert!(message.contains("enable_io"), "{message}");
        let _guard = rt.enter();
        let message = panic_message(|| drop(UnixStream::pair()));
        assert!(message.contains("IO is disabled"), "{message}");
    }
}

#[test]
fn a_socket_outside_any_runtime_panics_with_the_no_runtime_message() {
    let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let message = panic_message(|| drop(UdpSocket::from_std(std_socket)));
    assert!(message.contains("there is no reactor running"), "{message}");
    let message = panic_message(|| drop(UnixDatagram::pair()));
    assert!(message.contains("there is no reactor running"), "{message}");
}

/// The types never need a runtime to be dropped, moved between threads, or converted back to
/// std after their runtime is gone.
#[test]
fn into_std_after_shutdown_still_works() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    let (listener, client) = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        (listener, client)
    });
    drop(rt);
    let std_listener = listener.into_std().unwrap();
    let (_server, peer) = {
        std_listener.set_nonblocking(false).unwrap();
        std_listener.accept().unwrap()
    };
    assert_eq!(peer, client.into_std().unwrap().local_addr().unwrap());
}

/// The poll side of `AsyncRead` on a stream polled with a waker from outside eddy (the futures
/// executor) is woken by eddy's driver.
#[test]
fn a_foreign_executor_is_woken_by_the_driver() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (a, mut b) = rt.block_on(async { UnixStream::pair().unwrap() });
    let reader = thread::spawn(move || {
        futures::executor::block_on(async {
            let mut buf = [0; 5];
            b.read_exact(&mut buf).await.unwrap();
            buf
        })
    });
    rt.block_on(async move {
        let mut a = a;
        a.write_all(b"hello").await.unwrap();
    });
    assert_eq!(&reader.join().unwrap(), b"hello");
}

/// A task waits on a socket while the only other work is a future that keeps yielding: the
/// scheduler never parks, so its yields must still, now and then, collect IO events (a yield
/// may skip the operating system while no task waits on IO, but the waiting task registered
/// before the last look and must still count).
#[test]
fn a_waiting_task_is_served_while_another_spins_on_yield() {
    for rt in flavours() {
        run(&rt, async {
            let (a, b) = UnixStream::pair().unwrap();
            let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let waiter = {
                let done = done.clone();
                eddy::spawn(async move {
                    b.readable().await.unwrap();
                    done.store(true, std::sync::atomic::Ordering::SeqCst);
                })
            };
            // Let the waiter register and the driver take a look (finding nothing for it).
            for _ in 0..3 {
                eddy::task::yield_now().await;
            }
            a.writable().await.unwrap();
            a.try_write(b"x").unwrap();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                eddy::task::yield_now().await;
            }
            waiter.await.unwrap();
        });
    }
}
