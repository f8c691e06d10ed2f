//! `OwnedTasks`: every live task of one runtime, so that shutdown can reach the idle ones.
//!
//! The list is sharded by task id; each shard is an intrusive list under its own mutex, so
//! spawns and completions on different workers rarely meet on one lock. Contract:
//!
//! * `bind_unsend` links a new task while holding its shard's lock and checks `closed` **under that
//!   lock**; `close_and_shutdown_all` sets `closed` before it visits any shard. A task is therefore
//!   either linked before its shard is drained (and gets shut down there) or refused at bind
//!   (and shut down at once); none is missed.
//! * The list holds one reference per linked task (the `Task` handle). `remove` hands it back.
//! * A task's `owner_id` is written once at bind, before the task is shared, and names this list;
//!   `remove` refuses tasks of other lists.
//! * Besides the locked shards there is one **unlocked local half**, for schedulers where a single
//!   thread at a time owns all task completion (the current-thread scheduler: the thread holding
//!   its core). `bind_local`, and `remove`/`close_and_shutdown_all`/`is_empty` when local tasks
//!   exist, are `unsafe` and require that exclusive ownership; handing the core to another
//!   thread goes through a mutex, which orders one owner's accesses before the next one's. A
//!   task records at bind which half it is in (a bit of `Header::owner_id`), so `remove` needs no
//!   guess. The local half saves a lock and an unlock per spawn and per completion.

use super::core::Header;
use super::{Id, NewTask, Notified, Schedule, Task};
use crate::loom::{AtomicBool, AtomicU64, Mutex, Ordering, StaticAtomicU64, UnsafeCell};
use crate::util::cache_padded::CachePadded;
use crate::util::linked_list::{self, LinkedList};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// Runtime ids; also the owner ids of `OwnedTasks`. Starts at 1 so 0 can mean "unowned".
static NEXT_OWNER_ID: StaticAtomicU64 = StaticAtomicU64::new(1);

pub(crate) struct OwnedTasks<S: 'static> {
    shards: Box<[Shard<S>]>,
    /// The unlocked half; only the exclusive owner touches it (module contract).
    local: UnsafeCell<LinkedList<TaskLink<S>>>,
    /// Tasks bound into and removed from the local half: written only by the exclusive owner
    /// (a load and a store, no read-modify-write), read by metrics from anywhere.
    local_bound: AtomicU64,
    local_removed: AtomicU64,
    shard_mask: usize,
    closed: AtomicBool,
    id: u64,
}

struct TaskLink<S>(PhantomData<S>);

/// One locked part of the list, on its own cache line(s).
type Shard<S> = CachePadded<Mutex<ShardList<S>>>;

/// The tasks of one shard, and how many ever came and went (for metrics).
struct ShardList<S: 'static> {
    tasks: LinkedList<TaskLink<S>>,
    bound: u64,
    removed: u64,
}

// SAFETY: the local half is only touched by the exclusive owner (module contract); everything
// else is behind locks or atomics.
unsafe impl<S: 'static> Sync for OwnedTasks<S> {}
// SAFETY: the list holds `Task` handles, which are `Send`.
unsafe impl<S: 'static> Send for OwnedTasks<S> {}

// SAFETY: `pointers` returns the `owned` links of the task's own trailer; the list holds a
// `Task` (one reference) per linked node, which keeps the node alive.
unsafe impl<S: 'static> linked_list::Link for TaskLink<S> {
    type Handle = Task<S>;
    type Target = Header;

    fn as_raw(handle: &Task<S>) -> NonNull<Header> {
        handle.raw.header_ptr()
    }

    unsafe fn from_raw(ptr: NonNull<Header>) -> Task<S> {
        // SAFETY: the pointer came from a `Task` whose reference the list kept.
        unsafe { Task::from_raw(ptr) }
    }

    unsafe fn pointers(target: NonNull<Header>) -> NonNull<linked_list::Pointers<Header>> {
        // SAFETY: `target` is alive (caller); we take the address of a field of its trailer.
        unsafe {
            let trailer = Header::trailer(target);
            NonNull::from(&(*trailer.as_ptr()).owned)
        }
    }
}

impl<S: Schedule> OwnedTasks<S> {
    /// A list sized for `num_workers` threads that bind and release concurrently.
    pub(crate) fn new(num_workers: usize) -> OwnedTasks<S> {
        let num_shards = if cfg!(loom) {
            // Task ids differ between model iterations; with one shard the shard a task lands
            // in (and so the model's schedule) does not depend on its id.
            1
        } else {
            (num_workers.max(1).next_power_of_two() * 4).min(1 << 16)
        };
        let shards = (0..num_shards)
            .map(|_| {
                CachePadded(Mutex::new(ShardList {
                    tasks: LinkedList::new(),
                    bound: 0,
                    removed: 0,
                }))
            })
            .collect();
        let id = NEXT_OWNER_ID.fetch_add(1, Ordering::Relaxed);
        OwnedTasks {
            shards,
            shard_mask: num_shards - 1,
            local: UnsafeCell::new(LinkedList::new()),
            local_bound: AtomicU64::new(0),
            local_removed: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            id,
        }
    }

