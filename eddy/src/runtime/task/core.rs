//! The task's single allocation: `Cell<T, S>` = header | core | trailer.
//!
//! * [`Header`] is what every handle points at. It holds the type-erased fields every task has:
//!   the state word, the vtable, the intrusive link for the inject queue, the owner, the task id
//!   and where it was spawned. It fits in one cache line (asserted below), and the cell is
//!   aligned to a cache line so that two tasks never share one.
//! * [`Core`] holds the scheduler handle and the [`Stage`] (future, output, or nothing).
//! * [`Trailer`] holds the cold fields: the `OwnedTasks` links, the join waker and the name.
//!
//! Size matters beyond the header: cells come from size classes of 128 bytes (`alloc.rs`), and
//! a task with a small future (16 bytes: an `Arc` and a state byte) fills its class exactly.
//! One more word anywhere moves every such task into the 256-byte class, which is why the name
//! is one thin pointer and the local-half flag shares the owner id's word (test at the end).
//!
//! Who touches what (the full contract is in `task/mod.rs`):
//! * `Stage` — only the holder of the RUNNING bit, or, after COMPLETE, the JoinHandle (to take
//!   or drop the output) or the completer when there is no JoinHandle; and `dealloc`, when no
//!   reference is left.
//! * `waker` — the JoinHandle while JOIN_WAKER is unset and the task is not complete; the runtime
//!   while JOIN_WAKER is set and the task is complete.
//! * `queue_next` — whoever holds the `Notified` while it sits in an intrusive queue.
//! * `owned` links — the `OwnedTasks` shard lock, or its exclusive owner for the local half.
//! * `owner_id` (with its local-half bit), `id`, `spawned_at`, `name` — written once, before the
//!   task is shared; read-only afterwards.

use super::alloc;
use super::id::Id;
use super::raw::Vtable;
use super::state::State;
use super::JoinError;
use super::SpawnMeta;
use crate::loom::UnsafeCell;
use crate::util::linked_list;
use std::alloc::Layout;
use std::future::Future;
use std::panic::Location;
use std::ptr::NonNull;
use std::task::Waker;

/// The whole allocation. `repr(C)` fixes the order so a `NonNull<Header>` is a pointer to the cell.
/// It is aligned to a cache line (128 bytes on x86_64/aarch64 because of adjacent-line
/// prefetching, 64 elsewhere), so one task's hot header never shares a line with another's.
#[repr(C)]
#[cfg_attr(any(target_arch = "x86_64", target_arch = "aarch64"), repr(align(128)))]
#[cfg_attr(
    not(any(target_arch = "x86_64", target_arch = "aarch64")),
    repr(align(64))
)]
pub(super) struct Cell<T: Future, S> {
    pub(super) header: Header,
    pub(super) core: Core<T, S>,
    pub(super) trailer: Trailer,
}

/// The type-erased, hot part of every task.
#[repr(C)]
pub(crate) struct Header {
    pub(super) state: State,
    /// Link for intrusive queues (the inject queue). Valid only while a `Notified` for this task
    /// sits in such a queue.
    pub(super) queue_next: UnsafeCell<Option<NonNull<Header>>>,
    pub(super) vtable: &'static Vtable,
    /// Which `OwnedTasks` list this task is bound to (0 = none), and in its top bit
    /// (`BOUND_LOCALLY`) whether it sits in that list's unlocked local half. Written once, at
    /// bind, before the task is shared with other threads.
    pub(super) owner_id: UnsafeCell<u64>,
    pub(super) id: Id,
    /// The user's spawn call (`#[track_caller]` down the spawn path), for `TaskMeta`.
    pub(super) spawned_at: &'static Location<'static>,
}

// The header must stay within one cache line (DESIGN §7); 48 bytes on 64-bit targets.
const _: () = assert!(std::mem::size_of::<Header>() <= 64);

/// The `owner_id` bit of a task bound into the local half of its `OwnedTasks`. Owner ids count
/// up from 1 and never come near it.
const BOUND_LOCALLY: u64 = 1 << 63;

/// The future (or its result) and the scheduler that runs it.
pub(super) struct Core<T: Future, S> {
    pub(super) scheduler: S,
    pub(super) stage: UnsafeCell<Stage<T>>,
}

/// What the task holds now.
pub(super) enum Stage<T: Future> {
    Running(T),
    Finished(Result<T::Output, JoinError>),
    Consumed,
}

