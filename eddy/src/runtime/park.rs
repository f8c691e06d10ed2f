//! Parking a thread on a condition variable: the fallback driver until the IO and time drivers
//! exist, and the parker behind `block_on` on threads that drive no scheduler.
//!
//! Contract: `state` is `EMPTY`, `PARKED` (a thread sleeps, or is about to, on `condvar`) or
//! `NOTIFIED` (an unpark arrived that no park has consumed). `park` consumes a notification
//! without touching the mutex; `unpark` takes the mutex only when a thread is `PARKED`, so
//! waking a thread that is awake costs one atomic swap and no syscall. The mutex is held between
//! a parker's transition to `PARKED` and its wait, and taken by `unpark` before it signals, so a
//! notification can never fall between the two.

use crate::loom::{AtomicUsize, Condvar, Mutex, Ordering, StdArc as Arc};
use crate::runtime::coop;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

/// The parking side; one per parking thread (or per driver).
#[derive(Debug)]
pub(crate) struct ParkThread {
    inner: Arc<Inner>,
}

/// The waking side; cloneable and usable from any thread.
#[derive(Clone, Debug)]
pub(crate) struct UnparkThread {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
}

impl ParkThread {
    pub(crate) fn new() -> ParkThread {
        ParkThread {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
            }),
        }
    }

    pub(crate) fn unpark(&self) -> UnparkThread {
        UnparkThread {
            inner: self.inner.clone(),
        }
    }

    /// Blocks until unparked (returns at once if an unpark is pending).
    pub(crate) fn park(&mut self) {
        self.inner.park(None);
    }

    /// Blocks until unparked or `timeout` elapses. A zero timeout only consumes a pending
    /// notification: no lock, no syscall. Returns whether an unpark was consumed (the time
    /// driver's auto-advance must not jump the paused clock past a wake-up).
    pub(crate) fn park_timeout(&mut self, timeout: Duration) -> bool {
        self.inner.park(Some(timeout))
    }
}

impl Inner {
    /// Returns whether an unpark was consumed (rather than the timeout elapsing).
    fn park(&self, timeout: Option<Duration>) -> bool {
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, Ordering::Acquire, Ordering::Acquire)
            .is_ok()
        {
            return true;
        }
        if timeout == Some(Duration::ZERO) {
            return false;
        }
        let mut guard = self.mutex.lock();
        match self
            .state
            .compare_exchange(EMPTY, PARKED, Ordering::Acquire, Ordering::Acquire)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                // Arrived while we took the lock.
                self.state.swap(EMPTY, Ordering::Acquire);
                return true;
            }
            Err(actual) => panic!("inconsistent park state: {actual}"),
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            match deadline {
                None => guard = self.condvar.wait(guard),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        // Timed out: leave PARKED. A notification that raced in is consumed,
                        // which is fine: the caller re-checks its work after any park.
                        return self.state.swap(EMPTY, Ordering::Acquire) == NOTIFIED;
                    }
                    guard = self.condvar.wait_timeout(guard, deadline - now).0;
                }
            }
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, Ordering::Acquire, Ordering::Acquire)
                .is_ok()
            {
                return true;
            }
            // Spurious wake-up: keep waiting.
        }
    }

    fn unpark(&self) {
        match self.state.swap(NOTIFIED, Ordering::Release) {
            EMPTY | NOTIFIED => {}
            PARKED => {
                // Taking the lock orders us after the parker's wait began (module contract).
                drop(self.mutex.lock());
                self.condvar.notify_one();
            }
            actual => panic!("inconsistent unpark state: {actual}"),
        }
    }
}

impl UnparkThread {
    pub(crate) fn unpark(&self) {
        self.inner.unpark();
    }

    /// A waker that unparks this parker.
    pub(crate) fn into_waker(self) -> Waker {
        Waker::from(self.inner)
    }
}

impl Wake for Inner {
    fn wake(self: Arc<Self>) {
        self.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.unpark();
    }
}

thread_local! {
    /// The parker of a thread that blocks without driving a scheduler; made once per thread.
    static CURRENT_PARKER: std::cell::RefCell<Option<(ParkThread, Waker)>> =
        const { std::cell::RefCell::new(None) };
}

/// Blocks the current thread on a future with its thread-local parker.
pub(crate) struct CachedParkThread {
    _not_send: std::marker::PhantomData<*const ()>,
}

impl CachedParkThread {
    pub(crate) fn new() -> CachedParkThread {
        CachedParkThread {
            _not_send: std::marker::PhantomData,
        }
    }

    pub(crate) fn block_on<F: Future>(&mut self, future: F) -> F::Output {
        self.run(future, None)
            .expect("a block_on without deadline cannot time out")
    }

    fn run<F: Future>(&mut self, future: F, deadline: Option<Instant>) -> Option<F::Output> {
        let mut future = pin!(future);
        let (mut park, waker) = take_parker();
        let result = (|| {
            let mut cx = Context::from_waker(&waker);
            loop {
                if let Poll::Ready(output) = coop::budget(|| future.as_mut().poll(&mut cx)) {
                    return Some(output);
                }
                match deadline {
                    None => park.park(),
                    Some(deadline) => {
                        let now = Instant::now();
                        if now >= deadline {
                            return None;
                        }
                        park.park_timeout(deadline - now);
                    }
                }
            }
        })();
        put_parker(park, waker);
        result
    }
}

/// Takes this thread's parker out (a nested `block_on`, or a destroyed thread-local, gets a
/// fresh one).
fn take_parker() -> (ParkThread, Waker) {
    CURRENT_PARKER
        .try_with(|slot| slot.borrow_mut().take())
        .ok()
        .flatten()
        .unwrap_or_else(|| {
            let park = ParkThread::new();
            let waker = park.unpark().into_waker();
            (park, waker)
        })
}

fn put_parker(park: ParkThread, waker: Waker) {
    let _ = CURRENT_PARKER.try_with(|slot| *slot.borrow_mut() = Some((park, waker)));
}
