//! No file descriptor outlives the sockets and runtimes that opened it. One test in its own
//! binary: other tests running in parallel in the same process would open and close
//! descriptors while this one counts them.

#![cfg(target_os = "linux")]

mod support;

use eddy::net::{
    TcpListener, TcpSocket, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixSocket,
    UnixStream,
};
use eddy::runtime::Builder;
use futures::{AsyncReadExt, AsyncWriteExt};
use support::{closed_port, TempPath};

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// Opens and closes every kind of socket, in every way they can end, on both flavours.
fn workout() {
    let runtimes = [
        Builder::new_current_thread().enable_all().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    ];
    for rt in runtimes {
        let survivors = rt.block_on(async {
            // TCP: a connection read to its end, split and reunited, and one handed to std.
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let mut client = TcpStream::connect(addr).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            client.write_all(b"bytes").await.unwrap();
            client.close().await.unwrap();
            let (mut read, write) = server.into_split();
            let mut got = Vec::new();
            read.read_to_end(&mut got).await.unwrap();
            drop(read.reunite(write).unwrap());
            drop(client.into_std().unwrap());
            TcpStream::connect(closed_port()).await.unwrap_err();
            let socket = TcpSocket::new_v4().unwrap();
            drop(socket.connect(closed_port()).await.unwrap_err());
            drop(TcpSocket::new_v6());

            // UDP.
            let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            a.send_to(b"x", b.local_addr().unwrap()).await.unwrap();
            b.recv_from(&mut [0; 1]).await.unwrap();

            // Unix.
            let path = TempPath::new("fd-leak");
            let unix_listener = UnixListener::bind(&path).unwrap();
            let unix_client = UnixStream::connect(&path).await.unwrap();
            let (unix_server, _) = unix_listener.accept().await.unwrap();
            let (halves, _) = unix_server.into_split();
            drop((halves, unix_client, unix_listener));
            let (d1, d2) = UnixDatagram::pair().unwrap();
            d1.send(b"d").await.unwrap();
            d2.recv(&mut [0; 1]).await.unwrap();
            drop(UnixSocket::new_datagram().unwrap().datagram().unwrap());
            drop(
                UnixSocket::new_stream()
                    .unwrap()
                    .connect(&path)
                    .await
                    .unwrap_err(),
            );

            // Left alive across the shutdown: a task waiting on accept, and a socket held by
            // the caller.
            let waiting = TcpListener::bind("127.0.0.1:0").await.unwrap();
            eddy::spawn(async move { waiting.accept().await.map(drop) });
            UdpSocket::bind("127.0.0.1:0").await.unwrap()
        });
        drop(rt);
        drop(survivors);
    }
}

#[test]
fn no_file_descriptor_outlives_its_socket_or_runtime() {
    // The first round opens whatever the process keeps for good (lazily initialised
    // libraries); only the rounds after it must leave the count where it was.
    workout();
    let before = open_fds();
    workout();
    workout();
    assert_eq!(open_fds(), before);
}
