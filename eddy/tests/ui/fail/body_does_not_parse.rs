// A body with a syntax error reaches the compiler as written: the error is the compiler's own,
// at the mistake, and the attribute adds none.

#[eddy::test]
async fn half_typed() {
    let n = ;
}

#[eddy::test]
async fn signature_half_typed() -> {}

fn main() {}
