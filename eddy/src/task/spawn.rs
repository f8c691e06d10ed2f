//! `spawn`: run a future as a task of the current runtime.

use crate::runtime::task::SpawnMeta;
use crate::runtime::{context, Handle};
use crate::task::JoinHandle;
use std::future::Future;

/// Spawns a task on the current runtime and returns a handle to its output.
///
/// The task starts at once, concurrently with the caller; dropping the `JoinHandle` does not
/// stop it.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handles: Vec<_> = (0..4).map(|i| eddy::spawn(async move { i * 10 })).collect();
/// let mut sum = 0;
/// for handle in handles {
///     sum += handle.await.unwrap();
/// }
/// assert_eq!(sum, 60);
/// # });
/// ```
///
/// # Panics
/// Panics outside a runtime.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_with(future, SpawnMeta::caller())
}

/// `spawn` with a name and a location given by the caller (`task::Builder`).
#[track_caller]
pub(crate) fn spawn_with<F>(future: F, spawn: SpawnMeta<'_>) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match context::with_current(|handle| Handle::spawn_on(handle, future, spawn)) {
        Ok(join) => join,
        Err(e) => panic!("{e}"),
    }
}
