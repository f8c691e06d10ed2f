//! Helpers shared by the `net_*` tests: one macro that runs a test on every flavour, a guard
//! against hangs, unique socket paths, and a hash for bulk transfers.

#![allow(dead_code)] // each test binary uses its own subset

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

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
