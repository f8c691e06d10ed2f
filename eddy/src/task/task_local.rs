//! Task-local storage: a value that belongs to a future (and to everything it polls) rather than
//! to a thread.
//!
//! A key declared with [`task_local!`](crate::task_local) is a thread-local
//! `RefCell<Option<T>>` underneath. A scope moves its value into that cell for exactly as long as
//! its code runs on the thread (one call for `sync_scope`, each poll for `scope`) and moves it
//! back out afterwards, so tasks that take turns on one thread each see their own value, and a
//! task that moves to another thread takes its value along.
//!
//! # Contract
//!
//! * The cell is only ever borrowed mutably for a swap (`LocalKey::swap`), which runs no user
//!   code; user code reads it through a shared borrow (`try_with`). Entering a scope inside a
//!   `with` of the same key therefore finds the cell borrowed and panics instead of swapping a
//!   value out from under a live reference.
//! * Every swap into the cell is undone by a `Restore` guard, also when the scope's code
//!   panics, so the value of an enclosing scope comes back.
//! * `TaskLocalFuture::future` is structurally pinned: it is reached only through
//!   `TaskLocalFuture::project`, dropped in place, and never moved; the type is `Unpin` only
//!   when the future is. The value in `slot` is not pinned and moves freely.

use crate::util::error;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Declares task-local keys: `static` items of type [`LocalKey`].
///
/// Each key starts unset in every task; [`LocalKey::scope`] runs a future with a value for it
/// and [`LocalKey::sync_scope`] does the same for a closure.
///
/// ```
/// eddy::task_local! {
///     /// The id of the request being served.
///     pub static REQUEST_ID: u64;
///     static USER: String;
/// }
///
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// REQUEST_ID
///     .scope(7, async {
///         assert_eq!(REQUEST_ID.get(), 7);
///     })
///     .await;
/// assert!(USER.try_with(|user| user.len()).is_err());
/// # });
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $ty:ty; $($rest:tt)*) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $ty);
        $crate::task_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $ty:ty) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $ty);
    };
}

/// One key of `task_local!`; not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_key {
    ($(#[$attr:meta])* $vis:vis $name:ident, $ty:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$ty> = {
            ::std::thread_local! {
                static __EDDY_TASK_LOCAL: ::std::cell::RefCell<::std::option::Option<$ty>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey::__new(__EDDY_TASK_LOCAL)
        };
    };
}

/// A key for task-local data, declared with [`task_local!`](crate::task_local).
///
/// The value is set only inside a scope ([`scope`](Self::scope) for a future,
/// [`sync_scope`](Self::sync_scope) for a closure) and read there with [`with`](Self::with),
/// [`get`](Self::get) and their `try_` forms. Unlike a thread-local, a value set by a task's
/// scope is seen by that task only, on whichever thread it runs.
///
/// ```
/// eddy::task_local! {
///     static DEPTH: u32;
/// }
///
/// let depth = DEPTH.sync_scope(1, || DEPTH.sync_scope(2, || DEPTH.get()));
/// assert_eq!(depth, 2);
/// assert!(DEPTH.try_get().is_err()); // unset outside every scope
/// ```
pub struct LocalKey<T: 'static> {
    inner: std::thread::LocalKey<RefCell<Option<T>>>,
}

/// The key could not be read: no scope of it is active.
///
/// Returned by [`LocalKey::try_with`] and [`LocalKey::try_get`].
///
/// ```
/// eddy::task_local! {
///     static NAME: &'static str;
/// }
///
/// let err = NAME.try_get().unwrap_err();
/// assert_eq!(err.to_string(), "task-local value not set");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AccessError {
    _private: (),
}

/// Why a scope could not be entered.
#[derive(Debug, Clone, Copy)]
enum ScopeError {
    /// A `with` of the same key is running.
    Borrowed,
    /// The thread is exiting and has already destroyed the key's thread-local.
    Destroyed,
}

impl ScopeError {
    #[track_caller]
    fn panic(self) -> ! {
        match self {
            ScopeError::Borrowed => panic!("{}", error::TASK_LOCAL_BORROWED),
            ScopeError::Destroyed => panic!("{}", error::TASK_LOCAL_DESTROYED),
        }
    }
}

