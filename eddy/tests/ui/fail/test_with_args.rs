#[eddy::test]
async fn takes_an_argument(n: u32) {
    assert_eq!(n, n);
}

fn main() {}

#[eddy::test]
async fn uses_question_mark(text: &str) -> Result<(), std::num::ParseIntError> {
    let n: u32 = text.parse()?;
    assert_eq!(n, 1);
    Ok(())
}
