//! Runtime behaviour that must hold on every flavour, instantiated per flavour by `rt_test!`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use eddy::runtime::{Builder, Handle, Runtime};
use eddy::task::{self, JoinHandle};
use tokio::sync::oneshot;

/// Generous bound for waits that would otherwise hang on a broken runtime.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Expands the tests once per runtime flavour; add a flavour with one line.
macro_rules! rt_test {
    (@flavour $name:ident, $builder:expr; $($t:tt)*) => {
        mod $name {
            use super::*;

            fn rt() -> Runtime {
                $builder.build().expect("runtime builds")
            }

            $($t)*
        }
    };
    ($($t:tt)*) => {
        rt_test!(@flavour current_thread, Builder::new_current_thread(); $($t)*);
        rt_test!(@flavour multi_thread_1, Builder::new_multi_thread().worker_threads(1); $($t)*);
        rt_test!(@flavour multi_thread_4, Builder::new_multi_thread().worker_threads(4); $($t)*);
    };
}

/// Counts how many times the wrapped future is polled.
struct CountPolls<F> {
    polls: Arc<AtomicUsize>,
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for CountPolls<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.inner.as_mut().poll(cx)
    }
}

/// Sends on its channel when dropped, reporting whether a runtime context was current.
struct DropProbe(mpsc::Sender<bool>);

impl Drop for DropProbe {
    fn drop(&mut self) {
        let _ = self.0.send(Handle::try_current().is_ok());
    }
}

