// `#[eddy::main(flavor = "local")]`: `main` on a `LocalRuntime`, holding an `Rc` across an
// await.

use std::rc::Rc;

#[eddy::main(flavor = "local", start_paused = true)]
async fn main() {
    let shared = Rc::new(String::from("local"));
    eddy::task::yield_now().await;
    let task = eddy::task::spawn_local({
        let shared = shared.clone();
        async move { shared.len() }
    });
    assert_eq!(task.await.unwrap(), 5);
}
