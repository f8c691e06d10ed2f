//! Entering a runtime: the flag behind "Cannot start a runtime from within a runtime".
//!
//! A thread that drives a runtime (`block_on`, a worker, or `Handle::block_on`) is *entered*.
//! Blocking the thread again from there would stall every task that runtime owns, so a second
//! `block_on` on an entered thread panics.

use super::blocking::BlockingRegionGuard;
use super::current::{try_set_current, SetCurrentGuard};
use super::CONTEXT;
use crate::runtime::scheduler;
use crate::util::error;

/// Whether this thread drives a runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnterRuntime {
    /// Driving a runtime; `allow_block_in_place` says whether `block_in_place` may run here.
    Entered {
        allow_block_in_place: bool,
    },
    NotEntered,
}

impl EnterRuntime {
    pub(crate) fn is_entered(self) -> bool {
        matches!(self, EnterRuntime::Entered { .. })
    }
}

/// Undoes `enter_runtime` when dropped.
pub(crate) struct EnterRuntimeGuard {
    pub(crate) blocking: BlockingRegionGuard,
    _handle: SetCurrentGuard,
}

/// Marks the thread as driving `handle`'s runtime while `f` runs. Panics if it already drives one.
#[track_caller]
pub(crate) fn enter_runtime<R>(
    handle: &scheduler::Handle,
    allow_block_in_place: bool,
    f: impl FnOnce(&mut BlockingRegionGuard) -> R,
) -> R {
    let entered = CONTEXT.try_with(|ctx| {
        if ctx.runtime.get().is_entered() {
            return false;
        }
        ctx.runtime.set(EnterRuntime::Entered {
            allow_block_in_place,
        });
        true
    });
    match entered {
        Ok(true) => {}
        Ok(false) => panic!("{}", error::RUNTIME_WITHIN_RUNTIME),
        Err(_) => panic!("{}", error::THREAD_LOCAL_DESTROYED),
    }
    let Some(current) = try_set_current(handle) else {
        panic!("{}", error::THREAD_LOCAL_DESTROYED)
    };
    let mut guard = EnterRuntimeGuard {
        blocking: BlockingRegionGuard::new(),
        _handle: current,
    };
    f(&mut guard.blocking)
}

impl Drop for EnterRuntimeGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|ctx| {
            assert!(
                ctx.runtime.get().is_entered(),
                "asked to exit when not entered"
            );
            ctx.runtime.set(EnterRuntime::NotEntered);
        });
    }
}

/// This thread's state, `NotEntered` also while the thread exits.
pub(crate) fn runtime_state() -> EnterRuntime {
    CONTEXT
        .try_with(|ctx| ctx.runtime.get())
        .unwrap_or(EnterRuntime::NotEntered)
}

/// Runs `f` with the thread marked as not driving a runtime, so that `f` may block (and even
/// call `Handle::block_on`); the previous state comes back afterwards, also on a panic. Used by
/// `block_in_place`, whose caller has handed its scheduler work to another thread.
pub(crate) fn exit_runtime<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(Option<EnterRuntime>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(state) = self.0 {
                let _ = CONTEXT.try_with(|ctx| ctx.runtime.set(state));
            }
        }
    }
    let previous = CONTEXT
        .try_with(|ctx| ctx.runtime.replace(EnterRuntime::NotEntered))
        .ok();
    let _restore = Restore(previous);
    f()
}
