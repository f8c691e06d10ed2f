//! The inject queue: where tasks scheduled from outside a runtime's threads wait.
//!
//! An intrusive FIFO threaded through each task header's `queue_next`, under one mutex, plus an
//! atomic length so that the hot path of a worker ("is anything injected?") is a load, not a
//! lock. Contract: the queue owns one reference (a `Notified`) per linked task, and only the
//! lock holder touches the links of linked tasks. Once `close`d, pushes drop their task (the task
//! was already shut down by `OwnedTasks`, or is about to be), so nothing is stranded after
//! shutdown drains the queue.

use crate::loom::{AtomicUsize, Mutex, Ordering};
use crate::runtime::task::{Header, Notified};
use std::marker::PhantomData;
use std::ptr::NonNull;

pub(crate) struct Inject<S: 'static> {
    synced: Mutex<Synced>,
    /// Number of linked tasks; written under the lock, read without it.
    len: AtomicUsize,
    _scheduler: PhantomData<S>,
}

struct Synced {
    head: Option<NonNull<Header>>,
    tail: Option<NonNull<Header>>,
    is_closed: bool,
}

// SAFETY: the raw pointers are owned `Notified` references (Send), reached only under the lock.
unsafe impl Send for Synced {}

impl<S: 'static> Inject<S> {
    pub(crate) fn new() -> Inject<S> {
        Inject {
            synced: Mutex::new(Synced {
                head: None,
                tail: None,
                is_closed: false,
            }),
            len: AtomicUsize::new(0),
            _scheduler: PhantomData,
        }
    }

    /// Appends a task. After `close`, the task is dropped instead.
    pub(crate) fn push(&self, task: Notified<S>) {
        let mut synced = self.synced.lock();
        if synced.is_closed {
            drop(synced);
            drop(task);
            return;
        }
        let node = task.into_queue_ptr();
        // SAFETY: the queue now owns the `Notified`, hence the node's link; we hold the lock.
        unsafe {
            Header::set_queue_next(node, None);
            match synced.tail {
                Some(tail) => Header::set_queue_next(tail, Some(node)),
                None => synced.head = Some(node),
            }
        }
        synced.tail = Some(node);
        let len = self.len.load(Ordering::Relaxed);
        self.len.store(len + 1, Ordering::Release);
    }

    /// Takes the oldest task.
    pub(crate) fn pop(&self) -> Option<Notified<S>> {
        if self.is_empty() {
            return None;
        }
        let mut synced = self.synced.lock();
        let node = synced.head?;
        // SAFETY: the node is linked here, so we own its link while holding the lock.
        synced.head = unsafe { Header::queue_next(node) };
        if synced.head.is_none() {
            synced.tail = None;
        }
        // SAFETY: as above; the link is cleared before the task leaves the queue.
        unsafe { Header::set_queue_next(node, None) };
        let len = self.len.load(Ordering::Relaxed);
        self.len.store(len - 1, Ordering::Release);
        // SAFETY: the node came from `into_queue_ptr` in `push` and is taken out once.
        Some(unsafe { Notified::from_queue_ptr(node) })
    }

    /// Appends a batch of tasks in one lock, in iteration order (a worker's overflow). After
    /// `close`, the tasks are dropped instead.
    pub(crate) fn push_batch(&self, tasks: impl Iterator<Item = Notified<S>>) {
        // Link the chain first, outside the lock: the batch owns the nodes until it is spliced.
        let mut first: Option<NonNull<Header>> = None;
        let mut last: Option<NonNull<Header>> = None;
        let mut count = 0;
        for task in tasks {
            let node = task.into_queue_ptr();
            // SAFETY: the chain owns each `Notified` taken in, hence its node's link.
            unsafe {
                Header::set_queue_next(node, None);
                match last {
                    Some(last) => Header::set_queue_next(last, Some(node)),
                    None => first = Some(node),
                }
            }
            last = Some(node);
            count += 1;
        }
        let (Some(first), Some(last)) = (first, last) else {
            return;
        };
        let mut synced = self.synced.lock();
        if synced.is_closed {
            drop(synced);
            // Hand the chain to a batch, whose drop releases every task in it.
            drop(InjectBatch::<S> {
                next: Some(first),
                _scheduler: PhantomData,
            });
            return;
        }
        // SAFETY: we hold the lock, and the chain is ours to splice.
        unsafe {
            match synced.tail {
                Some(tail) => Header::set_queue_next(tail, Some(first)),
                None => synced.head = Some(first),
            }
        }
        synced.tail = Some(last);
        let len = self.len.load(Ordering::Relaxed);
        self.len.store(len + count, Ordering::Release);
    }

    /// Takes every queued task at once (one lock for the lot), oldest first.
    pub(crate) fn pop_all(&self) -> InjectBatch<S> {
        if self.is_empty() {
            return InjectBatch::empty();
        }
        let mut synced = self.synced.lock();
        let head = synced.head.take();
        synced.tail = None;
        self.len.store(0, Ordering::Release);
        InjectBatch {
            next: head,
            _scheduler: PhantomData,
        }
    }

    /// Takes up to `max` of the oldest tasks in one lock (a worker refilling its own queue).
    pub(crate) fn pop_n(&self, max: usize) -> InjectBatch<S> {
        if max == 0 || self.is_empty() {
            return InjectBatch::empty();
        }
        let mut synced = self.synced.lock();
        let Some(first) = synced.head else {
            return InjectBatch::empty();
        };
        // Walk to the last node taken and cut the chain after it.
        let mut last = first;
        let mut taken = 1;
        // SAFETY: we hold the lock, so the links of linked nodes are ours to read and write.
        unsafe {
            while taken < max {
                match Header::queue_next(last) {
                    Some(next) => {
                        last = next;
                        taken += 1;
                    }
                    None => break,
                }
            }
            synced.head = Header::queue_next(last);
            Header::set_queue_next(last, None);
        }
        if synced.head.is_none() {
            synced.tail = None;
        }
        let len = self.len.load(Ordering::Relaxed);
        self.len.store(len - taken, Ordering::Release);
        InjectBatch {
            next: Some(first),
            _scheduler: PhantomData,
        }
    }

    /// Number of queued tasks (a snapshot).
    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// True once `close` ran.
    pub(crate) fn is_closed(&self) -> bool {
        self.synced.lock().is_closed
    }

    /// Refuses further pushes. Returns false if it was already closed.
    pub(crate) fn close(&self) -> bool {
        let mut synced = self.synced.lock();
        !std::mem::replace(&mut synced.is_closed, true)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len.load(Ordering::Acquire) == 0
    }
}

