#[eddy::test(unhandled_panic = "abort")]
async fn unknown() {}

#[eddy::test(unhandled_panic = true)]
async fn not_a_string() {}

fn main() {}
