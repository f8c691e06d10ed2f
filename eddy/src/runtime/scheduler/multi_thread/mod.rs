//! The multi-thread, work-stealing scheduler.
//!
//! Being built piece by piece (issue 4); so far, the per-worker run queue and the
//! idle/searching accounting.

// The worker that drives these parts is not written yet; they are exercised by their unit
// tests and loom models until then.
#[allow(dead_code)]
pub(crate) mod idle;
#[allow(dead_code)]
pub(crate) mod queue;
