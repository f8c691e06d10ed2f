//! `flavor = "local"`: `#[eddy::test]` and `#[eddy::main]` on a `LocalRuntime`, where the body
//! and `spawn_local`ed tasks may hold values that are not `Send`.

use std::cell::Cell;
use std::rc::Rc;

#[eddy::test(flavor = "local")]
async fn the_body_may_hold_rc_across_await() {
    let shared = Rc::new(Cell::new(1));
    eddy::task::yield_now().await;
    shared.set(shared.get() + 1);
    assert_eq!(shared.get(), 2);
}

#[eddy::test(flavor = "local")]
async fn spawn_local_runs_non_send_tasks() {
    let shared = Rc::new(Cell::new(0));
    let task = eddy::task::spawn_local({
        let shared = shared.clone();
        async move { shared.set(41) }
    });
    task.await.unwrap();
    assert_eq!(shared.get() + 1, 42);
}

#[eddy::test(flavor = "local")]
async fn send_tasks_still_spawn() {
    assert_eq!(eddy::spawn(async { 5 }).await.unwrap(), 5);
}

#[eddy::test(flavor = "local")]
async fn result_and_question_mark() -> Result<(), std::num::ParseIntError> {
    let n: u8 = "7".parse()?;
    assert_eq!(n, 7);
    Ok(())
}

#[eddy::test(flavor = "local", unhandled_panic = "shutdown_runtime")]
#[should_panic(expected = "configured to shut down on unhandled panic")]
async fn unhandled_panic_shuts_the_local_runtime_down() {
    eddy::task::spawn_local(async { panic!("a local task's panic") });
    std::future::pending::<()>().await;
}

#[eddy::main(flavor = "local")]
async fn count_on_a_local_runtime(n: u32) -> u32 {
    let total = Rc::new(Cell::new(0));
    for _ in 0..n {
        let total = total.clone();
        eddy::task::spawn_local(async move { total.set(total.get() + 1) })
            .await
            .unwrap();
    }
    total.get()
}

#[test]
fn main_with_the_local_flavor() {
    assert_eq!(count_on_a_local_runtime(3), 3);
}
