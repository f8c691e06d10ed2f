//! [`JoinSet`], a collection of spawned tasks joined in the order they finish, and its task
//! [`Builder`].

// The handles live in an `IdleNotifiedSet` (`util/idle_notified_set.rs`): each `JoinHandle`
// is polled with a waker of its own entry, registered right when the task joins the set, so
// the task's completion moves exactly its entry to the set's notified list. `join_next` then
// polls only notified entries, oldest first: O(1) per finished task, in completion order, and
// no scan over the tasks still running.

use crate::runtime::{coop, Handle};
use crate::task::{self, AbortHandle, Id, JoinError, JoinHandle, LocalSet};
use crate::util::idle_notified_set::{EntryRef, IdleNotifiedSet};
use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// A collection of tasks spawned on the runtime, whose results are awaited in the order the
/// tasks finish.
///
/// All tasks in a set return the same type `T`. Dropping the set aborts every task still in it;
/// [`detach_all`](Self::detach_all) lets them run on instead.
///
/// ```
/// use eddy::task::JoinSet;
///
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut set = JoinSet::new();
/// for i in 0..10 {
///     set.spawn(async move { i * i });
/// }
/// let mut sum = 0;
/// while let Some(result) = set.join_next().await {
///     sum += result.unwrap();
/// }
/// assert_eq!(sum, 285);
/// # });
/// ```
pub struct JoinSet<T> {
    inner: IdleNotifiedSet<Member<T>>,
}

// Nothing in a set is ever pinned: handles and stored outputs move freely.
impl<T> Unpin for JoinSet<T> {}

/// What the set keeps for one task.
enum Member<T> {
    /// The task may still be running.
    Running(JoinHandle<T>),
    /// The task had already finished when it joined the set; its result, read then.
    Finished(Id, Result<T, JoinError>),
}

impl<T> JoinSet<T> {
    /// Creates an empty set.
    pub fn new() -> JoinSet<T> {
        JoinSet {
            inner: IdleNotifiedSet::new(),
        }
    }

