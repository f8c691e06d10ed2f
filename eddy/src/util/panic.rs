//! Running user code that must not unwind into the runtime.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

/// Runs user code that must not unwind into the caller (a destructor, a waker, a hook): a panic
/// is caught (the panic hook has already reported it) and its payload dropped, also when
/// dropping the payload panics in turn.
pub(crate) fn quietly(f: impl FnOnce()) {
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(f)) {
        drop_payload(payload);
    }
}

/// Drops a panic payload whose own destructor may panic. The payload of that second panic is
/// dropped in turn, and so on; a chain longer than `PAYLOAD_DROP_ATTEMPTS` is leaked rather than
/// followed further, so a payload type whose every drop panics cannot hang the caller.
pub(crate) fn drop_payload(payload: Box<dyn Any + Send>) {
    const PAYLOAD_DROP_ATTEMPTS: usize = 8;
    let mut payload = payload;
    for _ in 0..PAYLOAD_DROP_ATTEMPTS {
        match panic::catch_unwind(AssertUnwindSafe(move || drop(payload))) {
            Ok(()) => return,
            Err(again) => payload = again,
        }
    }
    std::mem::forget(payload);
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    struct PanicOnDrop;

    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            if !std::thread::panicking() {
                panic!("payload destructor panicked");
            }
        }
    }

    #[test]
    fn a_payload_that_panics_on_drop_does_not_escape() {
        // Without `drop_payload`, dropping this payload would unwind out of `quietly`.
        quietly(|| std::panic::panic_any(PanicOnDrop));
    }
}
