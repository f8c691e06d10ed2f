//! The run queue of one worker: a bounded ring with one producer, its worker, and any number of
//! stealers, the other workers.
//!
//! The owner pushes at the tail and pops at the head; a stealer takes about half of the queue at
//! the head, in two steps (claim, then copy and release), so the owner never waits on it.
//!
//! Contract (all counters are `u32` and wrap; `CAPACITY` divides 2^32):
//! * `tail` is written only by the owner. The slots in `[real, tail)` hold `Notified` tasks.
//! * `head` packs two cursors, `steal` (high half) and `real` (low half). `real` is the next task
//!   to hand out. `steal` trails it while a stealer copies the slots `[steal, real)` it claimed;
//!   otherwise `steal == real`. Only one steal is in flight at a time: a stealer that finds
//!   `steal != real` takes nothing.
//! * The owner writes the slot at `tail` only while `tail - steal < CAPACITY`, so it never
//!   overwrites a slot that a stealer is still copying out.
//! * Moving `real` forward with a CAS on `head` transfers the slots passed over to whoever moved
//!   it (the owner popping, the owner moving half to the inject queue, or a stealer claiming).
//!   The owner publishes a written slot with a `Release` store of `tail`; readers of a slot load
//!   `tail` (or `head`, after the owner's pop) with `Acquire` first.

use crate::loom::{Arc, AtomicU32, AtomicU64, Ordering, UnsafeCell};
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::task::Notified;
use std::mem::MaybeUninit;

/// Slots per worker queue. Small under loom, so that the models reach a full queue.
#[cfg(not(loom))]
pub(crate) const CAPACITY: usize = 256;
#[cfg(loom)]
pub(crate) const CAPACITY: usize = 4;

const MASK: usize = CAPACITY - 1;
/// Tasks moved to the inject queue when the ring is full (plus the one being pushed).
const OVERFLOW_BATCH: u32 = (CAPACITY / 2) as u32;

struct Inner<S: 'static> {
    head: AtomicU64,
    tail: AtomicU32,
    buffer: Box<[UnsafeCell<MaybeUninit<Notified<S>>>]>,
}

// SAFETY: the slots hold `Notified`s (which are `Send`), and are only read or written by whoever
// the contract gives them to.
unsafe impl<S: 'static> Send for Inner<S> {}
// SAFETY: as above.
unsafe impl<S: 'static> Sync for Inner<S> {}

/// The owner's end: push and pop. Exactly one exists per queue.
pub(crate) struct Local<S: 'static> {
    inner: Arc<Inner<S>>,
}

/// A stealer's end, held by every other worker.
pub(crate) struct Steal<S: 'static>(Arc<Inner<S>>);

/// A new empty queue: the stealing end and the owner's end.
pub(crate) fn local<S: 'static>() -> (Steal<S>, Local<S>) {
    local_starting_at(0)
}

/// A new empty queue whose cursors start at `position` (tests start near `u32::MAX` to cross
/// the wrap).
pub(crate) fn local_starting_at<S: 'static>(position: u32) -> (Steal<S>, Local<S>) {
    let buffer = (0..CAPACITY)
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    let inner = Arc::new(Inner {
        head: AtomicU64::new(pack(position, position)),
        tail: AtomicU32::new(position),
        buffer,
    });
    (Steal(inner.clone()), Local { inner })
}

fn pack(steal: u32, real: u32) -> u64 {
    (u64::from(steal) << 32) | u64::from(real)
}

fn unpack(head: u64) -> (u32, u32) {
    ((head >> 32) as u32, head as u32)
}

impl<S: 'static> Inner<S> {
    /// # Safety
    /// The caller owns the slot at `position` (contract) and it holds a task.
    unsafe fn take_slot(&self, position: u32) -> Notified<S> {
        let slot = &self.buffer[position as usize & MASK];
        // SAFETY: owned and initialised (caller); the task moves out exactly once.
        slot.with(|ptr| unsafe { (*ptr).assume_init_read() })
    }

    /// # Safety
    /// The caller owns the slot at `position` (contract) and it is empty.
    unsafe fn put_slot(&self, position: u32, task: Notified<S>) {
        let slot = &self.buffer[position as usize & MASK];
        // SAFETY: owned and empty (caller).
        slot.with_mut(|ptr| unsafe { (*ptr).write(task) });
    }

    fn len(&self) -> u32 {
        let (_, real) = unpack(self.head.load(Ordering::Acquire));
        self.tail.load(Ordering::Acquire).wrapping_sub(real)
    }
}

