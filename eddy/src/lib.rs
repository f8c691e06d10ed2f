//! eddy is an asynchronous runtime for Rust with Tokio's API.
//!
//! A program written against Tokio's `runtime` and `task` modules switches to eddy by changing
//! the crate name. eddy's own goals are speed on every workload we measure, and a runtime that
//! is open inside: what Tokio keeps behind `--cfg tokio_unstable` ships stable here.
//!
//! # A first program
//!
//! ```
//! use eddy::runtime::Builder;
//!
//! let rt = Builder::new_current_thread().build().unwrap();
//! rt.block_on(async {
//!     // Tasks run concurrently with the code that spawned them.
//!     let greeting = eddy::spawn(async { "hello" });
//!     // Blocking work goes to the blocking pool.
//!     let answer = eddy::task::spawn_blocking(|| 6 * 7);
//!     assert_eq!(greeting.await.unwrap(), "hello");
//!     assert_eq!(answer.await.unwrap(), 42);
//! });
//! ```
//!
//! # What is here
//!
//! | module      | what works today                                                        |
//! |-------------|-------------------------------------------------------------------------|
//! | [`runtime`] | current-thread, multi-thread and local runtimes, `Handle`, enter guards, the blocking pool, `RuntimeMetrics`, task hooks (`TaskMeta`) |
//! | [`task`]    | `spawn`, `spawn_blocking`, `block_in_place`, `spawn_local`, `LocalSet`, `JoinSet`, `task::Builder` (named tasks), `task_local!`, `JoinHandle`, `AbortHandle`, `JoinError`, task ids, `yield_now`, coop budget |
//! | [`net`]     | `TcpListener`, `TcpStream`, `TcpSocket`, `UdpSocket`, `UnixListener`, `UnixStream`, `UnixDatagram`, `UnixSocket`, `lookup_host`; streams implement `futures-io`'s (and with `tokio-io`, Tokio's) `AsyncRead`/`AsyncWrite` |
//! | [`io`]      | `Interest` and `Ready`, the readiness the net types wait on |
//! | [`time`]    | `sleep`, `timeout`, `interval`, `Instant`, and a clock that tests can pause (`pause`, `advance`, auto-advance) |
//! | [`io`]      | `Interest`, `Ready`, and `unix::AsyncFd`: readiness for any file descriptor |
//! | [`signal`]  | `ctrl_c`, and `unix::signal` for any Unix signal                         |
//! | [`main`], [`test`] | `#[eddy::main]` and `#[eddy::test]`: an `async fn` run on a runtime       |
//!
//! Task dumps follow.
//!
//! # Cargo features
//!
//! | feature    | what it adds (once the issue that fills it lands)                        |
//! |------------|--------------------------------------------------------------------------|
//! | `tokio-io` | Tokio's `AsyncRead`/`AsyncWrite` on eddy's net types                     |
//! | `tracing`  | tracing spans for tasks                                                  |
//! | `hyper`    | adapters for hyper                                                       |
//! | `io-uring` | an io_uring driver on Linux                                              |

pub mod io;
pub(crate) mod loom;
pub mod net;
pub mod runtime;
pub mod signal;
pub mod task;
pub mod time;
pub(crate) mod util;

pub use task::spawn;

// `#[eddy::main]` and `#[eddy::test]`. Their docs are written on the macros in eddy-macros and
// shown here as they are (a doc comment on this line would be prepended to them).
#[doc(inline)]
pub use eddy_macros::{main, test};
