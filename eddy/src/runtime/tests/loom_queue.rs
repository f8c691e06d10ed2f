//! Models of a worker's run queue (capacity 4 under loom): the owner's pushes and pops racing
//! steals, an overflow to the inject queue racing a steal, and two thieves at once. Every task
//! must come out exactly once: counted here, and a task taken twice would drop a reference
//! twice, which the task core reports.

use super::mock::{notified, Gate, Mock};
use crate::loom::{thread, Arc};
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::scheduler::multi_thread::queue::{self, CAPACITY};

/// Drains a thief's own queue, counting what it held besides the task it stole to run.
fn drain(mut local: queue::Local<Arc<Mock>>) -> usize {
    let mut count = 0;
    while local.pop().is_some() {
        count += 1;
    }
    count
}

#[test]
fn loom_queue_steal_vs_pop() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let inject = Inject::new();
        let (steal, mut local) = queue::local();
        for _ in 0..3 {
            assert!(!local.push_back_or_overflow(notified(&mock, &gate), &inject));
        }

        let thief = thread::spawn(move || {
            let (_, mut own) = queue::local();
            let stolen = usize::from(steal.steal_into(&mut own).is_some());
            stolen + drain(own)
        });
        let mut popped = 0;
        while local.pop().is_some() {
            popped += 1;
        }
        let stolen = thief.join().unwrap();
        assert_eq!(popped + stolen, 3, "a task was lost or taken twice");
        assert!(inject.is_empty());
        mock.shutdown();
    });
}

#[test]
fn loom_queue_overflow_vs_steal() {
    loom::model(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let inject = Arc::new(Inject::new());
        let (steal, mut local) = queue::local();
        for _ in 0..CAPACITY {
            local.push_back_or_overflow(notified(&mock, &gate), &inject);
        }
        let extra = notified(&mock, &gate);

        let thief = thread::spawn(move || {
            let (_, mut own) = queue::local();
            let stolen = usize::from(steal.steal_into(&mut own).is_some());
            stolen + drain(own)
        });
        // The ring is full: this push moves half of it (or, during the steal, only the task)
        // to the inject queue, or finds room the thief just made.
        local.push_back_or_overflow(extra, &inject);
        let stolen = thief.join().unwrap();
        let mut popped = 0;
        while local.pop().is_some() {
            popped += 1;
        }
        let injected = inject.pop_all().count();
        assert_eq!(
            popped + stolen + injected,
            CAPACITY + 1,
            "a task was lost or taken twice"
        );
        mock.shutdown();
    });
}

#[test]
fn loom_queue_two_thieves() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(|| {
        let mock = Mock::new();
        let gate = Gate::new();
        let inject = Inject::new();
        let (steal, mut local) = queue::local();
        for _ in 0..3 {
            local.push_back_or_overflow(notified(&mock, &gate), &inject);
        }

        let thieves: Vec<_> = (0..2)
            .map(|_| {
                let steal = steal.clone();
                thread::spawn(move || {
                    let (_, mut own) = queue::local();
                    let stolen = usize::from(steal.steal_into(&mut own).is_some());
                    stolen + drain(own)
                })
            })
            .collect();
        let mut total = 0;
        if local.pop().is_some() {
            total += 1;
        }
        for thief in thieves {
            total += thief.join().unwrap();
        }
        while local.pop().is_some() {
            total += 1;
        }
        assert_eq!(total, 3, "a task was lost or taken twice");
        mock.shutdown();
    });
}
