//! `interval` and `interval_at`: the first tick, the schedule after missed ticks for each
//! `MissedTickBehavior`, the 5 ms tolerance, the reset methods, `poll_tick`, and the panics.
//!
//! The tests run on a paused clock: when every task waits, the runtime moves the clock straight
//! to the next timer, so `sleep_until(start + x)` leaves the clock at exactly `start + x` and
//! every tick below is an exact instant. Ticks are written as offsets from `start`.

mod support;

use support::catch_panic;

use std::future::poll_fn;
use std::task::Poll;

use eddy::runtime::Builder;
use eddy::time::{
    self, interval, interval_at, sleep_until, Duration, Instant, Interval, MissedTickBehavior,
};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Waits for the next tick and returns it as an offset from `start`.
async fn tick(interval: &mut Interval, start: Instant) -> Duration {
    interval.tick().await - start
}

/// Waits for the next `n` ticks and returns them as offsets from `start`.
async fn ticks(interval: &mut Interval, start: Instant, n: usize) -> Vec<Duration> {
    let mut offsets = Vec::with_capacity(n);
    for _ in 0..n {
        offsets.push(tick(interval, start).await);
    }
    offsets
}

/// The paused clock as an offset from `start`.
fn clock(start: Instant) -> Duration {
    Instant::now() - start
}

/// An interval of 100 ms starting now, with `behavior`.
fn every_100_ms(behavior: MissedTickBehavior) -> Interval {
    let mut interval = interval(ms(100));
    interval.set_missed_tick_behavior(behavior);
    interval
}

#[eddy::test(start_paused = true)]
async fn first_tick_is_immediate() {
    let start = Instant::now();
    let mut interval = interval(ms(100));
    assert_eq!(interval.tick().await, start);
    assert_eq!(clock(start), ms(0));
    assert_eq!(tick(&mut interval, start).await, ms(100));
    assert_eq!(clock(start), ms(100));
}

#[eddy::test(start_paused = true)]
async fn interval_at_starts_at_start() {
    let start = Instant::now();
    let mut interval = interval_at(start + ms(50), ms(100));
    assert_eq!(
        ticks(&mut interval, start, 3).await,
        [ms(50), ms(150), ms(250)]
    );
    assert_eq!(clock(start), ms(250));
}

#[eddy::test(start_paused = true)]
async fn on_time_ticks_are_the_same_for_every_behavior() {
    for behavior in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        let start = Instant::now();
        let mut interval = every_100_ms(behavior);
        let offsets = ticks(&mut interval, start, 4).await;
        assert_eq!(offsets, [ms(0), ms(100), ms(200), ms(300)], "{behavior:?}");
        assert_eq!(clock(start), ms(300), "{behavior:?}");
    }
}

#[eddy::test(start_paused = true)]
async fn burst_catches_up_at_once_then_keeps_the_schedule() {
    let start = Instant::now();
    let mut interval = every_100_ms(MissedTickBehavior::Burst);
    assert_eq!(tick(&mut interval, start).await, ms(0));
    sleep_until(start + ms(350)).await;
    // The ticks of 100, 200 and 300 ms come at once, late.
    assert_eq!(
        ticks(&mut interval, start, 3).await,
        [ms(100), ms(200), ms(300)]
    );
    assert_eq!(clock(start), ms(350));
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(400), ms(500)]);
    assert_eq!(clock(start), ms(500));
}

#[eddy::test(start_paused = true)]
async fn delay_starts_a_new_schedule_from_the_late_tick() {
    let start = Instant::now();
    let mut interval = every_100_ms(MissedTickBehavior::Delay);
    assert_eq!(tick(&mut interval, start).await, ms(0));
    sleep_until(start + ms(350)).await;
    // The late tick of 100 ms, noticed at 350 ms; the next one period after that.
    assert_eq!(
        ticks(&mut interval, start, 3).await,
        [ms(100), ms(450), ms(550)]
    );
    assert_eq!(clock(start), ms(550));
}

#[eddy::test(start_paused = true)]
async fn skip_goes_on_with_the_next_tick_of_the_schedule() {
    let start = Instant::now();
    let mut interval = every_100_ms(MissedTickBehavior::Skip);
    assert_eq!(tick(&mut interval, start).await, ms(0));
    sleep_until(start + ms(350)).await;
    // Late by 250 ms: now + period - (250 mod 100) = 350 + 100 - 50 = 400.
    assert_eq!(
        ticks(&mut interval, start, 3).await,
        [ms(100), ms(400), ms(500)]
    );
    assert_eq!(clock(start), ms(500));

    // Late by exactly two periods: 800 + 100 - (200 mod 100) = 900.
    sleep_until(start + ms(800)).await;
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(600), ms(900)]);
    assert_eq!(clock(start), ms(900));
}

