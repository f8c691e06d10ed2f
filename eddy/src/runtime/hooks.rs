//! Task hooks: user callbacks the runtime calls at each step of a task's life, and the
//! [`TaskMeta`] they are given.
//!
//! # When each hook runs
//!
//! For one task the hooks run in this order, each on the thread doing the step:
//!
//! 1. `on_task_spawn`, once, on the spawning thread, right after the task is allocated and
//!    **before** it is bound to the runtime. No other thread can reach the task yet, so nothing
//!    (not even a concurrent shutdown) can run the task's later hooks before this one.
//! 2. `on_before_task_poll` and `on_after_task_poll`, around every poll of the future, on the
//!    thread that polls. A run that only cancels the task (it was aborted, or the runtime shuts
//!    down) polls nothing and calls neither.
//! 3. `on_task_terminate`, once, when the task ends: its output (or its cancellation or panic)
//!    is stored, and it is **not yet** marked complete. Whoever awaits the `JoinHandle`
//!    therefore sees the hook's effects.
//!
//! Blocking tasks (`spawn_blocking`) get the spawn and terminate hooks but no poll hooks: the
//! closure is not a poll of a future, and it is expected to block. `LocalSet` tasks report to
//! the hooks of the runtime the set adopted (see `task/local/shared.rs`).
//!
//! # Panics
//!
//! A hook's panic is caught and dropped (`util::panic::quietly`; the panic hook has already
//! printed it), the same treatment the runtime gives `on_thread_start`/`on_thread_stop` and the
//! worker threads' park hooks: a task hook runs in the middle of a spawn, a poll or a
//! completion, where unwinding would leave the task half done, and often on a thread where no
//! user code could catch it.
//!
//! # Cost
//!
//! A runtime built without task hooks stores `None`, and every place that could call one pays a
//! load and a predictable branch: no allocation, no atomic operation.

use crate::loom::StdArc as Arc;
use crate::task::Id;
use crate::util::panic::quietly;
use std::fmt;
use std::panic::Location;

/// A task hook, as the builder keeps it.
pub(crate) type TaskCallback = Arc<dyn Fn(&TaskMeta<'_>) + Send + Sync>;

/// The task hooks of one runtime. Built only when at least one hook is set, so "no hooks" is a
/// single `None` for the hot paths to test.
pub(crate) struct TaskHooks {
    pub(crate) on_spawn: Option<TaskCallback>,
    pub(crate) on_terminate: Option<TaskCallback>,
    pub(crate) before_poll: Option<TaskCallback>,
    pub(crate) after_poll: Option<TaskCallback>,
}

impl TaskHooks {
    /// The hooks, shared, or `None` when none is set.
    pub(crate) fn new(
        on_spawn: Option<TaskCallback>,
        on_terminate: Option<TaskCallback>,
        before_poll: Option<TaskCallback>,
        after_poll: Option<TaskCallback>,
    ) -> Option<Arc<TaskHooks>> {
        let hooks = TaskHooks {
            on_spawn,
            on_terminate,
            before_poll,
            after_poll,
        };
        hooks.any().then(|| Arc::new(hooks))
    }

    fn any(&self) -> bool {
        self.on_spawn.is_some()
            || self.on_terminate.is_some()
            || self.before_poll.is_some()
            || self.after_poll.is_some()
    }

    pub(crate) fn spawn(&self, meta: &TaskMeta<'_>) {
        call(&self.on_spawn, meta);
    }

    pub(crate) fn terminate(&self, meta: &TaskMeta<'_>) {
        call(&self.on_terminate, meta);
    }

    pub(crate) fn before_poll(&self, meta: &TaskMeta<'_>) {
        call(&self.before_poll, meta);
    }

    pub(crate) fn after_poll(&self, meta: &TaskMeta<'_>) {
        call(&self.after_poll, meta);
    }
}

/// Calls `hook`, if set; its panic stays here (module docs).
fn call(hook: &Option<TaskCallback>, meta: &TaskMeta<'_>) {
    if let Some(hook) = hook {
        quietly(|| hook(meta));
    }
}

impl fmt::Debug for TaskHooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |hook: &Option<TaskCallback>| hook.as_ref().map(|_| "...");
        f.debug_struct("TaskHooks")
            .field("on_spawn", &set(&self.on_spawn))
            .field("on_terminate", &set(&self.on_terminate))
            .field("before_poll", &set(&self.before_poll))
            .field("after_poll", &set(&self.after_poll))
            .finish()
    }
}

/// What a task hook learns about the task it is called for.
///
/// Given to the hooks set with [`Builder::on_task_spawn`], [`Builder::on_task_terminate`],
/// [`Builder::on_before_task_poll`] and [`Builder::on_after_task_poll`]. It borrows from the
/// task, so it lives only as long as the hook's call.
///
/// ```
/// use std::sync::{Arc, Mutex};
///
/// let spawned = Arc::new(Mutex::new(Vec::new()));
/// let rt = {
///     let spawned = spawned.clone();
///     eddy::runtime::Builder::new_current_thread()
///         .on_task_spawn(move |meta| {
///             let at = meta.spawned_at();
///             spawned.lock().unwrap().push((meta.id(), at.line()));
///         })
///         .build()
///         .unwrap()
/// };
/// let task = rt.spawn(async {}); let line = line!();
/// let id = task.id();
/// rt.block_on(task).unwrap();
/// assert_eq!(*spawned.lock().unwrap(), [(id, line)]);
/// ```
///
/// [`Builder::on_task_spawn`]: crate::runtime::Builder::on_task_spawn
/// [`Builder::on_task_terminate`]: crate::runtime::Builder::on_task_terminate
/// [`Builder::on_before_task_poll`]: crate::runtime::Builder::on_before_task_poll
/// [`Builder::on_after_task_poll`]: crate::runtime::Builder::on_after_task_poll
pub struct TaskMeta<'a> {
    id: Id,
    spawned_at: &'static Location<'static>,
    name: Option<&'a str>,
}

impl<'a> TaskMeta<'a> {
    pub(crate) fn new(
        id: Id,
        spawned_at: &'static Location<'static>,
        name: Option<&'a str>,
    ) -> TaskMeta<'a> {
        TaskMeta {
            id,
            spawned_at,
            name,
        }
    }

    /// The task's id, as [`JoinHandle::id`](crate::task::JoinHandle::id) and
    /// [`task::id`](crate::task::id) report it.
    pub fn id(&self) -> Id {
        self.id
    }

    /// Where in the source the task was spawned: the line that called `spawn` (or
    /// `spawn_local`, `spawn_blocking`, `JoinSet::spawn`, `task::Builder::spawn`, ...).
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.spawned_at
    }

    /// The name given with [`task::Builder::name`](crate::task::Builder::name), if any.
    ///
    /// This is an eddy extension: Tokio's `TaskMeta` has no `name`.
    pub fn name(&self) -> Option<&'a str> {
        self.name
    }
}

impl fmt::Debug for TaskMeta<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskMeta")
            .field("id", &self.id)
            .field("spawned_at", &self.spawned_at)
            .field("name", &self.name)
            .finish()
    }
}
