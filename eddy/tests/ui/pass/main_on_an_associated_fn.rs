// `#[eddy::main]` on an associated function that is not `main`: it becomes a synchronous
// function that builds a runtime on each call.

struct Calculator;

impl Calculator {
    #[eddy::main(flavor = "current_thread", start_paused = true)]
    async fn run(&self, n: u32) -> u32 {
        eddy::task::yield_now().await;
        n + 1
    }
}

fn main() {
    assert_eq!(Calculator.run(4), 5);
    assert_eq!(Calculator.run(5), 6);
}
