//! Task cell allocation with a per-thread cache of freed cells.
//!
//! Spawning is dominated by the allocator when tasks come in bursts: thousands of cells are
//! allocated, then freed together, and glibc's per-thread cache holds only a handful per size,
//! so the rest goes through the slow path and the heap top is trimmed and re-faulted every
//! round (`benches/`, `spawn_many_local`, measured 2026-11-22: malloc, free and page faults
//! were about a third of the profile). Freed cells are therefore kept in a thread-local cache,
//! one free list per size class, and handed out again by the next spawn on that thread.
//!
//! * Size classes are multiples of [`CLASS_SIZE`] (the cell's alignment) up to
//!   [`MAX_CACHED_SIZE`]; larger or more strictly aligned cells go straight to the global
//!   allocator.
//! * Each class keeps at most [`CACHE_BYTES_PER_CLASS`] bytes; beyond that, frees go to the
//!   global allocator, so a thread never holds more than 8 MiB of idle cells (1 MiB in each
//!   of 8 classes), and in practice only what its largest burst of frees left behind.
//! * A cell freed on another thread joins that thread's cache: blocks are plain memory of the
//!   class layout and carry no thread affinity.
//! * When the thread-local is gone (thread exit) or under loom, the global allocator is used.

use std::alloc::{self, Layout};
use std::cell::RefCell;
use std::ptr::NonNull;

/// Granularity and alignment of a size class: the task cell's alignment.
const CLASS_SIZE: usize = 128;
/// The largest cell the cache keeps.
const MAX_CACHED_SIZE: usize = 1024;
const NUM_CLASSES: usize = MAX_CACHED_SIZE / CLASS_SIZE;
/// The most idle bytes one class may hold per thread.
const CACHE_BYTES_PER_CLASS: usize = 1 << 20;

struct FreeLists {
    classes: [Vec<NonNull<u8>>; NUM_CLASSES],
}

thread_local! {
    static FREE_LISTS: RefCell<FreeLists> = const {
        RefCell::new(FreeLists {
            classes: [const { Vec::new() }; NUM_CLASSES],
        })
    };
}

/// The class index and the layout actually allocated for `layout`, if it is cacheable.
fn class_of(layout: Layout) -> Option<(usize, Layout)> {
    if cfg!(loom) || layout.size() > MAX_CACHED_SIZE || layout.align() > CLASS_SIZE {
        return None;
    }
    let index = layout.size().max(1).div_ceil(CLASS_SIZE) - 1;
    let class_layout = Layout::from_size_align((index + 1) * CLASS_SIZE, CLASS_SIZE)
        .expect("size classes are valid layouts");
    Some((index, class_layout))
}

/// Allocates memory for a cell of `layout`.
pub(super) fn allocate(layout: Layout) -> NonNull<u8> {
    let (actual, cached) = match class_of(layout) {
        Some((index, class_layout)) => {
            let cached = FREE_LISTS
                .try_with(|lists| lists.borrow_mut().classes[index].pop())
                .ok()
                .flatten();
            (class_layout, cached)
        }
        None => (layout, None),
    };
    if let Some(block) = cached {
        return block;
    }
    // SAFETY: task cells are never zero-sized (the header alone is 40 bytes).
    let ptr = unsafe { alloc::alloc(actual) };
    NonNull::new(ptr).unwrap_or_else(|| alloc::handle_alloc_error(actual))
}

/// Frees memory from `allocate` with the same `layout`; the cell's contents are already dropped.
///
/// # Safety
/// `ptr` came from `allocate(layout)` and is not used afterwards.
pub(super) unsafe fn deallocate(ptr: NonNull<u8>, layout: Layout) {
    let actual = match class_of(layout) {
        Some((index, class_layout)) => {
            let kept = FREE_LISTS.try_with(|lists| {
                let mut lists = lists.borrow_mut();
                let list = &mut lists.classes[index];
                if list.len() * class_layout.size() < CACHE_BYTES_PER_CLASS {
                    list.push(ptr);
                    true
                } else {
                    false
                }
            });
            if kept == Ok(true) {
                return;
            }
            class_layout
        }
        None => layout,
    };
    // SAFETY: `ptr` was allocated by the global allocator with `actual` (see `allocate`).
    unsafe { alloc::dealloc(ptr.as_ptr(), actual) };
}

impl Drop for FreeLists {
    fn drop(&mut self) {
        for (index, list) in self.classes.iter_mut().enumerate() {
            let layout = Layout::from_size_align((index + 1) * CLASS_SIZE, CLASS_SIZE)
                .expect("size classes are valid layouts");
            for block in list.drain(..) {
                // SAFETY: every cached block was allocated with its class layout and is unused.
                unsafe { alloc::dealloc(block.as_ptr(), layout) };
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_reused_within_a_class() {
        let layout = Layout::from_size_align(100, 64).unwrap();
        let first = allocate(layout);
        // SAFETY: `first` came from `allocate(layout)` and is not used again.
        unsafe { deallocate(first, layout) };
        // A cell of another size in the same class gets the same block back.
        let same_class = Layout::from_size_align(128, 128).unwrap();
        let second = allocate(same_class);
        assert_eq!(first, second);
        // SAFETY: as above.
        unsafe { deallocate(second, same_class) };
    }

    #[test]
    fn large_or_overaligned_cells_bypass_the_cache() {
        assert!(class_of(Layout::from_size_align(MAX_CACHED_SIZE + 1, 8).unwrap()).is_none());
        assert!(class_of(Layout::from_size_align(64, 4096).unwrap()).is_none());
        let (index, layout) = class_of(Layout::from_size_align(129, 128).unwrap()).unwrap();
        assert_eq!((index, layout.size()), (1, 256));
    }
}
