//! A timer's node: the part of a `Sleep` that its shard's wheel links and fires.
//!
//! Contract:
//! - A `TimerShared` lives inside a pinned `Sleep` (through `TimerEntry`), so its address is
//!   stable from the first registration until its drop, and its drop unlinks it first.
//! - `pointers` and `locked` (the filed tick, where the node is linked, the waker) are touched
//!   only by a thread holding the lock of the shard the node is registered with, or by the
//!   owner of a node that is not registered with any shard.
//! - `state` is written only under that lock, and read without it: `FIRED` or `SHUTDOWN` is
//!   stored (Release) after the node was unlinked and its waker taken, so a reader that sees
//!   either (Acquire) knows the wheel holds no pointer to the node and needs no lock.
//! - Firing takes the waker out under the lock and wakes it after the lock is released; the
//!   node itself is never touched outside the lock, so the `Sleep` may be dropped on any thread
//!   at any moment.

use crate::loom::{AtomicUsize, Ordering, UnsafeCell};
use crate::util::linked_list::{self, Pointers};
use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::task::Waker;

/// Not in any wheel: never registered, or taken out by a reset or a drop.
const IDLE: usize = 0;
/// Filed in a wheel (in a slot, or in its expired list).
const REGISTERED: usize = 1;
/// Fired at its deadline.
const FIRED: usize = 2;
/// Fired because the driver shut down.
const SHUTDOWN: usize = 3;

/// What a reader of `state` learns without the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimerState {
    Idle,
    Registered,
    Fired,
    Shutdown,
}

/// Whether a node is linked inside its wheel. Which list holds it follows from its `when`: a
/// slot if the wheel has not reached it yet, the expired list otherwise (wheel.rs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    Nowhere,
    Filed,
}

pub(crate) struct TimerShared {
    pointers: Pointers<TimerShared>,
    locked: UnsafeCell<Locked>,
    state: AtomicUsize,
    /// Linked nodes must not move.
    _pinned: PhantomPinned,
}

struct Locked {
    /// The tick the node is filed under (its deadline).
    when: u64,
    place: Place,
    waker: Option<Waker>,
}

impl TimerShared {
    pub(crate) fn new() -> TimerShared {
        TimerShared {
            pointers: Pointers::new(),
            locked: UnsafeCell::new(Locked {
                when: 0,
                place: Place::Nowhere,
                waker: None,
            }),
            state: AtomicUsize::new(IDLE),
            _pinned: PhantomPinned,
        }
    }

    /// The state, without the lock (module contract).
    pub(crate) fn state(&self) -> TimerState {
        match self.state.load(Ordering::Acquire) {
            IDLE => TimerState::Idle,
            REGISTERED => TimerState::Registered,
            FIRED => TimerState::Fired,
            SHUTDOWN => TimerState::Shutdown,
            other => unreachable!("timer state {other}"),
        }
    }

    /// # Safety
    /// The caller holds the lock of the node's shard (or owns an unregistered node).
    pub(crate) unsafe fn set_state(&self, state: TimerState) {
        let raw = match state {
            TimerState::Idle => IDLE,
            TimerState::Registered => REGISTERED,
            TimerState::Fired => FIRED,
            TimerState::Shutdown => SHUTDOWN,
        };
        self.state.store(raw, Ordering::Release);
    }

    /// # Safety
    /// As for `set_state`.
    pub(crate) unsafe fn when(&self) -> u64 {
        // SAFETY: the caller holds the lock that guards `locked`.
        self.locked.with(|locked| unsafe { (*locked).when })
    }

    /// # Safety
    /// As for `set_state`, and the node is not linked (its slot depends on `when`).
    pub(crate) unsafe fn set_when(&self, when: u64) {
        // SAFETY: as in `when`.
        self.locked
            .with_mut(|locked| unsafe { (*locked).when = when });
    }

    /// # Safety
    /// As for `set_state`.
    pub(crate) unsafe fn place(&self) -> Place {
        // SAFETY: as in `when`.
        self.locked.with(|locked| unsafe { (*locked).place })
    }

    /// # Safety
    /// As for `set_state`.
    pub(crate) unsafe fn set_place(&self, place: Place) {
        // SAFETY: as in `when`.
        self.locked
            .with_mut(|locked| unsafe { (*locked).place = place });
    }

    /// Stores the waker to wake at firing, unless it would wake the same task as the stored one.
    ///
    /// # Safety
    /// As for `set_state`.
    pub(crate) unsafe fn register_waker(&self, waker: &Waker) {
        self.locked.with_mut(|locked| {
            // SAFETY: as in `when`.
            let slot = unsafe { &mut (*locked).waker };
            match slot {
                Some(old) if old.will_wake(waker) => {}
                _ => *slot = Some(waker.clone()),
            }
        });
    }

    /// # Safety
    /// As for `set_state`.
    pub(crate) unsafe fn take_waker(&self) -> Option<Waker> {
        // SAFETY: as in `when`.
        self.locked
            .with_mut(|locked| unsafe { (*locked).waker.take() })
    }
}

/// How a wheel's lists find a node's links. The lists do not own their nodes (a node belongs to
/// its `Sleep`), so the "handle" is the raw pointer.
pub(crate) struct TimerLink;

// SAFETY: `pointers` returns the node's own embedded `Pointers`; the nodes outlive their
// membership because a `Sleep` unlinks its node before it is dropped (module contract).
unsafe impl linked_list::Link for TimerLink {
    type Handle = NonNull<TimerShared>;
    type Target = TimerShared;

    fn as_raw(handle: &NonNull<TimerShared>) -> NonNull<TimerShared> {
        *handle
    }

    unsafe fn from_raw(ptr: NonNull<TimerShared>) -> NonNull<TimerShared> {
        ptr
    }

    unsafe fn pointers(target: NonNull<TimerShared>) -> NonNull<Pointers<TimerShared>> {
        // SAFETY: the caller promises `target` is live; the field projection does not read it.
        unsafe { NonNull::new_unchecked(std::ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
    }
}

// SAFETY: the fields behind raw access are guarded by the shard lock (module contract); the
// waker is Send + Sync.
unsafe impl Send for TimerShared {}
// SAFETY: as above; shared access without the lock only reads `state`, an atomic.
unsafe impl Sync for TimerShared {}
