#[eddy::test]
fn not_async_test() {}

#[eddy::main(flavor = "current_thread")]
fn main() {}
