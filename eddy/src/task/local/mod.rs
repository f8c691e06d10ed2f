//! `LocalSet`: `!Send` tasks, run on the thread that owns the set, inside any runtime.
//!
//! A `LocalSet` is a small scheduler of its own. It runs when it is polled: through
//! [`LocalSet::run_until`], [`LocalSet::block_on`], or by awaiting the set itself. Each poll runs
//! up to [`MAX_TASKS_PER_TICK`] tasks, each with a fresh coop budget, and then yields back to the
//! runtime so that the runtime's other tasks and drivers get their turn. How tasks reach the
//! set's queues, and why its `!Send` futures never leave the owning thread, is the contract in
//! `shared.rs`.

mod context;
mod shared;

use self::context::Context;
use self::shared::Shared;
use crate::loom::{Ordering, StdArc as Arc};
use crate::runtime::config::UnhandledPanic;
use crate::runtime::context::disallow_block_in_place;
use crate::runtime::task::{self, SpawnMeta};
use crate::runtime::{self, coop, Handle, Runtime, BOX_FUTURE_THRESHOLD};
use crate::task::JoinHandle;
use crate::util::error;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context as TaskContext, Poll};

/// Tasks one poll of the set runs at most before it yields back to the runtime.
const MAX_TASKS_PER_TICK: usize = 61;

/// Every this many ticks, remotely woken tasks go first, so local work cannot starve them.
const REMOTE_FIRST_INTERVAL: u8 = 31;

/// A set of tasks that all run on the current thread, so they need not be `Send`.
///
/// Spawn onto it with [`LocalSet::spawn_local`] or, from inside it, with
/// [`task::spawn_local`](crate::task::spawn_local); its tasks make progress while the set is
/// polled ([`run_until`](LocalSet::run_until), [`block_on`](LocalSet::block_on), or awaiting
/// the set, which finishes when all its tasks have). Dropping the set drops every task still in
/// it, on this thread.
///
/// ```
/// use std::rc::Rc;
///
/// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// let local = eddy::task::LocalSet::new();
/// let shared = Rc::new("not Send");
/// let out = local.block_on(&rt, async move {
///     let task = eddy::task::spawn_local({
///         let shared = shared.clone();
///         async move { shared.len() }
///     });
///     task.await.unwrap()
/// });
/// assert_eq!(out, 8);
/// ```
///
/// ```compile_fail
/// fn needs_send<T: Send>(_: T) {}
/// needs_send(eddy::task::LocalSet::new());
/// ```
pub struct LocalSet {
    /// Ticks so far, for `REMOTE_FIRST_INTERVAL`.
    tick: Cell<u8>,
    context: Rc<Context>,
    _not_send: PhantomData<*const ()>,
}

/// Returned by [`LocalSet::enter`]: while it lives, `task::spawn_local` spawns onto that set.
#[must_use = "the set is only entered while the guard lives"]
pub struct LocalEnterGuard {
    _guard: context::EnterGuard,
    _not_send: PhantomData<*const ()>,
}

impl LocalSet {
    /// An empty set, owned by the current thread.
    ///
    /// # Panics
    /// Panics while the thread is exiting (its thread-locals are being destroyed).
    #[track_caller]
    pub fn new() -> LocalSet {
        assert!(
            context::is_available(),
            "{}",
            error::LOCAL_SET_DURING_SHUTDOWN
        );
        let shared = Arc::new(Shared::new());
        LocalSet {
            tick: Cell::new(0),
            context: Rc::new(Context::new(shared)),
            _not_send: PhantomData,
        }
    }

    /// The id of the set, unique among runtimes and sets.
    pub fn id(&self) -> runtime::Id {
        runtime::Id::from_u64(self.context.shared.owned.id())
    }

    /// Makes this the set that `task::spawn_local` spawns onto, until the guard drops. The
    /// tasks still run only while the set is polled.
    pub fn enter(&self) -> LocalEnterGuard {
        LocalEnterGuard {
            _guard: context::EnterGuard::enter(&self.context),
            _not_send: PhantomData,
        }
    }

    /// What a panic in one of the set's tasks does (default [`UnhandledPanic::Ignore`]). With
    /// [`UnhandledPanic::ShutdownRuntime`], the next run of the set panics, and dropping the set
    /// then cancels its other tasks.
    pub fn unhandled_panic(&mut self, behavior: UnhandledPanic) -> &mut Self {
        let shutdown = behavior == UnhandledPanic::ShutdownRuntime;
        self.context
            .shared
            .shutdown_on_panic
            .store(shutdown, Ordering::Relaxed);
        self
    }

