//! Unix domain sockets: streams, datagrams, sockets, addresses and credentials, on every
//! flavour. Socket files live under the temp dir with unique names and are removed afterwards.

#![cfg(unix)]

mod support;

use eddy::io::Interest;
use eddy::net::{UnixDatagram, UnixListener, UnixSocket, UnixStream};
use futures::{AsyncReadExt, AsyncWriteExt};
use std::future::poll_fn;
use std::io::ErrorKind;
use std::os::unix::fs::MetadataExt;
use support::{run, TempPath};

net_test! {
    #[test]
    fn listener_accepts_and_streams_echo() {
        run(&rt(), async {
            let path = TempPath::new("echo");
            let listener = UnixListener::bind(&path).unwrap();
            assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(&*path));
            let server = eddy::spawn(async move {
                for _ in 0..10 {
                    let (stream, peer) = listener.accept().await.unwrap();
                    assert!(peer.is_unnamed());
                    eddy::spawn(async move {
                        let (mut read, mut write) = stream.into_split();
                        futures::io::copy(&mut read, &mut write).await.unwrap();
                    });
                }
            });
            let mut clients = Vec::new();
            for i in 0..10u8 {
                let path = path.to_path_buf();
                clients.push(eddy::spawn(async move {
                    let mut stream = UnixStream::connect(&path).await.unwrap();
                    assert_eq!(stream.peer_addr().unwrap().as_pathname(), Some(&*path));
                    stream.write_all(&[i; 100]).await.unwrap();
                    stream.close().await.unwrap();
                    let mut back = Vec::new();
                    stream.read_to_end(&mut back).await.unwrap();
                    assert_eq!(back, [i; 100]);
                }));
            }
            for client in clients {
                client.await.unwrap();
            }
            server.await.unwrap();
        });
    }

    #[test]
    fn connecting_to_nothing_fails() {
        run(&rt(), async {
            let path = TempPath::new("nothing");
            let err = UnixStream::connect(&path).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        });
    }

    #[test]
    fn binding_an_existing_path_fails_with_addr_in_use() {
        run(&rt(), async {
            let path = TempPath::new("in-use");
            let _first = UnixListener::bind(&path).unwrap();
            let err = UnixListener::bind(&path).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
        });
    }

    #[test]
    fn pair_half_close_and_credentials() {
        run(&rt(), async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            assert!(a.local_addr().unwrap().is_unnamed());
            a.write_all(b"abc").await.unwrap();
            a.close().await.unwrap();
            let mut got = Vec::new();
            b.read_to_end(&mut got).await.unwrap();
            assert_eq!(got, b"abc");
            b.write_all(b"back").await.unwrap();
            drop(b);
            let mut back = Vec::new();
            a.read_to_end(&mut back).await.unwrap();
            assert_eq!(back, b"back");

            let cred = a.peer_cred().unwrap();
            assert_eq!(cred.pid(), Some(std::process::id() as i32));
            // The kernel recorded our own ids; a file we create carries them too.
            let path = TempPath::new("cred");
            let _listener = UnixListener::bind(&path).unwrap();
            let meta = std::fs::metadata(&path).unwrap();
            assert_eq!((cred.uid(), cred.gid()), (meta.uid(), meta.gid()));
        });
    }

    #[test]
    fn split_halves_and_reunite() {
        run(&rt(), async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            {
                let (mut read, mut write) = UnixStream::split(&mut a);
                let send = async { write.write_all(b"ping").await.unwrap() };
                let echo = async {
                    let mut buf = [0; 4];
                    b.read_exact(&mut buf).await.unwrap();
                    b.write_all(&buf).await.unwrap();
                };
                let receive = async {
                    let mut buf = [0; 4];
                    read.read_exact(&mut buf).await.unwrap();
                    buf
                };
                let ((), (), got) = futures::join!(send, echo, receive);
                assert_eq!(&got, b"ping");
            }
            let (read, write) = a.into_split();
            let (other, _peer) = UnixStream::pair().unwrap();
            let (other_read, other_write) = other.into_split();
            let err = read.reunite(other_write).unwrap_err();
            let eddy::net::unix::ReuniteError(read, other_write) = err;
            let _a = write.reunite(read).unwrap();
            let _other = other_read.reunite(other_write).unwrap();
        });
    }

    #[test]
    fn dropping_the_owned_write_half_shuts_down() {
        run(&rt(), async {
            let (a, mut b) = UnixStream::pair().unwrap();
            let (_read, write) = a.into_split();
            drop(write);
            assert_eq!(b.read(&mut [0; 4]).await.unwrap(), 0);
        });
    }

    #[test]
    fn stream_try_forms_and_readiness() {
        run(&rt(), async {
            let (a, b) = UnixStream::pair().unwrap();
            assert_eq!(b.try_read(&mut [0; 4]).unwrap_err().kind(), ErrorKind::WouldBlock);
            a.writable().await.unwrap();
            assert_eq!(a.try_write(b"hey").unwrap(), 3);
            poll_fn(|cx| b.poll_read_ready(cx)).await.unwrap();
            let ready = b.ready(Interest::READABLE).await.unwrap();
            assert!(ready.is_readable());
            let mut buf = [0; 8];
            let n = b.async_io(Interest::READABLE, || b.try_read(&mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"hey");
            poll_fn(|cx| a.poll_write_ready(cx)).await.unwrap();
            let slices = [std::io::IoSlice::new(b"a"), std::io::IoSlice::new(b"b")];
            assert_eq!(a.try_write_vectored(&slices).unwrap(), 2);
            b.readable().await.unwrap();
            let mut one = [0; 1];
            let mut two = [0; 1];
            let mut bufs = [std::io::IoSliceMut::new(&mut one), std::io::IoSliceMut::new(&mut two)];
            assert_eq!(b.try_read_vectored(&mut bufs).unwrap(), 2);
            assert_eq!((one, two), ([b'a'], [b'b']));
        });
    }

    #[test]
    fn std_conversions_round_trip() {
        run(&rt(), async {
            let (a, b) = UnixStream::pair().unwrap();
            let mut a = UnixStream::from_std(a.into_std().unwrap()).unwrap();
            let mut b = UnixStream::try_from(b.into_std().unwrap()).unwrap();
            a.write_all(b"x").await.unwrap();
            b.read_exact(&mut [0; 1]).await.unwrap();

            let path = TempPath::new("std-listener");
            let listener = UnixListener::bind(&path).unwrap();
            let listener = UnixListener::try_from(listener.into_std().unwrap()).unwrap();
            let _client = UnixStream::connect(&path).await.unwrap();
            poll_fn(|cx| listener.poll_accept(cx)).await.unwrap();
        });
    }

    #[test]
    fn datagrams_between_bound_sockets() {
        run(&rt(), async {
            let (path_a, path_b) = (TempPath::new("dgram-a"), TempPath::new("dgram-b"));
            let a = UnixDatagram::bind(&path_a).unwrap();
            let b = UnixDatagram::bind(&path_b).unwrap();
            assert_eq!(a.send_to(b"to b", &path_b).await.unwrap(), 4);
            let mut buf = [0; 16];
            let (n, from) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"to b");
            assert_eq!(from.as_pathname(), Some(&*path_a));
            b.send_to(b"to a", from.as_pathname().unwrap()).await.unwrap();
            assert_eq!(a.recv(&mut buf).await.unwrap(), 4);
        });
    }

    #[test]
    fn unbound_datagram_connects_and_sends() {
        run(&rt(), async {
            let path = TempPath::new("dgram-server");
            let server = UnixDatagram::bind(&path).unwrap();
            let client = UnixDatagram::unbound().unwrap();
            client.connect(&path).unwrap();
            assert_eq!(client.peer_addr().unwrap().as_pathname(), Some(&*path));
            client.send(b"hi").await.unwrap();
            let mut buf = [0; 4];
            let (n, from) = server.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"hi");
            assert!(from.is_unnamed());
        });
    }

    #[test]
    fn datagram_try_and_poll_forms() {
        run(&rt(), async {
            let (a, b) = UnixDatagram::pair().unwrap();
            let mut buf = [0; 8];
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            a.writable().await.unwrap();
            assert_eq!(a.try_send(b"one").unwrap(), 3);
            poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
            poll_fn(|cx| a.poll_send(cx, b"two")).await.unwrap();
            poll_fn(|cx| b.poll_recv_ready(cx)).await.unwrap();
            let n = loop {
                match b.try_recv(&mut buf) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == ErrorKind::WouldBlock => b.readable().await.unwrap(),
                    Err(err) => panic!("{err}"),
                }
            };
            assert_eq!(&buf[..n], b"one");
            let (n, from) = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"two");
            assert!(from.is_unnamed());
            a.send(b"three").await.unwrap();
            let n = poll_fn(|cx| b.poll_recv(cx, &mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"three");

            let path = TempPath::new("dgram-try");
            let target = UnixDatagram::bind(&path).unwrap();
            let free = UnixDatagram::unbound().unwrap();
            free.writable().await.unwrap();
            assert_eq!(free.try_send_to(b"t", &path).unwrap(), 1);
            poll_fn(|cx| free.poll_send_to(cx, b"u", &path)).await.unwrap();
            target.readable().await.unwrap();
            let (n, _) = target.try_recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"t");
            let ready = target.ready(Interest::READABLE).await.unwrap();
            assert!(ready.is_readable());
            let recv = || target.try_recv(&mut buf);
            let n = target.async_io(Interest::READABLE, recv).await.unwrap();
            assert_eq!(&buf[..n], b"u");
        });
    }

    #[test]
    fn datagram_shutdown_and_std_round_trip() {
        run(&rt(), async {
            let (a, b) = UnixDatagram::pair().unwrap();
            let a = UnixDatagram::try_from(a.into_std().unwrap()).unwrap();
            a.send(b"x").await.unwrap();
            assert_eq!(b.recv(&mut [0; 1]).await.unwrap(), 1);
            a.shutdown(std::net::Shutdown::Write).unwrap();
            let err = a.send(b"y").await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::BrokenPipe, "{err}");
            assert!(a.take_error().unwrap().is_none());
        });
    }

    #[test]
    fn unix_socket_becomes_listener_stream_or_datagram() {
        run(&rt(), async {
            let path = TempPath::new("socket");
            let socket = UnixSocket::new_stream().unwrap();
            socket.bind(&path).unwrap();
            let listener = socket.listen(16).unwrap();
            let client = UnixSocket::new_stream().unwrap().connect(&path).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            drop((client, server));

            let dgram_path = TempPath::new("socket-dgram");
            let socket = UnixSocket::new_datagram().unwrap();
            socket.bind(&dgram_path).unwrap();
            let dgram = socket.datagram().unwrap();
            UnixDatagram::unbound().unwrap().send_to(b"d", &dgram_path).await.unwrap();
            assert_eq!(dgram.recv(&mut [0; 1]).await.unwrap(), 1);

            let err = UnixSocket::new_datagram().unwrap().listen(1).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            let err = UnixSocket::new_datagram().unwrap().connect(&path).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            let err = UnixSocket::new_stream().unwrap().datagram().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn abstract_names() {
        use std::os::linux::net::SocketAddrExt;
        run(&rt(), async {
            let name = format!("eddy-abstract-{}-{}", std::process::id(), module_path!());
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
            let listener = UnixListener::bind_addr(&addr).unwrap();
            assert_eq!(listener.local_addr().unwrap().as_abstract_name(), Some(name.as_bytes()));
            let client = UnixStream::connect_addr(&addr).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            assert_eq!(client.peer_addr().unwrap().as_abstract_name(), Some(name.as_bytes()));
            drop(server);
        });
    }
}
