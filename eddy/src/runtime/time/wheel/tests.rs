//! The wheel on its own: its level arithmetic, and a model check against a sorted list.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::pin::Pin;

/// Nodes owned by the test, pinned in boxes, with the wheel standing in for its shard lock
/// (the test is single-threaded, so holding `&mut Wheel` is holding the lock).
struct Nodes {
    nodes: Vec<Pin<Box<TimerShared>>>,
}

impl Nodes {
    fn new(count: usize) -> Nodes {
        Nodes {
            nodes: (0..count).map(|_| Box::pin(TimerShared::new())).collect(),
        }
    }

    fn ptr(&self, index: usize) -> NonNull<TimerShared> {
        NonNull::from(&*self.nodes[index])
    }

    fn index_of(&self, node: NonNull<TimerShared>) -> usize {
        self.nodes
            .iter()
            .position(|n| NonNull::from(&**n) == node)
            .expect("the wheel handed out a node of ours")
    }

    fn insert(&self, wheel: &mut Wheel, index: usize, when: u64) -> Result<(), ()> {
        let node = self.ptr(index);
        // SAFETY: the node is pinned, alive for the whole test, and not linked.
        unsafe {
            node.as_ref().set_when(when);
            wheel.insert(node)
        }
    }

    fn remove(&self, wheel: &mut Wheel, index: usize) {
        // SAFETY: the node was inserted into this wheel (or taken out already: a no-op).
        unsafe { wheel.remove(self.ptr(index)) }
    }
}

#[test]
fn levels_split_by_base_64_digits() {
    assert_eq!(level_for(0, 1), 0);
    assert_eq!(level_for(0, 63), 0);
    assert_eq!(level_for(0, 64), 1);
    assert_eq!(level_for(0, 4095), 1);
    assert_eq!(level_for(0, 4096), 2);
    assert_eq!(level_for(0, HORIZON - 1), 5);
    assert_eq!(level_for(0, HORIZON), 5, "past the horizon: the top level");
    assert_eq!(level_for(0, u64::MAX >> 16), 5);
    // Relative to `elapsed`: 63 -> 64 crosses a level-1 boundary although it is 1 ms away.
    assert_eq!(level_for(63, 64), 1);
    assert_eq!(level_for(64, 127), 0);
}

#[test]
fn fires_in_order_and_never_early() {
    let nodes = Nodes::new(5);
    let mut wheel = Wheel::new();
    for (index, when) in [(0, 5), (1, 64), (2, 1), (3, 5000), (4, 64)].into_iter() {
        nodes.insert(&mut wheel, index, when).unwrap();
    }
    assert_eq!(wheel.next_expiration_tick(), Some(1));
    assert_eq!(wheel.poll(0), None);
    let fired = |wheel: &mut Wheel, now| {
        std::iter::from_fn(|| wheel.poll(now))
            .map(|node| nodes.index_of(node))
            .collect::<Vec<_>>()
    };
    assert_eq!(fired(&mut wheel, 4), vec![2]);
    assert_eq!(fired(&mut wheel, 63), vec![0]);
    let mut at_64 = fired(&mut wheel, 64);
    at_64.sort();
    assert_eq!(at_64, vec![1, 4]);
    assert_eq!(
        wheel.next_expiration_tick(),
        Some(4096),
        "level 2's slot starts first"
    );
    assert_eq!(fired(&mut wheel, 4999), Vec::<usize>::new());
    assert_eq!(wheel.next_expiration_tick(), Some(5000));
    assert_eq!(fired(&mut wheel, 10_000), vec![3]);
    assert_eq!(wheel.next_expiration_tick(), None);
    assert_eq!(wheel.elapsed(), 10_000);
    assert_eq!(nodes.insert(&mut wheel, 0, 10_000), Err(()), "already due");
}

