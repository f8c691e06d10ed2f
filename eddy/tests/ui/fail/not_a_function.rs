#[eddy::test]
struct Config;

fn main() {}
