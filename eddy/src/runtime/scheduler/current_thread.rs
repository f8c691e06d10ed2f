//! The current-thread scheduler: every task runs on the thread that calls `block_on`.
//!
//! The scheduler's `Core` (local run queue, tick, driver) is owned by exactly one thread at a
//! time: the one inside `block_on`. Other threads that call `block_on` on the same runtime wait
//! for the core while polling their own future with a thread parker, and take the core over when
//! it is returned. Tasks woken on the driving thread go to the back of the local queue (no
//! atomics, no lock); tasks woken anywhere else go to the inject queue and unpark the driver.
//!
//! The loop (`CoreGuard::block_on`):
//! 1. if the `block_on` future was woken, poll it under a fresh budget;
//! 2. run up to `event_interval` tasks, taking from the inject queue first every
//!    `global_queue_interval` ticks so remote work cannot starve;
//! 3. with no task left, park on the driver (or only poll it, if wakers were deferred);
//! 4. after `event_interval` tasks, poll the driver without blocking, then start over.

use super::defer::Defer;
use super::inject::Inject;
use crate::loom::{AtomicBool, Mutex, Ordering, StdArc as Arc};
use crate::runtime::config::{Config, UnhandledPanic};
use crate::runtime::driver::{self, Driver, Look};
use crate::runtime::hooks::TaskHooks;
use crate::runtime::task::{self, JoinHandle, Notified, OwnedTasks, Schedule, SpawnMeta, Task};
use crate::runtime::{
    blocking, context, coop, scheduler, MetricsBatch, SchedulerMetrics, WorkerMetrics,
};
use crate::util::error;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{Poll, Wake, Waker};
use std::thread::{self, ThreadId};

/// Initial capacity of the local run queue.
const INITIAL_CAPACITY: usize = 64;

/// The scheduler as the `Runtime` owns it.
pub(crate) struct CurrentThread {
    /// The core while no thread drives the runtime.
    core: Mutex<Option<Box<Core>>>,
    /// Threads waiting in `block_on` for the core.
    core_waiters: Mutex<Vec<Waker>>,
}

/// The shared, cross-thread part of the scheduler.
pub(crate) struct Handle {
    shared: Shared,
    pub(crate) driver: driver::Handle,
    pub(crate) blocking_spawner: blocking::Spawner,
    pub(crate) name: Option<String>,
    /// For a `LocalRuntime`: the thread that created it, the only one that drives it, and so
    /// the only one where `!Send` tasks may be spawned.
    local_tid: Option<ThreadId>,
}

struct Shared {
    inject: Inject<Arc<Handle>>,
    owned: OwnedTasks<Arc<Handle>>,
    /// Set by the `block_on` waker: the `block_on` future must be polled.
    woken: AtomicBool,
    config: Config,
    /// The driving thread's counters, as of its last park.
    worker_metrics: WorkerMetrics,
    scheduler_metrics: SchedulerMetrics,
}

/// What the driving thread owns.
struct Core {
    tasks: VecDeque<Notified<Arc<Handle>>>,
    tick: u32,
    /// Taken out while parked.
    driver: Option<Driver>,
    global_queue_interval: u32,
    /// A task panicked under `UnhandledPanic::ShutdownRuntime`: every `block_on` from now on
    /// shuts the tasks down and panics.
    unhandled_panic: bool,
    metrics: MetricsBatch,
}

/// The thread-local view of the scheduler on the driving thread.
pub(crate) struct Context {
    handle: Arc<Handle>,
    /// The core, for the whole time this thread drives. Borrowed briefly, never across a poll.
    core: RefCell<Option<Box<Core>>>,
    defer: Defer,
    /// The waker `block_on` polls its future with; a yield there may be deferred too.
    block_on_waker: Waker,
    /// Polls are timed (the runtime keeps a poll-time histogram).
    times_polls: bool,
}

/// Default of `global_queue_interval` on this flavour.
const DEFAULT_GLOBAL_QUEUE_INTERVAL: u32 = 31;

