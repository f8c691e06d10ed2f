//! The task waker: one static `RawWakerVTable` for every task.
//!
//! The waker's data pointer is the task's `Header`. A cloned waker holds one task reference;
//! the waker passed to the future's `poll` (`waker_ref`) borrows the poll's reference instead, so
//! polling costs no reference-count traffic.

use super::core::Header;
use super::raw::RawTask;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(clone_waker, wake_by_val, wake_by_ref, drop_waker);

/// The vtable of every task waker; lets the runtime recognise a task's own waker.
pub(crate) fn waker_vtable() -> &'static RawWakerVTable {
    &WAKER_VTABLE
}

/// A waker that borrows a reference held by someone else; never dropped as a `Waker`.
pub(super) struct WakerRef {
    waker: ManuallyDrop<Waker>,
}

/// The waker for one poll of the task at `header`; the caller holds a reference for as long as
/// the `WakerRef` lives.
pub(super) fn waker_ref(header: NonNull<Header>) -> WakerRef {
    let raw = RawWaker::new(header.as_ptr().cast_const().cast(), &WAKER_VTABLE);
    // SAFETY: the vtable's functions uphold the `RawWaker` contract for task headers, and the
    // `ManuallyDrop` keeps this borrowed waker from dropping a reference it does not own.
    let waker = unsafe { Waker::from_raw(raw) };
    WakerRef {
        waker: ManuallyDrop::new(waker),
    }
}

impl Deref for WakerRef {
    type Target = Waker;

    fn deref(&self) -> &Waker {
        &self.waker
    }
}

/// # Safety
/// `ptr` is a task header kept alive by the waker being cloned.
unsafe fn clone_waker(ptr: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned keeps the task alive.
    let task = unsafe { raw(ptr) };
    task.ref_inc();
    RawWaker::new(ptr, &WAKER_VTABLE)
}

/// # Safety
/// `ptr` is a task header; the waker owns one reference, which this consumes.
unsafe fn wake_by_val(ptr: *const ()) {
    // SAFETY: the consumed waker's reference keeps the task alive until the call gives it up.
    unsafe { raw(ptr).wake_by_val() };
}

/// # Safety
/// `ptr` is a task header kept alive by the waker.
unsafe fn wake_by_ref(ptr: *const ()) {
    // SAFETY: the waker keeps the task alive.
    unsafe { raw(ptr) }.wake_by_ref();
}

/// # Safety
/// `ptr` is a task header; the waker owns one reference, which this drops.
unsafe fn drop_waker(ptr: *const ()) {
    // SAFETY: the waker's reference keeps the task alive until dropped here.
    unsafe { raw(ptr).drop_reference() };
}

/// # Safety
/// `ptr` is a non-null task header pointer.
unsafe fn raw(ptr: *const ()) -> RawTask {
    // SAFETY: wakers are only built from task header pointers, which are never null.
    unsafe { RawTask::from_raw(NonNull::new_unchecked(ptr.cast_mut().cast::<Header>())) }
}
