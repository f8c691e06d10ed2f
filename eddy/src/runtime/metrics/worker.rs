//! What one worker has counted, readable from any thread.
//!
//! Contract: only the worker writes these, and only when it flushes its `MetricsBatch` (at a
//! park and at maintenance), with plain stores of its running totals; readers load them with
//! `Relaxed` and see the state of the last flush. Nothing here is touched per poll. The
//! poll-time histogram follows the same rule (histogram.rs).

use super::histogram::{Histogram, Layout};
use crate::loom::{AtomicU64, AtomicUsize, Mutex, Ordering};
use std::thread::ThreadId;

#[derive(Debug, Default)]
pub(crate) struct WorkerMetrics {
    pub(crate) park_count: AtomicU64,
    pub(crate) park_unpark_count: AtomicU64,
    pub(crate) noop_count: AtomicU64,
    pub(crate) steal_count: AtomicU64,
    pub(crate) steal_operations: AtomicU64,
    pub(crate) poll_count: AtomicU64,
    pub(crate) local_schedule_count: AtomicU64,
    pub(crate) overflow_count: AtomicU64,
    pub(crate) budget_forced_yield_count: AtomicU64,
    /// Nanoseconds spent running tasks (between an unpark and the next park).
    pub(crate) busy_duration_total: AtomicU64,
    /// Moving average of a poll's duration, in nanoseconds.
    pub(crate) mean_poll_time: AtomicU64,
    /// The worker's local queue depth at the last flush (the current-thread runtime; the
    /// multi-thread one reads its queues directly).
    pub(crate) queue_depth: AtomicUsize,
    pub(crate) thread_id: Mutex<Option<ThreadId>>,
    /// Present when the runtime was built with `enable_metrics_poll_time_histogram`.
    pub(crate) poll_time_histogram: Option<Histogram>,
}

impl WorkerMetrics {
    /// A worker's counters, with a poll-time histogram of `histogram`'s layout if given (and
    /// metrics are compiled in).
    pub(crate) fn new(histogram: Option<Layout>) -> WorkerMetrics {
        WorkerMetrics {
            poll_time_histogram: histogram.filter(|_| super::ENABLED).map(Histogram::new),
            ..WorkerMetrics::default()
        }
    }

    pub(crate) fn set_thread_id(&self, id: Option<ThreadId>) {
        *self.thread_id.lock() = id;
    }

    pub(crate) fn load(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}
