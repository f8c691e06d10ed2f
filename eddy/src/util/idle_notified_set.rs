//! `IdleNotifiedSet`: values that each carry their own waker, handed back in the order they
//! were woken, at O(1) per insert, wake, pop and remove.
//!
//! `JoinSet` keeps its `JoinHandle`s here. Polling every handle to find the finished ones would
//! cost O(n) per result; instead each handle is polled with a waker of its own entry, so the
//! task's completion names the entry that is ready, and the set only polls those.
//!
//! # Contract
//!
//! Each entry has a slot index and two halves:
//!
//! * its **value** and its `Waker`, in `IdleNotifiedSet::values[index]`. Only the owner of the
//!   set touches them, through `&mut IdleNotifiedSet`; no lock is needed and none is taken
//!   while a value is polled or dropped.
//! * its **node** in `Links::nodes[index]`: the list it is in and its neighbours there. Nodes,
//!   both lists, the free list and the owner's waker sit behind the one mutex of `Shared`,
//!   which the owner and every entry waker (from any thread) take.
//!
//! A node is in exactly one place: the *idle* list (not woken since it was last handed out),
//! the *notified* list (woken, waiting to be handed out, oldest first), or *free* (no entry).
//! Moves:
//!
//! | move              | by                                   | when                                      |
//! |-------------------|--------------------------------------|-------------------------------------------|
//! | free → idle       | `insert_idle` (owner)                | a value is added                          |
//! | idle → notified   | an entry waker's `wake`              | its stamp matches and the node is idle    |
//! | idle → notified   | `EntryRef::notify` (owner)           | the owner knows the value is ready        |
//! | notified → idle   | `pop_notified` (owner)               | the entry is handed out, *before* it is polled |
//! | idle/notified → free | `EntryRef::remove` (owner)        | the value leaves the set                  |
//!
//! Handing an entry out moves it to idle *before* the owner polls its value, so a wake that
//! lands during that poll moves it straight back to notified: no wake-up is lost between the
//! poll and its `Pending`. The owner's waker is registered in the same critical section in
//! which `pop_notified` finds the notified list empty, and an entry wake takes it in the same
//! critical section in which it fills the list, so an owner that returns `Pending` is always
//! woken by the next entry wake.
//!
//! Entry wakers outlive entries (a task keeps its join waker until it completes, a clone may sit
//! in any queue). Each insert gets a fresh `stamp` from a counter that never repeats, and a
//! wake acts only on a node with its own stamp, so a stale waker cannot move a later entry that
//! reuses the slot.
//!
//! Wakers are woken, and replaced wakers dropped, after the mutex is released: they are user
//! code and may come back to this set.

use crate::loom::{Mutex, StdArc};
use std::fmt;
use std::task::{Context, Wake, Waker};

/// "No node": the end of a list.
const NIL: usize = usize::MAX;

/// Slots kept allocated when the set runs empty; a set that once held more gives the rest of
/// its memory back.
const RETAINED_SLOTS: usize = 1024;

/// A set of values, each with its own waker; see the module docs.
pub(crate) struct IdleNotifiedSet<T> {
    shared: StdArc<Shared>,
    /// The values by slot index; `None` for free slots. As long as `links.nodes`.
    values: Vec<Option<Value<T>>>,
    len: usize,
}

struct Value<T> {
    value: T,
    /// The entry's waker, created once so that `Waker::will_wake` recognises it on every poll.
    waker: Waker,
}

/// What the owner shares with the entry wakers.
struct Shared {
    links: Mutex<Links>,
}

struct Links {
    nodes: Vec<Node>,
    idle: Ends,
    notified: Ends,
    /// Head of the stack of free slots, linked through `Node::next`.
    free: usize,
    /// The stamp of the next insert.
    next_stamp: u64,
    /// Woken (and taken) by the first entry wake after the owner found nothing notified.
    owner: Option<Waker>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Idle,
    Notified,
    Free,
}

#[derive(Clone, Copy)]
struct Node {
    prev: usize,
    next: usize,
    stamp: u64,
    place: Place,
}

