//! A TCP echo server: every connection gets back what it sends.
//!
//! ```text
//! cargo run --release --example echo -- 127.0.0.1:8080
//! ```
//!
//! Try it with `nc 127.0.0.1 8080`. The address defaults to `127.0.0.1:8080`.

use eddy::net::TcpListener;
use futures::io::{AsyncReadExt, AsyncWriteExt};

#[eddy::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("echo server listening on {}", listener.local_addr()?);
    loop {
        let (mut socket, peer) = listener.accept().await?;
        eddy::spawn(async move {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let n = match socket.read(&mut buf).await {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(err) => {
                        eprintln!("{peer}: read failed: {err}");
                        break;
                    }
                };
                if let Err(err) = socket.write_all(&buf[..n]).await {
                    eprintln!("{peer}: write failed: {err}");
                    break;
                }
            }
        });
    }
}
