//! `CachePadded`: a value alone on its cache line(s).

/// Aligns (and so pads) its value to a cache line, two on x86_64, where the adjacent line is
/// prefetched too; so threads working on neighbouring values (the shards of a sharded list or
/// queue) do not contend on one line.
#[cfg_attr(target_arch = "x86_64", repr(align(128)))]
#[cfg_attr(not(target_arch = "x86_64"), repr(align(64)))]
pub(crate) struct CachePadded<T>(pub(crate) T);

impl<T> std::ops::Deref for CachePadded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
