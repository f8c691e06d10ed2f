//! Guards for blocking the current thread: `BlockingRegionGuard` (permission to block) and
//! `DisallowBlockInPlaceGuard` (used where `block_in_place` would break an invariant).

use super::enter::EnterRuntime;
use super::CONTEXT;
use crate::runtime::park::CachedParkThread;
use std::future::Future;
use std::marker::PhantomData;

/// Proof that the current thread may block: it drives no runtime, or is the thread that just
/// entered one for `block_on`.
pub(crate) struct BlockingRegionGuard {
    _not_send: PhantomData<*const ()>,
}

/// While alive, `block_in_place` on this thread panics instead of moving the worker away.
pub(crate) struct DisallowBlockInPlaceGuard(bool);

impl BlockingRegionGuard {
    pub(super) fn new() -> BlockingRegionGuard {
        BlockingRegionGuard {
            _not_send: PhantomData,
        }
    }

    /// Blocks the thread on `future` with a thread parker (it does not drive any scheduler).
    pub(crate) fn block_on<F: Future>(&mut self, future: F) -> F::Output {
        CachedParkThread::new().block_on(future)
    }
}

/// Permission to block here, or `None` when this thread drives a runtime (blocking would stall
/// it). A thread whose context is gone may block: it drives nothing any more.
pub(crate) fn try_enter_blocking_region() -> Option<BlockingRegionGuard> {
    CONTEXT
        .try_with(|ctx| {
            if ctx.runtime.get().is_entered() {
                None
            } else {
                Some(BlockingRegionGuard::new())
            }
        })
        .unwrap_or_else(|_| Some(BlockingRegionGuard::new()))
}

/// Forbids `block_in_place` on this thread until the guard drops (a `LocalSet` holds one: its
/// tasks must not move to another thread).
pub(crate) fn disallow_block_in_place() -> DisallowBlockInPlaceGuard {
    let reset = CONTEXT.with(|ctx| {
        if let EnterRuntime::Entered {
            allow_block_in_place: true,
        } = ctx.runtime.get()
        {
            ctx.runtime.set(EnterRuntime::Entered {
                allow_block_in_place: false,
            });
            true
        } else {
            false
        }
    });
    DisallowBlockInPlaceGuard(reset)
}

impl Drop for DisallowBlockInPlaceGuard {
    fn drop(&mut self) {
        if self.0 {
            let _ = CONTEXT.try_with(|ctx| {
                if let EnterRuntime::Entered {
                    allow_block_in_place: false,
                } = ctx.runtime.get()
                {
                    ctx.runtime.set(EnterRuntime::Entered {
                        allow_block_in_place: true,
                    });
                }
            });
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::runtime::context::{enter::EnterRuntime, CONTEXT};

    fn state() -> EnterRuntime {
        CONTEXT.with(|ctx| ctx.runtime.get())
    }

    #[test]
    fn disallow_block_in_place_toggles_and_restores() {
        CONTEXT.with(|ctx| {
            ctx.runtime.set(EnterRuntime::Entered {
                allow_block_in_place: true,
            })
        });
        {
            let _guard = disallow_block_in_place();
            assert_eq!(
                state(),
                EnterRuntime::Entered {
                    allow_block_in_place: false
                }
            );
        }
        assert_eq!(
            state(),
            EnterRuntime::Entered {
                allow_block_in_place: true
            }
        );
        CONTEXT.with(|ctx| ctx.runtime.set(EnterRuntime::NotEntered));
        // Outside a runtime the guard changes nothing.
        drop(disallow_block_in_place());
        assert_eq!(state(), EnterRuntime::NotEntered);
    }

    #[test]
    fn blocking_region_refused_inside_a_runtime() {
        assert!(try_enter_blocking_region().is_some());
        CONTEXT.with(|ctx| {
            ctx.runtime.set(EnterRuntime::Entered {
                allow_block_in_place: false,
            })
        });
        assert!(try_enter_blocking_region().is_none());
        CONTEXT.with(|ctx| ctx.runtime.set(EnterRuntime::NotEntered));
    }
}
