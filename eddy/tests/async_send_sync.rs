//! Compile-time checks of the auto traits of eddy's public types, as Tokio's users rely on them.

#![allow(dead_code)]

use std::panic::{RefUnwindSafe, UnwindSafe};

fn send<T: Send>() {}
fn sync<T: Sync>() {}
fn unpin<T: Unpin>() {}
fn unwind_safe<T: UnwindSafe + RefUnwindSafe>() {}

#[test]
fn runtime_types() {
    send::<eddy::runtime::Runtime>();
    sync::<eddy::runtime::Runtime>();
    unwind_safe::<eddy::runtime::Runtime>();
    send::<eddy::runtime::Handle>();
    sync::<eddy::runtime::Handle>();
    unwind_safe::<eddy::runtime::Handle>();
    send::<eddy::runtime::Builder>();
    sync::<eddy::runtime::Builder>();
    send::<eddy::runtime::TryCurrentError>();
    sync::<eddy::runtime::TryCurrentError>();
    send::<eddy::runtime::Id>();
    sync::<eddy::runtime::Id>();
}

#[test]
fn task_types() {
    send::<eddy::task::JoinHandle<u8>>();
    sync::<eddy::task::JoinHandle<u8>>();
    unpin::<eddy::task::JoinHandle<std::marker::PhantomPinned>>();
    unwind_safe::<eddy::task::JoinHandle<u8>>();
    send::<eddy::task::AbortHandle>();
    sync::<eddy::task::AbortHandle>();
    unwind_safe::<eddy::task::AbortHandle>();
    send::<eddy::task::JoinError>();
    sync::<eddy::task::JoinError>();
    send::<eddy::task::Id>();
    sync::<eddy::task::Id>();
}

#[test]
fn local_types() {
    // `LocalRuntime`, `LocalSet` and their guards are `!Send` (compile_fail doctests on the
    // types prove it); what they do promise:
    unwind_safe::<eddy::runtime::LocalRuntime>();
    unpin::<eddy::task::LocalSet>();
}

#[test]
fn join_set_and_task_locals() {
    send::<eddy::task::JoinSet<u8>>();
    sync::<eddy::task::JoinSet<u8>>();
    unpin::<eddy::task::JoinSet<std::marker::PhantomPinned>>();
    send::<eddy::task::AccessError>();
    sync::<eddy::task::AccessError>();
    send::<eddy::runtime::UnhandledPanic>();
    sync::<eddy::runtime::UnhandledPanic>();
    send::<eddy::runtime::RuntimeMetrics>();
    sync::<eddy::runtime::RuntimeMetrics>();
    unwind_safe::<eddy::runtime::RuntimeMetrics>();
}

#[test]
fn futures_are_send() {
    fn future_send<F: std::future::Future + Send>(_: F) {}
    future_send(eddy::task::yield_now());
    future_send(eddy::task::consume_budget());
    future_send(eddy::task::unconstrained(async {}));
}

#[test]
fn time_types() {
    send::<eddy::time::Interval>();
    sync::<eddy::time::Interval>();
    unpin::<eddy::time::Interval>();
    send::<eddy::time::Timeout<std::future::Ready<u8>>>();
    sync::<eddy::time::Timeout<std::future::Ready<u8>>>();
    send::<eddy::time::MissedTickBehavior>();
    sync::<eddy::time::MissedTickBehavior>();
    send::<eddy::time::error::Elapsed>();
    sync::<eddy::time::error::Elapsed>();
    send::<eddy::time::error::Error>();
    sync::<eddy::time::error::Error>();

    // Compile-time only: `tick` can be awaited in a spawned task.
    fn _tick_is_send(interval: &mut eddy::time::Interval) {
        fn future_send<F: std::future::Future + Send>(_: F) {}
        future_send(interval.tick());
    }
}

