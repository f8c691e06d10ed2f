//! The workers of the multi-thread scheduler: one thread and one `Core` each.
//!
//! # A worker's loop
//! Each tick a worker takes one task and runs it: from its LIFO slot (the task woken last by the
//! task it just ran, so a message and its handler run back to back), its own queue, or, every
//! `global_queue_interval` ticks and whenever its own work runs out, the inject queue (it takes
//! a fair share of what waits there: one task to run, the rest to the back of its queue). With
//! no work of its own it turns *searcher* (at most half the workers search at once, see
//! `idle.rs`) and steals half of a victim's queue, starting at a random worker. When that fails
//! too, it parks. Every `event_interval` ticks it does maintenance: a look at the driver without
//! blocking, the deferred wakes, and the shutdown flag.
//!
//! A worker leaving the searching state for a task wakes one more worker if it was the last
//! searcher, so that the remaining work keeps finding hands; the last searcher to park re-checks
//! every queue (the idle contract). A task scheduled from a worker goes to that worker's LIFO
//! slot (the previous occupant moves to its queue, and a sleeper is notified); from anywhere
//! else it goes to the inject queue, and a sleeper is notified.
//!
//! # Shutdown
//! 1. `Shared::close` closes the inject queue (later pushes drop their task) and unparks every
//!    worker.
//! 2. Each worker notices (at maintenance, or when it wakes from a park), closes `OwnedTasks`
//!    and shuts down every task in it, starting at its own shard, so the workers share the
//!    work; then it drops what its LIFO slot and queue still reference.
//! 3. Each worker then hands its core to `shutdown_cores`. The last one drains the inject queue,
//!    checks that no task is left, and shuts the driver down, last. (A core whose thread could
//!    not be started goes through steps 2 and 3 on the thread that tried, in `launch`.)
//! 4. `MultiThread::shutdown` waits for that, then joins every thread in `thread_joins`, taking
//!    the list again until it is empty: a `block_in_place` during shutdown may start a thread
//!    after the first take. Threads start with `thread_joins` locked until their handle is in.
//!
//! Tasks that wake each other during shutdown only push references into closed or draining
//! queues; none is polled again, since `OwnedTasks` already cancelled them.

use super::handle::Handle;
use super::idle::Idle;
use super::park::{Parker, SharedDriver, Unparker};
use super::queue;
use crate::loom::{thread, Condvar, Mutex, StdArc as Arc};
use crate::runtime::config::{Config, ThreadNameFn, UnhandledPanic};
use crate::runtime::context::EnterRuntime;
use crate::runtime::driver::Look;
use crate::runtime::hooks::TaskHooks;
use crate::runtime::scheduler::defer::Defer;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::task::{Notified, OwnedTasks, Schedule, Task};
use crate::runtime::{
    blocking, context, coop, driver, scheduler, MetricsBatch, RngSeed, SchedulerMetrics,
    WorkerMetrics,
};
use crate::util::error;
use crate::util::panic::quietly;
use std::cell::RefCell;
use std::io;
use std::time::{Duration, Instant};

/// Polls of tasks from the LIFO slot in one tick before the slot is bypassed, so that two
/// tasks waking each other cannot starve the rest of the queue.
const MAX_LIFO_POLLS_PER_TICK: usize = 3;

/// Default `global_queue_interval` of this flavour, before the first tuning.
const DEFAULT_GLOBAL_QUEUE_INTERVAL: u32 = 61;

/// How long a task in the inject queue should wait at most, roughly, when workers tune their
/// `global_queue_interval` (the user set none): interval = this / mean poll time.
const GLOBAL_QUEUE_TARGET_LATENCY: Duration = Duration::from_micros(200);
/// Bounds of the tuned interval.
const MIN_GLOBAL_QUEUE_INTERVAL: u32 = 2;
const MAX_GLOBAL_QUEUE_INTERVAL: u32 = 127;
/// Tuning leaves the interval alone unless it would move by more than this.
const GLOBAL_QUEUE_INTERVAL_HYSTERESIS: u32 = 2;

