//! Asynchronous tasks: spawn them, join them, abort them.
//!
//! A task is a future handed to the runtime with [`spawn`]; the runtime polls it until it is
//! done, and the returned [`JoinHandle`] yields its output. Blocking code goes to
//! [`spawn_blocking`] instead, so it does not stall the threads that run tasks.
//!
//! ```
//! # let rt = eddy::runtime::Builder::new_current_thread().build().unwrap();
//! # rt.block_on(async {
//! let compute = eddy::task::spawn(async { 2 + 2 });
//! let read = eddy::task::spawn_blocking(|| std::fs::metadata("/").is_ok());
//! assert_eq!(compute.await.unwrap(), 4);
//! assert!(read.await.unwrap());
//! # });
//! ```

mod blocking;
mod builder;
pub mod coop;
pub mod join_set;
mod local;
mod spawn;
mod task_local;
mod yield_now;

/// Futures returned by this module's functions and types.
pub mod futures {
    pub use super::task_local::TaskLocalFuture;
}

pub use crate::runtime::task::{AbortHandle, Id, JoinError, JoinHandle};
pub use blocking::{block_in_place, spawn_blocking};
pub use builder::Builder;
#[doc(inline)]
pub use coop::{consume_budget, unconstrained, Unconstrained};
pub use join_set::JoinSet;
pub use local::{spawn_local, LocalEnterGuard, LocalSet};
pub use spawn::spawn;
pub use task_local::{AccessError, LocalKey};
pub use yield_now::yield_now;

use crate::runtime::context;
use crate::util::error;

/// The id of the task being polled.
///
/// Also valid inside the destructors of a task's future and output.
///
/// # Panics
/// Panics outside a task (for example directly in `block_on`); see [`try_id`].
#[track_caller]
pub fn id() -> Id {
    match context::current_task_id() {
        Some(id) => id,
        None => panic!("{}", error::NO_TASK_ID),
    }
}

/// The id of the task being polled, or `None` outside a task.
pub fn try_id() -> Option<Id> {
    context::current_task_id()
}
