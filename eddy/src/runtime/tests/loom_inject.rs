//! Models of the inject queue: concurrent pushes, a concurrent pop, and close.

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
