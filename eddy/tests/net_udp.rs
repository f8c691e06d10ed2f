//! UDP: every send/receive form, on every flavour, and the coop budget of a busy socket.

mod support;

use eddy::io::Interest;
use eddy::net::UdpSocket;
use std::future::poll_fn;
use std::io::ErrorKind;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use support::run;

async fn bound() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").await.unwrap()
}

net_test! {
    #[test]
    fn send_to_and_recv_from_round_trip() {
        run(&rt(), async {
            let (a, b) = (bound().await, bound().await);
            let b_addr = b.local_addr().unwrap();
            for i in 0..100u8 {
                assert_eq!(a.send_to(&[i; 10], b_addr).await.unwrap(), 10);
                let mut buf = [0; 32];
                let (n, from) = b.recv_from(&mut buf).await.unwrap();
                assert_eq!((&buf[..n], from), (&[i; 10][..], a.local_addr().unwrap()));
                b.send_to(&buf[..n], from).await.unwrap();
                let (n, _) = a.recv_from(&mut buf).await.unwrap();
                assert_eq!(&buf[..n], &[i; 10]);
            }
        });
    }

    #[test]
    fn connected_send_and_recv() {
        run(&rt(), async {
            let (a, b) = (bound().await, bound().await);
            a.connect(b.local_addr().unwrap()).await.unwrap();
            b.connect(a.local_addr().unwrap()).await.unwrap();
            assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
            a.send(b"hello").await.unwrap();
            let mut buf = [0; 8];
            let n = b.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"hello");
            // A datagram longer than the buffer is cut to it.
            b.send(b"longer than four").await.unwrap();
            let mut small = [0; 4];
            assert_eq!(a.recv(&mut small).await.unwrap(), 4);
            assert_eq!(&small, b"long");
        });
    }

    #[test]
    fn connect_and_send_to_take_any_address_form() {
        run(&rt(), async {
            let (a, b) = (bound().await, bound().await);
            let port = b.local_addr().unwrap().port();
            a.send_to(b"1", ("127.0.0.1", port)).await.unwrap();
            a.send_to(b"2", format!("127.0.0.1:{port}")).await.unwrap();
            a.send_to(b"3", ("localhost".to_string(), port)).await.ok(); // ::1 if it comes first
            a.connect(("127.0.0.1", port)).await.unwrap();
            a.send(b"4").await.unwrap();
            let mut got = Vec::new();
            let mut buf = [0; 1];
            while got.len() < 3 {
                b.recv(&mut buf).await.unwrap();
                if buf[0] != b'3' {
                    got.push(buf[0]);
                }
            }
            assert_eq!(got, b"124");
            let err = a.send_to(b"x", &[][..]).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput);
            assert_eq!(err.to_string(), "no addresses to send data to");
        });
    }

    #[test]
    fn try_forms_would_block_when_nothing_is_there() {
        run(&rt(), async {
            let (a, b) = (bound().await, bound().await);
            let mut buf = [0; 8];
            assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            assert_eq!(b.try_peek_from(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            assert_eq!(b.try_peek_sender().unwrap_err().kind(), ErrorKind::WouldBlock);
            a.writable().await.unwrap();
            assert_eq!(a.try_send_to(b"abc", b.local_addr().unwrap()).unwrap(), 3);
            loop {
                b.readable().await.unwrap();
                match b.try_peek_sender() {
                    Ok(from) => {
                        assert_eq!(from, a.local_addr().unwrap());
                        break;
                    }
                    Err(err) if err.kind() == ErrorKind::WouldBlock => continue,
                    Err(err) => panic!("{err}"),
                }
            }
            assert_eq!(b.try_peek_from(&mut buf).unwrap().0, 3);
            let (n, from) = b.try_recv_from(&mut buf).unwrap();
            assert_eq!((&buf[..n], from), (&b"abc"[..], a.local_addr().unwrap()));

            a.connect(b.local_addr().unwrap()).await.unwrap();
            b.connect(a.local_addr().unwrap()).await.unwrap();
            assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), ErrorKind::WouldBlock);
            assert_eq!(a.try_send(b"xy").unwrap(), 2);
            let ready = b.ready(Interest::READABLE).await.unwrap();
            assert!(ready.is_readable());
            let n = loop {
                match b.try_peek(&mut buf) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == ErrorKind::WouldBlock => b.readable().await.unwrap(),
                    Err(err) => panic!("{err}"),
                }
            };
            assert_eq!(&buf[..n], b"xy");
            assert_eq!(b.try_recv(&mut buf).unwrap(), 2);
        });
    }

    #[test]
    fn peek_forms_leave_the_datagram() {
        run(&rt(), async {
            let (a, b) = (bound().await, bound().await);
            a.send_to(b"peek", b.local_addr().unwrap()).await.unwrap();
            assert_eq!(b.peek_sender().await.unwrap(), a.local_addr().unwrap());
            let mut buf = [0; 8];
            let (n, from) = b.peek_from(&mut buf).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"peek"[..], a.local_addr().unwrap()));
            let (n, _) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"peek");

            b.connect(a.local_addr().unwrap()).await.unwrap();
            a.send_to(b"again", b.local_addr().unwrap()).await.unwrap();
            let n = b.peek(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"again");
            assert_eq!(b.recv(&mut buf).await.unwrap(), 5);
        });
    }

    #[test]
    fn poll_forms() {
        run(&rt(), async {
            let (a, b) = (bound().await, bound().await);
            let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
            poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
            let sent = poll_fn(|cx| a.poll_send_to(cx, b"one", b_addr)).await.unwrap();
            assert_eq!(sent, 3);
            poll_fn(|cx| b.poll_recv_ready(cx)).await.unwrap();
            let mut buf = [0; 8];
            assert_eq!(poll_fn(|cx| b.poll_peek_sender(cx)).await.unwrap(), a_addr);
            let (n, from) = poll_fn(|cx| b.poll_peek_from(cx, &mut buf)).await.unwrap();
            assert_eq!((n, from), (3, a_addr));
            let (n, from) = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await.unwrap();
            assert_eq!((&buf[..n], from), (&b"one"[..], a_addr));

            a.connect(b_addr).await.unwrap();
            b.connect(a_addr).await.unwrap();
            poll_fn(|cx| a.poll_send(cx, b"two")).await.unwrap();
            let n = poll_fn(|cx| b.poll_peek(cx, &mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"two");
            let n = poll_fn(|cx| b.poll_recv(cx, &mut buf)).await.unwrap();
            assert_eq!(&buf[..n], b"two");
        });
    }

    #[test]
    fn a_shared_socket_sends_from_one_task_and_receives_in_another() {
        run(&rt(), async {
            let socket = Arc::new(bound().await);
            let peer = bound().await;
            let peer_addr = peer.local_addr().unwrap();
            socket.connect(peer_addr).await.unwrap();
            peer.connect(socket.local_addr().unwrap()).await.unwrap();
            let receiver = {
                let socket = socket.clone();
                eddy::spawn(async move {
                    let mut sum = 0u64;
                    let mut buf = [0; 8];
                    for _ in 0..50 {
                        let n = socket.recv(&mut buf).await.unwrap();
                        sum += u64::from_le_bytes(buf[..n].try_into().unwrap());
                    }
                    sum
                })
            };
            let echo = eddy::spawn(async move {
                let mut buf = [0; 8];
                for _ in 0..50 {
                    let n = peer.recv(&mut buf).await.unwrap();
                    peer.send(&buf[..n]).await.unwrap();
                }
            });
            for i in 0..50u64 {
                socket.send(&i.to_le_bytes()).await.unwrap();
            }
            echo.await.unwrap();
            assert_eq!(receiver.await.unwrap(), (0..50).sum::<u64>());
        });
    }

    #[test]
    fn options_round_trip() {
        run(&rt(), async {
            let socket = bound().await;
            socket.set_broadcast(true).unwrap();
            assert!(socket.broadcast().unwrap());
            socket.set_multicast_loop_v4(false).unwrap();
            assert!(!socket.multicast_loop_v4().unwrap());
            socket.set_multicast_ttl_v4(3).unwrap();
            assert_eq!(socket.multicast_ttl_v4().unwrap(), 3);
            socket.set_ttl(9).unwrap();
            assert_eq!(socket.ttl().unwrap(), 9);
            socket.set_tos_v4(0x10).unwrap();
            assert_eq!(socket.tos_v4().unwrap(), 0x10);
            assert_eq!(socket.device().unwrap(), None);
            assert!(socket.take_error().unwrap().is_none());
            assert_eq!(socket.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
            if let Ok(v6) = UdpSocket::bind("[::1]:0").await {
                v6.set_multicast_loop_v6(false).unwrap();
                v6.set_tclass_v6(0x20).unwrap();
                assert_eq!(v6.tclass_v6().unwrap(), 0x20);
                assert!(!v6.multicast_loop_v6().unwrap());
            }
        });
    }

    #[test]
    fn multicast_membership_when_the_machine_has_a_route() {
        run(&rt(), async {
            let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).await.unwrap();
            let group = Ipv4Addr::new(239, 255, 42, 99);
            // Containers without a multicast route refuse to join: nothing to test there.
            if socket.join_multicast_v4(group, Ipv4Addr::LOCALHOST).is_ok() {
                socket.leave_multicast_v4(group, Ipv4Addr::LOCALHOST).unwrap();
            }
        });
    }

    #[test]
    fn std_conversions_round_trip() {
        run(&rt(), async {
            let (a, b) = (bound().await, bound().await);
            let b_addr = b.local_addr().unwrap();
            let a = UdpSocket::try_from(a.into_std().unwrap()).unwrap();
            let std_b = b.into_std().unwrap();
            let b = UdpSocket::from_std(std_b).unwrap();
            a.send_to(b"x", b_addr).await.unwrap();
            assert_eq!(b.recv_from(&mut [0; 1]).await.unwrap().1, a.local_addr().unwrap());
        });
    }

    #[test]
    fn async_io_runs_an_operation_until_it_does_not_block() {
        run(&rt(), async {
            let (a, b) = (bound().await, bound().await);
            let b_addr = b.local_addr().unwrap();
            let sender = eddy::spawn(async move {
                a.send_to(b"late", b_addr).await.unwrap();
            });
            let mut buf = [0; 8];
            let n = b
                .async_io(Interest::READABLE, || b.try_recv_from(&mut buf).map(|(n, _)| n))
                .await
                .unwrap();
            assert_eq!(&buf[..n], b"late");
            sender.await.unwrap();
        });
    }
}

/// A loop that always finds its socket ready must still yield: every readiness poll spends the
/// coop budget (128 per task poll), so another task on the same thread gets to run.
#[test]
fn a_busy_socket_loop_yields_to_other_tasks() {
    let rt = eddy::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    run(&rt, async {
        let (a, b) = (bound().await, bound().await);
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        let ticks = Arc::new(AtomicUsize::new(0));
        let counter = {
            let ticks = ticks.clone();
            eddy::spawn(async move {
                loop {
                    ticks.fetch_add(1, Ordering::Relaxed);
                    eddy::task::yield_now().await;
                }
            })
        };
        // Let the counter start, then spin: each round trip spends two budget units and, on
        // loopback, never waits.
        eddy::task::yield_now().await;
        let before = ticks.load(Ordering::Relaxed);
        let mut buf = [0; 4];
        for i in 0..1000u32 {
            a.send(&i.to_le_bytes()).await.unwrap();
            b.recv(&mut buf).await.unwrap();
        }
        let yielded = ticks.load(Ordering::Relaxed) - before;
        counter.abort();
        // 2000 budget units at 128 per poll: the loop was cut at least a dozen times.
        assert!(yielded >= 10, "the loop yielded only {yielded} times");
    });
}