/// Tasks taken out of the queue together; they are owned by the batch, so walking their links
/// needs no lock. Dropping the batch drops the tasks left in it.
pub(crate) struct InjectBatch<S: 'static> {
    next: Option<NonNull<Header>>,
    _scheduler: PhantomData<S>,
}

impl<S: 'static> InjectBatch<S> {
    fn empty() -> InjectBatch<S> {
        InjectBatch {
            next: None,
            _scheduler: PhantomData,
        }
    }
}

impl<S: 'static> Iterator for InjectBatch<S> {
    type Item = Notified<S>;

    fn next(&mut self) -> Option<Notified<S>> {
        let node = self.next?;
        // SAFETY: the batch owns every node of the detached chain, hence their links.
        unsafe {
            self.next = Header::queue_next(node);
            Header::set_queue_next(node, None);
        }
        // SAFETY: the node came from `into_queue_ptr` in `push` and leaves the batch once.
        Some(unsafe { Notified::from_queue_ptr(node) })
    }
}

impl<S: 'static> Drop for InjectBatch<S> {
    fn drop(&mut self) {
        for task in self.by_ref() {
            drop(task);
        }
    }
}

// SAFETY: the batch owns `Notified` references, which are `Send`.
unsafe impl<S: 'static> Send for InjectBatch<S> {}

impl<S: 'static> Drop for Inject<S> {
    fn drop(&mut self) {
        // Drop the references of tasks still queued (a runtime that was never driven again).
        while self.pop().is_some() {}
    }
}
