//! The driver's set of registered resources, and their delayed release.
//!
//! Contract: every live `ScheduledIo` is in `Synced::registrations` (one `Arc` owned by the
//! list), under the driver handle's `synced` lock. Deregistering moves that `Arc` to
//! `pending_release`; the driver drops it at the start of its next turn, after the previous
//! turn's events were all dispatched, so an event the kernel queued before the deregistration
//! never reaches freed memory. A resource whose deregistration the operating system refused is
//! not queued at all: it stays listed until shutdown, since its kernel entry may outlive it
//! (runtime/io/mod.rs, `deregister_source`). `num_pending_release` mirrors the vector's length for
//! a lock-free "anything to release?" check.
//!
//! Metrics: `fd_registered_count` and `fd_deregistered_count` are written only here, under the
//! same lock (the `&mut Synced` each method takes), with a load and a store: exact counts
//! without a read-modify-write. Readers (`RuntimeMetrics`) load them with `Relaxed`, no lock.

use crate::loom::{AtomicU64, AtomicUsize, Ordering, StdArc as Arc};
use crate::runtime::io::scheduled_io::ScheduledIo;
use crate::runtime::metrics;
use crate::util::linked_list::{self, LinkedList, Pointers};
use std::ptr::NonNull;

/// After this many deregistrations the driver is woken to release them, so a busy program that
/// never parks does not pile them up.
const NOTIFY_AFTER: usize = 16;

pub(crate) struct RegistrationSet {
    num_pending_release: AtomicUsize,
    /// Resources registered with the operating system so far (metrics).
    fd_registered_count: AtomicU64,
    /// Resources deregistered from the operating system so far (metrics).
    fd_deregistered_count: AtomicU64,
}

pub(crate) struct Synced {
    is_shutdown: bool,
    registrations: LinkedList<ScheduledIoLink>,
    pending_release: Vec<Arc<ScheduledIo>>,
}

pub(crate) struct ScheduledIoLink;

// SAFETY: `pointers` returns the resource's embedded links; the list owns one `Arc` per node,
// which keeps it alive while linked.
unsafe impl linked_list::Link for ScheduledIoLink {
    type Handle = Arc<ScheduledIo>;
    type Target = ScheduledIo;

    fn as_raw(handle: &Arc<ScheduledIo>) -> NonNull<ScheduledIo> {
        NonNull::from(&**handle)
    }

    unsafe fn from_raw(ptr: NonNull<ScheduledIo>) -> Arc<ScheduledIo> {
        // SAFETY: the pointer came from an `Arc` whose count the list kept (push_front forgot
        // the handle).
        unsafe { Arc::from_raw(ptr.as_ptr()) }
    }

    unsafe fn pointers(target: NonNull<ScheduledIo>) -> NonNull<Pointers<ScheduledIo>> {
        // SAFETY: `target` is live (caller); this projects to a field without reading it.
        unsafe { NonNull::new_unchecked(std::ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
    }
}

// SAFETY: the list holds `Arc<ScheduledIo>`s, which are Send.
unsafe impl Send for Synced {}

impl RegistrationSet {
    pub(crate) fn new() -> (RegistrationSet, Synced) {
        (
            RegistrationSet {
                num_pending_release: AtomicUsize::new(0),
                fd_registered_count: AtomicU64::new(0),
                fd_deregistered_count: AtomicU64::new(0),
            },
            Synced {
                is_shutdown: false,
                registrations: LinkedList::new(),
                pending_release: Vec::new(),
            },
        )
    }

    pub(crate) fn is_shutdown(&self, synced: &Synced) -> bool {
        synced.is_shutdown
    }

    /// A new resource, or `None` once the driver shut down.
    pub(crate) fn allocate(&self, synced: &mut Synced) -> Option<Arc<ScheduledIo>> {
        if synced.is_shutdown {
            return None;
        }
        let io = Arc::new(ScheduledIo::new());
        synced.registrations.push_front(io.clone());
        // Counted now, under the lock; `abandon` takes it back if the OS refuses.
        locked_add(&self.fd_registered_count, 1);
        Some(io)
    }

    /// The operating system deregistered `io`: queues it for release at the driver's next
    /// turn; returns whether the driver should be woken to do it soon.
    pub(crate) fn deregister(&self, synced: &mut Synced, io: &Arc<ScheduledIo>) -> bool {
        // Counted even after shutdown: the OS entry was removed all the same.
        locked_add(&self.fd_deregistered_count, 1);
        self.queue_release(synced, io)
    }

    /// The operating system refused to register `io`, freshly allocated: as `deregister`, but
    /// the registration never counted.
    pub(crate) fn abandon(&self, synced: &mut Synced, io: &Arc<ScheduledIo>) -> bool {
        if metrics::ENABLED {
            let count = &self.fd_registered_count;
            count.store(count.load(Ordering::Relaxed) - 1, Ordering::Relaxed);
        }
        self.queue_release(synced, io)
    }

    fn queue_release(&self, synced: &mut Synced, io: &Arc<ScheduledIo>) -> bool {
        if synced.is_shutdown {
            // Shutdown already took every resource out of the list.
            return false;
        }
        synced.pending_release.push(io.clone());
        let len = synced.pending_release.len();
        self.num_pending_release.store(len, Ordering::Release);
        len == NOTIFY_AFTER
    }

    pub(crate) fn fd_registered_count(&self) -> u64 {
        self.fd_registered_count.load(Ordering::Relaxed)
    }

    pub(crate) fn fd_deregistered_count(&self) -> u64 {
        self.fd_deregistered_count.load(Ordering::Relaxed)
    }

    pub(crate) fn needs_release(&self) -> bool {
        self.num_pending_release.load(Ordering::Acquire) != 0
    }

    /// Drops the resources deregistered before this turn.
    pub(crate) fn release(&self, synced: &mut Synced) {
        for io in synced.pending_release.drain(..) {
            // SAFETY: a resource is pending release only once, while still in the list.
            let listed = unsafe { synced.registrations.remove(NonNull::from(&*io)) };
            drop(listed);
        }
        self.num_pending_release.store(0, Ordering::Release);
    }

    /// Marks the set shut down and hands back every resource, to be shut down (and woken)
    /// outside the lock.
    pub(crate) fn shutdown(&self, synced: &mut Synced) -> Vec<Arc<ScheduledIo>> {
        synced.is_shutdown = true;
        synced.pending_release.clear();
        self.num_pending_release.store(0, Ordering::Release);
        let mut all = Vec::new();
        while let Some(io) = synced.registrations.pop_back() {
            all.push(io);
        }
        all
    }
}

/// Adds to a metrics counter that is only written under the `synced` lock (module docs).
fn locked_add(counter: &AtomicU64, n: u64) {
    if metrics::ENABLED {
        counter.store(counter.load(Ordering::Relaxed) + n, Ordering::Relaxed);
    }
}
