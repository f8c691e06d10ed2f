//! `yield_now`: let the scheduler run other work before continuing.

use crate::runtime::context;
use std::future::poll_fn;
use std::task::Poll;

/// Yields once to the scheduler.
///
/// The task goes to the back of the run queue, behind every task that was already waiting, so a
/// loop that yields cannot starve them; the driver is still polled every `event_interval`
/// ticks. Outside a runtime it only returns `Pending` once and wakes itself.
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
        // Polled with its own task's waker, the task is simply rescheduled behind the others
        // when this poll returns (no waker clone, no extra atomic). Another task's waker waits
        // in the defer list for the driver's turn; any other waker (a nested executor's, a
        // `select` wrapper's) is woken at once, as a nested executor may never return.
        if !context::request_yield(cx.waker()) {
            context::defer(cx.waker());
        }
        Poll::Pending
    })
    .await
}
