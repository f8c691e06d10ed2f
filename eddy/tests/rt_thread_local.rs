//! A runtime kept in a `thread_local!` is dropped during thread teardown, before or after eddy's
//! own thread-local context: either way its tasks are cancelled and nothing panics or aborts.

use std::cell::RefCell;
use std::sync::mpsc;
use std::time::Duration;

struct OnDrop(Option<mpsc::Sender<&'static str>>);

impl Drop for OnDrop {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send("task future dropped");
        }
    }
}

thread_local! {
    static RUNTIME: RefCell<Option<eddy::runtime::Runtime>> = const { RefCell::new(None) };
}

fn park_a_task_in_a_thread_local_runtime(
    touch_context_first: bool,
) -> mpsc::Receiver<&'static str> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        if touch_context_first {
            // eddy's context is registered first, so it is destroyed after RUNTIME.
            let _ = eddy::runtime::Handle::try_current();
        }
        RUNTIME.with(|slot| {
            let rt = eddy::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let guard = OnDrop(Some(tx));
            rt.block_on(async {
                // A task that waits forever, holding something that reports its drop.
                drop(eddy::spawn(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await;
                }));
                eddy::task::yield_now().await;
            });
            *slot.borrow_mut() = Some(rt);
        });
    })
    .join()
    .expect("the thread panicked while tearing down its runtime");
    rx
}

#[test]
fn runtime_dropped_before_the_context() {
    let rx = park_a_task_in_a_thread_local_runtime(true);
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(30)),
        Ok("task future dropped")
    );
}

#[test]
fn runtime_dropped_after_the_context() {
    let rx = park_a_task_in_a_thread_local_runtime(false);
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(30)),
        Ok("task future dropped")
    );
}
