//! Models of how workers sleep: an unpark is never lost, whether the worker sleeps on the
//! shared driver or on its own condvar, and whichever of two workers holds the driver.

use crate::loom::{thread, Arc, AtomicBool, Ordering};
use crate::runtime::driver::{self, Driver};
use crate::runtime::scheduler::multi_thread::park::{Parker, SharedDriver};

const NO_TIMERS: driver::Cfg = driver::Cfg {
    enable_io: false,
    events_per_tick: 1,
    enable_time: false,
    enable_pausing: false,
    start_paused: false,
    timer_shards: 1,
};

#[test]
fn loom_park_unpark_from_another_thread() {
    loom::model(|| {
        let (driver, handle) = Driver::new(NO_TIMERS).unwrap();
        let shared = SharedDriver::new(driver, handle);
        let mut parker = Parker::new(shared);
        let unparker = parker.unparker();
        let ready = Arc::new(AtomicBool::new(false));

        let waker = {
            let ready = ready.clone();
            thread::spawn(move || {
                ready.store(true, Ordering::SeqCst);
                unparker.unpark();
            })
        };
        // A lost unpark would leave this loop parked forever: loom reports the deadlock.
        while !ready.load(Ordering::SeqCst) {
            parker.park();
        }
        waker.join().unwrap();
    });
}

#[test]
fn loom_park_two_workers_share_the_driver() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let (driver, handle) = Driver::new(NO_TIMERS).unwrap();
        let shared = SharedDriver::new(driver, handle);
        let ready = Arc::new([AtomicBool::new(false), AtomicBool::new(false)]);

        let workers: Vec<_> = (0..2)
            .map(|index| {
                let mut parker = Parker::new(shared.clone());
                let unparker = parker.unparker();
                let ready = ready.clone();
                let worker = thread::spawn(move || {
                    // One of the two gets the driver, the other its condvar.
                    while !ready[index].load(Ordering::SeqCst) {
                        parker.park();
                    }
                });
                (worker, unparker)
            })
            .collect();
        for (index, (_, unparker)) in workers.iter().enumerate() {
            ready[index].store(true, Ordering::SeqCst);
            unparker.unpark();
        }
        for (worker, _) in workers {
            worker.join().unwrap();
        }
    });
}