impl<T: 'static> LocalKey<T> {
    /// Wraps the thread-local that `task_local!` declares; not public API.
    #[doc(hidden)]
    pub const fn __new(inner: std::thread::LocalKey<RefCell<Option<T>>>) -> LocalKey<T> {
        LocalKey { inner }
    }

    /// Returns a future that runs `future` with the key set to `value`.
    ///
    /// The value is set during every poll of `future` and while it is dropped, and only then;
    /// other tasks on the same thread do not see it. A scope nested in another scope of the
    /// same key hides the outer value until it ends.
    ///
    /// ```
    /// eddy::task_local! {
    ///     static TRACE: &'static str;
    /// }
    ///
    /// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let task = eddy::spawn(TRACE.scope("job-1", async {
    ///     eddy::task::yield_now().await; // other tasks run here, without the value
    ///     TRACE.get()
    /// }));
    /// assert_eq!(task.await.unwrap(), "job-1");
    /// # });
    /// ```
    ///
    /// Polling the returned future panics when a [`with`](Self::with) of the same key is
    /// running on the thread, or when the thread is exiting and the key's storage is gone.
    pub fn scope<F: Future>(&'static self, value: T, future: F) -> TaskLocalFuture<T, F> {
        TaskLocalFuture {
            local: self,
            slot: Some(value),
            future: Some(future),
        }
    }

    /// Runs `f` with the key set to `value`, and returns what `f` returns.
    ///
    /// ```
    /// eddy::task_local! {
    ///     static LIMIT: usize;
    /// }
    ///
    /// let doubled = LIMIT.sync_scope(21, || LIMIT.get() * 2);
    /// assert_eq!(doubled, 42);
    /// ```
    ///
    /// # Panics
    /// Panics when called inside a [`with`](Self::with) of the same key, and when called
    /// during or after the destruction of the key's thread-local (while the thread exits).
    #[track_caller]
    pub fn sync_scope<F, R>(&'static self, value: T, f: F) -> R
    where
        F: FnOnce() -> R,
    {
        let mut slot = Some(value);
        match self.scope_inner(&mut slot, f) {
            Ok(ret) => ret,
            Err(err) => err.panic(),
        }
    }

    /// Calls `f` with a reference to the value of the innermost active scope.
    ///
    /// ```
    /// eddy::task_local! {
    ///     static WORDS: Vec<&'static str>;
    /// }
    ///
    /// WORDS.sync_scope(vec!["a", "b"], || {
    ///     assert_eq!(WORDS.with(|words| words.len()), 2);
    /// });
    /// ```
    ///
    /// # Panics
    /// Panics when the key is not set; see [`try_with`](Self::try_with).
    #[track_caller]
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        match self.try_with(f) {
            Ok(ret) => ret,
            Err(_) => panic!("{}", error::TASK_LOCAL_NOT_SET),
        }
    }

    /// Calls `f` with a reference to the value of the innermost active scope, or returns an
    /// [`AccessError`] when the key is not set (also while the thread exits and the key's
    /// storage is gone).
    ///
    /// ```
    /// eddy::task_local! {
    ///     static FLAG: bool;
    /// }
    ///
    /// assert!(FLAG.try_with(|flag| *flag).is_err());
    /// assert_eq!(FLAG.sync_scope(true, || FLAG.try_with(|flag| *flag)), Ok(true));
    /// ```
    pub fn try_with<F, R>(&'static self, f: F) -> Result<R, AccessError>
    where
        F: FnOnce(&T) -> R,
    {
        let ret = self.inner.try_with(|cell| {
            // Only a swap borrows the cell mutably, and it calls no user code, so this borrow
            // cannot fail while `f` could observe it; answer "not set" if it ever did.
            let value = cell.try_borrow().ok()?;
            value.as_ref().map(f)
        });
        match ret {
            Ok(Some(ret)) => Ok(ret),
            Ok(None) | Err(_) => Err(AccessError { _private: () }),
        }
    }

    /// Moves `slot`'s content into the cell, runs `f`, and moves the cell's content back into
    /// `slot` (also when `f` panics). The cell's previous content waits in `slot` meanwhile.
    fn scope_inner<R>(
        &'static self,
        slot: &mut Option<T>,
        f: impl FnOnce() -> R,
    ) -> Result<R, ScopeError> {
        /// Swaps the value back out when the scope ends, by return or by unwinding.
        struct Restore<'a, T: 'static> {
            key: &'static LocalKey<T>,
            slot: &'a mut Option<T>,
        }

        impl<T: 'static> Drop for Restore<'_, T> {
            fn drop(&mut self) {
                // The swap in succeeded on this thread, and every borrow taken inside the scope
                // has ended, so this swap cannot fail; were it to, leaving the value in the cell
                // beats a panic inside a destructor.
                let _ = self.key.swap(self.slot);
            }
        }

        self.swap(slot)?;
        let _restore = Restore { key: self, slot };
        Ok(f())
    }

    /// Exchanges the cell's content with `slot`'s.
    fn swap(&'static self, slot: &mut Option<T>) -> Result<(), ScopeError> {
        self.inner
            .try_with(|cell| {
                let mut current = cell.try_borrow_mut().map_err(|_| ScopeError::Borrowed)?;
                std::mem::swap(slot, &mut *current);
                Ok(())
            })
            .unwrap_or(Err(ScopeError::Destroyed))
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// Returns a clone of the value of the innermost active scope.
    ///
    /// ```
    /// eddy::task_local! {
    ///     static REGION: String;
    /// }
    ///
    /// REGION.sync_scope("eu-west".to_string(), || {
    ///     assert_eq!(REGION.get(), "eu-west");
    /// });
    /// ```
    ///
    /// # Panics
    /// Panics when the key is not set; see [`try_get`](Self::try_get).
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(|value| value.clone())
    }

    /// Returns a clone of the value of the innermost active scope, or an [`AccessError`] when
    /// the key is not set.
    ///
    /// ```
    /// eddy::task_local! {
    ///     static RETRIES: u8;
    /// }
    ///
    /// assert!(RETRIES.try_get().is_err());
    /// assert_eq!(RETRIES.sync_scope(3, || RETRIES.try_get()), Ok(3));
    /// ```
    pub fn try_get(&'static self) -> Result<T, AccessError> {
        self.try_with(|value| value.clone())
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalKey").finish_non_exhaustive()
    }
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(error::TASK_LOCAL_ACCESS_ERROR)
    }
}

