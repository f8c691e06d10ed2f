//! Panics in user code (hooks, destructors, wakers, panic payloads) and odd shutdown places
//! never wedge the runtime: it stays usable, shuts down, and resolves every JoinHandle.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Wake, Waker};
use std::time::Duration;

use eddy::runtime::Builder;

const TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `f` on a helper thread; fails the test if it does not finish within `TIMEOUT`.
fn finishes<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(TIMEOUT)
        .unwrap_or_else(|_| panic!("{what} did not finish"))
}

/// Silences the default panic hook's output for panics these tests cause on purpose.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

#[test]
fn runtime_dropped_inside_its_own_blocking_closure() {
    let finished = finishes("dropping a runtime on its own blocking thread", || {
        let rt = Builder::new_current_thread().build().unwrap();
        let handle = rt.handle().clone();
        let join = handle.spawn_blocking(move || drop(rt));
        futures::executor::block_on(join)
    });
    finished.expect("the blocking closure that dropped its runtime completed");
}

#[test]
fn park_hook_panic_leaves_the_runtime_usable() {
    quiet_panics();
    let armed = Arc::new(AtomicBool::new(true));
    let rt = {
        let armed = armed.clone();
        Builder::new_current_thread()
            .on_thread_park(move || {
                if armed.swap(false, Ordering::SeqCst) {
                    panic!("park hook");
                }
            })
            .build()
            .unwrap()
    };
    // Waiting on the blocking pool makes the scheduler park, and the hook panics.
    let first = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async { rt.spawn_blocking(|| ()).await.unwrap() })
    }));
    assert!(first.is_err(), "the park hook's panic reaches block_on");
    // The core kept its driver: the runtime still runs and parks.
    let second = rt.block_on(async { rt.spawn_blocking(|| 7).await.unwrap() });
    assert_eq!(second, 7);
    drop(rt);
}

struct PanicOnDrop(&'static str);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            panic!("{}", self.0);
        }
    }
}

/// Panics when polled; its destructor (run by the runtime after the poll's panic was caught,
/// not during unwinding) panics with a payload whose own destructor panics.
struct PanicsTwice;

impl Future for PanicsTwice {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, _cx: &mut Context<'_>) -> std::task::Poll<()> {
        panic!("poll");
    }
}

impl Drop for PanicsTwice {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            std::panic::panic_any(PanicOnDrop("payload drop"));
        }
    }
}

#[test]
fn panic_payload_that_panics_on_drop() {
    quiet_panics();
    let rt = Builder::new_current_thread().build().unwrap();
    // The task must still complete, with the poll's panic, and the runtime must carry on.
    let err = rt.block_on(rt.spawn(PanicsTwice)).unwrap_err();
    assert!(err.is_panic());
    assert_eq!(
        err.to_string(),
        format!("task {} panicked with message \"poll\"", err.id())
    );
    assert_eq!(
        rt.block_on(async { eddy::spawn(async { 1 }).await.unwrap() }),
        1
    );
}

struct PanickyWaker;

impl Wake for PanickyWaker {
    fn wake(self: Arc<Self>) {}
}

impl Drop for PanickyWaker {
    fn drop(&mut self) {
        panic!("waker destructor");
    }
}

#[test]
fn join_waker_whose_destructor_panics() {
    quiet_panics();
    let rt = Builder::new_current_thread().build().unwrap();
    let mut join = rt.spawn(std::future::pending::<()>());
    {
        // Register a waker whose last drop panics, and keep no other reference to it.
        let waker = Waker::from(Arc::new(PanickyWaker));
        let mut cx = Context::from_waker(&waker);
        assert!(std::pin::Pin::new(&mut join).poll(&mut cx).is_pending());
        // `waker` drops here; the JoinHandle's clone is now the last one.
    }
    // Dropping the JoinHandle drops the waker: its panic must not escape.
    drop(join);
    drop(rt);
}

#[test]
fn panicking_thread_start_hook_does_not_lose_the_thread() {
    quiet_panics();
    let rt = Builder::new_current_thread()
        .max_blocking_threads(1)
        .on_thread_start(|| panic!("start hook"))
        .build()
        .unwrap();
    let out = finishes("spawn_blocking after a panicking start hook", move || {
        rt.block_on(async {
            let a = eddy::task::spawn_blocking(|| 1).await.unwrap();
            let b = eddy::task::spawn_blocking(|| 2).await.unwrap();
            a + b
        })
    });
    assert_eq!(out, 3);
}

#[test]
fn shutdown_timeout_cancels_tasks_before_waiting_for_blocking_work() {
    // The blocking closure waits on a channel whose sender a task holds. Cancelling the task
    // first unblocks it; waiting first would sit out the whole (hour-long) timeout.
    let rt = Builder::new_current_thread().build().unwrap();
    let (tx, rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel();
    rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        let _ = rx.recv(); // returns once the sender is dropped
    });
    started_rx.recv_timeout(TIMEOUT).unwrap();
    rt.spawn(async move {
        let _tx = tx;
        std::future::pending::<()>().await;
    });
    finishes("shutdown_timeout", move || {
        rt.shutdown_timeout(Duration::from_secs(3600))
    });
}
