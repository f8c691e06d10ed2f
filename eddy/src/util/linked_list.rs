//! An intrusive doubly linked list.
//!
//! Nodes carry their own [`Pointers`]; the list only links them, so pushing and removing never
//! allocate. The list owns one `L::Handle` per linked node: `push_front` takes a handle's
//! ownership and `pop_back`/`remove` give it back.
//!
//! Contract: a node is in at most one list at a time, and its `Pointers` are touched only by the
//! code that owns that list (in eddy: under the `OwnedTasks` shard lock). A node that is in no
//! list has both pointers `None` and is not the list's head; `remove` relies on that to refuse
//! nodes that were already taken out.

use crate::loom::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// How a list finds the links inside its nodes.
///
/// # Safety
/// `pointers` must return the `Pointers` embedded in the node `target`, and a handle must keep its
/// node alive while the list holds it.
pub(crate) unsafe trait Link {
    /// What owns a node (e.g. a task reference).
    type Handle;
    /// The node type.
    type Target;

    /// The node of a handle, without giving up ownership.
    fn as_raw(handle: &Self::Handle) -> NonNull<Self::Target>;

    /// Rebuilds the handle that `push_front` took ownership of.
    ///
    /// # Safety
    /// `ptr` came from `as_raw` of a handle whose ownership was passed to the list.
    unsafe fn from_raw(ptr: NonNull<Self::Target>) -> Self::Handle;

    /// The links inside `target`.
    ///
    /// # Safety
    /// `target` points to a live node.
    unsafe fn pointers(target: NonNull<Self::Target>) -> NonNull<Pointers<Self::Target>>;
}

/// The links embedded in a node.
pub(crate) struct Pointers<T> {
    inner: UnsafeCell<PointersInner<T>>,
}

struct PointersInner<T> {
    prev: Option<NonNull<T>>,
    next: Option<NonNull<T>>,
}

/// A list of nodes of type `T`, owning their `L::Handle`s.
pub(crate) struct LinkedList<L: Link> {
    head: Option<NonNull<L::Target>>,
    tail: Option<NonNull<L::Target>>,
    _marker: PhantomData<*const L>,
}

// SAFETY: the list owns handles; sending the list sends them, which is sound when they are Send.
unsafe impl<L: Link> Send for LinkedList<L> where L::Handle: Send {}

impl<T> Pointers<T> {
    pub(crate) fn new() -> Pointers<T> {
        Pointers {
            inner: UnsafeCell::new(PointersInner {
                prev: None,
                next: None,
            }),
        }
    }

    fn prev(&self) -> Option<NonNull<T>> {
        // SAFETY: only the owning list touches the links (module contract).
        self.inner.with(|ptr| unsafe { (*ptr).prev })
    }

    fn next(&self) -> Option<NonNull<T>> {
        // SAFETY: as in `prev`.
        self.inner.with(|ptr| unsafe { (*ptr).next })
    }

    fn set_prev(&self, prev: Option<NonNull<T>>) {
        // SAFETY: as in `prev`.
        self.inner.with_mut(|ptr| unsafe { (*ptr).prev = prev });
    }

    fn set_next(&self, next: Option<NonNull<T>>) {
        // SAFETY: as in `prev`.
        self.inner.with_mut(|ptr| unsafe { (*ptr).next = next });
    }
}

