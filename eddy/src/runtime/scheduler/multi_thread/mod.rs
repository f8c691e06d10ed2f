//! The multi-thread, work-stealing scheduler: a pool of worker threads, each with its own run
//! queue, stealing from each other when they run dry. How a worker runs, parks and shuts down is
//! written at the top of `worker.rs`; who sleeps and who searches, in `idle.rs`; the run queue's
//! protocol, in `queue.rs`.

mod handle;
pub(crate) mod idle;
pub(crate) mod park;
pub(crate) mod queue;
mod worker;

pub(crate) use handle::Handle;
pub(crate) use worker::{block_in_place, Context, Settings, ThreadConfig};
#[cfg(test)]
pub(crate) use worker::{failing_spawns, tuned_global_queue_interval};

use crate::loom::{thread, StdArc as Arc};
use crate::runtime::{blocking, driver};
use std::io;
use std::time::{Duration, Instant};

/// Default number of workers: one per core the process may use.
pub(crate) fn default_num_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The scheduler a multi-thread `Runtime` owns (its threads are listed in the handle).
pub(crate) struct MultiThread {
    _private: (),
}

impl MultiThread {
    /// Builds the scheduler and starts its workers.
    pub(crate) fn new(
        settings: Settings,
        driver: driver::Driver,
        driver_handle: driver::Handle,
        blocking_spawner: blocking::Spawner,
    ) -> io::Result<(MultiThread, Arc<Handle>)> {
        let (handle, cores) = worker::create(settings, driver, driver_handle, blocking_spawner);
        let scheduler = MultiThread { _private: () };
        if let Err(err) = worker::launch(&handle, cores) {
            // Nothing of a runtime that failed to start outlives the error: the workers that did
            // start stop, and are joined, first.
            scheduler.shutdown(&handle, None);
            return Err(err);
        }
        Ok((scheduler, handle))
    }

    /// Shuts the workers down. With `timeout`, waits at most that long for them to stop; a
    /// worker thread calling this (the runtime dropped inside one of its own tasks) never waits
    /// for itself.
    pub(crate) fn shutdown(&self, handle: &Handle, timeout: Option<Duration>) {
        handle.shutdown();
        let me = thread::current().id();
        let threads = std::mem::take(&mut *handle.shared.thread_joins.lock());
        if threads.iter().any(|join| join.thread().id() == me) {
            return;
        }
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        if !handle.shared.wait_stopped(deadline) {
            return;
        }
        // A `block_in_place` may have started a thread after the list was taken above; its
        // handle is in the list by now (it is pushed under the list's lock, which is held from
        // before the thread exists, and the thread had to run for every worker to stop). Only
        // a thread holding a core starts threads, and every core has stopped: once a take finds
        // the list empty, it stays empty.
        let mut threads = threads;
        while !threads.is_empty() {
            for join in threads {
                // With a timeout, a thread still busy (a task's `block_in_place` closure) is
                // left to finish on its own, as the blocking pool leaves its closures.
                if deadline.is_none() || crate::loom::thread_is_finished(&join) {
                    // A worker's own panics are bugs that were already reported; do not add
                    // one.
                    let _ = join.join();
                }
            }
            threads = std::mem::take(&mut *handle.shared.thread_joins.lock());
        }
    }
}
