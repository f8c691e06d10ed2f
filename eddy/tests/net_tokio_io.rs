//! Tokio's `AsyncRead`/`AsyncWrite` on eddy's streams (feature `tokio-io`):
//! `cargo test -p eddy --features tokio-io --test net_tokio_io`.

#![cfg(all(feature = "tokio-io", unix))]

mod support;

use eddy::net::{TcpListener, TcpStream, UnixStream};
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use support::run;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

async fn write_all<W: AsyncWrite + Unpin>(writer: &mut W, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *writer).poll_write(cx, buf)).await?;
        buf = &buf[n..];
    }
    Ok(())
}

async fn shutdown<W: AsyncWrite + Unpin>(writer: &mut W) -> io::Result<()> {
    poll_fn(|cx| Pin::new(&mut *writer).poll_shutdown(cx)).await
}

async fn read_to_end<R: AsyncRead + Unpin>(reader: &mut R) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut storage = [0u8; 7]; // small: many reads, each filling part of a reused ReadBuf
    loop {
        let mut buf = ReadBuf::new(&mut storage);
        poll_fn(|cx| Pin::new(&mut *reader).poll_read(cx, &mut buf)).await?;
        if buf.filled().is_empty() {
            return Ok(out);
        }
        out.extend_from_slice(buf.filled());
    }
}

net_test! {
    #[test]
    fn tcp_streams_and_halves_through_tokio_traits() {
        run(&rt(), async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            assert!(client.is_write_vectored());
            write_all(&mut client, b"through tokio's traits").await.unwrap();
            shutdown(&mut client).await.unwrap();
            let (mut read, mut write) = server.into_split();
            assert_eq!(read_to_end(&mut read).await.unwrap(), b"through tokio's traits");
            write_all(&mut write, b"back").await.unwrap();
            drop(write);
            let (mut client_read, _client_write) = TcpStream::split(&mut client);
            assert_eq!(read_to_end(&mut client_read).await.unwrap(), b"back");
        });
    }

    #[test]
    fn unix_streams_and_halves_through_tokio_traits() {
        run(&rt(), async {
            let (mut a, b) = UnixStream::pair().unwrap();
            write_all(&mut a, b"unix").await.unwrap();
            shutdown(&mut a).await.unwrap();
            let (mut read, _write) = b.into_split();
            assert_eq!(read_to_end(&mut read).await.unwrap(), b"unix");
        });
    }
}