#[derive(Clone, Copy)]
struct Ends {
    head: usize,
    tail: usize,
}

impl Ends {
    const EMPTY: Ends = Ends {
        head: NIL,
        tail: NIL,
    };
}

/// The `Wake` side of one entry.
struct EntryWaker {
    shared: StdArc<Shared>,
    index: usize,
    stamp: u64,
}

/// An entry handed out by `insert_idle` or `pop_notified`, borrowed from the set.
pub(crate) struct EntryRef<'a, T> {
    set: &'a mut IdleNotifiedSet<T>,
    index: usize,
}

impl Links {
    fn new() -> Links {
        Links {
            nodes: Vec::new(),
            idle: Ends::EMPTY,
            notified: Ends::EMPTY,
            free: NIL,
            next_stamp: 0,
            owner: None,
        }
    }

    fn ends(&mut self, place: Place) -> &mut Ends {
        match place {
            Place::Idle => &mut self.idle,
            Place::Notified => &mut self.notified,
            Place::Free => unreachable!("the free slots are no list of entries"),
        }
    }

    /// Takes a free slot (or a new one) for a new entry and puts it on the idle list.
    fn allocate_idle(&mut self) -> (usize, u64) {
        let stamp = self.next_stamp;
        self.next_stamp += 1;
        let node = Node {
            prev: NIL,
            next: NIL,
            stamp,
            place: Place::Free,
        };
        let index = if self.free != NIL {
            let index = self.free;
            self.free = self.nodes[index].next;
            self.nodes[index] = node;
            index
        } else {
            self.nodes.push(node);
            self.nodes.len() - 1
        };
        self.push_back(index, Place::Idle);
        (index, stamp)
    }

    fn push_back(&mut self, index: usize, place: Place) {
        let tail = self.ends(place).tail;
        self.nodes[index] = Node {
            prev: tail,
            next: NIL,
            stamp: self.nodes[index].stamp,
            place,
        };
        if tail == NIL {
            self.ends(place).head = index;
        } else {
            self.nodes[tail].next = index;
        }
        self.ends(place).tail = index;
    }

    fn unlink(&mut self, index: usize) {
        let Node {
            prev, next, place, ..
        } = self.nodes[index];
        if prev == NIL {
            self.ends(place).head = next;
        } else {
            self.nodes[prev].next = next;
        }
        if next == NIL {
            self.ends(place).tail = prev;
        } else {
            self.nodes[next].prev = prev;
        }
    }

    fn move_to(&mut self, index: usize, place: Place) {
        self.unlink(index);
        self.push_back(index, place);
    }

    fn pop_notified(&mut self) -> Option<usize> {
        let head = self.notified.head;
        if head == NIL {
            return None;
        }
        self.move_to(head, Place::Idle);
        Some(head)
    }

    fn release(&mut self, index: usize) {
        self.unlink(index);
        self.nodes[index] = Node {
            prev: NIL,
            next: self.free,
            stamp: self.nodes[index].stamp,
            place: Place::Free,
        };
        self.free = index;
    }

    /// An entry waker fired: move its node to the notified list if it is still its node and
    /// idle. Returns the owner's waker to wake once the lock is released.
    fn wake(&mut self, index: usize, stamp: u64) -> Option<Waker> {
        match self.nodes.get(index) {
            Some(node) if node.stamp == stamp && node.place == Place::Idle => {
                self.move_to(index, Place::Notified);
                self.owner.take()
            }
            _ => None,
        }
    }

    /// Forgets every node; the set holds no entries any more. Stamps keep counting.
    fn clear(&mut self) {
        self.nodes.clear();
        self.nodes.shrink_to(RETAINED_SLOTS);
        self.idle = Ends::EMPTY;
        self.notified = Ends::EMPTY;
        self.free = NIL;
    }
}

