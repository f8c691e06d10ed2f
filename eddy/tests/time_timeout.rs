//! `timeout` and `timeout_at`: which of the future and the deadline wins, a busy inner future
//! and the coop budget, access to the inner future, and `Elapsed` as an `io::Error`.
//!
//! Most tests run on a paused clock: when every task waits, the runtime moves the clock straight
//! to the next timer, so the instants asserted below are exact and no test waits in real time.

mod support;

use support::catch_panic;

use std::future::{pending, poll_fn, Future};
use std::io;
use std::pin::{pin, Pin};
use std::sync::mpsc;
use std::task::{Context, Poll};

use eddy::runtime::{Builder, Runtime};
use eddy::task::coop::consume_budget;
use eddy::time::error::Elapsed;
use eddy::time::{self, sleep, sleep_until, timeout, timeout_at, Duration, Instant};
use tokio::sync::oneshot;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// An `Elapsed`, obtained the only way users can: from a timeout that elapsed.
async fn an_elapsed() -> Elapsed {
    timeout(ms(1), pending::<()>()).await.unwrap_err()
}

/// A future that always has work: it spends the whole coop budget on every poll and never
/// completes.
async fn busy_forever() {
    loop {
        consume_budget().await;
    }
}

#[eddy::test(start_paused = true)]
async fn ready_future_wins_before_the_deadline() {
    let start = Instant::now();
    assert_eq!(timeout(ms(10), async { 7 }).await, Ok(7));
    assert_eq!(Instant::now(), start, "no time passes for a ready future");
}

#[eddy::test(start_paused = true)]
async fn ready_future_wins_at_the_deadline() {
    assert_eq!(timeout_at(Instant::now(), async { 7 }).await, Ok(7));
    assert_eq!(timeout(Duration::ZERO, async { 8 }).await, Ok(8));
}

#[eddy::test(start_paused = true)]
async fn ready_future_wins_after_the_deadline() {
    let start = Instant::now();
    sleep(ms(20)).await;
    // The deadline passed 10 ms ago, but the future is polled first and is ready.
    assert_eq!(timeout_at(start + ms(10), async { 7 }).await, Ok(7));
    assert_eq!(Instant::now(), start + ms(20));
}

#[eddy::test(start_paused = true)]
async fn pending_future_times_out() {
    let start = Instant::now();
    let result = timeout(ms(100), pending::<()>()).await;
    assert!(result.is_err());
    assert_eq!(Instant::now(), start + ms(100));
}

#[eddy::test(start_paused = true)]
async fn pending_future_times_out_at_the_deadline() {
    let start = Instant::now();
    let result = timeout_at(start + ms(250), pending::<()>()).await;
    assert!(result.is_err());
    assert_eq!(Instant::now(), start + ms(250));
}

#[eddy::test(start_paused = true)]
async fn past_deadline_times_out_a_pending_future_at_once() {
    let start = Instant::now();
    sleep(ms(30)).await;
    let result = timeout_at(start + ms(10), pending::<()>()).await;
    assert!(result.is_err());
    assert_eq!(Instant::now(), start + ms(30));
}

#[eddy::test(start_paused = true)]
async fn future_done_before_the_deadline_wins() {
    let start = Instant::now();
    assert_eq!(timeout(ms(100), sleep(ms(40))).await, Ok(()));
    assert_eq!(Instant::now(), start + ms(40));
}

#[eddy::test(start_paused = true)]
async fn future_done_at_the_deadline_wins() {
    let start = Instant::now();
    // Both timers fire at the same instant; the inner future is polled first.
    assert_eq!(timeout(ms(100), sleep(ms(100))).await, Ok(()));
    assert_eq!(Instant::now(), start + ms(100));
}

#[eddy::test(start_paused = true)]
async fn deadline_before_the_future_is_done_wins() {
    let start = Instant::now();
    assert!(timeout(ms(100), sleep(ms(101))).await.is_err());
    assert_eq!(Instant::now(), start + ms(100));
}

#[eddy::test(start_paused = true)]
async fn value_from_another_task_in_time() {
    let start = Instant::now();
    let (tx, rx) = oneshot::channel();
    let sender = eddy::spawn(async move {
        sleep(ms(30)).await;
        tx.send(5).unwrap();
    });
    assert_eq!(timeout(ms(50), rx).await, Ok(Ok(5)));
    assert_eq!(Instant::now(), start + ms(30));
    sender.await.unwrap();
}

#[eddy::test(start_paused = true)]
async fn value_from_another_task_too_late_and_the_future_is_dropped() {
    let start = Instant::now();
    let (tx, rx) = oneshot::channel::<u32>();
    let sender = eddy::spawn(async move {
        sleep(ms(80)).await;
        // The timeout dropped the receiver at 50 ms.
        tx.send(5).is_err()
    });
    assert!(timeout(ms(50), rx).await.is_err());
    assert_eq!(Instant::now(), start + ms(50));
    assert!(sender.await.unwrap(), "the receiver outlived its timeout");
}

