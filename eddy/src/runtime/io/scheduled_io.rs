//! `ScheduledIo`: the readiness of one registered resource, and the tasks waiting on it.
//!
//! Contract:
//! - `readiness` packs, in one atomic word, the readiness bits (low 16 bits), a tick (15 bits)
//!   that the driver bumps each time it sets readiness, and a shutdown bit. A task that saw
//!   readiness at tick `t` and then got `WouldBlock` clears it only if the tick is still `t`:
//!   readiness that arrived in between is never lost. The resource's memory is freed only after
//!   the driver's next turn has begun (registration_set.rs), so an event the kernel had already
//!   queued for a deregistered resource lands in live memory and wakes nobody.
//! - `waiters` guards the two direction slots (`reader`, `writer`: the single waker of the
//!   `poll_read_ready` / `poll_write_ready` style APIs) and the list of `Readiness` futures (any
//!   number, each with its interest). A waiter node lives inside its pinned future; its fields
//!   are touched only under this lock, and its drop unlinks it under the lock first.
//! - Readiness is stored before the waiters are looked at, and a waiter re-reads readiness under
//!   the lock before it sleeps, so a wake-up cannot fall between the two. Wakers are collected
//!   under the lock and woken after it is released.

use crate::io::{Interest, Ready};
use crate::loom::{AtomicUsize, Mutex, Ordering, UnsafeCell};
use crate::util::linked_list::{self, LinkedList, Pointers};
use crate::util::wake_list::WakeList;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

const READINESS_MASK: usize = 0xFFFF;
const TICK_SHIFT: u32 = 16;
const TICK_MAX: usize = 0x7FFF;
const SHUTDOWN: usize = 1 << 31;

/// Readiness as one look at a resource saw it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadyEvent {
    pub(crate) tick: u16,
    pub(crate) ready: Ready,
    pub(crate) is_shutdown: bool,
}

/// Which half of a resource a `poll_*_ready` caller waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    pub(crate) fn mask(self) -> Ready {
        match self {
            Direction::Read => Ready::READABLE | Ready::READ_CLOSED,
            Direction::Write => Ready::WRITABLE | Ready::WRITE_CLOSED,
        }
    }
}

/// How `set_readiness` treats the tick.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Tick {
    /// The driver sets readiness: a new tick.
    Set,
    /// A task clears readiness it saw at this tick; nothing happens if the tick moved on.
    Clear(u16),
}

pub(crate) struct ScheduledIo {
    /// Links in the driver's registration list (registration_set.rs).
    pub(super) pointers: Pointers<ScheduledIo>,
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
}

// SAFETY: `pointers` is touched only under the registration set's lock, the waiter list only
// under `waiters`' lock, and everything else is atomic (module contract).
unsafe impl Send for ScheduledIo {}
// SAFETY: as above.
unsafe impl Sync for ScheduledIo {}

struct Waiters {
    list: LinkedList<WaiterLink>,
    reader: Option<Waker>,
    writer: Option<Waker>,
}

// SAFETY: the list holds pointers to waiter nodes that are only touched under the lock that
// guards this struct (module contract); the nodes' wakers are Send.
unsafe impl Send for Waiters {}

struct Waiter {
    pointers: Pointers<Waiter>,
    /// The fields below: under the `waiters` lock once the node is linked.
    inner: UnsafeCell<WaiterInner>,
    _pinned: PhantomPinned,
}

struct WaiterInner {
    waker: Option<Waker>,
    interest: Interest,
    /// Set (under the lock) when a wake-up took the node out of the list.
    is_ready: bool,
}

struct WaiterLink;

// SAFETY: `pointers` returns the node's embedded links; a node unlinks itself (under the lock)
// before its future is dropped, so the list never holds a dangling pointer.
unsafe impl linked_list::Link for WaiterLink {
    type Handle = NonNull<Waiter>;
    type Target = Waiter;

    fn as_raw(handle: &NonNull<Waiter>) -> NonNull<Waiter> {
        *handle
    }

    unsafe fn from_raw(ptr: NonNull<Waiter>) -> NonNull<Waiter> {
        ptr
    }