#[test]
fn deadlines_past_the_horizon_wait_for_their_turn() {
    let nodes = Nodes::new(2);
    let mut wheel = Wheel::new();
    let far = HORIZON * 3 + 17;
    nodes.insert(&mut wheel, 0, far).unwrap();
    nodes.insert(&mut wheel, 1, HORIZON + 1).unwrap();
    let mut fired = Vec::new();
    let mut now = 0;
    while let Some(next) = wheel.next_expiration_tick() {
        assert!(
            next > now || next == wheel.elapsed(),
            "time never goes back"
        );
        now = next;
        while let Some(node) = wheel.poll(now) {
            fired.push((nodes.index_of(node), now));
        }
    }
    assert_eq!(fired, vec![(1, HORIZON + 1), (0, far)]);
}

#[derive(Debug, Clone)]
enum Op {
    Insert { node: usize, delay: u64 },
    Remove { node: usize },
    Advance { by: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    // Delays cover every level: short ones often, up to past the horizon sometimes.
    let delay = prop_oneof![
        4 => 0u64..130,
        3 => 0u64..300_000,
        2 => 0u64..(1 << 37),
    ];
    let advance = prop_oneof![
        4 => 0u64..70,
        2 => 0u64..5_000,
        1 => 0u64..(1 << 36),
    ];
    prop_oneof![
        5 => (0usize..16, delay).prop_map(|(node, delay)| Op::Insert { node, delay }),
        2 => (0usize..16).prop_map(|node| Op::Remove { node }),
        3 => advance.prop_map(|by| Op::Advance { by }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Random inserts, cancels and advances: the wheel fires exactly what a sorted set of
    /// (deadline, node) says is due, in deadline order, and reports the same next deadline.
    #[test]
    fn wheel_matches_a_sorted_reference(ops in proptest::collection::vec(op(), 1..200)) {
        let nodes = Nodes::new(16);
        let mut wheel = Wheel::new();
        let mut reference: BTreeSet<(u64, usize)> = BTreeSet::new();
        let mut filed: Vec<Option<u64>> = vec![None; 16];
        let mut now = 0u64;
        for op in ops {
            match op {
                Op::Insert { node, delay } => {
                    if let Some(when) = filed[node].take() {
                        nodes.remove(&mut wheel, node);
                        reference.remove(&(when, node));
                    }
                    let when = now + delay;
                    match nodes.insert(&mut wheel, node, when) {
                        Ok(()) => {
                            prop_assert!(when > wheel.elapsed());
                            filed[node] = Some(when);
                            reference.insert((when, node));
                        }
                        Err(()) => prop_assert!(when <= wheel.elapsed()),
                    }
                }
                Op::Remove { node } => {
                    if let Some(when) = filed[node].take() {
                        nodes.remove(&mut wheel, node);
                        reference.remove(&(when, node));
                    }
                }
                Op::Advance { by } => {
                    now += by;
                    let mut fired = Vec::new();
                    while let Some(node) = wheel.poll(now) {
                        let index = nodes.index_of(node);
                        let when = filed[index].take().expect("fired a timer that was not filed");
                        fired.push((when, index));
                    }
                    let due: Vec<(u64, usize)> =
                        reference.iter().copied().take_while(|&(when, _)| when <= now).collect();
                    for entry in &due {
                        reference.remove(entry);
                    }
                    // Same timers, in deadline order (ties in any order).
                    let deadlines: Vec<u64> = fired.iter().map(|&(when, _)| when).collect();
                    prop_assert!(deadlines.windows(2).all(|pair| pair[0] <= pair[1]));
                    let mut fired_sorted = fired.clone();
                    fired_sorted.sort();
                    prop_assert_eq!(fired_sorted, due);
                    prop_assert_eq!(wheel.elapsed(), now);
                }
            }
            let next = wheel.next_expiration_tick();
            match reference.iter().next() {
                // The wheel may name an earlier tick (a slot start of a higher level), never a
                // later one.
                Some(&(earliest, _)) => {
                    let next = next.expect("timers are filed but the wheel names no tick");
                    prop_assert!(next <= earliest, "next {} after earliest {}", next, earliest);
                }
                None => prop_assert_eq!(next, None),
            }
        }
        // Take everything left out, as a dropped `Sleep` would.
        for (node, when) in filed.iter().enumerate() {
            if when.is_some() {
                nodes.remove(&mut wheel, node);
            }
        }
        prop_assert_eq!(wheel.next_expiration_tick(), None);
    }
}