impl<L: Link> LinkedList<L> {
    pub(crate) const fn new() -> LinkedList<L> {
        LinkedList {
            head: None,
            tail: None,
            _marker: PhantomData,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// Links `handle`'s node at the front; the list now owns the handle.
    pub(crate) fn push_front(&mut self, handle: L::Handle) {
        let node = L::as_raw(&handle);
        std::mem::forget(handle);
        // SAFETY: the handle keeps the node alive while it is linked (trait contract), and the
        // node is in no other list, so its links are ours to write.
        unsafe {
            let links = L::pointers(node).as_ref();
            assert_ne!(self.head, Some(node), "node pushed into a list twice");
            links.set_next(self.head);
            links.set_prev(None);
            if let Some(head) = self.head {
                L::pointers(head).as_ref().set_prev(Some(node));
            }
        }
        self.head = Some(node);
        if self.tail.is_none() {
            self.tail = Some(node);
        }
    }

    /// Moves every node of `front` to the front of this list, in one step and without touching
    /// any node but the two at the seam: `front`'s nodes come out of `pop_back` after this
    /// list's.
    pub(crate) fn splice_front(&mut self, front: LinkedList<L>) {
        let (Some(front_head), Some(front_tail)) = (front.head, front.tail) else {
            return;
        };
        match self.head {
            // SAFETY: both nodes are linked in lists we own, so their links are ours to write.
            Some(head) => unsafe {
                L::pointers(front_tail).as_ref().set_next(Some(head));
                L::pointers(head).as_ref().set_prev(Some(front_tail));
            },
            None => self.tail = Some(front_tail),
        }
        // `front`'s handles now belong to this list (a list has no destructor of its own).
        self.head = Some(front_head);
    }

    /// Unlinks the last node and returns its handle.
    pub(crate) fn pop_back(&mut self) -> Option<L::Handle> {
        let node = self.tail?;
        // SAFETY: `node` is linked here, so it is alive and its links are ours.
        unsafe {
            let links = L::pointers(node).as_ref();
            self.tail = links.prev();
            match self.tail {
                Some(prev) => L::pointers(prev).as_ref().set_next(None),
                None => self.head = None,
            }
            links.set_prev(None);
            links.set_next(None);
            Some(L::from_raw(node))
        }
    }

    /// Unlinks `node` and returns its handle, or `None` if it is not linked (any more).
    ///
    /// # Safety
    /// `node` is alive and is either in this list or in no list.
    pub(crate) unsafe fn remove(&mut self, node: NonNull<L::Target>) -> Option<L::Handle> {
        // SAFETY: the node is alive (caller) and, if linked, linked here, so the links are ours.
        unsafe {
            let links = L::pointers(node).as_ref();
            match links.prev() {
                Some(prev) => L::pointers(prev).as_ref().set_next(links.next()),
                None => {
                    if self.head != Some(node) {
                        return None;
                    }
                    self.head = links.next();
                }
            }
            match links.next() {
                Some(next) => L::pointers(next).as_ref().set_prev(links.prev()),
                None => self.tail = links.prev(),
            }
            links.set_prev(None);
            links.set_next(None);
            Some(L::from_raw(node))
        }
    }
}

impl<L: Link> fmt::Debug for LinkedList<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkedList")
            .field("head", &self.head)
            .field("tail", &self.tail)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    struct Node {
        links: Pointers<Node>,
        value: i32,
    }

    struct NodeLink;

    // SAFETY: `pointers` returns the node's own field; handles are raw pointers to nodes that the
    // test owns and keeps alive, unmoved, until after the list is gone.
    unsafe impl Link for NodeLink {
        type Handle = NonNull<Node>;
        type Target = Node;

        fn as_raw(handle: &NonNull<Node>) -> NonNull<Node> {
            *handle
        }

        unsafe fn from_raw(ptr: NonNull<Node>) -> NonNull<Node> {
            ptr
        }

        unsafe fn pointers(target: NonNull<Node>) -> NonNull<Pointers<Node>> {
            // SAFETY: `target` is alive (caller); we take the address of one of its fields.
            unsafe { NonNull::from(&(*target.as_ptr()).links) }
        }
    }

    /// The nodes of a test; the vector is complete before any node is linked, so no node
    /// moves while in a list.
    fn nodes(count: i32) -> Vec<Node> {
        (0..count)
            .map(|value| Node {
                links: Pointers::new(),
                value,
            })
            .collect()
    }

    fn value(node: NonNull<Node>) -> i32 {
        // SAFETY: every node outlives the list in these tests.
        unsafe { node.as_ref().value }
    }

    #[test]
    fn push_pop_is_fifo_from_the_back() {
        let nodes = nodes(4);
        let mut list = LinkedList::<NodeLink>::new();
        for node in &nodes {
            list.push_front(NonNull::from(node));
        }
        let popped: Vec<i32> = std::iter::from_fn(|| list.pop_back().map(value)).collect();
        assert_eq!(popped, [0, 1, 2, 3]);
        assert!(list.is_empty());
    }

    #[test]
    fn remove_middle_head_tail_and_twice() {
        let nodes = nodes(4);
        let mut list = LinkedList::<NodeLink>::new();
        for node in &nodes {
            list.push_front(NonNull::from(node));
        }
        let raw = |i: usize| NonNull::from(&nodes[i]);
        // SAFETY: every node is alive and in this list or in none.
        unsafe {
            assert_eq!(list.remove(raw(1)).map(value), Some(1));
            assert!(list.remove(raw(1)).is_none(), "removed twice");
            assert_eq!(list.remove(raw(3)).map(value), Some(3)); // head
            assert_eq!(list.remove(raw(0)).map(value), Some(0)); // tail
            assert_eq!(list.pop_back().map(value), Some(2));
            assert!(list.remove(raw(2)).is_none());
        }
        assert!(list.is_empty());
    }

    #[test]
    fn splice_front_keeps_fifo_order_and_links_both_ways() {
        let nodes = nodes(6);
        let raw = |i: usize| NonNull::from(&nodes[i]);
        let mut list = LinkedList::<NodeLink>::new();
        list.splice_front(LinkedList::new()); // an empty splice changes nothing
        assert!(list.is_empty());
        let mut front = LinkedList::<NodeLink>::new();
        for i in 0..2 {
            list.push_front(raw(i));
        }
        for i in 2..5 {
            front.push_front(raw(i));
        }
        list.splice_front(front);
        // Into an empty list, too.
        let mut single = LinkedList::<NodeLink>::new();
        let mut last = LinkedList::<NodeLink>::new();
        last.push_front(raw(5));
        single.splice_front(last);
        assert_eq!(single.pop_back().map(value), Some(5));
        // SAFETY: every node is alive and in this list or in none.
        unsafe {
            // The seam is linked in both directions: remove the nodes on either side of it.
            assert_eq!(list.remove(raw(1)).map(value), Some(1));
            assert_eq!(list.remove(raw(2)).map(value), Some(2));
        }
        let popped: Vec<i32> = std::iter::from_fn(|| list.pop_back().map(value)).collect();
        assert_eq!(popped, [0, 3, 4]);
    }
}