/// The scheduler state shared by every worker and handle.
pub(crate) struct Shared {
    remotes: Box<[Remote]>,
    inject: Inject<Arc<Handle>>,
    idle: Idle,
    pub(super) owned: OwnedTasks<Arc<Handle>>,
    /// Cores of stopped workers; the last one in finishes the shutdown.
    shutdown_cores: Mutex<Vec<BoxedCore>>,
    /// Signalled when the last worker has stopped.
    all_stopped: Condvar,
    pub(super) driver: Arc<SharedDriver>,
    config: Config,
    disable_lifo_slot: bool,
    /// How worker threads start, also the ones `block_in_place` adds.
    threads: ThreadConfig,
    /// Each worker's counters, as of its last flush.
    worker_metrics: Box<[WorkerMetrics]>,
    scheduler_metrics: SchedulerMetrics,
    /// The user chose `global_queue_interval`; otherwise each worker tunes its own.
    global_queue_interval_fixed: bool,
    /// A task panicked under `UnhandledPanic::ShutdownRuntime`, and the threads in
    /// `block_on` to tell about it.
    unhandled_panic: Mutex<UnhandledPanicState>,
    /// Every worker thread started and not yet reaped (finished) or joined, for shutdown to
    /// join. A thread's handle goes in under the same lock hold as its start.
    pub(super) thread_joins: Mutex<Vec<thread::JoinHandle<()>>>,
}

/// What other threads may use of one worker.
struct Remote {
    steal: queue::Steal<Arc<Handle>>,
    unpark: Unparker,
    /// A core on its way to a new thread (`block_in_place`).
    handoff: Mutex<Option<BoxedCore>>,
}

/// A worker's own state; moves with the worker, never shared.
pub(crate) struct Core {
    index: usize,
    tick: u32,
    lifo_slot: Option<Notified<Arc<Handle>>>,
    /// False once this tick used up its LIFO polls.
    lifo_enabled: bool,
    run_queue: queue::Local<Arc<Handle>>,
    is_searching: bool,
    is_shutdown: bool,
    /// Taken out while the worker parks.
    park: Option<Parker>,
    rand: FastRand,
    metrics: MetricsBatch,
    /// Ticks between forced looks at the inject queue; tuned from the poll time unless fixed.
    global_queue_interval: u32,
}

/// A core travels between threads as one pointer (to its worker's thread, to the shutdown
/// list, and, with `block_in_place`, to a new thread).
pub(crate) type BoxedCore = Box<Core>;

/// The thread-local view of a worker.
pub(crate) struct Context {
    handle: Arc<Handle>,
    /// The core, while this thread runs the worker. Borrowed briefly, never across a poll.
    core: RefCell<Option<Box<Core>>>,
    defer: Defer,
}

/// How the worker threads are started.
#[derive(Clone)]
pub(crate) struct ThreadConfig {
    pub(crate) thread_name: ThreadNameFn,
    pub(crate) stack_size: Option<usize>,
    pub(crate) after_start: Option<crate::runtime::config::Callback>,
    pub(crate) before_stop: Option<crate::runtime::config::Callback>,
}

/// What the builder decided for a multi-thread scheduler.
pub(crate) struct Settings {
    pub(crate) num_workers: usize,
    pub(crate) config: Config,
    pub(crate) disable_lifo_slot: bool,
    pub(crate) name: Option<String>,
    pub(crate) threads: ThreadConfig,
    pub(crate) rng_seed: RngSeed,
}

/// Builds the scheduler's handle and one core per worker.
pub(crate) fn create(
    settings: Settings,
    driver: driver::Driver,
    driver_handle: driver::Handle,
    blocking_spawner: blocking::Spawner,
) -> (Arc<Handle>, Vec<BoxedCore>) {
    let Settings {
        num_workers,
        config,
        disable_lifo_slot,
        name,
        threads,
        rng_seed,
    } = settings;
    let shared_driver = SharedDriver::new(driver, driver_handle);
    let worker_metrics: Box<[WorkerMetrics]> = (0..num_workers)
        .map(|_| WorkerMetrics::new(config.metrics_poll_time_histogram))
        .collect();
    let mut remotes = Vec::with_capacity(num_workers);
    let mut cores = Vec::with_capacity(num_workers);
    for index in 0..num_workers {
        let (steal, run_queue) = queue::local();
        let park = Parker::new(shared_driver.clone());
        remotes.push(Remote {
            steal,
            unpark: park.unparker(),
            handoff: Mutex::new(None),
        });
        cores.push(Box::new(Core {
            index,
            tick: 0,
            lifo_slot: None,
            lifo_enabled: !disable_lifo_slot,
            run_queue,
            is_searching: false,
            is_shutdown: false,
            park: Some(park),
            rand: FastRand::new(rng_seed.derive(index as u64)),
            metrics: MetricsBatch::new(&worker_metrics[index]),
            global_queue_interval: config
                .global_queue_interval
                .unwrap_or(DEFAULT_GLOBAL_QUEUE_INTERVAL),
        }));
    }
    let global_queue_interval_fixed = config.global_queue_interval.is_some();
    let handle = Arc::new(Handle {
        shared: Shared {
            remotes: remotes.into_boxed_slice(),
            inject: Inject::new(),
            idle: Idle::new(num_workers),
            owned: OwnedTasks::new(num_workers),
            shutdown_cores: Mutex::new(Vec::with_capacity(num_workers)),
            all_stopped: Condvar::new(),
            driver: shared_driver,
            config,
            disable_lifo_slot,
            threads,
            thread_joins: Mutex::new(Vec::with_capacity(num_workers)),
            worker_metrics,
            scheduler_metrics: SchedulerMetrics::new(),
            global_queue_interval_fixed,
            unhandled_panic: Mutex::new(UnhandledPanicState::default()),
        },
        blocking_spawner,
        name,
    });
    (handle, cores)
}

