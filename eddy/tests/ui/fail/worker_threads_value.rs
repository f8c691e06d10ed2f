#[eddy::main(worker_threads = 0)]
async fn zero() {}

#[eddy::main(worker_threads = -1)]
async fn negative() {}

#[eddy::main(worker_threads = "4")]
async fn string() {}

#[eddy::main(worker_threads = 2.5)]
async fn fraction() {}

fn main() {}
