//! Constructors that need a runtime carry `#[track_caller]`: their panics (here: a runtime
//! without IO) point at the caller's line. One test in its own binary, because it swaps the
//! process-wide panic hook.

#![cfg(unix)]

use eddy::net::{
    TcpListener, TcpSocket, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixSocket,
    UnixStream,
};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

/// The file of the panic that `f` raises.
fn panic_file(f: impl FnOnce()) -> String {
    static FILE: Mutex<Option<String>> = Mutex::new(None);
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        *FILE.lock().unwrap() = info.location().map(|at| at.file().to_string());
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    assert!(result.is_err(), "expected a panic");
    FILE.lock()
        .unwrap()
        .take()
        .expect("the panic had a location")
}

#[test]
fn constructors_point_at_the_caller() {
    let rt = eddy::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let here = file!();
    let path = std::env::temp_dir().join(format!("eddy-panic-{}.sock", std::process::id()));

    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = std_listener.local_addr().unwrap();
    assert_eq!(
        panic_file(|| drop(TcpListener::from_std(std_listener))),
        here
    );
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    assert_eq!(
        panic_file(|| drop(TcpListener::try_from(std_listener))),
        here
    );
    let std_stream = std::net::TcpStream::connect(addr);
    if let Ok(std_stream) = std_stream {
        assert_eq!(panic_file(|| drop(TcpStream::from_std(std_stream))), here);
    }
    let std_udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    assert_eq!(panic_file(|| drop(UdpSocket::from_std(std_udp))), here);
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    assert_eq!(panic_file(|| drop(socket.listen(8))), here);

    assert_eq!(panic_file(|| drop(UnixStream::pair())), here);
    assert_eq!(panic_file(|| drop(UnixDatagram::pair())), here);
    assert_eq!(panic_file(|| drop(UnixDatagram::unbound())), here);
    assert_eq!(panic_file(|| drop(UnixListener::bind(&path))), here);
    let _ = std::fs::remove_file(&path);
    assert_eq!(panic_file(|| drop(UnixDatagram::bind(&path))), here);
    let _ = std::fs::remove_file(&path);
    let socket = UnixSocket::new_stream().unwrap();
    socket.bind(&path).unwrap();
    assert_eq!(panic_file(|| drop(socket.listen(8))), here);
    let _ = std::fs::remove_file(&path);
    let socket = UnixSocket::new_datagram().unwrap();
    assert_eq!(panic_file(|| drop(socket.datagram())), here);
}
