//! `yield_now`: let the scheduler run other work before continuing.

use crate::runtime::context;
use std::future::poll_fn;
use std::task::Poll;

/// Yields once to the scheduler.
///
/// The task is rescheduled after the scheduler has looked at its driver and the other tasks that
/// were already waiting, so a loop that yields cannot starve them. Outside a runtime it only
/// returns `Pending` once and wakes itself.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let other = eddy::spawn(async { "ran" });
/// eddy::task::yield_now().await; // gives `other` its turn
/// assert!(other.is_finished());
/// # });
/// ```
pub async fn yield_now() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        context::defer(cx.waker());
        Poll::Pending
    })
    .await
}
