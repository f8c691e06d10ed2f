//! The TCP workloads over loopback: written once for the crates with Tokio's API (eddy with its
//! `tokio-io` feature, and tokio), and once for smol.
//!
//! Connections are made when the `Runner` is built, outside the timed region: an iteration
//! measures round trips (`tcp_echo`) or bulk transfer (`tcp_stream`) on connections that exist.
//! The peers run on the runtime under test too, as in a real server with its clients.

use std::sync::Arc;

use smol::io::{AsyncReadExt as _, AsyncWriteExt as _};
use smol::net::{TcpListener, TcpStream};
use smol::{Executor, Task};

use crate::smol_mt::Pool;
use crate::suite::{
    Runner, ECHO_CONNECTIONS, ECHO_MESSAGE, ECHO_ROUND_TRIPS, STREAM_BYTES, STREAM_CHUNK,
};

/// Instantiates the TCP workloads for a crate with Tokio's API.
macro_rules! tokio_api_tcp {
    ($module:ident, $krate:ident) => {
        #[doc = concat!("TCP workloads on `", stringify!($krate), "`.")]
        pub(crate) mod $module {
            use ::tokio::io::{AsyncReadExt, AsyncWriteExt};
            use ::$krate::net::{TcpListener, TcpStream};
            use ::$krate::runtime::{Builder, Runtime};
            use ::$krate::task::JoinHandle;

            use crate::suite::{
                Runner, ECHO_CONNECTIONS, ECHO_MESSAGE, ECHO_ROUND_TRIPS, MULTI_THREAD_WORKERS,
                STREAM_BYTES, STREAM_CHUNK,
            };

            pub(crate) fn current_thread() -> Runtime {
                Builder::new_current_thread().enable_io().build().unwrap()
            }

            pub(crate) fn multi_thread() -> Runtime {
                Builder::new_multi_thread()
                    .worker_threads(MULTI_THREAD_WORKERS)
                    .enable_io()
                    .build()
                    .unwrap()
            }

            /// A listener on loopback whose every accepted connection echoes what it reads.
            async fn echo_server() -> std::net::SocketAddr {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                ::$krate::spawn(async move {
                    while let Ok((mut socket, _)) = listener.accept().await {
                        socket.set_nodelay(true).unwrap();
                        ::$krate::spawn(async move {
                            let mut buf = [0u8; ECHO_MESSAGE];
                            while socket.read_exact(&mut buf).await.is_ok() {
                                if socket.write_all(&buf).await.is_err() {
                                    return;
                                }
                            }
                        });
                    }
                });
                addr
            }

            /// `ECHO_CONNECTIONS` clients, each making `ECHO_ROUND_TRIPS` round trips of
            /// `ECHO_MESSAGE` bytes, all at once.
            pub(crate) fn echo(runtime: Runtime) -> Runner {
                let clients = runtime.block_on(async {
                    let addr = echo_server().await;
                    let mut clients = Vec::with_capacity(ECHO_CONNECTIONS);
                    for _ in 0..ECHO_CONNECTIONS {
                        let client = TcpStream::connect(addr).await.unwrap();
                        client.set_nodelay(true).unwrap();
                        clients.push(client);
                    }
                    clients
                });
                let mut clients = Some(clients);
                Box::new(move || {
                    let taken = clients.take().expect("clients are put back after each run");
                    let back = runtime.block_on(async move {
                        let tasks: Vec<JoinHandle<TcpStream>> = taken
                            .into_iter()
                            .map(|mut client| {
                                ::$krate::spawn(async move {
                                    let message = [7u8; ECHO_MESSAGE];
                                    let mut buf = [0u8; ECHO_MESSAGE];
                                    for _ in 0..ECHO_ROUND_TRIPS {
                                        client.write_all(&message).await.unwrap();
                                        client.read_exact(&mut buf).await.unwrap();
                                    }
                                    client
                                })
                            })
                            .collect();
                        let mut back = Vec::with_capacity(ECHO_CONNECTIONS);
                        for task in tasks {
                            back.push(task.await.unwrap());
                        }
                        back
                    });
                    clients = Some(back);
                })
            }

            /// `STREAM_BYTES` written in `STREAM_CHUNK`-byte writes by one task and read by
            /// another, over one connection.
            pub(crate) fn stream(runtime: Runtime) -> Runner {
                let pair = runtime.block_on(async {
                    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                    let addr = listener.local_addr().unwrap();
                    let (client, accepted) =
                        ::tokio::join!(TcpStream::connect(addr), listener.accept());
                    (client.unwrap(), accepted.unwrap().0)
                });
                let mut pair = Some(pair);
                Box::new(move || {
                    let (mut writer, mut reader) = pair.take().expect("put back after each run");
                    let back = runtime.block_on(async move {
                        let receiving = ::$krate::spawn(async move {
                            let mut buf = vec![0u8; STREAM_CHUNK];
                            let mut received = 0;
                            while received < STREAM_BYTES {
                                let n = reader.read(&mut buf).await.unwrap();
                                assert!(n > 0, "the stream ended early");
                                received += n;
                            }
                            reader
                        });
                        let chunk = vec![5u8; STREAM_CHUNK];
                        for _ in 0..STREAM_BYTES / STREAM_CHUNK {
                            writer.write_all(&chunk).await.unwrap();
                        }
                        (writer, receiving.await.unwrap())
                    });
                    pair = Some(back);
                })
            }
        }
    };
}

