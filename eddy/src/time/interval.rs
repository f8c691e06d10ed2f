//! `Interval`: ticks at a fixed period, with a choice of what to do after missed ticks.
//!
//! An `Interval` is a [`Sleep`] that is reset after every tick. The tick it returns is the
//! instant it was *scheduled* for, not the instant it was noticed, so a consumer sees a regular
//! series of instants however late it polls; [`MissedTickBehavior`] decides how the series goes
//! on after the consumer fell behind.

use crate::time::{sleep_until, Instant, Sleep};
use crate::util::error;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// How late a tick may be noticed before it counts as missed. Timers fire a little after their
/// deadline (the wheel has a 1 ms resolution and the thread may be busy), and a tick that is
/// merely a bit late should not change the schedule. Tokio uses the same 5 ms.
const MISSED_TICK_TOLERANCE: Duration = Duration::from_millis(5);

/// An [`Interval`] whose first tick completes at once, and then every `period`.
///
/// Equivalent to [`interval_at`]`(Instant::now(), period)`. The default
/// [`MissedTickBehavior`] is [`Burst`](MissedTickBehavior::Burst).
///
/// # Panics
///
/// Panics if `period` is zero, outside a runtime, and on a runtime built without the time driver
/// (see [`enable_time`](crate::runtime::Builder::enable_time)).
///
/// # Examples
///
/// ```
/// use eddy::time::{self, Duration};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let mut interval = time::interval(Duration::from_millis(10));
/// interval.tick().await; // at once
/// interval.tick().await; // 10 ms later
/// interval.tick().await; // 20 ms after the first tick
/// # });
/// ```
///
/// An interval measures from its schedule, not from the end of the work done between ticks,
/// which is what sets it apart from calling [`sleep`](crate::time::sleep) in a loop: here a
/// round starts every 10 ms even though each takes 4 ms of work.
///
/// ```
/// use eddy::time::{self, Duration};
///
/// async fn work() {
///     time::sleep(Duration::from_millis(4)).await;
/// }
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let mut interval = time::interval(Duration::from_millis(10));
/// for _ in 0..3 {
///     interval.tick().await;
///     work().await;
/// }
/// # });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(!period.is_zero(), "{}", error::INTERVAL_PERIOD_ZERO);
    Interval::new(Instant::now(), period)
}

/// An [`Interval`] whose first tick completes at `start`, and then every `period`.
///
/// The default [`MissedTickBehavior`] is [`Burst`](MissedTickBehavior::Burst).
///
/// # Panics
///
/// Panics if `period` is zero, outside a runtime, and on a runtime built without the time driver
/// (see [`enable_time`](crate::runtime::Builder::enable_time)).
///
/// # Examples
///
/// ```
/// use eddy::time::{interval_at, Duration, Instant};
///
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let start = Instant::now() + Duration::from_millis(20);
/// let mut interval = interval_at(start, Duration::from_millis(10));
/// assert_eq!(interval.tick().await, start); // 20 ms from now
/// assert_eq!(interval.tick().await, start + Duration::from_millis(10));
/// # });
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(!period.is_zero(), "{}", error::INTERVAL_PERIOD_ZERO);
    Interval::new(start, period)
}

/// What an [`Interval`] does after ticks were missed: when a tick is noticed more than 5 ms
/// after the instant it was scheduled for.
///
/// Ticks are missed when the consumer spends longer than a period between two calls to
/// [`Interval::tick`], or when the thread was too busy to run the timer on time:
///
/// ```
/// use eddy::time::{self, Duration};
///
/// # async fn work_taking_one_to_three_ms() {}
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
/// # rt.block_on(async {
/// let mut interval = time::interval(Duration::from_millis(2));
/// for _ in 0..5 {
///     interval.tick().await;
///     // When this takes more than 2 ms, the next tick is late.
///     work_taking_one_to_three_ms().await;
/// }
/// # });
/// ```
///
/// With a period of 50 ms, ticks scheduled at 0, 50, 100, ... ms, and a consumer that is busy
/// from 60 ms to 170 ms, so that the tick scheduled for 100 ms is noticed at 170 ms:
///
/// | behaviour | ticks returned after the delay (ms) |
/// |-----------|-------------------------------------|
/// | `Burst`   | 100, 150 (both at once at 170), then 200, 250, ... |
/// | `Delay`   | 100 (at 170), then 220, 270, ...    |
/// | `Skip`    | 100 (at 170), then 200, 250, ...    |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Ticks as fast as possible until the schedule is caught up, then goes on with the
    /// original schedule: every tick of the schedule is returned, some of them late.
    ///
    /// Suits work that must happen once per period on average, such as refilling a rate
    /// limiter. This is the default.
    #[default]
    Burst,

    /// Starts a new schedule one period after the instant the late tick was noticed.
    ///
    /// The time between two returned ticks is then never shorter than the period. Suits
    /// work that needs a pause between runs, such as polling a server.
    Delay,

    /// Drops the missed ticks and goes on with the next tick of the original schedule that
    /// lies in the future.
    ///
    /// Ticks stay on multiples of the period after the start. Suits work tied to the clock,
    /// such as a once-a-second display update.
    Skip,
}