/// Starts one thread per core.
///
/// When a thread cannot be started, the runtime is closed, and the cores that got no thread
/// stop here, as their workers would at shutdown; the error names the cause. The caller then
/// shuts the runtime down as usual (`MultiThread::shutdown`): the threads already started stop
/// too, every core reaches `shutdown_cores`, and the wait for them ends.
pub(crate) fn launch(handle: &Arc<Handle>, cores: Vec<BoxedCore>) -> io::Result<()> {
    let mut cores = cores.into_iter();
    while let Some(core) = cores.next() {
        let index = core.index;
        *handle.shared.remotes[index].handoff.lock() = Some(core);
        if let Err(err) = spawn_worker_thread(handle, index) {
            let shared = &handle.shared;
            shared.close();
            let unstarted = shared.remotes[index].handoff.lock().take();
            for core in unstarted.into_iter().chain(cores) {
                shared.stop_core(core);
            }
            return Err(io::Error::new(
                err.kind(),
                format!("{}: {err}", error::WORKER_THREAD_SPAWN_FAILED),
            ));
        }
    }
    Ok(())
}

/// Starts a thread that takes the core waiting in worker `index`'s hand-off slot and runs it;
/// the thread ends at once if the core was taken back meanwhile.
fn spawn_worker_thread(handle: &Arc<Handle>, index: usize) -> io::Result<()> {
    #[cfg(test)]
    failing_spawns::check()?;
    let threads = &handle.shared.threads;
    let mut builder = thread::Builder::new().name((threads.thread_name)());
    if let Some(stack_size) = threads.stack_size {
        builder = builder.stack_size(stack_size);
    }
    let worker_handle = handle.clone();
    // The list stays locked from before the thread exists until its handle is in: the thread
    // may run its core and stop it at once, and shutdown, woken by that, must then find the
    // handle in the list (see `MultiThread::shutdown`).
    let mut joins = handle.shared.thread_joins.lock();
    let join = builder.spawn(move || {
        let threads = worker_handle.shared.threads.clone();
        if let Some(hook) = &threads.after_start {
            quietly(|| hook());
        }
        let core = worker_handle.shared.remotes[index].handoff.lock().take();
        if let Some(core) = core {
            run(worker_handle, core);
        } else {
            drop(worker_handle);
        }
        if let Some(hook) = &threads.before_stop {
            quietly(|| hook());
        }
    })?;
    // Reap threads that already ended (each `block_in_place` starts one): an exited thread
    // that is never joined keeps its stack mapped.
    joins.retain(|join| !crate::loom::thread_is_finished(join));
    joins.push(join);
    Ok(())
}

/// Tests make a worker thread fail to start, as the OS may refuse one, at a chosen point.
#[cfg(test)]
pub(crate) mod failing_spawns {
    use std::cell::Cell;
    use std::io;

    thread_local! {
        /// Worker-thread starts from this thread that succeed before one fails (`None`: all
        /// succeed).
        static SUCCEED_BEFORE_FAILING: Cell<Option<usize>> = const { Cell::new(None) };
    }

    /// The next `succeed` starts from this thread succeed, the one after fails.
    pub(crate) fn fail_after(succeed: usize) {
        SUCCEED_BEFORE_FAILING.set(Some(succeed));
    }

    pub(super) fn check() -> io::Result<()> {
        match SUCCEED_BEFORE_FAILING.get() {
            None => Ok(()),
            Some(0) => {
                SUCCEED_BEFORE_FAILING.set(None);
                Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "injected by a test: no more threads",
                ))
            }
            Some(left) => {
                SUCCEED_BEFORE_FAILING.set(Some(left - 1));
                Ok(())
            }
        }
    }
}

