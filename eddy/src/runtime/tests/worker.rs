//! Unit tests of the multi-thread workers' internals.

use crate::runtime::scheduler::multi_thread::tuned_global_queue_interval;
use std::time::Duration;

fn tuned(current: u32, mean_nanos: u64) -> u32 {
    tuned_global_queue_interval(current, Duration::from_nanos(mean_nanos))
}

#[test]
fn tuning_aims_at_the_target_latency_within_bounds() {
    // 200 µs of polls: 3.1 µs each fits 64 of them.
    assert_eq!(tuned(61, 3_100), 64);
    assert_eq!(tuned(61, 3_390), 58);
    assert_eq!(tuned(61, 1), 127, "capped at the maximum");
    assert_eq!(tuned(61, 1_000_000_000), 2, "floored at the minimum");
}

#[test]
fn tuning_ignores_changes_of_two_or_less() {
    // 200 µs / 3.174 µs = 63: two more than now, so no change; likewise 60 and 59.
    assert_eq!(tuned(61, 3_174), 61);
    assert_eq!(tuned(61, 3_333), 61);
    assert_eq!(tuned(61, 3_389), 61);
    // At a bound, the clamped value counts: 127 from 125 is a change of two.
    assert_eq!(tuned(125, 1), 125);
    assert_eq!(tuned(124, 1), 127);
}