    /// The number of tasks in the set: running, or finished but not joined yet.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Returns true when the set holds no task.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

impl<T: 'static> JoinSet<T> {
    /// Spawns `task` on the current runtime and adds it to the set.
    ///
    /// The returned [`AbortHandle`] aborts the task without removing it: the set then yields
    /// its cancelled [`JoinError`].
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// let abort = set.spawn(std::future::pending::<()>());
    /// abort.abort();
    /// assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// # });
    /// ```
    ///
    /// # Panics
    /// Panics outside a runtime, like [`eddy::spawn`](crate::spawn).
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        self.insert(crate::spawn(task))
    }

    /// Spawns `task` on the runtime of `handle` and adds it to the set.
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// let mut set = eddy::task::JoinSet::new();
    /// set.spawn_on(async { "hello" }, rt.handle());
    /// let joined = rt.block_on(set.join_next()).unwrap().unwrap();
    /// assert_eq!(joined, "hello");
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(&mut self, task: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn(task))
    }

    /// Spawns a `!Send` future on the current `LocalSet` or `LocalRuntime` and adds it to the
    /// set.
    ///
    /// # Panics
    /// Panics outside a `LocalSet` and a `LocalRuntime` (see [`task::spawn_local`]).
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = eddy::runtime::LocalRuntime::new().unwrap();
    /// rt.block_on(async {
    ///     let mut set = eddy::task::JoinSet::new();
    ///     let shared = Rc::new(3);
    ///     set.spawn_local(async move { *shared * 2 });
    ///     assert_eq!(set.join_next().await.unwrap().unwrap(), 6);
    /// });
    /// ```
    ///
    /// [`task::spawn_local`]: crate::task::spawn_local
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(crate::task::spawn_local(task))
    }

    /// Spawns a `!Send` future on `local_set` and adds it to the set. The task runs while the
    /// `LocalSet` is polled.
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, task: F, local_set: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(local_set.spawn_local(task))
    }

    /// Runs `f` on the current runtime's blocking pool and adds it to the set.
    ///
    /// Aborting a blocking task that already started has no effect: it runs to the end.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// set.spawn_blocking(|| (1..=10u32).product::<u32>());
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 3_628_800);
    /// # });
    /// ```
    ///
    /// # Panics
    /// Panics outside a runtime.
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        self.insert(crate::task::spawn_blocking(f))
    }

    /// Runs `f` on the blocking pool of the runtime of `handle` and adds it to the set.
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// let mut set = eddy::task::JoinSet::new();
    /// set.spawn_blocking_on(|| 6 * 7, rt.handle());
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), 42);
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn_blocking(f))
    }

    /// A [`Builder`] that spawns one task, with settings such as a name, into this set.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// set.build_task().name("worker").spawn(async { 7 }).unwrap();
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 7);
    /// # });
    /// ```
    pub fn build_task(&mut self) -> Builder<'_, T> {
        Builder {
            join_set: self,
            builder: task::Builder::new(),
        }
    }

    /// Adds a spawned task to the set.
    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        let mut entry = self.inner.insert_idle(Member::Running(handle));
        // Register the entry's waker with the task now, so that its completion, whenever it
        // comes, queues the entry in completion order. Unconstrained: joining a set is not a
        // poll of the caller's task and must neither spend its budget nor be refused by it.
        let polled = entry.poll_value(|member, cx| match member {
            Member::Running(handle) => coop::with_unconstrained(|| Pin::new(handle).poll(cx)),
            Member::Finished(..) => unreachable!("a new member is running"),
        });
        if let Poll::Ready(result) = polled {
            // Finished already (spawned after shutdown, or completed on another thread).
            *entry.value_mut() = Member::Finished(abort.id(), result);
            entry.notify();
        }
        abort
    }

    /// Waits for the next task to finish and returns its result; `None` once the set is empty.
    ///
    /// Tasks come out in the order they finish. Cancel safe: when the returned future is
    /// dropped before it completes, no result is lost; the task stays in the set.
    ///
    /// ```
    /// use eddy::task::JoinSet;
    /// use futures::channel::oneshot;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let (first_tx, first_rx) = oneshot::channel::<()>();
    /// let mut set = JoinSet::new();
    /// set.spawn(async move { first_rx.await.unwrap(); "spawned first" });
    /// set.spawn(async { "spawned second" });
    ///
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), "spawned second");
    /// first_tx.send(()).unwrap();
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), "spawned first");
    /// assert!(set.join_next().await.is_none());
    /// # });
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// Like [`join_next`](Self::join_next), with the id of the task that finished.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// let id = set.spawn(async { 1 }).id();
    /// assert_eq!(set.join_next_with_id().await.unwrap().unwrap(), (id, 1));
    /// # });
    /// ```
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Returns the result of a task that has finished, without waiting; `None` when no task
    /// has finished (or the set is empty).
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// let task = set.spawn(async { 3 });
    /// assert!(set.try_join_next().is_none()); // not run yet
    /// while !task.is_finished() {
    ///     eddy::task::yield_now().await;
    /// }
    /// assert_eq!(set.try_join_next().unwrap().unwrap(), 3);
    /// # });
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_next().map(|(_, result)| result)
    }

    /// Like [`try_join_next`](Self::try_join_next), with the id of the task that finished.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// let task = set.spawn(async { "done" });
    /// while !task.is_finished() {
    ///     eddy::task::yield_now().await;
    /// }
    /// assert_eq!(set.try_join_next_with_id().unwrap().unwrap(), (task.id(), "done"));
    /// # });
    /// ```
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        self.try_next().map(with_id)
    }

    /// Polls for the next task to finish: the building block of [`join_next`](Self::join_next)
    /// for hand-written futures.
    ///
    /// Returns `Ready(None)` when the set is empty, `Ready(Some(result))` when a task finished,
    /// and `Pending` otherwise; then `cx`'s waker is woken once a task finishes. Like every
    /// eddy leaf future it spends the task's coop budget, and returns `Pending` (with a wake-up
    /// scheduled) once the budget is spent.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// set.spawn(async { 5 });
    /// let first = poll_fn(|cx| set.poll_join_next(cx)).await;
    /// assert_eq!(first.unwrap().unwrap(), 5);
    /// # });
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_next(cx)
            .map(|next| next.map(|(_, result)| result))
    }

    /// Like [`poll_join_next`](Self::poll_join_next), with the id of the task that finished.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// let id = set.spawn(async { 5 }).id();
    /// let first = poll_fn(|cx| set.poll_join_next_with_id(cx)).await;
    /// assert_eq!(first.unwrap().unwrap(), (id, 5));
    /// # });
    /// ```
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        self.poll_next(cx).map(|next| next.map(with_id))
    }

    /// Waits for every task and returns their outputs, in the order the tasks finished.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let set: eddy::task::JoinSet<u32> = (1..=3).map(|i| async move { i * 10 }).collect();
    /// let mut outputs = set.join_all().await;
    /// outputs.sort();
    /// assert_eq!(outputs, [10, 20, 30]);
    /// # });
    /// ```
    ///
    /// # Panics
    /// When a task panicked, its panic is resumed here, with the task's own payload; when a
    /// task was cancelled, this panics with the [`JoinError`]'s message. Either way, the tasks
    /// still running are aborted (the set is dropped). To handle those cases, loop over
    /// [`join_next`](Self::join_next) instead.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs = Vec::with_capacity(self.len());
        while let Some(result) = self.join_next().await {
            match result {
                Ok(output) => outputs.push(output),
                Err(err) => match err.try_into_panic() {
                    Ok(payload) => std::panic::resume_unwind(payload),
                    Err(err) => panic!("{err}"),
                },
            }
        }
        outputs
    }

    /// Aborts every task in the set. The tasks stay in it: joining them then yields cancelled
    /// errors (or the result of a task that finished before the abort reached it).
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// set.spawn(std::future::pending::<()>());
    /// set.abort_all();
    /// assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort_all(&mut self) {
        self.inner.for_each(|member| {
            if let Member::Running(handle) = member {
                handle.abort();
            }
        });
    }

    /// Aborts every task and waits until all of them have stopped; the set is empty afterwards.
    /// Results, including those of tasks that finished before the abort, are dropped.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut set = eddy::task::JoinSet::new();
    /// for _ in 0..3 {
    ///     set.spawn(std::future::pending::<()>());
    /// }
    /// set.shutdown().await;
    /// assert!(set.is_empty());
    /// # });
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Removes every task from the set without aborting them: they run on, detached, as if
    /// their `JoinHandle`s had been dropped.
    ///
    /// ```
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let (tx, rx) = futures::channel::oneshot::channel();
    /// let mut set = eddy::task::JoinSet::new();
    /// set.spawn(async move { tx.send("still ran").unwrap() });
    /// set.detach_all();
    /// drop(set);
    /// assert_eq!(rx.await.unwrap(), "still ran");
    /// # });
    /// ```
    pub fn detach_all(&mut self) {
        self.inner.drain(drop);
    }

    /// The next finished task, if one is already known to have finished.
    fn try_next(&mut self) -> Option<(Id, Result<T, JoinError>)> {
        // Without a waker: nothing can be woken for this call, and no budget applies.
        while let Some(entry) = self.inner.pop_notified(None) {
            if let Some(next) = take_if_finished(entry) {
                return Some(next);
            }
        }
        None
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<(Id, Result<T, JoinError>)>> {
        if self.inner.is_empty() {
            return Poll::Ready(None);
        }
        // One unit of budget per result, taken here with the caller's waker: once the budget is
        // spent, this defers the caller's wake-up and leaves every notified entry queued, so
        // nothing is lost. The handles themselves are then polled unconstrained, so none of
        // them can refuse (and drop a wake-up into its entry instead of the caller's).
        let budget = ready!(coop::poll_proceed(cx));
        // Each pass moves one notified entry back to idle, and only a task's completion
        // notifies it again, so this loop ends; when the list runs empty, `pop_notified`
        // registers `cx`'s waker under the same lock that the next completion takes.
        while let Some(entry) = self.inner.pop_notified(Some(cx.waker())) {
            if let Some(next) = take_if_finished(entry) {
                budget.made_progress();
                return Poll::Ready(Some(next));
            }
        }
        Poll::Pending
    }
}

