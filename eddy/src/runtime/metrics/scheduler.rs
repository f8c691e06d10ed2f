//! Counters of a scheduler as a whole, which any thread may bump.
//!
//! Contract: writers add with a `Relaxed` read-modify-write (several threads schedule remotely
//! at once); readers load with `Relaxed`. The counts order nothing.

use super::ENABLED;
use crate::loom::{AtomicU64, Ordering};

#[derive(Debug, Default)]
pub(crate) struct SchedulerMetrics {
    /// Tasks scheduled through the inject queue.
    remote_schedule_count: AtomicU64,
}

impl SchedulerMetrics {
    pub(crate) fn new() -> SchedulerMetrics {
        SchedulerMetrics::default()
    }

    pub(crate) fn incr_remote_schedule_count(&self) {
        if ENABLED {
            self.remote_schedule_count.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn remote_schedule_count(&self) -> u64 {
        self.remote_schedule_count.load(Ordering::Relaxed)
    }
}
