//! The inject queue: where tasks scheduled from outside a runtime's threads wait.
//!
//! # Shards
//! Every spawn and wake that comes from a thread that is not one of the runtime's (a
//! `Handle::spawn` from a thread pool, a channel sent to from a plain thread) lands here, and so
//! do a worker's overflows. With one lock for all of them, pushers from many threads queue up
//! behind each other, and a pusher preempted while it holds the lock stalls every other one
//! (tokio#8483). So the queue is `SHARDS` independent intrusive FIFOs, each threaded through the
//! task headers' `queue_next` under its own mutex, each on its own cache line. A thread always
//! pushes to the same shard, its *home*, handed out round-robin the first time it pushes; two
//! pushers meet on a lock only when they share a home. Poppers (the workers, a few at a time)
//! look at every shard, starting at one that moves on by one at each of their pops, so a shard
//! whose pusher never stops cannot keep the others waiting.
//!
//! Order: FIFO per shard, hence per pushing thread (a thread's tasks leave in the order it pushed
//! them). Tasks pushed by different threads leave in no particular order relative to each other.
//!
//! # Contract
//! * A shard owns one reference (a `Notified`) per task linked in it. Its `head`, `tail` and
//!   `is_closed`, and the links of the tasks linked in it, are touched only under its lock. A
//!   detached chain (being built by `push_batch`, or taken out as an `InjectBatch`) belongs to
//!   whoever holds it, and only they touch its links.
//! * A shard's `len` counts its linked tasks. It is written only under the shard's lock (a load
//!   and a store, never a read-modify-write), with `Release`, after the links; anyone reads it
//!   without the lock (`Acquire`), as a snapshot. `len()` sums the shards. A pusher stores `len`
//!   before it goes on to wake a worker, which is what the idle contract (`idle.rs`) needs: a
//!   worker whose re-check is ordered after that wake sees the task.
//! * `close` takes every shard's lock in turn and sets its `is_closed`; only then does it set
//!   `closed` (`Release`). A push checks `is_closed` under its shard's lock and drops its task
//!   when it is set (the task was already shut down by `OwnedTasks`, or is about to be). So a
//!   push either links its task before its shard closes, or drops it; and once `close` has
//!   returned, or `is_closed` has answered true (`Acquire`), every shard is closed: a drain that
//!   starts then finds every linked task, and no push links one later. Nothing is stranded.

use crate::loom::{AtomicBool, AtomicUsize, Mutex, Ordering, StaticAtomicU64};
use crate::runtime::task::{Header, Notified};
use crate::util::cache_padded::CachePadded;
use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// Number of shards. Pushers only meet when they share a home shard; poppers and `len()` look at
/// every shard, so more shards cost the common, uncontended case a little. On the 2-core
/// reference machine, 2, 4 and 8 shards and the former single lock measured within noise of each
/// other (`remote_spawn_2_threads` and `remote_spawn_8_threads` in `benches/`, 2026-12-02): two
/// running threads seldom meet on a critical section of a few stores. Four gives the first four
/// pushing threads a lock each on larger machines while keeping a popper's scan to four cache
/// lines; a many-core run of the same benches should revisit it.
pub(crate) const SHARDS: usize = if cfg!(loom) { 2 } else { 4 };

/// Homes handed out so far; the next thread to push gets `NEXT_HOME % SHARDS`. Only spreading
/// matters, not the exact value, so a std counter in a static serves in both builds.
static NEXT_HOME: StaticAtomicU64 = StaticAtomicU64::new(0);

thread_local! {
    /// This thread's home shard (`usize::MAX` until its first push) and how many pops it made
    /// (which moves the shard its next pop starts at).
    static THREAD_SHARDS: Cell<(usize, usize)> = const { Cell::new((usize::MAX, 0)) };
}

pub(crate) struct Inject<S: 'static> {
    shards: Box<[CachePadded<Shard>]>,
    /// True once `close` has closed every shard.
    closed: AtomicBool,
    _scheduler: PhantomData<S>,
}

struct Shard {
    synced: Mutex<Synced>,
    /// Number of tasks linked here; written under the lock, read without it.
    len: AtomicUsize,
}

struct Synced {
    head: Option<NonNull<Header>>,
    tail: Option<NonNull<Header>>,
    is_closed: bool,
}

