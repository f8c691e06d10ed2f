//! Helpers shared by the integration tests. Each test binary compiles this module and uses its
//! own subset of it, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::any::Any;
use std::sync::{Arc, Mutex};
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
