//! The blocking pool: threads for closures that block (`spawn_blocking`).
//!
//! Threads start on demand, up to `max_blocking_threads`, and exit after `thread_keep_alive`
//! without work. Each runs inside the runtime's context, so `Handle::current()` works in the
//! closures. At shutdown, closures not yet started are cancelled (their JoinHandles resolve to a
//! cancelled `JoinError`); running ones are left to finish, and the runtime's drop waits for them
//! while `shutdown_timeout` waits at most its timeout.

mod pool;
mod schedule;
mod shutdown;
mod task;

pub(crate) use pool::{BlockingPool, PoolConfig, Spawner};
