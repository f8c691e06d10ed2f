//! Models of the idle/searching accounting: a task pushed while the last searching worker
//! parks is never stranded, and concurrent notifications never wake more sleepers than exist.

use crate::loom::{thread, Arc, AtomicUsize, Ordering};
use crate::runtime::scheduler::multi_thread::idle::Idle;

#[test]
fn loom_idle_push_while_the_last_searcher_parks() {
    loom::model(|| {
        let idle = Arc::new(Idle::new(2));
        // Worker 1 sleeps; worker 0 searches and is about to give up.
        assert!(!idle.transition_worker_to_parked(1, false));
        assert!(idle.transition_worker_to_searching());
        let queued = Arc::new(AtomicUsize::new(0));

        let pusher = {
            let (idle, queued) = (idle.clone(), queued.clone());
            thread::spawn(move || {
                // Publish the task, then decide whether anyone must be woken.
                queued.fetch_add(1, Ordering::SeqCst);
                idle.worker_to_notify()
            })
        };
        // Worker 0: nothing found yet, so it parks; as the last searcher it re-checks.
        let seen_by_searcher = if queued.load(Ordering::SeqCst) > 0 {
            true
        } else {
            let last_searcher = idle.transition_worker_to_parked(0, true);
            last_searcher && queued.load(Ordering::SeqCst) > 0
        };
        let woken = pusher.join().unwrap();
        assert!(
            seen_by_searcher || woken.is_some(),
            "the task was pushed, nobody saw it and nobody was woken"
        );
    });
}

#[test]
fn loom_idle_two_notifiers_one_sleeper() {
    loom::model(|| {
        let idle = Arc::new(Idle::new(2));
        assert!(!idle.transition_worker_to_parked(0, false));
        let notifiers: Vec<_> = (0..2)
            .map(|_| {
                let idle = idle.clone();
                thread::spawn(move || idle.worker_to_notify())
            })
            .collect();
        let woken: Vec<_> = notifiers
            .into_iter()
            .filter_map(|n| n.join().unwrap())
            .collect();
        // One sleeper: exactly one wake (the second notifier sees a searcher or no sleeper).
        assert_eq!(woken, [0]);
        assert!(!idle.is_parked(0));
        assert_eq!(idle.num_searching(), 1);
    });
}
