//! Small building blocks shared by the runtime.

pub(crate) mod cache_padded;
pub(crate) mod error;
pub(crate) mod idle_notified_set;
pub(crate) mod linked_list;
pub(crate) mod panic;
pub(crate) mod wake_list;