rt_test! {
    #[test]
    fn block_on_ready_value() {
        assert_eq!(rt().block_on(async { 40 + 2 }), 42);
    }

    #[test]
    fn block_on_value_from_other_thread() {
        let rt = rt();
        let (tx, rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send("hello").unwrap());
        assert_eq!(rt.block_on(rx).unwrap(), "hello");
        sender.join().unwrap();
    }

    #[test]
    fn spawn_and_join() {
        let out = rt().block_on(async { eddy::spawn(async { "spawned" }).await.unwrap() });
        assert_eq!(out, "spawned");
    }

    #[test]
    fn spawn_many_and_join_all() {
        let rt = rt();
        let sum = rt.block_on(async {
            let handles: Vec<JoinHandle<usize>> = (0..100)
                .map(|i| task::spawn(async move { i * 2 }))
                .collect();
            let mut sum = 0;
            for handle in handles {
                sum += handle.await.unwrap();
            }
            sum
        });
        assert_eq!(sum, (0..100).map(|i| i * 2).sum());
    }

    #[test]
    fn spawn_chain() {
        let out = rt().block_on(async {
            eddy::spawn(async {
                let inner = eddy::spawn(async { eddy::spawn(async { 3 }).await.unwrap() + 2 });
                inner.await.unwrap() * 10
            })
            .await
            .unwrap()
        });
        assert_eq!(out, 50);
    }

    #[test]
    fn spawn_from_other_threads_via_handle() {
        let rt = rt();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let handle = rt.handle().clone();
                let tx = tx.clone();
                thread::spawn(move || {
                    handle.spawn(async move { tx.send(i).unwrap() });
                })
            })
            .collect();
        drop(tx);
        for t in threads {
            t.join().unwrap();
        }
        let mut got = rt.block_on(async {
            let mut got = Vec::new();
            while let Some(i) = rx.recv().await {
                got.push(i);
            }
            got
        });
        got.sort_unstable();
        assert_eq!(got, vec![0, 1, 2, 3]);
    }

    #[test]
    fn spawn_blocking_returns_value() {
        let out = rt().block_on(async { task::spawn_blocking(|| "blocking").await.unwrap() });
        assert_eq!(out, "blocking");
    }

    #[test]
    fn spawn_blocking_from_blocking() {
        let out = rt().block_on(async {
            let inner = task::spawn_blocking(|| task::spawn_blocking(|| "nested"))
                .await
                .unwrap();
            inner.await.unwrap()
        });
        assert_eq!(out, "nested");
    }

    #[test]
    fn pending_tasks_dropped_on_runtime_drop_inside_context() {
        let rt = rt();
        let (tx, rx) = mpsc::channel();
        let (started_tx, started_rx) = oneshot::channel();
        rt.block_on(async {
            eddy::spawn(async move {
                let _probe = DropProbe(tx);
                started_tx.send(()).unwrap();
                futures::future::pending::<()>().await;
            });
            started_rx.await.unwrap();
        });
        drop(rt);
        let had_context = rx.recv_timeout(TIMEOUT).expect("task future was dropped");
        assert!(
            had_context,
            "Handle::try_current() must be Ok inside the task's Drop"
        );
    }

    #[test]
    fn task_spawned_outside_block_on_dropped_on_runtime_drop() {
        let rt = rt();
        let (tx, rx) = mpsc::channel();
        let probe = DropProbe(tx);
        rt.spawn(async move {
            let _probe = probe;
            futures::future::pending::<()>().await;
        });
        drop(rt);
        let had_context = rx.recv_timeout(TIMEOUT).expect("task future was dropped");
        assert!(
            had_context,
            "Handle::try_current() must be Ok inside the task's Drop"
        );
    }

    #[test]
    fn panic_in_task_does_not_take_runtime_down() {
        let rt = rt();
        let err = rt.block_on(rt.spawn(async { panic!("boom") })).unwrap_err();
        assert!(err.is_panic());
        assert!(!err.is_cancelled());
        let after = rt.block_on(async { eddy::spawn(async { 1 }).await.unwrap() });
        assert_eq!(after, 1);
    }

    #[test]
    fn panic_in_blocking_task_is_a_join_error() {
        let rt = rt();
        let err = rt
            .block_on(rt.spawn_blocking(|| panic!("blocking boom")))
            .unwrap_err();
        assert!(err.is_panic());
        assert_eq!(rt.block_on(rt.spawn_blocking(|| 2)).unwrap(), 2);
    }

    #[test]
    fn abort_pending_task() {
        let rt = rt();
        let (tx, rx) = mpsc::channel();
        let probe = DropProbe(tx);
        let err = rt.block_on(async move {
            let handle = eddy::spawn(async move {
                let _probe = probe;
                futures::future::pending::<()>().await;
            });
            task::yield_now().await;
            handle.abort();
            handle.await.unwrap_err()
        });
        assert!(err.is_cancelled());
        assert!(
            rx.recv_timeout(TIMEOUT).is_ok(),
            "aborted task's future was dropped"
        );
    }

    #[test]
    fn yield_now_returns_pending_once() {
        let polls = Arc::new(AtomicUsize::new(0));
        let inner = async {
            for _ in 0..3 {
                task::yield_now().await;
            }
        };
        let fut = CountPolls {
            polls: polls.clone(),
            inner: Box::pin(inner),
        };
        rt().block_on(async move { eddy::spawn(fut).await.unwrap() });
        assert_eq!(polls.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn coop_budget_lets_other_tasks_run() {
        let rt = rt();
        let flag = Arc::new(AtomicBool::new(false));
        let spins = rt.block_on(async {
            let f = flag.clone();
            let spinner = eddy::spawn(async move {
                let mut spins = 0u64;
                while !f.load(Ordering::SeqCst) && spins < 10_000_000 {
                    task::consume_budget().await;
                    spins += 1;
                }
                spins
            });
            let f = flag.clone();
            let setter = eddy::spawn(async move { f.store(true, Ordering::SeqCst) });
            setter.await.unwrap();
            spinner.await.unwrap()
        });
        assert!(flag.load(Ordering::SeqCst));
        assert!(
            spins < 10_000_000,
            "the spinning task never yielded to the others"
        );
    }

    #[test]
    fn unconstrained_task_is_not_preempted() {
        let polls = Arc::new(AtomicUsize::new(0));
        let inner = task::unconstrained(async {
            for _ in 0..1_000 {
                task::consume_budget().await;
            }
        });
        let fut = CountPolls {
            polls: polls.clone(),
            inner: Box::pin(inner),
        };
        rt().block_on(async move { eddy::spawn(fut).await.unwrap() });
        assert_eq!(polls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn enter_and_spawn() {
        let rt = rt();
        let handle = {
            let _guard = rt.enter();
            eddy::spawn(async { "entered" })
        };
        assert_eq!(rt.block_on(handle).unwrap(), "entered");
    }

    #[test]
    fn handle_current_inside_spawned_task_is_this_runtime() {
        let rt = rt();
        let id = rt
            .block_on(rt.spawn(async { Handle::current().id() }))
            .unwrap();
        assert_eq!(id, rt.handle().id());
    }
}
