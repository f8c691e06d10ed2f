//! `sleep`, `sleep_until` and `Sleep` on every flavour, and the time driver under them.

mod support;

use support::message_of;

use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use eddy::runtime::{Builder, Runtime};
use eddy::time::{self, sleep, sleep_until, Instant, Sleep};

fn paused() -> Runtime {
    Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

/// A small deterministic generator (xorshift), so that the "random" timers repeat.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

macro_rules! every_flavour {
    ($($t:tt)*) => {
        mod current_thread {
            use super::*;
            fn rt() -> Runtime {
                Builder::new_current_thread().enable_time().build().unwrap()
            }
            $($t)*
        }
        mod multi_thread_1 {
            use super::*;
            fn rt() -> Runtime {
                Builder::new_multi_thread().worker_threads(1).enable_time().build().unwrap()
            }
            $($t)*
        }
        mod multi_thread_4 {
            use super::*;
            fn rt() -> Runtime {
                Builder::new_multi_thread().worker_threads(4).enable_time().build().unwrap()
            }
            $($t)*
        }
    };
}

every_flavour! {
    #[test]
    fn sleep_never_completes_early() {
        rt().block_on(async {
            for micros in [0, 1, 999, 1000, 1500, 2000, 3333] {
                let wanted = Duration::from_micros(micros);
                let start = std::time::Instant::now();
                sleep(wanted).await;
                assert!(start.elapsed() >= wanted, "{micros} µs ended early");
            }
        });
    }

    #[test]
    fn sleeps_in_many_tasks_all_complete() {
        let rt = rt();
        rt.block_on(async {
            let done = Arc::new(AtomicUsize::new(0));
            let mut tasks = Vec::new();
            let mut rng = Rng(0x2545_f491_4f6c_dd1d);
            for _ in 0..1_000 {
                let done = done.clone();
                let wait = Duration::from_millis(1 + rng.below(5));
                tasks.push(eddy::spawn(async move {
                    let deadline = Instant::now() + wait;
                    sleep_until(deadline).await;
                    assert!(Instant::now() >= deadline);
                    done.fetch_add(1, Ordering::Relaxed);
                }));
            }
            for task in tasks {
                task.await.unwrap();
            }
            assert_eq!(done.load(Ordering::Relaxed), 1_000);
        });
    }

    #[test]
    fn a_timer_dropped_on_another_thread_is_cancelled_safely() {
        let rt = rt();
        rt.block_on(async {
            for _ in 0..100 {
                let mut wait = Box::pin(sleep(Duration::from_secs(60)));
                // File it in the wheel of this thread's shard.
                poll_fn(|cx| {
                    assert!(wait.as_mut().poll(cx).is_pending());
                    Poll::Ready(())
                })
                .await;
                // Drop it on some other thread (a worker, or the blocking pool).
                eddy::spawn(async move { drop(wait) }).await.unwrap();
            }
            sleep(Duration::from_millis(2)).await;
        });
    }

    #[test]
    fn reset_before_and_after_firing() {
        rt().block_on(async {
            let start = Instant::now();
            let mut wait = pin!(sleep(Duration::from_secs(3600)));
            // Before it fires: pull the deadline in.
            wait.as_mut().reset(start + Duration::from_millis(3));
            assert_eq!(wait.deadline(), start + Duration::from_millis(3));
            wait.as_mut().await;
            assert!(wait.is_elapsed());
            assert!(Instant::now() >= start + Duration::from_millis(3));
            // After it fired: it waits again.
            let again = Instant::now() + Duration::from_millis(2);
            wait.as_mut().reset(again);
            assert!(!wait.is_elapsed());
            wait.as_mut().await;
            assert!(Instant::now() >= again);
            // Reset to a deadline in the past: ready at once.
            wait.as_mut().reset(start);
            wait.as_mut().await;
        });
    }

    #[test]
    fn the_longest_duration_does_not_overflow() {
        rt().block_on(async {
            let mut wait = pin!(sleep(Duration::MAX));
            assert!(wait.deadline() > Instant::now() + Duration::from_secs(86_400 * 365 * 20));
            poll_fn(|cx| {
                assert!(wait.as_mut().poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
            let mut far = pin!(sleep_until(Instant::now() + Duration::from_secs(86_400 * 365 * 5)));
            poll_fn(|cx| {
                assert!(far.as_mut().poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
            sleep(Duration::from_millis(1)).await;
        });
    }

    #[test]
    fn polling_after_shutdown_panics_with_the_cause() {
        let rt = rt();
        let handle = rt.handle().clone();
        let mut wait = {
            let _guard = rt.enter();
            Box::pin(sleep(Duration::from_secs(60)))
        };
        // Filed before the shutdown...
        rt.block_on(poll_fn(|cx| {
            assert!(wait.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        }));
        drop(rt);
        let err = catch_unwind(AssertUnwindSafe(|| {
            handle.block_on(wait.as_mut());
        }))
        .unwrap_err();
        assert!(message_of(err).contains("being shutdown"));
        // ...and created after it.
        let fresh = {
            let _guard = handle.enter();
            sleep(Duration::from_millis(1))
        };
        let err = catch_unwind(AssertUnwindSafe(|| handle.block_on(fresh))).unwrap_err();
        assert!(message_of(err).contains("being shutdown"));
    }
}

#[test]
fn ten_thousand_random_timers_fire_in_deadline_order() {
    let rt = paused();
    rt.block_on(async {
        let fired = Arc::new(Mutex::new(Vec::new()));
        let start = Instant::now();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut tasks = Vec::new();
        for _ in 0..10_000 {
            // Up to ~3 days, so that every level of the wheel takes part.
            let bits = rng.below(28) + 1;
            let wait = Duration::from_millis(rng.below(1 << bits));
            let fired = fired.clone();
            tasks.push(eddy::spawn(async move {
                sleep_until(start + wait).await;
                // Virtual time: the clock stands exactly on the deadline's millisecond.
                assert_eq!(Instant::now() - start, wait);
                fired.lock().unwrap().push(wait);
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let fired = fired.lock().unwrap();
        assert_eq!(fired.len(), 10_000);
        assert!(fired.windows(2).all(|pair| pair[0] <= pair[1]));
    });
}

#[test]
fn paused_clock_jumps_to_the_next_timer() {
    paused().block_on(async {
        let start = Instant::now();
        sleep(Duration::from_secs(3600)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        time::advance(Duration::from_millis(5)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(3_600_005));
        time::resume();
        time::pause();
    });
}

#[test]
fn advance_fires_the_timers_it_passes() {
    paused().block_on(async {
        let start = Instant::now();
        let mut passed = pin!(sleep(Duration::from_millis(10)));
        let mut ahead = pin!(sleep(Duration::from_millis(11)));
        poll_fn(|cx| {
            assert!(passed.as_mut().poll(cx).is_pending());
            assert!(ahead.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        time::advance(Duration::from_millis(10)).await;
        assert!(passed.is_elapsed());
        assert!(!ahead.is_elapsed());
        assert_eq!(Instant::now() - start, Duration::from_millis(10));
        let late = eddy::spawn(async move {
            sleep(Duration::from_millis(10)).await;
            Instant::now() - start
        });
        assert_eq!(late.await.unwrap(), Duration::from_millis(20));
    });
}

#[test]
fn auto_advance_waits_for_blocking_tasks() {
    let parks = Arc::new((Mutex::new(0usize), std::sync::Condvar::new()));
    let counted = parks.clone();
    let rt = Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .on_thread_park(move || {
            *counted.0.lock().unwrap() += 1;
            counted.1.notify_all();
        })
        .build()
        .unwrap();
    rt.block_on(async {
        let parks = parks.clone();
        // The blocking task ends only once the runtime has parked with nothing else to do. If
        // the clock jumped then, the hour-long sleep would fire first.
        let mut blocking = pin!(eddy::task::spawn_blocking(move || {
            let mut count = parks.0.lock().unwrap();
            while *count == 0 {
                count = parks.1.wait(count).unwrap();
            }
        }));
        let mut hour = pin!(sleep(Duration::from_secs(3600)));
        let winner = poll_fn(|cx| {
            if hour.as_mut().poll(cx).is_ready() {
                return Poll::Ready("sleep");
            }
            if blocking.as_mut().poll(cx).is_ready() {
                return Poll::Ready("blocking");
            }
            Poll::Pending
        })
        .await;
        assert_eq!(winner, "blocking");
    });
}

#[test]
fn dropping_a_sleep_inside_the_waker_of_another() {
    struct DropOnWake(Mutex<Option<Pin<Box<Sleep>>>>, AtomicUsize);
    impl Wake for DropOnWake {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            drop(self.0.lock().unwrap().take());
            self.1.fetch_add(1, Ordering::SeqCst);
        }
    }
    paused().block_on(async {
        let victim = Box::pin(sleep(Duration::from_millis(20)));
        let dropper = Arc::new(DropOnWake(Mutex::new(Some(victim)), AtomicUsize::new(0)));
        let waker = Waker::from(dropper.clone());
        let mut cx = Context::from_waker(&waker);
        // File the victim (same shard, same wheel), then the one whose waker drops it.
        {
            let mut slot = dropper.0.lock().unwrap();
            assert!(slot.as_mut().unwrap().as_mut().poll(&mut cx).is_pending());
        }
        let mut first = pin!(sleep(Duration::from_millis(10)));
        assert!(first.as_mut().poll(&mut cx).is_pending());
        sleep(Duration::from_millis(15)).await;
        assert!(dropper.0.lock().unwrap().is_none());
        assert!(dropper.1.load(Ordering::SeqCst) >= 1);
        sleep(Duration::from_millis(30)).await;
    });
}

#[test]
fn timers_need_the_time_driver() {
    let rt = Builder::new_current_thread().build().unwrap();
    let err = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async { sleep(Duration::from_millis(1)).await })
    }))
    .unwrap_err();
    assert!(message_of(err).contains("timers are disabled"));
}

#[test]
fn timers_need_a_runtime() {
    let err = catch_unwind(|| drop(sleep(Duration::from_millis(1)))).unwrap_err();
    assert!(message_of(err).contains("there is no reactor running"));
}

#[test]
fn clock_misuse_messages() {
    let err = catch_unwind(time::pause).unwrap_err();
    assert!(message_of(err).contains("from outside the eddy runtime"));
    paused().block_on(async {
        let err = catch_unwind(time::pause).unwrap_err();
        assert_eq!(message_of(err), "time is already frozen");
        time::resume();
        let err = catch_unwind(time::resume).unwrap_err();
        assert!(message_of(err).starts_with("time is not frozen"));
    });
    let mt = Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap();
    mt.block_on(async {
        let err = catch_unwind(time::pause).unwrap_err();
        assert!(message_of(err).contains("requires the `current_thread` eddy runtime"));
    });
    let err = catch_unwind(|| {
        Builder::new_multi_thread()
            .enable_time()
            .start_paused(true)
            .build()
    })
    .unwrap_err();
    assert!(message_of(err).contains("requires the `current_thread` eddy runtime"));
}

#[test]
fn a_sleep_spends_coop_budget() {
    paused().block_on(async {
        let past = Instant::now();
        // Ready sleeps in a loop: the budget runs out and the task yields instead of spinning.
        let other = eddy::spawn(async {});
        for _ in 0..1_000 {
            let mut wait = pin!(sleep_until(past));
            wait.as_mut().await;
            if other.is_finished() {
                return;
            }
        }
        panic!("1000 ready sleeps never let another task run");
    });
}

#[eddy::test(start_paused = true)]
async fn the_test_macro_starts_paused() {
    let start = Instant::now();
    sleep(Duration::from_secs(86_400)).await;
    assert_eq!(start.elapsed(), Duration::from_secs(86_400));
}

#[test]
fn instant_now_follows_the_paused_clock_of_the_current_runtime() {
    let rt = paused();
    let start = rt.block_on(async { Instant::now() });
    rt.block_on(time::advance(Duration::from_secs(10)));
    let _guard = rt.enter();
    assert_eq!(Instant::now() - start, Duration::from_secs(10));
}
