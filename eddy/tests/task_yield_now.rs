//! `yield_now`: it reschedules its own task, and wakes any other waker it is polled with.

use futures::stream::{FuturesUnordered, StreamExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn rt() -> eddy::runtime::Runtime {
    eddy::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

#[test]
fn yield_inside_futures_unordered_completes() {
    // FuturesUnordered polls its futures with its own wakers: a yield must wake that waker, or
    // the yielded future is never polled again and the runtime hangs. Run it on a thread so a
    // hang fails the test instead of stalling the suite.
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = rt();
        let finished = rt.block_on(rt.spawn(async {
            let mut set: FuturesUnordered<_> = (0..8)
                .map(|i| async move {
                    for _ in 0..10 {
                        eddy::task::yield_now().await;
                    }
                    i
                })
                .collect();
            let mut finished = 0;
            while set.next().await.is_some() {
                finished += 1;
            }
            finished
        }));
        let _ = done_tx.send(finished.unwrap());
    });
    let finished = done_rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("a yield inside FuturesUnordered was never woken");
    assert_eq!(finished, 8);
}

#[test]
fn yield_inside_select_completes() {
    let rt = rt();
    let winner = rt.block_on(rt.spawn(async {
        let slow = Box::pin(async {
            for _ in 0..100 {
                eddy::task::yield_now().await;
            }
            "slow"
        });
        let fast = Box::pin(async {
            eddy::task::yield_now().await;
            "fast"
        });
        match futures::future::select(slow, fast).await {
            futures::future::Either::Left((value, _)) => value,
            futures::future::Either::Right((value, _)) => value,
        }
    }));
    assert_eq!(winner.unwrap(), "fast");
}

#[test]
fn yielding_tasks_take_turns() {
    // Two tasks that yield in a loop interleave: each yield puts the task behind the other.
    let rt = rt();
    let log = Arc::new(std::sync::Mutex::new(Vec::new()));
    rt.block_on(async {
        let tasks: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|name| {
                let log = log.clone();
                eddy::spawn(async move {
                    for _ in 0..3 {
                        log.lock().unwrap().push(name);
                        eddy::task::yield_now().await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert_eq!(*log.lock().unwrap(), ["a", "b", "a", "b", "a", "b"]);
}

#[test]
fn yield_in_block_on_and_outside_runtime() {
    // The block_on future is not a task: its yield goes through the defer list.
    let rt = rt();
    let polls = AtomicUsize::new(0);
    rt.block_on(async {
        for _ in 0..5 {
            polls.fetch_add(1, Ordering::Relaxed);
            eddy::task::yield_now().await;
        }
    });
    assert_eq!(polls.load(Ordering::Relaxed), 5);
    // Outside any runtime it wakes itself at once.
    futures::executor::block_on(eddy::task::yield_now());
}

/// Runs `f` on its own thread and fails the test if it has not returned after a minute: the
/// hangs checked here would otherwise stall the whole suite rather than fail one test.
fn fails_if_it_hangs(f: impl FnOnce() + Send + 'static) {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let runner = std::thread::spawn(move || {
        f();
        let _ = done_tx.send(());
    });
    match done_rx.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(()) => runner.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(runner.join().unwrap_err())
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("hung"),
    }
}

#[test]
fn yield_inside_a_nested_executor_in_a_task_completes() {
    // The nested executor blocks the thread until its own waker fires, so that wake cannot wait
    // for the scheduler's next turn.
    fails_if_it_hangs(|| {
        let rt = rt();
        let nested = rt.spawn(async {
            futures::executor::block_on(async {
                eddy::task::yield_now().await;
                "done"
            })
        });
        assert_eq!(rt.block_on(nested).unwrap(), "done");
    });
}

#[test]
fn yield_inside_a_nested_executor_in_block_on_completes() {
    fails_if_it_hangs(|| {
        let rt = rt();
        let out = rt.block_on(async {
            futures::executor::block_on(async {
                eddy::task::yield_now().await;
                7
            })
        });
        assert_eq!(out, 7);
    });
}