impl<T> IdleNotifiedSet<T> {
    pub(crate) fn new() -> IdleNotifiedSet<T> {
        IdleNotifiedSet {
            shared: StdArc::new(Shared {
                links: Mutex::new(Links::new()),
            }),
            values: Vec::new(),
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `value` as an idle entry: it is handed out once its waker is woken (or the owner
    /// calls `EntryRef::notify`).
    pub(crate) fn insert_idle(&mut self, value: T) -> EntryRef<'_, T> {
        let (index, stamp) = self.shared.links.lock().allocate_idle();
        let waker = Waker::from(StdArc::new(EntryWaker {
            shared: self.shared.clone(),
            index,
            stamp,
        }));
        let value = Some(Value { value, waker });
        if index == self.values.len() {
            self.values.push(value);
        } else {
            debug_assert!(
                self.values[index].is_none(),
                "slot {index} reused while taken"
            );
            self.values[index] = value;
        }
        self.len += 1;
        EntryRef { set: self, index }
    }

    /// Hands out the entry that was woken longest ago, moving it back to idle first (so a wake
    /// during the caller's poll of it is kept). When none is notified, `owner` (if given)
    /// becomes the waker that the next entry wake wakes.
    pub(crate) fn pop_notified(&mut self, owner: Option<&Waker>) -> Option<EntryRef<'_, T>> {
        let mut replaced = None;
        let popped = {
            let mut links = self.shared.links.lock();
            let popped = links.pop_notified();
            if let (None, Some(owner)) = (popped, owner) {
                let known = links.owner.as_ref().is_some_and(|w| w.will_wake(owner));
                if !known {
                    replaced = links.owner.replace(owner.clone());
                }
            }
            popped
        };
        drop(replaced);
        popped.map(|index| EntryRef { set: self, index })
    }

    /// Calls `f` on every value in the set.
    pub(crate) fn for_each(&mut self, mut f: impl FnMut(&mut T)) {
        for value in self.values.iter_mut().flatten() {
            f(&mut value.value);
        }
    }

    /// Removes every entry, calling `f` on each value in turn.
    pub(crate) fn drain(&mut self, mut f: impl FnMut(T)) {
        self.shared.links.lock().clear();
        let values = std::mem::take(&mut self.values);
        self.len = 0;
        for value in values.into_iter().flatten() {
            f(value.value);
        }
    }
}

impl<T> Drop for IdleNotifiedSet<T> {
    fn drop(&mut self) {
        // Entry wakers may outlive the set; drop the owner's waker now rather than with the
        // last of them, so it does not keep the owner's task alive.
        let owner = {
            let mut links = self.shared.links.lock();
            links.clear();
            links.owner.take()
        };
        drop(owner);
    }
}

impl<T> fmt::Debug for IdleNotifiedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdleNotifiedSet")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl<T> EntryRef<'_, T> {
    fn slot(&mut self) -> &mut Value<T> {
        self.set.values[self.index]
            .as_mut()
            .expect("a handed-out entry has a value")
    }

