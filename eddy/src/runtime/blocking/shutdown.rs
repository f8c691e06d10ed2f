//! A countdown latch: the pool's shutdown waits until every blocking thread has let go of its
//! `Sender`, or until a timeout.

use crate::loom::{Arc, Condvar, Mutex};
use crate::runtime::context;
use crate::util::error;
use std::time::{Duration, Instant};

/// Held by each blocking thread (and by the pool until shutdown begins).
pub(super) struct Sender {
    inner: Arc<Inner>,
}

pub(super) struct Receiver {
    inner: Arc<Inner>,
}

struct Inner {
    senders: Mutex<usize>,
    condvar: Condvar,
}

pub(super) fn channel() -> (Sender, Receiver) {
    let inner = Arc::new(Inner {
        senders: Mutex::new(1),
        condvar: Condvar::new(),
    });
    (
        Sender {
            inner: inner.clone(),
        },
        Receiver { inner },
    )
}

impl Clone for Sender {
    fn clone(&self) -> Sender {
        *self.inner.senders.lock() += 1;
        Sender {
            inner: self.inner.clone(),
        }
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        let mut senders = self.inner.senders.lock();
        *senders -= 1;
        if *senders == 0 {
            self.inner.condvar.notify_all();
        }
    }
}

impl Receiver {
    /// Waits until every `Sender` but `own` is dropped: `own` is 1 when the caller is itself a
    /// pool thread holding one (it cannot drop it while it waits). `Some(d)` waits at most `d`
    /// (zero: not at all). Returns true when they all were.
    ///
    /// Panics when called on a thread that drives a runtime: blocking there would stall it.
    pub(super) fn wait(&mut self, timeout: Option<Duration>, own: usize) -> bool {
        if timeout == Some(Duration::ZERO) {
            return false;
        }
        let Some(_blocking) = context::try_enter_blocking_region() else {
            if std::thread::panicking() {
                // Already unwinding: don't turn it into an abort.
                return false;
            }
            panic!("{}", error::DROP_RUNTIME_IN_ASYNC);
        };
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        let mut senders = self.inner.senders.lock();
        while *senders > own {
            match deadline {
                None => senders = self.inner.condvar.wait(senders),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return false;
                    }
                    senders = self.inner.condvar.wait_timeout(senders, deadline - now).0;
                }
            }
        }
        true
    }
}