/// Runs `f`, which may block, on a worker thread without stalling the worker's tasks: the
/// worker's core (its queue, and its share of the scheduling) moves to a new thread first, and
/// comes back afterwards if that thread has not picked it up yet. Outside a runtime `f` just
/// runs.
///
/// # Panics
/// Panics on a current-thread runtime and inside a `LocalSet`.
#[track_caller]
pub(crate) fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    match context::runtime_state() {
        // Outside a runtime, or already inside `block_in_place`.
        EnterRuntime::NotEntered => return f(),
        EnterRuntime::Entered {
            allow_block_in_place: false,
        } => panic!("{}", error::BLOCK_IN_PLACE_NOT_MULTI_THREAD),
        EnterRuntime::Entered { .. } => {}
    }

    /// Takes the core back when `f` is done (or panics), unless the new thread has it.
    struct TakeBack(Option<usize>);
    impl Drop for TakeBack {
        fn drop(&mut self) {
            if let Some(index) = self.0 {
                context::with_scheduler(|cx| {
                    if let Some(scheduler::Context::MultiThread(cx)) = cx {
                        cx.take_back_core(index);
                    }
                });
            }
        }
    }

    let handed_off = context::with_scheduler(|cx| match cx {
        Some(scheduler::Context::MultiThread(cx)) => cx.hand_off_core(),
        _ => None,
    });
    let _take_back = TakeBack(handed_off);
    context::exit_runtime(|| coop::with_unconstrained(f))
}

/// A worker thread's whole life.
fn run(handle: Arc<Handle>, mut core: BoxedCore) {
    handle.shared.worker_metrics[core.index].set_thread_id(Some(std::thread::current().id()));
    core.metrics.start_processing();
    let scheduler_handle = scheduler::Handle::MultiThread(handle.clone());
    let _current = context::try_set_current(&scheduler_handle);
    context::enter_runtime(&scheduler_handle, true, |_blocking| {
        let cx = scheduler::Context::MultiThread(Context {
            handle,
            core: RefCell::new(Some(core)),
            defer: Defer::new(),
        });
        let scheduler::Context::MultiThread(worker) = &cx else {
            unreachable!("just built as a multi-thread context")
        };
        context::set_scheduler(&cx, || worker.run());
    });
}

impl Context {
    fn with_core<R>(&self, f: impl FnOnce(&mut Core) -> R) -> R {
        let mut core = self.core.borrow_mut();
        f(core.as_mut().expect("core missing from its worker"))
    }

    /// Like `with_core`, or `None` once `block_in_place` has moved the core to another thread.
    fn try_with_core<R>(&self, f: impl FnOnce(&mut Core) -> R) -> Option<R> {
        self.core.borrow_mut().as_deref_mut().map(f)
    }

    /// `block_in_place`: moves this thread's core to a new thread. Returns the worker index,
    /// or `None` when there is no core here to move (already moved, or the thread could not
    /// be started, in which case `f` simply blocks this worker).
    fn hand_off_core(&self) -> Option<usize> {
        let shared = self.shared();
        // Wakes deferred on this thread would otherwise wait for the blocking closure: run
        // them now (into this core's LIFO slot, flushed to the queue below).
        self.defer.wake();
        let mut core = self.core.try_borrow_mut().ok()?.take()?;
        // The LIFO task would be stuck with the core until the new thread runs: make it
        // stealable now.
        if let Some(task) = core.lifo_slot.take() {
            core.run_queue.push_back_or_overflow(task, &shared.inject);
        }
        let index = core.index;
        core.metrics.end_processing();
        shared.worker_metrics[index].set_thread_id(None);
        *shared.remotes[index].handoff.lock() = Some(core);
        if spawn_worker_thread(&self.handle, index).is_err() {
            let core = shared.remotes[index].handoff.lock().take();
            *self.core.borrow_mut() = core;
            return None;
        }
        Some(index)
    }

    /// After `block_in_place`: takes worker `index`'s core back if its new thread has not
    /// picked it up yet (that thread then ends at once).
    fn take_back_core(&self, index: usize) {
        let Ok(mut slot) = self.core.try_borrow_mut() else {
            return;
        };
        if slot.is_none() {
            let shared = self.shared();
            *slot = shared.remotes[index].handoff.lock().take();
            if let Some(core) = slot.as_mut() {
                shared.worker_metrics[index].set_thread_id(Some(std::thread::current().id()));
                core.metrics.start_processing();
            }
        }
    }

    fn shared(&self) -> &Shared {
        &self.handle.shared
    }