/// Polls a notified entry's task; when it has finished, removes the entry and returns the
/// task's id and result. Otherwise the entry stays (idle) in the set.
fn take_if_finished<T>(mut entry: EntryRef<'_, Member<T>>) -> Option<(Id, Result<T, JoinError>)> {
    let polled = entry.poll_value(|member, cx| match member {
        Member::Running(handle) => {
            let id = handle.id();
            coop::with_unconstrained(|| Pin::new(handle).poll(cx)).map(|result| Some((id, result)))
        }
        Member::Finished(..) => Poll::Ready(None),
    });
    match polled {
        Poll::Pending => None,
        Poll::Ready(Some(next)) => {
            entry.remove();
            Some(next)
        }
        Poll::Ready(None) => match entry.remove() {
            Member::Finished(id, result) => Some((id, result)),
            Member::Running(_) => unreachable!("matched as finished above"),
        },
    }
}

fn with_id<T>((id, result): (Id, Result<T, JoinError>)) -> Result<(Id, T), JoinError> {
    result.map(|output| (id, output))
}

/// Spawns one task into a [`JoinSet`] with the settings of a [`task::Builder`]: made by
/// [`JoinSet::build_task`].
///
/// Each `spawn*` method spawns like the `JoinSet` method of the same name, adds the task to
/// the set, and returns its [`AbortHandle`].
#[must_use = "a task builder spawns nothing until one of its `spawn` methods is called"]
pub struct Builder<'a, T> {
    join_set: &'a mut JoinSet<T>,
    builder: task::Builder<'a>,
}