impl<S: 'static> Local<S> {
    /// Tasks waiting in this queue.
    pub(crate) fn len(&self) -> usize {
        self.inner.len() as usize
    }

    /// Slots the owner can still fill before the queue overflows.
    pub(crate) fn remaining_slots(&self) -> usize {
        let (steal, _) = unpack(self.inner.head.load(Ordering::Acquire));
        let tail = self.inner.tail.load(Ordering::Relaxed);
        CAPACITY - tail.wrapping_sub(steal) as usize
    }

    /// True when the queue holds at least one task.
    pub(crate) fn has_tasks(&self) -> bool {
        self.inner.len() > 0
    }

    /// Pushes `task` at the tail. When the ring is full, half of it and `task` move to `inject`
    /// in one batch; returns true then (the worker counts overflows).
    pub(crate) fn push_back_or_overflow(
        &mut self,
        mut task: Notified<S>,
        inject: &Inject<S>,
    ) -> bool {
        let inner = &*self.inner;
        // Only the owner writes `tail`.
        let tail = inner.tail.load(Ordering::Relaxed);
        loop {
            let (steal, real) = unpack(inner.head.load(Ordering::Acquire));
            if tail.wrapping_sub(steal) < CAPACITY as u32 {
                break;
            }
            if steal != real {
                // Full, and a stealer is about to free half of it: do not wait for it.
                inject.push(task);
                return true;
            }
            match self.push_overflow(task, real, tail, inject) {
                Ok(()) => return true,
                // A stealer claimed tasks meanwhile: there may be room now.
                Err(refused) => task = refused,
            }
        }
        // SAFETY: `tail - steal < CAPACITY`: the slot at `tail` is the owner's and empty.
        unsafe { inner.put_slot(tail, task) };
        inner.tail.store(tail.wrapping_add(1), Ordering::Release);
        false
    }

    /// Moves the oldest `OVERFLOW_BATCH` tasks and `task` to `inject`, or gives `task` back when
    /// a stealer moved the head first.
    fn push_overflow(
        &self,
        task: Notified<S>,
        head: u32,
        tail: u32,
        inject: &Inject<S>,
    ) -> Result<(), Notified<S>> {
        let inner = &*self.inner;
        assert_eq!(
            tail.wrapping_sub(head),
            CAPACITY as u32,
            "overflow of a queue that is not full; this is a bug in eddy"
        );
        let claimed = head.wrapping_add(OVERFLOW_BATCH);
        if inner
            .head
            .compare_exchange(
                pack(head, head),
                pack(claimed, claimed),
                Ordering::Release,
                Ordering::Relaxed,
            )
            .is_err()
        {
            return Err(task);
        }
        let batch = (0..OVERFLOW_BATCH).map(|i| {
            // SAFETY: the CAS moved `real` past these slots: they are ours, each taken once.
            unsafe { inner.take_slot(head.wrapping_add(i)) }
        });
        inject.push_batch(batch.chain(std::iter::once(task)));
        Ok(())
    }

    /// Takes the task at the head.
    pub(crate) fn pop(&mut self) -> Option<Notified<S>> {
        let inner = &*self.inner;
        let mut head = inner.head.load(Ordering::Acquire);
        let position = loop {
            let (steal, real) = unpack(head);
            if real == inner.tail.load(Ordering::Relaxed) {
                return None;
            }
            let next_real = real.wrapping_add(1);
            // Without a steal in flight both cursors move; with one, `steal` stays for the
            // stealer to release.
            let next = if steal == real {
                pack(next_real, next_real)
            } else {
                pack(steal, next_real)
            };
            match inner
                .head
                .compare_exchange(head, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break real,
                Err(actual) => head = actual,
            }
        };
        // SAFETY: the CAS moved `real` past this slot: it is ours.
        Some(unsafe { inner.take_slot(position) })
    }
}

