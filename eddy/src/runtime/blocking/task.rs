//! `BlockingTask`: a closure dressed as a future, so blocking work reuses the task core.

use crate::runtime::coop;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs its closure on the first poll, and is then done.
pub(super) struct BlockingTask<F> {
    func: Option<F>,
}

// The closure is never pinned: it is moved out before it runs.
impl<F> Unpin for BlockingTask<F> {}

impl<F> BlockingTask<F> {
    pub(super) fn new(func: F) -> BlockingTask<F> {
        BlockingTask { func: Some(func) }
    }
}

impl<F, R> Future for BlockingTask<F>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let func = self
            .func
            .take()
            .expect("blocking task polled after completion");
        // Blocking code has no reason to yield: lift the coop budget for it.
        coop::stop();
        Poll::Ready(func())
    }
}
