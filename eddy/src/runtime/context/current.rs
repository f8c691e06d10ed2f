//! Which runtime handle is "current" on this thread, and the guard that sets it.

use super::CONTEXT;
use crate::runtime::scheduler;
use crate::util::error;
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;

/// The current handle and how many guards are stacked on it.
pub(super) struct HandleCell {
    handle: RefCell<Option<scheduler::Handle>>,
    depth: Cell<usize>,
}

/// Restores the previous current handle when dropped. Guards must be dropped in reverse order
/// of creation; the depth stamp catches the mistake.
#[must_use = "the handle is current only while the guard lives"]
pub(crate) struct SetCurrentGuard {
    prev: Option<scheduler::Handle>,
    depth: usize,
    /// A guard belongs to the thread it was made on.
    _not_send: PhantomData<*const ()>,
}

impl HandleCell {
    pub(super) const fn new() -> HandleCell {
        HandleCell {
            handle: RefCell::new(None),
            depth: Cell::new(0),
        }
    }

    pub(super) fn with<R>(&self, f: impl FnOnce(Option<&scheduler::Handle>) -> R) -> R {
        f(self.handle.borrow().as_ref())
    }
}

/// Makes `handle` current on this thread. `None` when the thread-local is already destroyed.
pub(crate) fn try_set_current(handle: &scheduler::Handle) -> Option<SetCurrentGuard> {
    CONTEXT
        .try_with(|ctx| {
            let prev = ctx.current.handle.borrow_mut().replace(handle.clone());
            let depth = ctx.current.depth.get();
            assert!(depth != usize::MAX, "reached max `enter` depth");
            ctx.current.depth.set(depth + 1);
            SetCurrentGuard {
                prev,
                depth: depth + 1,
                _not_send: PhantomData,
            }
        })
        .ok()
}

impl Drop for SetCurrentGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|ctx| {
            let depth = ctx.current.depth.get();
            if depth != self.depth {
                if !std::thread::panicking() {
                    panic!("{}", error::ENTER_GUARD_ORDER);
                }
                return;
            }
            *ctx.current.handle.borrow_mut() = self.prev.take();
            ctx.current.depth.set(depth - 1);
        });
    }
}
