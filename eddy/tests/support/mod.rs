//! Helpers shared by the integration tests: panic messages and locations, a drop recorder, and
//! for the `net_*` tests a macro that runs a test on every flavour, a guard against hangs,
//! unique socket paths and a hash for bulk transfers. Each test binary compiles this module and
//! uses its own subset of it, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::thread::{self, ThreadId};
use std::time::Duration;

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

/// Generous bound on a whole test body: a broken runtime fails instead of hanging CI. Never a
/// measure of speed.
pub(crate) const HANG_GUARD: Duration = Duration::from_secs(60);

/// Runs `future` on `rt`, failing the test if it does not finish within [`HANG_GUARD`].
pub(crate) fn run<F: Future>(rt: &eddy::runtime::Runtime, future: F) -> F::Output {
    rt.block_on(async {
        eddy::time::timeout(HANG_GUARD, future)
            .await
            .expect("the test made no progress within the hang guard")
    })
}

/// Expands the tests once per runtime flavour (each gets an `rt()` with IO and time enabled).
#[macro_export]
macro_rules! net_test {
    (@flavour $name:ident, $builder:expr; $($t:tt)*) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[allow(dead_code)]
            fn rt() -> eddy::runtime::Runtime {
                use eddy::runtime::Builder;
                $builder.enable_all().build().expect("runtime builds")
            }

            $($t)*
        }
    };
    ($($t:tt)*) => {
        $crate::net_test!(@flavour current_thread, Builder::new_current_thread(); $($t)*);
        $crate::net_test!(
            @flavour multi_thread_1, Builder::new_multi_thread().worker_threads(1); $($t)*
        );
        $crate::net_test!(
            @flavour multi_thread_4, Builder::new_multi_thread().worker_threads(4); $($t)*
        );
    };
}

/// A socket path unique to this process and call, removed (if it exists) when dropped.
pub(crate) struct TempPath(PathBuf);

impl TempPath {
    pub(crate) fn new(tag: &str) -> TempPath {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("eddy-{}-{tag}-{n}.sock", std::process::id());
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path);
        TempPath(path)
    }
}

impl AsRef<Path> for TempPath {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl std::ops::Deref for TempPath {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// FNV-1a, 64 bits: enough to tell a corrupted or reordered transfer from a correct one.
#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub(crate) fn finish(self) -> u64 {
        self.0
    }
}

/// Fills `buf` with bytes from a xorshift generator: data with no period a chunking bug could
/// hide behind.
pub(crate) fn fill_pseudo_random(state: &mut u64, buf: &mut [u8]) {
    for chunk in buf.chunks_mut(8) {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let bytes = state.to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
}

/// A port nobody listens on (it was free a moment ago): for connection-refused tests.
pub(crate) fn closed_port() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}
