//! The only door to concurrency primitives.
//!
//! Every atomic, lock, condition variable, `UnsafeCell` and thread that eddy's core uses comes from
//! here. In a normal build these are std's; under `RUSTFLAGS="--cfg loom"` they are loom's, so the
//! same code runs as exhaustive models (`cargo test -p eddy --lib --release loom_`).
//!
//! Two thin wrappers even out the API differences: [`UnsafeCell`] offers loom's `with`/`with_mut`
//! closures on std too, and [`Mutex`] ignores poisoning (a panic while a runtime lock is held is
//! already a bug that the panic reports; refusing the lock afterwards would only hide it behind a
//! second panic).

#[cfg(not(loom))]
mod imp {
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
    pub(crate) use std::sync::Arc;
    pub(crate) use std::thread;

    /// An `UnsafeCell` with loom's closure-based access API.
    #[derive(Debug)]
    pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(value: T) -> Self {
            Self(std::cell::UnsafeCell::new(value))
        }

        #[inline(always)]
        pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }

    /// A mutex whose `lock` ignores poisoning.
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(std::sync::Mutex<T>);

    pub(crate) type MutexGuard<'a, T> = std::sync::MutexGuard<'a, T>;

    impl<T> Mutex<T> {
        pub(crate) const fn new(value: T) -> Self {
            Self(std::sync::Mutex::new(value))
        }

        #[inline]
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }

        /// The lock if it is free right now.
        pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            match self.0.try_lock() {
                Ok(guard) => Some(guard),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => None,
            }
        }
    }

    /// A condition variable paired with [`Mutex`].
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(std::sync::Condvar);

    impl Condvar {
        pub(crate) const fn new() -> Self {
            Self(std::sync::Condvar::new())
        }

        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0
                .wait(guard)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }

        /// Waits at most `timeout`; returns the guard and whether the wait timed out.
        pub(crate) fn wait_timeout<'a, T>(
            &self,
            guard: MutexGuard<'a, T>,
            timeout: std::time::Duration,
        ) -> (MutexGuard<'a, T>, bool) {
            let (guard, result) = self
                .0
                .wait_timeout(guard, timeout)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            (guard, result.timed_out())
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one()
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all()
        }
    }
}

#[cfg(loom)]
mod imp {
    pub(crate) use loom::cell::UnsafeCell;
    pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
    pub(crate) use loom::sync::Arc;
    pub(crate) use loom::thread;

    /// A mutex whose `lock` ignores poisoning.
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

    pub(crate) type MutexGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Self {
            Self(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }

        /// The lock if it is free right now.
        pub(crate) fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            match self.0.try_lock() {
                Ok(guard) => Some(guard),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => None,
            }
        }
    }

    /// A condition variable paired with [`Mutex`].
    #[derive(Debug, Default)]
    pub(crate) struct Condvar(loom::sync::Condvar);

    impl Condvar {
        pub(crate) fn new() -> Self {
            Self(loom::sync::Condvar::new())
        }

        pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
            self.0
                .wait(guard)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }

        /// loom has no clock: a timed wait is a plain wait that reports no timeout.
        pub(crate) fn wait_timeout<'a, T>(
            &self,
            guard: MutexGuard<'a, T>,
            _timeout: std::time::Duration,
        ) -> (MutexGuard<'a, T>, bool) {
            (self.wait(guard), false)
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one()
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all()
        }
    }
}

pub(crate) use imp::*;

/// std's `Arc`, in both builds, for handles that back a `std::task::Waker` (`std::task::Wake`
/// only accepts std's `Arc`) and for runtime handles, which no loom model builds.
pub(crate) use std::sync::Arc as StdArc;

/// A process-wide counter in a `static` (task and runtime ids). loom cannot model statics, and
/// these counters take part in no protocol (only uniqueness matters), so they are std's in both
/// builds.
pub(crate) use std::sync::atomic::AtomicU64 as StaticAtomicU64;

/// A process-wide flag in a `static`, for the same reason (the clock's "was time ever paused").
pub(crate) use std::sync::atomic::AtomicBool as StaticAtomicBool;

/// A process-wide one-time initialisation in a `static` (the signal registry), std's in both
/// builds for the same reason.
pub(crate) use std::sync::OnceLock as StaticOnceLock;

/// A process-wide lock in a `static` (the signal registry, runtime/signal/registry.rs): std's in
/// both builds, for the same reason; like [`Mutex`], its `lock` ignores poisoning.
#[derive(Debug, Default)]
pub(crate) struct StaticMutex<T>(std::sync::Mutex<T>);

impl<T> StaticMutex<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(std::sync::Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether a thread has ended (std's `JoinHandle::is_finished`). loom's handles cannot tell;
/// no loom model starts runtime worker threads, so there it answers "not yet".
pub(crate) fn thread_is_finished<T>(join: &thread::JoinHandle<T>) -> bool {
    #[cfg(not(loom))]
    {
        join.is_finished()
    }
    #[cfg(loom)]
    {
        let _ = join;
        false
    }
}