impl MissedTickBehavior {
    /// The deadline after a tick scheduled for `scheduled` that was noticed at `now`, late.
    fn next_deadline(self, scheduled: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => add_or_far_future(scheduled, period),
            MissedTickBehavior::Delay => add_or_far_future(now, period),
            MissedTickBehavior::Skip => {
                // The next multiple of `period` after `scheduled` that is later than `now`:
                // `now + period - ((now - scheduled) mod period)`. The remainder is computed
                // in `u128` nanoseconds, where it cannot overflow, and is below `period`, so the
                // subtraction cannot underflow.
                let late = now.duration_since(scheduled).as_nanos();
                let into_period = late % period.as_nanos();
                add_or_far_future(now, period - duration_from_nanos(into_period))
            }
        }
    }
}

/// `nanos` as a `Duration`; `nanos` is below some `Duration`'s `as_nanos`, so it fits.
fn duration_from_nanos(nanos: u128) -> Duration {
    const NANOS_PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / NANOS_PER_SEC).unwrap_or(u64::MAX);
    // The remainder of a division by 10^9 always fits in a `u32`.
    let subsec = (nanos % NANOS_PER_SEC) as u32;
    Duration::new(secs, subsec)
}

/// `instant + duration`, or the far-future deadline where that overflows, as `sleep` does.
fn add_or_far_future(instant: Instant, duration: Duration) -> Instant {
    instant
        .checked_add(duration)
        .unwrap_or_else(Instant::far_future)
}

/// A stream of ticks, one per period; made by [`interval`] or [`interval_at`].
///
/// Each tick returns the instant it was scheduled for. What happens after missed ticks is set
/// with [`set_missed_tick_behavior`](Interval::set_missed_tick_behavior).
///
/// Dropping an `Interval` cancels its timer.
#[derive(Debug)]
pub struct Interval {
    /// Completes at the next tick's scheduled instant. Boxed so that `Interval` is `Unpin`, and
    /// `tick` can take `&mut self`.
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    #[track_caller]
    fn new(start: Instant, period: Duration) -> Interval {
        Interval {
            delay: Box::pin(sleep_until(start)),
            period,
            missed_tick_behavior: MissedTickBehavior::default(),
        }
    }

    /// Waits for the next tick and returns the instant it was scheduled for.
    ///
    /// The first tick completes at the interval's start: at once for [`interval`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the returned future before it completes loses no tick; the next
    /// call returns the same one.
    ///
    /// # Examples
    ///
    /// ```
    /// use eddy::time::{self, Duration, Instant};
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(10));
    /// let first = interval.tick().await;
    /// let second = interval.tick().await;
    /// assert_eq!(second - first, Duration::from_millis(10));
    /// assert!(Instant::now() >= second);
    /// # });
    /// ```
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick: `Ready` with the instant the tick was scheduled for, or
    /// `Pending` after arranging for `cx`'s waker to be woken at the tick.
    ///
    /// Only the waker of the latest call is woken. For use in hand-written futures and
    /// `poll_fn`; `async` code calls [`tick`](Interval::tick).
    ///
    /// # Examples
    ///
    /// ```
    /// use eddy::time::{self, Duration};
    /// use std::future::poll_fn;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(10));
    /// let first = poll_fn(|cx| interval.poll_tick(cx)).await;
    /// let second = poll_fn(|cx| interval.poll_tick(cx)).await;
    /// assert_eq!(second - first, Duration::from_millis(10));
    /// # });
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.delay.as_mut().poll(cx));

        let scheduled = self.delay.deadline();
        let now = Instant::now();
        let next = if now.saturating_duration_since(scheduled) > MISSED_TICK_TOLERANCE {
            self.missed_tick_behavior
                .next_deadline(scheduled, now, self.period)
        } else {
            add_or_far_future(scheduled, self.period)
        };
        // `reset` registers the timer again, with the waker of this poll: if the interval is
        // not polled again before `next`, that task gets one spurious wake-up at `next`. A
        // reset that leaves registration to the next poll would avoid it; `Sleep` has none yet.
        self.delay.as_mut().reset(next);
        Poll::Ready(scheduled)
    }

    /// Restarts the schedule one period from now: the next tick completes at
    /// `Instant::now() + period`.
    ///
    /// # Examples
    ///
    /// ```
    /// use eddy::time::{self, Duration, Instant};
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(50));
    /// let first = interval.tick().await;
    /// time::sleep(Duration::from_millis(5)).await;
    /// let before_reset = Instant::now();
    /// interval.reset();
    /// // 50 ms after the reset, not 50 ms after the first tick.
    /// let next = interval.tick().await;
    /// assert!(next >= before_reset + Duration::from_millis(50));
    /// assert!(next > first + Duration::from_millis(50));
    /// # });
    /// ```
    pub fn reset(&mut self) {
        let next = add_or_far_future(Instant::now(), self.period);
        self.delay.as_mut().reset(next);
    }

    /// Restarts the schedule now: the next tick completes at once, and the ones after it every
    /// period from now.
    ///
    /// # Examples
    ///
    /// ```
    /// use eddy::time::{self, Duration, Instant};
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(50));
    /// interval.tick().await;
    /// let before_reset = Instant::now();
    /// interval.reset_immediately();
    /// let next = interval.tick().await; // does not wait for the period
    /// assert!(next >= before_reset && next <= Instant::now());
    /// # });
    /// ```
    pub fn reset_immediately(&mut self) {
        self.delay.as_mut().reset(Instant::now());
    }

    /// Restarts the schedule so that the next tick completes `after` from now, and the ones
    /// after it every period from then.
    ///
    /// # Examples
    ///
    /// ```
    /// use eddy::time::{self, Duration, Instant};
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(50));
    /// interval.tick().await;
    /// let before_reset = Instant::now();
    /// interval.reset_after(Duration::from_millis(20));
    /// let next = interval.tick().await;
    /// assert!(next >= before_reset + Duration::from_millis(20));
    /// # });
    /// ```
    pub fn reset_after(&mut self, after: Duration) {
        let next = add_or_far_future(Instant::now(), after);
        self.delay.as_mut().reset(next);
    }

    /// Restarts the schedule so that the next tick completes at `deadline`, and the ones after
    /// it every period from then. A deadline in the past makes the next tick complete at once
    /// (and count as missed if it is more than 5 ms ago).
    ///
    /// # Examples
    ///
    /// ```
    /// use eddy::time::{self, Duration, Instant};
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(50));
    /// interval.tick().await;
    /// let deadline = Instant::now() + Duration::from_millis(20);
    /// interval.reset_at(deadline);
    /// assert_eq!(interval.tick().await, deadline);
    /// # });
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }

    /// What this interval does after missed ticks.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets what this interval does after missed ticks; it applies from the next tick on.
    ///
    /// # Examples
    ///
    /// ```
    /// use eddy::time::{self, Duration, MissedTickBehavior};
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(50));
    /// assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Burst);
    /// interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    /// assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Delay);
    /// # });
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// The time between two scheduled ticks.
    pub fn period(&self) -> Duration {
        self.period
    }
}

