//! Models of a timer racing its driver: a cancel (a `Sleep` dropped) or a reset on one thread
//! while the driver fires the timer on another. Whatever the interleaving, the node ends in the
//! wheel or out of it consistently, its waker is woken at most once and only if it fired, and
//! nothing is touched after it leaves the wheel (loom checks the accesses of the `UnsafeCell`s).

use crate::loom::{thread, AtomicUsize, Ordering, StdArc};
use crate::runtime::driver::Unpark;
use crate::runtime::park::ParkThread;
use crate::runtime::time::entry::{TimerShared, TimerState};
use crate::runtime::time::handle::{Filed, Handle};
use crate::runtime::time::Clock;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Wake, Waker};

struct CountWakes(AtomicUsize);

impl Wake for CountWakes {
    fn wake(self: StdArc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A node pointer that the model hands to another thread; the node outlives both threads.
#[derive(Clone, Copy)]
struct SendNode(NonNull<TimerShared>);

// SAFETY: the node is Sync (entry.rs) and outlives every thread of the model.
unsafe impl Send for SendNode {}

fn setup() -> (
    Handle,
    Pin<Box<TimerShared>>,
    StdArc<CountWakes>,
    ParkThread,
) {
    let park = ParkThread::new();
    let handle = Handle::new(Clock::new(false, false), Unpark::Thread(park.unpark()), 1);
    let node = Box::pin(TimerShared::new());
    let wakes = StdArc::new(CountWakes(AtomicUsize::new(0)));
    let waker = Waker::from(wakes.clone());
    let ptr = NonNull::from(&*node);
    // SAFETY: the node is pinned in its box and outlives the model's threads.
    let filed = unsafe { handle.file(0, ptr, 1, Some(&waker)) };
    assert_eq!(filed, Some(Filed::Pending));
    (handle, node, wakes, park)
}

#[test]
fn loom_timer_cancel_races_expiry() {
    loom::model(|| {
        let (handle, node, wakes, _park) = setup();
        let ptr = SendNode(NonNull::from(&*node));
        let driver = {
            let handle = handle.clone();
            thread::spawn(move || handle.process(5))
        };
        let ptr = ptr;
        // SAFETY: the node is alive until after the join below, and filed with shard 0.
        unsafe { handle.cancel(0, ptr.0) };
        driver.join().unwrap();
        let woken = wakes.0.load(Ordering::SeqCst);
        match node.state() {
            // Fired first: woken once, and the cancel found nothing to take out.
            TimerState::Fired => assert_eq!(woken, 1),
            // Cancelled first: the driver found an empty wheel and woke nobody.
            TimerState::Idle => assert_eq!(woken, 0),
            other => panic!("timer ended {other:?}"),
        }
        // Whatever the cancel left behind as the shard's next wake, processing clears it.
        handle.process(10);
        assert_eq!(handle.next_wake(), None);
    });
}

#[test]
fn loom_timer_reset_races_expiry() {
    loom::model(|| {
        let (handle, node, wakes, _park) = setup();
        let ptr = SendNode(NonNull::from(&*node));
        let driver = {
            let handle = handle.clone();
            thread::spawn(move || handle.process(5))
        };
        let ptr = ptr;
        // Move the deadline far out, as `Sleep::reset` does.
        // SAFETY: the node is alive and pinned until after the join, filed with shard 0.
        let filed = unsafe { handle.file(0, ptr.0, 1_000, None) };
        assert_eq!(filed, Some(Filed::Pending));
        driver.join().unwrap();
        // The reset wins over an earlier firing or comes after it: either way the timer is filed
        // again for 1000 and still pending, and the waker was woken at most once.
        assert_eq!(node.state(), TimerState::Registered);
        assert!(wakes.0.load(Ordering::SeqCst) <= 1);
        // SAFETY: as above.
        unsafe { handle.cancel(0, ptr.0) };
        assert_eq!(node.state(), TimerState::Idle);
    });
}

#[test]
fn loom_timer_filed_while_the_driver_plans_its_sleep() {
    loom::model(|| {
        let mut park = ParkThread::new();
        let handle = Handle::new(Clock::new(false, false), Unpark::Thread(park.unpark()), 1);
        let node = Box::pin(TimerShared::new());
        let ptr = SendNode(NonNull::from(&*node));
        let filer = {
            let handle = handle.clone();
            thread::spawn(move || {
                let ptr = ptr;
                // SAFETY: the node is pinned and outlives this thread; it was never filed.
                unsafe { handle.file(0, ptr.0, 1, None) }
            })
        };
        // The driver's side of `time::Driver::sleep`, up to the park itself.
        handle.begin_park();
        let next = handle.next_wake();
        handle.plan_wake(next);
        let plan_covers_timer = next.is_some_and(|tick| tick <= 1);
        assert_eq!(filer.join().unwrap(), Some(Filed::Pending));
        // Either the driver planned to wake for the timer, or the filer left it an unpark: it
        // never sleeps past a timer filed while it was going to sleep.
        let unparked = park.park_timeout(std::time::Duration::ZERO);
        assert!(plan_covers_timer || unparked, "the timer would fire late");
        handle.end_park();
        // SAFETY: the node is alive and filed with shard 0.
        unsafe { handle.cancel(0, ptr.0) };
    });
}
