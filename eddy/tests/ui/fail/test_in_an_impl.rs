struct Suite;

impl Suite {
    #[eddy::test]
    async fn a_method(&self) {}

    // Without `self` the macro expands, and the compiler refuses `#[test]` in an `impl`.
    #[eddy::test]
    async fn an_associated_fn() {}
}

fn main() {}