    /// Spawns a future that need not be `Send` onto this set.
    ///
    /// It runs while the set is polled; awaiting the `JoinHandle` anywhere else never finishes
    /// unless something polls the set.
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawn_on(&self.context, future, SpawnMeta::caller())
    }

    /// `spawn_local` with a name and a location given by the caller (`task::Builder`).
    pub(crate) fn spawn_local_with<F>(
        &self,
        future: F,
        spawn: SpawnMeta<'_>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        spawn_on(&self.context, future, spawn)
    }

    /// Runs `future` on `rt` with this set alongside: the shortcut for
    /// `rt.block_on(set.run_until(future))`.
    ///
    /// # Panics
    /// Panics when called from inside a runtime (see `Runtime::block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Runs the set's tasks until `future` completes, and returns its output. Tasks left
    /// unfinished stay in the set.
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        std::future::poll_fn(|cx| {
            self.with(|| {
                self.context.shared.register_waker(cx.waker());
                let _no_block_in_place = disallow_block_in_place();
                if let Poll::Ready(output) = future.as_mut().poll(cx) {
                    return Poll::Ready(output);
                }
                if self.tick() {
                    // Work is left: come back after the runtime's other tasks had a turn.
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            })
        })
        .await
    }

    /// Runs `f` with this set current, marked running.
    fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Running<'a>(&'a Cell<bool>, bool);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                self.0.set(self.1);
            }
        }
        let _current = context::EnterGuard::enter(&self.context);
        let _running = Running(&self.context.running, self.context.running.replace(true));
        f()
    }

    /// Runs up to `MAX_TASKS_PER_TICK` tasks; true when it stopped with work left.
    fn tick(&self) -> bool {
        for _ in 0..MAX_TASKS_PER_TICK {
            if self.context.unhandled_panic.get() {
                panic!("{}", error::LOCAL_SET_UNHANDLED_PANIC);
            }
            match self.next_task() {
                Some(task) => coop::budget(|| task.run()),
                None => return false,
            }
        }
        true
    }

    fn next_task(&self) -> Option<crate::runtime::task::Notified<Arc<Shared>>> {
        let tick = self.tick.get().wrapping_add(1);
        self.tick.set(tick);
        let shared = &self.context.shared;
        if tick % REMOTE_FIRST_INTERVAL == 0 {
            if let Some(task) = shared.pop_remote() {
                return Some(task);
            }
        }
        if let Some(task) = self.context.pop_local() {
            return Some(task);
        }
        // Local work ran out: move the remote queue over in one lock.
        self.context.extend_local(shared.take_remote());
        self.context.pop_local()
    }
}

/// Spawns `future` onto the set of `cx`, on its owning thread.
fn spawn_on<F>(cx: &Rc<Context>, future: F, spawn: SpawnMeta<'_>) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    if std::mem::size_of::<F>() > BOX_FUTURE_THRESHOLD {
        bind_and_queue(cx, Box::pin(future), spawn)
    } else {
        bind_and_queue(cx, future, spawn)
    }
}

fn bind_and_queue<F>(cx: &Rc<Context>, future: F, spawn: SpawnMeta<'_>) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let shared = &cx.shared;
    // SAFETY: `cx` is only reachable on the set's owning thread (`LocalSet` and the thread-local
    // context are `!Send`).
    unsafe { shared.adopt_hooks() };
    let (task, join) = task::new_task(future, shared.clone(), spawn);
    // SAFETY: the owning thread is the list's exclusive owner and the only thread that polls or
    // drops the set's tasks (contract in `shared.rs`).
    let notified = unsafe { shared.owned.bind_local(task) };
    if let Some(notified) = notified {
        if let Some(refused) = cx.push_local(notified) {
            drop(refused);
            unreachable!("the set's queue is never borrowed across a spawn");
        }
        if !cx.running.get() {
            // Nobody is running the set's queue right now: wake whoever drives it.
            shared.wake_driver();
        }
    }
    join
}

/// Spawns a `!Send` future onto the current [`LocalSet`] or [`LocalRuntime`].
///
/// # Panics
/// Panics outside a `LocalSet` and a `LocalRuntime`, and on a `LocalRuntime`'s handle used from
/// another thread.
///
/// ```
/// use std::rc::Rc;
///
/// let rt = eddy::runtime::LocalRuntime::new().unwrap();
/// rt.block_on(async {
///     let name = Rc::new(String::from("local"));
///     let task = eddy::task::spawn_local(async move { name.len() });
///     assert_eq!(task.await.unwrap(), 5);
/// });
/// ```
///
/// [`LocalRuntime`]: crate::runtime::LocalRuntime
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_local_with(future, SpawnMeta::caller())
}

/// `spawn_local` with a name and a location given by the caller (`task::Builder`).
#[track_caller]
pub(crate) fn spawn_local_with<F>(future: F, spawn: SpawnMeta<'_>) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    if let Some(cx) = context::current() {
        return spawn_on(&cx, future, spawn);
    }
    match Handle::try_current() {
        Ok(handle) => handle.spawn_local_on_local_runtime(future, spawn),
        Err(_) => panic!("{}", error::SPAWN_LOCAL_OUTSIDE),
    }
}

impl Future for LocalSet {
    type Output = ();

    /// Runs the set's tasks; ready once none is left.
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.with(|| {
            this.context.shared.register_waker(cx.waker());
            let _no_block_in_place = disallow_block_in_place();
            if this.tick() {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            // SAFETY: this is the owning thread (LocalSet is `!Send`), the list's exclusive
            // owner.
            if unsafe { this.context.shared.owned.is_empty() } {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        // Inside the set, so the tasks' destructors may still spawn onto it (those tasks are
        // refused and cancelled: the list is closed first).
        let _current = context::EnterGuard::enter(&self.context);
        let shared = &self.context.shared;
        // SAFETY: this is the owning thread, the list's exclusive owner.
        unsafe { shared.owned.close_and_shutdown_all(0) };
        // Only references are left in the queues; drop them here.
        drop(self.context.take_local());
        drop(shared.close_remote());
        // SAFETY: as above.
        let all_gone = unsafe { shared.owned.is_empty() };
        if !std::thread::panicking() {
            assert!(
                all_gone,
                "LocalSet tasks left after drop; this is a bug in eddy"
            );
        }
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").field("id", &self.id()).finish()
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}
