//! loom models of the runtime's concurrent core.
//!
//! Run them with `RUSTFLAGS="--cfg loom" cargo test -p eddy --lib --release loom_`. Each model
//! explores every interleaving (up to loom's preemption bound) of a few threads racing on one
//! mechanism, and checks that every task is freed exactly once and no reference leaks: the
//! `Arc`s used here are loom's, which fail the model if any is still alive at its end.

mod loom_inject;
mod loom_task;
mod mock;
