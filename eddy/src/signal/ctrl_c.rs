//! `ctrl_c`: waits for SIGINT.

use crate::signal::unix::{signal, SignalKind};
use std::io;

/// Completes when the process receives SIGINT (Ctrl-C in a terminal).
///
/// The listener is made when the future is first polled; a SIGINT before that is not seen, and
/// until then SIGINT keeps its default action (terminating the process) unless another listener
/// exists. Once made, the handler stays: SIGINT never terminates the process again (see the
/// [module docs](crate::signal)).
///
/// ```no_run
/// # let rt = eddy::runtime::Builder::new_current_thread().enable_io().build().unwrap();
/// # rt.block_on(async {
/// eddy::signal::ctrl_c().await.expect("SIGINT handler installed");
/// println!("interrupted: shutting down");
/// # });
/// ```
///
/// # Errors
/// As [`signal`]: the handler could not be installed, or the runtime shut down.
///
/// # Panics
/// Polling it panics outside a runtime, and on a runtime built without
/// [`enable_io`](crate::runtime::Builder::enable_io).
pub async fn ctrl_c() -> io::Result<()> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    interrupt.recv().await;
    Ok(())
}