    /// The id of this list, which is also the runtime's id.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Links a new task. Returns `None` when the list is closed: the task is then already
    /// cancelled, and its JoinHandle resolves to a cancelled error.
    ///
    /// # Safety
    /// Unless the task's future and output are `Send`, the scheduler polls the task only on one
    /// thread, the caller's, and every drop of its future or output happens there too (a
    /// `LocalSet`, a `LocalRuntime`).
    pub(crate) unsafe fn bind_unsend(&self, new: NewTask<S>) -> Option<Notified<S>> {
        let NewTask { task, notified } = new;
        // SAFETY: the task is not shared with any thread yet.
        unsafe { task.header().set_owner(self.id, false) };
        let mut shard = self.shard_for(task.header().id).lock();
        if self.closed.load(Ordering::Acquire) {
            drop(shard);
            drop(notified);
            task.shutdown();
            return None;
        }
        shard.tasks.push_front(task);
        shard.bound += 1;
        Some(notified)
    }

    /// Like `bind_unsend`, into the unlocked local half.
    ///
    /// # Safety
    /// The caller is the list's exclusive owner (module contract). Unless the task's future and
    /// output are `Send`, the requirement of `bind_unsend` holds too.
    pub(crate) unsafe fn bind_local(&self, new: NewTask<S>) -> Option<Notified<S>> {
        let NewTask { task, notified } = new;
        // SAFETY: the task is not shared with any thread yet.
        unsafe { task.header().set_owner(self.id, true) };
        if self.closed.load(Ordering::Acquire) {
            drop(notified);
            task.shutdown();
            return None;
        }
        // SAFETY: exclusive owner (caller).
        self.local
            .with_mut(|list| unsafe { (*list).push_front(task) });
        bump(&self.local_bound);
        Some(notified)
    }

    /// Unlinks `task` if it belongs to this list and is still linked.
    ///
    /// # Safety
    /// If `task` was bound with `bind_local`, the caller is the list's exclusive owner.
    pub(crate) unsafe fn remove(&self, task: &Task<S>) -> Option<Task<S>> {
        let header = task.header();
        if header.owner_id() != self.id {
            return None;
        }
        // The flag was written before the task was shared and never changes.
        if header.is_bound_locally() {
            // SAFETY: exclusive owner (caller); the task is alive and in this half or in none.
            let removed = self
                .local
                .with_mut(|list| unsafe { (*list).remove(task.raw.header_ptr()) });
            if removed.is_some() {
                bump(&self.local_removed);
            }
            return removed;
        }
        let mut shard = self.shard_for(header.id).lock();
        // SAFETY: the task is alive (`task` holds a reference) and, by its owner id, is either in
        // this shard or in no list.
        let removed = unsafe { shard.tasks.remove(task.raw.header_ptr()) };
        if removed.is_some() {
            shard.removed += 1;
        }
        removed
    }

    /// Closes the list to new tasks and shuts down every task in it: the local half, then shard
    /// by shard starting at `start`. Each task's future is dropped on the calling thread.
    ///
    /// # Safety
    /// If `bind_local` was ever used, the caller is the list's exclusive owner.
    pub(crate) unsafe fn close_and_shutdown_all(&self, start: usize) {
        self.closed.store(true, Ordering::Release);
        // A list whose local half was never used (the multi-thread scheduler's, which several
        // workers close at once) must not touch it: only an exclusive owner may.
        let local_used = self.local_bound.load(Ordering::Relaxed) != 0;
        if local_used {
            loop {
                // SAFETY: exclusive owner (caller); no borrow of the list outlives this
                // statement, because shutting a task down unlinks it again (a no-op) through
                // `remove`.
                let task = self.local.with_mut(|list| unsafe { (*list).pop_back() });
                match task {
                    Some(task) => {
                        bump(&self.local_removed);
                        task.shutdown();
                    }
                    None => break,
                }
            }
        }
        for i in 0..self.shards.len() {
            let shard = &self.shards[(start + i) & self.shard_mask].0;
            loop {
                // The lock is released before shutting down: the task's completion locks the
                // shard again to unlink itself (a no-op, it is already out).
                let task = {
                    let mut shard = shard.lock();
                    let task = shard.tasks.pop_back();
                    shard.removed += u64::from(task.is_some());
                    task
                };
                match task {
                    Some(task) => task.shutdown(),
                    None => break,
                }
            }
        }
    }

    /// True when no task is linked. Only meaningful once the list is closed.
    ///
    /// # Safety
    /// If `bind_local` was ever used, the caller is the list's exclusive owner.
    pub(crate) unsafe fn is_empty(&self) -> bool {
        // SAFETY: exclusive owner (caller), or a local half never used (not touched then).
        let local_empty = self.local_bound.load(Ordering::Relaxed) == 0
            || self.local.with(|list| unsafe { (*list).is_empty() });
        local_empty
            && self
                .shards
                .iter()
                .all(|shard| shard.0.lock().tasks.is_empty())
    }

    /// Tasks bound so far and tasks still alive (metrics; any thread, a snapshot).
    pub(crate) fn counts(&self) -> (u64, u64) {
        let mut bound = self.local_bound.load(Ordering::Relaxed);
        let mut removed = self.local_removed.load(Ordering::Relaxed);
        for shard in self.shards.iter() {
            let shard = shard.0.lock();
            bound += shard.bound;
            removed += shard.removed;
        }
        (bound, bound.saturating_sub(removed))
    }

    fn shard_for(&self, id: Id) -> &Mutex<ShardList<S>> {
        &self.shards[id.as_u64() as usize & self.shard_mask].0
    }
}

/// Adds one to a counter that only the list's exclusive owner writes: a load and a store, so
/// the hot path pays no read-modify-write.
fn bump(counter: &AtomicU64) {
    counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}
