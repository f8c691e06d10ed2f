#[eddy::main(flavor = "current_thread")]
async fn main() -> Result<(), std::io::Error> {
    let n: u32 = "7".parse()?;
    assert_eq!(n, 7);
    Ok(())
}
