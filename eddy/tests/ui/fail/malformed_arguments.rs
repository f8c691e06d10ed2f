#[eddy::test(start_paused)]
async fn no_value() {}

#[eddy::test(flavor "current_thread")]
async fn no_equals() {}

#[eddy::test("current_thread")]
async fn no_name() {}

fn main() {}