    /// Calls `f` with the value and a context that carries the entry's own waker.
    pub(crate) fn poll_value<R>(&mut self, f: impl FnOnce(&mut T, &mut Context<'_>) -> R) -> R {
        let Value { value, waker } = self.slot();
        f(value, &mut Context::from_waker(waker))
    }

    pub(crate) fn value_mut(&mut self) -> &mut T {
        &mut self.slot().value
    }

    /// Moves the entry to the back of the notified list (if it is idle), without waking the
    /// owner: for an owner that itself found the value ready and will pop it later.
    pub(crate) fn notify(&mut self) {
        let mut links = self.set.shared.links.lock();
        if links.nodes[self.index].place == Place::Idle {
            links.move_to(self.index, Place::Notified);
        }
    }

    /// Takes the entry out of the set and returns its value.
    pub(crate) fn remove(self) -> T {
        let set = self.set;
        set.shared.links.lock().release(self.index);
        let value = set.values[self.index]
            .take()
            .expect("a handed-out entry has a value");
        set.len -= 1;
        if set.len == 0 {
            // Every slot is free: start over, so the memory of a large set is given back.
            set.shared.links.lock().clear();
            set.values.clear();
            set.values.shrink_to(RETAINED_SLOTS);
        }
        // The entry's waker is dropped here, outside the lock.
        value.value
    }
}

impl Wake for EntryWaker {
    fn wake(self: StdArc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &StdArc<Self>) {
        let owner = self.shared.links.lock().wake(self.index, self.stamp);
        if let Some(owner) = owner {
            owner.wake();
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::loom::{AtomicUsize, Ordering};

    /// A waker that counts its wakes.
    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: StdArc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (StdArc<Counter>, Waker) {
        let counter = StdArc::new(Counter(AtomicUsize::new(0)));
        (counter.clone(), Waker::from(counter))
    }

    fn waker_of<T>(set: &mut IdleNotifiedSet<T>, index: usize) -> Waker {
        set.values[index].as_ref().unwrap().waker.clone()
    }

    fn pop_value(set: &mut IdleNotifiedSet<i32>) -> Option<i32> {
        set.pop_notified(None).map(|mut entry| *entry.value_mut())
    }

    #[test]
    fn entries_come_out_in_wake_order_and_wake_the_owner_once() {
        let mut set = IdleNotifiedSet::new();
        let wakers: Vec<Waker> = (0..4)
            .map(|i| {
                let mut entry = set.insert_idle(i);
                entry.poll_value(|_, cx| cx.waker().clone())
            })
            .collect();
        let (owner, owner_waker) = counter();
        assert!(set.pop_notified(Some(&owner_waker)).is_none());

        for i in [2, 0, 3] {
            wakers[i].wake_by_ref();
        }
        wakers[2].wake_by_ref(); // already notified: no change
        assert_eq!(
            owner.0.load(Ordering::SeqCst),
            1,
            "the first wake takes the owner waker"
        );
        assert_eq!(pop_value(&mut set), Some(2));
        assert_eq!(pop_value(&mut set), Some(0));
        assert_eq!(pop_value(&mut set), Some(3));
        assert_eq!(pop_value(&mut set), None);
        assert_eq!(set.len(), 4);
    }

    #[test]
    fn a_wake_during_the_poll_of_a_handed_out_entry_is_kept() {
        let mut set = IdleNotifiedSet::new();
        set.insert_idle(7);
        let waker = waker_of(&mut set, 0);
        waker.wake_by_ref();
        let mut entry = set.pop_notified(None).unwrap();
        // The poll of the value wakes the entry (the value became ready meanwhile).
        entry.poll_value(|_, cx| cx.waker().wake_by_ref());
        assert_eq!(pop_value(&mut set), Some(7));
    }

    #[test]
    fn a_stale_waker_moves_nothing() {
        let mut set = IdleNotifiedSet::new();
        set.insert_idle(1);
        set.insert_idle(2);
        let stale = waker_of(&mut set, 0);
        stale.wake_by_ref();
        assert_eq!(set.pop_notified(None).unwrap().remove(), 1);
        // Slot 0 is reused by a new entry; the old waker must not notify it.
        set.insert_idle(3);
        stale.wake_by_ref();
        assert_eq!(pop_value(&mut set), None);
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn notify_and_drain() {
        let mut set = IdleNotifiedSet::new();
        set.insert_idle(1);
        set.insert_idle(2).notify();
        assert_eq!(pop_value(&mut set), Some(2));
        let mut drained = Vec::new();
        set.drain(|v| drained.push(v));
        drained.sort();
        assert_eq!(drained, [1, 2]);
        assert!(set.is_empty());
        set.insert_idle(5).notify();
        assert_eq!(set.pop_notified(None).unwrap().remove(), 5);
    }

    #[test]
    fn an_empty_set_gives_its_slots_back() {
        let mut set = IdleNotifiedSet::new();
        for i in 0..5000 {
            set.insert_idle(i).notify();
        }
        while let Some(entry) = set.pop_notified(None) {
            entry.remove();
        }
        assert!(set.is_empty());
        assert!(set.values.capacity() <= RETAINED_SLOTS);
        assert!(set.shared.links.lock().nodes.capacity() <= RETAINED_SLOTS);
    }

    #[test]
    fn the_owner_waker_is_replaced_only_when_it_changes() {
        let mut set = IdleNotifiedSet::<i32>::new();
        let (first, first_waker) = counter();
        let (second, second_waker) = counter();
        set.insert_idle(0);
        let waker = waker_of(&mut set, 0);
        assert!(set.pop_notified(Some(&first_waker)).is_none());
        assert!(set.pop_notified(Some(&second_waker)).is_none());
        waker.wake();
        assert_eq!(first.0.load(Ordering::SeqCst), 0);
        assert_eq!(second.0.load(Ordering::SeqCst), 1);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    //! Models of entry wakes on other threads racing the owner's drain.

    use super::*;
    use crate::loom::{thread, Arc, AtomicBool, Condvar, Ordering};

    /// The owner's waker: a flag and a condition variable, so a lost wake-up is a deadlock,
    /// which loom reports.
    struct Parker {
        woken: Mutex<bool>,
        condvar: Condvar,
    }

    impl Parker {
        fn new() -> StdArc<Parker> {
            StdArc::new(Parker {
                woken: Mutex::new(false),
                condvar: Condvar::new(),
            })
        }

        fn park(&self) {
            let mut woken = self.woken.lock();
            while !*woken {
                woken = self.condvar.wait(woken);
            }
            *woken = false;
        }
    }

    impl Wake for Parker {
        fn wake(self: StdArc<Self>) {
            *self.woken.lock() = true;
            self.condvar.notify_one();
        }
    }

    /// Two entries complete on another thread (flag, then wake) while the owner drains the set
    /// the way `JoinSet::join_next` does: pop, check the flag, remove or leave idle, and park
    /// once nothing is notified.
    #[test]
    fn loom_idle_notified_wake_vs_drain() {
        loom::model(|| {
            let done: Arc<[AtomicBool; 2]> =
                Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);
            let mut set = IdleNotifiedSet::new();
            let wakers: Vec<Waker> = (0..2)
                .map(|i| set.insert_idle(i).poll_value(|_, cx| cx.waker().clone()))
                .collect();

            let completer = {
                let done = done.clone();
                thread::spawn(move || {
                    for (i, waker) in wakers.into_iter().enumerate() {
                        done[i].store(true, Ordering::Release);
                        waker.wake();
                    }
                })
            };

            let parker = Parker::new();
            let owner = Waker::from(parker.clone());
            let mut joined = Vec::new();
            while !set.is_empty() {
                match set.pop_notified(Some(&owner)) {
                    Some(mut entry) => {
                        let i = *entry.value_mut();
                        if done[i].load(Ordering::Acquire) {
                            joined.push(entry.remove());
                        }
                    }
                    None => parker.park(),
                }
            }
            completer.join().unwrap();
            assert_eq!(joined, [0, 1], "entries come out in completion order");
        });
    }

    /// The waker of an entry fires on another thread while the owner removes the entry and
    /// reuses its slot: the new entry must stay idle.
    #[test]
    fn loom_idle_notified_stale_wake_vs_reuse() {
        loom::model(|| {
            let mut set = IdleNotifiedSet::new();
            let stale = set.insert_idle(0).poll_value(|_, cx| cx.waker().clone());
            let waker = thread::spawn(move || stale.wake());

            set.insert_idle(1);
            // Entry 0 leaves the set, idle or notified, whichever the race made it.
            assert_eq!(
                EntryRef {
                    set: &mut set,
                    index: 0
                }
                .remove(),
                0
            );
            set.insert_idle(3); // reuses slot 0 with a new stamp

            waker.join().unwrap();
            assert!(
                set.pop_notified(None).is_none(),
                "a stale waker notified a later entry"
            );
            drop(set);
        });
    }

    /// An entry wakes on another thread while the owner drops the whole set.
    #[test]
    fn loom_idle_notified_wake_vs_drop() {
        loom::model(|| {
            let mut set = IdleNotifiedSet::new();
            let waker = set.insert_idle(0).poll_value(|_, cx| cx.waker().clone());
            let parker = Parker::new();
            assert!(set.pop_notified(Some(&Waker::from(parker))).is_none());
            let waking = thread::spawn(move || waker.wake());
            drop(set);
            waking.join().unwrap();
        });
    }
}
