//! The multi-thread, work-stealing scheduler.
//!
//! Being built piece by piece (issue 4); so far, the per-worker run queue.

// The worker that drives these queues is not written yet; the queue is exercised by its unit
// tests and loom models until then.
#[allow(dead_code)]
pub(crate) mod queue;
