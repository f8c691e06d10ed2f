#[eddy::test(worker_threads = 2)]
async fn default_flavor_of_test() {}

#[eddy::main(flavor = "current_thread", worker_threads = 2)]
async fn current_thread() {}

fn main() {}