#[test]
fn io_types() {
    use eddy::io::unix::{
        AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdTryNewError, TryIoError,
    };
    use std::os::fd::OwnedFd;
    send::<AsyncFd<OwnedFd>>();
    sync::<AsyncFd<OwnedFd>>();
    unpin::<AsyncFd<OwnedFd>>();
    send::<AsyncFdReadyGuard<'static, OwnedFd>>();
    sync::<AsyncFdReadyGuard<'static, OwnedFd>>();
    send::<AsyncFdReadyMutGuard<'static, OwnedFd>>();
    sync::<AsyncFdReadyMutGuard<'static, OwnedFd>>();
    send::<AsyncFdTryNewError<OwnedFd>>();
    sync::<AsyncFdTryNewError<OwnedFd>>();
    send::<TryIoError>();
    sync::<TryIoError>();
    send::<eddy::io::Interest>();
    sync::<eddy::io::Interest>();
    send::<eddy::io::Ready>();
    sync::<eddy::io::Ready>();

    // Compile-time only: the readiness futures can be awaited in a spawned task.
    fn _futures_are_send(fd: &mut AsyncFd<OwnedFd>) {
        fn future_send<F: std::future::Future + Send>(_: F) {}
        future_send(fd.readable());
        future_send(fd.writable());
        future_send(fd.ready(eddy::io::Interest::READABLE));
        future_send(fd.async_io(eddy::io::Interest::READABLE, |_| Ok(())));
        future_send(fd.readable_mut());
    }
}

#[test]
fn signal_types() {
    use eddy::signal::unix::{Signal, SignalKind};
    send::<Signal>();
    sync::<Signal>();
    unpin::<Signal>();
    unwind_safe::<Signal>();
    send::<SignalKind>();
    sync::<SignalKind>();

    // Compile-time only: the signal futures can be awaited in a spawned task.
    fn _futures_are_send(signal: &mut Signal) {
        fn future_send<F: std::future::Future + Send>(_: F) {}
        future_send(signal.recv());
        future_send(eddy::signal::ctrl_c());
    }
}

#[test]
fn net_types() {
    fn all<T: Send + Sync + Unpin + UnwindSafe + RefUnwindSafe>() {}
    all::<eddy::net::TcpListener>();
    all::<eddy::net::TcpStream>();
    all::<eddy::net::TcpSocket>();
    all::<eddy::net::UdpSocket>();
    all::<eddy::net::tcp::ReadHalf<'_>>();
    all::<eddy::net::tcp::WriteHalf<'_>>();
    all::<eddy::net::tcp::OwnedReadHalf>();
    all::<eddy::net::tcp::OwnedWriteHalf>();
    all::<eddy::net::tcp::ReuniteError>();
    #[cfg(unix)]
    {
        all::<eddy::net::UnixListener>();
        all::<eddy::net::UnixStream>();
        all::<eddy::net::UnixDatagram>();
        all::<eddy::net::UnixSocket>();
        all::<eddy::net::unix::ReadHalf<'_>>();
        all::<eddy::net::unix::WriteHalf<'_>>();
        all::<eddy::net::unix::OwnedReadHalf>();
        all::<eddy::net::unix::OwnedWriteHalf>();
        all::<eddy::net::unix::ReuniteError>();
        all::<eddy::net::unix::SocketAddr>();
        all::<eddy::net::unix::UCred>();
    }

    // Compile-time only: the futures of every async method can move to another thread.
    fn future_send<F: std::future::Future + Send>(_: F) {}
    fn _futures_are_send(stream: &eddy::net::TcpStream, udp: &eddy::net::UdpSocket) {
        future_send(eddy::net::TcpStream::connect("localhost:80"));
        future_send(eddy::net::TcpListener::bind(("::1", 0)));
        future_send(eddy::net::lookup_host(String::from("localhost:80")));
        future_send(stream.readable());
        future_send(stream.peek(&mut []));
        future_send(udp.send_to(&[], "127.0.0.1:9"));
        future_send(udp.recv_from(&mut []));
        future_send(udp.peek_sender());
    }
}