    fn run(&self) {
        let event_interval = self.shared().config.event_interval;
        loop {
            let Some((tick, is_shutdown)) = self.try_with_core(|core| {
                core.tick = core.tick.wrapping_add(1);
                (core.tick, core.is_shutdown)
            }) else {
                // `block_in_place` moved the core to another thread, which runs the worker
                // from now on; this thread is done with it.
                self.defer.wake();
                return;
            };
            if is_shutdown {
                break;
            }
            if tick % event_interval == 0 {
                // Maintenance, then this tick's task as usual: skipping the task would make
                // `event_interval(1)` run nothing, and would skip the forced look at the inject
                // queue whenever `event_interval` divides `global_queue_interval`.
                self.maintenance();
                if self.with_core(|core| core.is_shutdown) {
                    break;
                }
            }
            let shared = self.shared();
            if let Some(task) = self.with_core(|core| core.next_task(shared)) {
                self.run_task(task);
                continue;
            }
            if let Some(task) = self.with_core(|core| core.steal_work(shared)) {
                self.run_task(task);
                continue;
            }
            if self.defer.is_empty() {
                self.park();
            } else {
                // Deferred tasks are waiting: look at the driver, then run them.
                self.park_yield(Look::Yield);
            }
        }
        self.shutdown_core();
    }

    fn run_task(&self, task: Notified<Arc<Handle>>) {
        let shared = self.shared();
        let last_searcher = self.with_core(|core| {
            core.lifo_enabled = !shared.disable_lifo_slot;
            core.metrics.start_poll();
            core.transition_from_searching(shared)
        });
        if last_searcher {
            // Nobody else looks for work now; wake a sleeper in case there is more.
            shared.notify_parked();
            // That wake-up (maybe a syscall) is not the task's poll time.
            self.with_core(|core| core.metrics.restart_poll_timer());
        }
        coop::budget(|| {
            task.run();
            let mut lifo_polls = 0;
            loop {
                // No core any more: the task called `block_in_place` and the core moved on
                // (that poll then goes untimed: the core's next thread times its own polls).
                let next = self.try_with_core(|core| {
                    core.metrics.end_poll();
                    let task = core.lifo_slot.take()?;
                    if !coop::has_budget_remaining() {
                        // The budget is spent: the woken task waits its turn in the queue.
                        core.push_back(task, shared);
                        return None;
                    }
                    core.metrics.start_poll();
                    lifo_polls += 1;
                    if lifo_polls >= MAX_LIFO_POLLS_PER_TICK {
                        core.lifo_enabled = false;
                    }
                    Some(task)
                });
                match next.flatten() {
                    Some(task) => task.run(),
                    None => return,
                }
            }
        });
    }

    /// Every `event_interval` ticks: the driver, the deferred wakes, the shutdown flag.
    fn maintenance(&self) {
        self.park_yield(Look::Maintenance);
        let shared = self.shared();
        let closed = shared.inject.is_closed();
        self.with_core(|core| {
            core.is_shutdown |= closed;
            core.metrics.end_processing();
            core.submit_metrics(shared);
            if !shared.global_queue_interval_fixed {
                core.tune_global_queue_interval();
            }
            core.metrics.start_processing();
        });
    }

    /// Looks at the driver without blocking, then wakes the deferred tasks.
    fn park_yield(&self, look: Look) {
        let mut parker = self.with_core(|core| core.park.take().expect("parker present"));
        parker.look(look);
        self.with_core(|core| core.park = Some(parker));
        self.defer.wake();
    }

    fn park(&self) {
        let shared = self.shared();
        if let Some(hook) = &shared.config.before_park {
            quietly(|| hook());
        }
        // The hook may have scheduled work.
        if self.with_core(|core| core.has_tasks()) {
            return;
        }
        let (last_searcher, mut parker) = self.with_core(|core| {
            core.metrics.about_to_park();
            core.submit_metrics(shared);
            let last = core.transition_to_parked(shared);
            (last, core.park.take().expect("parker present"))
        });
        if last_searcher {
            shared.notify_if_work_pending();
        }
        loop {
            parker.park();
            if shared.inject.is_closed() {
                self.with_core(|core| {
                    core.is_shutdown = true;
                    shared.idle.unpark_worker_by_id(core.index);
                });
                break;
            }
            if self.with_core(|core| core.transition_from_parked(shared)) {
                break;
            }
        }
        self.with_core(|core| {
            core.park = Some(parker);
            core.metrics.unparked();
        });
        if let Some(hook) = &shared.config.after_unpark {
            quietly(|| hook());
        }
        self.defer.wake();
    }