tokio_api_tcp!(eddy_tcp, eddy);
tokio_api_tcp!(tokio_tcp, tokio);

/// Where smol runs a workload: one `Executor` run by the calling thread (the counterpart of a
/// current-thread runtime), or by the pool of `smol_mt` (multi-thread). Either way the sockets
/// are async-io's, driven by its reactor.
pub(crate) enum SmolPlace {
    Local(Arc<Executor<'static>>),
    Pool(Pool),
}

impl SmolPlace {
    pub(crate) fn local() -> SmolPlace {
        SmolPlace::Local(Arc::new(Executor::new()))
    }

    pub(crate) fn pool() -> SmolPlace {
        SmolPlace::Pool(Pool::start())
    }

    fn executor(&self) -> Arc<Executor<'static>> {
        match self {
            SmolPlace::Local(executor) => Arc::clone(executor),
            SmolPlace::Pool(pool) => pool.executor(),
        }
    }

    fn block_on<T: Send + 'static>(
        &self,
        future: impl std::future::Future<Output = T> + Send + 'static,
    ) -> T {
        match self {
            SmolPlace::Local(executor) => smol::block_on(executor.run(future)),
            SmolPlace::Pool(pool) => pool.block_on(future),
        }
    }
}

/// smol's `tcp_echo`: the same server and clients as the Tokio-API version.
pub(crate) fn smol_echo(place: SmolPlace) -> Runner {
    let executor = place.executor();
    let clients = place.block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let spawner = Arc::clone(&executor);
        executor
            .spawn(async move {
                while let Ok((mut socket, _)) = listener.accept().await {
                    socket.set_nodelay(true).unwrap();
                    spawner
                        .spawn(async move {
                            let mut buf = [0u8; ECHO_MESSAGE];
                            while socket.read_exact(&mut buf).await.is_ok() {
                                if socket.write_all(&buf).await.is_err() {
                                    return;
                                }
                            }
                        })
                        .detach();
                }
            })
            .detach();
        let mut clients = Vec::with_capacity(ECHO_CONNECTIONS);
        for _ in 0..ECHO_CONNECTIONS {
            let client = TcpStream::connect(addr).await.unwrap();
            client.set_nodelay(true).unwrap();
            clients.push(client);
        }
        clients
    });
    let mut clients = Some(clients);
    Box::new(move || {
        let taken = clients.take().expect("clients are put back after each run");
        let executor = place.executor();
        let back = place.block_on(async move {
            let tasks: Vec<Task<TcpStream>> = taken
                .into_iter()
                .map(|mut client| {
                    executor.spawn(async move {
                        let message = [7u8; ECHO_MESSAGE];
                        let mut buf = [0u8; ECHO_MESSAGE];
                        for _ in 0..ECHO_ROUND_TRIPS {
                            client.write_all(&message).await.unwrap();
                            client.read_exact(&mut buf).await.unwrap();
                        }
                        client
                    })
                })
                .collect();
            let mut back = Vec::with_capacity(ECHO_CONNECTIONS);
            for task in tasks {
                back.push(task.await);
            }
            back
        });
        clients = Some(back);
    })
}

/// smol's `tcp_stream`.
pub(crate) fn smol_stream(place: SmolPlace) -> Runner {
    let pair = place.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (client, accepted) =
            futures_lite::future::zip(TcpStream::connect(addr), listener.accept()).await;
        (client.unwrap(), accepted.unwrap().0)
    });
    let mut pair = Some(pair);
    Box::new(move || {
        let (mut writer, mut reader) = pair.take().expect("put back after each run");
        let executor = place.executor();
        let back = place.block_on(async move {
            let receiving = executor.spawn(async move {
                let mut buf = vec![0u8; STREAM_CHUNK];
                let mut received = 0;
                while received < STREAM_BYTES {
                    let n = reader.read(&mut buf).await.unwrap();
                    assert!(n > 0, "the stream ended early");
                    received += n;
                }
                reader
            });
            let chunk = vec![5u8; STREAM_CHUNK];
            for _ in 0..STREAM_BYTES / STREAM_CHUNK {
                writer.write_all(&chunk).await.unwrap();
            }
            (writer, receiving.await)
        });
        pair = Some(back);
    })
}
