//! TCP: listener, stream, halves and socket, on every flavour.

mod support;

use eddy::io::Interest;
use eddy::net::{TcpListener, TcpSocket, TcpStream};
use futures::{AsyncReadExt, AsyncWriteExt};
use std::future::poll_fn;
use std::io::{self, ErrorKind, IoSlice, IoSliceMut};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};
use support::{closed_port, fill_pseudo_random, run, Fnv};

/// A connected pair: (client, server).
async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

net_test! {
    #[test]
    fn echo_with_100_concurrent_connections() {
        run(&rt(), async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = eddy::spawn(async move {
                let mut echoes = Vec::new();
                for _ in 0..100 {
                    let (stream, _) = listener.accept().await.unwrap();
                    echoes.push(eddy::spawn(async move {
                        let (mut read, mut write) = stream.into_split();
                        futures::io::copy(&mut read, &mut write).await.unwrap()
                    }));
                }
                for echo in echoes {
                    assert_eq!(echo.await.unwrap(), 1000);
                }
            });
            let clients: Vec<_> = (0..100u32)
                .map(|i| {
                    eddy::spawn(async move {
                        let mut stream = TcpStream::connect(addr).await.unwrap();
                        let message: Vec<u8> =
                            (0..1000u32).map(|j| (i * 7 + j) as u8).collect();
                        stream.write_all(&message).await.unwrap();
                        stream.close().await.unwrap();
                        let mut echoed = Vec::new();
                        stream.read_to_end(&mut echoed).await.unwrap();
                        assert_eq!(echoed, message, "connection {i}");
                    })
                })
                .collect();
            for client in clients {
                client.await.unwrap();
            }
            server.await.unwrap();
        });
    }

    #[test]
    fn transfer_of_64_mib_arrives_intact() {
        const TOTAL: usize = 64 << 20;
        run(&rt(), async {
            let (mut client, mut server) = pair().await;
            let writer = eddy::spawn(async move {
                let mut hash = Fnv::new();
                let mut state = 0x9e37_79b9_7f4a_7c15u64;
                let mut chunk = vec![0u8; 64 * 1024 + 13]; // odd size: chunks straddle reads
                let mut sent = 0;
                while sent < TOTAL {
                    let len = chunk.len().min(TOTAL - sent);
                    fill_pseudo_random(&mut state, &mut chunk[..len]);
                    hash.update(&chunk[..len]);
                    client.write_all(&chunk[..len]).await.unwrap();
                    sent += len;
                }
                client.close().await.unwrap();
                hash.finish()
            });
            let mut hash = Fnv::new();
            let mut received = 0;
            let mut buf = vec![0u8; 32 * 1024];
            loop {
                let n = server.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                hash.update(&buf[..n]);
                received += n;
            }
            assert_eq!(received, TOTAL);
            assert_eq!(hash.finish(), writer.await.unwrap());
        });
    }

    #[test]
    fn half_close_ends_the_peers_reads_and_keeps_the_other_direction() {
        run(&rt(), async {
            let (mut client, mut server) = pair().await;
            client.write_all(b"abc").await.unwrap();
            client.close().await.unwrap();
            let mut got = Vec::new();
            server.read_to_end(&mut got).await.unwrap();
            assert_eq!(got, b"abc");
            assert_eq!(server.read(&mut [0; 8]).await.unwrap(), 0, "still at the end");
            // The other direction still works.
            server.write_all(b"xyz").await.unwrap();
            drop(server);
            let mut back = Vec::new();
            client.read_to_end(&mut back).await.unwrap();
            assert_eq!(back, b"xyz");
        });
    }

    #[test]
    fn connect_to_a_closed_port_is_refused() {
        run(&rt(), async {
            let err = TcpStream::connect(closed_port()).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
        });
    }

    #[test]
    fn binding_a_bound_address_fails_with_addr_in_use() {
        run(&rt(), async {
            let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let err = TcpListener::bind(first.local_addr().unwrap()).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
        });
    }

    #[test]
    fn connect_accepts_every_address_form() {
        run(&rt(), async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let port = addr.port();
            let accepting = eddy::spawn(async move {
                let mut peers = Vec::new();
                for _ in 0..11 {
                    peers.push(listener.accept().await.unwrap().1);
                }
                peers
            });
            let text = addr.to_string();
            let refused = closed_port();
            let mut locals = vec![
                TcpStream::connect(addr).await.unwrap(),
                TcpStream::connect(&addr).await.unwrap(),
                TcpStream::connect(text.as_str()).await.unwrap(),
                TcpStream::connect(text.clone()).await.unwrap(),
                TcpStream::connect(("127.0.0.1", port)).await.unwrap(),
                TcpStream::connect(("127.0.0.1".to_string(), port)).await.unwrap(),
                TcpStream::connect((IpAddr::V4(Ipv4Addr::LOCALHOST), port)).await.unwrap(),
                TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await.unwrap(),
                TcpStream::connect(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).await.unwrap(),
                // Each address is tried in turn: the refused one first.
                TcpStream::connect(&[refused, addr][..]).await.unwrap(),
                // A host name goes through the resolver (whichever of ::1 and 127.0.0.1 it
                // gives first, the listener's address is among them).
                TcpStream::connect(("localhost", port)).await.unwrap(),
            ]
            .into_iter()
            .map(|stream| stream.local_addr().unwrap())
            .collect::<Vec<_>>();
            let mut peers = accepting.await.unwrap();
            locals.sort();
            peers.sort();
            assert_eq!(locals, peers);
        });
    }

    #[test]
    fn connect_to_no_address_at_all_is_invalid_input() {
        run(&rt(), async {
            let err = TcpStream::connect(&[][..]).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            assert_eq!(err.to_string(), "could not resolve to any address");
            let err = TcpListener::bind("not an address").await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        });
    }

    #[test]
    fn lookup_host_resolves_literals_and_names() {
        run(&rt(), async {
            let addrs: Vec<SocketAddr> =
                eddy::net::lookup_host("127.0.0.1:80").await.unwrap().collect();
            assert_eq!(addrs, ["127.0.0.1:80".parse().unwrap()]);
            let addrs: Vec<SocketAddr> =
                eddy::net::lookup_host(("localhost", 80)).await.unwrap().collect();
            assert!(!addrs.is_empty());
            let loopback = |addr: &SocketAddr| addr.ip().is_loopback() && addr.port() == 80;
            assert!(addrs.iter().all(loopback), "{addrs:?}");
        });
    }

    #[test]
    fn borrowed_halves_read_and_write_at_once() {
        run(&rt(), async {
            let (mut client, mut server) = pair().await;
            let (mut read, mut write) = TcpStream::split(&mut client);
            assert_eq!(read.peer_addr().unwrap(), write.peer_addr().unwrap());
            let send = async {
                write.write_all(b"ping").await.unwrap();
                write.close().await.unwrap();
            };
            let echo = async {
                let mut buf = [0; 4];
                server.read_exact(&mut buf).await.unwrap();
                server.write_all(&buf).await.unwrap();
            };
            let receive = async {
                let mut buf = [0; 4];
                read.read_exact(&mut buf).await.unwrap();
                buf
            };
            let ((), (), got) = futures::join!(send, echo, receive);
            assert_eq!(&got, b"ping");
            assert_eq!(server.read(&mut [0; 4]).await.unwrap(), 0, "the write half was closed");
        });
    }

    #[test]
    fn owned_halves_move_to_tasks_and_reunite() {
        run(&rt(), async {
            let (client, mut server) = pair().await;
            let local = client.local_addr().unwrap();
            let (mut read, mut write) = client.into_split();
            let writer = eddy::spawn(async move {
                write.write_all(b"from a task").await.unwrap();
                write
            });
            let mut buf = [0; 11];
            server.read_exact(&mut buf).await.unwrap();
            server.write_all(b"back").await.unwrap();
            let mut back = [0; 4];
            read.read_exact(&mut back).await.unwrap();
            assert_eq!(&back, b"back");
            let client = read.reunite(writer.await.unwrap()).unwrap();
            assert_eq!(client.local_addr().unwrap(), local);
        });
    }

    #[test]
    fn reuniting_halves_of_different_streams_fails_and_hands_them_back() {
        run(&rt(), async {
            let (a, _a_peer) = pair().await;
            let (b, _b_peer) = pair().await;
            let (a_read, a_write) = a.into_split();
            let (b_read, b_write) = b.into_split();
            let err = a_read.reunite(b_write).unwrap_err();
            let message = "tried to reunite halves that are not from the same socket";
            assert_eq!(err.to_string(), message);
            let eddy::net::tcp::ReuniteError(a_read, b_write) = err;
            a_write.reunite(a_read).unwrap();
            b_write.reunite(b_read).unwrap();
        });
    }

    #[test]
    fn dropping_the_owned_write_half_shuts_down_but_forget_does_not() {
        run(&rt(), async {
            let (client, mut server) = pair().await;
            let (_read, write) = client.into_split();
            drop(write);
            assert_eq!(server.read(&mut [0; 4]).await.unwrap(), 0);

            let (client, mut server) = pair().await;
            let (read, write) = client.into_split();
            write.forget();
            // Still open: the server's read would wait. A non-blocking look proves it.
            assert_eq!(server.try_read(&mut [0; 4]).unwrap_err().kind(), ErrorKind::WouldBlock);
            drop(read);
            assert_eq!(server.read(&mut [0; 4]).await.unwrap(), 0);
        });
    }

    #[test]
    fn try_read_and_try_write_after_readiness() {
        run(&rt(), async {
            let (client, server) = pair().await;
            assert_eq!(server.try_read(&mut [0; 8]).unwrap_err().kind(), ErrorKind::WouldBlock);
            client.writable().await.unwrap();
            assert_eq!(client.try_write(b"hello").unwrap(), 5);
            let n = client
                .try_write_vectored(&[IoSlice::new(b" "), IoSlice::new(b"world")])
                .unwrap();
            assert_eq!(n, 6);
            let mut got: Vec<u8> = Vec::new();
            while got.len() < 11 {
                server.readable().await.unwrap();
                let mut first = [0; 3];
                let mut rest = [0; 16];
                let mut bufs = [IoSliceMut::new(&mut first), IoSliceMut::new(&mut rest)];
                match server.try_read_vectored(&mut bufs) {
                    Ok(n) => got.extend(first.iter().chain(rest.iter()).take(n)),
                    Err(err) if err.kind() == ErrorKind::WouldBlock => continue,
                    Err(err) => panic!("{err}"),
                }
            }
            assert_eq!(got, b"hello world");
            let ready = server.ready(Interest::READABLE | Interest::WRITABLE).await.unwrap();
            assert!(ready.is_writable());
        });
    }

    #[test]
    fn try_write_fills_the_buffer_then_would_block_until_the_peer_reads() {
        run(&rt(), async {
            let (client, mut server) = pair().await;
            let chunk = [7u8; 64 * 1024];
            let mut written = 0;
            loop {
                match client.try_write(&chunk) {
                    Ok(n) => written += n,
                    Err(err) if err.kind() == ErrorKind::WouldBlock => break,
                    Err(err) => panic!("{err}"),
                }
            }
            let drain = eddy::spawn(async move {
                let mut buf = vec![0; 64 * 1024];
                let mut total = 0;
                loop {
                    let n = server.read(&mut buf).await.unwrap();
                    if n == 0 {
                        return total;
                    }
                    total += n;
                }
            });
            client.writable().await.unwrap();
            // `async_io` retries the operation each time the socket turns writable.
            written += client
                .async_io(Interest::WRITABLE, || client.try_write(&chunk))
                .await
                .unwrap();
            drop(client);
            assert_eq!(drain.await.unwrap(), written);
        });
    }

    #[test]
    fn peek_leaves_the_bytes_for_the_next_read() {
        run(&rt(), async {
            let (mut client, mut server) = pair().await;
            client.write_all(b"peekaboo").await.unwrap();
            let mut buf = [0; 8];
            let mut seen = 0;
            while seen < 8 {
                seen = server.peek(&mut buf).await.unwrap();
            }
            assert_eq!(&buf, b"peekaboo");
            let n = poll_fn(|cx| server.poll_peek(cx, &mut buf[..4])).await.unwrap();
            assert_eq!(&buf[..n], b"peek");
            let mut read = [0; 8];
            server.read_exact(&mut read).await.unwrap();
            assert_eq!(&read, b"peekaboo");
        });
    }

    #[test]
    fn poll_ready_forms() {
        run(&rt(), async {
            let (mut client, server) = pair().await;
            poll_fn(|cx| client.poll_write_ready(cx)).await.unwrap();
            client.write_all(b"x").await.unwrap();
            poll_fn(|cx| server.poll_read_ready(cx)).await.unwrap();
            assert_eq!(server.try_read(&mut [0; 1]).unwrap(), 1);
        });
    }

    #[test]
    fn poll_accept_accepts() {
        run(&rt(), async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
            let (server, peer) = poll_fn(|cx| listener.poll_accept(cx)).await.unwrap();
            assert_eq!(peer, client.local_addr().unwrap());
            assert_eq!(server.peer_addr().unwrap(), peer);
        });
    }

    #[test]
    fn options_round_trip() {
        run(&rt(), async {
            let (client, _server) = pair().await;
            client.set_nodelay(true).unwrap();
            assert!(client.nodelay().unwrap());
            client.set_ttl(42).unwrap();
            assert_eq!(client.ttl().unwrap(), 42);
            assert_eq!(client.linger().unwrap(), None);
            client.set_zero_linger().unwrap();
            assert_eq!(client.linger().unwrap(), Some(std::time::Duration::ZERO));
            #[allow(deprecated)]
            client.set_linger(None).unwrap();
            assert_eq!(client.linger().unwrap(), None);
            assert!(client.take_error().unwrap().is_none());
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            listener.set_ttl(7).unwrap();
            assert_eq!(listener.ttl().unwrap(), 7);
        });
    }

    #[test]
    fn zero_linger_resets_and_shutdown_after_a_reset_is_fine() {
        run(&rt(), async {
            let (mut client, server) = pair().await;
            server.set_zero_linger().unwrap();
            drop(server);
            let err = client.read(&mut [0; 8]).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
            // The write side is as closed as it gets: shutting it down succeeds, twice.
            client.close().await.unwrap();
            client.close().await.unwrap();
        });
    }

    #[test]
    fn std_conversions_round_trip() {
        run(&rt(), async {
            let (client, server) = pair().await;
            let std_client = client.into_std().unwrap();
            let client = TcpStream::from_std(std_client).unwrap();
            let std_server: std::net::TcpStream = server.into_std().unwrap();
            let mut server = TcpStream::try_from(std_server).unwrap();
            let mut client = client;
            client.write_all(b"still connected").await.unwrap();
            client.close().await.unwrap();
            let mut got = String::new();
            server.read_to_string(&mut got).await.unwrap();
            assert_eq!(got, "still connected");

            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let listener = TcpListener::try_from(listener.into_std().unwrap()).unwrap();
            let _client = TcpStream::connect(addr).await.unwrap();
            listener.accept().await.unwrap();
        });
    }

    #[test]
    fn tcp_socket_binds_listens_and_connects() {
        run(&rt(), async {
            let socket = TcpSocket::new_v4().unwrap();
            socket.set_reuseaddr(true).unwrap();
            assert!(socket.reuseaddr().unwrap());
            socket.set_reuseport(true).unwrap();
            assert!(socket.reuseport().unwrap());
            socket.set_keepalive(true).unwrap();
            assert!(socket.keepalive().unwrap());
            socket.set_recv_buffer_size(64 * 1024).unwrap();
            assert!(socket.recv_buffer_size().unwrap() >= 64 * 1024);
            socket.set_send_buffer_size(64 * 1024).unwrap();
            assert!(socket.send_buffer_size().unwrap() >= 64 * 1024);
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let addr = socket.local_addr().unwrap();
            let listener = socket.listen(16).unwrap();
            assert_eq!(listener.local_addr().unwrap(), addr);

            let client = TcpSocket::new_v4().unwrap();
            client.set_nodelay(true).unwrap();
            client.set_zero_linger().unwrap();
            client.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let from = client.local_addr().unwrap();
            let stream = client.connect(addr).await.unwrap();
            assert_eq!(stream.local_addr().unwrap(), from);
            assert!(stream.nodelay().unwrap());
            let (_server, peer) = listener.accept().await.unwrap();
            assert_eq!(peer, from);

            let refused = TcpSocket::new_v4().unwrap().connect(closed_port()).await.unwrap_err();
            assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);

            let back = TcpSocket::from_std_stream(stream.into_std().unwrap());
            assert!(back.nodelay().unwrap());
        });
    }

    #[test]
    fn ipv6_loopback_when_available() {
        run(&rt(), async {
            let listener = match TcpListener::bind("[::1]:0").await {
                Ok(listener) => listener,
                // No IPv6 on this machine: nothing to test.
                Err(err) if err.kind() == ErrorKind::AddrNotAvailable => return,
                Err(err) => panic!("{err}"),
            };
            let addr = listener.local_addr().unwrap();
            let client = TcpSocket::new_v6().unwrap().connect(addr).await.unwrap();
            let (server, peer) = listener.accept().await.unwrap();
            assert_eq!(peer, client.local_addr().unwrap());
            assert_eq!(server.local_addr().unwrap(), addr);
        });
    }

    #[test]
    fn a_stream_reads_after_many_ready_cycles() -> io::Result<()> {
        // Readiness is cleared on every WouldBlock and set again by the next event: a trickle
        // of single bytes exercises that cycle many times.
        run(&rt(), async {
            let (mut client, mut server) = pair().await;
            let reader = eddy::spawn(async move {
                let mut got = Vec::new();
                let mut byte = [0; 1];
                while server.read(&mut byte).await? == 1 {
                    got.push(byte[0]);
                }
                io::Result::Ok(got)
            });
            for i in 0..200u8 {
                client.write_all(&[i]).await?;
                eddy::task::yield_now().await;
            }
            client.close().await?;
            assert_eq!(reader.await.unwrap()?, (0..200u8).collect::<Vec<_>>());
            Ok(())
        })
    }
}