impl CurrentThread {
    pub(crate) fn new(
        driver: Driver,
        driver_handle: driver::Handle,
        blocking_spawner: blocking::Spawner,
        config: Config,
        name: Option<String>,
        local_tid: Option<ThreadId>,
    ) -> (CurrentThread, Arc<Handle>) {
        let global_queue_interval = config
            .global_queue_interval
            .unwrap_or(DEFAULT_GLOBAL_QUEUE_INTERVAL);
        let worker_metrics = WorkerMetrics::new(config.metrics_poll_time_histogram);
        let handle = Arc::new(Handle {
            shared: Shared {
                inject: Inject::new(),
                owned: OwnedTasks::new(1),
                woken: AtomicBool::new(false),
                config,
                worker_metrics,
                scheduler_metrics: SchedulerMetrics::new(),
            },
            driver: driver_handle,
            blocking_spawner,
            name,
            local_tid,
        });
        let core = Box::new(Core {
            tasks: VecDeque::with_capacity(INITIAL_CAPACITY),
            tick: 0,
            driver: Some(driver),
            global_queue_interval,
            unhandled_panic: false,
            metrics: MetricsBatch::new(&handle.shared.worker_metrics),
        });
        let scheduler = CurrentThread {
            core: Mutex::new(Some(core)),
            core_waiters: Mutex::new(Vec::new()),
        };
        (scheduler, handle)
    }

    /// Runs `future` to completion on this thread, driving the scheduler while it waits (or
    /// waiting for the thread that drives it to let go).
    #[track_caller]
    pub(crate) fn block_on<F: Future>(&self, handle: &scheduler::Handle, future: F) -> F::Output {
        let mut future = pin!(future);
        context::enter_runtime(handle, false, |blocking| {
            let handle = handle.as_current_thread();
            loop {
                if let Some(core) = self.take_core() {
                    // The future was last polled with another waker (or never): poll it first.
                    handle.shared.woken.store(true, Ordering::Release);
                    let guard = CoreGuard::new(core, handle, self);
                    return guard.block_on(future.as_mut());
                }
                let waited = blocking.block_on(poll_fn(|cx| {
                    // Register first, then check, so a core returned in between is not missed.
                    self.wait_for_core(cx.waker());
                    if self.core.lock().is_some() {
                        return Poll::Ready(None);
                    }
                    future.as_mut().poll(cx).map(Some)
                }));
                if let Some(output) = waited {
                    return output;
                }
            }
        })
    }

    fn take_core(&self) -> Option<Box<Core>> {
        self.core.lock().take()
    }

    fn wait_for_core(&self, waker: &Waker) {
        let mut waiters = self.core_waiters.lock();
        if !waiters.iter().any(|w| w.will_wake(waker)) {
            waiters.push(waker.clone());
        }
    }

    fn return_core(&self, core: Box<Core>) {
        *self.core.lock() = Some(core);
        let waiters = std::mem::take(&mut *self.core_waiters.lock());
        for waiter in waiters {
            waiter.wake();
        }
    }

    /// Shuts the scheduler down: drops every task's future (inside the runtime context, so
    /// destructors may use `Handle::current()`), then the queues, then the driver.
    pub(crate) fn shutdown(&mut self, handle: &scheduler::Handle) {
        let Some(mut core) = self.take_core() else {
            // Only a panic unwinding out of `block_on` can leave without the core.
            if std::thread::panicking() {
                return;
            }
            panic!("the current-thread scheduler's core was lost; this is a bug in eddy");
        };
        let _current = context::try_set_current(handle);
        let ct = handle.as_current_thread();
        let driver = core.driver.take();
        let cx = scheduler::Context::CurrentThread(Context::new(ct.clone(), core));
        let scheduler::Context::CurrentThread(context) = &cx else {
            unreachable!("just built as a current-thread context")
        };
        context::set_scheduler(&cx, || {
            // SAFETY: this thread holds the core: it is the owned list's exclusive owner.
            unsafe { ct.shared.owned.close_and_shutdown_all(0) };
            // Every task is complete now; the queues only hold references to drop.
            while let Some(task) = context.pop_local() {
                drop(task);
            }
            ct.shared.inject.close();
            while let Some(task) = ct.shared.inject.pop() {
                drop(task);
            }
            // SAFETY: as above.
            let all_gone = unsafe { ct.shared.owned.is_empty() };
            assert!(all_gone, "tasks left after shutdown; this is a bug in eddy");
            // Wakers deferred by destructors point at finished tasks: waking them does nothing.
            context.defer.wake();
        });
        if let Some(mut driver) = driver {
            driver.shutdown(&ct.driver);
        }
    }
}

impl Handle {
    pub(crate) fn spawn<F>(
        me: &Arc<Handle>,
        future: F,
        spawn: SpawnMeta<'_>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // SAFETY: the future and its output are `Send`.
        unsafe { Handle::spawn_unsend(me, future, spawn) }
    }

    /// True on the thread that created this runtime, when it is a `LocalRuntime`.
    pub(crate) fn is_local_owner(&self) -> bool {
        self.local_tid == Some(thread::current().id())
    }

