//! `Sleep`: a future that completes at a deadline.

use crate::time::Instant;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Waits until `duration` has elapsed. A duration too long to represent waits for a deadline
/// about 30 years ahead instead.
///
/// # Panics
/// Panics outside a runtime, and on a runtime built without the time driver.
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
/// Panics outside a runtime, and on a runtime built without the time driver.
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(deadline)
}

/// The future returned by [`sleep`] and [`sleep_until`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    deadline: Instant,
    _pinned: PhantomPinned,
}

impl Sleep {
    #[track_caller]
    pub(crate) fn new(deadline: Instant) -> Sleep {
        let _ = deadline;
        todo!("time driver")
    }

    /// The instant this `Sleep` completes at.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has passed and the timer fired.
    pub fn is_elapsed(&self) -> bool {
        todo!("time driver")
    }

    /// Moves the deadline, also after the `Sleep` completed; it completes again at `deadline`.
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let _ = deadline;
        todo!("time driver")
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = cx;
        todo!("time driver")
    }
}
