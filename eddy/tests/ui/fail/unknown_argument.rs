#[eddy::test(flavour = "current_thread")]
async fn misspelt() {}

#[eddy::test(threads = 2)]
async fn unknown() {}

fn main() {}
