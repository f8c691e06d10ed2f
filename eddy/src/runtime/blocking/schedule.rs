//! The `Schedule` of blocking tasks: they are never owned by a list and never woken.

use crate::loom::StdArc as Arc;
use crate::runtime::hooks::TaskHooks;
use crate::runtime::task::{Notified, Schedule, Task};

pub(super) struct BlockingSchedule {
    /// The runtime's spawn and terminate hooks (no poll hooks: `runtime/hooks.rs`).
    hooks: Option<Arc<TaskHooks>>,
}

impl BlockingSchedule {
    pub(super) fn new(hooks: Option<Arc<TaskHooks>>) -> BlockingSchedule {
        BlockingSchedule { hooks }
    }
}

impl Schedule for BlockingSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }

    fn schedule(_task: Notified<Self>) {
        // A blocking task finishes in its first poll, so it never registers a waker; an abort
        // only reaches it while it is queued or running, which never submits it again.
        unreachable!("a blocking task was scheduled; this is a bug in eddy");
    }

    fn hooks(&self) -> Option<&TaskHooks> {
        self.hooks.as_deref()
    }
}
