//! `spawn_blocking`: run blocking code on the runtime's blocking pool.

use crate::runtime::context;
use crate::task::JoinHandle;

/// Runs `func` on a thread of the blocking pool and returns a handle to its result.
///
/// Use it for code that blocks (file IO, a CPU-heavy computation, a C library call) so that it
/// does not stall the threads that poll tasks. Blocking closures cannot be aborted once they
/// started; one still in the queue is cancelled by an abort or a runtime shutdown.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let sum = eddy::task::spawn_blocking(|| (1..=100u32).sum::<u32>()).await.unwrap();
/// assert_eq!(sum, 5050);
/// # });
/// ```
///
/// # Panics
/// Panics outside a runtime.
#[track_caller]
pub fn spawn_blocking<F, R>(func: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match context::with_current(|handle| handle.spawn_blocking(func)) {
        Ok(join) => join,
        Err(e) => panic!("{e}"),
    }
}