// The schedule arithmetic alone, without a runtime: the integration tests in
// `tests/time_interval.rs` check the same through real ticks on a paused clock.
#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn next_deadline_for_each_behavior() {
        let start = Instant::now();
        let scheduled = start + ms(100);
        let now = start + ms(350);
        let next = |behavior: MissedTickBehavior| behavior.next_deadline(scheduled, now, ms(100));
        assert_eq!(next(MissedTickBehavior::Burst), start + ms(200));
        assert_eq!(next(MissedTickBehavior::Delay), start + ms(450));
        // 250 ms late: 350 + 100 - (250 mod 100).
        assert_eq!(next(MissedTickBehavior::Skip), start + ms(400));
    }

    #[test]
    fn skip_when_late_by_whole_periods_or_by_fractions_of_a_millisecond() {
        let start = Instant::now();
        let skip = MissedTickBehavior::Skip;
        let period = ms(100);
        assert_eq!(
            skip.next_deadline(start, start + ms(200), period),
            start + ms(300)
        );
        let late = Duration::from_nanos(123_456_789);
        assert_eq!(
            skip.next_deadline(start, start + late, period),
            start + late + period - Duration::from_nanos(23_456_789)
        );
        // A period longer than `u64::MAX` nanoseconds (some 585 years; `Instant` reaches that
        // far on the platforms eddy runs on): the next tick is the scheduled one plus a period.
        let long = Duration::from_secs(u64::MAX / 1_000_000_000 + 1);
        assert_eq!(
            skip.next_deadline(start, start + ms(10), long),
            start + long
        );
    }

    #[test]
    fn overflowing_deadlines_become_the_far_future() {
        let start = Instant::now();
        for behavior in [
            MissedTickBehavior::Burst,
            MissedTickBehavior::Delay,
            MissedTickBehavior::Skip,
        ] {
            let next = behavior.next_deadline(start, start + ms(10), Duration::MAX);
            let far = next - start;
            // `far_future` is read after `start`, so it lies at least 30 years after it.
            assert!(
                far >= Duration::from_secs(86_400 * 365 * 30),
                "{behavior:?}"
            );
            assert!(far < Duration::from_secs(86_400 * 365 * 31), "{behavior:?}");
        }
    }

    #[test]
    fn nanos_round_trip() {
        for nanos in [0, 1, 999_999_999, 1_000_000_000, 123_456_789_012] {
            assert_eq!(duration_from_nanos(nanos).as_nanos(), nanos);
        }
        let max = Duration::MAX.as_nanos();
        assert_eq!(duration_from_nanos(max), Duration::MAX);
    }
}