    /// Whether this is the scheduler of a `LocalRuntime`.
    pub(crate) fn is_local(&self) -> bool {
        self.local_tid.is_some()
    }

    /// Spawns a `!Send` future on a `LocalRuntime`, from the thread that created it.
    ///
    /// # Panics
    /// Panics on any other thread, or when this is not a `LocalRuntime`.
    #[track_caller]
    pub(crate) fn spawn_local<F>(
        me: &Arc<Handle>,
        future: F,
        spawn: SpawnMeta<'_>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
    {
        assert!(me.is_local(), "{}", error::SPAWN_LOCAL_OUTSIDE);
        assert!(me.is_local_owner(), "{}", error::LOCAL_RUNTIME_WRONG_THREAD);
        // SAFETY: a `LocalRuntime` is `!Send` and `!Sync`, so only this thread, which created
        // it, ever drives it: every poll and drop of the task happens here.
        unsafe { Handle::spawn_unsend(me, future, spawn) }
    }

    /// # Safety
    /// Unless `F` and its output are `Send`, this is a `LocalRuntime` and the caller is on the
    /// thread that created it (see `OwnedTasks::bind_unsend`).
    unsafe fn spawn_unsend<F>(
        me: &Arc<Handle>,
        future: F,
        spawn: SpawnMeta<'_>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
    {
        // Created (and its spawn hook run) before the core is borrowed below, so that a hook
        // that spawns in turn takes the fast path too.
        let (task, join) = task::new_task(future, me.clone(), spawn);
        // On the thread that drives this runtime, bind into the unlocked half of the owned list
        // and queue locally, under one borrow of the core.
        let mut task = Some(task);
        let local = context::with_scheduler(|cx| {
            let Some(scheduler::Context::CurrentThread(cx)) = cx else {
                return false;
            };
            if !Arc::ptr_eq(&cx.handle, me) {
                return false;
            }
            let Ok(mut core) = cx.core.try_borrow_mut() else {
                return false;
            };
            let Some(core) = core.as_mut() else {
                return false;
            };
            let task = task.take().expect("taken once");
            // SAFETY: this thread holds the core, which makes it the owned list's exclusive
            // owner (see `OwnedTasks`); the `!Send` requirement is the caller's.
            if let Some(notified) = unsafe { me.shared.owned.bind_local(task) } {
                core.tasks.push_back(notified);
            }
            true
        });
        if local {
            return join;
        }
        let task = task.take().expect("not taken by the local path");
        // SAFETY: the `!Send` requirement is the caller's.
        if let Some(notified) = unsafe { me.shared.owned.bind_unsend(task) } {
            <Arc<Handle> as Schedule>::schedule(notified);
        }
        join
    }

    /// The user's task hooks, if any.
    pub(crate) fn task_hooks(&self) -> Option<&Arc<TaskHooks>> {
        self.shared.config.task_hooks.as_ref()
    }

    pub(crate) fn id(&self) -> u64 {
        self.shared.owned.id()
    }

    pub(crate) fn owned_counts(&self) -> (u64, u64) {
        self.shared.owned.counts()
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        self.shared.inject.len()
    }

    pub(crate) fn remote_schedule_count(&self) -> u64 {
        self.shared.scheduler_metrics.remote_schedule_count()
    }

    pub(crate) fn worker_metrics(&self) -> &WorkerMetrics {
        &self.shared.worker_metrics
    }

    /// The driving thread's queue depth as of its last park.
    pub(crate) fn local_queue_depth(&self) -> usize {
        self.shared
            .worker_metrics
            .queue_depth
            .load(Ordering::Relaxed)
    }

    fn schedule_remote(&self, task: Notified<Arc<Handle>>) {
        self.shared.scheduler_metrics.incr_remote_schedule_count();
        self.shared.inject.push(task);
        self.driver.unpark();
    }
}

impl Schedule for Arc<Handle> {
    fn unhandled_panic(&self) {
        if self.shared.config.unhandled_panic != UnhandledPanic::ShutdownRuntime {
            return;
        }
        // The panicking task is polled by the thread that holds the core; only mark the core
        // here (the task is mid-poll), and let `block_on` shut down once the poll has returned.
        context::with_scheduler(|cx| {
            if let Some(scheduler::Context::CurrentThread(cx)) = cx {
                if Arc::ptr_eq(&cx.handle, self) {
                    cx.with_core(|core| core.unhandled_panic = true);
                }
            }
        });
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        // SAFETY: a locally bound task is polled and shut down only by the thread that holds the
        // core, so its completion (this call) runs there, and that thread is the owned list's
        // exclusive owner. Other tasks are in the locked shards, where `remove` needs nothing.
        unsafe { self.shared.owned.remove(task) }
    }

    fn hooks(&self) -> Option<&TaskHooks> {
        self.shared.config.task_hooks.as_deref()
    }

    fn schedule(task: Notified<Self>) {
        let not_local = context::with_scheduler(move |cx| {
            let Some(scheduler::Context::CurrentThread(cx)) = cx else {
                return Some(task);
            };
            if !Arc::ptr_eq(&cx.handle, task.scheduler()) {
                return Some(task);
            }
            match cx.core.try_borrow_mut() {
                Ok(mut core) => match core.as_mut() {
                    Some(core) => {
                        core.metrics.incr_local_schedule_count();
                        core.tasks.push_back(task);
                        None
                    }
                    None => Some(task),
                },
                Err(_) => Some(task),
            }
        });
        if let Some(task) = not_local {
            // Clone the handle before the push: once queued, the task (and the handle it holds)
            // may be freed by the driving thread.
            let handle = task.scheduler().clone();
            handle.schedule_remote(task);
        }
    }
}

impl Wake for Handle {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    /// The `block_on` future's waker.
    fn wake_by_ref(self: &Arc<Self>) {
        self.shared.woken.store(true, Ordering::Release);
        self.driver.unpark();
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("current_thread::Handle")
            .field("id", &self.id())
            .field("name", &self.name)
            .finish()
    }
}

impl Context {
    fn new(handle: Arc<Handle>, core: Box<Core>) -> Context {
        Context {
            block_on_waker: Waker::from(handle.clone()),
            times_polls: handle.shared.worker_metrics.poll_time_histogram.is_some(),
            handle,
            core: RefCell::new(Some(core)),
            defer: Defer::new(),
        }
    }

    /// See `scheduler::Context::defer`.
    pub(super) fn defer(&self, waker: &Waker) {
        let is_task_waker = std::ptr::eq(waker.vtable(), task::waker_vtable());
        if is_task_waker || waker.will_wake(&self.block_on_waker) {
            self.defer.defer(waker);
        } else {
            waker.wake_by_ref();
        }
    }

    fn with_core<R>(&self, f: impl FnOnce(&mut Core) -> R) -> R {
        let mut core = self.core.borrow_mut();
        f(core.as_mut().expect("core missing from the driving thread"))
    }

    fn pop_local(&self) -> Option<Notified<Arc<Handle>>> {
        self.with_core(|core| core.tasks.pop_front())
    }

    /// The next task to run, or `None` when there is none or a task panicked under
    /// `UnhandledPanic::ShutdownRuntime` (see `has_unhandled_panic`).
    fn next_task(&self) -> Option<Notified<Arc<Handle>>> {
        let inject = &self.handle.shared.inject;
        self.with_core(|core| {
            if core.unhandled_panic {
                return None;
            }
            core.tick = core.tick.wrapping_add(1);
            let task = if core.tick % core.global_queue_interval == 0 {
                // Remote work gets its turn even while local work never runs out.
                inject.pop().or_else(|| core.tasks.pop_front())
            } else if let Some(task) = core.tasks.pop_front() {
                Some(task)
            } else {
                // Local work ran out: move everything injected over at once (one lock per
                // non-empty shard), not one lock per task.
                core.tasks.extend(inject.pop_all());
                core.tasks.pop_front()
            };
            if task.is_some() {
                core.metrics.start_poll();
            }
            task
        })
    }

    /// The poll `next_task` announced has returned. Without the poll-time histogram this is one
    /// branch: the core is not even borrowed.
    fn end_poll(&self) {
        if !self.times_polls {
            return;
        }
        if let Ok(mut core) = self.core.try_borrow_mut() {
            if let Some(core) = core.as_mut() {
                core.metrics.end_poll();
            }
        }
    }

    fn has_unhandled_panic(&self) -> bool {
        self.with_core(|core| core.unhandled_panic)
    }

    fn has_pending_work(&self) -> bool {
        !self.defer.is_empty()
            || !self.handle.shared.inject.is_empty()
            || self.handle.shared.woken.load(Ordering::Acquire)
            || self.with_core(|core| !core.tasks.is_empty())
    }

    /// Takes the driver out of the core for a park; the guard puts it back when dropped, also
    /// when a user hook or waker panics during the park.
    fn take_driver(&self) -> DriverOut<'_> {
        let driver = self.with_core(|core| core.driver.take().expect("driver missing"));
        DriverOut {
            context: self,
            driver: Some(driver),
        }
    }

    /// Publishes the counters (before a park).
    fn flush_metrics(&self) {
        let worker_metrics = &self.handle.shared.worker_metrics;
        self.with_core(|core| {
            core.metrics.about_to_park();
            core.metrics.submit(worker_metrics, core.tasks.len());
        });
    }

    pub(super) fn holds_core(&self) -> bool {
        self.core.try_borrow().map_or(true, |core| core.is_some())
    }

    /// A task ran out of coop budget.
    pub(super) fn incr_budget_forced_yield(&self) {
        if let Ok(mut core) = self.core.try_borrow_mut() {
            if let Some(core) = core.as_mut() {
                core.metrics.incr_budget_forced_yield_count();
            }
        }
    }

    /// Nothing to run: block on the driver until something happens.
    fn park(&self) {
        let handle = &self.handle;
        self.flush_metrics();
        let mut driver = self.take_driver();
        if let Some(before_park) = &handle.shared.config.before_park {
            before_park();
        }
        // The hook may have made work; then only look at the driver.
        if self.has_pending_work() {
            driver.get().look(&handle.driver, Look::Maintenance);
        } else {
            driver.get().park(&handle.driver);
        }
        drop(driver);
        self.with_core(|core| core.metrics.unparked());
        self.defer.wake();
        if let Some(after_unpark) = &handle.shared.config.after_unpark {
            after_unpark();
        }
    }

    /// Looks at the driver without blocking, then wakes the deferred tasks.
    fn park_yield(&self, look: Look) {
        self.flush_metrics();
        self.take_driver().get().look(&self.handle.driver, look);
        self.with_core(|core| core.metrics.unparked());
        self.defer.wake();
    }
}

/// The driver while it is out of the core for a park.
struct DriverOut<'a> {
    context: &'a Context,
    driver: Option<Driver>,
}

