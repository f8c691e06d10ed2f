//! Task ids: `task::id`/`try_id` inside tasks and their destructors, uniqueness, and `None` outside tasks.

use std::collections::HashSet;

use eddy::runtime::{Builder, Runtime};
use eddy::task;
use tokio::sync::{mpsc, oneshot};

fn rt() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// Reports `task::try_id()` from its destructor, checked against `task::id()` when it is `Some`.
struct IdOnDrop(mpsc::UnboundedSender<Option<task::Id>>);

impl Drop for IdOnDrop {
    fn drop(&mut self) {
        let id = task::try_id().filter(|&id| id == task::id());
        let _ = self.0.send(id);
    }
}

#[test]
fn id_inside_task_matches_join_handle() {
    let rt = rt();
    rt.block_on(async {
        let handle = eddy::spawn(async { (task::id(), task::try_id()) });
        let expected = handle.id();
        let (id, try_id) = handle.await.unwrap();
        assert_eq!(id, expected);
        assert_eq!(try_id, Some(expected));
    });
}

#[test]
fn id_inside_blocking_task_matches_join_handle() {
    let rt = rt();
    let handle = rt.spawn_blocking(task::try_id);
    let expected = handle.id();
    assert_eq!(rt.block_on(handle).unwrap(), Some(expected));
}

#[test]
fn try_id_is_none_in_block_on_and_outside() {
    assert_eq!(task::try_id(), None);
    let rt = rt();
    assert_eq!(rt.block_on(async { task::try_id() }), None);
    let _guard = rt.enter();
    assert_eq!(task::try_id(), None);
}

#[test]
fn ids_unique_across_runtimes() {
    let mut seen = HashSet::new();
    for _ in 0..2 {
        let rt = rt();
        rt.block_on(async {
            for _ in 0..50 {
                let handle = eddy::spawn(async { task::id() });
                let expected = handle.id();
                let id = handle.await.unwrap();
                assert_eq!(id, expected);
                assert!(seen.insert(id), "duplicate task id {id}");
            }
        });
    }
    assert_eq!(seen.len(), 100);
}

#[test]
fn id_inside_future_destructor_on_abort() {
    let rt = rt();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let probe = IdOnDrop(tx);
    let expected = rt.block_on(async move {
        let handle = eddy::spawn(async move {
            let _probe = probe;
            futures::future::pending::<()>().await;
        });
        task::yield_now().await;
        handle.abort();
        let id = handle.id();
        assert!(handle.await.unwrap_err().is_cancelled());
        id
    });
    assert_eq!(rx.try_recv().unwrap(), Some(expected));
}

#[test]
fn id_inside_future_destructor_on_runtime_drop() {
    let rt = rt();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let probe = IdOnDrop(tx);
    let handle = rt.spawn(async move {
        let _probe = probe;
        futures::future::pending::<()>().await;
    });
    let expected = handle.id();
    drop(rt);
    assert_eq!(rx.try_recv().unwrap(), Some(expected));
}

#[test]
fn id_inside_output_destructor() {
    let rt = rt();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (expected, got) = rt.block_on(async move {
        let (go_tx, go_rx) = oneshot::channel::<()>();
        let handle = eddy::spawn(async move {
            go_rx.await.unwrap();
            IdOnDrop(tx)
        });
        let id = handle.id();
        // With the JoinHandle gone, the runtime drops the output itself.
        drop(handle);
        go_tx.send(()).unwrap();
        (id, rx.recv().await.unwrap())
    });
    assert_eq!(got, Some(expected));
}

#[test]
fn id_display_is_a_positive_integer() {
    let rt = rt();
    let id = rt.block_on(rt.spawn(async { task::id() })).unwrap();
    let n: u64 = id.to_string().parse().unwrap();
    assert!(n > 0);
    assert_eq!(format!("{id:?}"), format!("Id({id})"));
}
