#[eddy::test(crate = eddy)]
async fn not_a_string() {}

#[eddy::test(crate = "not a path")]
async fn not_a_path() {}

fn main() {}
