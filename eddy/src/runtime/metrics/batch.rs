//! A worker's counters, kept in its core as plain integers and published to its
//! `WorkerMetrics` in one go at each park and maintenance (see the contract in `worker.rs`).
//!
//! With `--cfg eddy_no_metrics` (`super::ENABLED` false) only what the scheduler itself needs
//! is kept: the poll count and the busy stretches behind the moving average of poll time, from
//! which the multi-thread workers tune `global_queue_interval`. Everything else compiles to
//! nothing, and nothing is published.

use super::histogram::{duration_nanos, HistogramBatch};
use super::worker::WorkerMetrics;
use super::ENABLED;
use crate::loom::Ordering;
use std::time::{Duration, Instant};

/// Weight of the newest batch in the moving average of poll time.
const POLL_TIME_EWMA_WEIGHT: f64 = 0.1;

#[derive(Debug)]
pub(crate) struct MetricsBatch {
    park_count: u64,
    park_unpark_count: u64,
    noop_count: u64,
    steal_count: u64,
    steal_operations: u64,
    poll_count: u64,
    local_schedule_count: u64,
    overflow_count: u64,
    budget_forced_yield_count: u64,
    busy_duration_total: u64,
    /// Moving average of a poll's duration, in nanoseconds (0 until the first batch).
    mean_poll_time: f64,
    /// When the current stretch of running tasks began, and the poll count then.
    processing_started: Option<(Instant, u64)>,
    /// The poll count at the last unpark, to tell a wake-up that found nothing to do.
    polls_at_unpark: u64,
    /// Present only with the poll-time histogram: without it a poll costs one branch here.
    poll_timer: Option<PollTimer>,
}

/// Times each poll into the worker's histogram.
#[derive(Debug)]
struct PollTimer {
    histogram: HistogramBatch,
    /// When the poll under way started.
    poll_started_at: Instant,
}

impl MetricsBatch {
    /// A batch for the worker that publishes to `worker` (and times polls if `worker` has a
    /// poll-time histogram).
    pub(crate) fn new(worker: &WorkerMetrics) -> MetricsBatch {
        let poll_timer = worker
            .poll_time_histogram
            .as_ref()
            .map(|histogram| PollTimer {
                histogram: HistogramBatch::new(histogram),
                poll_started_at: Instant::now(),
            });
        MetricsBatch {
            park_count: 0,
            park_unpark_count: 0,
            noop_count: 0,
            steal_count: 0,
            steal_operations: 0,
            poll_count: 0,
            local_schedule_count: 0,
            overflow_count: 0,
            budget_forced_yield_count: 0,
            busy_duration_total: 0,
            mean_poll_time: 0.0,
            processing_started: None,
            polls_at_unpark: 0,
            poll_timer,
        }
    }

    /// A task is about to be polled.
    pub(crate) fn start_poll(&mut self) {
        self.poll_count += 1;
        if let Some(timer) = &mut self.poll_timer {
            timer.poll_started_at = Instant::now();
        }
    }

    /// The poll `start_poll` announced starts only now: the time since was the scheduler's.
    pub(crate) fn restart_poll_timer(&mut self) {
        if let Some(timer) = &mut self.poll_timer {
            timer.poll_started_at = Instant::now();
        }
    }

    /// The poll `start_poll` announced has returned.
    pub(crate) fn end_poll(&mut self) {
        if let Some(timer) = &mut self.poll_timer {
            let elapsed = timer.poll_started_at.elapsed();
            timer.histogram.measure(duration_nanos(elapsed));
        }
    }

    pub(crate) fn incr_local_schedule_count(&mut self) {
        if ENABLED {
            self.local_schedule_count += 1;
        }
    }

    pub(crate) fn incr_overflow_count(&mut self) {
        if ENABLED {
            self.overflow_count += 1;
        }
    }

    pub(crate) fn incr_budget_forced_yield_count(&mut self) {
        if ENABLED {
            self.budget_forced_yield_count += 1;
        }
    }

    pub(crate) fn incr_steal(&mut self, tasks: u64) {
        if ENABLED {
            self.steal_operations += 1;
            self.steal_count += tasks;
        }
    }

    /// The worker starts running tasks (after an unpark, or after maintenance).
    pub(crate) fn start_processing(&mut self) {
        self.processing_started = Some((Instant::now(), self.poll_count));
    }

    /// The worker stops running tasks: adds the stretch to the busy time and the poll time.
    pub(crate) fn end_processing(&mut self) {
        let Some((started, polls_before)) = self.processing_started.take() else {
            return;
        };
        let elapsed = duration_nanos(started.elapsed());
        if ENABLED {
            self.busy_duration_total += elapsed;
        }
        let polls = self.poll_count - polls_before;
        if polls > 0 {
            let per_poll = elapsed as f64 / polls as f64;
            self.mean_poll_time = if self.mean_poll_time == 0.0 {
                per_poll
            } else {
                self.mean_poll_time * (1.0 - POLL_TIME_EWMA_WEIGHT)
                    + per_poll * POLL_TIME_EWMA_WEIGHT
            };
        }
    }

    pub(crate) fn about_to_park(&mut self) {
        self.end_processing();
        if ENABLED {
            self.park_count += 1;
            self.park_unpark_count += 1;
            if self.poll_count == self.polls_at_unpark {
                self.noop_count += 1;
            }
        }
    }

    pub(crate) fn unparked(&mut self) {
        if ENABLED {
            self.park_unpark_count += 1;
            self.polls_at_unpark = self.poll_count;
        }
        self.start_processing();
    }

    /// The moving average of a poll's duration, if any poll was timed yet.
    pub(crate) fn mean_poll_time(&self) -> Option<Duration> {
        (self.mean_poll_time > 0.0).then(|| Duration::from_nanos(self.mean_poll_time as u64))
    }

    /// Publishes the running totals (contract in `worker.rs`).
    pub(crate) fn submit(&self, worker: &WorkerMetrics, queue_depth: usize) {
        if !ENABLED {
            return;
        }
        let store = |counter: &crate::loom::AtomicU64, value: u64| {
            counter.store(value, Ordering::Relaxed);
        };
        store(&worker.park_count, self.park_count);
        store(&worker.park_unpark_count, self.park_unpark_count);
        store(&worker.noop_count, self.noop_count);
        store(&worker.steal_count, self.steal_count);
        store(&worker.steal_operations, self.steal_operations);
        store(&worker.poll_count, self.poll_count);
        store(&worker.local_schedule_count, self.local_schedule_count);
        store(&worker.overflow_count, self.overflow_count);
        store(
            &worker.budget_forced_yield_count,
            self.budget_forced_yield_count,
        );
        store(&worker.busy_duration_total, self.busy_duration_total);
        store(&worker.mean_poll_time, self.mean_poll_time as u64);
        worker.queue_depth.store(queue_depth, Ordering::Relaxed);
        if let (Some(timer), Some(histogram)) = (&self.poll_timer, &worker.poll_time_histogram) {
            timer.histogram.submit(histogram);
        }
    }
}