impl<'a, T: 'static> Builder<'a, T> {
    /// Names the task (see [`task::Builder::name`]).
    pub fn name(self, name: &'a str) -> Builder<'a, T> {
        Builder {
            builder: self.builder.name(name),
            ..self
        }
    }

    /// Spawns `future` on the current runtime, like [`JoinSet::spawn`].
    ///
    /// # Panics
    /// Panics outside a runtime.
    #[track_caller]
    pub fn spawn<F>(self, future: F) -> io::Result<AbortHandle>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        Ok(self.join_set.insert(self.builder.spawn(future)?))
    }

    /// Spawns `future` on the runtime of `handle`, like [`JoinSet::spawn_on`].
    #[track_caller]
    pub fn spawn_on<F>(self, future: F, handle: &Handle) -> io::Result<AbortHandle>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        Ok(self.join_set.insert(self.builder.spawn_on(future, handle)?))
    }

    /// Spawns a `!Send` future on the current `LocalSet` or `LocalRuntime`, like
    /// [`JoinSet::spawn_local`].
    ///
    /// # Panics
    /// Panics outside a `LocalSet` and a `LocalRuntime`.
    #[track_caller]
    pub fn spawn_local<F>(self, future: F) -> io::Result<AbortHandle>
    where
        F: Future<Output = T> + 'static,
    {
        Ok(self.join_set.insert(self.builder.spawn_local(future)?))
    }

    /// Spawns a `!Send` future on `local_set`, like [`JoinSet::spawn_local_on`].
    #[track_caller]
    pub fn spawn_local_on<F>(self, future: F, local_set: &LocalSet) -> io::Result<AbortHandle>
    where
        F: Future<Output = T> + 'static,
    {
        let join = self.builder.spawn_local_on(future, local_set)?;
        Ok(self.join_set.insert(join))
    }

    /// Runs `f` on the current runtime's blocking pool, like [`JoinSet::spawn_blocking`].
    ///
    /// # Errors
    /// As [`task::Builder::spawn_blocking_on`].
    ///
    /// # Panics
    /// Panics outside a runtime.
    #[track_caller]
    pub fn spawn_blocking<F>(self, f: F) -> io::Result<AbortHandle>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        Ok(self.join_set.insert(self.builder.spawn_blocking(f)?))
    }

    /// Runs `f` on the blocking pool of the runtime of `handle`, like
    /// [`JoinSet::spawn_blocking_on`].
    ///
    /// # Errors
    /// As [`task::Builder::spawn_blocking_on`].
    #[track_caller]
    pub fn spawn_blocking_on<F>(self, f: F, handle: &Handle) -> io::Result<AbortHandle>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        Ok(self
            .join_set
            .insert(self.builder.spawn_blocking_on(f, handle)?))
    }
}

impl<T> fmt::Debug for Builder<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("join_set::Builder")
            .field("join_set", &self.join_set)
            .field("builder", &self.builder)
            .finish()
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.inner.drain(|member| {
            if let Member::Running(handle) = member {
                handle.abort();
            }
        });
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}

/// Spawns every future of the iterator into a new set.
///
/// ```
/// use eddy::task::JoinSet;
///
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let set: JoinSet<_> = ["a", "b"].into_iter().map(|s| async move { s.len() }).collect();
/// assert_eq!(set.join_all().await, [1, 1]);
/// # });
/// ```
///
/// # Panics
/// Panics outside a runtime.
impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns every future of the iterator into the set.
///
/// ```
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut set = eddy::task::JoinSet::new();
/// set.extend((0..3).map(|i| async move { i }));
/// assert_eq!(set.len(), 3);
/// # });
/// ```
///
/// # Panics
/// Panics outside a runtime.
impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    #[track_caller]
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for task in iter {
            self.spawn(task);
        }
    }
}
