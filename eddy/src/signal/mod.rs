//! Asynchronous signal handling: [`ctrl_c`], and [`unix::signal`] for any Unix signal.
//!
//! The first listener of a signal installs a process-wide handler for it, which stays installed
//! until the process exits: from then on the signal's default action (for most signals,
//! terminating the process) no longer happens, even after every listener is gone. Listeners need
//! a runtime built with [`enable_io`](crate::runtime::Builder::enable_io): the runtime's IO
//! driver is what notices deliveries.
//!
//! Every listener of a signal sees every delivery that happens after it was created. Deliveries
//! that come faster than a listener looks coalesce into one: a listener counts "at least one since
//! I last looked", not how many.

mod ctrl_c;
pub mod unix;

pub use ctrl_c::ctrl_c;
