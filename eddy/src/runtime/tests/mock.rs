//! A minimal scheduler for the models: a run queue under a mutex and an `OwnedTasks` list.

// The loom models use all of it; the unit tests without loom only a part.
#![cfg_attr(not(loom), allow(dead_code))]

use crate::loom::{Arc, AtomicBool, Mutex, Ordering, StdArc};
use crate::runtime::task::{self, JoinHandle, Notified, OwnedTasks, Schedule, SpawnMeta, Task};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

pub(super) struct Mock {
    pub(super) owned: OwnedTasks<Arc<Mock>>,
    queue: Mutex<VecDeque<Notified<Arc<Mock>>>>,
}

impl Mock {
    pub(super) fn new() -> Arc<Mock> {
        Arc::new(Mock {
            owned: OwnedTasks::new(1),
            queue: Mutex::new(VecDeque::new()),
        })
    }

    /// Takes the oldest queued task without running it.
    pub(super) fn take_queued(&self) -> Option<Notified<Arc<Mock>>> {
        self.queue.lock().pop_front()
    }

    /// Runs queued tasks until the queue is empty.
    pub(super) fn run_all(&self) {
        loop {
            let next = self.queue.lock().pop_front();
            match next {
                Some(task) => task.run(),
                None => return,
            }
        }
    }

    /// Runtime shutdown: cancel everything still owned and drop what is queued.
    pub(super) fn shutdown(&self) {
        // SAFETY: the mock never binds locally, so the list needs no exclusive owner.
        unsafe { self.owned.close_and_shutdown_all(0) };
        while let Some(task) = self.queue.lock().pop_front() {
            drop(task);
        }
        // SAFETY: as above.
        assert!(unsafe { self.owned.is_empty() });
    }
}

impl Schedule for Arc<Mock> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        // SAFETY: the mock never binds locally.
        unsafe { self.owned.remove(task) }
    }

    fn schedule(task: Notified<Self>) {
        let mock = task.scheduler().clone();
        mock.queue.lock().push_back(task);
    }
}

/// A future that completes once its `Gate` is opened.
pub(super) struct WaitGate {
    gate: Arc<Gate>,
    /// Counts as alive for as long as the future is.
    pub(super) _alive: Arc<()>,
}

pub(super) struct Gate {
    open: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Gate {
    pub(super) fn new() -> Arc<Gate> {
        Arc::new(Gate {
            open: AtomicBool::new(false),
            waker: Mutex::new(None),
        })
    }

    pub(super) fn open(&self) {
        self.open.store(true, Ordering::Release);
        let waker = self.waker.lock().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Future for WaitGate {
    type Output = Arc<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Arc<()>> {
        if self.gate.open.load(Ordering::Acquire) {
            return Poll::Ready(self._alive.clone());
        }
        *self.gate.waker.lock() = Some(cx.waker().clone());
        if self.gate.open.load(Ordering::Acquire) {
            return Poll::Ready(self._alive.clone());
        }
        Poll::Pending
    }
}

/// Spawns `future` on `mock`; the task waits in the mock's queue.
pub(super) fn spawn<F>(mock: &Arc<Mock>, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (task, join) = task::new_task(future, mock.clone(), SpawnMeta::caller());
    // SAFETY: the future and its output are `Send`.
    if let Some(notified) = unsafe { mock.owned.bind_unsend(task) } {
        mock.queue.lock().push_back(notified);
    }
    join
}

/// A future that completes once `gate` opens, keeping `alive` while it lives.
pub(super) fn wait(gate: &Arc<Gate>, alive: Arc<()>) -> WaitGate {
    WaitGate {
        gate: gate.clone(),
        _alive: alive,
    }
}

/// A waker that counts its wakes; each one is distinct, so `will_wake` tells two apart.
pub(super) struct CountingWaker(crate::loom::AtomicUsize);

impl CountingWaker {
    pub(super) fn new() -> StdArc<CountingWaker> {
        StdArc::new(CountingWaker(crate::loom::AtomicUsize::new(0)))
    }

    pub(super) fn wakes(&self) -> usize {
        self.0.load(crate::loom::Ordering::SeqCst)
    }
}

impl std::task::Wake for CountingWaker {
    fn wake(self: StdArc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &StdArc<Self>) {
        self.0.fetch_add(1, crate::loom::Ordering::SeqCst);
    }
}

/// Polls a JoinHandle once with the given waker.
pub(super) fn poll_with<T>(
    join: &mut JoinHandle<T>,
    waker: &StdArc<CountingWaker>,
) -> Poll<Result<T, crate::task::JoinError>> {
    let waker = Waker::from(waker.clone());
    let mut cx = Context::from_waker(&waker);
    Pin::new(join).poll(&mut cx)
}

/// Polls a JoinHandle once with a no-op waker.
pub(super) fn poll_once<T>(join: &mut JoinHandle<T>) -> Poll<Result<T, crate::task::JoinError>> {
    let waker = Waker::noop();
    let mut cx = Context::from_waker(waker);
    Pin::new(join).poll(&mut cx)
}

/// Spawns a task on `mock` and takes its `Notified` out of the mock's run queue, as a scheduler
/// would before queueing it elsewhere. Its JoinHandle is dropped (detached).
pub(super) fn notified(mock: &Arc<Mock>, gate: &Arc<Gate>) -> Notified<Arc<Mock>> {
    drop(spawn(mock, wait(gate, Arc::new(()))));
    mock.take_queued().expect("spawn queues the task")
}

/// `count` tasks made with `notified`.
#[cfg(not(loom))]
pub(super) fn tasks(mock: &Arc<Mock>, gate: &Arc<Gate>, count: usize) -> Vec<Notified<Arc<Mock>>> {
    (0..count).map(|_| notified(mock, gate)).collect()
}

/// The address of a task's header, to follow one task through the queues.
#[cfg(not(loom))]
pub(super) fn key(task: &Notified<Arc<Mock>>) -> usize {
    task.header_addr()
}
