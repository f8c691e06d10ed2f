//! Helpers shared by the integration tests. Each test binary compiles this module and uses its
//! own subset of it, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::any::Any;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, Once};
use std::thread::{self, ThreadId};

/// The message of a panic payload (`panic!` with a literal or with format arguments); empty for
/// any other payload.
pub(crate) fn message_of(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast::<&'static str>()
            .map(|message| message.to_string())
            .unwrap_or_default(),
    }
}

/// Records the thread its owner was dropped on.
pub(crate) struct DropRecorder(pub(crate) Arc<Mutex<Option<ThreadId>>>);

impl Drop for DropRecorder {
    fn drop(&mut self) {
        *self.0.lock().unwrap() = Some(thread::current().id());
    }
}

thread_local! {
    /// While `Some`, a panic on this thread records its file here instead of being reported.
    /// Thread-local because tests run on parallel threads and the panic hook is global.
    static PANIC_FILE: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Runs `f`; if it panics, returns the panic's message and the file its location points at
/// (to check `#[track_caller]`), without printing the panic.
pub(crate) fn catch_panic<R>(f: impl FnOnce() -> R) -> Option<(String, Option<String>)> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let recorded = PANIC_FILE.with(|slot| {
                let mut slot = slot.borrow_mut();
                let recording = slot.is_some();
                if recording {
                    *slot = Some(info.location().map(|l| l.file().to_string()));
                }
                recording
            });
            if !recorded {
                default(info);
            }
        }));
    });
    PANIC_FILE.with(|slot| *slot.borrow_mut() = Some(None));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    let file = PANIC_FILE.with(|slot| slot.borrow_mut().take()).flatten();
    result.err().map(|payload| (message_of(payload), file))
}
