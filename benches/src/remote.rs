//! A long-lived plain thread (no runtime on it) that runs jobs on request.
//!
//! `remote_spawn` needs a foreign thread to spawn from. Starting a fresh
//! thread every iteration would put thread creation inside the timed region,
//! so one thread is started on first use and kept for the whole process.
//! Every contender uses that same thread: with a thread each, how the OS
//! happened to place each pair of threads showed up as differences between
//! the contenders that had nothing to do with them.

use std::sync::{mpsc, OnceLock};
use std::thread;

/// A job for the remote thread.
type Job = Box<dyn FnOnce() + Send>;

/// A plain OS thread that runs submitted jobs one after another.
pub(crate) struct RemoteThread {
    /// Submits jobs to the thread.
    jobs: mpsc::Sender<Job>,
}

impl RemoteThread {
    /// The process-wide remote thread, started on first use.
    pub(crate) fn shared() -> &'static RemoteThread {
        static SHARED: OnceLock<RemoteThread> = OnceLock::new();
        SHARED.get_or_init(RemoteThread::start)
    }

    /// Eight process-wide remote threads (the first is `shared()`'s), started on first use,
    /// for workloads that spawn from several foreign threads at once.
    pub(crate) fn eight() -> &'static [RemoteThread] {
        static EIGHT: OnceLock<Vec<RemoteThread>> = OnceLock::new();
        EIGHT.get_or_init(|| (0..8).map(|_| RemoteThread::start()).collect())
    }

    /// Starts a thread that runs jobs until its sender is dropped.
    fn start() -> RemoteThread {
        let (jobs, incoming) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("remote-spawner".to_owned())
            .spawn(move || {
                for job in incoming {
                    // A panicking job (reported by the panic hook) must not
                    // take the thread down with it: later workloads need it.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .expect("failed to start the remote spawner thread");
        RemoteThread { jobs }
    }

    /// Queues `job` on the remote thread and returns without waiting for it.
    pub(crate) fn run(&self, job: impl FnOnce() + Send + 'static) {
        self.jobs
            .send(Box::new(job))
            .expect("remote spawner thread exited");
    }
}
