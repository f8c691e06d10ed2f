//! `Sleep`: a future that completes at a deadline.

use crate::runtime::coop;
use crate::runtime::time::timer::TimerEntry;
use crate::time::Instant;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// Waits until `duration` has elapsed.
///
/// The wait has a resolution of one millisecond and never ends early. A duration too long to
/// represent waits for a deadline about 30 years ahead instead.
///
/// ```
/// use eddy::time::{sleep, Duration, Instant};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let start = Instant::now();
/// sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # });
/// ```
///
/// # Panics
/// Panics outside a runtime, and on a runtime built without the time driver
/// ([`enable_time`](crate::runtime::Builder::enable_time)). Polling the `Sleep` after its runtime
/// shut down panics as well.
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let deadline = Instant::now()
        .checked_add(duration)
        .unwrap_or_else(Instant::far_future);
    Sleep::new(deadline)
}

/// Waits until `deadline`.
///
/// # Panics
/// As [`sleep`].
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(deadline)
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// It is `!Unpin`: its timer lives inside it while it waits. Pin it (`std::pin::pin!`, or
/// `Box::pin`) to poll it by hand or to reuse it with [`reset`](Sleep::reset).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    entry: TimerEntry,
}

impl Sleep {
    #[track_caller]
    pub(crate) fn new(deadline: Instant) -> Sleep {
        Sleep {
            entry: TimerEntry::new(deadline.into_std()),
        }
    }

    /// The instant this `Sleep` completes at.
    pub fn deadline(&self) -> Instant {
        Instant::from_std(self.entry.deadline())
    }

    /// Whether the deadline has passed and the timer fired.
    pub fn is_elapsed(&self) -> bool {
        self.entry.is_elapsed()
    }

    /// Moves the deadline, also after the `Sleep` completed: it then completes again at the new
    /// deadline. Resetting a `Sleep` is cheaper than dropping it and making a new one.
    ///
    /// ```
    /// use eddy::time::{sleep, Duration, Instant};
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let mut wait = std::pin::pin!(sleep(Duration::from_secs(3600)));
    /// wait.as_mut().reset(Instant::now() + Duration::from_millis(1));
    /// wait.await;
    /// # });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        self.entry().reset(deadline.into_std());
    }

    fn entry(self: Pin<&mut Self>) -> Pin<&mut TimerEntry> {
        // SAFETY: structural pinning: `entry` is never moved out of a pinned `Sleep`, and
        // `Sleep` has no `Drop` of its own that could move it.
        unsafe { self.map_unchecked_mut(|sleep| &mut sleep.entry) }
    }
}

impl Future for Sleep {
    type Output = ();

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // A timer is a leaf: it spends one unit of the task's budget, so that a loop over timers
        // that are always ready still yields to the scheduler.
        let coop = ready!(coop::poll_proceed(cx));
        let poll = self.entry().poll_elapsed(cx);
        if poll.is_ready() {
            coop.made_progress();
        }
        poll
    }
}
