//! Cooperative scheduling: the per-poll budget of 128, `consume_budget`, `has_budget_remaining`, `unconstrained`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use eddy::runtime::{Builder, Runtime};
use eddy::task::coop::{consume_budget, has_budget_remaining, unconstrained};

/// The budget a task gets for each poll.
const BUDGET: usize = 128;

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// Counts how many times the wrapped future is polled.
struct CountPolls<F> {
    polls: Arc<AtomicUsize>,
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for CountPolls<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.inner.as_mut().poll(cx)
    }
}

/// Runs `calls` calls of `consume_budget` in a spawned task and returns how often it was polled.
fn polls_for(calls: usize) -> usize {
    let polls = Arc::new(AtomicUsize::new(0));
    let fut = CountPolls {
        polls: polls.clone(),
        inner: Box::pin(async move {
            for _ in 0..calls {
                consume_budget().await;
            }
        }),
    };
    rt().block_on(async { eddy::spawn(fut).await.unwrap() });
    polls.load(Ordering::SeqCst)
}

#[test]
fn has_budget_remaining_outside_runtime() {
    assert!(has_budget_remaining());
}

#[test]
fn budget_is_used_up_after_128_calls() {
    let rt = rt();
    let handle = rt.spawn(async {
        let before = has_budget_remaining();
        for _ in 0..BUDGET {
            consume_budget().await;
        }
        let after_used = has_budget_remaining();
        // This call has no budget left: it yields, and the budget is refilled.
        consume_budget().await;
        (before, after_used, has_budget_remaining())
    });
    let (before, after_used, after_yield) = rt.block_on(handle).unwrap();
    assert!(before);
    assert!(!after_used);
    assert!(after_yield);
}

#[test]
fn consume_budget_yields_after_budget() {
    assert_eq!(polls_for(BUDGET), 1);
    assert_eq!(polls_for(BUDGET + 1), 2);
    assert_eq!(polls_for(3 * BUDGET), 3);
}

#[test]
fn block_on_future_is_budgeted() {
    let polls = Arc::new(AtomicUsize::new(0));
    let fut = CountPolls {
        polls: polls.clone(),
        inner: Box::pin(async {
            for _ in 0..=BUDGET {
                consume_budget().await;
            }
        }),
    };
    rt().block_on(fut);
    assert_eq!(polls.load(Ordering::SeqCst), 2);
}

#[test]
fn unconstrained_never_yields() {
    let polls = Arc::new(AtomicUsize::new(0));
    let fut = CountPolls {
        polls: polls.clone(),
        inner: Box::pin(unconstrained(async {
            for _ in 0..10 * BUDGET {
                consume_budget().await;
                assert!(has_budget_remaining());
            }
        })),
    };
    rt().block_on(async { eddy::spawn(fut).await.unwrap() });
    assert_eq!(polls.load(Ordering::SeqCst), 1);
}

#[test]
fn unconstrained_is_reexported_from_task() {
    let rt = rt();
    let out = rt.block_on(eddy::task::unconstrained(async {
        for _ in 0..2 * BUDGET {
            eddy::task::consume_budget().await;
        }
        has_budget_remaining()
    }));
    assert!(out);
}