// SAFETY: the raw pointers are owned `Notified` references (Send), reached only under the lock.
unsafe impl Send for Synced {}

/// A chain of tasks linked through `queue_next`: `first` to `last`, `count` long.
struct Chain {
    first: NonNull<Header>,
    last: NonNull<Header>,
    count: usize,
}

impl<S: 'static> Inject<S> {
    pub(crate) fn new() -> Inject<S> {
        let shards = (0..SHARDS)
            .map(|_| {
                CachePadded(Shard {
                    synced: Mutex::new(Synced {
                        head: None,
                        tail: None,
                        is_closed: false,
                    }),
                    len: AtomicUsize::new(0),
                })
            })
            .collect();
        Inject {
            shards,
            closed: AtomicBool::new(false),
            _scheduler: PhantomData,
        }
    }

    /// Appends a task to this thread's home shard. After `close`, the task is dropped instead.
    pub(crate) fn push(&self, task: Notified<S>) {
        self.push_to_shard(home_shard(), task);
    }

    /// `push`, to shard `shard % SHARDS` (the loom models pick shards themselves).
    pub(crate) fn push_to_shard(&self, shard: usize, task: Notified<S>) {
        let node = task.into_queue_ptr();
        // SAFETY: we own the `Notified` just taken in, hence its node's link.
        unsafe { Header::set_queue_next(node, None) };
        let chain = Chain {
            first: node,
            last: node,
            count: 1,
        };
        // SAFETY: the chain is the one node above, which we own.
        unsafe { self.shard(shard).append::<S>(chain) };
    }

    /// Appends a batch of tasks, in iteration order, to this thread's home shard with one lock
    /// (a worker's overflow). After `close`, the tasks are dropped instead.
    pub(crate) fn push_batch(&self, tasks: impl Iterator<Item = Notified<S>>) {
        // Link the chain first, outside the lock: the batch owns the nodes until it is spliced.
        let mut chain: Option<Chain> = None;
        for task in tasks {
            let node = task.into_queue_ptr();
            // SAFETY: the chain owns each `Notified` taken in, hence its node's link.
            unsafe {
                Header::set_queue_next(node, None);
                match &mut chain {
                    Some(chain) => {
                        Header::set_queue_next(chain.last, Some(node));
                        chain.last = node;
                        chain.count += 1;
                    }
                    None => {
                        chain = Some(Chain {
                            first: node,
                            last: node,
                            count: 1,
                        })
                    }
                }
            }
        }
        if let Some(chain) = chain {
            // SAFETY: the chain was built above from `Notified`s we own.
            unsafe { self.shard(home_shard()).append::<S>(chain) };
        }
    }

    /// Takes the oldest task of some shard.
    pub(crate) fn pop(&self) -> Option<Notified<S>> {
        self.pop_n(1).next()
    }

    /// Takes every queued task (one lock per non-empty shard), oldest first within a shard.
    pub(crate) fn pop_all(&self) -> InjectBatch<S> {
        self.pop_n(usize::MAX)
    }

    /// Takes up to `max` tasks (a worker refilling its own queue): the oldest of one shard, then,
    /// if that shard had fewer, of the next, and so on.
    pub(crate) fn pop_n(&self, max: usize) -> InjectBatch<S> {
        if max == 0 || self.is_empty() {
            return InjectBatch::empty();
        }
        let mut taken: Option<Chain> = None;
        let start = pop_start();
        for offset in 0..SHARDS {
            let wanted = max - taken.as_ref().map_or(0, |taken| taken.count);
            if wanted == 0 {
                break;
            }
            let Some(chain) = self.shard(start.wrapping_add(offset)).take(wanted) else {
                continue;
            };
            match &mut taken {
                Some(taken) => {
                    // SAFETY: both chains are detached from their shards, so ours, with their
                    // links; `taken.last`'s link is `None` until this splice.
                    unsafe { Header::set_queue_next(taken.last, Some(chain.first)) };
                    taken.last = chain.last;
                    taken.count += chain.count;
                }
                None => taken = Some(chain),
            }
        }
        InjectBatch {
            next: taken.map(|taken| taken.first),
            _scheduler: PhantomData,
        }
    }

    /// Number of queued tasks (a snapshot; a sum over the shards, not one atomic read).
    pub(crate) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.len.load(Ordering::Acquire))
            .sum()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.shards
            .iter()
            .all(|shard| shard.len.load(Ordering::Acquire) == 0)
    }

    /// True once `close` has closed every shard (it may already be under way when this says
    /// false).
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Refuses further pushes: once this returns, every push drops its task. Returns false if
    /// another call got there first (which may still be closing the last shards; this one
    /// closes them too, so either call returns only when all are closed).
    pub(crate) fn close(&self) -> bool {
        let mut first = false;
        for (index, shard) in self.shards.iter().enumerate() {
            let was_closed = std::mem::replace(&mut shard.synced.lock().is_closed, true);
            // Shard 0's lock orders the callers: the first to get it is the first closer.
            if index == 0 {
                first = !was_closed;
            }
        }
        self.closed.store(true, Ordering::Release);
        first
    }

    fn shard(&self, index: usize) -> &Shard {
        &self.shards[index % SHARDS]
    }
}

