//! Many waiters on one socket: readiness futures of several interests, more than one wake-up
//! batch of them, dropped from the middle of the list, next to the single-waker `poll_*` slots.

#![cfg(unix)]

mod support;

use eddy::io::{Interest, Ready};
use eddy::net::UnixStream;
use futures::AsyncWriteExt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use support::run;

/// Counts its wake-ups.
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Count {
    fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

type ReadyFuture<'a> = Pin<Box<dyn Future<Output = io::Result<Ready>> + Send + 'a>>;

fn poll_with(future: &mut ReadyFuture<'_>, waker: &Waker) -> Poll<io::Result<Ready>> {
    future.as_mut().poll(&mut Context::from_waker(waker))
}

/// Yields until `done` holds: the driver (this thread's or a worker's) turns meanwhile.
async fn until(done: impl Fn() -> bool) {
    while !done() {
        eddy::task::yield_now().await;
    }
}

net_test! {
    #[test]
    fn every_waiter_wakes_and_only_for_its_interest() {
        run(&rt(), async {
            let (mut a, b) = UnixStream::pair().unwrap();
            let readable_woken = Arc::new(Count::default());
            let priority_woken = Arc::new(Count::default());
            let readable_waker = Waker::from(readable_woken.clone());
            let priority_waker = Waker::from(priority_woken.clone());
            // 100 readable waiters (three wake-up batches and a bit) interleaved with 50
            // priority waiters that plain data does not satisfy.
            let mut readable: Vec<ReadyFuture<'_>> = Vec::new();
            let mut priority: Vec<ReadyFuture<'_>> = Vec::new();
            for i in 0..150 {
                if i % 3 == 2 {
                    let mut future: ReadyFuture<'_> = Box::pin(b.ready(Interest::PRIORITY));
                    assert!(poll_with(&mut future, &priority_waker).is_pending());
                    priority.push(future);
                } else {
                    let mut future: ReadyFuture<'_> = Box::pin(b.ready(Interest::READABLE));
                    assert!(poll_with(&mut future, &readable_waker).is_pending());
                    readable.push(future);
                }
            }
            let mut slot_woken = std::pin::pin!(b.readable());
            a.write_all(b"x").await.unwrap();
            slot_woken.as_mut().await.unwrap();
            until(|| readable_woken.get() == 100).await;
            assert_eq!(priority_woken.get(), 0, "data does not satisfy PRIORITY");
            for future in &mut readable {
                match poll_with(future, &readable_waker) {
                    Poll::Ready(Ok(ready)) => assert!(ready.is_readable()),
                    other => panic!("a woken waiter is not ready: {other:?}"),
                }
            }
            // Waiters leave from the middle of the list, then the peer hangs up: a closed read
            // half satisfies PRIORITY too.
            let kept: Vec<_> = priority.drain(..).enumerate().filter(|(i, _)| i % 2 == 0).collect();
            drop(a);
            until(|| priority_woken.get() == kept.len()).await;
            for (_, mut future) in kept {
                match poll_with(&mut future, &priority_waker) {
                    Poll::Ready(Ok(ready)) => assert!(ready.is_read_closed()),
                    other => panic!("a woken waiter is not ready: {other:?}"),
                }
            }
        });
    }

    #[test]
    fn the_poll_slots_and_the_waiter_list_are_woken_together() {
        run(&rt(), async {
            let (mut a, b) = UnixStream::pair().unwrap();
            let slot = Arc::new(Count::default());
            let list = Arc::new(Count::default());
            let slot_waker = Waker::from(slot.clone());
            let list_waker = Waker::from(list.clone());
            let mut readable: ReadyFuture<'_> = Box::pin(b.ready(Interest::READABLE));
            assert!(poll_with(&mut readable, &list_waker).is_pending());
            let mut cx = Context::from_waker(&slot_waker);
            assert!(b.poll_read_ready(&mut cx).is_pending());
            a.write_all(b"y").await.unwrap();
            until(|| slot.get() == 1 && list.get() == 1).await;
            assert!(b.poll_read_ready(&mut cx).is_ready());
            assert!(poll_with(&mut readable, &list_waker).is_ready());
            // A drained socket waits again, and the next write wakes the slot again.
            assert_eq!(b.try_read(&mut [0; 8]).unwrap(), 1);
            assert_eq!(b.try_read(&mut [0; 8]).unwrap_err().kind(), io::ErrorKind::WouldBlock);
            assert!(b.poll_read_ready(&mut cx).is_pending());
            a.write_all(b"z").await.unwrap();
            until(|| slot.get() == 2).await;
            assert!(b.poll_read_ready(&mut cx).is_ready());
        });
    }
}

mod churn {
    use super::*;

    net_test! {
        /// Sockets registered and dropped in bursts from several tasks: each drop queues the
        /// resource's release for the driver's next turn (and every sixteenth wakes the driver), so
        /// the releases race with turns on other threads.
        #[test]
        fn registration_churn_from_many_tasks() {
            run(&rt(), async {
                let tasks: Vec<_> = (0..8)
                    .map(|t| {
                        eddy::spawn(async move {
                            for i in 0..100u32 {
                                let (mut a, mut b) = UnixStream::pair().unwrap();
                                a.write_all(&(t * 1000 + i).to_le_bytes()).await.unwrap();
                                let mut buf = [0; 4];
                                futures::AsyncReadExt::read_exact(&mut b, &mut buf).await.unwrap();
                                assert_eq!(u32::from_le_bytes(buf), t * 1000 + i);
                                drop((a, b));
                                if i % 10 == 0 {
                                    eddy::task::yield_now().await;
                                }
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            });
        }
    }
}
