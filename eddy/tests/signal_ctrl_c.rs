//! `ctrl_c` completes on SIGINT raised after its listener exists. Its own binary: the handler
//! stays installed, and SIGINT before it would end the test process.

use std::pin::pin;
use std::time::Duration;

use eddy::runtime::Builder;
use futures::poll;

#[test]
fn ctrl_c_completes_on_sigint() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut ctrl_c = pin!(eddy::signal::ctrl_c());
        // The first poll makes the listener (and installs the handler).
        assert!(poll!(&mut ctrl_c).is_pending());
        // SAFETY: SIGINT now has this process's handler.
        assert_eq!(unsafe { libc::raise(libc::SIGINT) }, 0);
        let done = eddy::time::timeout(Duration::from_secs(30), ctrl_c).await;
        done.expect("SIGINT arrived in time").unwrap();
    });
}
