//! Models of the task state machine: a poll on the owning thread racing a wake, an abort, or a
//! JoinHandle drop from another thread, and a runtime shutdown.

use super::mock::{poll_once, poll_with, spawn, wait, CountingWaker, Gate, Mock};
use crate::loom::{thread, Arc};
use std::task::Poll;

/// Checks, once every handle is gone, that the future and output were dropped and the task freed
/// (the task's scheduler handle is only dropped when the cell is freed).
fn assert_all_freed(mock: &Arc<Mock>, alive: &Arc<()>) {
    assert_eq!(Arc::strong_count(alive), 1, "future or output leaked");
    assert_eq!(Arc::strong_count(mock), 1, "task cell leaked");
}

#[test]
fn loom_wake_from_other_thread_vs_poll() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let alive = Arc::new(());
        let mut join = spawn(&mock, wait(&gate, alive.clone()));

        let opener = {
            let gate = gate.clone();
            thread::spawn(move || gate.open())
        };
        mock.run_all();
        opener.join().unwrap();
        mock.run_all();

        match poll_once(&mut join) {
            Poll::Ready(Ok(output)) => drop(output),
            other => panic!("task did not complete: {:?}", other.map(|r| r.is_ok())),
        }
        drop(join);
        mock.shutdown();
        drop(gate); // a gate that never opened still holds the task's waker
        assert_all_freed(&mock, &alive);
    });
}

#[test]
fn loom_abort_from_other_thread_vs_poll() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let alive = Arc::new(());
        let mut join = spawn(&mock, wait(&gate, alive.clone()));
        let abort = join.abort_handle();

        let aborter = thread::spawn(move || abort.abort());
        mock.run_all();
        aborter.join().unwrap();
        mock.run_all();

        // The gate never opens, so the only way to finish is the abort.
        match poll_once(&mut join) {
            Poll::Ready(Err(err)) => assert!(err.is_cancelled()),
            other => panic!("abort lost: {:?}", other.map(|r| r.is_ok())),
        }
        drop(join);
        mock.shutdown();
        drop(gate); // a gate that never opened still holds the task's waker
        assert_all_freed(&mock, &alive);
    });
}

#[test]
fn loom_join_handle_drop_vs_complete() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let alive = Arc::new(());
        let join = spawn(&mock, wait(&gate, alive.clone()));
        mock.run_all();

        // The task completes on this thread while another drops its JoinHandle; whichever side
        // comes last must drop the output.
        let dropper = thread::spawn(move || drop(join));
        gate.open();
        mock.run_all();
        dropper.join().unwrap();

        mock.shutdown();
        drop(gate); // a gate that never opened still holds the task's waker
        assert_all_freed(&mock, &alive);
    });
}

#[test]
fn loom_wake_and_abort_vs_poll_and_join_drop() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let alive = Arc::new(());
        let join = spawn(&mock, wait(&gate, alive.clone()));
        let abort = join.abort_handle();

        let waker_thread = {
            let gate = gate.clone();
            thread::spawn(move || gate.open())
        };
        let abort_thread = thread::spawn(move || {
            abort.abort();
            drop(join);
        });
        mock.run_all();
        waker_thread.join().unwrap();
        abort_thread.join().unwrap();
        mock.run_all();

        mock.shutdown();
        drop(gate); // a gate that never opened still holds the task's waker
        assert_all_freed(&mock, &alive);
    });
}

#[test]
fn loom_shutdown_vs_remote_wake() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let alive = Arc::new(());
        let mut join = spawn(&mock, wait(&gate, alive.clone()));
        mock.run_all();

        let opener = {
            let gate = gate.clone();
            thread::spawn(move || gate.open())
        };
        // The runtime shuts down while the task is woken from elsewhere.
        mock.shutdown();
        opener.join().unwrap();
        mock.run_all();

        // Either it completed before the shutdown or it was cancelled by it.
        match poll_once(&mut join) {
            Poll::Ready(result) => drop(result),
            Poll::Pending => panic!("a shut down task must be complete"),
        }
        drop(join);
        drop(gate); // a gate that never opened still holds the task's waker
        assert_all_freed(&mock, &alive);
    });
}

#[test]
fn loom_join_waker_replaced_vs_complete() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let alive = Arc::new(());
        let mut join = spawn(&mock, wait(&gate, alive.clone()));
        mock.run_all();

        // The JoinHandle registers one waker, then swaps in another while the task completes
        // on the owning thread. Whichever waker is registered at completion must be woken, or
        // the next poll must see the output.
        let (first, second) = (CountingWaker::new(), CountingWaker::new());
        assert!(poll_with(&mut join, &first).is_pending());
        let poller = {
            let second = second.clone();
            thread::spawn(move || {
                let early = poll_with(&mut join, &second);
                (join, early.is_ready())
            })
        };
        gate.open();
        mock.run_all();
        let (mut join, ready_early) = poller.join().unwrap();

        if !ready_early {
            // The swap finished before completion, so completion wakes the second waker only.
            assert_eq!(second.wakes(), 1, "completion missed the registered waker");
            assert_eq!(first.wakes(), 0, "completion woke a replaced waker");
            match poll_with(&mut join, &second) {
                Poll::Ready(Ok(output)) => drop(output),
                other => panic!("task did not complete: {:?}", other.map(|r| r.is_ok())),
            }
        }
        drop(join);
        mock.shutdown();
        drop(gate);
        assert_all_freed(&mock, &alive);
    });
}
