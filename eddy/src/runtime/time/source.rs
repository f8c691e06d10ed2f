//! Converting between instants and the wheel's ticks (milliseconds since the driver started).

use crate::runtime::time::clock::Clock;
use std::time::{Duration, Instant};

/// The largest tick the wheel handles. Far below `u64::MAX`, so that the wheel's slot arithmetic
/// (a level's start plus a slot plus one turn of the top level) cannot overflow; still about
/// 290 million years.
pub(crate) const MAX_TICK: u64 = u64::MAX >> 16;

/// The origin of a driver's ticks.
#[derive(Debug)]
pub(crate) struct TimeSource {
    start: Instant,
}

impl TimeSource {
    pub(crate) fn new(clock: &Clock) -> TimeSource {
        TimeSource { start: clock.now() }
    }

    /// The tick at which a timer for `deadline` may fire: rounded up, so that no timer ever
    /// completes before its deadline.
    pub(crate) fn deadline_to_tick(&self, deadline: Instant) -> u64 {
        let rounded_up = deadline
            .checked_add(Duration::from_nanos(999_999))
            .unwrap_or(deadline);
        self.instant_to_tick(rounded_up)
    }

    /// The tick `instant` falls in: rounded down, so that "now" never runs ahead of the clock.
    pub(crate) fn instant_to_tick(&self, instant: Instant) -> u64 {
        let millis = instant.saturating_duration_since(self.start).as_millis();
        u64::try_from(millis).unwrap_or(MAX_TICK).min(MAX_TICK)
    }

    /// The instant at which `tick` begins.
    pub(crate) fn tick_to_instant(&self, tick: u64) -> Instant {
        self.start
            .checked_add(Duration::from_millis(tick))
            .unwrap_or(self.start)
    }

    pub(crate) fn now(&self, clock: &Clock) -> u64 {
        self.instant_to_tick(clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_round_up_and_instants_round_down() {
        let clock = Clock::new(false, false);
        let source = TimeSource::new(&clock);
        let start = source.start;
        assert_eq!(source.deadline_to_tick(start), 0);
        assert_eq!(source.deadline_to_tick(start + Duration::from_nanos(1)), 1);
        assert_eq!(
            source.deadline_to_tick(start + Duration::from_micros(1500)),
            2
        );
        assert_eq!(
            source.instant_to_tick(start + Duration::from_micros(1500)),
            1
        );
        assert_eq!(source.deadline_to_tick(start + Duration::from_millis(7)), 7);
        assert_eq!(source.tick_to_instant(7), start + Duration::from_millis(7));
        // Before the start counts as tick 0; absurdly far ahead clamps.
        assert_eq!(source.instant_to_tick(start - Duration::from_millis(5)), 0);
        let far = start + Duration::from_secs(u64::MAX / 1_000_000);
        assert_eq!(source.deadline_to_tick(far), MAX_TICK);
    }
}
