//! `RngSeed`: makes the runtime's random choices repeatable.

use std::fmt;

/// A seed for the runtime's random choices: which worker a thief tries first, and, once the
/// `select!` macro exists, which branch it polls first. Two runtimes built with the same seed
/// (and the same settings) make the same choices, which helps reproduce a schedule.
///
/// ```
/// use eddy::runtime::{Builder, RngSeed};
///
/// let rt = Builder::new_multi_thread()
///     .worker_threads(2)
///     .rng_seed(RngSeed::from_bytes(b"reproduce bug 1234"))
///     .build()
///     .unwrap();
/// # drop(rt);
/// ```
#[derive(Clone)]
pub struct RngSeed {
    value: u64,
}

impl RngSeed {
    /// A seed from std's per-process randomness (what a runtime uses when given none).
    #[allow(clippy::new_without_default)]
    pub fn new() -> RngSeed {
        use std::hash::BuildHasher;
        RngSeed {
            value: std::collections::hash_map::RandomState::new().hash_one(0u8),
        }
    }

    /// A seed derived from `bytes` (FNV-1a): the same bytes give the same seed on every run and
    /// every platform.
    pub fn from_bytes(bytes: &[u8]) -> RngSeed {
        const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
        const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
        let value = bytes.iter().fold(FNV_OFFSET, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
        });
        RngSeed { value }
    }

    /// The seed of stream number `index` (one per worker), never zero.
    pub(crate) fn derive(&self, index: u64) -> u64 {
        // splitmix64 of the seed and the index: streams of nearby indexes look unrelated.
        let mut z = self
            .value
            .wrapping_add(index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) | 1
    }
}

impl fmt::Debug for RngSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RngSeed").finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_give_the_same_streams() {
        let (a, b) = (RngSeed::from_bytes(b"seed"), RngSeed::from_bytes(b"seed"));
        assert_eq!(a.derive(3), b.derive(3));
        assert_ne!(a.derive(3), a.derive(4));
        assert_ne!(a.derive(0), RngSeed::from_bytes(b"other").derive(0));
    }
}
