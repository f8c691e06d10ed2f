//! `Scoped<T>`: a thread-local slot that holds a borrowed `&T` for the length of a closure.

use std::cell::Cell;
use std::ptr;

/// Holds a pointer to a `T` that lives on the stack of an enclosing `set` call. Readers get it
/// back as `Option<&T>`, valid only inside their closure.
pub(crate) struct Scoped<T> {
    inner: Cell<*const T>,
}

impl<T> Scoped<T> {
    pub(crate) const fn new() -> Scoped<T> {
        Scoped {
            inner: Cell::new(ptr::null()),
        }
    }

    /// Makes `value` visible to `with` while `f` runs, then restores the previous value, also
    /// when `f` unwinds.
    pub(crate) fn set<R>(&self, value: &T, f: impl FnOnce() -> R) -> R {
        struct Reset<'a, T> {
            cell: &'a Cell<*const T>,
            prev: *const T,
        }
        impl<T> Drop for Reset<'_, T> {
            fn drop(&mut self) {
                self.cell.set(self.prev);
            }
        }
        let prev = self.inner.replace(value);
        let _reset = Reset {
            cell: &self.inner,
            prev,
        };
        f()
    }

    /// Calls `f` with the value set by the innermost enclosing `set`, if any.
    pub(crate) fn with<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let ptr = self.inner.get();
        // SAFETY: a non-null pointer was stored by `set`, whose borrow of the value outlives the
        // closure it runs, and `set` restores the previous pointer before that borrow ends. Every
        // `with` call happens inside some `set` closure on this thread, so the value is alive.
        f(unsafe { ptr.as_ref() })
    }
}