impl Shard {
    /// Links `chain` at the tail, or, when the shard is closed, drops its tasks.
    ///
    /// # Safety
    /// The caller owns `chain`: its nodes came from `Notified::into_queue_ptr` for scheduler `S`,
    /// they are linked first to last, `last`'s link is `None`, and nothing else refers to them.
    unsafe fn append<S: 'static>(&self, chain: Chain) {
        let mut synced = self.synced.lock();
        if synced.is_closed {
            drop(synced);
            // Hand the chain to a batch, whose drop releases every task in it.
            drop(InjectBatch::<S> {
                next: Some(chain.first),
                _scheduler: PhantomData,
            });
            return;
        }
        // SAFETY: we hold the lock, so the tail's link is ours; the chain is ours (caller).
        unsafe {
            match synced.tail {
                Some(tail) => Header::set_queue_next(tail, Some(chain.first)),
                None => synced.head = Some(chain.first),
            }
        }
        synced.tail = Some(chain.last);
        let len = self.len.load(Ordering::Relaxed);
        self.len.store(len + chain.count, Ordering::Release);
    }

    /// Detaches up to `max` (at least one) of the oldest tasks; `None` if the shard is empty.
    fn take(&self, max: usize) -> Option<Chain> {
        if self.len.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut synced = self.synced.lock();
        let first = synced.head?;
        let len = self.len.load(Ordering::Relaxed);
        let chain = if max >= len {
            // Everything: no walk needed.
            synced.head = None;
            let last = synced.tail.take().expect("a shard with a head has a tail");
            Chain {
                first,
                last,
                count: len,
            }
        } else {
            // Walk to the last node taken and cut the chain after it.
            let mut last = first;
            let mut count = 1;
            // SAFETY: we hold the lock, so the links of linked nodes are ours to read and write.
            unsafe {
                while count < max {
                    match Header::queue_next(last) {
                        Some(next) => {
                            last = next;
                            count += 1;
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
            Chain { first, last, count }
        };
        self.len.store(len - chain.count, Ordering::Release);
        Some(chain)
    }
}

/// This thread's home shard, handed out on first use.
///
/// Under loom it is always shard 0, and pops start there too: a std thread-local outlives a
/// model's executions (and loom runs every model thread on one OS thread), so it would make one
/// execution differ from the next. The models pick shards with `push_to_shard`.
fn home_shard() -> usize {
    if cfg!(loom) {
        return 0;
    }
    THREAD_SHARDS
        .try_with(|shards| {
            let (home, pops) = shards.get();
            if home != usize::MAX {
                return home;
            }
            let home = NEXT_HOME.fetch_add(1, Ordering::Relaxed) as usize % SHARDS;
            shards.set((home, pops));
            home
        })
        // During thread teardown: any shard will do.
        .unwrap_or(0)
}

/// The shard this thread's next pop starts at: its home, moved on by one per pop.
fn pop_start() -> usize {
    if cfg!(loom) {
        return 0;
    }
    THREAD_SHARDS
        .try_with(|shards| {
            let (home, pops) = shards.get();
            shards.set((home, pops.wrapping_add(1)));
            home.wrapping_add(pops)
        })
        .unwrap_or(0)
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
        // SAFETY: the node came from `into_queue_ptr` in a push and leaves the batch once.
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
        drop(self.pop_all());
    }
}
