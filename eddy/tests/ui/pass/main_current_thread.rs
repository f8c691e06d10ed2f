// A program's `main` on the current-thread runtime, returning a `Result` and using `?`.

use std::num::ParseIntError;

#[eddy::main(flavor = "current_thread")]
async fn main() -> Result<(), ParseIntError> {
    let n: u64 = "21".parse()?;
    let doubled = eddy::spawn(async move { n * 2 }).await.unwrap();
    assert_eq!(doubled, 42);
    Ok(())
}