/// On every flavour, in real time: the busy future keeps its task runnable, so the timer only
/// ever gets polled after the budget is spent. Waits for the timeout itself, with a generous
/// watchdog that turns a hang (the timer starved by the budget) into a failure.
#[test]
fn busy_future_still_times_out() {
    type Flavour = (&'static str, fn() -> Runtime);
    let flavours: [Flavour; 2] = [
        ("current_thread", || {
            Builder::new_current_thread().enable_time().build().unwrap()
        }),
        ("multi_thread", || {
            Builder::new_multi_thread()
                .worker_threads(2)
                .enable_time()
                .build()
                .unwrap()
        }),
    ];
    for (name, build) in flavours {
        let (done_tx, done_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let rt = build();
            let result = rt.block_on(async { timeout(ms(1), busy_forever()).await });
            let _ = done_tx.send(result.is_err());
        });
        let timed_out = done_rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("{name}: a busy future never timed out"));
        assert!(timed_out, "{name}");
    }
}

/// The same on a paused clock: another task moves the clock past the deadline while the busy
/// future keeps its task runnable.
#[eddy::test(start_paused = true)]
async fn busy_future_times_out_when_the_clock_moves() {
    let clock = eddy::spawn(time::advance(ms(10)));
    assert!(timeout(ms(5), busy_forever()).await.is_err());
    clock.await.unwrap();
}

/// A future that counts its polls and never completes on its own.
#[derive(Debug, Default)]
struct CountPolls {
    polls: u32,
}

impl Future for CountPolls {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        self.polls += 1;
        Poll::Pending
    }
}

#[eddy::test(start_paused = true)]
async fn get_ref_get_mut_into_inner() {
    let mut guarded = timeout(ms(10), CountPolls::default());
    assert_eq!(guarded.get_ref().polls, 0);
    guarded.get_mut().polls = 41;
    assert_eq!(guarded.get_ref().polls, 41);
    assert_eq!(guarded.into_inner().polls, 41);

    // Every poll reaches the inner future, the one that finds the deadline passed included.
    let mut guarded = Box::pin(timeout(ms(10), CountPolls::default()));
    let first = poll_fn(|cx| Poll::Ready(guarded.as_mut().poll(cx))).await;
    assert!(first.is_pending());
    assert_eq!(guarded.get_ref().polls, 1);
    assert!(guarded.as_mut().await.is_err());
    // The `.await` polled twice: once at once (still 10 ms to go), once after the timer fired.
    assert_eq!(guarded.get_ref().polls, 3);
}

#[eddy::test(start_paused = true)]
async fn too_long_a_duration_does_not_panic() {
    assert_eq!(timeout(Duration::MAX, async { 3 }).await, Ok(3));
    let mut forever = pin!(timeout(Duration::MAX, pending::<()>()));
    let polled = poll_fn(|cx| Poll::Ready(forever.as_mut().poll(cx))).await;
    assert!(polled.is_pending());
}

#[eddy::test(start_paused = true)]
async fn timeout_takes_into_future() {
    /// Not a future itself; `.await` would call `into_future`.
    struct Seven;
    impl std::future::IntoFuture for Seven {
        type Output = u8;
        type IntoFuture = std::future::Ready<u8>;
        fn into_future(self) -> Self::IntoFuture {
            std::future::ready(7)
        }
    }
    assert_eq!(timeout(ms(1), Seven).await, Ok(7));
    assert_eq!(timeout_at(Instant::now(), Seven).await, Ok(7));
}

#[eddy::test(start_paused = true)]
async fn elapsed_display_debug_clone_eq() {
    let elapsed = an_elapsed().await;
    assert_eq!(elapsed.to_string(), "deadline has elapsed");
    assert_eq!(format!("{elapsed:?}"), "Elapsed(())");
    assert_eq!(elapsed.clone(), elapsed);
    let as_error: &dyn std::error::Error = &elapsed;
    assert!(as_error.source().is_none());
}

#[eddy::test(start_paused = true)]
async fn elapsed_into_io_error() {
    let err: io::Error = an_elapsed().await.into();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    assert_eq!(err.to_string(), "deadline has elapsed");
    assert!(err.get_ref().is_some_and(|inner| inner.is::<Elapsed>()));

    async fn with_question_mark() -> io::Result<()> {
        timeout(ms(1), pending::<()>()).await?;
        Ok(())
    }
    let err = with_question_mark().await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut);
}

#[test]
fn timeout_on_the_multi_thread_runtime() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        assert_eq!(timeout(ms(1), async { 1 }).await, Ok(1));
        assert!(timeout(ms(1), pending::<()>()).await.is_err());
        let spawned = eddy::spawn(async { timeout(ms(1), pending::<()>()).await.is_err() });
        assert!(spawned.await.unwrap());
        // In real time the inner timer is an hour out, so a loaded machine cannot let both
        // elapse before the task runs (the inner future would then win, rightly).
        let deadline = Instant::now() + ms(1);
        let inner = sleep_until(deadline + Duration::from_secs(3600));
        assert!(timeout_at(deadline, inner).await.is_err());
    });
}

/// The file a panic inside `f` points at; `None` if `f` did not panic.
fn panic_file<R>(f: impl FnOnce() -> R) -> Option<String> {
    catch_panic(f).and_then(|(_, file)| file)
}

#[test]
fn outside_a_runtime_the_panic_points_at_the_caller() {
    let file = panic_file(|| timeout(ms(1), async {}));
    assert_eq!(file.as_deref(), Some(file!()));
    let file = panic_file(|| timeout_at(Instant::now(), async {}));
    assert_eq!(file.as_deref(), Some(file!()));
}
