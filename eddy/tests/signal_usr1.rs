//! SIGUSR1 raised by the test reaches every listener, delivery after delivery. Its own binary,
//! and one `#[test]` running the cases in turn: a raise reaches every listener of the process,
//! so cases running in parallel would see each other's deliveries.

use std::pin::pin;
use std::time::Duration;

use eddy::runtime::Builder;
use eddy::signal::unix::{signal, SignalKind};
use futures::poll;

/// Generous bound for waits that would otherwise hang on a broken runtime.
const TIMEOUT: Duration = Duration::from_secs(30);

fn raise_usr1() {
    // SAFETY: raising a signal whose handler this process installed (a listener exists).
    let rc = unsafe { libc::raise(libc::SIGUSR1) };
    assert_eq!(rc, 0);
}

#[test]
fn sigusr1_reaches_its_listeners() {
    every_listener_sees_every_delivery();
    a_listener_sees_only_deliveries_after_it_was_made();
    a_waiting_task_is_woken();
}

fn every_listener_sees_every_delivery() {
    for rt in [
        Builder::new_current_thread().enable_all().build().unwrap(),
        Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    ] {
        rt.block_on(async {
            let mut first = signal(SignalKind::user_defined1()).unwrap();
            let mut second = signal(SignalKind::user_defined1()).unwrap();
            for _ in 0..3 {
                raise_usr1();
                for listener in [&mut first, &mut second] {
                    let got = eddy::time::timeout(TIMEOUT, listener.recv()).await;
                    assert_eq!(got, Ok(Some(())), "the delivery reached the listener");
                }
            }
            // Each delivery was reported once: nothing is left to report.
            assert!(poll!(pin!(first.recv())).is_pending());
            assert!(poll!(pin!(second.recv())).is_pending());

            // Dropping a listener leaves the others (and the handler) in place.
            drop(first);
            raise_usr1();
            let got = eddy::time::timeout(TIMEOUT, second.recv()).await;
            assert_eq!(got, Ok(Some(())));
        });
    }
}

fn a_listener_sees_only_deliveries_after_it_was_made() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut early = signal(SignalKind::user_defined1()).unwrap();
        raise_usr1();
        let got = eddy::time::timeout(TIMEOUT, early.recv()).await;
        assert_eq!(got, Ok(Some(())));
        let mut late = signal(SignalKind::user_defined1()).unwrap();
        assert!(poll!(pin!(late.recv())).is_pending());
        raise_usr1();
        let got = eddy::time::timeout(TIMEOUT, late.recv()).await;
        assert_eq!(got, Ok(Some(())));
    });
}

/// A listener polled by a task (waker path), woken from the driver's broadcast.
fn a_waiting_task_is_woken() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut listener = signal(SignalKind::user_defined1()).unwrap();
        let (waiting_tx, waiting_rx) = tokio::sync::oneshot::channel();
        let task = eddy::spawn(async move {
            let mut recv = pin!(listener.recv());
            assert!(poll!(&mut recv).is_pending());
            waiting_tx.send(()).unwrap();
            recv.await
        });
        waiting_rx.await.unwrap();
        raise_usr1();
        let got = eddy::time::timeout(TIMEOUT, task).await;
        assert_eq!(got.unwrap().unwrap(), Some(()));
    });
}
