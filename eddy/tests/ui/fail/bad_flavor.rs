#[eddy::test(flavor = "multi_threaded")]
async fn misspelt() {}

#[eddy::test(flavor = "threadpool")]
async fn unknown() {}

#[eddy::test(flavor = current_thread)]
async fn unquoted() {}

fn main() {}
