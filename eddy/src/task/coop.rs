//! Cooperative scheduling: how a task shares its thread.
//!
//! Each poll of a task gets a budget of 128 units. Leaf futures of the runtime (a `JoinHandle`,
//! and later IO and timers) spend one unit each time they make progress; once the budget is
//! spent they return `Pending` so the task yields, even when they could go on. Wrap a future in
//! [`unconstrained`] to opt out, or call [`consume_budget`] in a loop that never awaits an eddy
//! leaf.

use crate::runtime::coop;
pub use crate::runtime::coop::RestoreOnPending;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Spends one unit of the task's budget, yielding first if none is left.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut sum = 0u64;
/// for i in 0..10_000u64 {
///     eddy::task::coop::consume_budget().await; // yields every 128 rounds
///     sum += i;
/// }
/// # assert_eq!(sum, 49_995_000);
/// # });
/// ```
pub async fn consume_budget() {
    poll_fn(|cx| {
        let restore = ready!(coop::poll_proceed(cx));
        restore.made_progress();
        Poll::Ready(())
    })
    .await
}

/// Returns true when the current task may still make progress before it must yield; true
/// outside a runtime.
pub fn has_budget_remaining() -> bool {
    coop::has_budget_remaining()
}

/// Spends one unit of budget for a custom leaf future; `Pending` (with the wake-up deferred)
/// when the budget is spent. Call [`RestoreOnPending::made_progress`] on the returned guard
/// when the leaf did make progress; otherwise dropping it refunds the unit.
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    coop::poll_proceed(cx)
}

/// Polls `inner` with no budget limit. Use with care: an always-ready future inside it can
/// hold its thread forever.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// eddy::task::unconstrained(async {
///     for _ in 0..1_000 {
///         eddy::task::coop::consume_budget().await; // never yields in here
///     }
/// })
/// .await;
/// # });
/// ```
pub fn unconstrained<F: Future>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}

/// Future for [`unconstrained`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
#[derive(Debug)]
pub struct Unconstrained<F> {
    inner: F,
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of `self`, and
        // `Unconstrained` has no `Drop` impl or `Unpin` impl that could move it.
        let inner = unsafe { self.map_unchecked_mut(|me| &mut me.inner) };
        coop::with_unconstrained(|| inner.poll(cx))
    }
}

/// Wraps `inner` so that each of its polls spends a unit of budget, like an eddy leaf.
pub fn cooperative<F: Future>(inner: F) -> Coop<F> {
    Coop { inner }
}

/// Future for [`cooperative`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
#[derive(Debug)]
pub struct Coop<F> {
    inner: F,
}

impl<F: Future> Future for Coop<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let restore = ready!(coop::poll_proceed(cx));
        // SAFETY: as for `Unconstrained`: `inner` is structurally pinned and never moved.
        let inner = unsafe { self.map_unchecked_mut(|me| &mut me.inner) };
        let output = ready!(inner.poll(cx));
        restore.made_progress();
        Poll::Ready(output)
    }
}
