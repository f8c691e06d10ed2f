//! `timeout` and `timeout_at`: a future raced against a deadline.

use crate::runtime::coop;
use crate::time::error::Elapsed;
use crate::time::{sleep, sleep_until, Instant, Sleep};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Requires `future` to complete within `duration`.
///
/// The returned [`Timeout`] resolves to `Ok` with the future's output if the future completes
/// first, and to `Err(`[`Elapsed`]`)` once `duration` has passed. A future that is ready when
/// the deadline comes still wins: it is polled before the timer. On `Err` the future is
/// dropped, which cancels it. A `duration` too long to represent waits for a deadline about 30
/// years ahead instead of panicking.
///
/// # Panics
///
/// Panics outside a runtime, and on a runtime built without the time driver (see
/// [`enable_time`](crate::runtime::Builder::enable_time)).
///
/// # Examples
///
/// ```
/// use eddy::time::{timeout, Duration};
/// use tokio::sync::oneshot;
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let (_tx, rx) = oneshot::channel::<u32>();
/// // Nothing is ever sent: give up after 10 ms.
/// match timeout(Duration::from_millis(10), rx).await {
///     Ok(received) => println!("got {received:?}"),
///     Err(elapsed) => println!("gave up: {elapsed}"),
/// }
/// # });
/// ```
#[track_caller]
pub fn timeout<F>(duration: Duration, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    // `sleep` turns a deadline that overflows `Instant` into `Instant::far_future()`.
    Timeout::new(future.into_future(), sleep(duration))
}

/// Requires `future` to complete before `deadline`.
///
/// Like [`timeout`], with an instant instead of a duration.
///
/// # Panics
///
/// Panics outside a runtime, and on a runtime built without the time driver (see
/// [`enable_time`](crate::runtime::Builder::enable_time)).
///
/// # Examples
///
/// ```
/// use eddy::time::{timeout_at, Duration, Instant};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let deadline = Instant::now() + Duration::from_millis(10);
/// let answer = timeout_at(deadline, async { 42 }).await;
/// assert_eq!(answer, Ok(42));
/// let late = timeout_at(deadline, std::future::pending::<()>()).await;
/// assert!(late.is_err());
/// # });
/// ```
#[track_caller]
pub fn timeout_at<F>(deadline: Instant, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    Timeout::new(future.into_future(), sleep_until(deadline))
}

pin_project_lite::pin_project! {
    /// The future returned by [`timeout`] and [`timeout_at`]: the inner future's output, or
    /// [`Elapsed`] if the deadline came first.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<T> {
        #[pin]
        value: T,
        #[pin]
        delay: Sleep,
    }
}

impl<T> Timeout<T> {
    fn new(value: T, delay: Sleep) -> Timeout<T> {
        Timeout { value, delay }
    }

    /// The inner future.
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// The inner future, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Takes the inner future out, dropping the timer.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Future> Future for Timeout<T> {
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();

        let had_budget = coop::has_budget_remaining();
        // The future first: if it completes right at the deadline, its result is not lost.
        if let Poll::Ready(output) = this.value.poll(cx) {
            return Poll::Ready(Ok(output));
        }

        let delay = this.delay;
        let poll_delay = move || delay.poll(cx).map(|()| Err(Elapsed::new()));
        if had_budget && !coop::has_budget_remaining() {
            // The inner future spent the last unit of the budget. The timer would then return
            // `Pending` for want of budget on every poll, and a future that is always busy
            // (it never runs out of work, it only runs out of budget) would never time out.
            coop::with_unconstrained(poll_delay)
        } else {
            poll_delay()
        }
    }
}
