//! Unit tests of the sharded inject queue, with real threads.

use super::mock::{key, tasks, Gate, Mock};
use crate::loom::{thread, Arc};
use crate::runtime::scheduler::inject::{Inject, SHARDS};
use std::collections::HashMap;

#[test]
fn one_thread_pushes_and_pops_in_order() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    let mut pushed = tasks(&mock, &gate, 10);
    let keys: Vec<_> = pushed.iter().map(key).collect();
    let batch = pushed.split_off(4);
    for task in pushed {
        inject.push(task);
    }
    inject.push_batch(batch.into_iter());
    assert_eq!(inject.len(), 10);
    let first = inject.pop().expect("ten queued");
    let rest: Vec<_> = inject.pop_all().map(|t| key(&t)).collect();
    assert_eq!(key(&first), keys[0]);
    assert_eq!(rest, keys[1..]);
    assert!(inject.is_empty());
    drop(first);
    mock.shutdown();
}

#[test]
fn pop_n_takes_from_several_shards_and_keeps_count() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    for (i, task) in tasks(&mock, &gate, 6).into_iter().enumerate() {
        inject.push_to_shard(i % 3, task);
    }
    assert_eq!(inject.len(), 6);
    assert_eq!(inject.pop_n(4).count(), 4);
    assert_eq!(inject.len(), 2);
    assert_eq!(inject.pop_n(4).count(), 2);
    assert!(inject.is_empty());
    assert_eq!(inject.pop_n(4).count(), 0);
    mock.shutdown();
}

#[test]
fn every_shard_gets_a_turn() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    let mut pushed = tasks(&mock, &gate, 17);
    let lonely = pushed.pop().expect("seventeen made");
    let lonely_key = key(&lonely);
    for task in pushed {
        inject.push_to_shard(0, task);
    }
    inject.push_to_shard(1, lonely);
    // Each pop of this thread starts one shard further on, so within as many pops as there are
    // shards one starts at (or runs into) shard 1, however full shard 0 stays.
    let found = (0..SHARDS).any(|_| inject.pop().is_some_and(|task| key(&task) == lonely_key));
    assert!(found, "a task in a quiet shard waited behind a busy one");
    drop(inject);
    mock.shutdown();
}

#[test]
fn after_close_pushes_drop_their_tasks() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    let mut pushed = tasks(&mock, &gate, 4);
    inject.push(pushed.pop().expect("four made"));
    assert!(!inject.is_closed());
    assert!(inject.close());
    assert!(inject.is_closed());
    assert!(!inject.close(), "only the first close reports closing");
    inject.push(pushed.pop().expect("four made"));
    inject.push_to_shard(3, pushed.pop().expect("four made"));
    inject.push_batch(pushed.into_iter());
    // Only the task queued before the close is left for the drain.
    assert_eq!(inject.len(), 1);
    assert_eq!(inject.pop_all().count(), 1);
    mock.shutdown();
}

#[test]
fn many_pushers_lose_nothing_and_keep_their_own_order() {
    const PUSHERS: usize = 8;
    const PER_PUSHER: usize = 2_000;
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Arc::new(Inject::new());
    let pushers: Vec<_> = (0..PUSHERS)
        .map(|_| {
            let pushed = tasks(&mock, &gate, PER_PUSHER);
            let keys: Vec<_> = pushed.iter().map(key).collect();
            let inject = inject.clone();
            let pusher = thread::spawn(move || {
                for (i, task) in pushed.into_iter().enumerate() {
                    if i % 100 == 0 {
                        inject.push_batch(std::iter::once(task));
                    } else {
                        inject.push(task);
                    }
                }
            });
            (keys, pusher)
        })
        .collect();
    // Pop while they push; then take the rest.
    let mut popped = Vec::with_capacity(PUSHERS * PER_PUSHER);
    while popped.len() < PUSHERS * PER_PUSHER / 2 {
        popped.extend(inject.pop_n(7).map(|t| key(&t)));
        if let Some(task) = inject.pop() {
            popped.push(key(&task));
        }
    }
    let mut order = Vec::new();
    for (keys, pusher) in pushers {
        pusher.join().unwrap();
        order.push(keys);
    }
    popped.extend(inject.pop_all().map(|t| key(&t)));
    assert!(inject.is_empty());
    assert_eq!(popped.len(), PUSHERS * PER_PUSHER, "every task popped once");
    let position: HashMap<usize, usize> = popped.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    assert_eq!(position.len(), popped.len(), "no task popped twice");
    for keys in order {
        let positions: Vec<_> = keys.iter().map(|k| position[k]).collect();
        assert!(
            positions.windows(2).all(|pair| pair[0] < pair[1]),
            "a pusher's tasks left out of order"
        );
    }
    mock.shutdown();
}
