// The default flavor (multi_thread) and `worker_threads` expand to code that runs.

#[eddy::main]
async fn default_flavor() {}

#[eddy::main(
    flavor = "multi_thread",
    worker_threads = 2,
    unhandled_panic = "shutdown_runtime"
)]
async fn two_workers() -> u8 {
    eddy::spawn(async { 1 }).await.unwrap()
}

#[eddy::main(worker_threads = 1)]
pub async fn one_worker(name: String) -> String {
    name
}

fn main() {
    default_flavor();
    assert_eq!(two_workers(), 1);
    assert_eq!(one_worker(String::from("eddy")), "eddy");
}