#[eddy::test(start_paused = true)]
async fn a_tick_is_missed_only_when_more_than_5_ms_late() {
    let start = Instant::now();
    // Delay shows the difference: a missed tick moves the schedule, an on-time one does not.
    let mut interval = every_100_ms(MissedTickBehavior::Delay);
    assert_eq!(tick(&mut interval, start).await, ms(0));

    sleep_until(start + ms(105)).await;
    // 5 ms late is on time: the schedule stays.
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(100), ms(200)]);

    sleep_until(start + ms(306)).await;
    // 6 ms late is missed: the next tick is a period after 306 ms.
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(300), ms(406)]);
}

#[eddy::test(start_paused = true)]
async fn a_late_first_tick_counts_as_missed() {
    let start = Instant::now();
    let mut interval = every_100_ms(MissedTickBehavior::Delay);
    sleep_until(start + ms(30)).await;
    // The first tick is the start, noticed 30 ms late.
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(0), ms(130)]);

    let start = Instant::now();
    let mut interval = every_100_ms(MissedTickBehavior::Burst);
    sleep_until(start + ms(30)).await;
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(0), ms(100)]);
}

#[eddy::test(start_paused = true)]
async fn interval_at_a_start_in_the_past() {
    let start = Instant::now();
    sleep_until(start + ms(250)).await;
    let mut interval = interval_at(start, ms(100));
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    // 250 ms late: the missed ticks of 100 and 200 ms are skipped.
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(0), ms(300)]);
}

#[eddy::test(start_paused = true)]
async fn reset_starts_a_period_from_now() {
    let start = Instant::now();
    let mut interval = interval(ms(100));
    assert_eq!(tick(&mut interval, start).await, ms(0));
    sleep_until(start + ms(30)).await;
    interval.reset();
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(130), ms(230)]);
}

#[eddy::test(start_paused = true)]
async fn reset_before_the_first_tick_replaces_it() {
    let start = Instant::now();
    let mut interval = interval(ms(100));
    sleep_until(start + ms(30)).await;
    interval.reset();
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(130), ms(230)]);
}

#[eddy::test(start_paused = true)]
async fn reset_immediately_ticks_now() {
    let start = Instant::now();
    let mut interval = interval(ms(100));
    assert_eq!(tick(&mut interval, start).await, ms(0));
    sleep_until(start + ms(30)).await;
    interval.reset_immediately();
    assert_eq!(tick(&mut interval, start).await, ms(30));
    assert_eq!(clock(start), ms(30));
    assert_eq!(tick(&mut interval, start).await, ms(130));
}

#[eddy::test(start_paused = true)]
async fn reset_after_ticks_after_the_given_time() {
    let start = Instant::now();
    let mut interval = interval(ms(100));
    assert_eq!(tick(&mut interval, start).await, ms(0));
    sleep_until(start + ms(30)).await;
    interval.reset_after(ms(250));
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(280), ms(380)]);
}

#[eddy::test(start_paused = true)]
async fn reset_at_ticks_at_the_deadline() {
    let start = Instant::now();
    let mut interval = interval(ms(100));
    assert_eq!(tick(&mut interval, start).await, ms(0));
    interval.reset_at(start + ms(75));
    assert_eq!(ticks(&mut interval, start, 2).await, [ms(75), ms(175)]);
}

#[eddy::test(start_paused = true)]
async fn reset_at_a_past_deadline_ticks_at_once() {
    let start = Instant::now();
    let mut interval = interval(ms(100));
    assert_eq!(tick(&mut interval, start).await, ms(0));
    // The tick of 100 ms passes unobserved; then the schedule moves to 150 ms, already past.
    sleep_until(start + ms(200)).await;
    interval.reset_at(start + ms(150));
    assert_eq!(tick(&mut interval, start).await, ms(150));
    assert_eq!(clock(start), ms(200));
    // 50 ms late is missed; Burst keeps the new schedule.
    assert_eq!(tick(&mut interval, start).await, ms(250));
}

