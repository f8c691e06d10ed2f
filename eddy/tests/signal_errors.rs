//! What `signal::unix::signal` refuses, and where it panics. Raises no signal.

use eddy::runtime::Builder;
use eddy::signal::unix::{signal, SignalKind};

fn refusal(signum: libc::c_int) -> String {
    let rt = Builder::new_current_thread().enable_io().build().unwrap();
    let _guard = rt.enter();
    signal(SignalKind::from_raw(signum))
        .unwrap_err()
        .to_string()
}

#[test]
fn forbidden_and_non_positive_signals_are_refused() {
    for signum in [
        libc::SIGKILL,
        libc::SIGSTOP,
        libc::SIGILL,
        libc::SIGFPE,
        libc::SIGSEGV,
        0,
        -1,
    ] {
        assert_eq!(
            refusal(signum),
            format!("Refusing to register signal {signum}")
        );
    }
}

#[test]
fn numbers_above_the_highest_signal_are_too_large() {
    let message = refusal(1000);
    assert!(message.starts_with("signal too large"), "{message}");
}

#[test]
fn a_runtime_that_shut_down_has_no_signal_driver() {
    let rt = Builder::new_current_thread().enable_io().build().unwrap();
    let handle = rt.handle().clone();
    drop(rt);
    let _guard = handle.enter();
    let err = signal(SignalKind::user_defined1()).unwrap_err();
    assert!(err.to_string().starts_with("signal driver gone"), "{err}");
}

#[test]
fn signals_need_a_runtime_with_io() {
    let panic = std::panic::catch_unwind(|| signal(SignalKind::hangup())).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("there is no reactor running"), "{message}");

    let rt = Builder::new_current_thread().enable_time().build().unwrap();
    let panic = std::panic::catch_unwind(|| rt.block_on(async { signal(SignalKind::hangup()) }))
        .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("IO is disabled"), "{message}");
    let panic = std::panic::catch_unwind(|| rt.block_on(eddy::signal::ctrl_c())).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("IO is disabled"), "{message}");
}

#[test]
fn signal_kinds_name_their_numbers() {
    let kinds = [
        (SignalKind::alarm(), libc::SIGALRM),
        (SignalKind::child(), libc::SIGCHLD),
        (SignalKind::hangup(), libc::SIGHUP),
        (SignalKind::interrupt(), libc::SIGINT),
        (SignalKind::io(), libc::SIGIO),
        (SignalKind::pipe(), libc::SIGPIPE),
        (SignalKind::quit(), libc::SIGQUIT),
        (SignalKind::terminate(), libc::SIGTERM),
        (SignalKind::user_defined1(), libc::SIGUSR1),
        (SignalKind::user_defined2(), libc::SIGUSR2),
        (SignalKind::window_change(), libc::SIGWINCH),
    ];
    for (kind, signum) in kinds {
        assert_eq!(kind.as_raw_value(), signum);
        assert_eq!(SignalKind::from_raw(signum), kind);
        assert_eq!(SignalKind::from(signum), kind);
        assert_eq!(libc::c_int::from(kind), signum);
    }
    const RAW: SignalKind = SignalKind::from_raw(libc::SIGTERM);
    assert_eq!(RAW.as_raw_value(), libc::SIGTERM);
}
