//! loom models of the runtime's concurrent core, and unit tests that share their mock scheduler.
//!
//! Run them with `RUSTFLAGS="--cfg loom" cargo test -p eddy --lib --release loom_`. Each model
//! explores every interleaving (up to loom's preemption bound) of a few threads racing on one
//! mechanism, and checks that every task is freed exactly once and no reference leaks: the
//! `Arc`s used here are loom's, which fail the model if any is still alive at its end.

#[cfg(not(loom))]
mod inject;
#[cfg(loom)]
mod loom_idle;
#[cfg(loom)]
mod loom_inject;
#[cfg(loom)]
mod loom_park;
#[cfg(loom)]
mod loom_queue;
#[cfg(loom)]
mod loom_task;
mod mock;
#[cfg(not(loom))]
mod queue;
#[cfg(not(loom))]
mod worker;
