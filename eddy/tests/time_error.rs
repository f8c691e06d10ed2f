//! `time::error::Error`: its three kinds, their texts, and the traits Tokio's users rely on.

use eddy::time::error::Error;

#[test]
fn each_constructor_has_its_kind() {
    let shutdown = Error::shutdown();
    assert!(shutdown.is_shutdown());
    assert!(!shutdown.is_at_capacity());
    assert!(!shutdown.is_invalid());

    let at_capacity = Error::at_capacity();
    assert!(!at_capacity.is_shutdown());
    assert!(at_capacity.is_at_capacity());
    assert!(!at_capacity.is_invalid());

    let invalid = Error::invalid();
    assert!(!invalid.is_shutdown());
    assert!(!invalid.is_at_capacity());
    assert!(invalid.is_invalid());
}

#[test]
fn display_texts() {
    assert_eq!(
        Error::shutdown().to_string(),
        "the timer is shutdown, must be called from the context of an eddy runtime"
    );
    assert_eq!(
        Error::at_capacity().to_string(),
        "timer is at capacity and cannot create a new entry"
    );
    assert_eq!(
        Error::invalid().to_string(),
        "timer duration exceeds maximum duration"
    );
}

#[test]
fn copy_eq_debug_and_std_error() {
    let err = Error::at_capacity();
    let copy = err;
    assert_eq!(copy, err);
    assert_ne!(Error::shutdown(), Error::invalid());
    assert_eq!(format!("{:?}", Error::shutdown()), "Error(Shutdown)");
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err);
    assert!(boxed.source().is_none());
}
