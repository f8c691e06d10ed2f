//! Models of a resource's readiness racing its waiters: the driver setting readiness and waking
//! on one thread while a task looks and registers on another. No interleaving may leave the task
//! asleep with readiness set, and a task's stale `WouldBlock` may never erase readiness that
//! arrived after it looked.

use crate::io::{Interest, Ready};
use crate::loom::{thread, AtomicUsize, Ordering, StdArc};
use crate::runtime::io::scheduled_io::{Direction, ScheduledIo, Tick};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Wake, Waker};

struct CountWakes(AtomicUsize);

impl Wake for CountWakes {
    fn wake(self: StdArc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (StdArc<CountWakes>, Waker) {
    let wakes = StdArc::new(CountWakes(AtomicUsize::new(0)));
    let waker = Waker::from(wakes.clone());
    (wakes, waker)
}

/// What the driver does for one event.
fn deliver(io: &ScheduledIo, ready: Ready) {
    io.set_readiness(Tick::Set, |current| current | ready);
    io.wake(ready);
}

#[test]
fn loom_io_direction_waiter_vs_event() {
    loom::model(|| {
        let io = StdArc::new(ScheduledIo::new());
        let driver = {
            let io = io.clone();
            thread::spawn(move || deliver(&io, Ready::READABLE))
        };
        let (wakes, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let polled = io.poll_readiness(&mut cx, Direction::Read);
        driver.join().unwrap();
        if polled.is_pending() {
            assert_eq!(
                wakes.0.load(Ordering::SeqCst),
                1,
                "a pending reader was never woken"
            );
        }
    });
}

#[test]
fn loom_io_async_waiter_vs_event() {
    loom::model(|| {
        let io = StdArc::new(ScheduledIo::new());
        let driver = {
            let io = io.clone();
            thread::spawn(move || deliver(&io, Ready::WRITABLE))
        };
        let (wakes, waker) = counting_waker();
        let mut cx = Context::from_waker(&waker);
        let mut waiting = pin!(io.readiness(Interest::WRITABLE));
        let polled = waiting.as_mut().poll(&mut cx);
        driver.join().unwrap();
        match polled {
            Poll::Ready(event) => assert!(event.ready.is_writable()),
            Poll::Pending => {
                assert_eq!(
                    wakes.0.load(Ordering::SeqCst),
                    1,
                    "a pending waiter was never woken"
                );
                let Poll::Ready(event) = waiting.as_mut().poll(&mut cx) else {
                    panic!("woken but still pending");
                };
                assert!(event.ready.is_writable());
            }
        }
    });
}

#[test]
fn loom_io_stale_clear_keeps_new_readiness() {
    loom::model(|| {
        let io = StdArc::new(ScheduledIo::new());
        deliver(&io, Ready::READABLE);
        // The task saw readiness, tried, and got `WouldBlock`...
        let seen = io.ready_now(Interest::READABLE);
        // ...while a new event arrives.
        let driver = {
            let io = io.clone();
            thread::spawn(move || deliver(&io, Ready::READABLE))
        };
        io.clear_readiness(seen);
        driver.join().unwrap();
        assert!(
            io.ready_now(Interest::READABLE).ready.is_readable(),
            "the clear erased readiness that arrived after the task looked"
        );
    });
}
