//! Pausing the runtime's clock, for tests: `pause`, `resume`, `advance`.
//!
//! A paused clock stands still; [`Instant::now`](crate::time::Instant::now) and every timer of
//! the runtime follow it. When the runtime has nothing left to run, its clock jumps to the next
//! timer instead of waiting for it (auto-advance), so a test that sleeps for an hour finishes at
//! once, and in a reproducible order. Auto-advance holds back while a `spawn_blocking` task runs.

use crate::runtime::context;
use crate::runtime::time::Clock;
use crate::util::error;
use std::time::Duration;

/// Freezes the current runtime's clock.
///
/// ```
/// use eddy::time::{self, Duration, Instant};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// time::pause();
/// let start = Instant::now();
/// time::sleep(Duration::from_secs(3600)).await; // returns at once: the clock jumps
/// // To the timer's millisecond: never early, less than a millisecond late.
/// assert!(start.elapsed() >= Duration::from_secs(3600));
/// assert!(start.elapsed() < Duration::from_millis(3_600_001));
/// # });
/// ```
///
/// # Panics
/// Panics outside a runtime, on a multi-thread runtime, and if time is already frozen.
#[track_caller]
pub fn pause() {
    with_clock(Clock::pause);
}

/// Lets the current runtime's clock run again, from where it stood.
///
/// # Panics
/// Panics outside a runtime and if time is not frozen.
#[track_caller]
pub fn resume() {
    with_clock(Clock::resume);
}

/// Moves the frozen clock forward by `duration`, then yields once, so that the timers it passed
/// fire before this returns.
///
/// # Panics
/// Panics outside a runtime and if time is not frozen (when first polled).
pub async fn advance(duration: Duration) {
    with_clock(|clock| clock.advance(duration));
    crate::task::yield_now().await;
}

#[track_caller]
fn with_clock(f: impl FnOnce(&Clock) -> Result<(), &'static str>) {
    match context::with_current(|handle| f(handle.driver().clock())) {
        Ok(Ok(())) => {}
        Ok(Err(message)) => panic!("{message}"),
        Err(_) => panic!("{}", error::TIME_FROZEN_OUTSIDE_RUNTIME),
    }
}
