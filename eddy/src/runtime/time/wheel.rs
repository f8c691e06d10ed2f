//! A hierarchical timing wheel (Varghese & Lauck, "Hashed and Hierarchical Timing Wheels", 1987).
//!
//! Six levels of 64 slots. A slot of level `L` spans `64^L` ticks (milliseconds), so level 0
//! covers the next 64 ms one tick per slot, level 1 the next ~4 s, and level 5 about 2.2 years;
//! a timer is filed in the lowest level whose span separates its deadline from `elapsed` (the
//! wheel's "now"). When time reaches a slot of level `L > 0`, the slot's timers are re-filed in
//! lower levels (they cascade), so each timer moves at most six times, and insert and cancel are
//! O(1). A bitmap of occupied slots per level finds the next non-empty slot with one rotate and
//! one count of trailing zeros.
//!
//! Invariant: a timer filed at level `L` agrees with `elapsed` on every digit (base 64) above
//! `L` and differs at digit `L`, so its slot comes strictly after `elapsed`'s and every timer in a
//! lower level expires before any timer in a higher one. Hence a filed timer is in a slot exactly
//! when its `when` is after `elapsed`, and in the expired list otherwise: nodes need not record
//! which list holds them, and a whole level-0 slot moves to the expired list in one splice. Only the top level breaks the first
//! half: a deadline beyond the wheel's horizon (2^36 ticks) is filed there by its slot digit and
//! checked again each time the top level turns, so it may cascade in place a few times but never
//! fires early.
//!
//! Every method requires the caller to hold the lock of the shard that owns the wheel (entry.rs
//! contract); the wheel touches a node only through its `TimerShared` accessors.

use crate::runtime::time::entry::{Place, TimerLink, TimerShared};
use crate::util::linked_list::LinkedList;
use std::ptr::NonNull;

const LEVELS: usize = 6;
const SLOT_BITS: u32 = 6;
const SLOTS: usize = 1 << SLOT_BITS;
/// Deadlines this far or further ahead go to the top level.
const HORIZON: u64 = 1 << (SLOT_BITS as u64 * LEVELS as u64);

type EntryList = LinkedList<TimerLink>;

pub(crate) struct Wheel {
    /// The tick up to which every slot has been processed.
    elapsed: u64,
    levels: Box<[Level; LEVELS]>,
    /// Timers whose tick has come, in deadline order, waiting for `poll` to hand them out.
    expired: EntryList,
}

// SAFETY: the wheel's lists hold raw pointers to nodes that are Send + Sync (entry.rs), and it
// is only reached under its shard's lock.
unsafe impl Send for Wheel {}

struct Level {
    level: usize,
    /// Bit `s` is set when slot `s` holds a timer.
    occupied: u64,
    slots: [EntryList; SLOTS],
}

/// A slot whose timers are due at `deadline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expiration {
    level: usize,
    slot: usize,
    deadline: u64,
}

