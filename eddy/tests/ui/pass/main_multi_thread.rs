// The default flavor and `worker_threads` expand to code that compiles. (It is not run: the
// multi-thread scheduler is not part of eddy yet, and building it returns an error.)

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
    if std::env::args().count() > 100 {
        default_flavor();
        let _ = two_workers();
        let _ = one_worker(String::new());
    }
}
