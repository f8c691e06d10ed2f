//! `task::Builder`: spawn a task with a name.

use crate::runtime::task::SpawnMeta;
use crate::runtime::Handle;
use crate::task::{JoinHandle, LocalSet};
use std::future::Future;
use std::io;

/// Spawns tasks with settings beyond the future itself; for now, a name.
///
/// The name stays with the task: task hooks see it through
/// [`TaskMeta::name`](crate::runtime::TaskMeta::name). Each `spawn*` method mirrors the free
/// function or method of the same name, and returns an `io::Result` so that settings that can
/// fail have a way to say so.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// let names = Arc::new(Mutex::new(Vec::new()));
/// let rt = {
///     let names = names.clone();
///     eddy::runtime::Builder::new_current_thread()
///         .on_task_spawn(move |meta| {
///             names.lock().unwrap().push(meta.name().map(str::to_owned));
///         })
///         .build()
///         .unwrap()
/// };
/// rt.block_on(async {
///     let task = eddy::task::Builder::new()
///         .name("connection handler")
///         .spawn(async { 40 + 2 })
///         .unwrap();
///     assert_eq!(task.await.unwrap(), 42);
/// });
/// assert_eq!(*names.lock().unwrap(), [Some("connection handler".to_owned())]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Builder<'a> {
    name: Option<&'a str>,
}

impl<'a> Builder<'a> {
    /// A builder with no settings: tasks spawned from it are unnamed.
    pub fn new() -> Builder<'a> {
        Builder::default()
    }

    /// Names the task. The name is copied into the task when it is spawned.
    pub fn name(&self, name: &'a str) -> Builder<'a> {
        Builder { name: Some(name) }
    }

    /// The task's name and the caller's location, for the spawn paths.
    #[track_caller]
    fn meta(&self) -> SpawnMeta<'a> {
        SpawnMeta::named(self.name)
    }

    /// Spawns `future` on the current runtime, like [`task::spawn`](crate::task::spawn).
    ///
    /// # Panics
    /// Panics outside a runtime.
    #[track_caller]
    pub fn spawn<Fut>(self, future: Fut) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        Ok(super::spawn::spawn_with(future, self.meta()))
    }

    /// Spawns `future` on the runtime of `handle`, like [`Handle::spawn`].
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// let task = eddy::task::Builder::new()
    ///     .name("answer")
    ///     .spawn_on(async { 42 }, rt.handle())
    ///     .unwrap();
    /// assert_eq!(rt.block_on(task).unwrap(), 42);
    /// ```
    #[track_caller]
    pub fn spawn_on<Fut>(self, future: Fut, handle: &Handle) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + Send + 'static,
        Fut::Output: Send + 'static,
    {
        Ok(Handle::spawn_on(&handle.inner, future, self.meta()))
    }

    /// Spawns a `!Send` future on the current [`LocalSet`] or
    /// [`LocalRuntime`](crate::runtime::LocalRuntime), like
    /// [`task::spawn_local`](crate::task::spawn_local).
    ///
    /// # Panics
    /// Panics outside a `LocalSet` and a `LocalRuntime`.
    #[track_caller]
    pub fn spawn_local<Fut>(self, future: Fut) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + 'static,
        Fut::Output: 'static,
    {
        Ok(super::local::spawn_local_with(future, self.meta()))
    }

    /// Spawns a `!Send` future on `local_set`, like [`LocalSet::spawn_local`].
    ///
    /// ```
    /// use std::rc::Rc;
    ///
    /// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = eddy::task::LocalSet::new();
    /// let shared = Rc::new(5);
    /// let task = eddy::task::Builder::new()
    ///     .name("local")
    ///     .spawn_local_on(async move { *shared + 1 }, &local)
    ///     .unwrap();
    /// assert_eq!(local.block_on(&rt, task).unwrap(), 6);
    /// ```
    #[track_caller]
    pub fn spawn_local_on<Fut>(
        self,
        future: Fut,
        local_set: &LocalSet,
    ) -> io::Result<JoinHandle<Fut::Output>>
    where
        Fut: Future + 'static,
        Fut::Output: 'static,
    {
        Ok(local_set.spawn_local_with(future, self.meta()))
    }

    /// Runs `function` on the current runtime's blocking pool, like
    /// [`task::spawn_blocking`](crate::task::spawn_blocking).
    ///
    /// # Errors
    /// As [`spawn_blocking_on`](Self::spawn_blocking_on).
    ///
    /// # Panics
    /// Panics outside a runtime.
    #[track_caller]
    pub fn spawn_blocking<Function, Output>(
        self,
        function: Function,
    ) -> io::Result<JoinHandle<Output>>
    where
        Function: FnOnce() -> Output + Send + 'static,
        Output: Send + 'static,
    {
        let spawn = self.meta();
        let handle = Handle::current();
        Builder::spawn_blocking_with(function, &handle, spawn)
    }

    /// Runs `function` on the blocking pool of the runtime of `handle`, like
    /// [`Handle::spawn_blocking`].
    ///
    /// # Errors
    /// Where `spawn_blocking` would hand back a JoinHandle that resolves to a cancelled
    /// `JoinError`, or panic, this returns the reason instead:
    /// * the runtime has shut down (the error satisfies
    ///   [`runtime::is_rt_shutdown_err`](crate::runtime::is_rt_shutdown_err));
    /// * the blocking pool has no thread and the operating system refused to start one.
    ///
    /// ```
    /// let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle().clone();
    /// let sum = eddy::task::Builder::new()
    ///     .name("sum")
    ///     .spawn_blocking_on(|| (1..=4).sum::<i32>(), &handle)
    ///     .unwrap();
    /// assert_eq!(rt.block_on(sum).unwrap(), 10);
    ///
    /// drop(rt);
    /// let err = eddy::task::Builder::new()
    ///     .spawn_blocking_on(|| (), &handle)
    ///     .unwrap_err();
    /// assert!(eddy::runtime::is_rt_shutdown_err(&err));
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<Function, Output>(
        self,
        function: Function,
        handle: &Handle,
    ) -> io::Result<JoinHandle<Output>>
    where
        Function: FnOnce() -> Output + Send + 'static,
        Output: Send + 'static,
    {
        Builder::spawn_blocking_with(function, handle, self.meta())
    }

    fn spawn_blocking_with<Function, Output>(
        function: Function,
        handle: &Handle,
        spawn: SpawnMeta<'_>,
    ) -> io::Result<JoinHandle<Output>>
    where
        Function: FnOnce() -> Output + Send + 'static,
        Output: Send + 'static,
    {
        let inner = &handle.inner;
        let (join, spawned) = inner
            .blocking_spawner()
            .try_spawn_blocking(inner, function, spawn);
        spawned.map_err(|e| e.into_io())?;
        Ok(join)
    }
}