impl<S: 'static> Steal<S> {
    /// True when the queue looks empty (a racy hint for searching workers).
    pub(crate) fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// Tasks in the queue (a snapshot, for metrics).
    pub(crate) fn len(&self) -> usize {
        self.0.len() as usize
    }

    /// Takes about half of this queue into `dst` (the thief's own queue) and returns one of the
    /// stolen tasks to run at once. `None` when there was nothing to take, another steal was in
    /// flight, or `dst` has less than half of its slots free.
    #[cfg(test)]
    pub(crate) fn steal_into(&self, dst: &mut Local<S>) -> Option<Notified<S>> {
        self.steal_into_counted(dst).map(|(task, _)| task)
    }

    /// Like `steal_into`, also telling how many tasks moved (the one returned included).
    pub(crate) fn steal_into_counted(&self, dst: &mut Local<S>) -> Option<(Notified<S>, u32)> {
        let dst_inner = &*dst.inner;
        let dst_tail = dst_inner.tail.load(Ordering::Relaxed);
        let (dst_steal, _) = unpack(dst_inner.head.load(Ordering::Acquire));
        if dst_tail.wrapping_sub(dst_steal) > (CAPACITY / 2) as u32 {
            return None;
        }
        let count = self.claim_and_copy(dst_inner, dst_tail);
        if count == 0 {
            return None;
        }
        // The last task copied is run at once; the rest are published to `dst`.
        let last = dst_tail.wrapping_add(count - 1);
        // SAFETY: `dst` is the thief's own queue and the slot was just written by this thread,
        // beyond its published tail.
        let task = unsafe { dst_inner.take_slot(last) };
        if count > 1 {
            dst_inner.tail.store(last, Ordering::Release);
        }
        Some((task, count))
    }

    /// Claims half of this queue, copies it into `dst` from `dst_tail` on, and releases the
    /// claim. Returns how many tasks moved.
    fn claim_and_copy(&self, dst: &Inner<S>, dst_tail: u32) -> u32 {
        let src = &*self.0;
        let mut head = src.head.load(Ordering::Acquire);
        let (first, count, claimed) = loop {
            let (steal, real) = unpack(head);
            if steal != real {
                return 0;
            }
            let available = src.tail.load(Ordering::Acquire).wrapping_sub(real);
            let count = available - available / 2;
            if count == 0 {
                return 0;
            }
            // Move `real` past the claimed tasks; `steal` stays behind until they are copied.
            let claimed = pack(steal, real.wrapping_add(count));
            match src
                .head
                .compare_exchange(head, claimed, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => break (real, count, claimed),
                Err(actual) => head = actual,
            }
        };
        assert!(
            count as usize <= CAPACITY / 2,
            "stole more than half a queue; this is a bug in eddy"
        );
        for i in 0..count {
            // SAFETY: the claim gave us the source slots; the destination slots lie past the
            // thief's own tail, with at least half the ring free (checked by the caller).
            unsafe {
                let task = src.take_slot(first.wrapping_add(i));
                dst.put_slot(dst_tail.wrapping_add(i), task);
            }
        }
        // Release the claim: `steal` catches up with `real`, which the owner may have moved on.
        let mut head = claimed;
        loop {
            let (steal, real) = unpack(head);
            assert_eq!(
                steal, first,
                "a second steal was in flight; this is a bug in eddy"
            );
            match src.head.compare_exchange(
                head,
                pack(real, real),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return count,
                Err(actual) => head = actual,
            }
        }
    }
}

impl<S: 'static> Clone for Steal<S> {
    fn clone(&self) -> Steal<S> {
        Steal(self.0.clone())
    }
}

impl<S: 'static> Drop for Local<S> {
    /// Drops the tasks still queued (only references: a worker shuts its tasks down through
    /// `OwnedTasks` before it lets go of its queue).
    fn drop(&mut self) {
        while let Some(task) = self.pop() {
            drop(task);
        }
    }
}