#[eddy::test(start_paused = true)]
async fn poll_tick_is_ready_then_pending() {
    let start = Instant::now();
    let mut interval = interval(ms(100));
    assert_eq!(poll_fn(|cx| interval.poll_tick(cx)).await, start);
    let polled = poll_fn(|cx| Poll::Ready(interval.poll_tick(cx))).await;
    assert_eq!(polled, Poll::Pending);
    sleep_until(start + ms(102)).await;
    let polled = poll_fn(|cx| Poll::Ready(interval.poll_tick(cx))).await;
    assert_eq!(polled, Poll::Ready(start + ms(100)));
    // 2 ms late is on time: the next tick is still at 200 ms.
    assert_eq!(tick(&mut interval, start).await, ms(200));
}

#[eddy::test(start_paused = true)]
async fn tick_is_cancel_safe() {
    let start = Instant::now();
    let mut interval = interval(ms(100));
    assert_eq!(tick(&mut interval, start).await, ms(0));
    // A tick abandoned halfway loses nothing.
    assert!(time::timeout(ms(50), interval.tick()).await.is_err());
    assert_eq!(clock(start), ms(50));
    assert_eq!(tick(&mut interval, start).await, ms(100));
}

#[eddy::test(start_paused = true)]
async fn accessors() {
    let mut interval = interval(ms(250));
    assert_eq!(interval.period(), ms(250));
    assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Burst);
    interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
    assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Skip);
    interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
    assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Delay);
    // Setting the behaviour leaves the period alone.
    assert_eq!(interval.period(), ms(250));
}

#[eddy::test(start_paused = true)]
async fn the_longest_period_does_not_overflow() {
    let start = Instant::now();
    let mut interval = interval(Duration::MAX);
    assert_eq!(interval.tick().await, start);
    let polled = poll_fn(|cx| Poll::Ready(interval.poll_tick(cx))).await;
    assert!(polled.is_pending());
    interval.reset();
    interval.reset_after(Duration::MAX);
    for behavior in [MissedTickBehavior::Delay, MissedTickBehavior::Skip] {
        interval.set_missed_tick_behavior(behavior);
        interval.reset_at(start);
        sleep_until(start + ms(10)).await;
        // Missed by 10 ms; the next deadline (start or now, plus `Duration::MAX`) overflows.
        assert_eq!(interval.tick().await, start);
        let polled = poll_fn(|cx| Poll::Ready(interval.poll_tick(cx))).await;
        assert!(polled.is_pending(), "{behavior:?}");
    }
}

#[test]
fn missed_tick_behavior_default_and_debug() {
    assert_eq!(MissedTickBehavior::default(), MissedTickBehavior::Burst);
    assert_eq!(format!("{:?}", MissedTickBehavior::Burst), "Burst");
    assert_eq!(format!("{:?}", MissedTickBehavior::Delay), "Delay");
    assert_eq!(format!("{:?}", MissedTickBehavior::Skip), "Skip");
}

#[test]
fn interval_on_the_multi_thread_runtime() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(rt.spawn(async {
        // Real time; the ticks returned are the scheduled instants, so they are exact whatever
        // the machine's load (Burst keeps the schedule).
        let start = Instant::now();
        let mut interval = interval_at(start, ms(1));
        let offsets = ticks(&mut interval, start, 3).await;
        assert_eq!(offsets, [ms(0), ms(1), ms(2)]);
    }))
    .unwrap();
}

/// Runs `f`, which must panic, and returns the panic's message and the file it points at.
fn panic_of<R>(f: impl FnOnce() -> R) -> (String, Option<String>) {
    catch_panic(f).expect("expected a panic")
}

#[test]
fn a_zero_period_panics_at_the_caller() {
    let (message, file) = panic_of(|| interval(Duration::ZERO));
    assert_eq!(message, "`period` must be non-zero.");
    assert_eq!(file.as_deref(), Some(file!()));
    let (message, file) = panic_of(|| interval_at(Instant::now(), Duration::ZERO));
    assert_eq!(message, "`period` must be non-zero.");
    assert_eq!(file.as_deref(), Some(file!()));
}

#[test]
fn a_zero_period_panics_inside_a_runtime_too() {
    let rt = Builder::new_current_thread().enable_time().build().unwrap();
    let _guard = rt.enter();
    let (message, _) = panic_of(|| interval(Duration::ZERO));
    assert_eq!(message, "`period` must be non-zero.");
}

#[test]
fn outside_a_runtime_the_panic_points_at_the_caller() {
    let (_, file) = panic_of(|| interval(ms(1)));
    assert_eq!(file.as_deref(), Some(file!()));
    let (_, file) = panic_of(|| interval_at(Instant::now(), ms(1)));
    assert_eq!(file.as_deref(), Some(file!()));
}