/// The cold part: list links, the join waker and the name.
pub(super) struct Trailer {
    pub(super) owned: linked_list::Pointers<Header>,
    pub(super) waker: UnsafeCell<Option<Waker>>,
    /// The name given at spawn (`task::Builder::name`); immutable. Boxed twice so that the
    /// field is one word: unnamed tasks, nearly all of them, pay 8 bytes rather than 16.
    pub(super) name: Option<Box<TaskName>>,
}

/// A task's name, behind a thin pointer (see `Trailer::name`).
pub(super) struct TaskName(Box<str>);

impl TaskName {
    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

// SAFETY: the header is shared between threads; every field is either atomic (`state`), immutable
// after the task is shared (`vtable`, `id`, `owner_id`, `spawned_at`), or accessed only by the one
// party the contract in `task/mod.rs` names for it (`queue_next`).
unsafe impl Send for Header {}
// SAFETY: as for `Send`.
unsafe impl Sync for Header {}

impl<T: Future, S> Cell<T, S> {
    /// Allocates a new task. The state starts as `INITIAL_STATE` (three references).
    pub(super) fn new(
        future: T,
        scheduler: S,
        id: Id,
        spawn: SpawnMeta<'_>,
        vtable: &'static Vtable,
    ) -> NonNull<Cell<T, S>> {
        // Allocated before the cell, so that an allocation failure here leaves nothing behind.
        let name = spawn.name.map(|name| Box::new(TaskName(name.into())));
        let cell = alloc::allocate(Layout::new::<Cell<T, S>>()).cast::<Cell<T, S>>();
        // SAFETY: the block is fresh, sized and aligned for a `Cell<T, S>`.
        unsafe {
            cell.as_ptr().write(Cell {
                header: Header {
                    state: State::new(),
                    queue_next: UnsafeCell::new(None),
                    vtable,
                    owner_id: UnsafeCell::new(0),
                    id,
                    spawned_at: spawn.spawned_at,
                },
                core: Core {
                    scheduler,
                    stage: UnsafeCell::new(Stage::Running(future)),
                },
                trailer: Trailer {
                    owned: linked_list::Pointers::new(),
                    waker: UnsafeCell::new(None),
                    name,
                },
            })
        };
        cell
    }

    /// Drops the cell's fields and frees its memory.
    ///
    /// # Safety
    /// `cell` came from `Cell::new`, and no reference to the task remains.
    pub(super) unsafe fn free(cell: NonNull<Cell<T, S>>) {
        // SAFETY: the cell is initialised and unshared (caller).
        unsafe { std::ptr::drop_in_place(cell.as_ptr()) };
        // SAFETY: allocated by `alloc::allocate` with this layout in `new`.
        unsafe { alloc::deallocate(cell.cast(), Layout::new::<Cell<T, S>>()) };
    }
}

impl<T: Future, S> Core<T, S> {
    /// Drops the future or the output in place, leaving `Consumed`.
    ///
    /// In place matters: the future is pinned, and a pinned value must be dropped where it
    /// lives (intrusive nodes inside it unlink themselves through their own address). If the
    /// destructor panics, the guard still leaves a valid `Consumed` stage behind.
    ///
    /// # Safety
    /// The caller has exclusive access to the stage (see the module docs).
    pub(super) unsafe fn drop_stage(&self) {
        struct MarkConsumed<T: Future>(*mut Stage<T>);
        impl<T: Future> Drop for MarkConsumed<T> {
            fn drop(&mut self) {
                // SAFETY: the old value was dropped (or unwound through its destructor, which
                // drops the remaining fields), so overwriting without dropping is right.
                unsafe { self.0.write(Stage::Consumed) };
            }
        }
        self.stage.with_mut(|ptr| {
            let _mark = MarkConsumed(ptr);
            // SAFETY: exclusive access is the caller's contract; the guard re-initialises the
            // place right after, also on unwind.
            unsafe { std::ptr::drop_in_place(ptr) };
        });
    }

    /// Stores the task's result.
    ///
    /// # Safety
    /// The caller has exclusive access to the stage, and it is `Consumed`.
    pub(super) unsafe fn store_output(&self, output: Result<T::Output, JoinError>) {
        // SAFETY: exclusive access is the caller's contract; `Consumed` needs no drop.
        self.stage
            .with_mut(|ptr| unsafe { ptr.write(Stage::Finished(output)) });
    }

