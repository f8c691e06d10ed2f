#[eddy::test(
    flavor = "current_thread",
    start_paused = true,
    flavor = "multi_thread"
)]
async fn twice() {}

fn main() {}
