#[eddy::test(start_paused = "true")]
async fn quoted() {}

#[eddy::test(start_paused = 1)]
async fn number() {}

fn main() {}
