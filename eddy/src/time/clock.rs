//! Pausing the runtime's clock, for tests: `pause`, `resume`, `advance`.

use std::time::Duration;

/// Freezes the current runtime's clock.
///
/// # Panics
/// Panics outside a runtime, on a multi-thread runtime, and if time is already frozen.
#[track_caller]
pub fn pause() {
    todo!("time driver")
}

/// Lets the current runtime's clock run again.
///
/// # Panics
/// Panics outside a runtime and if time is not frozen.
#[track_caller]
pub fn resume() {
    todo!("time driver")
}

/// Moves the frozen clock forward by `duration`, then yields so that the timers it passed fire.
///
/// # Panics
/// Panics outside a runtime and if time is not frozen.
pub async fn advance(duration: Duration) {
    let _ = duration;
    todo!("time driver")
}