    unsafe fn pointers(target: NonNull<Waiter>) -> NonNull<Pointers<Waiter>> {
        // SAFETY: `target` is live (caller); this projects to a field without reading it.
        unsafe { NonNull::new_unchecked(std::ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
    }
}

impl ScheduledIo {
    pub(crate) fn new() -> ScheduledIo {
        ScheduledIo {
            pointers: Pointers::new(),
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters {
                list: LinkedList::new(),
                reader: None,
                writer: None,
            }),
        }
    }

    /// The mio token of this resource: its address, which stays valid until the driver frees
    /// it (module contract).
    pub(crate) fn token(&self) -> mio::Token {
        mio::Token(self as *const ScheduledIo as usize)
    }

    /// Updates the readiness bits with `f`, and the tick as `tick` says.
    pub(crate) fn set_readiness(&self, tick: Tick, f: impl Fn(Ready) -> Ready) {
        let mut current = self.readiness.load(Ordering::Acquire);
        loop {
            let current_tick = (current >> TICK_SHIFT) & TICK_MAX;
            let new_tick = match tick {
                Tick::Set => (current_tick + 1) & TICK_MAX,
                Tick::Clear(seen) if usize::from(seen) == current_tick => current_tick,
                // New readiness arrived since the caller looked: keep it.
                Tick::Clear(_) => return,
            };
            let ready = f(Ready::from_usize(current & READINESS_MASK));
            let next = (current & SHUTDOWN) | (new_tick << TICK_SHIFT) | ready.as_usize();
            match self.readiness.compare_exchange(
                current,
                next,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Clears the readiness of `event` (a `WouldBlock` proved it stale), keeping the closed
    /// bits: a closed half stays closed.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let stale = event.ready - Ready::READ_CLOSED - Ready::WRITE_CLOSED;
        self.set_readiness(Tick::Clear(event.tick), |current| current - stale);
    }

    /// Marks the resource shut down and wakes everyone: their next look returns the error.
    pub(crate) fn shutdown(&self) {
        self.readiness.fetch_or(SHUTDOWN, Ordering::AcqRel);
        self.wake(Ready::ALL);
    }

    fn event(&self, current: usize, mask: Ready) -> ReadyEvent {
        ReadyEvent {
            tick: ((current >> TICK_SHIFT) & TICK_MAX) as u16,
            ready: Ready::from_usize(current & READINESS_MASK) & mask,
            is_shutdown: current & SHUTDOWN != 0,
        }
    }

    /// Wakes the waiters that `ready` satisfies.
    pub(crate) fn wake(&self, ready: Ready) {
        let mut wakers = WakeList::new();
        let mut waiters = self.waiters.lock();
        if ready.is_readable() {
            if let Some(waker) = waiters.reader.take() {
                wakers.push(waker);
            }
        }
        if ready.is_writable() {
            if let Some(waker) = waiters.writer.take() {
                wakers.push(waker);
            }
        }
        loop {
            let mut kept = LinkedList::<WaiterLink>::new();
            let mut batch_full = false;
            while let Some(node) = waiters.list.pop_back() {
                // SAFETY: a linked node is live (it unlinks itself before it is dropped), and we
                // hold the lock that guards its fields.
                let woken = unsafe {
                    node.as_ref().inner.with_mut(|inner| {
                        if !ready.satisfies((*inner).interest) {
                            return None;
                        }
                        (*inner).is_ready = true;
                        Some((*inner).waker.take())
                    })
                };
                match woken {
                    None => kept.push_front(node),
                    Some(waker) => {
                        if let Some(waker) = waker {
                            wakers.push(waker);
                        }
                        if wakers.is_full() {
                            batch_full = true;
                            break;
                        }
                    }
                }
            }
            waiters.list.splice_front(kept);
            if !batch_full {
                break;
            }
            drop(waiters);
            wakers.wake_all();
            waiters = self.waiters.lock();
        }
        drop(waiters);
        wakers.wake_all();
    }

    /// The `poll_read_ready` / `poll_write_ready` path: one waker per direction.
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<ReadyEvent> {
        let mask = direction.mask();
        let current = self.readiness.load(Ordering::Acquire);
        let event = self.event(current, mask);
        if event.is_shutdown || !event.ready.is_empty() {
            return Poll::Ready(event);
        }
        let mut waiters = self.waiters.lock();
        let slot = match direction {
            Direction::Read => &mut waiters.reader,
            Direction::Write => &mut waiters.writer,
        };
        match slot {
            Some(existing) if existing.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        // Readiness may have arrived before we took the lock (module contract).
        let current = self.readiness.load(Ordering::Acquire);
        let event = self.event(current, mask);
        if event.is_shutdown || !event.ready.is_empty() {
            Poll::Ready(event)
        } else {
            Poll::Pending
        }
    }

    /// The readiness right now, for `interest`, without waiting.
    pub(crate) fn ready_now(&self, interest: Interest) -> ReadyEvent {
        let current = self.readiness.load(Ordering::Acquire);
        self.event(current, Ready::from_interest(interest))
    }

    /// Drops the direction wakers (the resource is going away; this also breaks cycles of a
    /// task holding its own resource).
    pub(crate) fn clear_wakers(&self) {
        let mut waiters = self.waiters.lock();
        let reader = waiters.reader.take();
        let writer = waiters.writer.take();
        drop(waiters);
        drop((reader, writer));
    }

    /// Waits until the resource is ready for `interest` (or shut down).
    pub(crate) fn readiness(&self, interest: Interest) -> Readiness<'_> {
        Readiness {
            io: self,
            state: State::Init,
            waiter: Waiter {
                pointers: Pointers::new(),
                inner: UnsafeCell::new(WaiterInner {
                    waker: None,
                    interest,
                    is_ready: false,
                }),
                _pinned: PhantomPinned,
            },
        }
    }
}

/// The future of `ScheduledIo::readiness`; it owns a waiter node while it waits.
pub(crate) struct Readiness<'a> {
    io: &'a ScheduledIo,
    state: State,
    waiter: Waiter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Init,
    Waiting,
    Done,
}

impl Future for Readiness<'_> {
    type Output = ReadyEvent;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ReadyEvent> {
        // SAFETY: nothing is moved out; the waiter node stays where it is while linked.
        let this = unsafe { self.get_unchecked_mut() };
        let io = this.io;
        // SAFETY: the node is not linked yet in `Init`, and in the other states we only read it
        // under the lock below.
        let interest = this.waiter.inner.with(|inner| unsafe { (*inner).interest });
        let mask = Ready::from_interest(interest);
        loop {
            match this.state {
                State::Init => {
                    let event = io.event(io.readiness.load(Ordering::Acquire), mask);
                    if event.is_shutdown || !event.ready.is_empty() {
                        this.state = State::Done;
                        return Poll::Ready(event);
                    }
                    let mut waiters = io.waiters.lock();
                    let event = io.event(io.readiness.load(Ordering::Acquire), mask);
                    if event.is_shutdown || !event.ready.is_empty() {
                        this.state = State::Done;
                        return Poll::Ready(event);
                    }
                    // SAFETY: the node is not linked yet: we own its fields.
                    this.waiter.inner.with_mut(|inner| unsafe {
                        (*inner).waker = Some(cx.waker().clone());
                    });
                    waiters.list.push_front(NonNull::from(&this.waiter));
                    this.state = State::Waiting;
                    return Poll::Pending;
                }
                State::Waiting => {
                    let waiters = io.waiters.lock();
                    // SAFETY: we hold the lock that guards a linked node's fields.
                    let ready = this.waiter.inner.with_mut(|inner| unsafe {
                        if (*inner).is_ready {
                            return true;
                        }
                        match &(*inner).waker {
                            Some(existing) if existing.will_wake(cx.waker()) => {}
                            _ => (*inner).waker = Some(cx.waker().clone()),
                        }
                        false
                    });
                    drop(waiters);
                    if !ready {
                        return Poll::Pending;
                    }
                    this.state = State::Done;
                }
                State::Done => {
                    // Woken: report what is ready now (possibly nothing, if another task
                    // consumed it; callers then try again).
                    let event = io.event(io.readiness.load(Ordering::Acquire), mask);
                    return Poll::Ready(event);
                }
            }
        }
    }
}

impl Drop for Readiness<'_> {
    fn drop(&mut self) {
        if self.state != State::Waiting {
            return;
        }
        let mut waiters = self.io.waiters.lock();
        // SAFETY: the node is live (we are dropping its owner) and, unless a wake-up took it
        // out, linked in this list; both checked under the lock.
        unsafe {
            let is_ready = self.waiter.inner.with(|inner| (*inner).is_ready);
            if !is_ready {
                waiters.list.remove(NonNull::from(&self.waiter));
            }
        }
        // SAFETY: unlinked now: we own the node's fields.
        let waker = self
            .waiter
            .inner
            .with_mut(|inner| unsafe { (*inner).waker.take() });
        drop(waiters);
        drop(waker);
    }
}

// SAFETY: the waiter's fields are only touched under the `waiters` lock once linked; the
// future holds a shared reference to a Sync `ScheduledIo`.
unsafe impl Send for Readiness<'_> {}
// SAFETY: `&Readiness` exposes nothing.
unsafe impl Sync for Readiness<'_> {}