    /// Step 2 and 3 of the shutdown protocol (module docs).
    fn shutdown_core(&self) {
        let core = self
            .core
            .borrow_mut()
            .take()
            .expect("core present at shutdown");
        // Wakers deferred by destructors point at finished tasks: waking them does nothing.
        self.shared().stop_core_with(core, || self.defer.wake());
    }

    /// The index of the worker this thread runs (`None` after `block_in_place` moved it).
    pub(crate) fn worker_index(&self) -> Option<usize> {
        let core = self.core.try_borrow().ok()?;
        core.as_ref().map(|core| core.index)
    }

    /// A task ran out of coop budget.
    pub(crate) fn incr_budget_forced_yield(&self) {
        if let Ok(mut core) = self.core.try_borrow_mut() {
            if let Some(core) = core.as_mut() {
                core.metrics.incr_budget_forced_yield_count();
            }
        }
    }

    /// See `scheduler::Context::defer`.
    pub(crate) fn defer(&self, waker: &std::task::Waker) {
        let is_task_waker = std::ptr::eq(waker.vtable(), crate::runtime::task::waker_vtable());
        if is_task_waker {
            self.defer.defer(waker);
        } else {
            waker.wake_by_ref();
        }
    }
}

impl Core {
    fn has_tasks(&self) -> bool {
        self.lifo_slot.is_some() || self.run_queue.has_tasks()
    }

    fn next_local_task(&mut self) -> Option<Notified<Arc<Handle>>> {
        self.lifo_slot.take().or_else(|| self.run_queue.pop())
    }

    fn next_task(&mut self, shared: &Shared) -> Option<Notified<Arc<Handle>>> {
        if self.tick % self.global_queue_interval == 0 {
            // Remote work gets its turn even while local work never runs out: a fair share of
            // it joins the back of this queue (one task of it runs now), so it keeps pace with
            // local work that never runs out, such as tasks that yield in a loop; one task per
            // interval would let a backlog grow without bound (`spawn_many_remote_busy`).
            return self
                .refill_from_inject(shared)
                .or_else(|| self.next_local_task());
        }
        if let Some(task) = self.next_local_task() {
            return Some(task);
        }
        self.refill_from_inject(shared)
    }

    /// Takes a fair share of the inject queue: one task to run, the rest into this queue.
    fn refill_from_inject(&mut self, shared: &Shared) -> Option<Notified<Arc<Handle>>> {
        if shared.inject.is_empty() {
            return None;
        }
        let fair_share = shared.inject.len() / shared.remotes.len() + 1;
        let room = self.run_queue.remaining_slots().min(queue::CAPACITY / 2);
        let mut batch = shared.inject.pop_n(fair_share.min(room + 1));
        let first = batch.next();
        for task in batch {
            self.push_back(task, shared);
        }
        first
    }

    fn steal_work(&mut self, shared: &Shared) -> Option<Notified<Arc<Handle>>> {
        if !self.transition_to_searching(shared) {
            return None;
        }
        let num_workers = shared.remotes.len();
        let start = self.rand.below(num_workers);
        for offset in 0..num_workers {
            let victim = (start + offset) % num_workers;
            if victim == self.index {
                continue;
            }
            let stolen = shared.remotes[victim]
                .steal
                .steal_into_counted(&mut self.run_queue);
            if let Some((task, count)) = stolen {
                self.metrics.incr_steal(u64::from(count));
                return Some(task);
            }
        }
        // Nothing to steal: the inject queue may have filled meanwhile.
        self.refill_from_inject(shared)
    }

    fn transition_to_searching(&mut self, shared: &Shared) -> bool {
        if !self.is_searching {
            self.is_searching = shared.idle.transition_worker_to_searching();
        }
        self.is_searching
    }

    /// Returns true when this was the last searcher.
    fn transition_from_searching(&mut self, shared: &Shared) -> bool {
        if !self.is_searching {
            return false;
        }
        self.is_searching = false;
        shared.idle.transition_worker_from_searching()
    }

    /// Returns true when this was the last searcher (which must re-check every queue).
    fn transition_to_parked(&mut self, shared: &Shared) -> bool {
        let last = shared
            .idle
            .transition_worker_to_parked(self.index, self.is_searching);
        self.is_searching = false;
        last
    }