impl Wheel {
    pub(crate) fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            levels: Box::new(std::array::from_fn(Level::new)),
            expired: EntryList::new(),
        }
    }

    /// The tick up to which the wheel has been processed.
    #[cfg(test)]
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Files `node` under its `when`. Returns `Err(())` without filing it if that tick has
    /// already been processed: the caller fires the timer at once.
    ///
    /// # Safety
    /// `node` is live, pinned, not linked anywhere, and stays live until it is removed or handed
    /// out by `poll`.
    pub(crate) unsafe fn insert(&mut self, node: NonNull<TimerShared>) -> Result<(), ()> {
        // SAFETY: the caller holds the shard lock and `node` is live (contract above).
        let when = unsafe { node.as_ref().when() };
        if when <= self.elapsed {
            return Err(());
        }
        // SAFETY: as above.
        unsafe { node.as_ref().set_place(Place::Filed) };
        let level = level_for(self.elapsed, when);
        self.levels[level].push(node, when);
        Ok(())
    }

    /// Takes `node` out of the wheel, wherever it is filed.
    ///
    /// # Safety
    /// `node` was filed in this wheel by `insert` (it may have moved to the expired list since).
    pub(crate) unsafe fn remove(&mut self, node: NonNull<TimerShared>) {
        // SAFETY: the caller holds the shard lock and `node` is live and filed here.
        let (place, when) = unsafe { (node.as_ref().place(), node.as_ref().when()) };
        match place {
            Place::Nowhere => {}
            Place::Filed if when <= self.elapsed => {
                // SAFETY: a filed node the wheel has passed is in the expired list (invariant).
                unsafe { self.expired.remove(node) };
            }
            Place::Filed => {
                // The level is found again from `elapsed`: by the invariant above it has not
                // changed since the node was filed, because its slot has not been processed.
                let level = level_for(self.elapsed, when);
                // SAFETY: the node is linked in that slot.
                unsafe { self.levels[level].remove(node, when) };
            }
        }
        // SAFETY: as above.
        unsafe { node.as_ref().set_place(Place::Nowhere) };
    }

    /// Hands out the next timer due at or before `now`, in deadline order, and advances
    /// `elapsed` to `now` once none is left.
    pub(crate) fn poll(&mut self, now: u64) -> Option<NonNull<TimerShared>> {
        loop {
            if let Some(node) = self.expired.pop_back() {
                // SAFETY: nodes in the wheel are live (insert's contract); we hold the lock.
                unsafe { node.as_ref().set_place(Place::Nowhere) };
                return Some(node);
            }
            match self.next_expiration() {
                Some(expiration) if expiration.deadline <= now => self.process(expiration),
                _ => {
                    self.elapsed = self.elapsed.max(now);
                    return None;
                }
            }
        }
    }

    /// The tick at which the next timer is due, if any timer is filed.
    pub(crate) fn next_expiration_tick(&self) -> Option<u64> {
        if !self.expired.is_empty() {
            return Some(self.elapsed);
        }
        self.next_expiration().map(|expiration| expiration.deadline)
    }

    fn next_expiration(&self) -> Option<Expiration> {
        // Lower levels always expire first (module invariant), so the first hit is the earliest.
        self.levels
            .iter()
            .find_map(|level| level.next_expiration(self.elapsed))
    }

    /// Empties the slot of `expiration`: timers due by its deadline move to the expired list, the
    /// others (a slot of a higher level spans many ticks) are filed again, lower.
    fn process(&mut self, expiration: Expiration) {
        let mut slot = self.levels[expiration.level].take_slot(expiration.slot);
        self.elapsed = expiration.deadline;
        if expiration.level == 0 {
            // Every timer of a level-0 slot is due at its deadline: move them all at once, so
            // each node is touched only when it fires.
            self.expired.splice_front(slot);
            return;
        }
        while let Some(node) = slot.pop_back() {
            // SAFETY: nodes in the wheel are live (insert's contract); we hold the lock.
            let when = unsafe { node.as_ref().when() };
            if when <= expiration.deadline {
                self.expired.push_front(node);
            } else {
                let level = level_for(self.elapsed, when);
                self.levels[level].push(node, when);
            }
        }
    }
}

impl Level {
    fn new(level: usize) -> Level {
        Level {
            level,
            occupied: 0,
            slots: std::array::from_fn(|_| EntryList::new()),
        }
    }

    fn slot_of(&self, when: u64) -> usize {
        ((when >> (self.level as u32 * SLOT_BITS)) as usize) & (SLOTS - 1)
    }

    fn push(&mut self, node: NonNull<TimerShared>, when: u64) {
        let slot = self.slot_of(when);
        self.slots[slot].push_front(node);
        self.occupied |= 1 << slot;
    }

    /// # Safety
    /// `node` is linked in this level, filed under `when`.
    unsafe fn remove(&mut self, node: NonNull<TimerShared>, when: u64) {
        let slot = self.slot_of(when);
        // SAFETY: the caller promises the node is in this slot's list.
        unsafe { self.slots[slot].remove(node) };
        if self.slots[slot].is_empty() {
            self.occupied &= !(1 << slot);
        }
    }

    fn take_slot(&mut self, slot: usize) -> EntryList {
        self.occupied &= !(1 << slot);
        std::mem::replace(&mut self.slots[slot], EntryList::new())
    }

    /// The first occupied slot after `elapsed`'s slot of this level (in turn order), and the tick
    /// it is due.
    fn next_expiration(&self, elapsed: u64) -> Option<Expiration> {
        if self.occupied == 0 {
            return None;
        }
        let shift = self.level as u32 * SLOT_BITS;
        let slot_span = 1u64 << shift;
        let level_span = slot_span << SLOT_BITS;
        // The search starts after `elapsed`'s own slot and ends with it: only the top level can
        // hold timers there (a turn or more ahead), and every other slot comes first.
        let after_current = (self.slot_of(elapsed) + 1) % SLOTS;
        let distance = self
            .occupied
            .rotate_right(after_current as u32)
            .trailing_zeros() as usize;
        let slot = (after_current + distance) % SLOTS;
        let level_start = elapsed & !(level_span - 1);
        let mut deadline = level_start + slot as u64 * slot_span;
        if deadline <= elapsed {
            // Only the top level holds timers at or behind its current slot: deadlines past the
            // horizon, due one turn (or more) later.
            debug_assert_eq!(self.level, LEVELS - 1, "a lower level wrapped around");
            deadline += level_span;
        }
        Some(Expiration {
            level: self.level,
            slot,
            deadline,
        })
    }
}

/// The level a timer due at `when` is filed in while the wheel stands at `elapsed`.
fn level_for(elapsed: u64, when: u64) -> usize {
    // The highest digit (base 64) in which the two differ; at least digit 0.
    let differing = ((elapsed ^ when) | (SLOTS as u64 - 1)).min(HORIZON - 1);
    let highest_bit = 63 - differing.leading_zeros();
    (highest_bit / SLOT_BITS) as usize
}

#[cfg(test)]
mod tests;
