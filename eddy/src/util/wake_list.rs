//! A small batch of wakers, collected under a lock and woken after it is released.

use std::task::Waker;

/// How many wakers a batch holds before its owner must release the lock and wake them.
const CAPACITY: usize = 32;

pub(crate) struct WakeList {
    wakers: [Option<Waker>; CAPACITY],
    len: usize,
}

impl WakeList {
    pub(crate) fn new() -> WakeList {
        WakeList {
            wakers: std::array::from_fn(|_| None),
            len: 0,
        }
    }

    pub(crate) fn is_full(&self) -> bool {
        self.len == CAPACITY
    }

    /// # Panics
    /// Panics when full: check `is_full` and `wake_all` first.
    pub(crate) fn push(&mut self, waker: Waker) {
        assert!(!self.is_full(), "WakeList pushed while full");
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    /// Wakes every collected waker, in the order they were pushed, and empties the batch.
    pub(crate) fn wake_all(&mut self) {
        let len = std::mem::take(&mut self.len);
        for slot in &mut self.wakers[..len] {
            if let Some(waker) = slot.take() {
                waker.wake();
            }
        }
    }
}

impl Drop for WakeList {
    fn drop(&mut self) {
        // A batch dropped during a panic still wakes what it holds: a lost wake-up would hang a
        // task forever, a late one only makes it poll once more.
        self.wake_all();
    }
}
