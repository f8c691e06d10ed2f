//! Unit tests of a worker's run queue at its real capacity, with real threads.

use super::mock::{key, tasks, Gate, Mock};
use crate::loom::Arc;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::scheduler::multi_thread::queue::{self, CAPACITY};

#[test]
fn pops_in_push_order() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    let (_, mut local) = queue::local();
    let pushed = tasks(&mock, &gate, 10);
    let keys: Vec<_> = pushed.iter().map(key).collect();
    for task in pushed {
        assert!(!local.push_back_or_overflow(task, &inject));
    }
    assert_eq!(local.len(), 10);
    let popped: Vec<_> = std::iter::from_fn(|| local.pop())
        .map(|t| key(&t))
        .collect();
    assert_eq!(popped, keys);
    assert!(!local.has_tasks());
    mock.shutdown();
}

#[test]
fn a_full_queue_moves_half_and_the_new_task_to_inject() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    let (_, mut local) = queue::local();
    let pushed = tasks(&mock, &gate, CAPACITY + 1);
    let keys: Vec<_> = pushed.iter().map(key).collect();
    let mut overflows = 0;
    for task in pushed {
        overflows += usize::from(local.push_back_or_overflow(task, &inject));
    }
    assert_eq!(overflows, 1);
    assert_eq!(local.len(), CAPACITY / 2);
    // The oldest half went first, then the task that did not fit; the rest stayed, in order.
    let injected: Vec<_> = inject.pop_all().map(|t| key(&t)).collect();
    let mut expected: Vec<_> = keys[..CAPACITY / 2].to_vec();
    expected.push(keys[CAPACITY]);
    assert_eq!(injected, expected);
    let kept: Vec<_> = std::iter::from_fn(|| local.pop())
        .map(|t| key(&t))
        .collect();
    assert_eq!(kept, keys[CAPACITY / 2..CAPACITY]);
    mock.shutdown();
}

#[test]
fn a_thief_takes_half_and_runs_one() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    let (steal, mut local) = queue::local();
    let pushed = tasks(&mock, &gate, 9);
    let keys: Vec<_> = pushed.iter().map(key).collect();
    for task in pushed {
        local.push_back_or_overflow(task, &inject);
    }
    let (_, mut thief) = queue::local();
    let first = steal.steal_into(&mut thief).expect("something to steal");
    // Five of nine (the larger half) move, oldest first; the newest of them is run at once.
    assert_eq!(key(&first), keys[4]);
    let moved: Vec<_> = std::iter::from_fn(|| thief.pop())
        .map(|t| key(&t))
        .collect();
    assert_eq!(moved, keys[..4]);
    let left: Vec<_> = std::iter::from_fn(|| local.pop())
        .map(|t| key(&t))
        .collect();
    assert_eq!(left, keys[5..]);
    assert!(steal.is_empty());
    assert!(steal.steal_into(&mut thief).is_none());
    drop(first);
    mock.shutdown();
}

#[test]
fn a_thief_with_a_crowded_queue_takes_nothing() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    let (steal, mut victim) = queue::local();
    let (_, mut thief) = queue::local();
    for task in tasks(&mock, &gate, 4) {
        victim.push_back_or_overflow(task, &inject);
    }
    for task in tasks(&mock, &gate, CAPACITY / 2 + 1) {
        thief.push_back_or_overflow(task, &inject);
    }
    assert!(steal.steal_into(&mut thief).is_none());
    assert_eq!(victim.len(), 4);
    drop((victim, thief));
    mock.shutdown();
}

#[test]
fn cursors_wrap_around_u32() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    let (steal, mut local) = queue::local_starting_at(u32::MAX - 5);
    let (_, mut thief) = queue::local_starting_at(u32::MAX - 1);
    for round in 0..3 {
        let pushed = tasks(&mock, &gate, 8);
        let keys: Vec<_> = pushed.iter().map(key).collect();
        for task in pushed {
            assert!(!local.push_back_or_overflow(task, &inject));
        }
        let first = steal.steal_into(&mut thief).expect("something to steal");
        assert_eq!(key(&first), keys[3], "round {round}");
        let moved: Vec<_> = std::iter::from_fn(|| thief.pop())
            .map(|t| key(&t))
            .collect();
        assert_eq!(moved, keys[..3], "round {round}");
        let left: Vec<_> = std::iter::from_fn(|| local.pop())
            .map(|t| key(&t))
            .collect();
        assert_eq!(left, keys[4..], "round {round}");
    }
    mock.shutdown();
}

#[test]
fn dropping_the_owner_end_releases_queued_tasks() {
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Inject::new();
    let (steal, mut local) = queue::local();
    for task in tasks(&mock, &gate, 5) {
        local.push_back_or_overflow(task, &inject);
    }
    drop(local);
    assert!(steal.is_empty());
    // `shutdown` asserts every task is gone once its queued references are.
    mock.shutdown();
}

#[test]
fn stealers_and_the_owner_race_without_loss() {
    const TASKS: usize = 20_000;
    let (mock, gate) = (Mock::new(), Gate::new());
    let inject = Arc::new(Inject::new());
    let (steal, mut local) = queue::local();
    let done = Arc::new(crate::loom::AtomicBool::new(false));
    let thieves: Vec<_> = (0..2)
        .map(|_| {
            let steal = steal.clone();
            let done = done.clone();
            crate::loom::thread::spawn(move || {
                let (_, mut own) = queue::local();
                let mut taken = 0;
                loop {
                    let finished = done.load(crate::loom::Ordering::Acquire);
                    if let Some(task) = steal.steal_into(&mut own) {
                        taken += 1;
                        drop(task);
                    }
                    while own.pop().is_some() {
                        taken += 1;
                    }
                    if finished {
                        return taken;
                    }
                }
            })
        })
        .collect();
    let mut kept = 0;
    for (i, task) in tasks(&mock, &gate, TASKS).into_iter().enumerate() {
        local.push_back_or_overflow(task, &inject);
        if i % 3 == 0 && local.pop().is_some() {
            kept += 1;
        }
    }
    done.store(true, crate::loom::Ordering::Release);
    let stolen: usize = thieves.into_iter().map(|t| t.join().unwrap()).sum();
    kept += std::iter::from_fn(|| local.pop()).count();
    let injected = inject.pop_all().count();
    assert_eq!(kept + stolen + injected, TASKS);
    mock.shutdown();
}