    /// After a wake-up: true when the worker should run again, false to sleep on.
    fn transition_from_parked(&mut self, shared: &Shared) -> bool {
        if self.has_tasks() {
            // Work arrived in this worker's own queue (a wake on this thread).
            if !shared.idle.unpark_worker_by_id(self.index) {
                self.is_searching = true;
            }
            return true;
        }
        if shared.idle.is_parked(self.index) {
            // A spurious wake-up: nobody chose this worker.
            return false;
        }
        // A notifier chose this worker and counted it as searching.
        self.is_searching = true;
        true
    }

    /// Queues a task woken on this worker. Returns true when a sleeper should be notified.
    fn schedule_local(
        &mut self,
        task: Notified<Arc<Handle>>,
        is_yield: bool,
        shared: &Shared,
    ) -> bool {
        self.metrics.incr_local_schedule_count();
        if is_yield || !self.lifo_enabled {
            self.push_back(task, shared);
            return true;
        }
        match self.lifo_slot.replace(task) {
            Some(previous) => {
                self.push_back(previous, shared);
                true
            }
            None => false,
        }
    }

    /// Queues a task at the back of this worker's queue, counting overflows.
    fn push_back(&mut self, task: Notified<Arc<Handle>>, shared: &Shared) {
        if self.run_queue.push_back_or_overflow(task, &shared.inject) {
            self.metrics.incr_overflow_count();
        }
    }

    fn submit_metrics(&self, shared: &Shared) {
        self.metrics
            .submit(&shared.worker_metrics[self.index], self.run_queue.len());
    }

    /// Picks the interval between forced looks at the inject queue so that a task waiting
    /// there waits about `GLOBAL_QUEUE_TARGET_LATENCY`, given how long a poll takes here.
    fn tune_global_queue_interval(&mut self) {
        if let Some(mean) = self.metrics.mean_poll_time() {
            self.global_queue_interval =
                tuned_global_queue_interval(self.global_queue_interval, mean);
        }
    }
}

/// The interval a worker with `current` moves to, given the mean poll time `mean`: about
/// `GLOBAL_QUEUE_TARGET_LATENCY / mean`, within the bounds. A change of
/// `GLOBAL_QUEUE_INTERVAL_HYSTERESIS` or less is ignored: the mean wobbles from one maintenance
/// to the next, and following every wobble would only move the ticks the inject queue gets its
/// turn at, for no gain.
pub(crate) fn tuned_global_queue_interval(current: u32, mean: Duration) -> u32 {
    let polls = GLOBAL_QUEUE_TARGET_LATENCY.as_nanos() / mean.as_nanos().max(1);
    let tuned = polls.clamp(
        u128::from(MIN_GLOBAL_QUEUE_INTERVAL),
        u128::from(MAX_GLOBAL_QUEUE_INTERVAL),
    ) as u32;
    if tuned.abs_diff(current) <= GLOBAL_QUEUE_INTERVAL_HYSTERESIS {
        current
    } else {
        tuned
    }
}

/// See `Shared::unhandled_panic`.
#[derive(Default)]
struct UnhandledPanicState {
    panicked: bool,
    block_on_wakers: Vec<std::task::Waker>,
}

impl Shared {
    /// True once a task panicked under `UnhandledPanic::ShutdownRuntime`; until then, `waker`
    /// (a `block_on` caller's) is kept to be woken when it happens.
    pub(super) fn has_unhandled_panic(&self, waker: &std::task::Waker) -> bool {
        if self.config.unhandled_panic != UnhandledPanic::ShutdownRuntime {
            return false;
        }
        let mut state = self.unhandled_panic.lock();
        if state.panicked {
            return true;
        }
        if !state.block_on_wakers.iter().any(|w| w.will_wake(waker)) {
            state.block_on_wakers.push(waker.clone());
        }
        false
    }

    pub(super) fn num_workers(&self) -> usize {
        self.remotes.len()
    }

    pub(super) fn global_queue_depth(&self) -> usize {
        self.inject.len()
    }

    pub(super) fn remote_schedule_count(&self) -> u64 {
        self.scheduler_metrics.remote_schedule_count()
    }

    pub(super) fn worker_metrics(&self, worker: usize) -> &WorkerMetrics {
        &self.worker_metrics[worker]
    }

