//! `spawn_blocking`: run blocking code on the runtime's blocking pool.

use crate::runtime::context;
use crate::runtime::task::SpawnMeta;
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
    // Taken here: the closure below would hide the caller's location from `#[track_caller]`.
    let spawn = SpawnMeta::caller();
    match context::with_current(|handle| handle.spawn_blocking(func, spawn)) {
        Ok(join) => join,
        Err(e) => panic!("{e}"),
    }
}

/// Runs `f`, which may block, on the current thread without stalling the other tasks: on a
/// multi-thread runtime the worker hands its queue to a new thread first, and takes it back
/// afterwards when it can. `f` runs with no coop budget, and may itself call
/// `Handle::block_on`. Outside a runtime `f` simply runs. Should the OS refuse the new thread,
/// `f` still runs, in place: the worker's other tasks then wait for it.
///
/// Prefer [`spawn_blocking`] where the work can move to another thread; `block_in_place` is for
/// code that must stay where it is (it borrows from the task, say).
///
/// ```
/// let rt = eddy::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// rt.block_on(rt.spawn(async {
///     let local = vec![1, 2, 3];
///     let sum = eddy::task::block_in_place(|| local.iter().sum::<i32>()); // may block
///     assert_eq!(sum, 6);
/// }))
/// .unwrap();
/// ```
///
/// # Panics
/// Panics on a current-thread runtime and inside a `LocalSet`, where the thread cannot hand
/// its tasks over.
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    crate::runtime::scheduler::multi_thread::block_in_place(f)
}