impl std::error::Error for AccessError {}

/// A future that runs its inner future with a task-local key set; returned by
/// [`LocalKey::scope`].
///
/// The value is moved into the key's storage for each poll of the inner future and for its
/// drop, and moved out again afterwards.
///
/// ```
/// eddy::task_local! {
///     static COUNT: u32;
/// }
///
/// # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut scoped = Box::pin(COUNT.scope(5, async { COUNT.get() + 1 }));
/// assert_eq!(scoped.as_mut().await, 6);
/// // The value stays with the future after it completed.
/// assert_eq!(scoped.as_mut().take_value(), Some(5));
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct TaskLocalFuture<T: 'static, F> {
    local: &'static LocalKey<T>,
    /// The value while the inner future is not running; the cell's previous content while it
    /// is.
    slot: Option<T>,
    /// The inner future; `None` once it completed (it is dropped inside the scope).
    future: Option<F>,
}

// `future` is the only structurally pinned field (see the module contract).
impl<T: 'static, F: Unpin> Unpin for TaskLocalFuture<T, F> {}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the value out of this future: `Some` the first time, `None` once taken.
    ///
    /// Later polls (and the drop) of the inner future then run with the key unset. Taking the
    /// value after completion hands back what the scope ended with.
    ///
    /// ```
    /// eddy::task_local! {
    ///     static KEY: String;
    /// }
    ///
    /// let mut scoped = Box::pin(KEY.scope("mine".to_string(), std::future::pending::<()>()));
    /// assert_eq!(scoped.as_mut().take_value().as_deref(), Some("mine"));
    /// assert_eq!(scoped.as_mut().take_value(), None);
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        let (_, slot, _) = self.project();
        slot.take()
    }

    fn project(
        self: Pin<&mut Self>,
    ) -> (&'static LocalKey<T>, &mut Option<T>, Pin<&mut Option<F>>) {
        // SAFETY: `future` is structurally pinned and `slot` is not (module contract): the
        // future is only handed out pinned, from here; it leaves the struct only by being
        // dropped in place (`Pin::set` in `poll` and `drop`); and `Unpin` is implemented only
        // for an `Unpin` future. Moving `slot`'s content is fine, it was never pinned.
        unsafe {
            let this = self.get_unchecked_mut();
            (
                this.local,
                &mut this.slot,
                Pin::new_unchecked(&mut this.future),
            )
        }
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let (local, slot, mut future) = self.project();
        let polled = local.scope_inner(slot, || {
            let poll = future.as_mut().as_pin_mut()?.poll(cx);
            if poll.is_ready() {
                // Drop the finished future now, while its value is still set.
                future.set(None);
            }
            Some(poll)
        });
        match polled {
            Ok(Some(poll)) => poll,
            Ok(None) => panic!("{}", error::TASK_LOCAL_FUTURE_AFTER_COMPLETION),
            Err(err) => err.panic(),
        }
    }
}

impl<T: 'static, F> Drop for TaskLocalFuture<T, F> {
    fn drop(&mut self) {
        if !std::mem::needs_drop::<F>() || self.future.is_none() {
            return;
        }
        // SAFETY: `drop` is the last use of a value that may have been pinned; treating it as
        // pinned here is exactly what pinning demands of a destructor.
        let this = unsafe { Pin::new_unchecked(self) };
        let (local, slot, mut future) = this.project();
        // Drop the inner future with its value set. When no scope can be entered (inside a
        // `with` of the key, or while the thread exits) it is dropped without it, with the
        // struct's fields, rather than panicking in a destructor.
        let _ = local.scope_inner(slot, || future.set(None));
    }
}

impl<T: fmt::Debug + 'static, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskLocalFuture")
            .field("value", &self.slot)
            .field("completed", &self.future.is_none())
            .finish()
    }
}
