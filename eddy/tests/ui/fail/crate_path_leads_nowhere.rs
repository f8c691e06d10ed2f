mod reexport {}

#[eddy::main(flavor = "current_thread", crate = "reexport::eddy")]
async fn main() {}
