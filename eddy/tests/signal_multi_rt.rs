//! Signals across runtimes: one raise reaches a listener on each of two runtimes at once, and a
//! runtime whose only peer is gone still gets deliveries through its own driver. Its own binary:
//! raising a signal is process-wide.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use eddy::runtime::{Builder, Runtime};
use eddy::signal::unix::{signal, SignalKind};

/// Generous bound for waits that would otherwise hang on a broken runtime.
const TIMEOUT: Duration = Duration::from_secs(30);

fn raise_usr2() {
    // SAFETY: raising a signal whose handler this process installed (a listener exists).
    assert_eq!(unsafe { libc::raise(libc::SIGUSR2) }, 0);
}

fn runtime() -> Runtime {
    Builder::new_current_thread().enable_io().build().unwrap()
}

#[test]
fn one_raise_reaches_two_runtimes() {
    let (made_tx, made_rx) = mpsc::channel();
    let (got_tx, got_rx) = mpsc::channel();
    for name in ["first", "second"] {
        let made_tx = made_tx.clone();
        let got_tx = got_tx.clone();
        // Each runtime drives itself on its own thread: neither waits for the other to turn.
        thread::spawn(move || {
            let rt = runtime();
            rt.block_on(async {
                let mut listener = signal(SignalKind::user_defined2()).unwrap();
                made_tx.send(()).unwrap();
                got_tx.send((name, listener.recv().await)).unwrap();
            });
        });
    }
    for _ in 0..2 {
        made_rx.recv_timeout(TIMEOUT).expect("listener made");
    }
    raise_usr2();
    let mut names = Vec::new();
    for _ in 0..2 {
        let (name, got) = got_rx.recv_timeout(TIMEOUT).expect("the delivery arrived");
        assert_eq!(got, Some(()));
        names.push(name);
    }
    names.sort_unstable();
    assert_eq!(names, ["first", "second"]);

    // The first runtimes are gone (their drivers with them); a new one registers the pipe with
    // its own driver.
    let rt = runtime();
    rt.block_on(async {
        let mut listener = signal(SignalKind::user_defined2()).unwrap();
        raise_usr2();
        assert_eq!(listener.recv().await, Some(()));
    });
}
