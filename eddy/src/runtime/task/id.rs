//! Task ids: unique across every runtime in the process.
//!
//! Ids come from one process-wide counter, but a thread takes them in blocks of
//! [`IDS_PER_BLOCK`], so spawning from many threads does not bounce the counter's cache line
//! between cores on every spawn. Ids are therefore unique but not ordered across threads.

use crate::loom::{Ordering, StaticAtomicU64};
use std::cell::Cell;
use std::fmt;
use std::num::NonZeroU64;

/// An opaque id that identifies a task among all tasks of the process, on every runtime.
///
/// Ids are never reused while the process lives. They are unique, but carry no order: a task
/// spawned later may have a smaller id.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = eddy::spawn(async { eddy::task::id() });
/// let id = handle.id();
/// assert_eq!(handle.await.unwrap(), id);
/// # });
/// ```
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, Ord, PartialOrd)]
pub struct Id(pub(crate) NonZeroU64);

/// How many ids a thread reserves at a time.
const IDS_PER_BLOCK: u64 = 256;

static NEXT_BLOCK: StaticAtomicU64 = StaticAtomicU64::new(1);

thread_local! {
    /// The thread's reserved range `[next, end)`; empty when `next == end`.
    static RESERVED: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

impl Id {
    pub(crate) fn next() -> Id {
        let from_block = RESERVED.try_with(|reserved| {
            let (mut next, mut end) = reserved.get();
            if next == end {
                next = NEXT_BLOCK.fetch_add(IDS_PER_BLOCK, Ordering::Relaxed);
                end = next + IDS_PER_BLOCK;
            }
            reserved.set((next + 1, end));
            next
        });
        // During thread teardown the reserve is gone: take a single id.
        let raw = from_block.unwrap_or_else(|_| NEXT_BLOCK.fetch_add(1, Ordering::Relaxed));
        Id(NonZeroU64::new(raw).expect("task id counter overflowed"))
    }

    /// The id as an integer.
    pub(crate) fn as_u64(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