impl DriverOut<'_> {
    fn get(&mut self) -> &mut Driver {
        self.driver.as_mut().expect("present until dropped")
    }
}

impl Drop for DriverOut<'_> {
    fn drop(&mut self) {
        let driver = self.driver.take();
        self.context.with_core(|core| core.driver = driver);
    }
}

/// Gives the core back to the scheduler when the driving thread leaves `block_on`, also when it
/// leaves by a panic, and wakes the threads waiting for it.
struct CoreGuard<'a> {
    context: scheduler::Context,
    scheduler: &'a CurrentThread,
}

impl<'a> CoreGuard<'a> {
    fn new(
        mut core: Box<Core>,
        handle: &Arc<Handle>,
        scheduler: &'a CurrentThread,
    ) -> CoreGuard<'a> {
        handle
            .shared
            .worker_metrics
            .set_thread_id(Some(std::thread::current().id()));
        core.metrics.start_processing();
        CoreGuard {
            context: scheduler::Context::CurrentThread(Context::new(handle.clone(), core)),
            scheduler,
        }
    }

    fn block_on<F: Future>(self, mut future: Pin<&mut F>) -> F::Output {
        let scheduler::Context::CurrentThread(context) = &self.context else {
            unreachable!("a CoreGuard holds a current-thread context")
        };
        let handle = &context.handle;
        let mut cx = std::task::Context::from_waker(&context.block_on_waker);
        let event_interval = handle.shared.config.event_interval;

        context::set_scheduler(&self.context, || 'outer: loop {
            if handle.shared.woken.swap(false, Ordering::AcqRel) {
                if let Poll::Ready(output) = coop::budget(|| future.as_mut().poll(&mut cx)) {
                    return output;
                }
            }
            for _ in 0..event_interval {
                let Some(task) = context.next_task() else {
                    if context.has_unhandled_panic() {
                        // SAFETY: this thread holds the core: it is the owned list's exclusive
                        // owner.
                        unsafe { handle.shared.owned.close_and_shutdown_all(0) };
                        panic!("{}", error::UNHANDLED_PANIC_SHUTDOWN);
                    }
                    if context.defer.is_empty() {
                        context.park();
                    } else {
                        context.park_yield(Look::Yield);
                    }
                    continue 'outer;
                };
                coop::budget(|| task.run());
                context.end_poll();
            }
            context.park_yield(Look::Maintenance);
        })
    }
}

impl Drop for CoreGuard<'_> {
    fn drop(&mut self) {
        let scheduler::Context::CurrentThread(context) = &self.context else {
            unreachable!("a CoreGuard holds a current-thread context")
        };
        if let Some(core) = context.core.borrow_mut().take() {
            self.scheduler.return_core(core);
        }
    }
}