    /// Takes the output out, leaving `Consumed`.
    ///
    /// # Safety
    /// The caller has exclusive access to the stage and the task is complete.
    pub(super) unsafe fn take_output(&self) -> Result<T::Output, JoinError> {
        // SAFETY: exclusive access is the caller's contract.
        self.stage.with_mut(
            |ptr| match std::mem::replace(unsafe { &mut *ptr }, Stage::Consumed) {
                Stage::Finished(output) => output,
                _ => panic!("{}", crate::util::error::JOIN_HANDLE_AFTER_COMPLETION),
            },
        )
    }
}

impl Header {
    /// The trailer of the cell this header heads.
    ///
    /// # Safety
    /// `me` points to a live task.
    pub(super) unsafe fn trailer(me: NonNull<Header>) -> NonNull<Trailer> {
        // SAFETY: the vtable's offset is the trailer's offset in this task's own `Cell` type, and
        // the cell is live, so the result is in bounds of the same allocation.
        unsafe {
            let offset = me.as_ref().vtable.trailer_offset;
            NonNull::new_unchecked(me.as_ptr().cast::<u8>().add(offset).cast::<Trailer>())
        }
    }

    /// The owner id, read by `OwnedTasks` under its lock or after binding.
    pub(super) fn owner_id(&self) -> u64 {
        self.owner_word() & !BOUND_LOCALLY
    }

    /// Whether the task sits in the local half of its `OwnedTasks`.
    pub(super) fn is_bound_locally(&self) -> bool {
        self.owner_word() & BOUND_LOCALLY != 0
    }

    fn owner_word(&self) -> u64 {
        // SAFETY: written once before the task is shared; reads never race with that write.
        self.owner_id.with(|ptr| unsafe { *ptr })
    }

    /// Records the list the task is bound to, and whether into its local half.
    ///
    /// # Safety
    /// Called once, before the task is visible to another thread.
    pub(super) unsafe fn set_owner(&self, owner: u64, locally: bool) {
        debug_assert_eq!(
            owner & BOUND_LOCALLY,
            0,
            "owner ids never reach the flag bit"
        );
        let word = if locally {
            owner | BOUND_LOCALLY
        } else {
            owner
        };
        // SAFETY: the caller guarantees no concurrent access.
        self.owner_id.with_mut(|ptr| unsafe { *ptr = word });
    }

    /// The task's name.
    ///
    /// # Safety
    /// `me` points to a live task, and the returned borrow does not outlive the caller's
    /// reference to it.
    pub(super) unsafe fn name<'a>(me: NonNull<Header>) -> Option<&'a str> {
        // SAFETY: the trailer is live (caller); `name` is immutable once the task exists.
        let trailer = unsafe { Header::trailer(me).as_ref() };
        trailer.name.as_deref().map(TaskName::as_str)
    }
}

impl Trailer {
    /// # Safety
    /// The caller owns the waker field (see the module docs).
    pub(super) unsafe fn set_waker(&self, waker: Option<Waker>) {
        // SAFETY: ownership of the field is the caller's contract.
        self.waker.with_mut(|ptr| unsafe { *ptr = waker });
    }

    /// # Safety
    /// The caller may read the waker field (see the module docs).
    pub(super) unsafe fn will_wake(&self, waker: &Waker) -> bool {
        // SAFETY: reading is allowed by the caller's contract.
        self.waker.with(|ptr| unsafe {
            (*ptr)
                .as_ref()
                .expect("join waker flag set without a waker")
                .will_wake(waker)
        })
    }

    /// # Safety
    /// The caller may read the waker field (see the module docs).
    pub(super) unsafe fn wake_join(&self) {
        // SAFETY: reading is allowed by the caller's contract.
        self.waker.with(|ptr| unsafe {
            if let Some(waker) = (*ptr).as_ref() {
                waker.wake_by_ref();
            }
        })
    }
}

#[cfg(all(test, not(loom), target_pointer_width = "64"))]
mod tests {
    use super::*;

    /// A scheduler handle of one word, as every real one is (an `Arc`).
    struct OneWord(#[allow(dead_code)] Box<u8>);

    #[test]
    fn a_small_task_fills_one_128_byte_class() {
        let counter = crate::loom::StdArc::new(crate::loom::AtomicUsize::new(0));
        let future = async move {
            counter.fetch_add(1, crate::loom::Ordering::Relaxed);
        };
        fn cell_size<F: Future>(_: &F) -> usize {
            std::mem::size_of::<Cell<F, OneWord>>()
        }
        assert_eq!(std::mem::size_of::<Header>(), 48);
        assert_eq!(cell_size(&future), 128);
    }
}