    pub(super) fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.remotes[worker].steal.len()
    }

    /// Step 1 of the shutdown protocol.
    pub(super) fn close(&self) {
        if self.inject.close() {
            for remote in self.remotes.iter() {
                remote.unpark.unpark();
            }
        }
    }

    /// Steps 2 and 3 of the shutdown protocol (module docs) for a core that no thread runs (its
    /// thread could not be started).
    fn stop_core(&self, core: BoxedCore) {
        self.stop_core_with(core, || {});
    }

    /// Steps 2 and 3 for `core`; `before_handing_in` runs after its tasks are shut down.
    fn stop_core_with(&self, mut core: BoxedCore, before_handing_in: impl FnOnce()) {
        // SAFETY: this scheduler never binds into the list's local half.
        unsafe { self.owned.close_and_shutdown_all(core.index) };
        drop(core.lifo_slot.take());
        while let Some(task) = core.run_queue.pop() {
            drop(task);
        }
        before_handing_in();
        let mut cores = self.shutdown_cores.lock();
        cores.push(core);
        if cores.len() < self.remotes.len() {
            return;
        }
        // The last core to stop.
        while let Some(task) = self.inject.pop() {
            drop(task);
        }
        // SAFETY: as above.
        let all_gone = unsafe { self.owned.is_empty() };
        assert!(all_gone, "tasks left after shutdown; this is a bug in eddy");
        self.driver.shutdown();
        self.all_stopped.notify_all();
    }

    /// Waits until every worker has stopped, or until `deadline`. Returns true if they have.
    pub(crate) fn wait_stopped(&self, deadline: Option<Instant>) -> bool {
        let mut cores = self.shutdown_cores.lock();
        while cores.len() < self.remotes.len() {
            match deadline {
                None => cores = self.all_stopped.wait(cores),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return false;
                    }
                    cores = self.all_stopped.wait_timeout(cores, deadline - now).0;
                }
            }
        }
        true
    }

    fn notify_parked(&self) {
        if let Some(index) = self.idle.worker_to_notify() {
            self.remotes[index].unpark.unpark();
        }
    }

    /// The last searcher's re-check before it sleeps (idle contract).
    fn notify_if_work_pending(&self) {
        let pending =
            self.remotes.iter().any(|remote| !remote.steal.is_empty()) || !self.inject.is_empty();
        if pending {
            self.notify_parked();
        }
    }

    fn schedule_remote(&self, task: Notified<Arc<Handle>>) {
        self.scheduler_metrics.incr_remote_schedule_count();
        self.inject.push(task);
        self.notify_parked();
    }
}

impl Shared {
    /// The user's task hooks, if any.
    pub(super) fn task_hooks(&self) -> Option<&Arc<TaskHooks>> {
        self.config.task_hooks.as_ref()
    }
}

impl Handle {
    fn schedule_task(task: Notified<Arc<Handle>>, is_yield: bool) {
        let not_local = context::with_scheduler(move |cx| {
            let Some(scheduler::Context::MultiThread(cx)) = cx else {
                return Some(task);
            };
            if !Arc::ptr_eq(&cx.handle, task.scheduler()) {
                return Some(task);
            }
            let Ok(mut core) = cx.core.try_borrow_mut() else {
                return Some(task);
            };
            let Some(core) = core.as_mut() else {
                return Some(task);
            };
            let shared = &cx.handle.shared;
            if core.schedule_local(task, is_yield, shared) {
                shared.notify_parked();
            }
            None
        });
        if let Some(task) = not_local {
            // Clone the handle before the push: once queued, the task (and the handle it holds)
            // may be freed by a worker.
            let handle = task.scheduler().clone();
            handle.shared.schedule_remote(task);
        }
    }
}

impl Schedule for Arc<Handle> {
    fn unhandled_panic(&self) {
        if self.shared.config.unhandled_panic != UnhandledPanic::ShutdownRuntime {
            return;
        }
        let waiters = {
            let mut state = self.shared.unhandled_panic.lock();
            state.panicked = true;
            std::mem::take(&mut state.block_on_wakers)
        };
        // Shut down: the workers cancel every task (this one finishes its poll first).
        self.shared.close();
        for waker in waiters {
            waker.wake();
        }
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        // SAFETY: this scheduler never binds into the list's local half.
        unsafe { self.shared.owned.remove(task) }
    }

    fn schedule(task: Notified<Self>) {
        Handle::schedule_task(task, false);
    }

    fn hooks(&self) -> Option<&TaskHooks> {
        self.shared.task_hooks().map(|hooks| &**hooks)
    }

    fn yield_now(task: Notified<Self>) {
        Handle::schedule_task(task, true);
    }
}

/// A small xorshift generator for the steal start; quality matters little, speed does.
struct FastRand {
    state: u64,
}

impl FastRand {
    fn new(seed: u64) -> FastRand {
        FastRand { state: seed | 1 }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        // In u64, so it neither overflows nor over-shifts on 32-bit targets.
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
}
