//! Models of the inject queue: concurrent pushes, a concurrent pop, and close, on one shard
//! and across shards.

use super::mock::{notified, Gate, Mock};
use crate::loom::{thread, Arc};
use crate::runtime::scheduler::inject::Inject;

#[test]
fn loom_inject_push_from_two_threads_pop_on_one() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let inject = Arc::new(Inject::new());

        let pushers: Vec<_> = (0..2)
            .map(|_| {
                let task = notified(&mock, &gate);
                let inject = inject.clone();
                thread::spawn(move || inject.push(task))
            })
            .collect();

        let mut popped = 0;
        if let Some(task) = inject.pop() {
            drop(task);
            popped += 1;
        }
        for pusher in pushers {
            pusher.join().unwrap();
        }
        // The rest leaves in one batch, as the current-thread scheduler takes it.
        for task in inject.pop_all() {
            drop(task);
            popped += 1;
        }
        assert_eq!(popped, 2, "every pushed task is popped exactly once");
        assert!(inject.is_empty());
        mock.shutdown();
    });
}

#[test]
fn loom_inject_pop_all_vs_push() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let inject = Arc::new(Inject::new());
        inject.push(notified(&mock, &gate));
        let task = notified(&mock, &gate);

        let pusher = {
            let inject = inject.clone();
            thread::spawn(move || inject.push(task))
        };
        let mut popped = inject.pop_all().count();
        pusher.join().unwrap();
        popped += inject.pop_all().count();
        assert_eq!(popped, 2, "a batch and a concurrent push lose nothing");
        assert!(inject.is_empty());
        mock.shutdown();
    });
}

#[test]
fn loom_inject_close_vs_push() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let inject = Arc::new(Inject::new());
        let task = notified(&mock, &gate);

        let pusher = {
            let inject = inject.clone();
            thread::spawn(move || inject.push(task))
        };
        assert!(inject.close());
        // After close, a drain finds the task or the push dropped it: either way none is
        // stranded once the pusher is done.
        while let Some(task) = inject.pop() {
            drop(task);
        }
        pusher.join().unwrap();
        while let Some(task) = inject.pop() {
            drop(task);
        }
        assert!(inject.is_empty());
        mock.shutdown();
    });
}

#[test]
fn loom_inject_pushes_on_two_shards_vs_close_and_drain() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let inject = Arc::new(Inject::new());

        let pushers: Vec<_> = (0..2)
            .map(|shard| {
                let task = notified(&mock, &gate);
                let inject = inject.clone();
                thread::spawn(move || inject.push_to_shard(shard, task))
            })
            .collect();
        assert!(inject.close());
        assert!(inject.is_closed());
        // The drain right after `close` finds every task that got in; each other one was
        // dropped by its push. Either way exactly once: a task in neither place would leak
        // (the mock's Arc), a task in both would be released twice.
        let drained = inject.pop_all().count();
        for pusher in pushers {
            pusher.join().unwrap();
        }
        assert!(drained <= 2);
        assert_eq!(
            inject.pop_all().count(),
            0,
            "a push linked a task after close"
        );
        assert!(inject.is_empty());
        mock.shutdown();
    });
}

#[test]
fn loom_inject_drain_after_seeing_closed_elsewhere() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let inject = Arc::new(Inject::new());
        inject.push_to_shard(0, notified(&mock, &gate));
        let task = notified(&mock, &gate);

        let closer = {
            let inject = inject.clone();
            thread::spawn(move || inject.close())
        };
        let pusher = {
            let inject = inject.clone();
            thread::spawn(move || inject.push_to_shard(1, task))
        };
        // A worker that sees the queue closed (not having closed it) drains it: `is_closed`
        // says true only once every shard refuses pushes, so what the drain misses, no push
        // can add afterwards.
        while !inject.is_closed() {
            thread::yield_now();
        }
        let drained = inject.pop_all().count();
        assert!(closer.join().unwrap());
        pusher.join().unwrap();
        assert!((1..=2).contains(&drained));
        assert_eq!(
            inject.pop_all().count(),
            0,
            "a push linked a task after close"
        );
        mock.shutdown();
    });
}
