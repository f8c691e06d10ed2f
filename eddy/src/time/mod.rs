//! Time: sleeping, timeouts, intervals, and a clock that tests can pause.
//!
//! Every timer belongs to the runtime it was created in, and that runtime needs its time driver:
//! build it with [`enable_time`] or [`enable_all`]. Timers have a resolution of one millisecond
//! and never complete early: a deadline between two milliseconds waits for the later one.
//!
//! ```
//! use eddy::time::{sleep, timeout, Duration};
//!
//! # let rt = eddy::runtime::Builder::new_current_thread().enable_time().build().unwrap();
//! # rt.block_on(async {
//! sleep(Duration::from_millis(5)).await;
//! let late = timeout(Duration::from_millis(5), std::future::pending::<()>()).await;
//! assert!(late.is_err());
//! # });
//! ```
//!
//! [`enable_time`]: crate::runtime::Builder::enable_time
//! [`enable_all`]: crate::runtime::Builder::enable_all

mod clock;
pub mod error;
mod instant;
mod interval;
mod sleep;
mod timeout;

pub use clock::{advance, pause, resume};
pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{sleep, sleep_until, Sleep};
pub use std::time::Duration;
pub use timeout::{timeout, timeout_at, Timeout};
